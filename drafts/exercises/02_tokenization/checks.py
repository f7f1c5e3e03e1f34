"""Hidden checks drafted for chapter 2's byte-level BPE exercises."""

from __future__ import annotations

import random

import numpy as np

from autograder.checking import Checks, expect
from solutions.bpe import BPETokenizer, learn_merges

checks = Checks()

ALPHABET = list("aaabbbcdeee  ,.!\t\n") + ["é", "日", "😀"]  # skewed, so that merges have clear winners and ties occur


def corpus(seed: int, n: int, length: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, length))) for _ in range(n)]


def _pairs(got, what):
    expect.type(got, list, what)
    for i, pair in enumerate(got):
        expect.true(isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(x, (int, np.integer)) for x in pair),
                    f"{what}: merge {i} should be a pair of ints, got {pair!r}")
    return [tuple(int(x) for x in pair) for pair in got]


@checks.exercise("learn_bpe")
def _(k):
    """Contract: learn_bpe(texts, n_merges) -> a list of (int, int) merges: at each step the most frequent adjacent
    pair of ids over the pieces of every text (byte ids, earlier merges applied), ties to the smallest pair, merge i
    making id 256 + i; at most n_merges, none once no pair occurs twice; pairs counted within pieces only."""
    cases = [(corpus(10, 12, 30), 25), (corpus(11, 3, 12), 40), (["abab cdcd efef", "ghgh"], 4), (["x y z"], 3),
             (["aaaa aaaa"], 5), (corpus(12, 20, 40), 1)]
    for texts, n in cases:
        what = f"learn_bpe on {len(texts)} texts ({texts[0][:20]!r}...), n_merges={n}"
        got = _pairs(k.call("learn_bpe", texts, n), what)
        want = learn_merges(texts, n)
        expect.true(len(got) == len(want), f"{what}: expected {len(want)} merges, got {len(got)}")
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            expect.true(g == w, f"{what}: merge {i}: expected {w}, got {g}")


@checks.exercise("bpe_encode")
def _(k):
    """Contract: bpe_encode(text, merges) -> a list of int: each piece's UTF-8 bytes ("surrogatepass") with every
    merge applied in order; the same ids as the reference tokenizer, for any text (unseen characters, emoji, a lone
    surrogate, empty); merges unchanged."""
    merges = learn_merges(corpus(20, 30, 40), 40)
    tok = BPETokenizer(merges)
    texts = corpus(21, 15, 50) + ["", " ", "a  b", "\ud800 lone", "😀😀 x", "never seen: ÆØÅ ∑"]
    for text in texts:
        what = f"bpe_encode({text[:20]!r}...)"
        got, merges_after = k.run("result = (bpe_encode(text, merges), merges)", text=text, merges=merges)
        expect.type(got, list, what)
        expect.true(all(isinstance(i, (int, np.integer)) for i in got), f"{what}: expected ints")
        want = tok.encode(text)
        expect.true([int(i) for i in got] == want, f"{what}: expected {want[:12]}{'...' if len(want) > 12 else ''}, "
                                                  f"got {[int(i) for i in got][:12]}")
        expect.true([tuple(p) for p in merges_after] == [tuple(p) for p in merges], f"{what}: merges changed by the call")


@checks.exercise("bpe_decode")
def _(k):
    """Contract: bpe_decode(ids, merges) -> the str whose bytes are the ids' bytes joined and read as UTF-8
    ("surrogatepass"): exact round trips of the reference's encodings of any text, including tokens that hold
    part of a character."""
    merges = learn_merges(corpus(30, 30, 40) + ["日本日本 日本 😀😀 😀"], 50)
    tok = BPETokenizer(merges)
    # A token holding part of a character: encode a character whose bytes are split by a merge.
    texts = corpus(31, 15, 50) + ["", "日本 😀", "\ud800 lone", "tab\tnew\nline", "ÆØÅ ∑ never seen"]
    for text in texts:
        ids = tok.encode(text)
        got = k.call("bpe_decode", ids, merges)
        expect.type(got, str, f"bpe_decode of the ids of {text[:20]!r}")
        expect.true(got == text, f"bpe_decode of the ids of {text[:20]!r}: expected {text[:40]!r}, got {got[:40]!r}")
