"""Byte-level BPE: exact round trips on any text, merges that are the most frequent pairs, encoding as learnt."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from solutions.bpe import BPETokenizer, learn_merges, merge_pair, pretokenize, to_bytes

CORPUS = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog", "thethe  the\tthe\n"]


def random_text(rng: random.Random, n: int) -> str:
    """Any characters: ASCII, spaces and tabs, accents, CJK, emoji (4 UTF-8 bytes), an unpaired surrogate."""
    alphabet = list("abcde ABC,.!?  \t\n0123") + ["é", "ß", "日", "本", "😀", "\u200b", "\ud800", "\x00", "\x7f"]
    return "".join(rng.choice(alphabet) for _ in range(n))


@pytest.fixture(scope="module")
def tokenizer():
    rng = random.Random(0)
    return BPETokenizer.train(CORPUS + [random_text(rng, 60) for _ in range(20)], n_merges=60)


def test_pieces_cover_the_text_exactly():
    """Do the pieces concatenate to the text, each a word with at most one leading space or a whitespace run?"""
    rng = random.Random(1)
    for _ in range(200):
        text = random_text(rng, rng.randrange(0, 40))
        pieces = pretokenize(text)
        assert "".join(pieces) == text
        for p in pieces:
            word = p[1:] if p[0] == " " and len(p) > 1 and not p[1].isspace() else p
            assert p and (word.isspace() or not any(c.isspace() for c in word)), (text, p)
    assert pretokenize("the cat  sat\n") == ["the", " cat", "  ", "sat", "\n"]


def test_round_trip_is_exact_on_any_text(tokenizer):
    """Does decode(encode(text)) give back every random text, unseen characters and a lone surrogate included?"""
    rng = random.Random(2)
    for _ in range(500):
        text = random_text(rng, rng.randrange(0, 80))
        ids = tokenizer.encode(text)
        assert all(0 <= i < tokenizer.vocab_size for i in ids)
        assert tokenizer.decode(ids) == text
    assert tokenizer.decode(tokenizer.encode("")) == ""


def test_every_merge_is_the_most_frequent_pair_at_its_time():
    """Recounting from scratch after each merge: is each learnt pair the most frequent one, ties to the smaller pair?"""
    rng = random.Random(3)
    texts = CORPUS + [random_text(rng, 40) for _ in range(10)]
    merges = learn_merges(texts, n_merges=40)
    words = Counter(to_bytes(p) for t in texts for p in pretokenize(t))
    seqs = {w: list(w) for w in words}
    for i, pair in enumerate(merges):
        counts = Counter()
        for w, ids in seqs.items():
            for a, b in zip(ids, ids[1:]):
                counts[a, b] += words[w]
        best = max(counts.values())
        assert counts[pair] == best >= 2
        assert pair == min(p for p, n in counts.items() if n == best)
        seqs = {w: merge_pair(ids, pair, 256 + i) for w, ids in seqs.items()}


def test_learning_stops_when_no_pair_repeats():
    """With min_count=2, are no merges learnt from a text whose pairs all occur once?"""
    assert learn_merges(["abcdef"], n_merges=10) == []
    assert learn_merges(["abab"], n_merges=10) == [(ord("a"), ord("b"))]


def test_training_text_is_encoded_with_fewer_tokens_and_merges_in_order(tokenizer):
    """Is a training sentence shorter in tokens than in bytes, and does encoding equal applying the merges in order?"""
    text = CORPUS[0]
    ids = tokenizer.encode(text)
    assert len(ids) < 0.7 * len(to_bytes(text))
    for piece in pretokenize(text):
        seq = list(to_bytes(piece))
        for i, pair in enumerate(tokenizer.merges):
            seq = merge_pair(seq, pair, 256 + i)
        assert tokenizer.encode_piece(piece) == seq


def test_merge_pair_goes_left_to_right_without_overlap():
    """Does 'aaa' with the merge (a, a) give [aa, a], not [a, aa]?"""
    a = ord("a")
    assert merge_pair([a, a, a], (a, a), 256) == [256, a]
    assert merge_pair([a, a, a, a], (a, a), 256) == [256, 256]


def test_same_encoding_as_hugging_face_tokenizers_given_the_same_merges(tokenizer):
    """Given our merges and pieces, does the `tokenizers` library's BPE encode every random text to the same tokens?"""
    import tokenizers  # a test oracle only (pinned in the course extras), never used by the course's code
    from tokenizers import Regex, models, pre_tokenizers
    from tokenizers.pre_tokenizers import ByteLevel

    # tokenizers maps bytes to printable characters (GPT-2's table); rebuild it to name our tokens in its alphabet.
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    byte_char = dict(zip(bs, map(chr, cs)))
    spell = lambda token: "".join(byte_char[b] for b in token)  # noqa: E731
    vocab = {spell(t): i for i, t in enumerate(tokenizer.vocab)}
    merges = [(spell(tokenizer.vocab[a]), spell(tokenizer.vocab[b])) for a, b in tokenizer.merges]
    hf = tokenizers.Tokenizer(models.BPE(vocab=vocab, merges=merges))
    hf.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(r" ?[^\s]+|\s+"), behavior="isolated"),
                                                ByteLevel(add_prefix_space=False, use_regex=False)])
    rng = random.Random(4)
    texts = CORPUS + [random_text(rng, 50).replace("\ud800", "") for _ in range(200)]  # tokenizers takes valid UTF-8 only
    for text in texts:
        assert hf.encode(text).ids == tokenizer.encode(text), text
