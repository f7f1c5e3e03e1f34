"""The NumPy references of chapter 9 against PyTorch and the torch GPT."""

from __future__ import annotations

import numpy as np
import torch

from solutions import numpy_transformer as nt
from solutions.gpt import CausalSelfAttention, GPTConfig


def test_mask_is_shifted_lower_triangular():
    """Is the mask lower-triangular, shifted so that the last query sees every key, in the dtype asked for?"""
    m = nt.causal_attention_mask(2, 2, 4, dtype="int32")
    assert m.shape == (2, 2, 4) and m.dtype == np.int32
    assert m[1].tolist() == [[1, 1, 1, 0], [1, 1, 1, 1]]
    assert np.array_equal(nt.causal_attention_mask(1, 5, 5)[0], np.tril(np.ones((5, 5), bool)))


def test_positional_encoding_pairs_turn_at_decreasing_frequencies():
    """Are columns 2i, 2i+1 the sin and cos of p / 10000^(2i/d)?"""
    pe = nt.positional_encoding(30, 8)
    np.testing.assert_allclose(pe[5, 2:4], [np.sin(5 / 10000 ** 0.25), np.cos(5 / 10000 ** 0.25)])
    np.testing.assert_allclose(pe[0], np.tile([0.0, 1.0], 4))


def test_attention_equals_torch_with_and_without_a_mask():
    """Does scaled_dot_product_attention equal torch's on random inputs, masked and not?"""
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(2, 3, 6, 2))
    mask = rng.random((4, 6)) < 0.6
    mask[:, 0] = True
    for m in (None, mask):
        want = torch.nn.functional.scaled_dot_product_attention(
            *(torch.from_numpy(a) for a in (q, k, v)), attn_mask=None if m is None else torch.from_numpy(m))
        np.testing.assert_allclose(nt.scaled_dot_product_attention(q, k, v, m)[0], want.numpy(), atol=1e-12)


def test_multi_head_attention_equals_the_torch_causal_self_attention():
    """With a causal mask and no biases, does the NumPy multi-head attention equal the GPT's attention layer?"""
    rng = np.random.default_rng(1)
    B, T, D, H, dk = 2, 5, 6, 3, 4
    x = rng.normal(size=(B, T, D))
    Wq, Wk, Wv, Wo = (rng.normal(size=s) for s in [(D, H * dk)] * 3 + [(H * dk, D)])
    attn = CausalSelfAttention(GPTConfig(vocab_size=2, n_embd=D, n_head=H, head_dim=dk, bias=False)).double().eval()
    with torch.no_grad():
        for lin, w in ((attn.query, Wq), (attn.key, Wk), (attn.value, Wv), (attn.proj, Wo)):
            lin.weight.copy_(torch.from_numpy(w.T))
        y, w = attn(torch.from_numpy(x), need_weights=True)
    out, weights = nt.multi_head_attention(x, Wq, Wk, Wv, Wo, H, nt.causal_attention_mask(1, T, T)[:, None])
    np.testing.assert_allclose(out, y.numpy(), atol=1e-10)
    np.testing.assert_allclose(weights, w.numpy(), atol=1e-12)
