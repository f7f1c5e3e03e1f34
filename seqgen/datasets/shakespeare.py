"""Chapter 3's Shakespeare characters, for the chapters that compare with it.

Chapter 3 numbers the characters of the first ``N_CHARS`` characters of
tinyshakespeare as ``["", "<eos>"] + sorted(set(text))`` (0: padding, 1: end of text,
unused in one long text) and splits the ids by position: the first 90 % for training,
the last 10 % for validation. :func:`shakespeare_chars` returns the same split, so a
later model (chapter 9's GPT) and the count baselines of :mod:`seqgen.ngram` are scored
on exactly chapter 3's validation characters. With ``n_chars=None`` it is the whole
file, cut as nanoGPT's ``shakespeare_char`` preparation cuts it (first 90 % / last 10 %;
nanoGPT's vocabulary has no padding or ``<eos>`` ids, so its ids are ours minus 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import data

PAD, EOS = "", "<eos>"


@dataclass(frozen=True)
class CharSplit:
    """Character ids split in time: ``train_ids`` (N,) and ``val_ids`` (M,) int64, and the vocabulary."""

    train_ids: np.ndarray
    val_ids: np.ndarray
    vocab: list[str]  # id -> character; 0 is "" (padding), 1 is "<eos>"

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def decode(self, ids) -> str:
        """The characters of ``ids``, padding and ``<eos>`` skipped."""
        return "".join(self.vocab[i] for i in np.asarray(ids).reshape(-1).tolist() if i >= 2)


def char_split(text: str, val_fraction: float = 0.1) -> CharSplit:
    """Chapter 3's vocabulary of ``text`` and its split by position (validation: the last ``val_fraction``)."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    vocab = [PAD, EOS] + sorted(set(text))
    index = {c: i for i, c in enumerate(vocab) if i >= 2}
    ids = np.array([index[c] for c in text], dtype=np.int64)  # (len(text),)
    split = int((1.0 - val_fraction) * len(ids))  # chapter 3: int(0.9 * len(ids))
    return CharSplit(ids[:split], ids[split:], vocab)


def shakespeare_chars(n_chars: int | None = None, val_fraction: float = 0.1) -> CharSplit:
    """tinyshakespeare's first ``n_chars`` characters (None: all 1,115,394), as chapter 3 numbers and splits them.

    ``shakespeare_chars(200_000)`` is chapter 3's data (its ``N_CHARS``); ``shakespeare_chars()``
    is nanoGPT's split of the whole file.
    """
    text = data.read_text("tinyshakespeare")
    return char_split(text if n_chars is None else text[:n_chars], val_fraction)
