"""Top-k and nucleus filtering: the kept sets by a brute-force definition, renormalised; draws; the torch version."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from solutions.truncated_sampling import filter_logits, sample_truncated, top_k_filter, top_p_filter


def brute_rank(p):
    return sorted(range(len(p)), key=lambda i: (-p[i], i))  # most probable first, ties: lower id first


def brute_top_k(p, k):
    keep = set(brute_rank(p)[:k])
    return keep


def brute_top_p(p, p_min):
    keep, mass = set(), 0.0
    for i in brute_rank(p):
        if mass >= p_min:
            break
        keep.add(i)
        mass += p[i]
    return keep


def as_distribution(p, keep):
    q = np.array([p[i] if i in keep else 0.0 for i in range(len(p))])
    return q / q.sum()


def random_distributions(seed, n=50, V=12):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        x = rng.dirichlet(np.full(V, 0.5))
        if rng.random() < 0.3:  # ties: copy one value over a few ids
            x[rng.choice(V, 3, replace=False)] = x[0]
            x /= x.sum()
        yield x


def test_top_k_keeps_the_k_most_probable_ids_renormalised():
    """Does top_k_filter keep exactly the k best ids (ties to the lower id) and renormalise them?"""
    for p in random_distributions(0):
        for k in (1, 2, 5, 12):
            np.testing.assert_allclose(top_k_filter(p, k), as_distribution(p, brute_top_k(p, k)), atol=1e-15)


def test_top_p_keeps_the_smallest_set_reaching_p():
    """Does top_p_filter keep the fewest best ids whose mass reaches p, the id crossing p included?"""
    for p in random_distributions(1):
        for p_min in (0.05, 0.3, 0.5, 0.9, 1.0):
            np.testing.assert_allclose(top_p_filter(p, p_min), as_distribution(p, brute_top_p(p, p_min)), atol=1e-15)


def test_boundaries_worked_by_hand():
    """Exact cases: a mass exactly p stops there; tied ids go by id; p = 1 keeps all; k = 1 is greedy."""
    p = np.array([0.25, 0.5, 0.125, 0.125])  # dyadic: every sum is exact in floating point
    np.testing.assert_array_equal(top_p_filter(p, 0.75), [1 / 3, 2 / 3, 0, 0])  # 0.5 + 0.25 = 0.75 exactly
    np.testing.assert_array_equal(top_p_filter(p, 0.76), [0.25 / 0.875, 0.5 / 0.875, 0.125 / 0.875, 0])  # id 2 before 3
    np.testing.assert_array_equal(top_k_filter(p, 3), top_p_filter(p, 0.76))
    np.testing.assert_array_equal(top_p_filter(p, 1.0), p)
    np.testing.assert_array_equal(top_k_filter(p, 1), [0, 1, 0, 0])
    np.testing.assert_array_equal(top_p_filter(p, 1e-9), [0, 1, 0, 0])


def test_batches_are_filtered_row_by_row():
    """Does a (B, V) batch give each row's own filtering?"""
    rows = np.stack(list(random_distributions(2, n=6)))
    np.testing.assert_allclose(top_k_filter(rows, 3), np.stack([top_k_filter(r, 3) for r in rows]), atol=1e-15)
    np.testing.assert_allclose(top_p_filter(rows, 0.6), np.stack([top_p_filter(r, 0.6) for r in rows]), atol=1e-15)


@pytest.mark.parametrize("bad", [dict(k=0), dict(k=13), dict(p=0.0), dict(p=1.5)])
def test_out_of_range_arguments_raise(bad):
    """Is a k outside [1, V] or a p outside (0, 1] refused with a ValueError?"""
    p = np.full(12, 1 / 12)
    with pytest.raises(ValueError):
        top_k_filter(p, bad["k"]) if "k" in bad else top_p_filter(p, bad["p"])


def test_draws_follow_the_filtered_distribution_and_the_rng():
    """Do 20,000 draws land only in the kept set, with its renormalised frequencies, reproducibly from the rng?"""
    p = np.array([0.05, 0.4, 0.1, 0.3, 0.15])
    rng = np.random.default_rng(0)
    draws = np.array([sample_truncated(p, rng, k=3, p=0.8) for _ in range(20_000)])
    want = top_p_filter(top_k_filter(p, 3), 0.8)  # top-3: ids 1, 3, 4; then 0.4/0.85 + 0.3/0.85 = 0.82 >= 0.8
    np.testing.assert_array_equal(want > 0, [False, True, False, True, False])
    np.testing.assert_allclose(np.bincount(draws, minlength=5) / 20_000, want, atol=0.015)
    a = [sample_truncated(p, np.random.default_rng(7), p=0.9) for _ in range(5)]
    b = [sample_truncated(p, np.random.default_rng(7), p=0.9) for _ in range(5)]
    assert a == b and all(isinstance(x, int) for x in a)


def test_torch_filter_keeps_the_same_sets():
    """Does filter_logits mask exactly the ids the NumPy filters drop, for top-k, top-p and both?"""
    for seed, p in enumerate(random_distributions(3, n=20)):
        logits = torch.log(torch.from_numpy(p))[None]
        for k, p_min in [(4, None), (None, 0.7), (5, 0.5)]:
            want = p
            if k is not None:
                want = top_k_filter(want, k)
            if p_min is not None:
                want = top_p_filter(want, p_min)
            got = torch.softmax(filter_logits(logits, k, p_min), -1)[0].numpy()
            np.testing.assert_allclose(got, want, atol=1e-12)
