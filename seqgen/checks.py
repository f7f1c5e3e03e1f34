"""Visible-test helpers: each failure says what was expected and what came.

Used inline in the chapters (``check_shape(h, (B, H), "h_next")``) and by the
visible tests under each exercise. They raise ``AssertionError`` so nbgrader
counts a failed check as a failed test.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np


def _shape_of(x: Any) -> tuple:
    shape = getattr(x, "shape", None)
    if shape is None:
        shape = np.shape(x)
    return tuple(int(s) if s is not None else None for s in shape)


def check_shape(x: Any, expected: Sequence[int | None], name: str = "output") -> None:
    """Assert ``x`` has shape ``expected``; ``None`` in ``expected`` matches any size.

    >>> check_shape(np.zeros((2, 128)), (2, 7, 128), "h")
    Traceback (most recent call last):
    AssertionError: h: expected shape (2, 7, 128), got (2, 128)
    """
    got = _shape_of(x)
    want = tuple(expected)
    ok = len(got) == len(want) and all(w is None or w == g for w, g in zip(want, got))
    if not ok:
        shown = "(" + ", ".join("?" if w is None else str(w) for w in want) + ("," if len(want) == 1 else "") + ")"
        raise AssertionError(f"{name}: expected shape {shown}, got {got}")


def check_dtype(x: Any, kind: str, name: str = "output") -> None:
    """Assert the NumPy dtype kind: ``'f'`` float, ``'i'`` signed int, ``'u'``, ``'b'``."""
    dtype = np.asarray(x).dtype
    kinds = {"i": "iu", "f": "f", "b": "b", "u": "u"}.get(kind, kind)
    if dtype.kind not in kinds:
        raise AssertionError(f"{name}: expected a dtype of kind {kind!r}, got {dtype}")


def check_close(actual: Any, expected: Any, name: str = "output", atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Assert two arrays agree; the message gives the largest difference and where."""
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    check_shape(a, e.shape, name)
    if not np.allclose(a, e, atol=atol, rtol=rtol, equal_nan=False):
        diff = np.abs(a - e)
        where = np.unravel_index(np.nanargmax(diff), diff.shape) if diff.size else ()
        raise AssertionError(
            f"{name}: values differ from the expected ones; largest difference "
            f"{np.nanmax(diff):.3g} at index {tuple(int(i) for i in where)} "
            f"(got {a[where]:.6g}, expected {e[where]:.6g}; tolerance atol={atol}, rtol={rtol})"
        )


def check_probabilities(p: Any, name: str = "probabilities", axis: int = -1, atol: float = 1e-6) -> None:
    """Assert ``p`` is non-negative and sums to one along ``axis``."""
    p = np.asarray(p, dtype=np.float64)
    if not np.all(np.isfinite(p)):
        raise AssertionError(f"{name}: expected finite values, got NaN or inf")
    if np.any(p < -atol):
        raise AssertionError(f"{name}: expected non-negative values, got minimum {p.min():.3g}")
    sums = p.sum(axis=axis)
    if not np.allclose(sums, 1.0, atol=atol):
        worst = sums.flat[np.argmax(np.abs(sums - 1.0))]
        raise AssertionError(f"{name}: expected each distribution to sum to 1 along axis {axis}, got a sum of {worst:.6g}")


def check_equal(actual: Any, expected: Any, name: str = "output") -> None:
    """Assert exact equality (for token ids, strings, small lists)."""
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        a, e = np.asarray(actual), np.asarray(expected)
        check_shape(a, e.shape, name)
        if not np.array_equal(a, e):
            bad = np.argwhere(a != e)[0]
            raise AssertionError(f"{name}: expected {e.tolist()}, got {a.tolist()} (first difference at index {tuple(int(i) for i in bad)})")
    elif actual != expected:
        raise AssertionError(f"{name}: expected {expected!r}, got {actual!r}")


def passed(message: str = "all visible checks passed") -> None:
    """Print a short confirmation at the end of a visible test cell."""
    print(f"\u2714 {message}")


def numerical_gradient(loss: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of ``loss()`` with respect to every entry of the float array ``x``.

    ``loss`` takes no argument and reads ``x`` (a weight or an input) where it lies: each entry
    is nudged in place by +-eps, and put back. Returns an array of ``x``'s shape; compare it with
    a backward pass's gradient to an absolute tolerance of about 1e-6 (float64, eps = 1e-6).
    """
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = loss()
        x[idx] = old - eps
        down = loss()
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad
