"""Chapter 9's kept answers for Exercises 7-9 (top-k and nucleus sampling), merged into ``mutants.py`` beside this file
(kept apart so that neither file is over 400 lines)."""

MUTANTS = {
    "top_k_filter": {
        "logic: ties go to the higher id": '''
def top_k_filter(probs, k):
    probs = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= probs.shape[-1]:
        raise ValueError(k)
    order = np.argsort(probs, axis=-1, kind="stable")[..., ::-1]
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order[..., :k], True, axis=-1)
    out = np.where(keep, probs, 0.0)
    return out / out.sum(axis=-1, keepdims=True)
''',
        "numeric: not renormalised": '''
def top_k_filter(probs, k):
    probs = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= probs.shape[-1]:
        raise ValueError(k)
    order = np.argsort(-probs, axis=-1, kind="stable")
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order[..., :k], True, axis=-1)
    return np.where(keep, probs, 0.0)
''',
        "contract: zeroes the caller's array in place": '''
def top_k_filter(probs, k):
    probs = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= probs.shape[-1]:
        raise ValueError(k)
    order = np.argsort(-probs, axis=-1, kind="stable")
    np.put_along_axis(probs, order[..., k:], 0.0, axis=-1)
    return probs / probs.sum(axis=-1, keepdims=True)
''',
        "contract: keeps every id tied with the k-th (more than k)": '''
def top_k_filter(probs, k):
    probs = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= probs.shape[-1]:
        raise ValueError(k)
    kth = -np.sort(-probs, axis=-1)[..., k - 1:k]
    out = np.where(probs >= kth, probs, 0.0)
    return out / out.sum(axis=-1, keepdims=True)
''',
        "contract: no error for k out of range": '''
def top_k_filter(probs, k):
    probs = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-probs, axis=-1, kind="stable")
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order[..., :max(k, 1)], True, axis=-1)
    out = np.where(keep, probs, 0.0)
    return out / out.sum(axis=-1, keepdims=True)
''',
    },
    "top_p_filter": {
        "logic: the id that reaches p is dropped": '''
def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError(p)
    order = np.argsort(-probs, axis=-1, kind="stable")
    ranked = np.take_along_axis(probs, order, axis=-1)
    keep_sorted = np.cumsum(ranked, axis=-1) < p
    keep_sorted[..., 0] = True
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    out = np.where(keep, probs, 0.0)
    return out / out.sum(axis=-1, keepdims=True)
''',
        "logic: one id too many when p is reached exactly (<= instead of <)": '''
def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError(p)
    order = np.argsort(-probs, axis=-1, kind="stable")
    ranked = np.take_along_axis(probs, order, axis=-1)
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order, np.cumsum(ranked, axis=-1) - ranked <= p, axis=-1)
    out = np.where(keep, probs, 0.0)
    return out / out.sum(axis=-1, keepdims=True)
''',
        "numeric: not renormalised": '''
def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError(p)
    order = np.argsort(-probs, axis=-1, kind="stable")
    ranked = np.take_along_axis(probs, order, axis=-1)
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order, np.cumsum(ranked, axis=-1) - ranked < p, axis=-1)
    return np.where(keep, probs, 0.0)
''',
        "logic: ties ranked by the higher id": '''
def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError(p)
    order = np.argsort(probs, axis=-1, kind="stable")[..., ::-1]
    ranked = np.take_along_axis(probs, order, axis=-1)
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order, np.cumsum(ranked, axis=-1) - ranked < p, axis=-1)
    out = np.where(keep, probs, 0.0)
    return out / out.sum(axis=-1, keepdims=True)
''',
    },
    "sample_truncated": {
        "contract: the global NumPy generator": '''
def sample_truncated(probs, rng, k=None, p=None):
    q = np.asarray(probs, dtype=np.float64)
    if k is not None:
        q = top_k_filter(q, k)
    if p is not None:
        q = top_p_filter(q, p)
    return int(np.random.choice(len(q), p=q))
''',
        "logic: nucleus first, then top-k": '''
def sample_truncated(probs, rng, k=None, p=None):
    q = np.asarray(probs, dtype=np.float64)
    if p is not None:
        q = top_p_filter(q, p)
    if k is not None:
        q = top_k_filter(q, k)
    return int(rng.choice(len(q), p=q))
''',
        "logic: the most probable kept id (no draw)": '''
def sample_truncated(probs, rng, k=None, p=None):
    q = np.asarray(probs, dtype=np.float64)
    if k is not None:
        q = top_k_filter(q, k)
    if p is not None:
        q = top_p_filter(q, p)
    return int(np.argmax(q))
''',
        "contract: returns a one-element array": '''
def sample_truncated(probs, rng, k=None, p=None):
    q = np.asarray(probs, dtype=np.float64)
    if k is not None:
        q = top_k_filter(q, k)
    if p is not None:
        q = top_p_filter(q, p)
    return rng.choice(len(q), 1, p=q)
''',
    },
}

ALTERNATIVES = {
    "top_k_filter": [
        '''
def top_k_filter(probs, k):
    probs = np.array(probs, dtype=np.float64)
    V = probs.shape[-1]
    if k < 1 or k > V:
        raise ValueError(f"k={k} outside 1..{V}")
    flat = probs.reshape(-1, V)
    out = np.zeros_like(flat)
    for r, row in enumerate(flat):
        best = sorted(range(V), key=lambda i: (-row[i], i))[:k]
        out[r, best] = row[best] / row[best].sum()
    return out.reshape(probs.shape)
''',
        '''
def top_k_filter(probs, k):
    probs = np.asarray(probs, dtype=np.float64)
    V = probs.shape[-1]
    if not (1 <= k <= V):
        raise ValueError("bad k")
    ids = np.broadcast_to(np.arange(V), probs.shape)
    rank = np.argsort(np.lexsort((ids, -probs), axis=-1), axis=-1)  # rank of each id
    out = probs * (rank < k)
    return out / out.sum(-1, keepdims=True)
''',
    ],
    "top_p_filter": [
        '''
def top_p_filter(probs, p):
    probs = np.array(probs, dtype=np.float64)
    if p <= 0 or p > 1:
        raise ValueError(p)
    V = probs.shape[-1]
    flat = probs.reshape(-1, V)
    out = np.zeros_like(flat)
    for r, row in enumerate(flat):
        mass = 0.0
        for i in sorted(range(V), key=lambda i: (-row[i], i)):
            if mass >= p:
                break
            out[r, i] = row[i]
            mass += row[i]
        out[r] /= out[r].sum()
    return out.reshape(probs.shape)
''',
        '''
def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0.0 < p <= 1.0:
        raise ValueError(p)
    order = np.argsort(-probs, axis=-1, kind="mergesort")
    ranked = np.take_along_axis(probs, order, axis=-1)
    before = np.concatenate([np.zeros_like(ranked[..., :1]), np.cumsum(ranked, axis=-1)[..., :-1]], axis=-1)
    kept = np.take_along_axis(before < p, np.argsort(order, axis=-1), axis=-1)
    out = probs * kept
    return out / out.sum(axis=-1, keepdims=True)
''',
    ],
    "sample_truncated": [
        # Draw among the kept ids only: other draws than the reference's, the same distribution.
        '''
def sample_truncated(probs, rng, k=None, p=None):
    q = np.asarray(probs, dtype=np.float64)
    q = q if k is None else top_k_filter(q, k)
    q = q if p is None else top_p_filter(q, p)
    kept = np.flatnonzero(q)
    return int(rng.choice(kept, p=q[kept] / q[kept].sum()))
''',
        # Inverse transform sampling with rng.random().
        '''
def sample_truncated(probs, rng, k=None, p=None):
    q = np.asarray(probs, dtype=np.float64)
    if k is not None:
        q = top_k_filter(q, k)
    if p is not None:
        q = top_p_filter(q, p)
    u = rng.random()
    i = int(np.searchsorted(np.cumsum(q), u * q.sum(), side="right"))
    return min(i, len(q) - 1) if q[min(i, len(q) - 1)] > 0 else int(np.flatnonzero(q)[-1])
''',
    ],
}
