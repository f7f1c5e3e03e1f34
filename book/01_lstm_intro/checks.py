"""Hidden checks of chapter 1 (LSTM intro).

Expected values are computed here, in the grader: the NumPy reference and
``torch.nn.LSTMCell`` for the LSTM step, the torch language model rebuilt from a
plain-data description of the student's Keras model (``autograder.transplants``), and
``solutions.sampling`` for temperature. The student's kernel only computes with their
own functions on inputs sent from here.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.grading.checks import Checks, expect
from autograder.grading.verify import SET_WEIGHTS, SentWeights, expect_sent_weights, items, zip_checked
from autograder.transplants.describe import DESCRIBE_SOURCE
from autograder.transplants.layers import reading
from autograder.transplants.recurrent import lstm_lm_from_description, reference_probabilities
from seqgen.checks import check_probabilities
from solutions.numpy_layers import lstm_step as reference_lstm_step
from solutions.sampling import apply_temperature as reference_apply_temperature

checks = Checks()

# --------------------------------------------------------------------------- Exercise 1

# Float64 throughout: the reference, torch and the student do the same sums in a possibly
# different order (or with another sigmoid formula), which moves results by ~1e-15; 1e-9
# leaves room for that and still catches every real mistake (those move values by 1e-2).
STEP_ATOL, STEP_RTOL = 1e-9, 1e-7
STEP_SHAPES = [(2, 3, 4), (1, 1, 1), (5, 8, 3), (3, 2, 7), (4, 6, 6)]  # (B, D, H)
STEP = (
    "_copies = [np.array(a, copy=True) for a in args]\n"
    "_out = lstm_step(*_copies)\n"
    "result = (_out, _copies)\n"
)
NAMES = ["x", "h", "c", "Wx", "Wh", "b"]


def _torch_cell(args):
    x, h, c, Wx, Wh, b = (torch.from_numpy(a) for a in args)
    cell = torch.nn.LSTMCell(Wx.shape[0], h.shape[1]).double()
    with torch.no_grad():  # gate order i, f, g, o as in Keras; torch stores the weights transposed
        cell.weight_ih.copy_(Wx.T)
        cell.weight_hh.copy_(Wh.T)
        cell.bias_ih.copy_(b)
        cell.bias_hh.zero_()
        th, tc = cell(x, (h, c))
    return th.numpy(), tc.numpy()


def _step_cases(rng):
    for B, D, H in STEP_SHAPES:
        args = [rng.normal(size=s) for s in [(B, D), (B, H), (B, H), (D, 4 * H), (H, 4 * H), (4 * H,)]]
        yield f"B, D, H = {(B, D, H)}", args, reference_lstm_step(*args)
    # The visible hand-worked cases: all weights zero (every gate 0.5, g = 0), and only the g bias set.
    B, D, H = 1, 3, 4
    c = np.array([[1.0, -2.0, 0.0, 4.0]])
    yield "zero weights", [np.ones((1, D)), np.ones((1, H)), c, np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)], \
        (0.5 * np.tanh(0.5 * c), 0.5 * c)
    b = np.zeros(4 * H)
    b[2 * H : 3 * H] = 10.0
    g = np.full((1, H), 0.5 * np.tanh(10.0))
    yield "only the g bias set (10)", [np.zeros((1, D)), np.zeros((1, H)), np.zeros((1, H)), np.zeros((D, 4 * H)),
                                       np.zeros((H, 4 * H)), b], (0.5 * np.tanh(g), g)


@checks.exercise("lstm_step")
def _(k):
    """Contract: lstm_step(x (B, D), h (B, H), c (B, H), Wx (D, 4H), Wh (H, 4H), b (4H,)) -> a pair
    (h_next, c_next) of float arrays, each (B, H), with gate blocks i, f, g, o:
    c_next = f * c + i * g and h_next = o * tanh(c_next), g = tanh(...), the others sigmoid.
    Equal to the NumPy reference and to torch.nn.LSTMCell for any B, D, H >= 1 (1 included);
    no input is changed by the call."""
    for what, args, (want_h, want_c) in _step_cases(k.rng(100)):
        out, after = items(k.run(STEP, args=args), 2, f"lstm_step for {what}")
        expect.true(isinstance(out, (tuple, list)) and len(out) == 2,
                    f"lstm_step for {what}: expected a pair (h_next, c_next), got {type(out).__name__}"
                    + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
        B, H = args[1].shape
        got_h = expect.array(out[0], f"h_next for {what}", shape=(B, H), kind="f")
        got_c = expect.array(out[1], f"c_next for {what}", shape=(B, H), kind="f")
        expect.close(got_h, want_h, f"h_next for {what}", atol=STEP_ATOL, rtol=STEP_RTOL)
        expect.close(got_c, want_c, f"c_next for {what}", atol=STEP_ATOL, rtol=STEP_RTOL)
        if what.startswith("B, D, H"):
            for name, got, want in zip(("h_next", "c_next"), (got_h, got_c), _torch_cell(args), strict=True):
                expect.close(got, want, f"{name} for {what} against torch.nn.LSTMCell", atol=STEP_ATOL, rtol=STEP_RTOL)
        for (name, before), now in zip_checked(f"the inputs after the call for {what}", list(zip(NAMES, args, strict=True)), after):
            expect.equal(now, before, f"the input {name} after the call for {what} (unchanged)")


# --------------------------------------------------------------------------- Exercise 2

# Runs in the kernel: build the student's model, give it random weights drawn here (so that every parameter
# matters; autograder.grading.verify.SentWeights), describe it as plain data and run it on the batches we send.
# The description is verified against the weights sent.
LM = DESCRIBE_SOURCE + (
    "_model = build_lstm_lm(V, E, H)\n"
    "_model(np.ones((1, 2), dtype='int32'))  # build it, in case it has no Input layer\n"
    + SET_WEIGHTS.format(model="_model") +
    "result = (_seqgen_describe(_model),\n"
    "          [np.asarray(keras.ops.convert_to_numpy(_model(b.astype('int32'), training=False))) for b in batches])\n"
)
LM_CASES = [((37, 5, 7), [(3, 9), (2, 4)]), ((120, 16, 24), [(2, 13), (1, 1)])]  # (V, E, H), batch shapes
# Keras and torch both compute in float32: logits agree to ~1e-6, probabilities (at most 1) to
# ~1e-7 absolute. 1e-5 absolute is the float32 floor with margin; a wrong cell or activation
# moves probabilities by 1e-2 or more.
LM_ATOL, LM_RTOL = 1e-5, 1e-4


def _parameters(V, E, H):
    return V * E + 4 * (E * H + H * H + H) + H * V + V


@checks.exercise("lstm_lm")
def _(k):
    """Contract: build_lstm_lm(vocab_size, embed_dim, hidden) -> a Keras model whose layers are, in
    order, Embedding(vocab_size, embed_dim), LSTM(hidden, return_sequences=True) with tanh and
    sigmoid, Dense(vocab_size) ending in a softmax (any spelling Keras allows: the string, tf.nn.softmax,
    a separate Softmax or Activation layer; Input or input_shape=; Functional or Sequential).
    It maps ids (B, T) of any B and T to float probabilities (B, T, vocab_size) summing to 1,
    equal to the same weights in the PyTorch reference on the same batch."""
    rng = k.rng(11)
    for seed, ((V, E, H), shapes) in enumerate(LM_CASES):
        # Ids from 1: a padding mask (mask_zero=True) is then irrelevant, and not judged here.
        batches = [rng.integers(1, V, size=s) for s in shapes]
        what = f"build_lstm_lm({V}, {E}, {H})"
        sent = SentWeights(k.rng(1100 + seed), scale=0.4)
        with k.swap("_seqgen_weights", sent):
            description, outputs = items(k.run(LM, V=V, E=E, H=H, batches=batches), 2, what)
        expect.type(description, list, f"{what}: the model's description")
        expect_sent_weights(description, sent.sent, what)
        with reading(what, "the model could not be read as Embedding -> LSTM -> Dense"):
            reference, gives_probabilities = lstm_lm_from_description(description)
        expect.true(gives_probabilities, f"{what}: expected the Dense layer to end in a softmax (probabilities), got logits")
        emb = reference.embedding.weight.shape
        expect.equal(tuple(emb), (V, E), f"{what}: the Embedding's (input_dim, output_dim)")
        expect.equal(reference.config.hidden, H, f"{what}: the LSTM's units")
        n_params = sum(int(np.asarray(w).size) for layer in description for w in layer.get("weights", []))
        expect.equal(n_params, _parameters(V, E, H), f"{what}: number of parameters")
        for ids, probs in zip_checked(f"{what}: the model's outputs", batches, outputs):
            B, T = ids.shape
            got = expect.array(probs, f"{what} on a {ids.shape} batch", shape=(B, T, V), kind="f")
            check_probabilities(got, f"{what} on a {ids.shape} batch (a distribution at each step)", atol=1e-4)
            want = reference_probabilities(reference, True, ids)
            expect.close(got, want, f"{what} on a {ids.shape} batch against the PyTorch reference", atol=LM_ATOL, rtol=LM_RTOL)


# --------------------------------------------------------------------------- Exercise 3

# Each case: (what, probs, temperatures). Non-zero probabilities are >= 1e-4 and zeros are
# checked at T <= 1, where answers that smooth zeros (np.log(p + 1e-12), clipping at 1e-300)
# are exact to well within the tolerances below; see the check's docstring.
RTOL_T = 1e-6  # relative, per entry: float64 log/exp round-off is ~1e-14; eps-smoothing <= 2e-7 here
ATOL_T = 1e-15  # floor for entries reweighted to ~0 (relative error is meaningless there)
ATOL_ZERO = 1e-11  # a zero must come back below this (eps^(1/T) / Z <= 1e-12 for eps = 1e-12, T <= 1)
TEMP = "result = [(apply_temperature(p, t), p) for p, t in cases]\n"


def _temperature_cases(rng):
    logits = rng.normal(0, 1.2, size=(4, 3, 50))  # (4, 3, 50): probabilities from ~1e-3 to ~0.3
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    out = [("a (4, 3, 50) batch", probs, t) for t in (0.05, 0.3, 0.7, 1.0, 1.5, 4.0)]
    p = np.array([0.5, 0.3, 0.2])
    out += [("[0.5, 0.3, 0.2]", p, t) for t in (1.0, 0.5, 3.0, 1e-3, 1e-4, 1e3)]  # 1e-4: p ** 1e4 underflows
    out += [("[0.1, 0.9], [0.6, 0.4]", np.array([[0.1, 0.9], [0.6, 0.4]]), 2.0)]
    zeros = np.array([[0.0, 0.25, 0.75, 0.0], [0.4, 0.0, 0.1, 0.5]])
    out += [("a (2, 4) batch with zeros", zeros, t) for t in (0.05, 0.5, 1.0)]
    return out


@checks.exercise("apply_temperature")
def _(k):
    """Contract: apply_temperature(probs (..., V), temperature > 0) -> a float array of the same shape,
    non-negative and finite, each distribution on the last axis summing to 1 and proportional to
    probs ** (1 / temperature), computed so that tiny temperatures do not underflow (1e-4 included);
    zeros stay zero; batches (any leading axes) reweighted row by row; probs unchanged by the call.

    Tolerances: relative 1e-6 per entry with a 1e-15 floor, and 1e-11 on entries that are zero.
    Accepted: np.log(p) with zeros (-inf, then exact zeros; warnings are not failures) and
    np.log(p + eps) or clipping with eps <= 1e-12: smoothing moves an entry by eps / (T p) relative
    (<= 2e-7 for the p >= 1e-4, T >= 0.05 checked) and gives a zero eps ** (1 / T) (<= 1e-12 at T <= 1).
    So zeros are checked at T <= 1 only, and probabilities below 1e-4 not at all: there eps-smoothing
    is visibly inexact although the answer is right."""
    cases = _temperature_cases(k.rng(7))
    results = k.run(TEMP, cases=[(p, t) for _, p, t in cases])
    for (what, probs, t), pair in zip_checked("apply_temperature: the results of the cases", cases, results):
        label = f"apply_temperature({what}, {t:g})"
        got, after = items(pair, 2, label)
        got = expect.array(got, label, shape=probs.shape, kind="f")
        check_probabilities(got, label, atol=1e-12)
        want = reference_apply_temperature(probs, t)
        zero = probs == 0
        expect.close(got[~zero], want[~zero], f"{label}, the non-zero entries", atol=ATOL_T, rtol=RTOL_T)
        if zero.any():
            expect.close(got[zero], np.zeros(zero.sum()), f"{label}, the entries that are zero", atol=ATOL_ZERO, rtol=0)
        expect.equal(after, probs, f"probs after apply_temperature({what}, {t:g}) (unchanged)")


# --------------------------------------------------------------------------- Exercise 4

# Runs in the kernel with the reference reweighting swapped in: n draws with a generator seeded
# here, the global NumPy state reseeded (and restored after) so that a sampler using it is caught.
DRAWS = (
    "_state = np.random.get_state()\n"
    "np.random.seed(global_seed)\n"
    "_rng = np.random.default_rng(seed)\n"
    "try:\n"
    "    result = ([sample_with_temperature(p, t, _rng) for _ in range(n)], p)\n"
    "finally:\n"
    "    np.random.set_state(_state)\n"
)
P4 = np.array([0.05, 0.15, 0.3, 0.5])


def _draws(k, p, t, n, seed, global_seed=0):
    draws, after = items(k.run(DRAWS, p=p, t=t, n=n, seed=seed, global_seed=global_seed), 2, "the draws and probs after them")
    expect.equal(after, p, f"probs after sample_with_temperature(..., {t:g}, rng) (unchanged)")
    expect.type(draws, list, "the draws")
    V = len(p)
    for d in draws:
        ok = isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)) and 0 <= d < V
        expect.true(ok, f"sample_with_temperature(p, {t:g}, rng) with {V} entries: expected an int in [0, {V}), got {d!r}")
    return np.array(draws, dtype=np.int64)


@checks.exercise("sample_with_temperature")
def _(k):
    """Contract: sample_with_temperature(probs (V,), temperature, rng) -> one int in [0, V) drawn from
    apply_temperature(probs, temperature), with the given rng only: the same seed gives the same
    draws whatever the global NumPy state, different seeds different draws; a tiny temperature is
    greedy; zero-probability entries are never drawn; probs unchanged. Graded with the reference
    apply_temperature swapped in (a wrong Exercise 3 costs only Exercise 3)."""
    with k.swap("apply_temperature", reference_apply_temperature, cache=True):
        first = _draws(k, P4, 1.0, 50, seed=5, global_seed=1)
        again = _draws(k, P4, 1.0, 50, seed=5, global_seed=2)
        expect.equal(again, first, "50 draws with default_rng(5), the global NumPy state reseeded in between "
                                   "(use the rng you are given, not np.random)")
        other = _draws(k, P4, 1.0, 50, seed=6, global_seed=1)
        # Two independent correct sequences of 50 coincide with probability 0.365 ** 50 < 1e-21.
        expect.true(not np.array_equal(other, first), "50 draws with default_rng(5) and with default_rng(6) are identical "
                                                      "(the rng you are given must drive the draws)")
        for t, n, seed in [(0.4, 8000, 11), (2.5, 8000, 12), (1.0, 4000, 13)]:
            counts = np.bincount(_draws(k, P4, t, n, seed), minlength=4)
            want = reference_apply_temperature(P4, t)
            # Five standard errors (plus 1e-3): a correct sampler fails with probability < 1e-5.
            tolerance = 5 * np.sqrt(want * (1 - want) / n) + 1e-3
            expect.true(bool(np.all(np.abs(counts / n - want) < tolerance)),
                        f"frequencies of {n} draws at temperature {t}: expected {np.round(want, 3).tolist()} "
                        f"(within {np.round(tolerance, 3).tolist()}), got {np.round(counts / n, 3).tolist()}")
        draws = _draws(k, P4, 0.01, 200, seed=14)
        expect.true(set(draws.tolist()) == {3}, f"at temperature 0.01 every draw should be the most likely index 3, "
                                                f"got {sorted(set(draws.tolist()))}")
        p7 = np.array([0.0, 0.2, 0.0, 0.3, 0.1, 0.4, 0.0])
        draws = _draws(k, p7, 1.0, 2000, seed=15)
        expect.true(not np.isin(draws, [0, 2, 6]).any(), "with probs [0, 0.2, 0, 0.3, 0.1, 0.4, 0] at temperature 1, "
                                                         f"an index of probability 0 was drawn: {sorted(set(draws.tolist()))}")
