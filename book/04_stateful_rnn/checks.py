"""Hidden checks of chapter 4 (stateful RNN).

The reference layout (``solutions.chars.stateful_batches``) and the PyTorch CharRNN, rebuilt
here from a plain-data description of the student's Keras model and carrying its state from
batch to batch, give the expected values. The reset callback is driven in the kernel on a
small stateful model the check builds there from weights it sends (never with the student's
builder, so a wrong Exercise 2 costs only its own points); its states come back as arrays.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.grading.checks import CheckFailed, Checks, expect
from autograder.grading.verify import SET_WEIGHTS, SentWeights, expect_sent_weights, items, zip_checked
from autograder.transplants.describe import DESCRIBE_SOURCE
from autograder.transplants.layers import TransplantError, normalise
from autograder.transplants.recurrent import charrnn_from_description
from solutions.chars import stateful_batches as reference_stateful_batches

checks = Checks()


@checks.exercise("stateful_batches")
def _(k):
    """Contract: stateful_batches(ids (N,) ints, B, T) -> an INTEGER array (n_batches, B, T + 1) with
    L = N // B, stream i = ids[i L : (i + 1) L], n_batches = (L - 1) // T and
    batches[t, i] = stream_i[t T : t T + T + 1] (so row i of batch t + 1 continues row i of batch t);
    ids unchanged by the call."""
    rng = k.rng(6)
    cases = [(20, 2, 3), (23, 2, 3), (21, 2, 3), (40, 1, 7), (50, 5, 9), (33, 4, 1)]
    while len(cases) < 20:  # random sizes with at least one batch (the chapter's texts give hundreds)
        N, B, T = int(rng.integers(20, 400)), int(rng.integers(1, 7)), int(rng.integers(1, 12))
        if (N // B - 1) // T >= 1:
            cases.append((N, B, T))
    for N, B, T in cases:
        ids = rng.integers(0, 50, size=N)
        what = f"batches of {N} ids, batch_size={B}, n_steps={T}"
        got, after = items(k.run("result = (stateful_batches(ids, batch_size, n_steps), ids)", ids=ids, batch_size=B, n_steps=T),
                           2, what)
        expect.same_array(got, reference_stateful_batches(ids, B, T), what, kind="i")  # float ids break Embedding lookups
        expect.equal(after, ids, f"the ids after the call ({what}; unchanged)")


# Runs in the kernel: the student's model with weights drawn here (autograder.grading.verify.SentWeights; its
# description is verified against them); three consecutive chunks fed in order (the state carried), then the
# same chunks after a reset of every stateful layer.
BUILD = DESCRIBE_SOURCE + (
    "model = build_stateful_char_gru(vocab_size=V_, embed_dim=E_, hidden=H_, batch_size=B_)\n"
    + SET_WEIGHTS.format(model="model") +
    "def _reset():\n"
    "    for _l in model.layers:\n"
    "        if getattr(_l, 'stateful', False):\n"
    "            _l.reset_state()\n"
    "_reset()\n"
    "_carried = [keras.ops.convert_to_numpy(model(c)) for c in chunks]\n"
    "_reset()\n"
    "_again = [keras.ops.convert_to_numpy(model(c)) for c in chunks[:1]]\n"
    "_batch = [None if s is None else int(s) for s in model.inputs[0].shape[:1]] if getattr(model, 'inputs', None) else None\n"
    "result = (_seqgen_describe(model), _carried, _again, _batch)\n"
)


@checks.exercise("stateful_gru")
def _(k):
    """Contract: build_stateful_char_gru(V, E, H, B) -> a Keras model for inputs (B, any length) (the
    batch size fixed: batch_shape=, or Input(batch_size=)), Embedding(V, E), GRU(H) and GRU(H) both
    stateful and returning every step, Dense(V) with a softmax (however spelled). Fed consecutive
    chunks, its outputs (B, T, V) equal the PyTorch CharRNN holding the same weights and carrying its
    state from chunk to chunk; after a reset it starts from zeros again."""
    for seed, (V, E, H, B) in enumerate([(15, 3, 6, 2), (40, 8, 12, 4)]):
        rng = k.rng(400 + seed)
        seq = rng.integers(0, V, size=(B, 13))
        chunks = [seq[:, :5], seq[:, 5:6], seq[:, 6:]]
        what = f"V, E, H, B = {(V, E, H, B)}"
        sent = SentWeights(k.rng(1400 + seed), scale=0.4)
        with k.swap("_seqgen_weights", sent):
            layers, carried, again, batch = items(k.run(BUILD, V_=V, E_=E, H_=H, B_=B, chunks=chunks), 4, f"the model for {what}")
        expect_sent_weights(layers, sent.sent, f"the model for {what}")
        try:
            reference, probabilities = charrnn_from_description(layers, num_layers=2)
        except TransplantError as exc:
            raise CheckFailed(f"the model for {what}: {exc}") from exc
        expect.true(probabilities, "the Dense layer should end in a softmax (the model outputs probabilities)")
        layers = normalise(layers)
        table = np.asarray(layers[0]["weights"][0])
        expect.true(table.shape == (V, E), f"Embedding table: expected shape {(V, E)} (vocab_size, embed_dim), got {table.shape}")
        grus = layers[1:-1]
        expect.true([int(g["config"]["units"]) for g in grus] == [H, H], f"GRU sizes: expected {[H, H]}, got {[g['config']['units'] for g in grus]}")
        expect.true([bool(g["config"].get("stateful")) for g in grus] == [True, True],
                    f"stateful GRUs: expected [True, True], got {[bool(g['config'].get('stateful')) for g in grus]}")
        expect.true(batch == [B], f"the model's input batch size: expected {B} (fixed), got {batch}")
        state = None
        for i, (chunk, out) in enumerate(zip_checked(f"{what}: the outputs on the three chunks", chunks, carried)):
            with torch.no_grad():
                logits, state = reference(torch.from_numpy(chunk), state)
            step = f"{what}, chunk {i} of shape {chunk.shape}"
            expect.array(out, step, shape=(B, chunk.shape[1], V), kind="f")
            # float32 on both sides over at most 13 steps: agreement to ~1e-6.
            expect.close(out, torch.softmax(logits.double(), -1).numpy(), f"{step} against the PyTorch CharRNN carrying its state",
                         atol=2e-5, rtol=1e-4)
        (first_again,) = items(again, 1, f"{what}: the output after resetting the states")
        expect.close(first_again, carried[0], f"{what}: the first chunk after resetting the states", atol=1e-6, rtol=0)


# Runs in the kernel: a stateful GRU + LSTM model built from the weights we send, and the
# student's callback driven by hand, the states read back after each event.
MODEL = (
    "_inp = keras.Input(batch_shape=(2, None), dtype='int32')\n"
    "_x = keras.layers.Embedding(9, 3)(_inp)\n"
    "_x = keras.layers.GRU(5, return_sequences=True, stateful=True)(_x)\n"
    "_x = keras.layers.GRU(4, return_sequences=True)(_x)\n"
    "_x = keras.layers.LSTM(5, return_sequences=True, stateful=True)(_x)\n"
    "_m = keras.Model(_inp, keras.layers.Dense(9, activation='softmax')(_x))\n"
    "_m.set_weights(weights)\n"
    "def _states():\n"
    "    return [keras.ops.convert_to_numpy(s).copy() for l in _m.layers if getattr(l, 'stateful', False) for s in l.states]\n"
    "_cb = ResetStatesCallback()\n"
    "_cb.set_model(_m)\n"
)
# (event, whether it must reset; None: either is right, as a reset at the start of training is harmless):
# the state must survive every batch, in training and in validation.
EVENTS = [("on_train_begin()", None), ("on_epoch_begin(0)", True), ("on_train_batch_begin(0)", False),
          ("on_train_batch_end(0)", False), ("on_train_batch_begin(1)", False), ("on_train_batch_end(1)", False),
          ("on_test_begin()", True), ("on_test_batch_begin(0)", False), ("on_test_batch_end(0)", False),
          ("on_test_batch_begin(1)", False), ("on_epoch_begin(1)", True), ("on_train_batch_begin(0)", False)]
DRIVE = MODEL + (
    "_log = []\n"
    "for _event in events:\n"
    "    _m(seq)  # a state to keep or reset\n"
    "    _before = _states()\n"
    "    eval('_cb.' + _event)\n"
    "    _log.append((_before, _states()))\n"
    "result = _log\n"
)
# Runs in the kernel: a real fit with the callback; a probe reads the GRU's state at each batch.
FIT = MODEL + (
    "_m.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')\n"
    "_seen = []\n"
    "class _Probe(keras.callbacks.Callback):\n"
    "    def on_train_batch_begin(self, batch, logs=None):\n"
    "        _seen.append(('train', batch, float(np.abs(_states()[0]).max())))\n"
    "    def on_test_batch_begin(self, batch, logs=None):\n"
    "        _seen.append(('test', batch, float(np.abs(_states()[0]).max())))\n"
    "_m.fit(x, y, validation_data=(x, y), batch_size=2, epochs=2, shuffle=False, verbose=0, callbacks=[_cb, _Probe()])\n"
    "result = _seen\n"
)


def _weights(rng: np.random.Generator) -> list[np.ndarray]:
    shapes = [(9, 3), (3, 15), (5, 15), (2, 15), (5, 12), (4, 12), (2, 12), (4, 20), (5, 20), (20,), (5, 9), (9,)]
    return [rng.normal(0, 0.6, size=s).astype(np.float32) for s in shapes]


@checks.exercise("reset_callback")
def _(k):
    """Contract: ResetStatesCallback (a keras Callback) sets EVERY stateful layer of self.model (GRU and
    LSTM, h and c) to zeros at each epoch start (on_epoch_begin) and before each validation pass
    (on_test_begin), and at no training or validation batch (the state must flow between batches);
    other layers are left alone (a non-stateful GRU in the model must not break it). In a real fit,
    each epoch's first batch and each validation's first batch start from zeros, later batches do not."""
    seq = k.rng(2).integers(0, 9, size=(2, 4))
    log = k.run(DRIVE, weights=_weights(k.rng(3)), seq=seq, events=[e for e, _ in EVENTS])
    for (event, resets), pair in zip_checked("the states read back after each callback event", EVENTS, log):
        # Three states (the stateful GRU's h, the LSTM's h and c) before and after each event: a list cut short
        # must not make the comparisons below vacuous.
        before, after = items(pair, 2, f"the states around {event}")
        items(before, 3, f"the states before {event}")
        items(after, 3, f"the states after {event}")
        expect.true(all(np.abs(b).max() > 1e-3 for b in before), f"(the check's model should have a state before {event})")
        if resets is None:
            continue
        if resets:
            expect.true(all(np.all(a == 0) for a in after), f"after {event}: expected every state of the stateful GRU and LSTM "
                        f"to be zeros, got largest values {[float(np.abs(a).max()) for a in after]}")
        else:
            expect.true(all(np.array_equal(a, b) for a, b in zip(after, before, strict=True)),
                        f"after {event}: expected the states unchanged (a reset there makes the model stateless), but they changed")
    x = np.tile(seq, (3, 1))  # 3 batches of 2 rows
    seen = k.run(FIT, weights=_weights(k.rng(4)), x=x, y=x)
    expect.type(seen, list, "the GRU state at each batch of a real fit")
    firsts = [(kind, b, v) for kind, b, v in seen if b == 0]
    expect.true(len(firsts) == 4 and all(v == 0.0 for _, _, v in firsts),
                f"a real fit (2 epochs, validation each): expected zero states at the first batch of each epoch and "
                f"validation, got {[(kind, round(v, 4)) for kind, _, v in firsts]}")
    later = [(kind, b, v) for kind, b, v in seen if b > 0]
    expect.true(len(later) == 8 and all(v > 0.0 for _, _, v in later),
                f"a real fit: expected the state carried into batches 1 and 2, got {[(kind, b, round(v, 4)) for kind, b, v in later]}")
