"""The shared line format: ``<question padded>_<answer padded>``, one problem a line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np


def parse_line(line: str) -> tuple[str, str]:
    """Split one line at its first ``_``: (question, answer), the answer keeping its ``_``.

    Only the line break is removed; the padding spaces stay, because they are part of
    the fixed-length sequences the models read and write.
    """
    line = line.rstrip("\r\n")
    cut = line.find("_")
    if cut < 0:
        raise ValueError(f"no '_' separator in line {line!r}")
    return line[:cut], line[cut:]


def parse_lines(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    """Questions and answers of many lines (empty lines are skipped)."""
    questions, answers = [], []
    for line in lines:
        if line.rstrip("\r\n") == "":
            continue
        q, a = parse_line(line)
        questions.append(q)
        answers.append(a)
    return questions, answers


def read_pairs(name: str) -> tuple[list[str], list[str]]:
    """Questions and answers of a registry file (``dlfs2_addition`` or ``dlfs2_date``)."""
    from .. import data

    return parse_lines(data.read_text(name).split("\n"))


@dataclass(frozen=True)
class CharVocab:
    """Characters sorted, each with its id (no padding or unknown id: the tasks need none)."""

    chars: tuple[str, ...]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "CharVocab":
        return cls(tuple(sorted(set("".join(texts)))))

    def __len__(self) -> int:
        return len(self.chars)

    def id(self, char: str) -> int:
        return self.chars.index(char)

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def encode(texts: Sequence[str], vocab: CharVocab) -> np.ndarray:
    """Equal-length strings -> int array (N, T) of character ids."""
    index = {c: i for i, c in enumerate(vocab.chars)}
    lengths = {len(t) for t in texts}
    if len(lengths) != 1:
        raise ValueError(f"texts must all have the same length, got lengths {sorted(lengths)}")
    return np.array([[index[c] for c in t] for t in texts], dtype=np.int64)
