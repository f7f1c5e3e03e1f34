"""Hidden checks of chapter 7 (attention).

Expected values come from the NumPy references (``solutions.numpy_attention``, ``solutions.beam``),
PyTorch (autograd for gradients, ``nn.LSTM`` for the bidirectional encoder, the attention seq2seq
reference for the Keras model) and finite differences, all computed here, in the grader.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import torch

from autograder.grading.checks import CheckFailed, Checks, expect
from autograder.grading.verify import SET_WEIGHTS, SentWeights, expect_sent_weights, items, zip_checked
from autograder.transplants.attention import attention_probabilities, attention_seq2seq_from_description
from autograder.transplants.describe import DESCRIBE_SOURCE
from autograder.transplants.layers import TransplantError, reading
from autograder.transplants.wiring import attention_seq2seq_candidates
from seqgen.checks import check_probabilities
from solutions import beam
from solutions import numpy_attention as na

checks = Checks()

# Float64 throughout the NumPy exercises: an answer and the reference do the same sums in another
# order, agreeing to ~1e-13; 1e-9 leaves room for that and catches every real mistake (1e-3 or more).
ATOL, RTOL = 1e-9, 1e-7
SHAPES = [(2, 5, 3), (1, 1, 4), (3, 7, 6)]  # (B, S, H)


def _unchanged(k_after, before, what):
    for (name, b), a in zip_checked("the inputs after the call", list(zip(what, before, strict=True)), k_after):
        expect.equal(a, b, f"{name} after the call (unchanged)")


def _torch_attention(hs, h):
    hs_t = torch.tensor(hs, dtype=torch.float64, requires_grad=True)
    h_t = torch.tensor(h, dtype=torch.float64, requires_grad=True)
    a = torch.softmax(torch.einsum("bsh,bh->bs", hs_t, h_t), dim=1)
    return torch.einsum("bs,bsh->bh", a, hs_t), a, hs_t, h_t


# --------------------------------------------------------------------------- Exercise 1

FORWARD = "hs0, h0 = hs.copy(), h.copy()\nc, a = attention_forward(hs, h)\nresult = (c, a, hs, h)\n"


@checks.exercise("attention_forward")
def _(k):
    """Contract: attention_forward(hs (B, S, H), h (B, H)) -> a tuple (c, a): float arrays (B, H)
    and (B, S); a[b] = softmax over s of h[b] . hs[b, s] (non-negative, rows summing to 1),
    c[b] = sum_s a[b, s] hs[b, s]; finite and exact for scores in the thousands (the softmax is
    shifted); hs and h unchanged."""
    rng = k.rng(10)
    for (B, S, H), scale in [(s, 1.0) for s in SHAPES] + [((2, 6, 4), 30.0)]:
        hs, h = rng.normal(size=(B, S, H)) * scale, rng.normal(size=(B, H)) * scale
        c, a, hs_after, h_after = items(k.run(FORWARD, hs=hs, h=h), 4, "attention_forward's result and its inputs")
        what = f"B, S, H = {(B, S, H)}" + (f", values scaled by {scale:g} (scores in the thousands)" if scale > 1 else "")
        expect.array(c, f"context c for {what}", shape=(B, H), kind="f")
        expect.array(a, f"weights a for {what}", shape=(B, S), kind="f")
        expect.true(bool(np.isfinite(c).all() and np.isfinite(a).all()), f"{what}: c and a must be finite (shift the scores before exp)")
        check_probabilities(a, f"weights a for {what} (over the encoder steps)", axis=1, atol=1e-9)
        want_c, want_a = na.attention_forward(hs, h)
        expect.close(a, want_a, f"weights a for {what} against the NumPy reference", atol=ATOL, rtol=RTOL)
        expect.close(c, want_c, f"context c for {what} against the NumPy reference", atol=ATOL * scale, rtol=RTOL)
        if scale == 1.0:
            tc, ta, _, _ = _torch_attention(hs, h)
            expect.close(c, tc.detach().numpy(), f"context c for {what} against PyTorch", atol=ATOL, rtol=RTOL)
        _unchanged((hs_after, h_after), (hs, h), ("hs", "h"))


# --------------------------------------------------------------------------- Exercise 2

BACKWARD = "dhs, dh = attention_backward(hs, h, a, dc)\nresult = (dhs, dh, hs, h, a, dc)\n"


def _finite_differences(hs, h, dc, eps=1e-6):
    """Central differences of L = sum(c * dc) with respect to hs and h, from the NumPy reference."""
    def loss(hs_, h_):
        return float(np.sum(na.attention_forward(hs_, h_)[0] * dc))

    grads = []
    for x in (hs, h):
        g = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            x[idx] = old + eps
            up = loss(hs, h)
            x[idx] = old - eps
            down = loss(hs, h)
            x[idx] = old
            g[idx] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


@checks.exercise("attention_backward")
def _(k):
    """Contract: attention_backward(hs (B, S, H), h (B, H), a (B, S), dc (B, H)), with a the weights
    of the forward pass, -> a tuple (dhs (B, S, H), dh (B, H)) of floats: the gradients of a loss
    whose gradient with respect to the context is dc, equal to PyTorch's autograd and to finite
    differences; the inputs unchanged."""
    rng = k.rng(20)
    for B, S, H in SHAPES:
        hs, h, dc = rng.normal(size=(B, S, H)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
        a = na.attention_forward(hs, h)[1]
        dhs, dh, *after = items(k.run(BACKWARD, hs=hs, h=h, a=a, dc=dc), 6, "attention_backward's result and its inputs")
        what = f"B, S, H = {(B, S, H)}"
        expect.array(dhs, f"dhs for {what}", shape=(B, S, H), kind="f")
        expect.array(dh, f"dh for {what}", shape=(B, H), kind="f")
        c, _, hs_t, h_t = _torch_attention(hs, h)
        (c * torch.from_numpy(dc)).sum().backward()
        expect.close(dhs, hs_t.grad.numpy(), f"dhs for {what} against PyTorch autograd", atol=ATOL, rtol=RTOL)
        expect.close(dh, h_t.grad.numpy(), f"dh for {what} against PyTorch autograd", atol=ATOL, rtol=RTOL)
        fd_hs, fd_h = _finite_differences(hs.copy(), h.copy(), dc)
        # Central differences with eps = 1e-6 are exact to ~1e-9 here (round-off 1e-16 / eps, truncation eps^2).
        expect.close(dhs, fd_hs, f"dhs for {what} against finite differences", atol=1e-7, rtol=1e-6)
        expect.close(dh, fd_h, f"dh for {what} against finite differences", atol=1e-7, rtol=1e-6)
        _unchanged(after, (hs, h, a, dc), ("hs", "h", "a", "dc"))


# --------------------------------------------------------------------------- Exercise 3

ADDITIVE = "e = additive_scores(hs, h, Wq, Wk, v)\nresult = (e, hs, h, Wq, Wk, v)\n"


@checks.exercise("additive_scores")
def _(k):
    """Contract: additive_scores(hs (B, S, H), h (B, H), Wq (H, A), Wk (H, A), v (A,)) -> float scores
    (B, S) with e[b, s] = v . tanh(h[b] Wq + hs[b, s] Wk) (A may differ from H), equal to the NumPy
    reference and PyTorch; the inputs unchanged."""
    rng = k.rng(30)
    for B, S, H, A in [(2, 5, 3, 4), (1, 1, 2, 2), (3, 6, 5, 7)]:
        args = [rng.normal(size=(B, S, H)), rng.normal(size=(B, H)), rng.normal(size=(H, A)), rng.normal(size=(H, A)), rng.normal(size=A)]
        e, *after = items(k.run(ADDITIVE, **dict(zip(["hs", "h", "Wq", "Wk", "v"], args, strict=True))), 6,
                          "additive_scores' result and its inputs")
        what = f"B, S, H, A = {(B, S, H, A)}"
        expect.array(e, f"scores for {what}", shape=(B, S), kind="f")
        expect.close(e, na.additive_scores(*args), f"scores for {what} against the NumPy reference", atol=ATOL, rtol=RTOL)
        hs, h, Wq, Wk, v = (torch.from_numpy(x) for x in args)
        want = torch.tanh((h @ Wq)[:, None, :] + hs @ Wk) @ v
        expect.close(e, want.numpy(), f"scores for {what} against PyTorch", atol=ATOL, rtol=RTOL)
        _unchanged(after, args, ("hs", "h", "Wq", "Wk", "v"))


# --------------------------------------------------------------------------- Exercise 4

TIME = "contexts, weights = time_attention(enc_hs, dec_hs)\nresult = (contexts, weights, enc_hs, dec_hs)\n"


@checks.exercise("time_attention")
def _(k):
    """Contract: time_attention(enc_hs (B, S, H), dec_hs (B, T, H)) -> a tuple (contexts (B, T, H),
    weights (B, T, S)) of floats; step t equals attention_forward(enc_hs, dec_hs[:, t]) (so weights
    sum to 1 over S, and large scores stay finite); the inputs unchanged. Graded with the reference
    attention_forward in place of the student's."""
    rng = k.rng(40)
    with k.swap("attention_forward", na.attention_forward):
        for (B, S, T, H), scale in [((2, 5, 3, 4), 1.0), ((1, 1, 1, 3), 1.0), ((3, 7, 4, 2), 1.0), ((2, 4, 3, 3), 30.0)]:
            enc_hs, dec_hs = rng.normal(size=(B, S, H)) * scale, rng.normal(size=(B, T, H)) * scale
            contexts, weights, *after = items(k.run(TIME, enc_hs=enc_hs, dec_hs=dec_hs), 4, "time_attention's result and its inputs")
            what = f"B, S, T, H = {(B, S, T, H)}" + (f", values scaled by {scale:g}" if scale > 1 else "")
            expect.array(contexts, f"contexts for {what}", shape=(B, T, H), kind="f")
            expect.array(weights, f"weights for {what}", shape=(B, T, S), kind="f")
            want_c, want_w = na.time_attention(enc_hs, dec_hs)
            expect.close(weights, want_w, f"weights for {what} against the NumPy reference", atol=ATOL, rtol=RTOL)
            expect.close(contexts, want_c, f"contexts for {what} against the NumPy reference", atol=ATOL * scale, rtol=RTOL)
            if scale == 1.0:
                t_w = torch.softmax(torch.from_numpy(dec_hs) @ torch.from_numpy(enc_hs).transpose(1, 2), dim=-1)
                expect.close(contexts, (t_w @ torch.from_numpy(enc_hs)).numpy(), f"contexts for {what} against PyTorch",
                             atol=ATOL, rtol=RTOL)
            _unchanged(after, (enc_hs, dec_hs), ("enc_hs", "dec_hs"))


# --------------------------------------------------------------------------- Exercise 5

BILSTM = ("fwd, bwd = TimeLSTM(*[w.copy() for w in wf]), TimeLSTM(*[w.copy() for w in wb])\n"
          "out = bilstm_forward(xs, fwd, bwd)\nresult = (out, xs)\n")


def _torch_bilstm(xs, wf, wb):
    H = wf[1].shape[0]
    lstm = torch.nn.LSTM(xs.shape[2], H, batch_first=True, bidirectional=True).double()
    with torch.no_grad():
        for suffix, (Wx, Wh, b) in (("", wf), ("_reverse", wb)):
            getattr(lstm, f"weight_ih_l0{suffix}").copy_(torch.from_numpy(Wx.T))
            getattr(lstm, f"weight_hh_l0{suffix}").copy_(torch.from_numpy(Wh.T))
            getattr(lstm, f"bias_ih_l0{suffix}").copy_(torch.from_numpy(b))
            getattr(lstm, f"bias_hh_l0{suffix}").zero_()
        return lstm(torch.from_numpy(xs))[0].numpy()  # (B, S, 2H): [forward, backward]


@checks.exercise("bilstm_forward")
def _(k):
    """Contract: bilstm_forward(xs (B, S, D), forward_lstm, backward_lstm) with two TimeLSTMs of hidden
    size H -> float (B, S, 2H): [forward LSTM's state s, backward LSTM's state s] at each position,
    the backward LSTM reading xs from right to left, both from zero states; equal to
    torch.nn.LSTM(bidirectional=True) with the same weights; xs unchanged."""
    rng = k.rng(50)
    for B, S, D, H in [(2, 5, 3, 4), (1, 1, 2, 3), (3, 6, 4, 2)]:
        xs = rng.normal(size=(B, S, D))
        wf, wb = ([rng.normal(0, 0.5, size=s) for s in [(D, 4 * H), (H, 4 * H), (4 * H,)]] for _ in range(2))
        out, xs_after = items(k.run(BILSTM, xs=xs, wf=wf, wb=wb), 2, "bilstm_forward's result and xs")
        what = f"B, S, D, H = {(B, S, D, H)}"
        expect.array(out, f"states for {what}", shape=(B, S, 2 * H), kind="f")
        want = _torch_bilstm(xs, wf, wb)
        expect.close(out[:, :, :H], want[:, :, :H], f"the forward half for {what} against torch.nn.LSTM", atol=ATOL, rtol=RTOL)
        expect.close(out[:, :, H:], want[:, :, H:], f"the backward half for {what} against torch.nn.LSTM(bidirectional=True)",
                     atol=ATOL, rtol=RTOL)
        expect.equal(xs_after, xs, "xs after the call (unchanged)")


# --------------------------------------------------------------------------- Exercise 7 (beam search)

BEAM = (
    "def _step(prefixes, _tables=tables, _start=start):\n"
    "    prefixes = np.asarray(prefixes)\n"
    "    if prefixes.ndim != 2 or not (prefixes[:, 0] == _start).all():\n"
    "        raise ValueError('the step function takes prefixes (k, t) that begin with the start token')\n"
    "    before = prefixes[:, -2] if prefixes.shape[1] > 1 else np.full(len(prefixes), _start)\n"
    "    return _tables[before, prefixes[:, -1]].copy()\n"
    "result = []\n"
    "for _width, _max_len, _end, _alpha in cases:\n"
    "    try:\n"
    "        result.append(beam_search(_step, start, _max_len, _width, end=_end, alpha=_alpha))\n"
    "    except ValueError as _exc:\n"
    "        result.append(('ValueError', str(_exc)))\n"
)


def _prefix_step(tables, start):
    """The checker's copy of the kernel's step: next-token log-probabilities given the last two tokens."""
    def step(prefixes):
        prefixes = np.asarray(prefixes)
        before = prefixes[:, -2] if prefixes.shape[1] > 1 else np.full(len(prefixes), start)
        return tables[before, prefixes[:, -1]]
    return step


def _log_tables(rng, V):
    logits = rng.normal(0, 2, size=(V, V, V))
    return logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))  # (V, V, V): next | (before, last)


def _strip(row, end):
    row = [int(v) for v in row]
    if end is not None and end in row:
        return tuple(row[: row.index(end) + 1])
    return tuple(v for v in row if v != -1)


def _integer_tables(rng, V):
    """Log-probabilities in {-1, -2}: many ties, and sums of integers are exact in any order (true ties)."""
    return -rng.integers(1, 3, size=(V, V, V)).astype(np.float64)


@checks.exercise("beam_search")
def _(k):
    """Contract: beam_search(step, start, max_len, width, end=None, alpha=0.0) -> (ids, logp) (a tuple or a list of
    the two): ids an int array (width, max_len), a finished hypothesis padded with end (-1 without one), logp a float
    array (width,), best score (logp / n ** alpha) first, as the docstring's procedure gives them; ties go to the
    earlier candidate (beam order, then token id). The step is called with prefixes (k, t) beginning with start,
    and may depend on the whole prefix. Width 1 is greedy decoding; width V with max_len 2 is brute force; a width
    below 1 or above V raises ValueError."""
    rng = k.rng(60)
    for V, start in [(3, 0), (5, 2), (7, 6)]:
        end = (start + 1) % V
        cases = [(1, 4, None, 0.0), (1, 5, end, 0.0), (V, 2, None, 0.0), (V, 2, end, 0.0), (V, 2, end, 1.0),
                 (2, 4, None, 0.0), (3, 5, end, 0.0), (3, 5, end, 0.7), (min(4, V), 4, end, 1.0), (V + 1, 3, None, 0.0),
                 (0, 3, None, 0.0)]
        _judge_beam(k, V, start, _log_tables(rng, V), cases, ties=False)
    for trial in range(2):  # the tie-breaking rule (random tables never tie)
        cases = [(1, 3, None, 0.0), (2, 3, None, 0.0), (3, 4, 1, 0.0), (4, 2, None, 0.0), (4, 2, 1, 1.0), (3, 4, 1, 0.7)]
        _judge_beam(k, 4, 0, _integer_tables(rng, 4), cases, ties=True)


def _judge_beam(k, V, start, tables, cases, ties):
    step = _prefix_step(tables, start)
    results = k.run(BEAM, tables=tables, start=start, cases=cases)
    for (width, max_len, e, alpha), got in zip_checked("beam_search's results, one per case", cases, results):
        what = f"V = {V}, start = {start}, width = {width}, max_len = {max_len}, end = {e}, alpha = {alpha}"
        what += " (log-probabilities in {-1, -2}: ties go to the earlier candidate, beam order then token id)" if ties else ""
        raised = isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], str) and got[0] == "ValueError"
        if not 1 <= width <= V:
            expect.true(raised, f"{what}: expected a ValueError (the width must be between 1 and V), got {got!r:.200}")
            continue
        if raised:
            raise CheckFailed(f"{what}: expected (ids, logp), got a ValueError: {got[1]!r:.200}")
        ids, logp = items(got, 2, f"{what}: the result (ids, logp)")
        expect.array(ids, f"ids for {what}", shape=(width, max_len), kind="i")
        expect.array(logp, f"logp for {what}", shape=(width,), kind="f")
        want_ids, want_logp, _ = beam.beam_search(step, start, max_len, width, end=e, alpha=alpha)
        # Brute force ranks ties by enumeration order, not by the beam's order: it is the judge without ties only.
        brute = max_len == 2 and width == V and not ties
        label = "greedy decoding" if width == 1 else "brute force" if brute else "the reference beam"
        if label == "greedy decoding":
            g_ids, g_logp = beam.greedy(step, start, max_len, end=e)
            expect.equal(ids[0], g_ids, f"{what}: the sequence (width 1 is greedy decoding)")
            expect.close(logp, [g_logp], f"{what}: its log-probability", atol=1e-12, rtol=1e-12)
        if label == "brute force":
            hyps, b_logp, _ = beam.brute_force(step, start, max_len, V, end=e, alpha=alpha)
            expect.equal([_strip(r, e) for r in ids], hyps[:width], f"{what}: the hypotheses (brute force's top {width})")
            expect.close(logp, b_logp[:width], f"{what}: their log-probabilities (brute force's)", atol=1e-12, rtol=1e-12)
        expect.equal(ids, want_ids, f"{what}: the hypotheses, best first ({label})")
        # Sums of a few float64 log-probabilities in another order agree to ~1e-15.
        expect.close(logp, want_logp, f"{what}: their log-probabilities", atol=1e-12, rtol=1e-12)


# --------------------------------------------------------------------------- Exercise 6 (the Keras model)

# Runs in the kernel: the student's model, built by one call (a subclassed model has no weights before), given
# weights drawn here (autograder.grading.verify.SentWeights; its description is verified against them), described.
MODEL = DESCRIBE_SOURCE + (
    "keras.utils.set_random_seed(seed)\n"
    "_model = build_attention_seq2seq(V_, D, H, question_len=S, answer_len=T, score=score)\n"
    "_model([q[:1].astype('int32'), d[:1].astype('int32')], training=False)\n"
    + SET_WEIGHTS.format(model="_model") +
    "result = (_seqgen_describe(_model),\n"
    "          np.asarray(keras.ops.convert_to_numpy(_model([q.astype('int32'), d.astype('int32')], training=False))))\n"
)
# Two builds (each costs the kernel a second or two): both scores, two sets of sizes.
MODEL_CASES = [((13, 4, 6, 7, 5), "dot"), ((21, 3, 8, 9, 4), "additive")]
# Keras and torch compute in float32: probabilities (at most 1) agree to ~1e-7; 1e-5 absolute leaves
# margin, and any wrong wiring moves them by 1e-2 or more.
MODEL_ATOL, MODEL_RTOL = 1e-5, 1e-4
ATTENTION_CLASS = {"dot": "Attention", "additive": "AdditiveAttention"}


@checks.exercise("build_attention_seq2seq")
def _(k):
    """Contract: build_attention_seq2seq(vocab_size, wordvec, hidden, question_len, answer_len, score)
    -> a Keras model [questions (B, question_len), decoder inputs (B, answer_len)] -> probabilities
    (B, answer_len, vocab_size), made of the layers the docstring lists (keras.layers.Attention for
    score="dot", AdditiveAttention for "additive"; the decoder LSTM started from the encoder's final
    [h, c]; the Dense reading [context, decoder states]; functional or a subclassed keras.Model),
    holding the weights the check sets (its description lists exactly those) and equal weight for weight to the
    PyTorch reference (solutions.attention) on the batches we send. A subclassed model's layers carry no wiring:
    the assignment of the encoder and decoder roles that reproduces its outputs is the one judged."""
    rng = k.rng(70)
    for seed, ((V, D, H, S, T), score) in enumerate(MODEL_CASES):
        q, d = rng.integers(0, V, size=(3, S)), rng.integers(0, V, size=(3, T))
        what = f"build_attention_seq2seq({V}, {D}, {H}, question_len={S}, answer_len={T}, score={score!r})"
        sent = SentWeights(k.rng(1070 + seed), scale=0.5)
        with k.swap("_seqgen_weights", sent):
            description, probs = items(k.run(MODEL, V_=V, D=D, H=H, S=S, T=T, score=score, seed=seed, q=q, d=d), 2, what)
        expect_sent_weights(description, sent.sent, what)
        kinds = [layer.get("class") for layer in description]
        expect.true(ATTENTION_CLASS[score] in kinds, f"{what}: expected a keras.layers.{ATTENTION_CLASS[score]} layer, "
                                                     f"got layers {', '.join(map(str, kinds))}")

        got = expect.array(probs, f"{what}: the outputs", shape=(3, T, V), kind="f")
        check_probabilities(got, f"{what}: the outputs (a distribution at each step)", atol=1e-4)
        candidates, errors = [], []
        for candidate in attention_seq2seq_candidates(description):
            try:
                candidates.append(_reference_of(candidate, what))
            except (CheckFailed, TransplantError) as exc:
                errors.append(exc)
        if not candidates:
            raise errors[0]
        wants = [attention_probabilities(reference, True, q, d) for reference in candidates]
        best = min(range(len(wants)), key=lambda i: float(np.abs(wants[i] - got).max()))
        config = candidates[best].config
        expect.equal((config.vocab_size, config.wordvec, config.hidden), (V, D, H), f"{what}: (vocab_size, wordvec, hidden)")
        expect.close(got, wants[best], f"{what}: the outputs against the PyTorch reference", atol=MODEL_ATOL, rtol=MODEL_RTOL)


def _reference_of(description, what):
    """The torch reference holding a (wired) description; a description that cannot be read fails the check."""
    with reading(what, "the model could not be read as the attention seq2seq described"):
        reference, gives_probabilities = attention_seq2seq_from_description(description)
    expect.true(gives_probabilities, f"{what}: expected the Dense layer to end in a softmax (probabilities), got logits")
    return reference


# --------------------------------------------------------------------------- checks_backward.py
# In a file of their own (a file stays under 400 lines), registered here.
for _id, _check in runpy.run_path(str(Path(__file__).with_name("checks_backward.py")))["checks"].by_id.items():
    checks.exercise(_id)(_check)
