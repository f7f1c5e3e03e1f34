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
