"""Hidden checks of chapter 10 (the encoder-decoder transformer): masks, cross-attention, the Keras decoder block.

Expected values come from the NumPy reference (``solutions.numpy_cross_attention``), the PyTorch
reference's attention layer (``solutions.transformer_seq2seq``) and, for the Keras decoder block, that
reference's post-norm ``DecoderBlock`` holding the student's weights, all computed here, in the grader.
The block is described in the kernel as plain data (chapter 9's ``BLOCK_DESCRIBE_SOURCE``) and copied
with chapter 9's transplant helpers (:func:`decoder_blocks`: kept here, so that the chapter is its
folder and nothing else).
"""

from __future__ import annotations

from itertools import permutations

import numpy as np
import torch

from autograder.grading.checks import CheckFailed, Checks, expect
from autograder.grading.verify import SentWeights, expect_sent_weights, items
from autograder.transplants.describe import BLOCK_DESCRIBE_SOURCE
from autograder.transplants.layers import TransplantError
from autograder.transplants.transformer import (IDENTITY_PARTS, _attention_sizes, _copy_attention, _feed_forward,
                                                _fold_relu, _parts, _set)
from solutions import numpy_cross_attention as nx
from solutions import numpy_transformer as nt
from solutions.transformer_seq2seq import DecoderBlock, MultiHeadAttention, TransformerSeq2seqConfig

checks = Checks()
ATOL, RTOL = 1e-9, 1e-7  # float64 NumPy on both sides


@checks.exercise("attention_mask")
def _(k):
    """Contract: attention_mask(query_ids (B, Tq), key_ids (B, Tk), pad_id=0, causal=False) -> a bool NumPy array
    (B, Tq, Tk), True where key j is not pad_id and (if causal) j <= i; padding queries not masked; inputs unchanged."""
    rng = k.rng(1000)
    for B, Tq, Tk, pad, causal in [(2, 3, 4, 0, False), (3, 5, 5, 0, True), (1, 1, 6, 7, False), (2, 6, 6, 7, True),
                                   (4, 2, 9, 0, False)]:
        q, key = rng.integers(0, 10, size=(B, Tq)), rng.integers(0, 10, size=(B, Tk))
        key[:, 0] = (pad + 1) % 10  # every key row holds a real token
        key[0, -2:] = pad  # and padding at the end of the first
        q[-1, -1] = pad  # a padding query
        what = f"attention_mask on ({B}, {Tq}) queries, ({B}, {Tk}) keys, pad_id={pad}, causal={causal}"
        got, q_after, k_after = k.run("result = (attention_mask(q, key, pad_id=pad, causal=causal), q, key)" if pad else
                                      "result = (attention_mask(q, key, causal=causal), q, key)", q=q, key=key, pad=pad,
                                      causal=causal)
        got = expect.array(got, what, shape=(B, Tq, Tk), kind="b")
        expect.equal(got, nx.attention_mask(q, key, pad, causal), what)
        expect.equal(q_after, q, f"{what}: query ids after the call (unchanged)")
        expect.equal(k_after, key, f"{what}: key ids after the call (unchanged)")


def _torch_cross(x, memory, W, heads, mask):
    D, inner = W[0].shape
    layer = MultiHeadAttention(TransformerSeq2seqConfig(d_model=D, n_heads=heads, key_dim=inner // heads, dropout=0.0)).double()
    with torch.no_grad():
        for lin, w in zip((layer.query, layer.key, layer.value, layer.proj), W, strict=True):
            lin.weight.copy_(torch.from_numpy(w.T))
            lin.bias.zero_()
        out, weights = layer(torch.from_numpy(x), torch.from_numpy(memory), None if mask is None else torch.from_numpy(mask))
    return out.numpy(), weights.numpy()


@checks.exercise("cross_attention")
def _(k):
    """Contract: cross_attention(x (B, T, D), memory (B, S, D), Wq, Wk, Wv (D, h * dk), Wo (h * dk, D), h, mask) ->
    (output (B, T, D), weights (B, h, T, S)): queries from x, keys and values from memory, head h on its own columns,
    merged side by side and through Wo; equal to the NumPy reference and to the torch layer; inputs unchanged.
    Chapter 9's scaled_dot_product_attention is the reference's while this runs."""
    rng = k.rng(1100)
    for B, T, S, D, H, dk in [(2, 3, 5, 6, 2, 4), (1, 1, 1, 4, 1, 3), (3, 4, 7, 8, 4, 2)]:
        x, memory = rng.normal(size=(B, T, D)), rng.normal(size=(B, S, D))
        W = [rng.normal(size=s) for s in [(D, H * dk)] * 3 + [(H * dk, D)]]
        ids = rng.integers(1, 9, size=(B, S))
        ids[0, S // 2 + 1:] = 0
        for mask in (None, nx.attention_mask(np.zeros((B, T)), ids)[:, None]):
            what = f"cross_attention with B, T, S, D, h, dk = {(B, T, S, D, H, dk)}, mask {'None' if mask is None else 'of padding'}"
            with k.swap("scaled_dot_product_attention", nt.scaled_dot_product_attention):
                got = k.run("result = (cross_attention(x, memory, *W, num_heads, mask), x, memory)", x=x, memory=memory, W=W,
                            num_heads=H, mask=mask)
            expect.type(got, tuple, what)
            pair, x_after, m_after = got
            expect.true(isinstance(pair, tuple) and len(pair) == 2, f"{what}: expected a pair (output, weights), got {pair!r:.80}")
            out, weights = pair
            want, want_w = nx.cross_attention(x, memory, *W, num_heads=H, mask=mask)
            expect.array(out, f"{what}: the output", shape=(B, T, D), kind="f")
            expect.array(weights, f"{what}: the weights", shape=(B, H, T, S), kind="f")
            expect.close(out, want, f"{what}: the output", atol=ATOL, rtol=RTOL)
            expect.close(weights, want_w, f"{what}: the weights", atol=ATOL, rtol=RTOL)
            t_out, t_w = _torch_cross(x, memory, W, H, mask)
            expect.close(out, t_out, f"{what}: the output against the torch layer", atol=ATOL, rtol=RTOL)
            expect.equal(x_after, x, f"{what}: x after the call (unchanged)")
            expect.equal(m_after, memory, f"{what}: memory after the call (unchanged)")


def decoder_blocks(parts: list[dict]):
    """The torch reference's DecoderBlock holding a described Keras decoder block, once per assignment of its two
    attention layers (self, cross) and its three LayerNorms (weights alone cannot tell them apart)."""
    parts = _fold_relu(parts)
    extra = [p for p in parts if p["class"] not in {"MultiHeadAttention", "LayerNormalization", "Dense"} | IDENTITY_PARTS]
    if extra:
        raise TransplantError("expected a block made of MultiHeadAttention, LayerNormalization, Dense and Dropout layers; "
                              f"got also {', '.join(p['class'] for p in extra)}")
    mhas = _parts(parts, "MultiHeadAttention", 2, "the self-attention and the cross-attention")
    D, heads, key_dim = _attention_sizes(mhas[0])
    if _attention_sizes(mhas[1]) != (D, heads, key_dim):
        raise TransplantError("expected both attention layers of the same sizes (num_heads, key_dim, output_shape)")
    lns = _parts(parts, "LayerNormalization", 3, "after the self-attention, the cross-attention and the feed-forward layer")
    for ln in lns:
        if len(ln["weights"]) != 2 or np.shape(ln["weights"][0]) != (D,):
            raise TransplantError(f"{ln['name']}: expected a LayerNormalization over the last axis of size {D}")
    fc, proj = _feed_forward(parts, D)
    ff = int(np.shape(fc["weights"][0])[1])
    blocks = []
    for self_mha, cross_mha in permutations(mhas):
        for order in permutations(lns):
            config = TransformerSeq2seqConfig(d_model=D, n_heads=heads, key_dim=key_dim, ff_dim=ff, dropout=0.0)
            block = DecoderBlock(config)
            _copy_attention(self_mha, block.self_attn)
            _copy_attention(cross_mha, block.cross_attn)
            for ln, torch_ln in zip(order, (block.ln_1, block.ln_2, block.ln_3), strict=True):
                _set(torch_ln.weight, ln["weights"][0], f"{ln['name']} gamma")
                _set(torch_ln.bias, ln["weights"][1], f"{ln['name']} beta")
                torch_ln.eps = float(ln["config"].get("epsilon", 1e-3))
            for dense, linear in ((fc, block.ffn[0]), (proj, block.ffn[2])):
                _set(linear.weight, np.asarray(dense["weights"][0]).T, f"{dense['name']} kernel")
                _set(linear.bias, dense["weights"][1], f"{dense['name']} bias")
            blocks.append(block.double().eval())
    return blocks, (heads, key_dim, ff)


def block_outputs(block, x, memory, memory_mask):
    T = x.shape[1]
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    cross = None if memory_mask is None else torch.from_numpy(memory_mask)[:, None, None, :]
    with torch.no_grad():
        y, _, w = block(torch.as_tensor(x, dtype=torch.float64), torch.as_tensor(memory, dtype=torch.float64), causal, cross,
                        need_weights=True)
    return y.numpy(), w.numpy()


BLOCK = BLOCK_DESCRIBE_SOURCE + (
    "keras.utils.set_random_seed(seed)\n"
    "_block = DecoderBlock(num_heads, key_dim, embed_dim, ff_dim, dropout_rate=rate)\n"
    "_block(x, memory, memory_mask=memory_mask, training=False)\n"
    "_block.set_weights(_seqgen_weights([[list(np.shape(w)), str(w.path)] for w in _block.weights]))\n"
    "_y, _w = _block(x, memory, memory_mask=memory_mask, training=False)\n"
    "result = (_seqgen_describe_block(_block), np.asarray(keras.ops.convert_to_numpy(_y)),\n"
    "          np.asarray(keras.ops.convert_to_numpy(_w)))\n"
)
# Keras in float32 against the reference in float64: LayerNorm outputs agree to ~1e-6; a wrong part moves them by 1e-2.
BLOCK_ATOL, BLOCK_RTOL = 1e-4, 1e-4


@checks.exercise("DecoderBlock")
def _(k):
    """Contract: DecoderBlock(num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1) is a Keras layer of two
    MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim), three LayerNormalization, Dense(ff_dim, relu),
    Dense(embed_dim) and three Dropout(dropout_rate); block(x (B, T, D), memory (B, S, D), memory_mask, training=False)
    returns (y (B, T, D), cross-attention weights (B, num_heads, T, S)) equal to the torch reference's post-norm
    DecoderBlock holding its weights: causal self-attention, cross-attention with padding keys masked, feed-forward."""
    rng = k.rng(1200)
    for seed, (h, kd, D, ff, T, S, rate, masked) in enumerate([(2, 3, 8, 12, 5, 7, 0.1, True), (3, 2, 6, 5, 1, 4, 0.3, False),
                                                               (2, 4, 8, 16, 6, 3, 0.0, True)]):
        x, memory = rng.normal(size=(2, T, D)).astype(np.float32), rng.normal(size=(2, S, D)).astype(np.float32)
        memory_mask = np.ones((2, S), dtype=bool) if masked else None
        if masked:
            memory_mask[1, S // 2 + 1:] = False
        what = f"DecoderBlock({h}, {kd}, {D}, {ff}, dropout_rate={rate}) on T={T}, S={S}" + (" with a source mask" if masked else "")
        # The weights are drawn here and sent; the description must hold exactly them (a model that describes
        # itself as the block, with weights of its own, fails: issue 19).
        sent = SentWeights(k.rng(1260 + seed), scale=0.5, shift=lambda name: 1.0 if "gamma" in name else 0.0)
        with k.swap("_seqgen_weights", sent):
            parts, y, w = items(k.run(BLOCK, num_heads=h, key_dim=kd, embed_dim=D, ff_dim=ff, rate=rate, seed=seed, x=x,
                                      memory=memory, memory_mask=memory_mask), 3, f"{what}: the result")
        expect_sent_weights(parts, sent.sent, what)
        y = expect.array(y, f"{what}: the output", shape=(2, T, D), kind="f")
        w = expect.array(w, f"{what}: the cross-attention weights", shape=(2, h, T, S), kind="f")
        expect.type(parts, list, f"{what}: the block's parts")
        dropouts = [p for p in parts if p["class"] == "Dropout"]
        expect.true(len(dropouts) == 3 and all(abs(p["config"].get("rate", -1) - rate) < 1e-9 for p in dropouts),
                    f"{what}: expected three Dropout({rate}) layers, got rates {[p['config'].get('rate') for p in dropouts]}")
        try:
            blocks, sizes = decoder_blocks(parts)
        except TransplantError as exc:
            raise CheckFailed(f"{what}: {exc}") from None
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, StopIteration) as exc:
            raise CheckFailed(f"{what}: the block could not be read as the decoder block described ({exc!r})") from None
        expect.equal(sizes, (h, kd, ff), f"{what}: (heads, key_dim, ff_dim) of its layers")
        results = [block_outputs(b, x, memory, memory_mask) for b in blocks]
        best = min(results, key=lambda r: float(np.abs(r[0] - y).max()))
        expect.close(w, best[1], f"{what}: the cross-attention weights against the PyTorch reference", atol=BLOCK_ATOL,
                     rtol=BLOCK_RTOL)
        expect.close(y, best[0], f"{what}: the output against the PyTorch post-norm decoder block", atol=BLOCK_ATOL,
                     rtol=BLOCK_RTOL)
