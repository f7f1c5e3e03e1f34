"""Plausible wrong answers for chapter 1. Each must lose exactly its exercise's points."""

MUTANTS = {
    "lstm_step": {
        # Deep Learning from Scratch 2 slices the gates as f, g, i, o; the course (and Keras, torch) use i, f, g, o.
        "gate order f, g, i, o": '''
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
        "h = o * c": '''
def lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    A = x @ Wx + h @ Wh + b
    i, f, o = sigmoid(A[:, :H]), sigmoid(A[:, H : 2 * H]), sigmoid(A[:, 3 * H :])
    g = np.tanh(A[:, 2 * H : 3 * H])
    c_next = f * c + i * g
    return o * c_next, c_next
''',
    },
    "lstm_lm": {
        "LSTM returns only its last state": '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.LSTM(hidden)(x)
    outputs = keras.layers.Dense(vocab_size, activation="softmax")(x)
    return keras.Model(inputs, outputs)
''',
        # Right shapes, right parameter count, wrong cell: only the hidden transplant test can tell.
        "hard sigmoid gates": '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.LSTM(hidden, return_sequences=True, recurrent_activation="hard_sigmoid")(x)
    outputs = keras.layers.Dense(vocab_size, activation="softmax")(x)
    return keras.Model(inputs, outputs)
''',
    },
    "apply_temperature": {
        "exponent T instead of 1/T": '''
def apply_temperature(probs, temperature):
    w = np.asarray(probs, dtype=np.float64) ** temperature
    return w / w.sum(axis=-1, keepdims=True)
''',
        # Right for 1-D input, wrong for batches: normalises over the whole array.
        "normalises over every axis": '''
def apply_temperature(probs, temperature):
    w = np.exp(np.log(np.clip(np.asarray(probs, dtype=np.float64), 1e-300, None)) / temperature)
    return w / w.sum()
''',
    },
    "sample_with_temperature": {
        # Passes every check at temperature 1; only the hidden tests at 0.4 and 2.5 catch it.
        "ignores the temperature": '''
def sample_with_temperature(probs, temperature, rng):
    return int(rng.choice(len(probs), p=probs))
''',
        "always greedy": '''
def sample_with_temperature(probs, temperature, rng):
    return int(np.argmax(probs))
''',
    },
}

# Other correct answers, written differently: together in one submission they must score full marks.
ALTERNATIVES = {
    "lstm_step": '''
def lstm_step(x, h, c, Wx, Wh, b):
    gates = np.split(x @ Wx + h @ Wh + b, 4, axis=1)
    i, f, o = (1 / (1 + np.exp(-a)) for a in (gates[0], gates[1], gates[3]))
    c_next = f * c + i * np.tanh(gates[2])
    return o * np.tanh(c_next), c_next
''',
    "lstm_lm": '''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    return keras.Sequential([
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.LSTM(hidden, return_sequences=True),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
''',
    "apply_temperature": '''
def apply_temperature(probs, temperature):
    logits = np.log(np.asarray(probs, dtype=float) + 1e-300) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    return np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
''',
    "sample_with_temperature": '''
def sample_with_temperature(probs, temperature, rng):
    cumulative = np.cumsum(apply_temperature(probs, temperature))
    return int(min(np.searchsorted(cumulative, rng.random(), side="right"), len(cumulative) - 1))
''',
}
