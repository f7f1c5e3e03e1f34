"""The PyTorch GPT of chapter 9: causal attention, pre- and post-norm blocks, generation."""

from __future__ import annotations

import math

import pytest
import torch

from solutions.gpt import GPT, Block, CausalSelfAttention, GPTConfig, PostNormBlock, causal_mask

CONFIG = GPTConfig(vocab_size=13, block_size=8, n_layer=2, n_head=2, n_embd=12, ff_dim=20)


def model(**changes) -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(**{**CONFIG.__dict__, **changes})).eval()


@pytest.mark.parametrize("post_norm", [False, True])
def test_output_at_t_does_not_depend_on_later_tokens(post_norm):
    """Does the logit at position t stay the same when the tokens after t change, and move when an earlier one does?"""
    m = model(post_norm=post_norm)
    idx = torch.randint(0, 13, (3, 8), generator=torch.Generator().manual_seed(1))
    logits = m(idx)[0]
    later = idx.clone()
    later[:, 5:] = (later[:, 5:] + 1) % 13
    torch.testing.assert_close(m(later)[0][:, :5], logits[:, :5])
    earlier = idx.clone()
    earlier[:, 2] = (earlier[:, 2] + 1) % 13
    assert (m(earlier)[0][:, 2:] - logits[:, 2:]).abs().max() > 1e-4


def test_head_dim_is_free_of_the_width():
    """Can heads * head_dim differ from D, as Keras's MultiHeadAttention(num_heads=2, key_dim=256) on D = 256 needs?"""
    attn = CausalSelfAttention(GPTConfig(vocab_size=5, n_embd=6, n_head=2, head_dim=5))
    assert attn.query.weight.shape == (10, 6) and attn.proj.weight.shape == (6, 10)
    assert attn(torch.randn(2, 4, 6)).shape == (2, 4, 6)
    assert CausalSelfAttention(GPTConfig(vocab_size=5, n_embd=6, n_head=3)).head_dim == 2


def test_need_weights_path_equals_scaled_dot_product_attention():
    """Does the explicit softmax(QK^T/sqrt(d) + mask) path give SDPA's output, weights that are causal and sum to 1?"""
    torch.manual_seed(2)
    attn = CausalSelfAttention(GPTConfig(vocab_size=5, n_embd=8, n_head=2, head_dim=3)).double().eval()
    x = torch.randn(2, 6, 8, dtype=torch.float64)
    y, w = attn(x, need_weights=True)
    torch.testing.assert_close(y, attn(x))
    assert w.shape == (2, 2, 6, 6)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 2, 6, dtype=torch.float64))
    assert torch.all(w.triu(1) == 0)
    q = attn.query(x).view(2, 6, 2, 3).transpose(1, 2)
    k = attn.key(x).view(2, 6, 2, 3).transpose(1, 2)
    s = q[0, 1, 4] @ k[0, 1, :5].T / math.sqrt(3)
    torch.testing.assert_close(w[0, 1, 4, :5], torch.softmax(s, -1))


def test_causal_mask_aligns_the_last_query_with_the_last_key():
    """Is the mask lower-triangular when square and shifted right when there are more keys than queries?"""
    assert causal_mask(3, 3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    assert causal_mask(2, 4).tolist() == [[True, True, True, False], [True, True, True, True]]


def test_post_norm_block_differs_from_block_only_by_norm_placement():
    """Do the two blocks hold the same parameters, and does the post-norm one compute ln(x + f(x)) twice?"""
    config = GPTConfig(vocab_size=5, n_embd=8, n_head=2, ff_dim=6, activation="relu")
    torch.manual_seed(3)
    pre = Block(config).eval()
    post = PostNormBlock(config).eval()
    post.load_state_dict(pre.state_dict())
    assert type(post).__mro__[1] is Block
    x = torch.randn(2, 5, 8)
    out1 = pre.ln_1(x + pre.attn(x))
    torch.testing.assert_close(post(x), pre.ln_2(out1 + pre.mlp(out1)))
    h = x + pre.attn(pre.ln_1(x))
    torch.testing.assert_close(pre(x), h + pre.mlp(pre.ln_2(h)))
    assert (pre(x) - post(x)).abs().max() > 1e-3
    assert isinstance(model(post_norm=True).ln_f, torch.nn.Identity)


def test_loss_ignores_padding_targets():
    """With pad_id set, is the loss the mean over the non-padding targets only?"""
    m = model(pad_id=0)
    idx = torch.randint(1, 13, (2, 8), generator=torch.Generator().manual_seed(4))
    targets = idx.roll(-1, 1)
    targets[:, 5:] = 0
    logits, loss = m(idx, targets)
    logp = torch.log_softmax(logits, -1)
    keep = targets != 0
    want = -logp.gather(-1, targets[..., None])[..., 0][keep].mean()
    torch.testing.assert_close(loss, want)
    assert abs(model()(idx, targets)[1].item() - loss.item()) > 1e-4


def test_generate_stays_under_no_grad_and_respects_the_context():
    """Does generate() build no graph, append max_new_tokens ids on the input's device, and read only block_size tokens?"""
    m = model()
    prompt = torch.randint(0, 13, (2, 3))
    with torch.enable_grad():
        out = m.generate(prompt, 12, generator=torch.Generator().manual_seed(0))
    assert out.shape == (2, 15) and not out.requires_grad and out.device == prompt.device
    assert torch.equal(out[:, :3], prompt)
    # Greedy continuation of a prompt longer than the context equals that of its last block_size tokens.
    long = torch.randint(0, 13, (2, 11))
    torch.testing.assert_close(m.generate(long, 4, temperature=0)[:, 11:], m.generate(long[:, -8:], 4, temperature=0)[:, 8:])
    with pytest.raises(ValueError):
        m(long)


def test_attention_weights_of_a_block_are_a_causal_distribution():
    """Does attention_weights(idx, layer) give (B, heads, T, T) rows summing to 1 with nothing above the diagonal?"""
    m = model()
    w = m.attention_weights(torch.randint(0, 13, (2, 6)), layer=1)
    assert w.shape == (2, 2, 6, 6)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 2, 6))
    assert torch.all(w.triu(1) == 0)
    with pytest.raises(IndexError):
        m.attention_weights(torch.zeros(1, 2, dtype=torch.long), layer=2)
