"""Word-level LSTM language model: Embedding -> LSTM -> Linear (chapter 1).

The stack is the Char-RNN's (``solutions/charrnn.py``) with LSTM cells over a word
vocabulary; only its configuration (one layer, no dropout by default) is its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from .charrnn import CharLSTM, CharRNNConfig


@dataclass
class LSTMLMConfig:
    vocab_size: int = 10000
    embed_dim: int = 100
    hidden: int = 128
    num_layers: int = 1


class LSTMLanguageModel(CharLSTM):
    """Predicts the next token at every position; id 0 is padding. ``forward`` and ``generate`` as CharRNN's."""

    def __init__(self, config: LSTMLMConfig):
        super().__init__(CharRNNConfig(vocab_size=config.vocab_size, embed_dim=config.embed_dim, hidden=config.hidden,
                                       num_layers=config.num_layers, cell="lstm"))
        self.config = config
