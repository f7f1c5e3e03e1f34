"""Hidden checks of chapter 2 (tokenization).

Expected values are computed here, in the grader, with the reference (``solutions.text``,
``solutions.chars``) and NumPy; the student's kernel only runs their functions on inputs
sent from here (random texts and id sequences drawn from this module's seeded generators,
and AG News titles read here).
"""

from __future__ import annotations

import random
import string

import numpy as np

from autograder.grading.checks import Checks, expect
from autograder.grading.verify import items, zip_checked
from seqgen import corpora
from solutions.bpe import BPETokenizer, learn_merges
from solutions.chars import CharTokenizer as ReferenceTokenizer
from solutions.chars import pad_batch as reference_pad_batch
from solutions.text import pad_punctuation as reference_pad_punctuation

checks = Checks()

# Letters (some outside ASCII), digits, every ASCII punctuation mark, marks that are NOT in
# string.punctuation (they must be left alone) and spaces. Only spaces: other whitespace is
# not part of the contract, so `" ".join(text.split())` answers are right.
ALPHABET = list(string.ascii_letters + string.punctuation + "     0123" + "éüß’—€")
EDGE_TEXTS = ["", "   ", "!!!", "a_b", "(Reuters)", "end.", " . ", "Café’s — 5€ off!", "U.S.", "a  b", "x--y", "Hi!!  Ok ?"]


def _random_texts(rng, n, longest, alphabet=ALPHABET):
    return ["".join(rng.choice(alphabet, size=rng.integers(0, longest + 1))) for _ in range(n)]


@checks.exercise("pad_punctuation")
def _(k):
    """Contract: pad_punctuation(text: str) -> str in which every character of string.punctuation
    (and no other character) stands between spaces, runs of spaces are collapsed into one and both
    ends are stripped; letters (their case too), digits and other marks unchanged. Checked on edge
    cases, 200 random texts and 300 AG News titles against the reference."""
    rng = k.rng(3)
    texts = EDGE_TEXTS + _random_texts(rng, 200, 40) + [item.title for item in corpora.ag_news()[:300]]
    got = k.run("result = [pad_punctuation(t) for t in texts]", texts=texts)
    for text, out in zip_checked("pad_punctuation: the results, one per text", texts, got):
        expect.type(out, str, f"pad_punctuation({text!r})")
        expect.equal(out, reference_pad_punctuation(text), f"pad_punctuation({text!r})")


# Runs in the kernel: fit a fresh tokenizer (and refit one), then encode and decode.
TOKENIZER = (
    "_texts = list(texts)\n"
    "_tok = CharTokenizer()\n"
    "_ret = _tok.fit(_texts)\n"
    "result = dict(returns_self=_ret is _tok, texts=_texts, vocab=_tok.vocab, index=_tok.index,\n"
    "              plain=[_tok.encode(t) for t in texts], eos=[_tok.encode(t, add_eos=True) for t in texts],\n"
    "              empty=(_tok.encode(''), _tok.encode('', add_eos=True)),\n"
    "              decoded=[_tok.decode(list(ids)) for ids in probes], decoded_array=[_tok.decode(np.array(ids, dtype=np.int64)) for ids in probes],\n"
    "              round_trip=[_tok.decode(_tok.encode(t, add_eos=True)) for t in texts])\n"
    "_tok.fit(list(refit))\n"
    "result['refit_vocab'] = _tok.vocab\n"
)


def _tokenizer_cases(rng):
    alphabet = ALPHABET + [" ", "\n", "\t"]
    # The end token's literal text inside a text: decode stops at the id 1, never at the characters "<eos>".
    cases = [(["banana", "cab!"], ["zz"]), (["a<eos>b", "<eos>", "x <eos"], ["eos>"])]
    for _ in range(12):
        texts = [t or "a" for t in _random_texts(rng, int(rng.integers(1, 5)), 30, alphabet)]
        cases.append((texts, _random_texts(rng, 2, 10, alphabet)))
    return rng, cases


@checks.exercise("char_tokenizer")
def _(k):
    """Contract: CharTokenizer().fit(texts: list of str) returns the tokenizer itself and sets
    vocab = ["", "<eos>"] + the distinct characters of the texts in sorted order (a list or tuple
    of str) and index = {character: id} (ids from 2; entries for "" and "<eos>" allowed); fitting
    again replaces the vocabulary; texts unchanged. encode(text, add_eos=False) -> an integer array
    (len(text),) of those ids, with one more id 1 at the end with add_eos (encode("") included:
    shape (0,), integer). decode(ids) for a list or an integer array -> str, padding (0) skipped,
    stopping at the first <eos> (the id 1; the characters "<eos>" in a text are characters like any other);
    decode(encode(text, add_eos=True)) == text."""
    rng, cases = _tokenizer_cases(k.rng(5))
    for texts, refit in cases:
        ref = ReferenceTokenizer().fit(texts)
        probes = [rng.integers(0, len(ref), size=12).tolist() for _ in range(4)] + [[0, 0], [1], []]
        got = k.run(TOKENIZER, texts=texts, refit=refit, probes=probes)
        what = f"CharTokenizer fitted on {texts!r}"
        expect.type(got, dict, what)
        expect.true(got["returns_self"] is True, f"{what}: expected fit to return the tokenizer itself (self)")
        expect.equal(got["texts"], texts, f"{what}: the texts after fit (unchanged)")
        vocab = got["vocab"]
        expect.type(vocab, (list, tuple), f"{what}: vocab")
        expect.equal(list(vocab), ref.vocab, f"{what}: vocab")
        expect.type(got["index"], dict, f"{what}: index")
        index = {c: i for c, i in got["index"].items() if c not in ("", "<eos>")}
        expect.equal(index, ref.index, f"{what}: index (character -> id)")
        for text, plain, eos, back in zip_checked(f"{what}: the encodings, one per text", texts, got["plain"], got["eos"], got["round_trip"]):
            expect.array(plain, f"{what}: encode({text!r})", shape=(len(text),), kind="i")
            expect.equal(plain, ref.encode(text), f"{what}: encode({text!r})")
            expect.array(eos, f"{what}: encode({text!r}, add_eos=True)", shape=(len(text) + 1,), kind="i")
            expect.equal(eos, ref.encode(text, add_eos=True), f"{what}: encode({text!r}, add_eos=True)")
            expect.equal(back, text, f"{what}: decode(encode({text!r}, add_eos=True)) (round trip)")
        empty, empty_eos = items(got["empty"], 2, f"{what}: encode('') and encode('', add_eos=True)")
        expect.array(empty, f"{what}: encode('')", shape=(0,), kind="i")
        expect.array(empty_eos, f"{what}: encode('', add_eos=True)", shape=(1,), kind="i")
        expect.equal(empty_eos, np.array([1]), f"{what}: encode('', add_eos=True)")
        for ids, as_list, as_array in zip_checked(f"{what}: the decodings, one per probe", probes, got["decoded"], got["decoded_array"]):
            expect.equal(as_list, ref.decode(ids), f"{what}: decode({ids})")
            expect.equal(as_array, ref.decode(ids), f"{what}: decode(np.array({ids}))")
        expect.type(got["refit_vocab"], (list, tuple), f"{what}, then fitted again on {refit!r}: vocab")
        expect.equal(list(got["refit_vocab"]), ReferenceTokenizer().fit(refit).vocab,
                     f"{what}, then fitted again on {refit!r}: vocab (replaced, not added to)")


# Runs in the kernel: the call, and the sequences after it (to see that they are unchanged).
PAD = "result = (pad_batch(seqs, **kwargs), [np.asarray(s).tolist() for s in seqs])\n"


def _pad_cases(rng):
    cases = [([[5, 6, 7], [8], [9, 4]], {}), ([[5, 6, 7], [8]], {"max_len": 5}), ([[5, 6, 7], [8]], {"max_len": 2}),
             ([[5, 6], [7]], {"pad_id": -1}), ([[3, 0, 0], [0]], {}), ([[4], [], [2, 2]], {"max_len": 3, "pad_id": 7}),
             ([[1, 2, 3]], {"max_len": 1})]
    for trial in range(9):
        seqs = [rng.integers(0, 50, size=rng.integers(0, 9)) for _ in range(rng.integers(1, 6))]
        seqs = [s.tolist() if i % 2 else s for i, s in enumerate(seqs)]  # lists and arrays mixed
        kwargs = [{}, {"max_len": 4}, {"max_len": 12, "pad_id": 3}][trial % 3]
        cases.append((seqs, kwargs))
    return cases


@checks.exercise("pad_batch")
def _(k):
    """Contract: pad_batch(sequences, max_len=None, pad_id=0) for a list of B int sequences (lists or
    arrays, empty ones and real tokens equal to pad_id included) -> (ids, mask): ids an integer array
    (B, L), each row the sequence's first L tokens then pad_id on the right, and mask a bool array
    (B, L), True exactly at the real tokens (from the lengths, never from the ids); L is the longest
    length, or max_len when given (cutting longer sequences); the sequences are unchanged."""
    for seqs, kwargs in _pad_cases(k.rng(9)):
        what = f"pad_batch({[np.asarray(s).tolist() for s in seqs]}" + "".join(f", {a}={v}" for a, v in kwargs.items()) + ")"
        got, after = items(k.run(PAD, seqs=seqs, kwargs=kwargs), 2, what)
        items(got, 2, f"{what}: expected a pair (ids, mask)")
        want_ids, want_mask = reference_pad_batch(seqs, **kwargs)
        ids = expect.array(got[0], f"{what}: ids", shape=want_ids.shape, kind="i")
        mask = expect.array(got[1], f"{what}: mask", shape=want_mask.shape, kind="b")
        expect.equal(ids, want_ids, f"{what}: ids")
        expect.equal(mask, want_mask, f"{what}: mask")
        expect.equal(after, [np.asarray(s).tolist() for s in seqs], f"{what}: the sequences after the call (unchanged)")


SHIFT = "result = (shift_inputs_targets(ids, mask), ids, mask)\n"


def _shift_cases(rng):
    cases = [(np.array([[10, 11, 12, 1], [20, 1, 0, 0]]), np.array([[True] * 4, [True, True, False, False]])),
             (np.array([[7, 0, 5]]), np.array([[True, True, True]])), (np.array([[4, 9]], dtype=np.int32), np.array([[True, False]]))]
    for _ in range(6):
        N, T1 = int(rng.integers(1, 6)), int(rng.integers(2, 12))
        lengths = rng.integers(0, T1 + 1, size=N)
        mask = np.arange(T1)[None, :] < lengths[:, None]  # (N, T+1)
        ids = np.where(mask, rng.integers(0, 30, size=(N, T1)), rng.integers(0, 3))  # real ids may be 0; padding 0, 1 or 2
        cases.append((ids, mask))
    return cases


@checks.exercise("shift")
def _(k):
    """Contract: shift_inputs_targets(ids (N, T+1) ints, mask (N, T+1) bool) -> (inputs, targets, weights),
    each (N, T): inputs = ids[:, :-1] and targets = ids[:, 1:], integer arrays; weights a float array,
    1.0 where mask[:, 1:] is True (the target is a real token, whatever its id) and 0.0 elsewhere;
    ids and mask unchanged. Any N >= 1 and T >= 1."""
    for ids, mask in _shift_cases(k.rng(8)):
        N, T = ids.shape[0], ids.shape[1] - 1
        what = f"shift_inputs_targets of a {ids.shape} batch {ids.tolist()} with mask {mask.astype(int).tolist()}"
        got, ids_after, mask_after = items(k.run(SHIFT, ids=ids, mask=mask), 3, what)
        items(got, 3, f"{what}: expected (inputs, targets, weights)")
        inputs = expect.array(got[0], f"{what}: inputs", shape=(N, T), kind="i")
        targets = expect.array(got[1], f"{what}: targets", shape=(N, T), kind="i")
        weights = expect.array(got[2], f"{what}: weights", shape=(N, T), kind="f")
        expect.equal(inputs, ids[:, :-1], f"{what}: inputs")
        expect.equal(targets, ids[:, 1:], f"{what}: targets")
        expect.equal(weights, mask[:, 1:].astype(np.float64), f"{what}: weights")
        expect.equal(ids_after, ids, f"{what}: ids after the call (unchanged)")
        expect.equal(mask_after, mask, f"{what}: mask after the call (unchanged)")


# --------------------------------------------------------------------------- 5. to 7. byte-pair encoding

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
