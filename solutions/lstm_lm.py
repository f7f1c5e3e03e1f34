"""Word-level LSTM language model: Embedding -> LSTM -> Linear (chapter 1)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from .sampling import extend_by_sampling


@dataclass
class LSTMLMConfig:
    vocab_size: int = 10000
    embed_dim: int = 100
    hidden: int = 128
    num_layers: int = 1


class LSTMLanguageModel(nn.Module):
    """Predicts the next token at every position; id 0 is padding."""

    def __init__(self, config: LSTMLMConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim)
        self.lstm = nn.LSTM(config.embed_dim, config.hidden, num_layers=config.num_layers, batch_first=True)
        self.head = nn.Linear(config.hidden, config.vocab_size)

    def forward(self, idx: torch.Tensor, state=None):
        """idx (B, T) int -> logits (B, T, V), and the LSTM state (h, c)."""
        x = self.embedding(idx)  # (B, T, E)
        out, state = self.lstm(x, state)  # (B, T, H)
        return self.head(out), state  # (B, T, V)

    @torch.no_grad()
    def generate(self, prompt: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 stop_id: int | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
        """Extend ``prompt`` (B, T) by sampling; feeds one token at a time after the prompt."""
        return extend_by_sampling(self, prompt, max_new_tokens, temperature, stop_id, generator)
