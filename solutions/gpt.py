"""A GPT (decoder-only transformer) as plain as nanoGPT's model file, for chapter 9.

- :class:`CausalSelfAttention`: multi-head self-attention with a causal mask on
  ``torch.nn.functional.scaled_dot_product_attention``. The query, key and value
  projections map the width ``D`` to ``heads * head_dim`` and the output projection maps
  it back, with ``head_dim`` free (default ``D // heads``), so that a Keras
  ``MultiHeadAttention(num_heads=2, key_dim=256)`` on 256-wide embeddings (kernels
  ``(D, heads, key_dim)``, output ``(heads, key_dim, D)``) fits as it is. With
  ``need_weights=True`` it also returns the attention weights, computed explicitly as
  ``softmax(Q K^T / sqrt(head_dim) + mask)``.
- :class:`Block`: pre-norm (``x + attn(ln(x))``, then ``x + mlp(ln(x))``), as nanoGPT and GPT-2;
  :class:`PostNormBlock`: the original transformer's (and the Generative Deep Learning
  notes') post-norm, ``ln(x + attn(x))`` then ``ln(x + mlp(x))``; only ``forward`` differs.
- :class:`GPT`: token and learned position embeddings, a stack of blocks, a final
  LayerNorm (pre-norm only), a linear head; ``generate()`` under ``torch.no_grad()``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class GPTConfig:
    vocab_size: int
    block_size: int = 80  # the longest context the position embedding covers
    n_layer: int = 1
    n_head: int = 2
    n_embd: int = 256  # D, the width of the residual stream
    head_dim: int | None = None  # per-head size of queries, keys and values; None: n_embd // n_head
    ff_dim: int | None = None  # hidden size of the feed-forward layer; None: 4 * n_embd
    activation: str = "gelu"  # of the feed-forward layer: "gelu" (GPT-2) or "relu" (the source's)
    dropout: float = 0.0
    bias: bool = True  # biases in the linear layers (Keras layers have them)
    post_norm: bool = False  # PostNormBlock (and no final LayerNorm) instead of Block
    ln_eps: float = 1e-5  # LayerNorm epsilon (Keras code often uses 1e-6)
    pad_id: int | None = None  # targets equal to pad_id do not count in the loss

    @property
    def head_size(self) -> int:
        return self.head_dim if self.head_dim is not None else self.n_embd // self.n_head

    @property
    def ff_size(self) -> int:
        return self.ff_dim if self.ff_dim is not None else 4 * self.n_embd


def causal_mask(t_q: int, t_k: int, device=None) -> torch.Tensor:
    """Bool (t_q, t_k), True where query i may look at key j: j <= i + t_k - t_q (the last queries are the last keys)."""
    i = torch.arange(t_q, device=device)[:, None]
    j = torch.arange(t_k, device=device)[None, :]
    return j <= i + (t_k - t_q)


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention: (B, T, D) -> (B, T, D)."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        inner = config.n_head * config.head_size
        self.n_head, self.head_dim = config.n_head, config.head_size
        self.query = nn.Linear(config.n_embd, inner, bias=config.bias)
        self.key = nn.Linear(config.n_embd, inner, bias=config.bias)
        self.value = nn.Linear(config.n_embd, inner, bias=config.bias)
        self.proj = nn.Linear(inner, config.n_embd, bias=config.bias)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.dropout = config.dropout

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        B, T, _ = x.shape
        return x.view(B, T, self.n_head, self.head_dim).transpose(1, 2)  # (B, h, T, hd)

    def forward(self, x: torch.Tensor, need_weights: bool = False):
        B, T, _ = x.shape
        q, k, v = self._heads(self.query(x)), self._heads(self.key(x)), self._heads(self.value(x))  # (B, h, T, hd)
        if need_weights:
            scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)  # (B, h, T, T)
            scores = scores.masked_fill(~causal_mask(T, T, x.device), float("-inf"))
            weights = torch.softmax(scores, dim=-1)  # (B, h, T, T)
            y = self.attn_dropout(weights) @ v  # (B, h, T, hd)
        else:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.dropout if self.training else 0.0, is_causal=True)
        y = y.transpose(1, 2).reshape(B, T, self.n_head * self.head_dim)  # (B, T, h * hd): heads side by side
        y = self.resid_dropout(self.proj(y))  # (B, T, D)
        return (y, weights) if need_weights else y


class MLP(nn.Module):
    """Position-wise feed-forward: Linear(D, ff) -> activation -> Linear(ff, D) -> dropout."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.fc = nn.Linear(config.n_embd, config.ff_size, bias=config.bias)
        self.act = nn.GELU() if config.activation == "gelu" else nn.ReLU()
        self.proj = nn.Linear(config.ff_size, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.proj(self.act(self.fc(x))))


class Block(nn.Module):
    """Pre-norm transformer block (nanoGPT, GPT-2): x + attn(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, eps=config.ln_eps)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, eps=config.ln_eps)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor, need_weights: bool = False):
        a = self.attn(self.ln_1(x), need_weights=need_weights)
        a, weights = a if need_weights else (a, None)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return (x, weights) if need_weights else x


class PostNormBlock(Block):
    """Post-norm block (Vaswani et al. 2017; the source's Keras block): ln_1(x + attn(x)), then ln_2(x + mlp(x))."""

    def forward(self, x: torch.Tensor, need_weights: bool = False):
        a = self.attn(x, need_weights=need_weights)
        a, weights = a if need_weights else (a, None)
        x = self.ln_1(x + a)
        x = self.ln_2(x + self.mlp(x))
        return (x, weights) if need_weights else x


class GPT(nn.Module):
    """ids (B, T) -> logits (B, T, V), and the mean loss over non-padding targets when targets are given."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        block = PostNormBlock if config.post_norm else Block
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList([block(config) for _ in range(config.n_layer)])
        # Post-norm blocks already end in a LayerNorm; pre-norm ones need a last one before the head.
        self.ln_f = nn.Identity() if config.post_norm else nn.LayerNorm(config.n_embd, eps=config.ln_eps)
        self.head = nn.Linear(config.n_embd, config.vocab_size)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        """GPT-2's (and nanoGPT's) initialisation: N(0, 0.02) weights, zero biases; torch's default N(0, 1)
        embeddings train markedly worse (Keras starts its embeddings at U(-0.05, 0.05))."""
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def embed(self, idx: torch.Tensor) -> torch.Tensor:
        T = idx.shape[1]
        if T > self.config.block_size:
            raise ValueError(f"sequence of length {T} is longer than the context {self.config.block_size}")
        pos = torch.arange(T, device=idx.device)
        return self.drop(self.wte(idx) + self.wpe(pos))  # (B, T, D)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        x = self.embed(idx)
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.ln_f(x))  # (B, T, V)
        if targets is None:
            return logits, None
        ignore = self.config.pad_id if self.config.pad_id is not None else -100
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=ignore)
        return logits, loss

    @torch.no_grad()
    def attention_weights(self, idx: torch.Tensor, layer: int = 0) -> torch.Tensor:
        """The attention weights (B, heads, T, T) of block ``layer`` on ``idx`` (rows: queries, summing to 1)."""
        x = self.embed(idx)
        for i, block in enumerate(self.blocks):
            if i == layer:
                return block(x, need_weights=True)[1]
            x = block(x)
        raise IndexError(f"layer {layer} out of range for {len(self.blocks)} blocks")

    @torch.no_grad()
    def generate(self, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0, top_k: int | None = None,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """Append ``max_new_tokens`` sampled ids to ``idx`` (B, T), reading at most block_size of context.
        temperature 0 is greedy. Returns (B, T + max_new_tokens) on ``idx``'s device."""
        for _ in range(max_new_tokens):
            context = idx[:, -self.config.block_size:]
            logits = self(context)[0][:, -1, :].float()  # (B, V)
            if temperature == 0:
                nxt = logits.argmax(dim=-1, keepdim=True)
            else:
                logits = logits / temperature
                if top_k is not None:
                    kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[:, -1:]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                probs = torch.softmax(logits, dim=-1)
                nxt = torch.multinomial(probs.cpu() if generator is not None else probs, 1, generator=generator)
                nxt = nxt.to(idx.device)
            idx = torch.cat([idx, nxt], dim=1)
        return idx
