"""The addition task: ``a+b`` with 0 <= a, b <= 999, answered as ``_`` + the sum.

Lines are 12 characters: the question left-justified in 7 (``999+999``), then the
answer left-justified in 5 (``_1998``), exactly as ``dlfs2/addition.txt``.
"""

from __future__ import annotations

import numpy as np

QUESTION_WIDTH = 7  # "999+999"
ANSWER_WIDTH = 5  # "_1998"


def _operand(rng: np.random.Generator) -> int:
    # As many 1-, 2- and 3-digit operands (the source file mixes all three lengths);
    # 0 counts as a 1-digit number.
    digits = int(rng.integers(1, 4))
    low = 0 if digits == 1 else 10 ** (digits - 1)
    return int(rng.integers(low, 10**digits))


def addition_line(a: int, b: int) -> str:
    question = f"{a}+{b}".ljust(QUESTION_WIDTH)
    answer = f"_{a + b}".ljust(ANSWER_WIDTH)
    return question + answer


def addition_lines(n: int = 50_000, seed: int = 1984) -> list[str]:
    """``n`` distinct addition problems as lines (no line break), reproducible from ``seed``."""
    if n > 1_000_000:
        raise ValueError("there are only 1,000,000 distinct problems")
    rng = np.random.default_rng(seed)
    seen: set[tuple[int, int]] = set()
    lines = []
    while len(lines) < n:
        pair = (_operand(rng), _operand(rng))
        if pair in seen:
            continue
        seen.add(pair)
        lines.append(addition_line(*pair))
    return lines
