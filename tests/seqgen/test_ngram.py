"""Kneser-Ney n-gram baselines: normalisation, known limits, and a slow reference written from the formula."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest

from seqgen.ngram import NGramModel, estimate_discount, ngram_baselines


def slow_kneser_ney(sequences: list[list[int]], vocab_size: int, order: int):
    """P(w | history) by the textbook recursion, with dictionaries (the module's docstring, read literally).

    Each training sequence is counted on its own: no n-gram spans two of them.
    """
    raw = [Counter() for _ in range(order)]
    lefts = [defaultdict(set) for _ in range(order)]
    for train in sequences:
        for k in range(order):
            for t in range(k, len(train)):
                raw[k][tuple(train[t - k:t + 1])] += 1
                lefts[k][tuple(train[t - k:t + 1])].add(train[t - k - 1] if t - k - 1 >= 0 else "start")
    cont = [Counter({g: len(s) for g, s in lefts[k].items()}) for k in range(order)]
    disc = [(estimate_discount(np.array(list(raw[k].values()))), estimate_discount(np.array(list(cont[k].values()))))
            for k in range(order)]

    def prob(history: list[int], w: int, top: int) -> float:
        p = 1.0 / vocab_size
        for k in range(top):
            h = tuple(history[len(history) - k:]) if k else ()
            if len(h) < k:
                continue
            counts = raw[k] if k == top - 1 else cont[k]
            d = disc[k][0] if k == top - 1 else disc[k][1]
            after = {g[-1]: c for g, c in counts.items() if g[:-1] == h}
            if not after:
                continue  # unseen context: back off entirely
            total = sum(after.values())
            p = (max(after.get(w, 0) - d, 0) + d * len(after) * p) / total
        return p

    return prob


@pytest.mark.parametrize("order", [1, 2, 3])
def test_matches_the_textbook_recursion(order):
    """Does each token's probability equal the one the formula gives, computed slowly with dictionaries?"""
    rng = np.random.default_rng(order)
    train = rng.choice(5, size=300, p=[0.4, 0.3, 0.15, 0.1, 0.05]).tolist()
    held = rng.choice(6, size=40).tolist()  # id 5 never occurs in training
    model = NGramModel(order, 6).fit(train)
    prob = slow_kneser_ney([train], 6, order)
    expected = [prob(held[max(0, t - order + 1):t], held[t], order) for t in range(len(held))]
    np.testing.assert_allclose(model.token_probs(held), expected, rtol=1e-12)


@pytest.mark.parametrize("context", [[], [0], [2, 1], [4, 4, 4], [1, 2, 3, 0, 1, 2]])
def test_distribution_sums_to_one_for_any_context(context):
    """For seen, unseen and short contexts, do the probabilities over the vocabulary sum to 1, all positive?"""
    rng = np.random.default_rng(0)
    model = NGramModel(4, 7).fit(rng.choice(5, size=500))  # ids 5 and 6 never seen
    for order in (1, 2, 4):
        p = model.distribution(context, order=order)
        assert p.shape == (7,)
        assert abs(p.sum() - 1.0) < 1e-12 and (p > 0).all()


def test_unigram_without_discount_is_the_empirical_entropy():
    """With discount 0, is the unigram's loss on its own training text the entropy of the token frequencies?"""
    ids = np.array([0, 1, 1, 2, 2, 2, 2, 3])
    freq = np.bincount(ids) / len(ids)
    entropy = -np.sum(freq * np.log(freq))
    assert NGramModel(1, 4, discount=0.0).fit(ids).nll(ids) == pytest.approx(entropy, rel=1e-12)


def test_deterministic_sequence_costs_almost_nothing_at_high_order():
    """A text that repeats 'abcd' is predictable from one token back: near 0 nats at order 3, log 4 at order 1?"""
    ids = np.tile([0, 1, 2, 3], 500)
    model = NGramModel(3, 4).fit(ids)
    held = np.tile([0, 1, 2, 3], 20)
    assert model.nll(held, order=1) == pytest.approx(np.log(4), rel=1e-3)
    assert model.nll(held) < 0.05  # the first token has no context: log 4 / 80 = 0.017 of it


def test_unseen_tokens_get_a_finite_loss():
    """Does a token never seen in training, in a context never seen either, cost a finite number of nats?"""
    model = NGramModel(5, 10).fit(np.arange(5).repeat(3))
    loss = model.nll([9, 8, 9, 7, 6, 9])
    assert np.isfinite(loss) and loss > np.log(10)


def test_rows_are_separate_sequences_without_padding():
    """Fitted on padded rows, does each probability equal the formula's with every row counted on its own, pads dropped?"""
    rng = np.random.default_rng(5)
    lengths = rng.integers(1, 12, size=40)
    seqs = [rng.choice([1, 2, 3, 4], size=n, p=[0.4, 0.3, 0.2, 0.1]).tolist() for n in lengths]
    rows = np.zeros((len(seqs), 12), dtype=np.int64)  # id 0 is padding
    for r, seq in enumerate(seqs):
        rows[r, :len(seq)] = seq
    model = NGramModel(3, 6).fit(rows, pad_id=0)
    prob = slow_kneser_ney(seqs, 6, 3)
    held = [[1, 2, 3, 5, 1], [4], [2, 2]]  # id 5 never seen; a row of one token has no target
    held_rows = np.zeros((3, 6), dtype=np.int64)
    for r, seq in enumerate(held):
        held_rows[r, :len(seq)] = seq
    expected = [prob(seq[max(0, t - 2):t], seq[t], 3) for seq in held for t in range(1, len(seq))]
    np.testing.assert_allclose(model.token_probs(held_rows, pad_id=0), expected, rtol=1e-12)
    losses = ngram_baselines(rows, held_rows, orders=(1, 3), vocab_size=6, pad_id=0)
    assert losses[3] == pytest.approx(-np.mean(np.log(expected)), rel=1e-12)


def test_training_text_shorter_than_the_order():
    """Fitted on 3 tokens, does an order-5 model still score (longer contexts were never seen) and normalise?"""
    model = NGramModel(5, 4).fit([0, 1, 2])
    assert np.isfinite(model.nll([0, 1, 2, 3, 0, 1]))
    assert model.distribution([0, 1, 2, 3]).sum() == pytest.approx(1.0, abs=1e-12)


def test_baselines_improve_with_order_on_structured_text():
    """On a text made of repeated words, does each order up to the word length beat the one below?"""
    rng = np.random.default_rng(1)
    words = [[0, 1, 2, 3], [4, 5, 2, 1], [3, 3, 0, 5]]
    ids = np.concatenate([words[i] for i in rng.integers(0, 3, size=2000)])
    split = int(0.9 * len(ids))
    losses = ngram_baselines(ids[:split], ids[split:], orders=(1, 2, 3, 4))
    assert list(losses) == [1, 2, 3, 4]
    assert losses[1] > losses[2] > losses[3] > losses[4]


def test_bad_arguments_are_refused():
    """Are ids outside the vocabulary, order 0, and scoring before fitting refused with an error?"""
    with pytest.raises(ValueError):
        NGramModel(2, 3).fit([0, 1, 3])
    with pytest.raises(ValueError):
        NGramModel(0, 3)
    with pytest.raises(RuntimeError):
        NGramModel(2, 3).nll([0, 1])
    with pytest.raises(ValueError):
        NGramModel(2, 3).fit([0, 1, 2]).nll([0, 1], order=3)
