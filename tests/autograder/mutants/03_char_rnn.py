"""Plausible wrong answers for chapter 3. Each must lose exactly its exercise's points."""

MUTANTS = {
    "windows": {
        # Forgets the extra character for the target: rows of n_steps.
        "windows of n_steps": '''
def make_windows(ids, n_steps, shift):
    ids = np.asarray(ids)
    starts = np.arange(0, len(ids) - n_steps + 1, shift)
    return ids[starts[:, None] + np.arange(n_steps)]
''',
    },
    "char_gru": {
        # Keras 2's old default (reset_after=False): the reset gate acts before the recurrent product.
        "reset_after=False": '''
def build_char_gru(vocab_size, embed_dim, hidden):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True, reset_after=False)(x)
    x = keras.layers.GRU(hidden, return_sequences=True, reset_after=False)(x)
    return keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(x))
''',
    },
    "sample_with_temperature": {
        # Greedy at 0, but draws from the raw distribution at any other temperature.
        "ignores a positive temperature": '''
def sample_with_temperature(probs, temperature, rng):
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(probs))
    return int(rng.choice(len(probs), p=probs / probs.sum()))
''',
    },
    "generate_text": {
        # Reads the prediction after the first character instead of after the last.
        "uses the first position's distribution": '''
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
    },
}

# Other correct answers, written differently: together in one submission they must score full marks.
ALTERNATIVES = {
    # A strided sliding-window view, every shift-th row, instead of fancy indexing.
    "windows": '''
def make_windows(ids, n_steps, shift):
    ids = np.asarray(ids)
    if len(ids) <= n_steps:
        return np.empty((0, n_steps + 1), dtype=ids.dtype)
    return np.lib.stride_tricks.sliding_window_view(ids, n_steps + 1)[::shift]
''',
    # keras.Sequential with no Input layer: built on its first call.
    "char_gru": '''
def build_char_gru(vocab_size, embed_dim, hidden):
    return keras.Sequential([
        keras.layers.Embedding(input_dim=vocab_size, output_dim=embed_dim),
        keras.layers.GRU(hidden, return_sequences=True, reset_after=True),
        keras.layers.GRU(hidden, return_sequences=True, reset_after=True),
        keras.layers.Dense(vocab_size, activation=keras.activations.softmax),
    ])
''',
    # The Gumbel-max trick: argmax of log(p) / T plus Gumbel noise draws from p ** (1/T), normalised.
    "sample_with_temperature": '''
def sample_with_temperature(probs, temperature, rng):
    with np.errstate(divide="ignore"):
        logp = np.log(np.asarray(probs, dtype=np.float64))
    if temperature == 0:
        return int(np.argmax(logp))
    return int(np.argmax(logp / temperature + rng.gumbel(size=logp.shape)))
''',
    # A while loop over a growing id array; the banned ids zeroed with one index list.
    "generate_text": '''
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
}
