"""Plausible wrong answers for chapter 5. Each must lose exactly its exercise's points."""

MUTANTS = {
    "teacher_forcing": {
        # Weights from the decoder input: the position after the stop symbol counts, the stop itself too.
        "weights from the input, not the target": '''
def teacher_forcing(target_ids):
    decoder_input, decoder_target = target_ids[:, :-1], target_ids[:, 1:]
    return decoder_input, decoder_target, (decoder_input != 0).astype("float32")
''',
    },
    "translation_models": {
        # The decoder does not start from the encoder's state: the source is ignored.
        "decoder not started from [h, c]": '''
def build_translation_models(source_vocab, target_vocab, embed_dim, latent_dim):
    source = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(source_vocab, embed_dim)(source)
    _, h, c = keras.layers.LSTM(latent_dim, return_state=True)(x)
    encoder_model = keras.Model(source, [h, c])
    decoder_input = keras.Input(shape=(None,), dtype="int32")
    emb = keras.layers.Embedding(target_vocab, embed_dim)
    lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    head = keras.layers.Dense(target_vocab, activation="softmax")
    y, _, _ = lstm(emb(decoder_input))
    model = keras.Model([source, decoder_input], head(y))
    h_in, c_in = keras.Input(shape=(latent_dim,)), keras.Input(shape=(latent_dim,))
    y, h2, c2 = lstm(emb(decoder_input), initial_state=[h_in, c_in])
    return model, encoder_model, keras.Model([decoder_input, h_in, c_in], [head(y), h2, c2])
''',
    },
    "decode_sequence": {
        # Feeds back the token but restarts from the encoder's state at every step.
        "does not carry the decoder state": '''
def decode_sequence(encoder_model, decoder_model, source, start_id, stop_id, max_len):
    h, c = (keras.ops.convert_to_numpy(s) for s in encoder_model(source))
    token, out = np.array([[start_id]]), []
    for _ in range(max_len):
        probs, _, _ = (keras.ops.convert_to_numpy(a) for a in decoder_model([token, h, c]))
        nxt = int(np.argmax(probs[0, -1]))
        if nxt == stop_id:
            break
        out.append(nxt)
        token = np.array([[nxt]])
    return out
''',
    },
    "decoder_forward": {
        # Forgets to start the LSTM from the context: the decoder ignores the encoder.
        "LSTM not started from h": '''
def decoder_forward(layers, xs, h):
    layers.lstm.set_state(None)
    return layers.affine.forward(layers.lstm.forward(layers.embed.forward(xs)))
''',
    },
    "decoder_backward": {
        # Stops at the LSTM: the embedding's gradients are never computed.
        "skips the embedding's backward": '''
def decoder_backward(layers, dscore):
    layers.lstm.backward(layers.affine.backward(dscore))
    return layers.lstm.dh
''',
    },
}
