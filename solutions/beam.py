"""Beam search over any step function (chapter 7), and brute force to compare it with.

A *step function* maps prefixes (k, t) int ids, each starting with the start token, to
the log-probabilities of the next token, (k, V). A hypothesis is the tokens written after
the start token; it is *finished* when its last token is ``end`` or it holds ``max_len``
tokens. Its score is ``logp / n ** alpha`` with ``logp`` the sum of its tokens'
log-probabilities and ``n`` its number of tokens (``alpha = 0``: no length normalisation;
``alpha = 1``: the mean log-probability per token).

At every step the beam keeps the ``width`` best hypotheses by score among the finished
ones it holds and every one-token extension of the unfinished ones; it stops when all
it holds are finished. Ties keep the earlier candidate (beam order, then token id).
With ``width`` at least the number of hypotheses of every length below ``max_len``
(``V ** (max_len - 1)`` without an end token) nothing is ever dropped, so the result is
:func:`brute_force`'s.
"""

from __future__ import annotations

import itertools

import numpy as np


def _scores(logp: np.ndarray, lengths: np.ndarray, alpha: float) -> np.ndarray:
    return logp / lengths.astype(np.float64) ** alpha


def beam_search(step, start: int, max_len: int, width: int, end: int | None = None, alpha: float = 0.0):
    """The ``width`` best hypotheses found: (ids (width, max_len) int, padded with ``end`` or -1 after
    a hypothesis ends; their log-probabilities (width,); their scores (width,)), best first."""
    beams = [([], 0.0)]  # (tokens, logp)
    first = np.asarray(step(np.array([[start]])), dtype=np.float64)
    V = first.shape[-1]
    if not 1 <= width <= V:
        raise ValueError(f"beam width must be between 1 and the vocabulary size {V}, got {width}")
    pad = -1 if end is None else end
    for _ in range(max_len):
        alive = [b for b in beams if not _finished(b[0], max_len, end)]
        if not alive:
            break
        prefixes = np.array([[start] + tokens for tokens, _ in alive])  # (k, t)
        logps = np.asarray(step(prefixes), dtype=np.float64)  # (k, V)
        candidates = [b for b in beams if _finished(b[0], max_len, end)]
        candidates += [(tokens + [v], lp + float(logps[i, v])) for i, (tokens, lp) in enumerate(alive) for v in range(V)]
        scores = _scores(np.array([lp for _, lp in candidates]), np.array([len(t) for t, _ in candidates]), alpha)
        order = np.argsort(-scores, kind="stable")[:width]
        beams = [candidates[i] for i in order]
    ids = np.full((len(beams), max_len), pad, dtype=np.int64)
    for row, (tokens, _) in enumerate(beams):
        ids[row, : len(tokens)] = tokens
    logp = np.array([lp for _, lp in beams])
    return ids, logp, _scores(logp, np.array([len(t) for t, _ in beams]), alpha)


def _finished(tokens: list[int], max_len: int, end: int | None) -> bool:
    return len(tokens) == max_len or (end is not None and bool(tokens) and tokens[-1] == end)


def greedy(step, start: int, max_len: int, end: int | None = None):
    """The most likely next token at every step: (ids (max_len,), logp)."""
    tokens, logp = [], 0.0
    while not _finished(tokens, max_len, end):
        row = np.asarray(step(np.array([[start] + tokens])), dtype=np.float64)[0]
        v = int(np.argmax(row))
        tokens.append(v)
        logp += float(row[v])
    ids = np.full(max_len, -1 if end is None else end, dtype=np.int64)
    ids[: len(tokens)] = tokens
    return ids, logp


def brute_force(step, start: int, max_len: int, V: int, end: int | None = None, alpha: float = 0.0):
    """Every complete hypothesis scored: (list of token tuples, logps, scores), best first (stable)."""
    hyps, logps = [], []
    for n in range(1, max_len + 1):
        for tokens in itertools.product(range(V), repeat=n):
            ends_early = end is not None and end in tokens[:-1]
            if ends_early or (n < max_len and (end is None or tokens[-1] != end)):
                continue
            logp = sum(float(np.asarray(step(np.array([[start, *tokens[:i]]])), dtype=np.float64)[0, v])
                       for i, v in enumerate(tokens))
            hyps.append(tokens)
            logps.append(logp)
    logps = np.array(logps)
    scores = _scores(logps, np.array([len(t) for t in hyps]), alpha)
    order = np.argsort(-scores, kind="stable")
    return [hyps[i] for i in order], logps[order], scores[order]


def table_step(table: np.ndarray):
    """A step function from a fixed transition table (V, V) of log-probabilities: next | last token."""
    table = np.asarray(table, dtype=np.float64)
    return lambda prefixes: table[np.asarray(prefixes)[:, -1]]
