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

# Other correct answers, written differently: together in one submission they must score full marks.
ALTERNATIVES = {
    # np.split at one column for input and target; weights through np.where.
    "teacher_forcing": '''
def teacher_forcing(target_ids):
    ids = np.asarray(target_ids)
    decoder_input = np.split(ids, [ids.shape[1] - 1], axis=1)[0]
    decoder_target = np.split(ids, [1], axis=1)[1]
    weights = np.where(decoder_target == 0, 0.0, 1.0).astype(np.float32)
    return decoder_input, decoder_target, weights
''',
    # Encoder and one-step decoder built first as models; the training model calls them as nested models.
    "translation_models": '''
def build_translation_models(source_vocab, target_vocab, embed_dim, latent_dim):
    source = keras.Input(shape=(None,), dtype="int32")
    encoder_outputs = keras.layers.LSTM(latent_dim, return_state=True)(
        keras.layers.Embedding(source_vocab, embed_dim)(source))
    encoder_model = keras.Model(source, list(encoder_outputs[1:]))

    tokens = keras.Input(shape=(None,), dtype="int32")
    h_in, c_in = keras.Input(shape=(latent_dim,)), keras.Input(shape=(latent_dim,))
    y, h_out, c_out = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)(
        keras.layers.Embedding(target_vocab, embed_dim)(tokens), initial_state=[h_in, c_in])
    probs = keras.layers.Dense(target_vocab, activation="softmax")(y)
    decoder_model = keras.Model([tokens, h_in, c_in], [probs, h_out, c_out])

    training_source = keras.Input(shape=(None,), dtype="int32")
    training_tokens = keras.Input(shape=(None,), dtype="int32")
    h, c = encoder_model(training_source)
    training_probs, _, _ = decoder_model([training_tokens, h, c])
    model = keras.Model([training_source, training_tokens], training_probs)
    return model, encoder_model, decoder_model
''',
    # A while loop that unpacks the state as a list and stops by returning early.
    "decode_sequence": '''
def decode_sequence(encoder_model, decoder_model, source, start_id, stop_id, max_len):
    state = [keras.ops.convert_to_numpy(s) for s in encoder_model(source)]
    out, token = [], start_id
    while len(out) < max_len:
        probs, *state = [keras.ops.convert_to_numpy(a) for a in decoder_model([np.full((1, 1), token), *state])]
        token = int(probs.reshape(-1).argmax())
        if token == stop_id:
            return out
        out.append(token)
    return out
''',
    # The zero cell state passed explicitly; the three layers applied in a loop.
    "decoder_forward": '''
def decoder_forward(layers, xs, h):
    layers.lstm.set_state(h, np.zeros_like(h))
    out = xs
    for layer in (layers.embed, layers.lstm, layers.affine):
        out = layer.forward(out)
    return out
''',
    # The same three layers in a reversed loop (the embedding's backward returns nothing).
    "decoder_backward": '''
def decoder_backward(layers, dscore):
    grad = dscore
    for layer in reversed([layers.embed, layers.lstm, layers.affine]):
        grad = layer.backward(grad)
    return layers.lstm.dh.copy()
''',
}
