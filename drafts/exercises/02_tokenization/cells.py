"""Chapter 2 additions: byte-level BPE (learn merges, encode, decode), after the word vocabulary's [UNK] section.

The page gives `pretokenize` and `merge_pair` (and says why: pieces keep merges inside words; bytes leave no
unknown symbol); the exercises are the three steps. The vocabulary-size table follows them
(drafts/measure/bpe_table.py)."""

SETUP = r'''
import re

import numpy as np
from seqgen import check_equal, passed

PIECE = re.compile(r" ?[^\s]+|\s+")  # a word with at most one space in front, or a run of whitespace


def pretokenize(text):
    """The pieces of text, in order: their concatenation is text. Merges never cross a piece."""
    return PIECE.findall(text)


def merge_pair(ids, pair, new_id):
    """ids (a list of ints) with every occurrence of pair, found left to right without overlap, replaced by new_id."""
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == tuple(pair):
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out
'''

ORDER = ["learn_bpe", "bpe_encode", "bpe_decode"]

ANSWERS = {
    "learn_bpe": r'''
def learn_bpe(texts, n_merges):
    """Byte-pair-encoding merges learnt on texts (a list of str).

    Each text is cut into pieces with pretokenize; each piece is the list of its UTF-8 bytes (text.encode("utf-8",
    "surrogatepass")), ids 0..255. Then, up to n_merges times: count every adjacent pair of ids over all pieces of
    all texts; stop if no pair occurs at least twice; otherwise take the most frequent pair (ties: the smallest
    pair, comparing (first id, second id)), give it the id 256 + (number of merges so far), and replace its
    occurrences in every piece with merge_pair. Returns the merges: a list of (int, int) tuples, in order.
    """
    ### BEGIN SOLUTION
    pieces = [list(p.encode("utf-8", "surrogatepass")) for text in texts for p in pretokenize(text)]
    merges = []
    while len(merges) < n_merges:
        counts = {}
        for ids in pieces:
            for pair in zip(ids, ids[1:]):
                counts[pair] = counts.get(pair, 0) + 1
        if not counts or max(counts.values()) < 2:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))
        merges.append(best)
        pieces = [merge_pair(ids, best, 255 + len(merges)) for ids in pieces]
    return merges
    ### END SOLUTION
''',
    "bpe_encode": r'''
def bpe_encode(text, merges):
    """The token ids of text (a list of int): each piece of pretokenize(text) as its UTF-8 bytes
    ("surrogatepass"), then every merge applied in order (merge i replaces merges[i] by 256 + i)."""
    ### BEGIN SOLUTION
    out = []
    for piece in pretokenize(text):
        ids = list(piece.encode("utf-8", "surrogatepass"))
        for i, pair in enumerate(merges):
            ids = merge_pair(ids, pair, 256 + i)
        out += ids
    return out
    ### END SOLUTION
''',
    "bpe_decode": r'''
def bpe_decode(ids, merges):
    """The text of the token ids (a str): each id's bytes (id < 256: that byte; 256 + i: the bytes of merges[i]'s
    two ids, joined), all joined, then read as UTF-8 at once ("surrogatepass"), so that
    bpe_decode(bpe_encode(text, merges), merges) == text for every str."""
    ### BEGIN SOLUTION
    vocab = [bytes([b]) for b in range(256)]
    for a, b in merges:
        vocab.append(vocab[a] + vocab[b])
    return b"".join(vocab[i] for i in ids).decode("utf-8", "surrogatepass")
    ### END SOLUTION
''',
}

TESTS = {
    "learn_bpe": r'''
# By hand: "aab aab" has the pieces "aab" and " aab". (a, a) and (a, b) both occur twice: the smaller pair,
# (97, 97), is merge 0 (id 256); then (256, b) occurs twice: merge 1 (id 257); then no pair occurs twice.
check_equal(learn_bpe(["aab aab"], 5), [(97, 97), (256, 98)], "merges of 'aab aab'")
check_equal(learn_bpe(["aab aab"], 1), [(97, 97)], "at most n_merges merges")
check_equal(learn_bpe(["abab cdcd"], 1), [(97, 98)], "a tie between (a, b) and (c, d) goes to the smaller pair")
check_equal(learn_bpe(["no pair twice"], 5), [], "nothing to merge when no pair occurs twice")
passed()
''',
    "bpe_encode": r'''
merges = [(97, 97), (256, 98)]  # "aa", then "aa" + "b"
check_equal(bpe_encode("aab", merges), [257], "'aab': one token")
check_equal(bpe_encode("aaab", merges), [256, 97, 98], "'aaab': merge 0 takes the first two a's, so merge 1 finds no (aa, b)")
check_equal(bpe_encode("aab aab", merges), [257, 32, 257], "'aab aab': pieces 'aab' and ' aab', whose space no merge takes")
check_equal(bpe_encode("é", merges), [195, 169], "a character outside ASCII: its two UTF-8 bytes")
passed()
''',
    "bpe_decode": r'''
merges = [(97, 97), (256, 98)]
check_equal(bpe_decode([97, 257], merges), "aaab", "decode [a, aab]")
check_equal(bpe_decode([195, 169], merges), "é", "two bytes that make one character")
for text in ["aaab aab", "café ☕ 日本", "😀 emoji", "tab\tand\nnewline", ""]:
    check_equal(bpe_decode(bpe_encode(text, merges), merges), text, f"round trip of {text!r}")
passed()
''',
}
