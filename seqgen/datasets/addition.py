"""The addition task: ``a+b`` with 0 <= a, b <= 999, answered as ``_`` + the sum.

Lines are 12 characters: the question left-justified in 7 (``999+999``), then the
answer left-justified in 5 (``_1998``), exactly as ``dlfs2/addition.txt``.

Operands are drawn as the Keras ``addition_rnn`` example draws them, which is how the
source file's mix comes about: a length of 1, 2 or 3 digits, equally likely, then that
many random digits, leading zeros allowed (``"042"`` is 42). Problems are distinct up to
order (``16+75`` and ``75+16`` are one problem), so a held-out problem is never the
mirror image of a training one. On 50,000 lines (seed 0) this gives 9.8% / 32.7% / 57.5% of
1-, 2- and 3-digit operands; the source file has 9.7% / 32.6% / 57.6%.
"""

from __future__ import annotations

import numpy as np

QUESTION_WIDTH = 7  # "999+999"
ANSWER_WIDTH = 5  # "_1998"
N_DISTINCT = 1000 * 1001 // 2  # unordered pairs {a, b} with 0 <= a, b <= 999


def _operands(rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` operands: the last 1, 2 or 3 of three random digits, i.e. leading zeros allowed."""
    lengths = rng.integers(1, 4, size=size)
    return rng.integers(0, 1000, size=size) % 10**lengths


def addition_line(a: int, b: int) -> str:
    question = f"{a}+{b}".ljust(QUESTION_WIDTH)
    answer = f"_{a + b}".ljust(ANSWER_WIDTH)
    return question + answer


def addition_lines(n: int = 50_000, seed: int = 1984) -> list[str]:
    """``n`` problems, distinct up to order, as lines (no line break), reproducible from ``seed``."""
    if n > N_DISTINCT // 2:
        # Sampling by rejection slows to a crawl as the pool runs dry; the task never needs this many.
        raise ValueError(f"at most {N_DISTINCT // 2:,} problems (of {N_DISTINCT:,} distinct ones), got n={n:,}")
    rng = np.random.default_rng(seed)
    seen: set[tuple[int, int]] = set()
    lines = []
    while len(lines) < n:
        pairs = _operands(rng, 2 * n).reshape(n, 2).tolist()  # a batch of candidates, most kept
        for a, b in pairs:
            key = (min(a, b), max(a, b))
            if key in seen:
                continue
            seen.add(key)
            lines.append(addition_line(a, b))
            if len(lines) == n:
                break
    return lines
