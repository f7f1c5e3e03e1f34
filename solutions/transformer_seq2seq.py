"""An encoder-decoder transformer (Vaswani et al., 2017; Hands-On ML 16.4.2), for chapter 7's dates.

- one token embedding shared by both sides (as the notes' Keras code) plus the sinusoidal position
  encoding (chapter 9's ``positional_encoding``);
- :class:`EncoderBlock`: self-attention without a causal mask (padding keys masked), then a
  feed-forward layer; :class:`DecoderBlock`: causal self-attention, *cross-attention* whose queries
  are the decoder's and whose keys and values are the encoder's output, then a feed-forward layer;
- **post-norm** (``LN(x + sublayer(x))``), as the original transformer, the notes and chapter 9's
  Keras block: one block each side trains well without a learning-rate warm-up at this depth;
- :meth:`TransformerSeq2seq.generate`: greedy decoding under ``torch.no_grad()``, re-reading the
  prefix at every step (answers are 10 characters: a key-value cache would save nothing visible).

Padding: with ``pad_id`` set, padding keys are masked in every attention and padding targets do not
count in the loss; the chapter's dates need none (every line has the same length; the spaces are
tokens), but the masks are tested: a padded sequence gives the outputs of the unpadded one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .numpy_transformer import positional_encoding


@dataclass
class TransformerSeq2seqConfig:
    vocab_size: int = 59
    max_len: int = 64  # longest source or target the position encoding covers
    d_model: int = 64
    n_heads: int = 4
    key_dim: int | None = None  # per-head size of queries, keys and values; None: d_model // n_heads
    ff_dim: int = 128
    n_layers: int = 1  # blocks on each side
    dropout: float = 0.1
    pad_id: int | None = None  # ids equal to pad_id are masked as keys and left out of the loss
    ln_eps: float = 1e-6

    @property
    def head_dim(self) -> int:
        return self.key_dim if self.key_dim is not None else self.d_model // self.n_heads


class MultiHeadAttention(nn.Module):
    """Queries from x (B, T, D), keys and values from memory (B, S, D); mask bool (B, 1, T, S) or (T, S)."""

    def __init__(self, config: TransformerSeq2seqConfig):
        super().__init__()
        D, self.h, self.dk = config.d_model, config.n_heads, config.head_dim
        self.query, self.key, self.value = (nn.Linear(D, self.h * self.dk) for _ in range(3))
        self.proj = nn.Linear(self.h * self.dk, D)
        self.dropout = nn.Dropout(config.dropout)

    def _heads(self, a: torch.Tensor) -> torch.Tensor:
        B, n, _ = a.shape
        return a.view(B, n, self.h, self.dk).transpose(1, 2)  # (B, h, n, dk)

    def forward(self, x: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor | None = None):
        q, k, v = self._heads(self.query(x)), self._heads(self.key(memory)), self._heads(self.value(memory))
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.dk)  # (B, h, T, S)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        y = (self.dropout(weights) @ v).transpose(1, 2).reshape(x.shape[0], x.shape[1], -1)  # (B, T, h * dk)
        return self.proj(y), weights  # (B, T, D), (B, h, T, S)


class FeedForward(nn.Sequential):
    def __init__(self, config: TransformerSeq2seqConfig):
        super().__init__(nn.Linear(config.d_model, config.ff_dim), nn.ReLU(), nn.Linear(config.ff_dim, config.d_model))


class EncoderBlock(nn.Module):
    """h = LN_1(x + Drop(SelfAttn(x))), y = LN_2(h + Drop(FFN(h)))."""

    def __init__(self, config: TransformerSeq2seqConfig):
        super().__init__()
        self.attn, self.ffn = MultiHeadAttention(config), FeedForward(config)
        self.ln_1, self.ln_2 = (nn.LayerNorm(config.d_model, eps=config.ln_eps) for _ in range(2))
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        x = self.ln_1(x + self.drop(self.attn(x, x, mask)[0]))
        return self.ln_2(x + self.drop(self.ffn(x)))


class DecoderBlock(nn.Module):
    """h = LN_1(y + SelfAttn(y, causal)), g = LN_2(h + CrossAttn(h, memory)), out = LN_3(g + FFN(g))."""

    def __init__(self, config: TransformerSeq2seqConfig):
        super().__init__()
        self.self_attn, self.cross_attn, self.ffn = MultiHeadAttention(config), MultiHeadAttention(config), FeedForward(config)
        self.ln_1, self.ln_2, self.ln_3 = (nn.LayerNorm(config.d_model, eps=config.ln_eps) for _ in range(3))
        self.drop = nn.Dropout(config.dropout)

    def forward(self, y, memory, self_mask=None, cross_mask=None, need_weights: bool = False):
        a, self_w = self.self_attn(y, y, self_mask)
        y = self.ln_1(y + self.drop(a))
        a, cross_w = self.cross_attn(y, memory, cross_mask)
        y = self.ln_2(y + self.drop(a))
        y = self.ln_3(y + self.drop(self.ffn(y)))
        return (y, self_w, cross_w) if need_weights else y


class TransformerSeq2seq(nn.Module):
    """src (B, S), decoder input tgt_in (B, T) -> logits (B, T, V) (teacher forcing)."""

    def __init__(self, config: TransformerSeq2seqConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.d_model)
        self.register_buffer("pe", torch.from_numpy(positional_encoding(config.max_len, config.d_model)).float(),
                             persistent=False)
        self.encoder = nn.ModuleList(EncoderBlock(config) for _ in range(config.n_layers))
        self.decoder = nn.ModuleList(DecoderBlock(config) for _ in range(config.n_layers))
        self.head = nn.Linear(config.d_model, config.vocab_size)
        self.drop = nn.Dropout(config.dropout)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        return self.drop(self.embedding(ids) + self.pe[: ids.shape[1]].to(self.embedding.weight.dtype))  # (B, n, D)

    def key_mask(self, ids: torch.Tensor) -> torch.Tensor | None:
        """(B, 1, 1, n): True at real keys; None without a pad id."""
        return None if self.config.pad_id is None else (ids != self.config.pad_id)[:, None, None, :]

    def encode(self, src: torch.Tensor) -> torch.Tensor:
        x, mask = self.embed(src), self.key_mask(src)
        for block in self.encoder:
            x = block(x, mask)
        return x  # (B, S, D)

    def decode(self, tgt_in: torch.Tensor, memory: torch.Tensor, src: torch.Tensor, need_weights: bool = False):
        T = tgt_in.shape[1]
        causal = torch.ones(T, T, dtype=torch.bool, device=tgt_in.device).tril()  # (T, T)
        pad = self.key_mask(tgt_in)
        self_mask = causal if pad is None else causal & pad
        y, weights = self.embed(tgt_in), []
        for block in self.decoder:
            out = block(y, memory, self_mask, self.key_mask(src), need_weights=need_weights)
            y = out[0] if need_weights else out
            weights.append(out[2] if need_weights else None)
        logits = self.head(y)  # (B, T, V)
        return (logits, weights) if need_weights else logits

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        return self.decode(tgt_in, self.encode(src), src)

    def loss(self, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        """Teacher forcing on tgt (B, T + 1): read tgt[:, :-1], predict tgt[:, 1:]; padding targets left out."""
        logits = self(src, tgt[:, :-1])
        ignore = -100 if self.config.pad_id is None else self.config.pad_id
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1), ignore_index=ignore)

    @torch.no_grad()
    def cross_attention_weights(self, src: torch.Tensor, tgt_in: torch.Tensor) -> np.ndarray:
        """The last decoder block's cross-attention weights (B, h, T, S), to draw like chapter 7's heat maps."""
        return self.decode(tgt_in, self.encode(src), src, need_weights=True)[1][-1].cpu().numpy()

    @torch.no_grad()
    def generate(self, src: torch.Tensor, start_id: int, length: int) -> torch.Tensor:
        """Greedy decoding: (B, length) ids; each step re-reads the prefix and appends its argmax."""
        memory = self.encode(src)
        ids = torch.full((src.shape[0], 1), start_id, dtype=torch.long, device=src.device)
        for _ in range(length):
            nxt = self.decode(ids, memory, src)[:, -1].argmax(-1, keepdim=True)  # (B, 1)
            ids = torch.cat([ids, nxt], dim=1)
        return ids[:, 1:]
