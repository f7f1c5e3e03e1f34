"""Top-k and nucleus (top-p) sampling, in NumPy (what students write) and torch (for generate()).

Both keep a part of the distribution and renormalise it; the rest gets probability exactly 0.

- **top-k** (Fan et al., 2018): the k most probable ids;
- **nucleus** (top-p; Holtzman et al., 2020): the smallest set of most probable ids whose total
  probability is at least p (the id that crosses p is kept).

Ranking: by probability, highest first; equal probabilities are ranked by id, the lower id first
(a stable sort of ``-probs``). So top-k keeps exactly k ids even when the k-th and (k+1)-th are
tied, and the result never depends on the order a sort happens to leave ties in. (Hugging Face's
``top_k`` keeps every id tied with the k-th instead; on continuous model outputs ties do not occur.)
"""

from __future__ import annotations

import numpy as np
import torch


def ranking(probs: np.ndarray) -> np.ndarray:
    """Ids of each row (last axis) from most to least probable; ties: the lower id first."""
    return np.argsort(-np.asarray(probs), axis=-1, kind="stable")


def _keep(probs: np.ndarray, keep_sorted: np.ndarray, order: np.ndarray) -> np.ndarray:
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    out = np.where(keep, probs, 0.0)
    return out / out.sum(axis=-1, keepdims=True)


def top_k_filter(probs, k: int) -> np.ndarray:
    """probs (..., V) distributions -> float64 (..., V): the k most probable ids of each row, renormalised."""
    probs = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= probs.shape[-1]:
        raise ValueError(f"k must be between 1 and the vocabulary size {probs.shape[-1]}, got {k}")
    order = ranking(probs)
    keep_sorted = np.broadcast_to(np.arange(probs.shape[-1]) < k, probs.shape)
    return _keep(probs, keep_sorted, order)


def top_p_filter(probs, p: float) -> np.ndarray:
    """probs (..., V) distributions -> float64 (..., V): per row, the fewest most probable ids whose probabilities
    add up to at least p (an id is kept when the ids ranked before it hold less than p), renormalised."""
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    order = ranking(probs)
    sorted_probs = np.take_along_axis(probs, order, axis=-1)
    before = np.cumsum(sorted_probs, axis=-1) - sorted_probs  # mass ranked before each id
    return _keep(probs, before < p, order)


def sample_truncated(probs, rng: np.random.Generator, k: int | None = None, p: float | None = None) -> int:
    """One id drawn from probs (V,) after top-k (if k) and then nucleus (if p) filtering, with ``rng.choice``."""
    q = np.asarray(probs, dtype=np.float64)
    if k is not None:
        q = top_k_filter(q, k)
    if p is not None:
        q = top_p_filter(q, p)
    return int(rng.choice(len(q), p=q))


def filter_logits(logits: torch.Tensor, k: int | None = None, p: float | None = None) -> torch.Tensor:
    """logits (B, V) with the ids outside top-k then nucleus set to -inf (torch; for a model's generate()).

    The same sets as :func:`top_k_filter` and :func:`top_p_filter` of ``softmax(logits)``, ties by id.
    """
    probs = torch.softmax(logits.double(), dim=-1)
    order = torch.sort(-probs, dim=-1, stable=True).indices  # (B, V)
    sorted_probs = probs.gather(-1, order)
    keep_sorted = torch.ones_like(sorted_probs, dtype=torch.bool)
    if k is not None:
        keep_sorted &= torch.arange(probs.shape[-1], device=logits.device) < k
        sorted_probs = torch.where(keep_sorted, sorted_probs, 0.0)
        sorted_probs = sorted_probs / sorted_probs.sum(-1, keepdim=True)
    if p is not None:
        keep_sorted &= (sorted_probs.cumsum(-1) - sorted_probs) < p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return logits.masked_fill(~keep, float("-inf"))
