"""Character-level seq2seq for translation (chapter 5): the Keras tutorial's model.

Encoder: Embedding -> LSTM, whose final (h, c) initialise the decoder: Embedding ->
LSTM -> Linear. Unlike ``solutions.seq2seq`` (the addition task, after *Deep
Learning from Scratch 2*) the decoder starts from both h and c, as Keras's
``initial_state=[h, c]``. ``CharGRUSeq2seq`` swaps both recurrent cells for GRUs
(a single state).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass
class CharSeq2seqConfig:
    src_vocab: int
    tgt_vocab: int
    embed_dim: int = 64
    latent_dim: int = 256


class CharSeq2seq(nn.Module):
    cell = nn.LSTM

    def __init__(self, config: CharSeq2seqConfig):
        super().__init__()
        self.config = config
        self.src_embedding = nn.Embedding(config.src_vocab, config.embed_dim)
        self.tgt_embedding = nn.Embedding(config.tgt_vocab, config.embed_dim)
        self.encoder = self.cell(config.embed_dim, config.latent_dim, batch_first=True)
        self.decoder = self.cell(config.embed_dim, config.latent_dim, batch_first=True)
        self.head = nn.Linear(config.latent_dim, config.tgt_vocab)

    def encode(self, src: torch.Tensor):
        """src (B, S) -> the encoder's final state (LSTM: (h, c), each (1, B, H); GRU: h)."""
        _, state = self.encoder(self.src_embedding(src))
        return state

    def decode(self, tgt_in: torch.Tensor, state):
        out, state = self.decoder(self.tgt_embedding(tgt_in), state)  # (B, T, H)
        return self.head(out), state  # (B, T, V)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        logits, _ = self.decode(tgt_in, self.encode(src))
        return logits

    @torch.no_grad()
    def generate(self, src: torch.Tensor, start_id: int, stop_id: int, max_len: int) -> list[list[int]]:
        """Greedy decoding, one step at a time, until ``stop_id`` or ``max_len`` (stop id not included)."""
        state = self.encode(src)
        ids = torch.full((src.shape[0], 1), start_id, dtype=torch.long, device=src.device)
        out = [[] for _ in range(src.shape[0])]
        done = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
        for _ in range(max_len):
            logits, state = self.decode(ids, state)
            ids = logits[:, -1:].argmax(-1)  # (B, 1)
            done_now = ids[:, 0] == stop_id
            for b in (~done & ~done_now).nonzero()[:, 0].tolist():
                out[b].append(int(ids[b, 0]))
            done |= done_now
            if bool(done.all()):
                break
        return out


class CharGRUSeq2seq(CharSeq2seq):
    cell = nn.GRU
