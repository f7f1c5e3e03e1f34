"""Character-level text preparation (chapters 2-4): a char tokenizer with ``<eos>``,
padding with a mask, the input/target shift, and the two ways of cutting one long
text into training rows: overlapping windows (stateless) and consecutive streams
(stateful, row i of batch t+1 continues row i of batch t).
"""

from __future__ import annotations

import numpy as np

PAD, EOS = "", "<eos>"


class CharTokenizer:
    """Id 0 is padding, id 1 is ``<eos>``, the text's distinct characters follow in sorted order.

    Stands in for ``keras.preprocessing.text.Tokenizer(char_level=True)``, which Keras 3 removed.
    """

    def __init__(self):
        self.vocab: list[str] = [PAD, EOS]
        self.index: dict[str, int] = {}

    def fit(self, texts) -> "CharTokenizer":
        if isinstance(texts, str):
            texts = [texts]
        chars = sorted(set().union(*map(set, texts)))
        self.vocab = [PAD, EOS] + chars
        self.index = {c: i for i, c in enumerate(self.vocab) if i >= 2}
        return self

    def __len__(self) -> int:
        return len(self.vocab)

    def encode(self, text: str, add_eos: bool = False) -> np.ndarray:
        """(len(text) [+1],) int64 ids; raises KeyError on a character not seen by fit."""
        ids = [self.index[c] for c in text] + ([1] if add_eos else [])
        return np.array(ids, dtype=np.int64)

    def decode(self, ids) -> str:
        """Characters up to the first ``<eos>``; padding is skipped."""
        out = []
        for i in np.asarray(ids).reshape(-1).tolist():
            if i == 1:
                break
            if i != 0:
                out.append(self.vocab[i])
        return "".join(out)


def shift_inputs_targets(rows):
    """rows (N, T+1) -> inputs (N, T) and targets (N, T): the target is the next token."""
    rows = np.asarray(rows)
    return rows[:, :-1], rows[:, 1:]


def pad_batch(sequences, max_len: int | None = None, pad_id: int = 0):
    """Right-pad (and truncate to ``max_len``) -> ids (B, L) int64 and mask (B, L) bool (True = real)."""
    lengths = [min(len(s), max_len) if max_len is not None else len(s) for s in sequences]
    L = max_len if max_len is not None else max(lengths, default=0)
    ids = np.full((len(sequences), L), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), L), dtype=bool)
    for row, (seq, n) in enumerate(zip(sequences, lengths)):
        ids[row, :n] = np.asarray(seq[:n], dtype=np.int64)
        mask[row, :n] = True
    return ids, mask


def time_split(ids, train_fraction: float = 0.9):
    """The first ``train_fraction`` of a long sequence for training, the rest for validation (no shuffling)."""
    n = int(len(ids) * train_fraction)
    return ids[:n], ids[n:]


def window_starts(length: int, n_steps: int, shift: int) -> np.ndarray:
    """Start of every full window of n_steps + 1 tokens in a sequence of ``length``."""
    return np.arange(0, max(length - n_steps, 0), shift, dtype=np.int64)


def windows(ids, n_steps: int, shift: int) -> np.ndarray:
    """(N, n_steps + 1): rows ids[s : s + n_steps + 1] for s = 0, shift, 2 shift, ... (full windows only)."""
    ids = np.asarray(ids)
    starts = window_starts(len(ids), n_steps, shift)
    return ids[starts[:, None] + np.arange(n_steps + 1)]


def stateful_batches(ids, batch_size: int, n_steps: int) -> np.ndarray:
    """(n_batches, batch_size, n_steps + 1) so that row i of batch t+1 continues row i of batch t.

    The sequence is cut into ``batch_size`` equal streams of L = len(ids) // batch_size tokens
    (the remainder is dropped); stream i is chopped into windows of n_steps + 1 tokens that
    overlap by one (the last target of one window is the first input of the next).
    """
    ids = np.asarray(ids)
    L = len(ids) // batch_size
    streams = ids[: L * batch_size].reshape(batch_size, L)  # (B, L)
    n_batches = (L - 1) // n_steps
    starts = np.arange(n_batches) * n_steps  # (n_batches,)
    cols = starts[:, None] + np.arange(n_steps + 1)  # (n_batches, n_steps + 1)
    return streams[:, cols].transpose(1, 0, 2)  # (n_batches, B, n_steps + 1)
