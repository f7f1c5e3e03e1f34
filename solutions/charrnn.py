"""Char-RNN: Embedding -> stacked GRU (or LSTM) -> Linear over characters (chapters 3-4)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from .fused_gru import FusedGRU
from .sampling import extend_by_sampling


@dataclass
class CharRNNConfig:
    vocab_size: int
    embed_dim: int = 16
    hidden: int = 128
    num_layers: int = 2
    dropout: float = 0.0  # between stacked layers
    cell: str = "gru"  # "gru", "lstm" or "fused_gru" (the same GRU, its CPU time loop scripted: solutions.fused_gru)


class CharRNN(nn.Module):
    """Predicts the next character at every position. The GRU version; see :class:`CharLSTM`."""

    rnn_class = nn.GRU

    def __init__(self, config: CharRNNConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim)
        self.rnn = self.rnn_class(config.embed_dim, config.hidden, num_layers=config.num_layers,
                                  dropout=config.dropout if config.num_layers > 1 else 0.0, batch_first=True)
        self.head = nn.Linear(config.hidden, config.vocab_size)

    def forward(self, idx: torch.Tensor, state=None):
        """idx (B, T) int -> logits (B, T, V), and the recurrent state to carry on with."""
        x = self.embedding(idx)  # (B, T, E)
        out, state = self.rnn(x, state)  # (B, T, H)
        return self.head(out), state  # (B, T, V)

    @torch.no_grad()
    def generate(self, prompt: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 stop_id: int | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
        """Extend ``prompt`` (B, T) by sampling (temperature 0: greedy), one token at a time."""
        return extend_by_sampling(self, prompt, max_new_tokens, temperature, stop_id, generator)


class CharLSTM(CharRNN):
    """The same model with LSTM cells."""

    rnn_class = nn.LSTM


class CharFusedGRU(CharRNN):
    """The same model and parameters with :class:`solutions.fused_gru.FusedGRU`: faster steps of small batches on a CPU."""

    rnn_class = FusedGRU


def build_charrnn(config: CharRNNConfig) -> CharRNN:
    cells = {"gru": CharRNN, "lstm": CharLSTM, "fused_gru": CharFusedGRU}
    if config.cell not in cells:
        raise ValueError(f"cell must be one of {sorted(cells)}, got {config.cell!r}")
    return cells[config.cell](config)


def keras_init(model: CharRNN) -> CharRNN:
    """Keras's initial weights, in place: Glorot-uniform input and output kernels, orthogonal recurrent
    kernels, zero biases, embeddings uniform in [-0.05, 0.05] (PyTorch's defaults differ for every layer)."""
    for name, p in model.named_parameters():
        if name.startswith("embedding"):
            nn.init.uniform_(p, -0.05, 0.05)
        elif "bias" in name:
            nn.init.zeros_(p)
        elif "weight_hh" in name:
            nn.init.orthogonal_(p)  # (3H, H) with orthonormal columns: Keras's (H, 3H) kernel, transposed
        else:
            nn.init.xavier_uniform_(p)
    return model


def detach_state(state):
    """Cut the graph behind a carried state (truncated backpropagation through time)."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()
