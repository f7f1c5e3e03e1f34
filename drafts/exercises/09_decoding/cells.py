"""Chapter 9 additions: top-k and nucleus (top-p) sampling, after "Writing reviews with your sampler".

The page then writes wine reviews (and Shakespeare) with the trained GPT at several settings (greedy, T = 1,
top-k 10, top-p 0.9) from the same prompt and seed, as a table."""

SETUP = r'''
import numpy as np
from seqgen import check_close, check_equal, check_probabilities, check_shape, passed
'''

ORDER = ["top_k_filter", "top_p_filter", "sample_truncated"]

ANSWERS = {
    "top_k_filter": r'''
def top_k_filter(probs, k):
    """Keep the k most probable ids of each distribution.

    probs: (..., V) probabilities (each row sums to 1); k: an int, 1 <= k <= V (else ValueError). Ids are ranked by
    probability, highest first, equal probabilities by id, the lower id first. Returns a new float64 array of the
    same shape: the k best ids of each row keep their probability, renormalised to sum to 1; every other id gets 0.
    probs is left unchanged.
    """
    ### BEGIN SOLUTION
    probs = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= probs.shape[-1]:
        raise ValueError(f"k must be between 1 and {probs.shape[-1]}, got {k}")
    order = np.argsort(-probs, axis=-1, kind="stable")  # best first, ties: lower id first
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order[..., :k], True, axis=-1)
    out = np.where(keep, probs, 0.0)
    return out / out.sum(axis=-1, keepdims=True)
    ### END SOLUTION
''',
    "top_p_filter": r'''
def top_p_filter(probs, p):
    """Keep the nucleus of each distribution: its fewest most probable ids whose probabilities add up to at least p.

    probs: (..., V) probabilities; p: a float, 0 < p <= 1 (else ValueError). Same ranking as top_k_filter. An id is
    kept when the ids ranked before it hold less than p in total (so the id that reaches p is kept). Returns a new
    float64 array of the same shape, the kept ids renormalised, every other id 0. probs is left unchanged.
    """
    ### BEGIN SOLUTION
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    order = np.argsort(-probs, axis=-1, kind="stable")
    ranked = np.take_along_axis(probs, order, axis=-1)
    before = np.cumsum(ranked, axis=-1) - ranked  # mass ranked before each id
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order, before < p, axis=-1)
    out = np.where(keep, probs, 0.0)
    return out / out.sum(axis=-1, keepdims=True)
    ### END SOLUTION
''',
    "sample_truncated": r'''
def sample_truncated(probs, rng, k=None, p=None):
    """Draw one id from probs (V,) after top-k filtering (if k is not None), then nucleus filtering of the result
    (if p is not None), with rng.choice (rng: a numpy.random.Generator; never the global NumPy state).
    Returns a Python int."""
    ### BEGIN SOLUTION
    q = np.asarray(probs, dtype=np.float64)
    if k is not None:
        q = top_k_filter(q, k)
    if p is not None:
        q = top_p_filter(q, p)
    return int(rng.choice(len(q), p=q))
    ### END SOLUTION
''',
}

TESTS = {
    "top_k_filter": r'''
p = np.array([0.1, 0.4, 0.2, 0.2, 0.1])
check_close(top_k_filter(p, 2), [0, 2 / 3, 1 / 3, 0, 0], "top-2 of [0.1, 0.4, 0.2, 0.2, 0.1] (the tie goes to id 2)")
check_close(top_k_filter(p, 5), p, "k = V keeps everything")
check_close(top_k_filter(p, 1), [0, 1, 0, 0, 0], "k = 1 is greedy")
check_shape(top_k_filter(np.stack([p, p[::-1]]), 3), (2, 5), "a batch of two rows")
check_probabilities(top_k_filter(np.stack([p, p[::-1]]), 3), "a batch of two rows")
check_close(p, [0.1, 0.4, 0.2, 0.2, 0.1], "probs after the call (unchanged)")
passed()
''',
    "top_p_filter": r'''
p = np.array([0.25, 0.5, 0.125, 0.125])  # every sum here is exact in floating point
check_close(top_p_filter(p, 0.75), [1 / 3, 2 / 3, 0, 0], "p = 0.75: 0.5 + 0.25 reaches it exactly")
check_close(top_p_filter(p, 0.8), [2 / 7, 4 / 7, 1 / 7, 0], "p = 0.8: a third id needed; the tie goes to id 2")
check_close(top_p_filter(p, 0.1), [0, 1, 0, 0], "a small p keeps the best id only")
check_close(top_p_filter(p, 1.0), p, "p = 1 keeps everything")
passed()
''',
    "sample_truncated": r'''
p = np.array([0.05, 0.4, 0.1, 0.3, 0.15])
rng = np.random.default_rng(0)
draws = np.array([sample_truncated(p, rng, k=3) for _ in range(20_000)])
check_equal(sorted(set(draws.tolist())), [1, 3, 4], "ids drawn with k = 3")
check_close(np.bincount(draws, minlength=5) / 20_000, [0, 0.4 / 0.85, 0, 0.3 / 0.85, 0.15 / 0.85],
            "frequencies of 20,000 draws with k = 3", atol=0.015)
same = [sample_truncated(p, np.random.default_rng(5), p=0.9) for _ in range(3)]
check_equal(len(set(same)), 1, "draws from equally seeded generators")
passed()
''',
}
