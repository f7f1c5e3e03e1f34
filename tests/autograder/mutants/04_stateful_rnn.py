"""Plausible wrong answers for chapter 4. Each must lose exactly its exercise's points."""

MUTANTS = {
    "stateful_batches": {
        # Consecutive windows side by side: row i+1 continues row i, not row i of the previous batch.
        "consecutive windows in one batch": '''
def stateful_batches(ids, batch_size, n_steps):
    ids = np.asarray(ids)
    n_windows = (len(ids) - 1) // n_steps
    n_batches = n_windows // batch_size
    starts = np.arange(n_batches * batch_size) * n_steps
    rows = ids[starts[:, None] + np.arange(n_steps + 1)]
    return rows.reshape(n_batches, batch_size, n_steps + 1)
''',
    },
    "stateful_gru": {
        # A fixed batch shape, but the state is not kept between calls.
        "stateful only in the first GRU": '''
def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    inputs = keras.Input(batch_shape=(batch_size, None), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True, stateful=True)(x)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
    },
    "reset_callback": {
        # Resets per epoch only: validation starts from the state training left behind.
        "no reset before validation": '''
class ResetStatesCallback(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        for layer in self.model.layers:
            if getattr(layer, "stateful", False):
                layer.reset_state()
''',
    },
}
