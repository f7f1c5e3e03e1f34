"""Hidden checks drafted for chapter 9's top-k and nucleus sampling."""

from __future__ import annotations

import numpy as np

from autograder.checking import Checks, expect
from solutions.truncated_sampling import top_k_filter, top_p_filter

checks = Checks()

# Float64 both sides; the renormalisation may sum in another order: agreement to ~1e-16 per entry.
ATOL, RTOL = 1e-12, 1e-9
RAISES = ("try:\n    {call}\n    result = 'no error'\nexcept ValueError:\n    result = 'ValueError'\n")


def distributions(seed: int, shape: tuple) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(shape[-1], 0.6), size=shape[:-1])
    flat = p.reshape(-1, shape[-1])
    for row in flat[::2]:  # ties in every other row, across the boundaries the filters draw
        row[rng.choice(shape[-1], min(3, shape[-1]), replace=False)] = row.max() if rng.random() < 0.5 else np.median(row)
        row /= row.sum()
    return flat.reshape(shape)


DYADIC = np.array([0.25, 0.5, 0.125, 0.0625, 0.0625])  # exact sums: boundaries are exact


def _filter_case(k, name, ref, arg, p, what):
    got, p_after = k.run(f"result = ({name}(probs, arg), probs)", probs=p, arg=arg)
    expect.array(got, what, shape=p.shape, kind="f")
    expect.true(got.dtype == np.float64, f"{what}: expected float64, got {got.dtype}")
    expect.close(got, ref(p, arg), what, atol=ATOL, rtol=RTOL)
    expect.equal(p_after, p, f"{what}: probs after the call (unchanged)")


@checks.exercise("top_k_filter")
def _(k):
    """Contract: top_k_filter(probs (..., V), k) -> a new float64 array of probs' shape: per row the k most probable ids
    (ties: the lower id) renormalised, others 0; probs unchanged; ValueError unless 1 <= k <= V."""
    for seed, shape in enumerate([(9,), (4, 7), (2, 3, 6), (1,)]):
        p = distributions(900 + seed, shape)
        for kk in sorted({min(2, shape[-1]), 1, shape[-1] // 2 or 1, shape[-1]}):
            _filter_case(k, "top_k_filter", top_k_filter, kk, p, f"top_k_filter(probs of shape {shape}, k={kk})")
    for kk in (2, 4):
        _filter_case(k, "top_k_filter", top_k_filter, kk, DYADIC, f"top_k_filter({DYADIC.tolist()}, k={kk}) (tied ids 3, 4)")
    for bad in (0, 6):
        got = k.run(RAISES.format(call="top_k_filter(probs, bad)"), probs=DYADIC, bad=bad)
        expect.true(got == "ValueError", f"top_k_filter with k={bad} and V=5: expected a ValueError, got {got!r}")


@checks.exercise("top_p_filter")
def _(k):
    """Contract: top_p_filter(probs (..., V), p) -> a new float64 array of probs' shape: per row the ids ranked before
    which less than p is held (ties: the lower id first), renormalised, others 0; probs unchanged; ValueError unless
    0 < p <= 1."""
    for seed, shape in enumerate([(9,), (4, 7), (2, 3, 6)]):
        p = distributions(950 + seed, shape)
        for pp in (0.05, 0.3, 0.6, 0.95, 1.0):
            _filter_case(k, "top_p_filter", top_p_filter, pp, p, f"top_p_filter(probs of shape {shape}, p={pp})")
    for pp in (0.75, 0.875, 0.9, 0.5):  # 0.75 and 0.875 are reached exactly; 0.9 needs a tied id
        _filter_case(k, "top_p_filter", top_p_filter, pp, DYADIC, f"top_p_filter({DYADIC.tolist()}, p={pp})")
    for bad in (0.0, 1.5):
        got = k.run(RAISES.format(call="top_p_filter(probs, bad)"), probs=DYADIC, bad=bad)
        expect.true(got == "ValueError", f"top_p_filter with p={bad}: expected a ValueError, got {got!r}")


DRAWS = (
    "np.random.seed(123)\n"
    "_rng = np.random.default_rng(seed)\n"
    "_a = [sample_truncated(probs, _rng, k=kk, p=pp) for _ in range(n)]\n"
    "np.random.seed(456)\n"
    "_r1 = np.random.default_rng(seed + 1)\n"
    "_b = [sample_truncated(probs, _r1, k=kk, p=pp) for _ in range(12)]\n"
    "np.random.seed(789)\n"
    "_r2 = np.random.default_rng(seed + 1)\n"
    "_c = [sample_truncated(probs, _r2, k=kk, p=pp) for _ in range(12)]\n"
    "result = (_a, _b, _c)\n"
)
N = 3_000  # draws per case: each crosses the swapped filters once per call in the in-process kernel


@checks.exercise("sample_truncated")
def _(k):
    """Contract: sample_truncated(probs (V,), rng, k=None, p=None) -> a Python int drawn with rng from top_k_filter (if k)
    and then top_p_filter of that (if p): only kept ids, at their renormalised frequencies; equal generators give equal
    draws whatever the global NumPy state. The two filters are the reference's while this runs."""
    probs = np.array([0.05, 0.4, 0.1, 0.3, 0.15])
    # (3, 0.8): top-3 first gives {1, 3} (p applied to the renormalised top-3); the other order would keep {1, 3, 4}.
    for kk, pp in [(None, None), (3, None), (None, 0.6), (3, 0.8)]:
        want = probs if kk is None else top_k_filter(probs, kk)
        want = want if pp is None else top_p_filter(want, pp)
        what = f"sample_truncated(probs={probs.tolist()}, k={kk}, p={pp})"
        with k.swap("top_k_filter", top_k_filter, cache=True), k.swap("top_p_filter", top_p_filter, cache=True):
            got = k.run(DRAWS, probs=probs, kk=kk, pp=pp, seed=11, n=N)
        expect.type(got, tuple, what)
        a, b, c = got
        expect.type(a, list, f"{what}: the draws")
        expect.true(len(a) == N, f"{what}: expected {N} draws, got {len(a)}")
        expect.true(all(type(x) is int for x in a), f"{what}: expected Python ints, got {type(a[0]).__name__}")
        draws = np.array(a)
        expect.true(bool(np.all((draws >= 0) & (draws < 5))) and bool(np.all(want[draws] > 0)),
                    f"{what}: drew ids outside the kept set {np.flatnonzero(want).tolist()}: {sorted(set(a))}")
        freq = np.bincount(draws, minlength=5) / N
        # Four standard errors of a frequency from 3,000 draws: at most 4 * sqrt(0.25 / 3000) = 0.037; the wrong
        # answers kept move a frequency by 0.1 or more.
        expect.close(freq, want, f"{what}: frequencies of {N:,} draws", atol=0.04, rtol=0)
        expect.true(b == c, f"{what}: two generators seeded alike gave {b} and {c} (is the global NumPy state used?)")
