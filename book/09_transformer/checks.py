"""Hidden checks of chapter 9 (the transformer).

Expected values come from the NumPy references (``solutions.numpy_transformer``), PyTorch
(``scaled_dot_product_attention``; the GPT's ``CausalSelfAttention`` for multi-head attention) and,
for the Keras block, the torch reference's post-norm block holding the student's weights
(``autograder.transplants.transformer``), all computed here, in the grader; for top-k and nucleus
sampling, ``solutions.truncated_sampling``.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.grading.checks import Checks, expect
from autograder.grading.verify import SentWeights, expect_sent_weights, items, zip_checked
from autograder.transplants.describe import BLOCK_DESCRIBE_SOURCE
from autograder.transplants.layers import reading
from autograder.transplants.transformer import block_outputs, post_norm_blocks
from seqgen.checks import check_probabilities
from solutions import numpy_transformer as nt
from solutions.gpt import CausalSelfAttention, GPTConfig
from solutions.truncated_sampling import top_k_filter, top_p_filter

checks = Checks()

# Float64 throughout the NumPy exercises: an answer and the reference do the same sums in another
# order, agreeing to ~1e-13; 1e-9 leaves room for that and catches every real mistake (1e-3 or more).
ATOL, RTOL = 1e-9, 1e-7


def _unchanged(after, before, names):
    for (b, name), a in zip_checked("the inputs after the call", list(zip(before, names, strict=True)), after):
        expect.equal(a, b, f"{name} after the call (unchanged)")


# --------------------------------------------------------------------------- Exercise 1

@checks.exercise("causal_attention_mask")
def _(k):
    """Contract: causal_attention_mask(batch_size, n_dest, n_src, dtype=bool) -> a NumPy array
    (batch_size, n_dest, n_src) of exactly the dtype asked for (bool by default), 1/True where query i
    may attend to key j (j <= i + n_src - n_dest), 0/False elsewhere, the same for every example."""
    cases = [((2, 4, 4), None), ((1, 1, 1), None), ((3, 2, 5), "int32"), ((1, 5, 5), "float32"), ((2, 3, 7), "int64"),
             ((1, 6, 3), None)]
    for (B, n_dest, n_src), dtype in cases:
        what = f"causal_attention_mask({B}, {n_dest}, {n_src}" + (f", dtype={dtype!r})" if dtype else ")")
        got = k.call("causal_attention_mask", B, n_dest, n_src) if dtype is None else \
            k.call("causal_attention_mask", B, n_dest, n_src, dtype=dtype)
        got = expect.array(got, what, shape=(B, n_dest, n_src))
        want = nt.causal_attention_mask(B, n_dest, n_src, dtype=dtype or bool)
        expect.equal(got.dtype, want.dtype, f"{what}: the dtype")
        expect.equal(got, want, f"{what}: the mask (1 where j <= i + n_src - n_dest)")


# --------------------------------------------------------------------------- Exercise 2

@checks.exercise("positional_encoding")
def _(k):
    """Contract: positional_encoding(length, depth), depth even -> a float array (length, depth) whose
    columns 2i and 2i + 1 of row p are sin(p / 10000 ** (2i / depth)) and cos(p / 10000 ** (2i / depth))."""
    for length, depth in [(50, 16), (1, 2), (200, 64), (7, 6)]:
        what = f"positional_encoding({length}, {depth})"
        got = expect.array(k.call("positional_encoding", length, depth), what, shape=(length, depth), kind="f")
        # A float32 answer rounds angles up to 200 radians to ~1e-5; 1e-4 accepts it, while every wrong
        # frequency, phase or order moves values by 1e-2 or more.
        expect.close(got, nt.positional_encoding(length, depth), f"{what} against the reference", atol=1e-4, rtol=0)


# --------------------------------------------------------------------------- Exercise 3

SDPA = "out, w = scaled_dot_product_attention(q, k_, v, mask)\nresult = (out, w, q, k_, v)\n"
SDPA_NO_MASK = "out, w = scaled_dot_product_attention(q, k_, v)\nresult = (out, w, q, k_, v)\n"


def _random_mask(rng, shape):
    mask = rng.random(shape) < 0.5
    mask[..., rng.integers(0, shape[-1])] = True  # every query may look at one key at least
    return mask


def _sdpa_cases(rng):
    """(q, k, v, mask, label): batch and head axes, none, Tq != Tk, dv != d, broadcasting and large scores."""
    causal = nt.causal_attention_mask(1, 5, 5)[:, None]  # (1, 1, 5, 5)
    yield rng.normal(size=(2, 3, 5, 4)), rng.normal(size=(2, 3, 5, 4)), rng.normal(size=(2, 3, 5, 6)), causal, "causal, (2, 3, 5, 4)"
    yield rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 6, 2)), rng.normal(size=(4, 6, 5)), None, "no mask, 3 queries, 6 keys"
    yield rng.normal(size=(3, 4)), rng.normal(size=(7, 4)), rng.normal(size=(7, 3)), _random_mask(rng, (3, 7)), "2-D, a random mask"
    yield rng.normal(size=(2, 4, 6)), rng.normal(size=(2, 5, 6)), rng.normal(size=(2, 5, 6)), _random_mask(rng, (2, 4, 5)), \
        "a random mask per example"
    yield (rng.normal(size=(2, 4, 8)) * 30, rng.normal(size=(2, 4, 8)) * 30, rng.normal(size=(2, 4, 3)),
           nt.causal_attention_mask(2, 4, 4), "causal, scores in the hundreds")


@checks.exercise("scaled_dot_product_attention")
def _(k):
    """Contract: scaled_dot_product_attention(q (..., Tq, d), k (..., Tk, d), v (..., Tk, dv), mask=None) with
    mask a bool array broadcasting to (..., Tq, Tk), True where a query may look -> a tuple (output
    (..., Tq, dv), weights (..., Tq, Tk)) of floats: weights = softmax over the keys of q k^T / sqrt(d) with
    the masked scores left out (weight exactly 0), output = weights v; equal to PyTorch's
    scaled_dot_product_attention with that boolean attn_mask; finite for scores in the hundreds; any number
    of leading axes; the inputs unchanged."""
    rng = k.rng(30)
    for q, k_, v, mask, label in _sdpa_cases(rng):
        out, w, *after = items(k.run(SDPA if mask is not None else SDPA_NO_MASK, q=q, k_=k_, v=v, mask=mask), 5,
                               f"{label}: the result and the inputs")
        lead, Tq, Tk = q.shape[:-2], q.shape[-2], k_.shape[-2]
        out = expect.array(out, f"{label}: the output", shape=(*lead, Tq, v.shape[-1]), kind="f")
        w = expect.array(w, f"{label}: the weights", shape=(*lead, Tq, Tk), kind="f")
        expect.true(bool(np.isfinite(out).all() and np.isfinite(w).all()), f"{label}: finite output and weights (shift the scores)")
        check_probabilities(w, f"{label}: the weights over the keys", axis=-1, atol=1e-9)
        want_out, want_w = nt.scaled_dot_product_attention(q, k_, v, mask)
        if mask is not None:
            expect.true(bool((w[np.broadcast_to(~mask, w.shape)] == 0).all()), f"{label}: weight 0 where the mask is False")
        expect.close(w, want_w, f"{label}: the weights against the reference", atol=ATOL, rtol=RTOL)
        t = torch.nn.functional.scaled_dot_product_attention(
            *(torch.from_numpy(a) for a in (q, k_, v)), attn_mask=None if mask is None else torch.from_numpy(mask))
        expect.close(out, t.numpy(), f"{label}: the output against torch's scaled_dot_product_attention", atol=ATOL, rtol=RTOL)
        expect.close(out, want_out, f"{label}: the output against the reference", atol=ATOL, rtol=RTOL)
        _unchanged(after, (q, k_, v), ("q", "k", "v"))


# --------------------------------------------------------------------------- Exercise 4

MHA = ("out, w = multi_head_attention(x, Wq, Wk, Wv, Wo, num_heads, mask)\n"
       "result = (out, w, x, Wq, Wk, Wv, Wo)\n")


def _torch_causal_mha(x, Wq, Wk, Wv, Wo, num_heads):
    """The GPT's CausalSelfAttention, without biases, holding these matrices: (output, weights) in float64."""
    D, inner = Wq.shape
    attn = CausalSelfAttention(GPTConfig(vocab_size=1, n_embd=D, n_head=num_heads, head_dim=inner // num_heads,
                                         bias=False)).double().eval()
    with torch.no_grad():
        for linear, w in ((attn.query, Wq), (attn.key, Wk), (attn.value, Wv), (attn.proj, Wo)):
            linear.weight.copy_(torch.from_numpy(w.T))
        y, weights = attn(torch.from_numpy(x), need_weights=True)
    return y.numpy(), weights.numpy()


def _mha_mask(rng, kind, B, h, T):
    if kind == "causal":
        return nt.causal_attention_mask(B, T, T)[:, None]
    if kind == "key padding":  # every row of the batch keeps its first length_b keys (at least one)
        return np.arange(T)[None, None, None, :] < rng.integers(1, T + 1, size=B)[:, None, None, None]
    return {"random": lambda: _random_mask(rng, (B, 1, T, T)), "per head": lambda: _random_mask(rng, (B, h, T, T)),
            None: lambda: None}[kind]()


@checks.exercise("multi_head_attention")
def _(k):
    """Contract: multi_head_attention(x (B, T, D), Wq, Wk, Wv (D, h * dk), Wo (h * dk, D), num_heads, mask=None)
    -> a tuple (output (B, T, D), weights (B, h, T, T)) of floats: head j attends with columns j*dk..(j+1)*dk
    of the three projections (the mask, when given, broadcast to (B, h, T, T): one for every head, one per head, or
    a key-padding mask (B, 1, 1, T)), the heads' outputs are put side
    by side in head order and multiplied by Wo; h * dk may differ from D; with a causal mask it equals the
    PyTorch GPT's causal self-attention holding the same matrices; the inputs unchanged. Graded with the
    reference scaled_dot_product_attention in place of the student's."""
    rng = k.rng(40)
    cases = [((2, 5, 6, 2, 4), "causal"), ((1, 4, 8, 4, 2), None), ((3, 3, 4, 1, 5), "causal"), ((2, 6, 6, 3, 2), "random"),
             ((2, 5, 6, 3, 2), "per head"), ((3, 6, 4, 2, 3), "key padding")]
    with k.swap("scaled_dot_product_attention", nt.scaled_dot_product_attention):
        for (B, T, D, h, dk), kind in cases:
            x = rng.normal(size=(B, T, D))
            Wq, Wk, Wv, Wo = (rng.normal(size=s) for s in [(D, h * dk)] * 3 + [(h * dk, D)])
            mask = _mha_mask(rng, kind, B, h, T)
            what = f"B, T, D, heads, dk = {(B, T, D, h, dk)}, mask: {kind or 'none'}"
            out, w, *after = items(k.run(MHA, x=x, Wq=Wq, Wk=Wk, Wv=Wv, Wo=Wo, num_heads=h, mask=mask), 7,
                                   f"{what}: the result and the inputs")
            expect.array(out, f"{what}: the output", shape=(B, T, D), kind="f")
            expect.array(w, f"{what}: the weights", shape=(B, h, T, T), kind="f")
            want_out, want_w = nt.multi_head_attention(x, Wq, Wk, Wv, Wo, h, mask)
            expect.close(w, want_w, f"{what}: the weights of every head against the reference", atol=ATOL, rtol=RTOL)
            expect.close(out, want_out, f"{what}: the output against the reference", atol=ATOL, rtol=RTOL)
            if kind == "causal":
                t_out, t_w = _torch_causal_mha(x, Wq, Wk, Wv, Wo, h)
                expect.close(out, t_out, f"{what}: the output against PyTorch's causal self-attention", atol=ATOL, rtol=RTOL)
            _unchanged(after, (x, Wq, Wk, Wv, Wo), ("x", "Wq", "Wk", "Wv", "Wo"))


# --------------------------------------------------------------------------- Exercise 5

# Runs in the kernel: the student's layer given tables drawn here (autograder.grading.verify.SentWeights); the tables
# it reports are verified against them, and the expected vectors come from the tables sent.
EMBED = (
    "keras.utils.set_random_seed(seed)\n"
    "_layer = TokenAndPositionEmbedding(max_len, vocab_size, embed_dim)\n"
    "_layer(np.asarray(id_rows[0], dtype='int32'))\n"
    "_layer.set_weights(_seqgen_weights([list(np.shape(w)) for w in _layer.get_weights()]))\n"
    "result = ([np.asarray(w) for w in _layer.get_weights()],\n"
    "          [np.asarray(keras.ops.convert_to_numpy(_layer(np.asarray(r, dtype='int32')))) for r in id_rows])\n"
)


@checks.exercise("TokenAndPositionEmbedding")
def _(k):
    """Contract: TokenAndPositionEmbedding(max_len, vocab_size, embed_dim) is a Keras layer holding exactly two
    tables, tokens (vocab_size, embed_dim) and positions (max_len, embed_dim); called on int ids (B, T), any
    T from 1 to max_len, it returns floats (B, T, embed_dim): token table[ids] + position table[0..T-1]."""
    rng = k.rng(50)
    for seed, (max_len, V, D) in enumerate([(10, 7, 4), (5, 13, 3), (12, 30, 8)]):
        id_rows = [rng.integers(0, V, size=(2, T)) for T in (max_len, 1, max_len // 2 + 1)]
        what = f"TokenAndPositionEmbedding({max_len}, {V}, {D})"
        sent = SentWeights(k.rng(1050 + seed), scale=1.0)
        with k.swap("_seqgen_weights", sent):
            weights, outs = items(k.run(EMBED, max_len=max_len, vocab_size=V, embed_dim=D, seed=seed, id_rows=id_rows), 2, what)
        expect.true(isinstance(weights, list) and len(weights) == 2,
                    f"{what}: expected exactly two weight tables (tokens and positions), got {len(weights)} weights")
        expect_sent_weights([{"name": "the layer", "weights": weights}], sent.sent, what)
        shapes = sorted(np.shape(w) for w in weights)
        expect.equal(shapes, sorted([(V, D), (max_len, D)]), f"{what}: the shapes of the two tables")
        tokens = next(w for w in weights if np.shape(w) == (V, D))
        positions = next(w for w in weights if np.shape(w) == (max_len, D))
        for ids, out in zip_checked(f"{what}: the outputs", id_rows, outs):
            T = ids.shape[1]
            got = expect.array(out, f"{what} on ids (2, {T})", shape=(2, T, D), kind="f")
            # Float32 sums of two table entries: exact to one rounding (~1e-7); 1e-5 leaves margin.
            expect.close(got, tokens[ids] + positions[:T], f"{what} on ids (2, {T}): token + position vectors",
                         atol=1e-5, rtol=1e-5)


# --------------------------------------------------------------------------- Exercise 6

# Runs in the kernel: the student's block given weights drawn here (autograder.grading.verify.SentWeights: N(0, 0.5), plus 1
# for a LayerNorm's gamma); its description is verified against them.
BLOCK = BLOCK_DESCRIBE_SOURCE + (
    "keras.utils.set_random_seed(seed)\n"
    "_block = TransformerBlock(num_heads, key_dim, embed_dim, ff_dim, dropout_rate=rate)\n"
    "_block(x, training=False)\n"
    "_block.set_weights(_seqgen_weights([[list(np.shape(w)), str(w.path)] for w in _block.weights]))\n"
    "_y, _w = _block(x, training=False)\n"
    "result = (_seqgen_describe_block(_block), np.asarray(keras.ops.convert_to_numpy(_y)),\n"
    "          np.asarray(keras.ops.convert_to_numpy(_w)))\n"
)
BLOCK_CASES = [(2, 3, 8, 12, 6, 0.1), (3, 2, 5, 7, 4, 0.3), (2, 8, 8, 16, 5, 0.0)]  # heads, key_dim, D, ff, T, dropout
# Keras computes in float32 and the reference in float64: outputs of LayerNorm (order 1) agree to ~1e-6;
# 1e-4 leaves margin, and a wrong order of the parts or a missing mask moves them by 1e-2 or more (Keras's
# default LayerNorm epsilon 1e-3 instead of the chapter's 1e-6: by 8e-4 to 2e-3 on these cases).
BLOCK_ATOL, BLOCK_RTOL = 1e-4, 1e-4
LN_EPSILON = 1e-6  # the chapter's LayerNormalization(epsilon=1e-6): required, not copied from the student's layers


@checks.exercise("TransformerBlock")
def _(k):
    """Contract: TransformerBlock(num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1) is a Keras layer made of
    one MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim), two LayerNormalization, Dense(ff_dim, relu),
    Dense(embed_dim) and two Dropout(dropout_rate); called on x (B, T, embed_dim) with training=False it returns
    (y (B, T, embed_dim), weights (B, num_heads, T, T)) computed as the post-norm causal block
    h = LN_1(x + MHA(x, x)), y = LN_2(h + FFN(h)), equal to the PyTorch reference's PostNormBlock holding its
    weights (outputs and attention weights); position t reads no position after t."""
    rng = k.rng(60)
    for seed, (h, kd, D, ff, T, rate) in enumerate(BLOCK_CASES):
        x = rng.normal(size=(2, T, D)).astype(np.float32)
        what = f"TransformerBlock({h}, {kd}, {D}, {ff}, dropout_rate={rate})"
        sent = SentWeights(k.rng(1060 + seed), scale=0.5, shift=lambda name: 1.0 if "gamma" in name else 0.0)
        with k.swap("_seqgen_weights", sent):
            parts, y, w = items(k.run(BLOCK, num_heads=h, key_dim=kd, embed_dim=D, ff_dim=ff, rate=rate, seed=seed, x=x), 3,
                                f"{what}: the result")
        expect_sent_weights(parts, sent.sent, what)
        y = expect.array(y, f"{what}: the output", shape=(2, T, D), kind="f")
        w = expect.array(w, f"{what}: the attention weights", shape=(2, h, T, T), kind="f")
        dropouts = [p for p in parts if p["class"] == "Dropout"]
        expect.true(len(dropouts) == 2 and all(abs(p["config"].get("rate", -1) - rate) < 1e-9 for p in dropouts),
                    f"{what}: expected two Dropout({rate}) layers, got rates {[p['config'].get('rate') for p in dropouts]}")
        with reading(what, "the block could not be read as the post-norm block described"):
            blocks, sizes = post_norm_blocks(parts)
        expect.equal(sizes, (h, kd, ff), f"{what}: (heads, key_dim, ff_dim) of its layers")
        epsilons = [p["config"].get("epsilon") for p in parts if p["class"] == "LayerNormalization"]
        expect.true(all(isinstance(e, (int, float)) and abs(e - LN_EPSILON) <= 1e-12 for e in epsilons),
                    f"{what}: expected two LayerNormalization(epsilon={LN_EPSILON:g}), got epsilons {epsilons}")
        for b in blocks:  # the reference keeps the chapter's epsilon whatever the description says
            b.ln_1.eps = b.ln_2.eps = LN_EPSILON
        results = [block_outputs(b, x) for b in blocks]
        best = min(results, key=lambda r: float(np.abs(r[0] - y).max()))
        expect.close(w, best[1], f"{what}: the attention weights against the PyTorch reference (causal)",
                     atol=BLOCK_ATOL, rtol=BLOCK_RTOL)
        expect.close(y, best[0], f"{what}: the output against the PyTorch post-norm block", atol=BLOCK_ATOL, rtol=BLOCK_RTOL)


# --------------------------------------------------------------------------- Exercises 7-9: truncated sampling

# Float64 both sides; the renormalisation may sum in another order: agreement to ~1e-16 per entry.
SAMPLING_ATOL, SAMPLING_RTOL = 1e-12, 1e-9
RAISES = ("try:\n    {call}\n    result = 'no error'\nexcept ValueError:\n    result = 'ValueError'\n")


def distributions(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    p = rng.dirichlet(np.full(shape[-1], 0.6), size=shape[:-1])
    flat = p.reshape(-1, shape[-1])
    for row in flat[::2]:  # ties in every other row, across the boundaries the filters draw
        row[rng.choice(shape[-1], min(3, shape[-1]), replace=False)] = row.max() if rng.random() < 0.5 else np.median(row)
        row /= row.sum()
    return flat.reshape(shape)


DYADIC = np.array([0.25, 0.5, 0.125, 0.0625, 0.0625])  # exact sums: boundaries are exact


def _filter_case(k, name, ref, arg, p, what):
    got, p_after = k.run(f"result = ({name}(probs, arg), probs)", probs=p, arg=arg)
    expect.array(got, what, shape=p.shape, kind="f")
    expect.true(got.dtype == np.float64, f"{what}: expected float64, got {got.dtype}")
    expect.close(got, ref(p, arg), what, atol=SAMPLING_ATOL, rtol=SAMPLING_RTOL)
    expect.equal(p_after, p, f"{what}: probs after the call (unchanged)")


@checks.exercise("top_k_filter")
def _(k):
    """Contract: top_k_filter(probs (..., V), k) -> a new float64 array of probs' shape: per row the k most probable ids
    (ties: the lower id) renormalised, others 0; probs unchanged; ValueError unless 1 <= k <= V."""
    for seed, shape in enumerate([(9,), (4, 7), (2, 3, 6), (1,)]):
        p = distributions(k.rng(900 + seed), shape)
        for kk in sorted({min(2, shape[-1]), 1, shape[-1] // 2 or 1, shape[-1]}):
            _filter_case(k, "top_k_filter", top_k_filter, kk, p, f"top_k_filter(probs of shape {shape}, k={kk})")
    for kk in (2, 4):
        _filter_case(k, "top_k_filter", top_k_filter, kk, DYADIC, f"top_k_filter({DYADIC.tolist()}, k={kk}) (tied ids 3, 4)")
    for bad in (0, 6):
        got = k.run(RAISES.format(call="top_k_filter(probs, bad)"), probs=DYADIC, bad=bad)
        expect.true(got == "ValueError", f"top_k_filter with k={bad} and V=5: expected a ValueError, got {got!r}")


@checks.exercise("top_p_filter")
def _(k):
    """Contract: top_p_filter(probs (..., V), p) -> a new float64 array of probs' shape: per row the ids ranked before
    which less than p is held (ties: the lower id first), renormalised, others 0; probs unchanged; ValueError unless
    0 < p <= 1."""
    for seed, shape in enumerate([(9,), (4, 7), (2, 3, 6)]):
        p = distributions(k.rng(950 + seed), shape)
        for pp in (0.05, 0.3, 0.6, 0.95, 1.0):
            _filter_case(k, "top_p_filter", top_p_filter, pp, p, f"top_p_filter(probs of shape {shape}, p={pp})")
    for pp in (0.75, 0.875, 0.9, 0.5):  # 0.75 and 0.875 are reached exactly; 0.9 needs a tied id
        _filter_case(k, "top_p_filter", top_p_filter, pp, DYADIC, f"top_p_filter({DYADIC.tolist()}, p={pp})")
    for bad in (0.0, 1.5):
        got = k.run(RAISES.format(call="top_p_filter(probs, bad)"), probs=DYADIC, bad=bad)
        expect.true(got == "ValueError", f"top_p_filter with p={bad}: expected a ValueError, got {got!r}")


DRAWS = (
    "np.random.seed(123)\n"
    "_rng = np.random.default_rng(seed)\n"
    "_a = [sample_truncated(probs, _rng, k=kk, p=pp) for _ in range(n)]\n"
    "np.random.seed(456)\n"
    "_r1 = np.random.default_rng(seed + 1)\n"
    "_b = [sample_truncated(probs, _r1, k=kk, p=pp) for _ in range(12)]\n"
    "np.random.seed(789)\n"
    "_r2 = np.random.default_rng(seed + 1)\n"
    "_c = [sample_truncated(probs, _r2, k=kk, p=pp) for _ in range(12)]\n"
    "result = (_a, _b, _c)\n"
)
N = 3_000  # draws per case: each crosses the swapped filters once per call in the in-process kernel


@checks.exercise("sample_truncated")
def _(k):
    """Contract: sample_truncated(probs (V,), rng, k=None, p=None) -> a Python int drawn with rng from top_k_filter (if k)
    and then top_p_filter of that (if p): only kept ids, at their renormalised frequencies; equal generators give equal
    draws whatever the global NumPy state. The two filters are the reference's while this runs."""
    probs = np.array([0.05, 0.4, 0.1, 0.3, 0.15])
    # (3, 0.8): top-3 first gives {1, 3} (p applied to the renormalised top-3); the other order would keep {1, 3, 4}.
    for kk, pp in [(None, None), (3, None), (None, 0.6), (3, 0.8)]:
        want = probs if kk is None else top_k_filter(probs, kk)
        want = want if pp is None else top_p_filter(want, pp)
        what = f"sample_truncated(probs={probs.tolist()}, k={kk}, p={pp})"
        with k.swap("top_k_filter", top_k_filter, cache=True), k.swap("top_p_filter", top_p_filter, cache=True):
            got = k.run(DRAWS, probs=probs, kk=kk, pp=pp, seed=11, n=N)
        expect.type(got, tuple, what)
        a, b, c = got
        expect.type(a, list, f"{what}: the draws")
        expect.true(len(a) == N, f"{what}: expected {N} draws, got {len(a)}")
        expect.true(all(type(x) is int for x in a), f"{what}: expected Python ints, got {type(a[0]).__name__}")
        draws = np.array(a)
        expect.true(bool(np.all((draws >= 0) & (draws < 5))) and bool(np.all(want[draws] > 0)),
                    f"{what}: drew ids outside the kept set {np.flatnonzero(want).tolist()}: {sorted(set(a))}")
        freq = np.bincount(draws, minlength=5) / N
        # Four standard errors of a frequency from 3,000 draws: at most 4 * sqrt(0.25 / 3000) = 0.037; the wrong
        # answers kept move a frequency by 0.1 or more.
        expect.close(freq, want, f"{what}: frequencies of {N:,} draws", atol=0.04, rtol=0)
        expect.true(b == c, f"{what}: two generators seeded alike gave {b} and {c} (is the global NumPy state used?)")
