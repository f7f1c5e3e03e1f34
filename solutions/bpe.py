"""Byte-level byte-pair encoding (BPE): learn merges on a corpus, encode, decode (chapter 2).

The text is first cut into *pieces* (:func:`pretokenize`): a run of non-space characters with at
most one space in front of it, or a run of whitespace. Merges never cross a piece boundary, so a
token is never half of one word and half of the next. Each piece is written as its UTF-8 bytes
(ids 0..255: every text, in any script, emoji and unpaired surrogates included, is a sequence of
known symbols, so there is no out-of-vocabulary id). Learning repeats: count every adjacent pair
of symbols over the corpus's pieces (each piece weighted by how often it occurs), take the most
frequent pair (ties: the smaller pair, comparing (first id, second id)), give it the next new id
(256, 257, ...) and replace its occurrences left to right. Encoding applies the learned merges in
the order they were learned; decoding joins the tokens' bytes and reads them back as UTF-8
(``surrogatepass``, so that any Python string comes back exactly).

The same scheme as GPT-2's tokenizer (Radford et al., 2019; Sennrich et al., 2016 for BPE on
words), with a simpler piece pattern and no byte-to-printable-character table.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

PIECE = re.compile(r" ?[^\s]+|\s+")  # a word with at most one space in front, or a run of whitespace
N_BYTES = 256


def pretokenize(text: str) -> list[str]:
    """The pieces of ``text``, in order; their concatenation is ``text``."""
    return PIECE.findall(text)


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


def merge_pair(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """``ids`` with every occurrence of ``pair``, found left to right without overlap, replaced by ``new_id``."""
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def _pairs(ids: list[int]) -> Counter:
    return Counter(zip(ids, ids[1:]))


def learn_merges(texts: list[str], n_merges: int, min_count: int = 2) -> list[tuple[int, int]]:
    """Up to ``n_merges`` merges learned on ``texts`` (fewer if no pair occurs ``min_count`` times).

    Merge i joins the pair ``merges[i]`` into the new id ``256 + i``. Pair counts are kept up to
    date incrementally (only the pieces that hold the merged pair are recounted), so that a few
    thousand merges on a few megabytes take seconds, not hours.
    """
    piece_counts = Counter(p for text in texts for p in pretokenize(text))
    words = [list(to_bytes(p)) for p in piece_counts]
    freq = list(piece_counts.values())
    counts: Counter = Counter()
    where: dict[tuple[int, int], set[int]] = defaultdict(set)  # pair -> the pieces that hold it
    for w, ids in enumerate(words):
        for pair, n in _pairs(ids).items():
            counts[pair] += n * freq[w]
            where[pair].add(w)
    merges: list[tuple[int, int]] = []
    while len(merges) < n_merges and counts:
        pair = min(counts, key=lambda p: (-counts[p], p))  # most frequent; ties: the smaller pair
        if counts[pair] < min_count:
            break
        new_id = N_BYTES + len(merges)
        merges.append(pair)
        for w in where.pop(pair):
            old, new = _pairs(words[w]), None
            words[w] = merge_pair(words[w], pair, new_id)
            new = _pairs(words[w])
            for p, n in (old - new).items():
                counts[p] -= n * freq[w]
            for p, n in (new - old).items():
                counts[p] += n * freq[w]
            for p in old.keys() - new.keys():
                where[p].discard(w)
            for p in new.keys() - old.keys():
                where[p].add(w)
        for p in [p for p, n in counts.items() if n <= 0]:
            del counts[p]
            where.pop(p, None)
    return merges


@dataclass
class BPETokenizer:
    """Byte-level BPE with the given merges; ids 0..255 are bytes, 256 + i is merge i."""

    merges: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.vocab: list[bytes] = [bytes([b]) for b in range(N_BYTES)]  # id -> its bytes
        for a, b in self.merges:
            self.vocab.append(self.vocab[a] + self.vocab[b])
        self.rank = {tuple(pair): i for i, pair in enumerate(self.merges)}

    @classmethod
    def train(cls, texts: list[str], n_merges: int, min_count: int = 2) -> "BPETokenizer":
        return cls(learn_merges(texts, n_merges, min_count))

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def encode_piece(self, piece: str) -> list[int]:
        """One piece's ids: the lowest-ranked pair present merged until none is left (= the merges in order)."""
        ids = list(to_bytes(piece))
        while len(ids) > 1:
            pair = min(zip(ids, ids[1:]), key=lambda p: self.rank.get(p, len(self.rank)))
            if pair not in self.rank:
                break
            ids = merge_pair(ids, pair, N_BYTES + self.rank[pair])
        return ids

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``: each piece encoded on its own, in order."""
        return [i for piece in pretokenize(text) for i in self.encode_piece(piece)]

    def decode(self, ids: list[int], errors: str = "surrogatepass") -> str:
        """The text whose encoding is ``ids``: the tokens' bytes joined, then read as UTF-8 (whole, since a
        token may hold part of a character). Ids a model wrote may end inside a character: pass
        ``errors="replace"`` to show such bytes as U+FFFD instead of raising."""
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors=errors)

    def token(self, i: int) -> str:
        """A readable form of token i (bytes that are no whole character shown as escapes)."""
        return self.vocab[i].decode("utf-8", errors="backslashreplace")
