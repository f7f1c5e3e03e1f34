"""Plausible wrong answers for chapter 5, each labelled with its class. Each must lose exactly its exercise's points."""

import os
import runpy

# The reference build_translation_models, with one thing changed per wrong answer below.
_BUILD = '''
def build_translation_models(source_vocab, target_vocab, embed_dim, latent_dim):
    source = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(source_vocab, embed_dim)(source)
    _, h, c = keras.layers.LSTM(latent_dim, return_state=True)(x)
    encoder_model = keras.Model(source, ENCODER_OUT)
    decoder_input = keras.Input(shape=(None,), dtype="int32")
    emb = keras.layers.Embedding(target_vocab, embed_dim)
    lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    head = keras.layers.Dense(target_vocab, activation=ACTIVATION)
    y, _, _ = lstm(emb(decoder_input), initial_state=TRAINING_STATE)
    model = keras.Model([source, decoder_input], head(y))
    h_in, c_in = keras.Input(shape=(latent_dim,)), keras.Input(shape=(latent_dim,))
    INFERENCE_LAYERS
    y, h2, c2 = lstm(emb(decoder_input), initial_state=[h_in, c_in])
    return model, encoder_model, keras.Model([decoder_input, h_in, c_in], [head(y), h2, c2])
'''


def _build(encoder_out="[h, c]", activation='"softmax"', training_state="[h, c]", inference_layers="pass"):
    return (_BUILD.replace("ENCODER_OUT", encoder_out).replace("ACTIVATION", activation)
            .replace("TRAINING_STATE", training_state).replace("INFERENCE_LAYERS", inference_layers))


# The reference decode_sequence, with one thing changed per wrong answer below.
_DECODE = '''
def decode_sequence(encoder_model, decoder_model, source, start_id, stop_id, max_len):
    h, c = (keras.ops.convert_to_numpy(s) for s in encoder_model(source))
    h0, c0 = h, c
    token, out = np.array([[start_id]]), []
    for _ in range(RANGE):
        probs, h, c = (keras.ops.convert_to_numpy(a) for a in decoder_model([token, STATE]))
        nxt = int(np.argmax(probs[0, -1]))
        if STOP:
            break
        out.append(APPEND)
        token = np.array([[FED]])
    return out
'''


def _decode(state="h, c", stop="nxt == stop_id", append="nxt", fed="nxt", range_="max_len"):
    return (_DECODE.replace("STATE", state).replace("STOP", stop).replace("APPEND", append)
            .replace("FED", fed).replace("RANGE", range_))


MUTANTS = {
    "teacher_forcing": {
        # Weights from the decoder input: the position after the stop symbol counts, the stop itself not.
        "logic: weights from the input, not the target": '''
def teacher_forcing(target_ids):
    decoder_input, decoder_target = target_ids[:, :-1], target_ids[:, 1:]
    return decoder_input, decoder_target, (decoder_input != 0).astype("float32")
''',
        "logic: input and target swapped": '''
def teacher_forcing(target_ids):
    decoder_input, decoder_target = target_ids[:, 1:], target_ids[:, :-1]
    return decoder_input, decoder_target, (decoder_target != 0).astype("float32")
''',
        # The whole batch cast to the weights' dtype first: the ids come back as floats.
        "contract: ids returned as float32": '''
def teacher_forcing(target_ids):
    ids = target_ids.astype("float32")
    return ids[:, :-1], ids[:, 1:], (ids[:, 1:] != 0).astype("float32")
''',
        "contract: float64 weights": '''
def teacher_forcing(target_ids):
    return target_ids[:, :-1], target_ids[:, 1:], (target_ids[:, 1:] != 0).astype(float)
''',
        # Padding is id 0; the threshold also drops id 1 wherever it appears in a target.
        "numeric: weights where the id is above 1": '''
def teacher_forcing(target_ids):
    return target_ids[:, :-1], target_ids[:, 1:], (target_ids[:, 1:] > 1).astype("float32")
''',
        # Marks padding in place with -1 to build the weights, then puts the zeros back: but only in the copy it slices.
        "contract: writes into target_ids": '''
def teacher_forcing(target_ids):
    target_ids[target_ids == 0] = -1
    weights = (target_ids[:, 1:] != -1).astype("float32")
    return np.where(target_ids < 0, 0, target_ids)[:, :-1], np.where(target_ids < 0, 0, target_ids)[:, 1:], weights
''',
    },
    "translation_models": {
        "logic: decoder not started from [h, c]": _build(training_state="None"),
        "logic: initial state given as [c, h]": _build(training_state="[c, h]"),
        "contract: encoder_model returns [c, h]": _build(encoder_out="[c, h]"),
        # New layers for the inference decoder: it does not share the trained weights.
        "contract: inference decoder with its own layers": _build(inference_layers=(
            "emb, lstm = keras.layers.Embedding(target_vocab, embed_dim), "
            "keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)")),
        "numeric: sigmoid instead of softmax": _build(activation='"sigmoid"'),
        "numeric: logits, no softmax": _build(activation="None"),
        # The encoder skips the padding the chapter's sources end with: its final state is another one.
        "contract: mask_zero=True on the source Embedding": _build().replace(
            "Embedding(source_vocab, embed_dim)", "Embedding(source_vocab, embed_dim, mask_zero=True)"),
    },
    "decode_sequence": {
        # Feeds back the token but restarts from the encoder's state at every step.
        "logic: does not carry the decoder state": _decode(state="h0, c0"),
        "logic: carries h but restarts c": _decode(state="h, c0"),
        # Issue 9: the padding id ends the loop too.
        "contract: also stops at the padding id": _decode(stop="nxt in (stop_id, 0)"),
        "contract: ids returned as floats": _decode(append="float(nxt)"),
        "logic: keeps the stop id": _decode(stop="nxt == stop_id and out.append(nxt) is None"),
        "logic: one token more than max_len": _decode(range_="max_len + 1"),
        "logic: always feeds the start id": _decode(fed="start_id"),
    },
    "decoder_forward": {
        # Forgets to start the LSTM from the context: the decoder ignores the encoder.
        "logic: LSTM not started from h": '''
def decoder_forward(layers, xs, h):
    layers.lstm.set_state(None)
    return layers.affine.forward(layers.lstm.forward(layers.embed.forward(xs)))
''',
        "logic: h given as the cell state": '''
def decoder_forward(layers, xs, h):
    layers.lstm.set_state(np.zeros_like(h), h)
    return layers.affine.forward(layers.lstm.forward(layers.embed.forward(xs)))
''',
        # Sets the initial h only: a cell state left by an earlier run is kept.
        "logic: keeps a stale cell state": '''
def decoder_forward(layers, xs, h):
    layers.lstm.h0 = h
    return layers.affine.forward(layers.lstm.forward(layers.embed.forward(xs)))
''',
        "contract: returns probabilities, not scores": '''
def decoder_forward(layers, xs, h):
    layers.lstm.set_state(h)
    s = layers.affine.forward(layers.lstm.forward(layers.embed.forward(xs)))
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
''',
        "numeric: affine bias left out": '''
def decoder_forward(layers, xs, h):
    layers.lstm.set_state(h)
    return layers.lstm.forward(layers.embed.forward(xs)) @ layers.affine.params[0]
''',
    },
    "decoder_backward": {
        # Stops at the LSTM: the embedding's gradients are never computed.
        "logic: skips the embedding's backward": '''
def decoder_backward(layers, dscore):
    layers.lstm.backward(layers.affine.backward(dscore))
    return layers.lstm.dh
''',
        # The affine's input gradient by hand: right for dh, but the affine's weight gradients stay empty.
        "logic: skips the affine's backward": '''
def decoder_backward(layers, dscore):
    layers.embed.backward(layers.lstm.backward(dscore @ layers.affine.params[0].T))
    return layers.lstm.dh
''',
        "contract: returns the embedding's input gradient, not dh": '''
def decoder_backward(layers, dscore):
    dx = layers.lstm.backward(layers.affine.backward(dscore))
    layers.embed.backward(dx)
    return dx
''',
        # The gradient of the mean over the batch, computed in place: dscore is changed too.
        "numeric: divides dscore by the batch size in place": '''
def decoder_backward(layers, dscore):
    dscore /= len(dscore)
    layers.embed.backward(layers.lstm.backward(layers.affine.backward(dscore)))
    return layers.lstm.dh
''',
        # Right dh; the weight gradients zeroed and the list the check reads emptied (issue 19).
        "contract: layers.grads emptied": '''
def decoder_backward(layers, dscore):
    layers.embed.backward(layers.lstm.backward(layers.affine.backward(dscore)))
    for g in layers.grads:
        g[...] = 0.0
    layers.grads.clear()
    return layers.lstm.dh
''',
    },
}

# Other correct answers, written differently: each must earn its points and cost nothing else.
ALTERNATIVES = {
    "teacher_forcing": [
        # np.split at one column for input and target; weights through np.where.
        '''
def teacher_forcing(target_ids):
    ids = np.asarray(target_ids)
    decoder_input = np.split(ids, [ids.shape[1] - 1], axis=1)[0]
    decoder_target = np.split(ids, [1], axis=1)[1]
    weights = np.where(decoder_target == 0, 0.0, 1.0).astype(np.float32)
    return decoder_input, decoder_target, weights
''',
        # np.delete (copies), the weights as the sign of the ids (they are never negative).
        '''
def teacher_forcing(target_ids):
    last = target_ids.shape[1] - 1
    decoder_input, decoder_target = np.delete(target_ids, last, axis=1), np.delete(target_ids, 0, axis=1)
    return decoder_input, decoder_target, np.sign(decoder_target).astype(np.float32)
''',
        # Copies, np.not_equal, and the three returned as a list (the contract does not ask for a tuple type).
        '''
def teacher_forcing(target_ids):
    out = [target_ids[:, :-1].copy(), target_ids[:, 1:].copy()]
    out.append(np.not_equal(out[1], 0).astype(np.float32))
    return out
''',
    ],
    "translation_models": [
        # Encoder and one-step decoder built first as models; the training model calls them as nested models.
        '''
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
        # Keras 2 habits: float inputs, tf.nn.softmax as the activation, the encoder LSTM also returning sequences.
        '''
import tensorflow as tf


def build_translation_models(source_vocab, target_vocab, embed_dim, latent_dim):
    source, tokens = keras.layers.Input(shape=(None,)), keras.layers.Input(shape=(None,))
    _, h, c = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)(
        keras.layers.Embedding(source_vocab, embed_dim)(source))
    embed = keras.layers.Embedding(target_vocab, embed_dim)
    lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    head = keras.layers.Dense(target_vocab, activation=tf.nn.softmax)
    model = keras.Model([source, tokens], head(lstm(embed(tokens), initial_state=[h, c])[0]))
    states = [keras.layers.Input(shape=(latent_dim,)) for _ in range(2)]
    y, *new_states = lstm(embed(tokens), initial_state=states)
    return model, keras.Model(source, [h, c]), keras.Model([tokens] + states, [head(y)] + new_states)
''',
        # A linear Dense and a separate Softmax layer; the head wrapped in TimeDistributed.
        '''
def build_translation_models(source_vocab, target_vocab, embed_dim, latent_dim):
    source = keras.Input(shape=(None,), dtype="int32")
    _, h, c = keras.layers.LSTM(latent_dim, return_state=True)(keras.layers.Embedding(source_vocab, embed_dim)(source))
    tokens = keras.Input(shape=(None,), dtype="int32")
    embed = keras.layers.Embedding(target_vocab, embed_dim)
    lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    dense, softmax = keras.layers.TimeDistributed(keras.layers.Dense(target_vocab)), keras.layers.Softmax()

    def decode(state):
        y, h_out, c_out = lstm(embed(tokens), initial_state=state)
        return softmax(dense(y)), h_out, c_out

    model = keras.Model([source, tokens], decode([h, c])[0])
    h_in, c_in = keras.Input(shape=(latent_dim,)), keras.Input(shape=(latent_dim,))
    return model, keras.Model(source, [h, c]), keras.Model([tokens, h_in, c_in], list(decode([h_in, c_in])))
''',
    ],
    "decode_sequence": [
        # A while loop that unpacks the state as a list and stops by returning early.
        '''
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
        # No state carried: the whole prefix is fed from the encoder's state at every step (slower, same path).
        '''
def decode_sequence(encoder_model, decoder_model, source, start_id, stop_id, max_len):
    h, c = (keras.ops.convert_to_numpy(s) for s in encoder_model(source))
    prefix = [start_id]
    for _ in range(max_len):
        probs = keras.ops.convert_to_numpy(decoder_model([np.array([prefix]), h, c])[0])
        token = np.argmax(probs[0, -1])
        if token == stop_id:
            break
        prefix.append(token)
    return prefix[1:]
''',
        # keras.ops.argmax on the tensor; the tokens collected in a NumPy integer array.
        '''
def decode_sequence(encoder_model, decoder_model, source, start_id, stop_id, max_len):
    h, c = [keras.ops.convert_to_numpy(s) for s in encoder_model(source)]
    out = np.zeros(0, dtype=np.int64)
    token = start_id
    for _ in range(max_len):
        probs, h, c = decoder_model([np.array([[token]], dtype="int32"), h, c])
        token = int(keras.ops.convert_to_numpy(keras.ops.argmax(probs[0, 0])))
        if token == stop_id:
            break
        out = np.append(out, token)
        h, c = keras.ops.convert_to_numpy(h), keras.ops.convert_to_numpy(c)
    return out
''',
    ],
    "decoder_forward": [
        # The zero cell state passed explicitly; the three layers applied in a loop.
        '''
def decoder_forward(layers, xs, h):
    layers.lstm.set_state(h, np.zeros_like(h))
    out = xs
    for layer in (layers.embed, layers.lstm, layers.affine):
        out = layer.forward(out)
    return out
''',
        # functools.reduce over the layers, the state set with keywords.
        '''
import functools


def decoder_forward(layers, xs, h):
    layers.lstm.set_state(h=h, c=None)
    return functools.reduce(lambda out, layer: layer.forward(out), [layers.embed, layers.lstm, layers.affine], xs)
''',
    ],
    "decoder_backward": [
        # The same three layers in a reversed loop (the embedding's backward returns nothing).
        '''
def decoder_backward(layers, dscore):
    grad = dscore
    for layer in reversed([layers.embed, layers.lstm, layers.affine]):
        grad = layer.backward(grad)
    return layers.lstm.dh.copy()
''',
        # Step by step with named intermediates, dh returned as a fresh array.
        '''
def decoder_backward(layers, dscore):
    d_hidden = layers.affine.backward(dscore.copy())
    d_embedded = layers.lstm.backward(d_hidden)
    layers.embed.backward(d_embedded)
    return np.array(layers.lstm.dh)
''',
    ],
}


# The NumPy encoder's exercises (6 and 7): a file of their own (files stay under 400 lines).
_more = runpy.run_path(os.path.join(os.path.dirname(__file__), "mutants_encoder.py"))
MUTANTS, ALTERNATIVES = MUTANTS | _more["MUTANTS"], ALTERNATIVES | _more["ALTERNATIVES"]
