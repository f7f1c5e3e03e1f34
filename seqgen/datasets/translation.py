"""English-French sentence pairs (``fra_eng``): two tab-separated columns, English first.

The French side puts a space before ``!`` and ``?`` (French typography): in many lines a
narrow no-break space (U+202F), in others a plain one. Both are kept: for a char-level
model each is a character like any other.
"""

from __future__ import annotations

NARROW_NBSP = "\u202f"


def fra_eng_pairs(n: int | None = None) -> list[tuple[str, str]]:
    """The first ``n`` (English, French) pairs of the file (all of them if n is None)."""
    from .. import data

    pairs = []
    for line in data.read_text("fra_eng").split("\n"):
        if not line.strip():
            continue
        english, french = line.split("\t")[:2]
        pairs.append((english, french))
        if n is not None and len(pairs) == n:
            break
    return pairs
