"""NumPy masks and cross-attention of the encoder-decoder transformer, against the torch reference's layer."""

from __future__ import annotations

import numpy as np
import torch

from solutions.numpy_cross_attention import attention_mask, cross_attention
from solutions.transformer_seq2seq import MultiHeadAttention, TransformerSeq2seqConfig

PAD = 0


def test_attention_mask_by_hand():
    """Are padding keys masked for every query, and later keys too when causal, but padding queries not?"""
    q = np.array([[5, 6, 0]])
    k = np.array([[7, 0, 8, 0]])
    np.testing.assert_array_equal(attention_mask(q, k, PAD)[0], [[1, 0, 1, 0]] * 3)
    np.testing.assert_array_equal(attention_mask(k, k, PAD, causal=True)[0],
                                  [[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 0]])
    assert attention_mask(q, k).dtype == bool


def test_numpy_cross_attention_matches_the_torch_layer():
    """Does the NumPy cross-attention equal the reference's MultiHeadAttention (biases zero) with a padding mask?"""
    rng = np.random.default_rng(0)
    config = TransformerSeq2seqConfig(d_model=8, n_heads=2, dropout=0.0)
    layer = MultiHeadAttention(config).double().eval()
    x, memory = rng.normal(size=(3, 4, 8)), rng.normal(size=(3, 6, 8))
    ids = rng.integers(1, 9, size=(3, 6))
    ids[0, 4:] = PAD
    ids[2, 1:] = PAD
    mask = attention_mask(np.zeros((3, 4)), ids, PAD)[:, None]  # (B, 1, T, S)
    with torch.no_grad():
        for lin in (layer.query, layer.key, layer.value, layer.proj):
            lin.bias.zero_()
        want, want_w = layer(torch.from_numpy(x), torch.from_numpy(memory), torch.from_numpy(mask))
    W = [lin.weight.detach().numpy().T for lin in (layer.query, layer.key, layer.value, layer.proj)]
    got, w = cross_attention(x, memory, *W, num_heads=2, mask=mask)
    np.testing.assert_allclose(got, want.numpy(), atol=1e-12)
    np.testing.assert_allclose(w, want_w.numpy(), atol=1e-12)
    assert (w[0, :, :, 4:] == 0).all() and (w[2, :, :, 1:] == 0).all()
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)
