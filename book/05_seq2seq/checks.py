"""Hidden checks of chapter 5 (seq2seq).

The student's kernel only computes: it runs their functions on inputs drawn here, builds their Keras models and
describes them as plain data (``autograder.transplants``), or runs their greedy loop on stand-in models computed here.
The expected values come from the references on this side: ``solutions.char_seq2seq`` (the Keras tutorial's model in
PyTorch), ``solutions.numpy_seq2seq`` (the NumPy decoder) and autograd. Each docstring is the exercise's contract.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import torch

from autograder.grading.checks import CheckFailed, Checks, autograd, expect, randomise, torch_leaves
from autograder.grading.verify import SET_WEIGHTS, SentWeights, expect_sent_weights, items, zip_checked
from autograder.transplants import layers as tp
from autograder.transplants.describe import DESCRIBE_SOURCE
from solutions import numpy_seq2seq as ns
from solutions.numpy_layers import lstm_step
from solutions.char_seq2seq import CharSeq2seq, CharSeq2seqConfig
from solutions.torch_lstm import lstm_states

checks = Checks()


# --------------------------------------------------------------------------- 1. teacher forcing


def _padded_batch(rng, N, L, V=40):
    """(N, L) int64 rows [start, ids..., stop, 0, ...]; any id 1..V-1 may appear inside a row."""
    ids = np.zeros((N, L), dtype=np.int64)
    lengths = rng.integers(2, L + 1, size=N)
    lengths[0] = L  # one row without padding
    for n, k in enumerate(lengths):
        ids[n, :k] = np.r_[1, rng.integers(1, V, size=k - 2), 2][:k]
    if L > 3:
        ids[0, 1:3] = [1, 2]  # ids 1 and 2 (start and stop) inside a target are real tokens too
    return ids


@checks.exercise("teacher_forcing")
def _(k):
    """Contract: teacher_forcing(target_ids (N, L) ints) -> (decoder_input, decoder_target, weights) (a tuple, or a
    list of the three), each (N, L - 1); decoder_input = target_ids[:, :-1] and decoder_target = target_ids[:, 1:]
    as integer arrays; weights float32, 1.0 where the target is not padding (id 0; the stop
    symbol and every other id count), else 0.0; target_ids unchanged by the call."""
    rng = k.rng(4)
    cases = [_padded_batch(rng, 7, 12), _padded_batch(rng, 1, 2), _padded_batch(rng, 3, 30),
             np.array([[1, 5, 6, 2, 0, 0], [1, 7, 2, 0, 0, 0]], dtype=np.int32)]  # the visible example, as int32
    for ids in cases:
        N, L = ids.shape
        out, after = items(k.run("out = teacher_forcing(ids)\nresult = (out, ids)", ids=ids.copy()), 2, f"a ({N}, {L}) batch")
        din, dtarget, w = items(out, 3, f"teacher_forcing's result for a ({N}, {L}) batch")
        for name, value, want in [("decoder input", din, ids[:, :-1]), ("decoder target", dtarget, ids[:, 1:])]:
            expect.array(value, f"{name} for a ({N}, {L}) batch", shape=(N, L - 1), kind="i")
            expect.equal(value, want, f"{name} for a ({N}, {L}) batch")
        expect.array(w, f"weights for a ({N}, {L}) batch", shape=(N, L - 1), kind="f")
        expect.true(w.dtype == np.float32, f"weights for a ({N}, {L}) batch: expected dtype float32, got {w.dtype}")
        # Exact: the weights are 0.0 and 1.0, which float32 holds exactly.
        expect.equal(w, (ids[:, 1:] != 0).astype(np.float32), f"weights for a ({N}, {L}) batch (1.0 on real targets, stop included)")
        expect.equal(after, ids, f"target_ids after the call (unchanged) for a ({N}, {L}) batch")


# --------------------------------------------------------------------------- 2. the Keras models

# Runs in the kernel: the student's three models, weights drawn here (autograder.grading.verify.SentWeights) set
# through the training model, their outputs on one batch and their descriptions (plain data), which are
# verified against the weights sent.
BUILD = DESCRIBE_SOURCE + '''
_conv = keras.ops.convert_to_numpy
def _all(out):
    return [_conv(o) for o in out] if isinstance(out, (list, tuple)) else _conv(out)
model, encoder_model, decoder_model = build_translation_models(Vs, Vt, D, H)
''' + SET_WEIGHTS.format(model="model") + '''
_probs = _all(model([src, tgt]))
_enc = _all(encoder_model(src))
_dec = _all(decoder_model([tgt, h0, c0]))
_steps, (_h, _c) = [], _enc
for _t in range(tgt.shape[1]):
    _p, _h, _c = _all(decoder_model([tgt[:, _t:_t + 1], _h, _c]))
    _steps.append(_p[:, -1])
result = {"probs": _probs, "enc": _enc, "dec": _dec, "steps": np.stack(_steps, axis=1),
          "describe": [_seqgen_describe(m) for m in (model, encoder_model, decoder_model)]}
'''
# (Vs, Vt, D, H, B, S, T): vocabularies of different sizes so that the two embeddings are told apart.
MODEL_CASES = [(11, 9, 4, 5, 4, 6, 5), (30, 25, 8, 12, 2, 9, 1), (7, 13, 3, 6, 1, 3, 7)]
# Sources padded on the right with id 0 as the chapter's are (rows of the first case): the encoder reads the
# padding, so its final state is the state after it (an Embedding with mask_zero=True skips it: another model).
PADDED_LENGTHS = [6, 4, 2, 5]
# Keras computes in float32, the reference in float64 from the same float32 weights: over at most
# 9 LSTM steps with O(1) activations they agree to ~1e-6; 1e-4 (absolute and relative, c can grow)
# leaves room, and any wiring mistake moves probabilities and states by 1e-2 or more.
K_ATOL, K_RTOL = 1e-4, 1e-4


def _layers(description, what, expected):
    # The shared decoder layers were first called inside the training model, so the wiring a
    # description records is the training model's: drop it; the outputs below check the wiring.
    try:
        return tp.expect_layers([{**layer, "inbound": []} for layer in description], expected)
    except tp.TransplantError as exc:
        raise CheckFailed(f"{what}: {exc}") from None


def _reference_model(descriptions, Vs, Vt, D, H):
    """The reference seq2seq holding the student's weights; checks the three models share their layers."""
    training, encoder, decoder = descriptions
    src_embed, enc_lstm = _layers(encoder, "encoder_model", ["Embedding", "LSTM"])
    tgt_embed, dec_lstm, dense = _layers(decoder, "decoder_model", ["Embedding", "LSTM", "Dense"])
    inference = sorted(layer["name"] for layer in (src_embed, enc_lstm, tgt_embed, dec_lstm, dense))
    trained = sorted(layer["name"] for layer in training if layer["weights"])
    missing, extra = sorted(set(inference) - set(trained)), sorted(set(trained) - set(inference))
    expect.true(not missing and not extra, "the training model and the two inference models must be built from the same "
                f"layer objects (shared weights): the inference models use {inference}, the training model {trained}"
                + (f"; it lacks {missing} (is its decoder started from the encoder's [h, c]?)" if missing else ""))
    try:
        tp.all_steps(dec_lstm)
        expect.true(tp.outputs_probabilities(dense), f"{dense['name']}: expected a softmax output (probabilities)")
        ref = CharSeq2seq(CharSeq2seqConfig(src_vocab=Vs, tgt_vocab=Vt, embed_dim=D, latent_dim=H))
        tp.copy_embedding(src_embed, ref.src_embedding)
        tp.copy_embedding(tgt_embed, ref.tgt_embedding)
        tp.copy_lstm(enc_lstm, ref.encoder)
        tp.copy_lstm(dec_lstm, ref.decoder)
        tp.copy_dense(dense, ref.head)
    except tp.TransplantError as exc:
        raise CheckFailed(f"the models' layers: {exc}") from None
    return ref.double().eval()


def _outputs(value, what, shapes):
    for i, (shape, v) in enumerate(zip_checked(what, shapes, value)):
        expect.array(v, f"{what}, output {i}", shape=shape, kind="f")
    return value


@checks.exercise("translation_models")
def _(k):
    """Contract: build_translation_models(source_vocab, target_vocab, embed_dim, latent_dim) ->
    (model, encoder_model, decoder_model), three Keras models built from the same layers
    (Embedding(source_vocab, embed_dim) -> LSTM(latent_dim) for the encoder; Embedding(target_vocab,
    embed_dim) -> LSTM(latent_dim, return_sequences) started from the encoder's [h, c] ->
    Dense(target_vocab, softmax)), for sequences of any length:
      model([source (B, S), decoder_input (B, T)]) -> probabilities (B, T, target_vocab);
      encoder_model(source) -> [h, c], each (B, latent_dim), the encoder LSTM's final state;
      decoder_model([tokens (B, T), h, c]) -> [probabilities (B, T, target_vocab), h, c], the
      decoder run from the given state; run one step at a time it gives the training model's outputs.
    The encoder reads its whole source, padding (id 0, on the right) included. The layers hold the weights the
    check sets (the descriptions list exactly those), and each output equals the PyTorch reference holding them."""
    for seed, (Vs, Vt, D, H, B, S, T) in enumerate(MODEL_CASES):
        rng = k.rng(50 + seed)
        src, tgt = rng.integers(1, Vs, size=(B, S)), rng.integers(1, Vt, size=(B, T))
        if seed == 0:
            src[np.arange(S)[None, :] >= np.array(PADDED_LENGTHS)[:, None]] = 0  # right-padded sources
        h0, c0 = rng.normal(size=(B, H)).astype(np.float32), rng.normal(size=(B, H)).astype(np.float32)
        what = (f"build_translation_models({Vs}, {Vt}, {D}, {H}) on a ({B}, {S}) source and a ({B}, {T}) decoder input"
                + (" (sources padded with 0 on the right)" if seed == 0 else ""))
        sent = SentWeights(k.rng(1050 + seed), scale=0.5)
        with k.swap("_seqgen_weights", sent):
            got = k.run(BUILD, Vs=Vs, Vt=Vt, D=D, H=H, src=src, tgt=tgt, h0=h0, c0=c0)
        expect.type(got, dict, what)
        descriptions = items(got.get("describe"), 3, f"{what}: the three models' descriptions")
        for name, description in zip(("model", "encoder_model", "decoder_model"), descriptions, strict=True):
            expect_sent_weights(description, sent.sent, f"{what}: {name}", every=name == "model")  # the others: a part
        ref = _reference_model(descriptions, Vs, Vt, D, H)
        with torch.no_grad():
            src_t, tgt_t = torch.as_tensor(src), torch.as_tensor(tgt)
            want_probs = torch.softmax(ref(src_t, tgt_t), -1).numpy()
            want_h, want_c = (s[0].numpy() for s in ref.encode(src_t))
            logits, (dh, dc) = ref.decode(tgt_t, (torch.as_tensor(h0, dtype=torch.float64)[None],
                                                  torch.as_tensor(c0, dtype=torch.float64)[None]))
        probs = expect.array(got["probs"], f"{what}: the training model's output", shape=(B, T, Vt), kind="f")
        expect.close(probs, want_probs, f"{what}: the training model's probabilities", atol=K_ATOL, rtol=K_RTOL)
        h, c = _outputs(got["enc"], f"{what}: encoder_model's output [h, c]", [(B, H)] * 2)
        expect.close(h, want_h, f"{what}: the encoder's h", atol=K_ATOL, rtol=K_RTOL)
        expect.close(c, want_c, f"{what}: the encoder's c", atol=K_ATOL, rtol=K_RTOL)
        p, h, c = _outputs(got["dec"], f"{what}: decoder_model's output [probabilities, h, c]",
                           [(B, T, Vt), (B, H), (B, H)])
        expect.close(p, torch.softmax(logits, -1).numpy(), f"{what}: decoder_model's probabilities from a given [h, c]",
                     atol=K_ATOL, rtol=K_RTOL)
        expect.close(h, dh[0].numpy(), f"{what}: decoder_model's new h", atol=K_ATOL, rtol=K_RTOL)
        expect.close(c, dc[0].numpy(), f"{what}: decoder_model's new c", atol=K_ATOL, rtol=K_RTOL)
        expect.close(got["steps"], want_probs, f"{what}: decoder_model run one step at a time from the encoder's state",
                     atol=K_ATOL, rtol=K_RTOL)


# --------------------------------------------------------------------------- 3. greedy decoding

# Runs in the kernel: the encoder and decoder are stand-ins computed here (k.swap), wrapped to
# behave as Keras models do: called as functions, they return float32 tensors and accept
# arrays or tensors. The student's own build_translation_models is never used.
DECODE = '''
def _tensors(values):
    return [keras.ops.convert_to_tensor(np.asarray(v, dtype="float32")) for v in values]
def encoder(source):
    return _tensors(_seqgen_encoder(keras.ops.convert_to_numpy(source)))
def decoder(inputs):
    return _tensors(_seqgen_decoder([keras.ops.convert_to_numpy(x) for x in inputs]))
_out = decode_sequence(encoder, decoder, source, start_id, stop_id, max_len)
result = (list(_out) if isinstance(_out, (list, tuple)) or (isinstance(_out, np.ndarray) and _out.ndim == 1) else _out, source)
'''


def _network(rng, V=12, D=5, H=24):  # sizes at which random greedy paths vary (smaller ones repeat one id)
    """(encoder, decoder, greedy reference) of a random LSTM seq2seq, in NumPy (fast: a step is one
    call over the wire) with the reference's LSTM step; the stand-ins return float32 as Keras does."""
    enc = [rng.normal(0, 0.8, size=s) for s in [(V, D), (D, 4 * H), (H, 4 * H), (4 * H,)]]
    dec = [rng.normal(0, 0.8, size=s) for s in [(V, D), (D, 4 * H), (H, 4 * H), (4 * H,), (H, V), (V,)]]

    def encoder(source):
        source = np.asarray(source).astype(np.int64)
        h = c = np.zeros((source.shape[0], H))
        for t in range(source.shape[1]):
            h, c = lstm_step(enc[0][source[:, t]], h, c, *enc[1:])
        return [h.astype(np.float32), c.astype(np.float32)]

    def decoder(inputs):
        tokens, h, c = (np.asarray(x) for x in inputs)
        expect.true(tokens.ndim == 2 and tokens.shape[0] == 1, f"decoder_model's tokens: expected shape (1, T), got {tokens.shape}")
        h, c, probs = h.astype(np.float64), c.astype(np.float64), []
        for token in tokens[0].astype(np.int64):
            h, c = lstm_step(dec[0][[token]], h, c, *dec[1:4])
            s = h @ dec[4] + dec[5]
            probs.append(np.exp(s - s.max()) / np.exp(s - s.max()).sum())
        return [np.stack(probs, axis=1).astype(np.float32), h.astype(np.float32), c.astype(np.float32)]

    def greedy(source, start_id, stop_id, max_len):
        h, c = encoder(source)
        token, out = start_id, []
        for _ in range(max_len):
            probs, h, c = decoder([np.array([[token]]), h, c])
            token = int(probs[0, -1].argmax())
            if token == stop_id:
                break
            out.append(token)
        return out

    return encoder, decoder, greedy


def _scripted(script, start_id, V=10):
    """A decoder whose greedy path is ``script``: the state h counts the steps; fed anything but
    the previous step's argmax (or with the state not carried), it predicts the last id forever."""
    def encoder(source):
        return [np.zeros((1, 4)), np.zeros((1, 4))]

    def decoder(inputs):
        tokens, h, c = (np.asarray(x) for x in inputs)
        h, probs = np.array(h, dtype=np.float64), []
        for token in tokens.reshape(-1):
            step = int(round(h[0, 0]))
            fed = start_id if step == 0 else script[step - 1]
            nxt = script[step] if step < len(script) and int(token) == fed else V - 1
            p = np.full(V, 0.5 / V)
            p[nxt] += 0.5
            probs.append(p)
            h = h + 1
        return [np.array(probs)[None], h, c]

    return encoder, decoder


def _decoded(k, encoder, decoder, source, start_id, stop_id, max_len, what):
    with k.swap("_seqgen_encoder", encoder), k.swap("_seqgen_decoder", decoder):
        got, after = items(k.run(DECODE, source=source, start_id=start_id, stop_id=stop_id, max_len=max_len), 2, what)
    expect.type(got, list, f"{what}: decode_sequence's result")
    for i, token in enumerate(got):
        expect.true(isinstance(token, (int, np.integer)) and not isinstance(token, (bool, np.bool_)),
                    f"{what}: token {i} of the result: expected an integer id, got {token!r} ({type(token).__name__})")
    expect.equal(after, source, f"{what}: the source after the call (unchanged)")
    return [int(t) for t in got]


@checks.exercise("decode_sequence")
def _(k):
    """Contract: decode_sequence(encoder_model, decoder_model, source (1, S), start_id, stop_id, max_len)
    -> a list of at most max_len integer ids (Python or NumPy ints; a 1-D integer array is accepted):
    the greedy path of the decoder started from encoder_model(source), fed start_id first and then
    each step's argmax, carrying the decoder's [h, c] from step to step; it stops at stop_id (not
    included) and at no other id (the padding id 0 is an id like any other); models called as
    functions, returning tensors; source unchanged."""
    rng = k.rng(21)
    for seed in range(3):
        encoder, decoder, greedy = _network(k.rng(210 + seed))
        source = rng.integers(1, 12, size=(1, int(rng.integers(2, 7))))
        path = greedy(source, 1, -1, 15)  # the path with no stop: each case's answer is a prefix of it
        for stop_id, max_len in [(path[5], 15), (99, 15), (99, 4), (path[0], 15), (99, 0)]:
            what = f"greedy decoding of {source.tolist()} by a random LSTM (start 1, stop {stop_id}, max_len {max_len})"
            want = (path[:path.index(stop_id)] if stop_id in path else path)[:max_len]
            expect.equal(_decoded(k, encoder, decoder, source, 1, stop_id, max_len, what), want, what)
    # Issue 9: a decoder that also stops at the padding id. Here 0 is the argmax twice before the stop.
    for script, stop_id, max_len, want in [([4, 0, 6, 0, 3], 3, 10, [4, 0, 6, 0]), ([0, 0, 5, 7], 8, 3, [0, 0, 5]),
                                           ([6, 5, 4, 3, 2, 1, 0, 2], 2, 20, [6, 5, 4, 3])]:
        encoder, decoder = _scripted(script, start_id=1)
        what = f"a decoder whose greedy path is {script} (start 1, stop {stop_id}, max_len {max_len}; 0 is the padding id)"
        expect.equal(_decoded(k, encoder, decoder, np.array([[3, 1, 4]]), 1, stop_id, max_len, what), want, what)


# --------------------------------------------------------------------------- 4. and 5. the NumPy decoder

# Float64 everywhere: the reference and the student's NumPy code do the same sums in a possibly
# different order, so results agree to ~1e-12; 1e-9 leaves room for that and still catches any
# real mistake (those change values by 1e-3 or more).
ATOL, RTOL = 1e-9, 1e-7
NAMES = ["embedding W", "LSTM Wx", "LSTM Wh", "LSTM b", "affine W", "affine b"]

# Runs in the kernel: the chapter's DecoderLayers with the given weights.
LAYERS = (
    "layers = DecoderLayers(V_, D, H, np.random.default_rng(0))\n"
    "for _p, _q in zip(layers.params, weights, strict=True):\n"
    "    _p[...] = _q\n"
)


def _reference(rng, V, D, H):
    ref = ns.Decoder(V, D, H, rng)
    randomise(ref.params, rng)
    return ref


def _torch_scores(weights, xs, h):
    """Scores of the decoder written in PyTorch (float64), with h and the weights as leaves for autograd."""
    ht, E, Wx, Wh, b, Wa, ba = torch_leaves(h, *weights)
    states = lstm_states(E[torch.as_tensor(xs)], ht, Wx, Wh, b)  # (B, T, H)
    return states @ Wa + ba, [ht, E, Wx, Wh, b, Wa, ba]  # (B, T, V), and the leaves


FORWARD = LAYERS + (
    "if stale:\n"
    "    layers.lstm.set_state(np.ones_like(h), np.ones_like(h))  # a state left by an earlier run\n"
    "_scores = decoder_forward(layers, xs, h)\n"
    "result = (_scores, h, xs, [np.array(p, copy=True) for p in layers.params])\n"
)


@checks.exercise("decoder_forward")
def _(k):
    """Contract: decoder_forward(layers, xs (B, T) ints, h (B, H) floats) -> scores (B, T, V) float
    (before the softmax): embed -> LSTM started from (h, 0), whatever state the layers held
    before -> affine; equal to the NumPy reference and to the same network in PyTorch;
    h, xs and the layers' weights unchanged."""
    for seed, (B, T, V, D, H) in enumerate([(3, 4, 13, 16, 8), (1, 1, 7, 3, 2), (5, 6, 9, 4, 6), (2, 3, 11, 5, 4)]):
        rng = k.rng(400 + seed)
        ref = _reference(rng, V, D, H)
        weights = [p.copy() for p in ref.params]
        xs, h = rng.integers(0, V, size=(B, T)), rng.normal(size=(B, H))
        what = f"scores for B, T, V, D, H = {(B, T, V, D, H)}" + (" (the LSTM held another state before)" if seed == 3 else "")
        got, h_after, xs_after, params_after = items(k.run(FORWARD, weights=weights, xs=xs, h=h, V_=V, D=D, H=H, stale=seed == 3),
                                                     4, what)
        expect.array(got, what, shape=(B, T, V), kind="f")
        expect.close(got, ref.forward(xs, h), f"{what} against the NumPy reference", atol=ATOL, rtol=RTOL)
        want = _torch_scores(weights, xs, h)[0].detach().numpy()
        expect.close(got, want, f"{what} against the network written in PyTorch", atol=ATOL, rtol=RTOL)
        expect.equal(h_after, h, "the context h after the call (unchanged)")
        expect.equal(xs_after, xs, "xs after the call (unchanged)")
        for (name, w), p in zip_checked(f"the layers' weights after the call ({what})", list(zip(NAMES, weights, strict=True)),
                                        params_after):
            expect.equal(p, w, f"the {name} weights after the call (unchanged)")


# Runs in the kernel: the forward pass written out (the visible test shows it too), so that a wrong
# decoder_forward costs only its own points; then the student's backward.
BACKWARD = LAYERS + (
    "layers.lstm.set_state(h)\n"
    "layers.affine.forward(layers.lstm.forward(layers.embed.forward(xs)))\n"
    "_dh = decoder_backward(layers, dscore)\n"
    "result = (_dh, [np.array(g, copy=True) for g in layers.grads], dscore)\n"
)


@checks.exercise("decoder_backward")
def _(k):
    """Contract: after the forward pass, decoder_backward(layers, dscore (B, T, V)) -> dh (B, H) float,
    the gradient of sum(scores * dscore) w.r.t. the context h, and fills layers.grads (in place) with
    the gradient of every weight; both equal the NumPy reference and PyTorch's autograd; dscore unchanged."""
    for seed, (B, T, V, D, H) in enumerate([(3, 4, 13, 16, 8), (1, 1, 7, 3, 2), (4, 5, 9, 4, 6)]):
        rng = k.rng(500 + seed)
        ref = _reference(rng, V, D, H)
        weights = [p.copy() for p in ref.params]
        xs, h, dscore = rng.integers(0, V, size=(B, T)), rng.normal(size=(B, H)), rng.normal(size=(B, T, V))
        xs[0, :2] = xs[0, 0]  # a character read twice collects both gradients
        what = f"B, T, V, D, H = {(B, T, V, D, H)}"
        dh, grads, dscore_after = items(k.run(BACKWARD, weights=weights, xs=xs, h=h, dscore=dscore, V_=V, D=D, H=H), 3, what)
        expect.array(dh, f"dh for {what}", shape=(B, H), kind="f")
        ref.forward(xs, h)
        torch_dh, *torch_grads = autograd(*_torch_scores(weights, xs, h), dscore)
        expect.gradient(dh, ref.backward(dscore), torch_dh, f"dh for {what}", atol=ATOL, rtol=RTOL)
        expected = list(zip(NAMES, ref.grads, torch_grads, strict=True))
        for (name, w, p), g in zip_checked(f"the gradients in layers.grads for {what} (one per weight)", expected, grads):
            expect.array(g, f"gradient of {name} for {what}", shape=w.shape, kind="f")
            expect.gradient(g, w, p, f"gradient of {name} for {what}", atol=ATOL, rtol=RTOL)
        expect.equal(dscore_after, dscore, f"dscore after the call (unchanged) for {what}")


# --------------------------------------------------------------------------- checks_encoder.py
# In a file of their own (a file stays under 400 lines), registered here.
for _id, _check in runpy.run_path(str(Path(__file__).with_name("checks_encoder.py")))["checks"].by_id.items():
    checks.exercise(_id)(_check)
