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

# Other correct answers, written differently: together in one submission they must score full marks.
ALTERNATIVES = {
    # Two plain loops over streams and batches filling a preallocated array.
    "stateful_batches": '''
def stateful_batches(ids, batch_size, n_steps):
    ids = np.asarray(ids)
    L = len(ids) // batch_size
    n_batches = (L - 1) // n_steps
    out = np.empty((n_batches, batch_size, n_steps + 1), dtype=ids.dtype)
    for i in range(batch_size):
        stream = ids[i * L : (i + 1) * L]
        for t in range(n_batches):
            out[t, i] = stream[t * n_steps : t * n_steps + n_steps + 1]
    return out
''',
    # keras.Sequential whose Input fixes the batch size with batch_size= instead of batch_shape=.
    "stateful_gru": '''
def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    return keras.Sequential([
        keras.Input(shape=(None,), batch_size=batch_size, dtype="int32"),
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.GRU(hidden, return_sequences=True, stateful=True),
        keras.layers.GRU(hidden, return_sequences=True, stateful=True),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
''',
    # Finds the recurrent layers by type and uses the reset_states() alias; on_test_begin reuses on_epoch_begin.
    "reset_callback": '''
class ResetStatesCallback(keras.callbacks.Callback):
    def stateful_rnns(self):
        return [layer for layer in self.model.layers if isinstance(layer, keras.layers.RNN) and layer.stateful]

    def on_epoch_begin(self, epoch, logs=None):
        for layer in self.stateful_rnns():
            layer.reset_states()

    def on_test_begin(self, logs=None):
        self.on_epoch_begin(None, logs)
''',
}
