"""Plausible wrong answers for chapter 1, by class, and correct answers written differently.

Each wrong answer must lose exactly its exercise's points; each alternative must earn them.
"""

MUTANTS = {
    "lstm_step": {
        # Deep Learning from Scratch 2 slices the gates as f, g, i, o; the course (and Keras, torch) use i, f, g, o.
        "logic: gate order f, g, i, o": '''
def lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    A = x @ Wx + h @ Wh + b
    f = sigmoid(A[:, :H])
    g = np.tanh(A[:, H : 2 * H])
    i = sigmoid(A[:, 2 * H : 3 * H])
    o = sigmoid(A[:, 3 * H :])
    c_next = f * c + i * g
    return o * np.tanh(c_next), c_next
''',
        # Forgets to squash the memory before the output gate.
        "numeric: h = o * c": '''
def lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    A = x @ Wx + h @ Wh + b
    i, f, o = sigmoid(A[:, :H]), sigmoid(A[:, H : 2 * H]), sigmoid(A[:, 3 * H :])
    g = np.tanh(A[:, 2 * H : 3 * H])
    c_next = f * c + i * g
    return o * c_next, c_next
''',
        # Right values, but the memory is updated in place: the caller's c changes.
        "contract: updates c in place": '''
def lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    A = x @ Wx + h @ Wh + b
    i, f, o = sigmoid(A[:, :H]), sigmoid(A[:, H : 2 * H]), sigmoid(A[:, 3 * H :])
    g = np.tanh(A[:, 2 * H : 3 * H])
    c *= f
    c += i * g
    return o * np.tanh(c), c.copy()
''',
        # Returns the pair in the other order.
        "contract: returns (c_next, h_next)": '''
def lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    A = x @ Wx + h @ Wh + b
    i, f, o = sigmoid(A[:, :H]), sigmoid(A[:, H : 2 * H]), sigmoid(A[:, 3 * H :])
    c_next = f * c + i * np.tanh(A[:, 2 * H : 3 * H])
    return c_next, o * np.tanh(c_next)
''',
        # A sigmoid where the candidate needs tanh: g in (0, 1) instead of (-1, 1).
        "numeric: sigmoid candidate": '''
def lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    A = x @ Wx + h @ Wh + b
    i, f, g, o = (sigmoid(A[:, k * H : (k + 1) * H]) for k in range(4))
    c_next = f * c + i * g
    return o * np.tanh(c_next), c_next
''',
        # Right values, from a tool the exercise forbids (numpy-only): PyTorch's sigmoid and tanh. The
        # student venv has no PyTorch; the grader's tool watch scores it 0 wherever it runs.
        "tool: torch's gates": '''
def lstm_step(x, h, c, Wx, Wh, b):
    import torch

    H = h.shape[1]
    A = torch.from_numpy(x @ Wx + h @ Wh + b)
    i, f, o = torch.sigmoid(A[:, :H]), torch.sigmoid(A[:, H : 2 * H]), torch.sigmoid(A[:, 3 * H :])
    c_next = f * torch.from_numpy(c) + i * torch.tanh(A[:, 2 * H : 3 * H])
    return (o * torch.tanh(c_next)).numpy(), c_next.numpy()
''',
        # The same with TensorFlow, which the student venv has (chapter 1's setup imports it as tf): graded in the
        # sandbox by tests/autograder/grading/test_batch.py.
        "tool: TensorFlow's gates": '''
def lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    A = tf.constant(x @ Wx + h @ Wh + b)
    i, f, o = tf.sigmoid(A[:, :H]), tf.sigmoid(A[:, H : 2 * H]), tf.sigmoid(A[:, 3 * H :])
    c_next = f * c + i * tf.tanh(A[:, 2 * H : 3 * H])
    return (o * tf.tanh(c_next)).numpy(), c_next.numpy()
''',
    },
    "lstm_lm": {
        "logic: LSTM returns only its last state": '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.LSTM(hidden)(x)
    outputs = keras.layers.Dense(vocab_size, activation="softmax")(x)
    return keras.Model(inputs, outputs)
''',
        # Right shapes, right parameter count, wrong cell: only the transplant comparison can tell.
        "numeric: hard sigmoid gates": '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.LSTM(hidden, return_sequences=True, recurrent_activation="hard_sigmoid")(x)
    outputs = keras.layers.Dense(vocab_size, activation="softmax")(x)
    return keras.Model(inputs, outputs)
''',
        # Logits, not probabilities: the docstring asks for a softmax.
        "contract: no softmax (logits)": '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.LSTM(hidden, return_sequences=True),
        keras.layers.Dense(vocab_size),
    ])
''',
        # Embedding and hidden sizes swapped in the layers.
        "contract: embed_dim and hidden swapped": '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(vocab_size, hidden),
        keras.layers.LSTM(embed_dim, return_sequences=True),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
''',
    },
    "apply_temperature": {
        "numeric: exponent T instead of 1/T": '''
def apply_temperature(probs, temperature):
    w = np.asarray(probs, dtype=np.float64) ** temperature
    return w / w.sum(axis=-1, keepdims=True)
''',
        # Right for 1-D input, wrong for batches: normalises over the whole array.
        "logic: normalises over every axis": '''
def apply_temperature(probs, temperature):
    w = np.exp(np.log(np.clip(np.asarray(probs, dtype=np.float64), 1e-300, None)) / temperature)
    return w / w.sum()
''',
        # Power computed directly: p ** (1 / 1e-4) underflows to 0 everywhere and 0 / 0 is NaN.
        "numeric: p ** (1 / T) without logs (underflows)": '''
def apply_temperature(probs, temperature):
    w = np.asarray(probs, dtype=np.float64) ** (1.0 / temperature)
    return w / w.sum(axis=-1, keepdims=True)
''',
        # Log space but the maximum is not subtracted: exp underflows at tiny temperatures.
        "numeric: no max subtracted before exp": '''
def apply_temperature(probs, temperature):
    w = np.exp(np.log(np.asarray(probs, dtype=np.float64) + 1e-300) / temperature)
    return w / w.sum(axis=-1, keepdims=True)
''',
        # Smoothing so large that zeros get visible probability (1e-6 at temperature 1).
        "numeric: smooths zeros with 1e-6": '''
def apply_temperature(probs, temperature):
    logp = np.log(np.asarray(probs, dtype=np.float64) + 1e-6) / temperature
    w = np.exp(logp - logp.max(axis=-1, keepdims=True))
    return w / w.sum(axis=-1, keepdims=True)
''',
        # Normalises the caller's array in place.
        "contract: overwrites probs": '''
def apply_temperature(probs, temperature):
    logp = np.log(np.clip(probs, 1e-300, None)) / temperature
    probs[...] = np.exp(logp - logp.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    return probs.copy()
''',
    },
    "sample_with_temperature": {
        # Passes every check at temperature 1; the frequencies at 0.4 and 2.5 catch it.
        "logic: ignores the temperature": '''
def sample_with_temperature(probs, temperature, rng):
    return int(rng.choice(len(probs), p=probs))
''',
        "logic: always greedy": '''
def sample_with_temperature(probs, temperature, rng):
    return int(np.argmax(probs))
''',
        # Draws from NumPy's global state: right frequencies, but a seed no longer reproduces the draws.
        "contract: ignores rng, uses np.random": '''
def sample_with_temperature(probs, temperature, rng):
    p = apply_temperature(probs, temperature)
    return int(np.random.choice(len(p), p=p))
''',
        # A fresh generator at every call: every draw is the same.
        "contract: a new default_rng(0) per call": '''
def sample_with_temperature(probs, temperature, rng):
    p = apply_temperature(probs, temperature)
    return int(np.random.default_rng(0).choice(len(p), p=p))
''',
        # One temperature for the other: 1 / T.
        "numeric: reweights with 1 / temperature": '''
def sample_with_temperature(probs, temperature, rng):
    p = apply_temperature(probs, 1.0 / temperature)
    return int(rng.choice(len(p), p=p))
''',
        "contract: returns a length-1 array": '''
def sample_with_temperature(probs, temperature, rng):
    p = apply_temperature(probs, temperature)
    return rng.choice(len(p), size=1, p=p)
''',
    },
}

# Other correct answers, written differently: each must earn full marks.
ALTERNATIVES = {
    "lstm_step": [
        # np.split into the four gate blocks, the sigmoid written inline.
        '''
def lstm_step(x, h, c, Wx, Wh, b):
    gates = np.split(x @ Wx + h @ Wh + b, 4, axis=1)
    i, f, o = (1 / (1 + np.exp(-a)) for a in (gates[0], gates[1], gates[3]))
    c_next = f * c + i * np.tanh(gates[2])
    return o * np.tanh(c_next), c_next
''',
        # The input and the state concatenated against the stacked weights; sigmoid via tanh; a list back.
        '''
def lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    A = np.concatenate([x, h], axis=1) @ np.vstack([Wx, Wh]) + b
    sig = lambda a: 0.5 * (1.0 + np.tanh(0.5 * a))
    i, f, g, o = sig(A[:, :H]), sig(A[:, H:2 * H]), np.tanh(A[:, 2 * H:3 * H]), sig(A[:, 3 * H:])
    c_next = np.add(f * c, i * g)
    return [o * np.tanh(c_next), c_next]
''',
        # Reshaped into (B, 4, H) gates.
        '''
def lstm_step(x, h, c, Wx, Wh, b):
    B, H = h.shape
    A = (np.dot(x, Wx) + np.dot(h, Wh) + b).reshape(B, 4, H)
    i, f, g, o = sigmoid(A[:, 0]), sigmoid(A[:, 1]), np.tanh(A[:, 2]), sigmoid(A[:, 3])
    c_next = f * c + i * g
    h_next = o * np.tanh(c_next)
    return h_next, c_next
''',
    ],
    "lstm_lm": [
        # Sequential without an Input: built on the first call.
        '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    return keras.Sequential([
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.LSTM(hidden, return_sequences=True),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
''',
        # Keras 2 habits: input_shape= on the first layer, activation=tf.nn.softmax.
        '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keras.Sequential([
            keras.layers.Embedding(vocab_size, embed_dim, input_shape=(None,)),
            keras.layers.LSTM(hidden, return_sequences=True),
            keras.layers.Dense(vocab_size, activation=tf.nn.softmax),
        ])
''',
        # A separate Softmax layer after a linear Dense, in the functional API.
        '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    ids = keras.Input(shape=(None,), dtype="int64")
    x = keras.layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)(ids)
    x = keras.layers.LSTM(units=hidden, return_sequences=True, activation="tanh")(x)
    x = keras.layers.Dense(vocab_size)(x)
    return keras.Model(ids, keras.layers.Softmax()(x))
''',
        # A separate Activation layer, with dropout (the identity at inference).
        '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.LSTM(hidden, return_sequences=True),
        keras.layers.Dropout(0.1),
        keras.layers.Dense(vocab_size),
        keras.layers.Activation("softmax"),
    ])
''',
    ],
    "apply_temperature": [
        # A tiny epsilon instead of clipping.
        '''
def apply_temperature(probs, temperature):
    logits = np.log(np.asarray(probs, dtype=float) + 1e-300) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    return np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
''',
        # np.log(p) with zeros: -inf, then exact zeros (NumPy warns; a warning is not a failure).
        '''
def apply_temperature(probs, temperature):
    logp = np.log(probs) / temperature
    w = np.exp(logp - np.max(logp, axis=-1, keepdims=True))
    return w / np.sum(w, axis=-1, keepdims=True)
''',
        # np.log(p + 1e-12): zeros get eps ** (1 / T), far below the tolerance at T <= 1.
        '''
def apply_temperature(probs, temperature):
    logp = np.log(np.asarray(probs) + 1e-12) / temperature
    w = np.exp(logp - logp.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True)
''',
        # scipy-free log-sum-exp spelled out, with errstate silencing log(0).
        '''
def apply_temperature(probs, temperature):
    with np.errstate(divide="ignore"):
        z = np.log(np.asarray(probs, dtype=np.float64)) / float(temperature)
    m = np.max(z, axis=-1, keepdims=True)
    return np.exp(z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True)))
''',
    ],
    "sample_with_temperature": [
        # Inverse CDF with rng.random().
        '''
def sample_with_temperature(probs, temperature, rng):
    cumulative = np.cumsum(apply_temperature(probs, temperature))
    return int(min(np.searchsorted(cumulative, rng.random(), side="right"), len(cumulative) - 1))
''',
        # One multinomial draw; returns a NumPy integer.
        '''
def sample_with_temperature(probs, temperature, rng):
    return np.argmax(rng.multinomial(1, apply_temperature(probs, temperature)))
''',
        # The reweighting inlined (no call to apply_temperature), choice over the indices.
        '''
def sample_with_temperature(probs, temperature, rng):
    w = np.asarray(probs, dtype=np.float64) ** (1.0 / temperature)
    return int(rng.choice(np.arange(len(w)), p=w / w.sum()))
''',
    ],
}
