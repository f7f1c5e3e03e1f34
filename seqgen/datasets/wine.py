"""Wine reviews as padded rows of word ids, for chapter 9's GPT.

The source notes build their data like this (Keras, TensorFlow): every review whose
country, province, variety and description are all given becomes
``'wine review : <country> : <province> : <variety> : <description>'``; punctuation is
padded into tokens of its own (chapter 2's ``pad_punctuation``, an exercise: the caller passes it,
chapter 9 its released answer); a
``TextVectorization(standardize="lower", max_tokens=10_000, output_sequence_length=81)``
lower-cases, splits on whitespace, keeps the most frequent tokens and cuts or pads each
review to 81 ids. :func:`wine_review_data` does the same in plain Python and NumPy, with
these choices of its own, each also made by Keras where Keras makes it:

- ids: 0 is padding ``""``, 1 is ``"[UNK]"``, then tokens by descending count in the
  *training* reviews (the source has no validation split and adapts on all of them);
  ties go to the token that sorts *last* (Keras sorts ``(count, token)`` and reverses);
- lower-casing touches ASCII letters only and splitting is on ASCII whitespace, as
  ``tf.strings.lower`` and ``tf.strings.split`` do (``"Émilia"`` keeps its capital);
- reviews are split into training and validation at random with ``seed``.

Source file: Kaggle's full ``winemag-data-130k-v2.json`` (registry name
``wine_reviews_130k``) when it is in the cache or a mirror, else the 5,000-review subset
``wine_reviews_5k`` that the course ships; :attr:`WineData.source` and
:meth:`WineData.describe` say which.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .. import corpora, data

PAD, UNK = "", "[UNK]"
FULL, SUBSET = "wine_reviews_130k", "wine_reviews_5k"
SOURCES = ("auto", FULL, SUBSET)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")


@dataclass(frozen=True)
class WineData:
    """Reviews as id rows ``train`` (N, seq_len + 1) and ``val`` (M, seq_len + 1), int64, right-padded with 0.

    Inputs are ``rows[:, :-1]`` and targets ``rows[:, 1:]``; a target equal to ``pad_id``
    is padding and should not count in the loss.
    """

    train: np.ndarray
    val: np.ndarray
    vocab: list[str]  # id -> token; 0 "" (padding), 1 "[UNK]", then by descending training count
    source: str  # registry name of the file read: "wine_reviews_130k" or "wine_reviews_5k"
    n_reviews: int  # complete reviews read (before limit and split)
    train_index: np.ndarray  # (N,) position of each training row's review among the complete reviews
    val_index: np.ndarray  # (M,) the same for the validation rows
    pad_id: int = 0
    unk_id: int = 1

    @property
    def seq_len(self) -> int:
        return self.train.shape[1] - 1

    def decode(self, ids) -> str:
        """The tokens of ``ids`` joined by spaces, padding skipped (``[UNK]`` kept)."""
        return " ".join(self.vocab[i] for i in np.asarray(ids).reshape(-1).tolist() if i != self.pad_id)

    def describe(self) -> str:
        return (f"{self.source}: {len(self.train):,} training and {len(self.val):,} validation reviews "
                f"(of {self.n_reviews:,}), {len(self.vocab):,} ids, rows of {self.seq_len} + 1 tokens")


def standardize(review: str, pad_punctuation) -> str:
    """The source's text preparation: punctuation padded (chapter 2's ``pad_punctuation``), then ASCII letters lower-cased."""
    return pad_punctuation(review).translate(_ASCII_LOWER)


def tokens_of(review: str, pad_punctuation) -> list[str]:
    """A review's tokens, as ``TextVectorization(standardize="lower")`` sees its padded text."""
    return [t for t in _ASCII_SPACE.split(standardize(review, pad_punctuation)) if t]


def build_vocab(token_lists, vocab_size: int) -> list[str]:
    """``["", "[UNK]"]`` then the ``vocab_size - 2`` most frequent tokens (ties: the later token first, as Keras)."""
    counts = Counter(t for tokens in token_lists for t in tokens)
    counts.pop(PAD, None)
    counts.pop(UNK, None)  # Keras keeps its reserved tokens out of the learned ones
    ranked = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
    return [PAD, UNK] + [t for t, _ in ranked[: max(vocab_size - 2, 0)]]


def encode(token_lists, vocab: list[str], length: int) -> np.ndarray:
    """(N, length) int64 ids, cut at ``length`` or right-padded with 0; tokens outside vocab -> 1."""
    index = {t: i for i, t in enumerate(vocab) if i >= 2}
    rows = np.zeros((len(token_lists), length), dtype=np.int64)
    for r, tokens in enumerate(token_lists):
        ids = [index.get(t, 1) for t in tokens[:length]]
        rows[r, : len(ids)] = ids
    return rows


def complete_reviews(source: str) -> list[str]:
    """The source notes' review strings, from the records with country, province, variety and description."""
    return [corpora.wine_review_text(r) for r in corpora.wine_records(source) if all(r.values())]


def _resolve(source: str) -> str:
    if source not in SOURCES:
        raise ValueError(f"unknown wine source {source!r}; choose from {SOURCES}")
    if source == "auto":
        return FULL if data.available(FULL) else SUBSET
    return source


def wine_review_data(pad_punctuation, vocab_size: int = 10_000, seq_len: int = 80, val_fraction: float = 0.1,
                     seed: int = 0, limit: int | None = None, source: str = "auto") -> WineData:
    """The wine reviews as :class:`WineData`: rows of ``seq_len + 1`` ids, a random split of the reviews.

    ``pad_punctuation``: chapter 2's function (str -> str, every punctuation mark surrounded by spaces,
    runs of spaces collapsed, the ends stripped), which tokenizes the reviews as the source does.

    ``limit`` keeps only the first ``limit`` complete reviews of the file (before the split);
    ``source`` is ``"auto"`` (the full file if present, else the subset) or a registry name.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie in [0, 1), got {val_fraction}")
    name = _resolve(source)
    reviews = complete_reviews(name)
    n_reviews = len(reviews)
    if limit is not None:
        reviews = reviews[:limit]
    order = np.random.default_rng(seed).permutation(len(reviews))
    n_val = int(round(val_fraction * len(reviews)))
    val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
    tokens = [tokens_of(r, pad_punctuation) for r in reviews]
    train_tokens = [tokens[i] for i in train_idx]
    vocab = build_vocab(train_tokens, vocab_size)
    return WineData(
        train=encode(train_tokens, vocab, seq_len + 1),
        val=encode([tokens[i] for i in val_idx], vocab, seq_len + 1),
        vocab=vocab, source=name, n_reviews=n_reviews, train_index=train_idx, val_index=val_idx,
    )
