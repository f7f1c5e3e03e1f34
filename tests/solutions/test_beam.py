"""Beam search over a step function, against greedy decoding and brute force."""

from __future__ import annotations

import numpy as np
import pytest

from solutions.beam import beam_search, brute_force, greedy, table_step


def random_table(rng, V):
    logits = rng.normal(0, 2, size=(V, V))
    return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))  # rows are log-probabilities


@pytest.mark.parametrize("end", [None, 0])
def test_width_one_is_greedy(end):
    """Does a beam of width 1 write exactly the greedy sequence, with its log-probability?"""
    rng = np.random.default_rng(0)
    for V, T in [(3, 5), (6, 4), (10, 7)]:
        step = table_step(random_table(rng, V))
        ids, logp, _ = beam_search(step, start=1, max_len=T, width=1, end=end)
        want_ids, want_logp = greedy(step, start=1, max_len=T, end=end)
        assert ids.shape == (1, T)
        np.testing.assert_array_equal(ids[0], want_ids)
        assert logp[0] == pytest.approx(want_logp, abs=1e-12)


@pytest.mark.parametrize("end, alpha", [(None, 0.0), (2, 0.0), (2, 1.0), (0, 0.7)])
def test_full_width_is_brute_force(end, alpha):
    """With width |V| = |V|^(T-1) for T = 2 (the widest allowed), are the hypotheses brute force's top |V|, in order?"""
    rng = np.random.default_rng(1)
    for V in [2, 3, 5, 8]:
        step = table_step(random_table(rng, V))
        ids, logp, scores = beam_search(step, start=1, max_len=2, width=V, end=end, alpha=alpha)
        hyps, want_logp, want_scores = brute_force(step, start=1, max_len=2, V=V, end=end, alpha=alpha)
        got = [tuple(int(v) for v in row[: (list(row).index(end) + 1) if end in row else len(row)]) for row in ids]
        assert got == hyps[:V]
        np.testing.assert_allclose(logp, want_logp[:V], atol=1e-12)
        np.testing.assert_allclose(scores, want_scores[:V], atol=1e-12)


def test_known_top_sequences_of_a_fixed_table():
    """On a 3-token table worked out by hand, are the two best sequences of length 3 and their log-probabilities right?"""
    p = np.array([[0.1, 0.6, 0.3],   # after token 0
                  [0.5, 0.1, 0.4],   # after token 1
                  [0.2, 0.2, 0.6]])  # after token 2
    step = table_step(np.log(p))
    ids, logp, scores = beam_search(step, start=0, max_len=3, width=2)
    # Step 1 keeps 1 (0.6) and 2 (0.3); step 2: 1->0 0.30, 1->2 0.24, 2->2 0.18: keeps (1,0), (1,2);
    # step 3: (1,0,1) 0.18, (1,2,2) 0.144, (1,0,2) 0.09, (1,2,0) 0.048 ...
    np.testing.assert_array_equal(ids, [[1, 0, 1], [1, 2, 2]])
    np.testing.assert_allclose(np.exp(logp), [0.18, 0.144], rtol=1e-12)
    np.testing.assert_allclose(scores, logp)
    # Greedy finds (1, 0, 1) too; the best sequence overall is also (1, 0, 1) here.
    hyps, best, _ = brute_force(step, start=0, max_len=3, V=3)
    assert hyps[:2] == [(1, 0, 1), (1, 2, 2)] and np.exp(best[0]) == pytest.approx(0.18)


def test_length_normalisation_prefers_a_longer_hypothesis():
    """With an end token, does alpha = 0 keep the short likely hypothesis and alpha = 1 the long one of higher mean log-probability?"""
    # From the start (token 0): end (token 2) at once with 0.5, else token 1, which repeats with 0.9 or ends with 0.1.
    p = np.array([[0.0, 0.5, 0.5], [0.0, 0.9, 0.1], [1 / 3, 1 / 3, 1 / 3]])
    with np.errstate(divide="ignore"):
        step = table_step(np.log(p))
    raw_ids, raw_logp, _ = beam_search(step, start=0, max_len=4, width=2, end=2, alpha=0.0)
    np.testing.assert_array_equal(raw_ids[0], [2, 2, 2, 2])  # "end" at once (0.5), padded with end
    assert np.exp(raw_logp[0]) == pytest.approx(0.5)
    norm_ids, norm_logp, norm_scores = beam_search(step, start=0, max_len=4, width=2, end=2, alpha=1.0)
    np.testing.assert_array_equal(norm_ids[0], [1, 1, 1, 1])  # 0.5 * 0.9^3 = 0.3645 over 4 tokens
    assert np.exp(norm_logp[0]) == pytest.approx(0.3645)
    assert norm_scores[0] == pytest.approx(np.log(0.3645) / 4)


def test_width_beyond_the_vocabulary_is_refused():
    """Does a width of 0 or wider than the vocabulary raise an error that names the vocabulary size?"""
    step = table_step(np.log(np.full((4, 4), 0.25)))
    for width in [0, 5]:
        with pytest.raises(ValueError, match="vocabulary size 4"):
            beam_search(step, start=0, max_len=3, width=width)
