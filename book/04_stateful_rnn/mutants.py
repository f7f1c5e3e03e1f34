"""Plausible wrong answers for chapter 4, and correct answers written differently.

Each wrong answer must lose exactly its exercise's points; each alternative must earn every point.
(The first wrong answer is the one the sandboxed grading test submits: it keeps integer ids and the
right shape so that the chapter's later cells still run.)
"""

MUTANTS = {
    "stateful_batches": {
        # Consecutive windows side by side: row i+1 continues row i, not row i of the previous batch.
        "logic: consecutive windows in one batch": '''
def stateful_batches(ids, batch_size, n_steps):
    ids = np.asarray(ids)
    n_windows = (len(ids) - 1) // n_steps
    n_batches = n_windows // batch_size
    starts = np.arange(n_batches * batch_size) * n_steps
    rows = ids[starts[:, None] + np.arange(n_steps + 1)]
    return rows.reshape(n_batches, batch_size, n_steps + 1)
''',
        # Right values, preallocated with np.zeros' default dtype: float64 ids.
        "contract: float64 ids": '''
def stateful_batches(ids, batch_size, n_steps):
    L = len(ids) // batch_size
    n_batches = (L - 1) // n_steps
    out = np.zeros((n_batches, batch_size, n_steps + 1))
    for i in range(batch_size):
        for t in range(n_batches):
            out[t, i] = ids[i * L + t * n_steps : i * L + t * n_steps + n_steps + 1]
    return out
''',
        # Windows of n_steps + 1 that do not overlap: each batch skips one character of the stream.
        "logic: no overlap between batches": '''
def stateful_batches(ids, batch_size, n_steps):
    ids = np.asarray(ids)
    L = len(ids) // batch_size
    streams = ids[: L * batch_size].reshape(batch_size, L)
    n_batches = L // (n_steps + 1)
    cols = np.arange(n_batches)[:, None] * (n_steps + 1) + np.arange(n_steps + 1)
    return streams[:, cols].transpose(1, 0, 2)
''',
        # Streams interleaved (stream i = ids[i::batch_size]): each row jumps batch_size characters.
        "logic: interleaved streams": '''
def stateful_batches(ids, batch_size, n_steps):
    ids = np.asarray(ids)
    L = len(ids) // batch_size
    streams = ids[: L * batch_size].reshape(L, batch_size).T
    n_batches = (L - 1) // n_steps
    cols = np.arange(n_batches)[:, None] * n_steps + np.arange(n_steps + 1)
    return streams[:, cols].transpose(1, 0, 2)
''',
        # Axes in the wrong order: (batch_size, n_batches, n_steps + 1).
        "contract: streams first": '''
def stateful_batches(ids, batch_size, n_steps):
    ids = np.asarray(ids)
    L = len(ids) // batch_size
    streams = ids[: L * batch_size].reshape(batch_size, L)
    n_batches = (L - 1) // n_steps
    cols = np.arange(n_batches)[:, None] * n_steps + np.arange(n_steps + 1)
    return streams[:, cols]
''',
    },
    "stateful_gru": {
        # A fixed batch shape, but the state is not kept between calls in the second GRU.
        "contract: stateful only in the first GRU": '''
def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    inputs = keras.Input(batch_shape=(batch_size, None), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True, stateful=True)(x)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
        # Not stateful at all: every call starts from zeros.
        "contract: no stateful=True": '''
def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    inputs = keras.Input(batch_shape=(batch_size, None), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
        # Keras 2's old GRU (reset_after=False).
        "numeric: reset_after=False": '''
def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    inputs = keras.Input(batch_shape=(batch_size, None), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True, stateful=True, reset_after=False)(x)
    x = keras.layers.GRU(hidden, return_sequences=True, stateful=True, reset_after=False)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
        # The recurrent activation of Keras 2's hard_sigmoid habit.
        "numeric: hard_sigmoid gates": '''
def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    inputs = keras.Input(batch_shape=(batch_size, None), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True, stateful=True, recurrent_activation="hard_sigmoid")(x)
    x = keras.layers.GRU(hidden, return_sequences=True, stateful=True, recurrent_activation="hard_sigmoid")(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
        # Logits instead of probabilities.
        "contract: no softmax": '''
def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    inputs = keras.Input(batch_shape=(batch_size, None), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True, stateful=True)(x)
    x = keras.layers.GRU(hidden, return_sequences=True, stateful=True)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size)(x))
''',
    },
    "reset_callback": {
        # Resets per epoch only: validation starts from the state training left behind.
        "contract: no reset before validation": '''
class ResetStatesCallback(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        for layer in self.model.layers:
            if getattr(layer, "stateful", False):
                layer.reset_state()
''',
        # Also resets at every training batch: the model silently becomes stateless.
        "logic: resets at every training batch": '''
class ResetStatesCallback(keras.callbacks.Callback):
    def _reset(self):
        for layer in self.model.layers:
            if getattr(layer, "stateful", False):
                layer.reset_state()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset()

    def on_train_batch_begin(self, batch, logs=None):
        self._reset()

    def on_test_begin(self, logs=None):
        self._reset()
''',
        # Resets at every validation batch: validation reads each row from zeros.
        "logic: resets at every validation batch": '''
class ResetStatesCallback(keras.callbacks.Callback):
    def _reset(self):
        for layer in self.model.layers:
            if getattr(layer, "stateful", False):
                layer.reset_state()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset()

    def on_test_batch_begin(self, batch, logs=None):
        self._reset()
''',
        # Resets at the end of an epoch instead of its start, and after validation: validation starts dirty.
        "logic: resets at epoch end": '''
class ResetStatesCallback(keras.callbacks.Callback):
    def _reset(self):
        for layer in self.model.layers:
            if getattr(layer, "stateful", False):
                layer.reset_state()

    def on_epoch_end(self, epoch, logs=None):
        self._reset()

    def on_test_end(self, logs=None):
        self._reset()
''',
        # Resets only GRU layers: a stateful LSTM keeps its state.
        "contract: GRU layers only": '''
class ResetStatesCallback(keras.callbacks.Callback):
    def _reset(self):
        for layer in self.model.layers:
            if isinstance(layer, keras.layers.GRU) and layer.stateful:
                layer.reset_state()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset()

    def on_test_begin(self, logs=None):
        self._reset()
''',
    },
}

# Other correct answers, written differently. The first of each goes into one submission that the
# sandboxed grading test grades (full marks); every one is proven in process.
ALTERNATIVES = {
    "stateful_batches": [
        # Two plain loops over streams and batches filling a preallocated array of the ids' dtype.
        '''
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
        # Windows of every stream with a sliding-window view, every n_steps-th one, then swapped axes.
        '''
def stateful_batches(ids, batch_size, n_steps):
    ids = np.asarray(ids)
    L = len(ids) // batch_size
    streams = np.stack(np.split(ids[: L * batch_size], batch_size))  # (B, L)
    n_batches = (L - 1) // n_steps
    views = np.lib.stride_tricks.sliding_window_view(streams, n_steps + 1, axis=1)[:, ::n_steps][:, :n_batches]
    return np.swapaxes(views, 0, 1).copy()
''',
        # Absolute offsets computed in one broadcast, a list input accepted.
        '''
def stateful_batches(ids, batch_size, n_steps):
    ids = np.array(ids, dtype=np.int64)
    L = len(ids) // batch_size
    t = np.arange((L - 1) // n_steps)[:, None, None]
    i = np.arange(batch_size)[None, :, None]
    j = np.arange(n_steps + 1)[None, None, :]
    return ids[i * L + t * n_steps + j]
''',
    ],
    "stateful_gru": [
        # keras.Sequential whose Input fixes the batch size with batch_size= instead of batch_shape=.
        '''
def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    return keras.Sequential([
        keras.Input(shape=(None,), batch_size=batch_size, dtype="int32"),
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.GRU(hidden, return_sequences=True, stateful=True),
        keras.layers.GRU(hidden, return_sequences=True, stateful=True),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
''',
        # An InputLayer(batch_shape=...), Dense(activation=tf.nn.softmax) (the chapter does not import tf: the answer does).
        '''
import tensorflow as tf


def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    return keras.Sequential([
        keras.layers.InputLayer(batch_shape=(batch_size, None)),
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.GRU(hidden, return_sequences=True, stateful=True),
        keras.layers.GRU(hidden, return_sequences=True, stateful=True),
        keras.layers.Dense(vocab_size, activation=tf.nn.softmax),
    ])
''',
        # Functional, a loop for the GRUs, a separate Softmax layer.
        '''
def build_stateful_char_gru(vocab_size, embed_dim, hidden, batch_size):
    inputs = keras.Input(shape=(None,), batch_size=batch_size, dtype="int64")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    for _ in range(2):
        x = keras.layers.GRU(hidden, return_sequences=True, stateful=True, reset_after=True)(x)
    x = keras.layers.Dense(vocab_size)(x)
    return keras.Model(inputs, keras.layers.Softmax(axis=-1)(x))
''',
    ],
    "reset_callback": [
        # Finds the recurrent layers by type and uses the reset_states() alias; on_test_begin reuses on_epoch_begin.
        '''
class ResetStatesCallback(keras.callbacks.Callback):
    def stateful_rnns(self):
        return [layer for layer in self.model.layers if isinstance(layer, keras.layers.RNN) and layer.stateful]

    def on_epoch_begin(self, epoch, logs=None):
        for layer in self.stateful_rnns():
            layer.reset_states()

    def on_test_begin(self, logs=None):
        self.on_epoch_begin(None, logs)
''',
        # Sets every state variable to zeros by hand; also resets at the start of training (harmless).
        '''
class ResetStatesCallback(keras.callbacks.Callback):
    def zero_states(self):
        for layer in self.model.layers:
            if getattr(layer, "stateful", False):
                for state in layer.states:
                    state.assign(keras.ops.zeros_like(state))

    def on_train_begin(self, logs=None):
        self.zero_states()

    def on_epoch_begin(self, epoch, logs=None):
        self.zero_states()

    def on_test_begin(self, logs=None):
        self.zero_states()
''',
        # Calls reset_state on every layer that has one (harmless on non-stateful layers), and also after validation.
        '''
class ResetStatesCallback(keras.callbacks.Callback):
    def _reset(self):
        for layer in self.model.layers:
            if hasattr(layer, "reset_state") and getattr(layer, "stateful", False):
                layer.reset_state()

    on_epoch_begin = lambda self, epoch, logs=None: self._reset()
    on_test_begin = lambda self, logs=None: self._reset()
    on_test_end = lambda self, logs=None: self._reset()
''',
    ],
}
