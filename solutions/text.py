"""Word-level text preparation shared by the reference trainers.

Mirrors what the chapters do with Keras ``TextVectorization``: punctuation padded
into its own tokens, lower case, a frequency-ordered vocabulary with id 0 for
padding and id 1 for out-of-vocabulary words.
"""

from __future__ import annotations

import re
import string
from collections import Counter

import numpy as np

PAD, OOV = "", "[UNK]"
_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")


def pad_punctuation(text: str) -> str:
    """Surround each punctuation mark with spaces and collapse runs of spaces."""
    return re.sub(" +", " ", _PUNCT.sub(r" \1 ", text)).strip()


def tokenize(text: str) -> list[str]:
    return pad_punctuation(text).lower().split()


def build_vocab(texts: list[str], max_tokens: int) -> list[str]:
    """``[PAD, OOV] + the most frequent words``, ``max_tokens`` entries at most."""
    counts = Counter(tok for t in texts for tok in tokenize(t))
    words = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return [PAD, OOV] + words[: max_tokens - 2]


def encode(texts: list[str], vocab: list[str], length: int) -> np.ndarray:
    """Token ids (N, length), truncated or right-padded with 0; unknown words -> 1."""
    index = {w: i for i, w in enumerate(vocab)}
    out = np.zeros((len(texts), length), dtype=np.int64)
    for row, text in enumerate(texts):
        ids = [index.get(tok, 1) for tok in tokenize(text)][:length]
        out[row, : len(ids)] = ids
    return out


def decode(ids, vocab: list[str]) -> str:
    return " ".join(vocab[i] for i in ids if i != 0)
