"""Plausible wrong answers for chapter 3, and correct answers written differently.

Each wrong answer must lose exactly its exercise's points; each alternative must earn every point.
(The first wrong answer is the one the sandboxed grading test submits: it keeps integer ids so that
the chapter's later cells still run.)
"""

MUTANTS = {
    "windows": {
        # Forgets the extra character for the target: rows of n_steps.
        "logic: windows of n_steps": '''
def make_windows(ids, n_steps, shift):
    ids = np.asarray(ids)
    starts = np.arange(0, len(ids) - n_steps + 1, shift)
    return ids[starts[:, None] + np.arange(n_steps)]
''',
        # Right values, but built with np.zeros' default dtype: float64 ids.
        "contract: float64 ids": '''
def make_windows(ids, n_steps, shift):
    starts = range(0, len(ids) - n_steps, shift)
    out = np.zeros((len(starts), n_steps + 1))
    for row, s in enumerate(starts):
        out[row] = ids[s : s + n_steps + 1]
    return out
''',
        # Off by one at the end: drops the last complete window.
        "logic: drops the last complete window": '''
def make_windows(ids, n_steps, shift):
    ids = np.asarray(ids)
    starts = np.arange(0, len(ids) - n_steps - 1, shift)
    return ids[starts[:, None] + np.arange(n_steps + 1)]
''',
        # Windows every n_steps characters: the shift is ignored.
        "contract: ignores shift": '''
def make_windows(ids, n_steps, shift):
    ids = np.asarray(ids)
    starts = np.arange(0, len(ids) - n_steps, n_steps)
    return ids[starts[:, None] + np.arange(n_steps + 1)]
''',
    },
    "char_gru": {
        # Keras 2's old default (reset_after=False): the reset gate acts before the recurrent product.
        "numeric: reset_after=False": '''
def build_char_gru(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True, reset_after=False)(x)
    x = keras.layers.GRU(hidden, return_sequences=True, reset_after=False)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
        # The second GRU returns only its last state: one prediction per sequence.
        "contract: last step only": '''
def build_char_gru(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    x = keras.layers.GRU(hidden)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
        # Logits, not probabilities.
        "contract: no softmax": '''
def build_char_gru(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size)(x))
''',
        # Arguments swapped: embeddings of size hidden and GRUs of size embed_dim.
        "logic: embed_dim and hidden swapped": '''
def build_char_gru(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, hidden)(inputs)
    x = keras.layers.GRU(embed_dim, return_sequences=True)(x)
    x = keras.layers.GRU(embed_dim, return_sequences=True)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
        # One GRU only.
        "logic: one GRU layer": '''
def build_char_gru(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
    },
    "sample_with_temperature": {
        # Greedy at 0, but draws from the raw distribution at any other temperature.
        "numeric: ignores a positive temperature": '''
def sample_with_temperature(probs, temperature, rng):
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(probs))
    return int(rng.choice(len(probs), p=probs / probs.sum()))
''',
        # Right distribution, drawn from NumPy's global state: the rng it is given is ignored.
        "contract: ignores rng (np.random.choice)": '''
def sample_with_temperature(probs, temperature, rng):
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(probs))
    logp = np.log(np.clip(probs, 1e-300, None)) / temperature
    w = np.exp(logp - logp.max())
    return int(np.random.choice(len(probs), p=w / w.sum()))
''',
        # Multiplies by the temperature instead of dividing: sharpens where it should flatten.
        "numeric: log p * T": '''
def sample_with_temperature(probs, temperature, rng):
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(probs))
    logp = np.log(np.clip(probs, 1e-300, None)) * temperature
    w = np.exp(logp - logp.max())
    return int(rng.choice(len(probs), p=w / w.sum()))
''',
        # p ** (1 / T) outside log space: underflows to 0 / 0 at tiny temperatures.
        "numeric: probs ** (1 / T) directly": '''
def sample_with_temperature(probs, temperature, rng):
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(probs))
    w = probs ** (1 / temperature)
    return int(rng.choice(len(probs), p=w / w.sum()))
''',
        # Reweights the caller's array in place.
        "contract: mutates probs": '''
def sample_with_temperature(probs, temperature, rng):
    if temperature == 0:
        return int(np.argmax(probs))
    probs[:] = np.exp(np.log(np.clip(probs, 1e-300, None)) / temperature)
    probs /= probs.sum()
    return int(rng.choice(len(probs), p=probs))
''',
        # A fixed seed of its own: the same "random" draws whatever rng is passed.
        "contract: its own default_rng(0)": '''
def sample_with_temperature(probs, temperature, rng):
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(probs))
    logp = np.log(np.clip(probs, 1e-300, None)) / temperature
    w = np.exp(logp - logp.max())
    return int(np.random.default_rng(0).choice(len(probs), p=w / w.sum()))
''',
    },
    "generate_text": {
        # Reads the prediction after the first character instead of after the last.
        "logic: uses the first position's distribution": '''
def generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos=False):
    ids = [char_to_id[c] for c in prompt]
    out = prompt
    for _ in range(n_chars):
        probs = np.array(keras.ops.convert_to_numpy(model(np.array([ids]), training=False))[0, 0], dtype="float64")
        probs[0] = 0.0
        if not stop_at_eos:
            probs[1] = 0.0
        probs /= probs.sum()
        nxt = sample_with_temperature(probs, temperature, rng)
        if nxt == 1:
            break
        ids.append(nxt)
        out += vocab[nxt]
    return out
''',
        # Feeds only the last character: the model forgets the text (a stateless GRU has no memory).
        "logic: feeds only the last character": '''
def generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos=False):
    ids = [char_to_id[c] for c in prompt]
    out = prompt
    for _ in range(n_chars):
        probs = np.array(model(np.array([ids[-1:]]), training=False), dtype="float64")[0, -1]
        probs[0] = 0.0
        if not stop_at_eos:
            probs[1] = 0.0
        nxt = sample_with_temperature(probs / probs.sum(), temperature, rng)
        if nxt == 1:
            break
        ids.append(nxt)
        out += vocab[nxt]
    return out
''',
        # Makes a generator of its own instead of passing on the one it is given.
        "contract: a new rng per call": '''
def generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos=False):
    ids = [char_to_id[c] for c in prompt]
    out = prompt
    own = np.random.default_rng(0)
    for _ in range(n_chars):
        probs = np.array(model(np.array([ids]), training=False), dtype="float64")[0, -1]
        probs[0] = 0.0
        if not stop_at_eos:
            probs[1] = 0.0
        nxt = sample_with_temperature(probs / probs.sum(), temperature, own)
        if nxt == 1:
            break
        ids.append(nxt)
        out += vocab[nxt]
    return out
''',
        # Forgets to renormalise after zeroing padding and <eos>.
        "numeric: not renormalised": '''
def generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos=False):
    ids = [char_to_id[c] for c in prompt]
    out = prompt
    for _ in range(n_chars):
        probs = np.array(model(np.array([ids]), training=False), dtype="float64")[0, -1]
        probs[0] = 0.0
        if not stop_at_eos:
            probs[1] = 0.0
        nxt = sample_with_temperature(probs, temperature, rng)
        if nxt == 1:
            break
        ids.append(nxt)
        out += vocab[nxt]
    return out
''',
        # Masks <eos> even with stop_at_eos: titles never end.
        "contract: <eos> always masked": '''
def generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos=False):
    ids = [char_to_id[c] for c in prompt]
    out = prompt
    for _ in range(n_chars):
        probs = np.array(model(np.array([ids]), training=False), dtype="float64")[0, -1]
        probs[:2] = 0.0
        nxt = sample_with_temperature(probs / probs.sum(), temperature, rng)
        if nxt == 1:
            break
        ids.append(nxt)
        out += vocab[nxt]
    return out
''',
        # Adds the <eos> character to the text before stopping.
        "logic: keeps the <eos>": '''
def generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos=False):
    ids = [char_to_id[c] for c in prompt]
    out = prompt
    for _ in range(n_chars):
        probs = np.array(model(np.array([ids]), training=False), dtype="float64")[0, -1]
        probs[0] = 0.0
        if not stop_at_eos:
            probs[1] = 0.0
        nxt = sample_with_temperature(probs / probs.sum(), temperature, rng)
        ids.append(nxt)
        out += vocab[nxt]
        if nxt == 1:
            break
    return out
''',
    },
}

# Other correct answers, written differently. The first of each goes into one submission that the
# sandboxed grading test grades (full marks); every one is proven in process.
ALTERNATIVES = {
    "windows": [
        # A strided sliding-window view, every shift-th row, instead of fancy indexing.
        '''
def make_windows(ids, n_steps, shift):
    ids = np.asarray(ids)
    if len(ids) <= n_steps:
        return np.empty((0, n_steps + 1), dtype=ids.dtype)
    return np.lib.stride_tricks.sliding_window_view(ids, n_steps + 1)[::shift]
''',
        # A list of slices stacked, cast to int64 explicitly.
        '''
def make_windows(ids, n_steps, shift):
    rows = [ids[s : s + n_steps + 1] for s in range(0, len(ids) - n_steps, shift)]
    return np.array(rows, dtype=np.int64).reshape(-1, n_steps + 1)
''',
        # The number of windows first, then a broadcast sum of offsets.
        '''
def make_windows(ids, n_steps, shift):
    ids = np.asarray(ids)
    n = (len(ids) - n_steps - 1) // shift + 1
    return ids[(shift * np.arange(n))[:, None] + np.arange(n_steps + 1)[None, :]]
''',
    ],
    "char_gru": [
        # keras.Sequential with no Input layer: built on its first call; activation as a function.
        '''
def build_char_gru(vocab_size, embed_dim, hidden):
    return keras.Sequential([
        keras.layers.Embedding(input_dim=vocab_size, output_dim=embed_dim),
        keras.layers.GRU(hidden, return_sequences=True, reset_after=True),
        keras.layers.GRU(hidden, return_sequences=True, reset_after=True),
        keras.layers.Dense(vocab_size, activation=keras.activations.softmax),
    ])
''',
        # Dense(activation=tf.nn.softmax) (read as softmax_v2), the Keras 2 input_shape= habit.
        '''
def build_char_gru(vocab_size, embed_dim, hidden):
    return keras.Sequential([
        keras.layers.Embedding(vocab_size, embed_dim, input_shape=(None,)),
        keras.layers.GRU(hidden, return_sequences=True),
        keras.layers.GRU(hidden, return_sequences=True),
        keras.layers.Dense(vocab_size, activation=tf.nn.softmax),
    ])
''',
        # A separate Softmax layer after a linear Dense, a TimeDistributed wrapper and a Dropout.
        '''
def build_char_gru(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    x = keras.layers.Dropout(0.1)(x)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    x = keras.layers.TimeDistributed(keras.layers.Dense(vocab_size))(x)
    return keras.Model(inputs, keras.layers.Softmax()(x))
''',
        # An Activation("softmax") layer.
        '''
def build_char_gru(vocab_size, embed_dim, hidden):
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32")])
    model.add(keras.layers.Embedding(vocab_size, embed_dim))
    for _ in range(2):
        model.add(keras.layers.GRU(hidden, return_sequences=True))
    model.add(keras.layers.Dense(vocab_size))
    model.add(keras.layers.Activation("softmax"))
    return model
''',
    ],
    "sample_with_temperature": [
        # The Gumbel-max trick: argmax of log(p) / T plus Gumbel noise draws from p ** (1/T), normalised.
        '''
def sample_with_temperature(probs, temperature, rng):
    with np.errstate(divide="ignore"):
        logp = np.log(np.asarray(probs, dtype=np.float64))
    if temperature == 0:
        return int(np.argmax(logp))
    return int(np.argmax(logp / temperature + rng.gumbel(size=logp.shape)))
''',
        # np.log(p) with zeros (-inf, a RuntimeWarning), then the inverse CDF with rng.random().
        '''
def sample_with_temperature(probs, temperature, rng):
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 0:
        return int(probs.argmax())
    logits = np.log(probs) / temperature
    w = np.exp(logits - np.max(logits))
    cdf = np.cumsum(w / w.sum())
    return int(min(np.searchsorted(cdf, rng.random(), side="right"), len(probs) - 1))
''',
        # np.log(p + 1e-12) and a softmax written with scipy-free NumPy; returns a NumPy integer.
        '''
def sample_with_temperature(probs, temperature, rng):
    if temperature == 0:
        return np.argmax(probs)
    z = np.log(np.asarray(probs) + 1e-12) / temperature
    z = z - z.max()
    p = np.exp(z) / np.exp(z).sum()
    return rng.choice(np.arange(len(p)), p=p)
''',
    ],
    "generate_text": [
        # A while loop over a growing id array; the banned ids zeroed with one index list.
        '''
def generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos=False):
    ids = np.array([char_to_id[c] for c in prompt], dtype=np.int64)
    banned = [0] if stop_at_eos else [0, 1]
    generated = []
    while len(generated) < n_chars:
        last = np.array(model(ids[None, :], training=False), dtype=np.float64)[0, -1]
        last[banned] = 0.0
        nxt = sample_with_temperature(last / last.sum(), temperature, rng)
        if nxt == 1:
            break
        generated.append(vocab[nxt])
        ids = np.append(ids, nxt)
    return prompt + "".join(generated)
''',
        # A mask vector multiplied in; float32 probabilities passed on; the text decoded at the end.
        '''
def generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos=False):
    keep = np.ones(len(vocab), dtype="float32")
    keep[0] = 0
    if not stop_at_eos:
        keep[1] = 0
    ids = [char_to_id[c] for c in prompt]
    for step in range(n_chars):
        p = keras.ops.convert_to_numpy(model(np.asarray(ids)[None], training=False))[-1, -1] * keep
        nxt = sample_with_temperature(p / p.sum(), temperature, rng)
        if stop_at_eos and nxt == 1:
            break
        ids.append(int(nxt))
    return prompt + "".join(vocab[i] for i in ids[len(prompt):])
''',
    ],
}
