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


def _as_floats(x: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{name}: expected numbers, got {_brief(x)}") from None


def _at(index: tuple) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ("," if len(index) == 1 else "") + ")"


def check_close(actual: Any, expected: Any, name: str = "output", atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Assert two arrays agree within the tolerances.

    A failure gives a bounded summary, never the whole expected array: how many values differ (and the
    shape), the largest difference and where, the first difference, and NaN or infinite values named.
    """
    a = _as_floats(actual, name)
    e = _as_floats(expected, name)
    check_shape(a, e.shape, name)
    bad = ~np.isclose(a, e, atol=atol, rtol=rtol, equal_nan=False)
    if not bad.any():
        return
    count = f"{int(bad.sum())} of {bad.size} values differ from the expected ones (shape {a.shape})"
    tolerance = f"tolerance atol={atol}, rtol={rtol}"
    for label, odd in (("NaN", np.isnan(a) & ~np.isnan(e)), ("an infinite value", np.isinf(a) & ~np.isinf(e))):
        if odd.any():
            first = tuple(np.argwhere(odd)[0])
            raise AssertionError(f"{name}: {count}; got {label} at {int(odd.sum())} of them, the first at index {_at(first)} "
                                 f"(expected {e[first]:.6g}; {tolerance})")
    diff = np.where(bad, np.abs(a - e), 0.0)
    worst = tuple(np.unravel_index(np.nanargmax(diff), diff.shape)) if diff.ndim else ()
    first = tuple(np.argwhere(bad)[0])
    text = (f"{name}: {count}; largest difference {np.abs(a[worst] - e[worst]):.3g} at index {_at(worst)} "
            f"(got {a[worst]:.6g}, expected {e[worst]:.6g}; {tolerance})")
    if first != worst:
        text += f"; the first at index {_at(first)} (got {a[first]:.6g}, expected {e[first]:.6g})"
    raise AssertionError(text)


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


SHOWN = 5  # differing entries a failed check_equal shows


def _brief(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _differences(a: np.ndarray, e: np.ndarray) -> str:
    bad = np.asarray(a != e) if a.dtype.kind == e.dtype.kind or {a.dtype.kind, e.dtype.kind} <= set("biuf") else np.ones(a.shape, bool)
    if bad.shape != a.shape:  # an elementwise comparison NumPy refused
        bad = np.ones(a.shape, bool)
    where = np.argwhere(bad)
    shown = "; ".join(f"at {_at(i)} got {_brief(a[tuple(i)].item() if a.ndim else a.item(), 30)}, "
                      f"expected {_brief(e[tuple(i)].item() if e.ndim else e.item(), 30)}" for i in where[:SHOWN])
    return f"{len(where)} of {a.size} entries differ (shape {a.shape}); first differences: {shown}"


def _sequence_difference(actual: Sequence, expected: Sequence) -> str:
    n = min(len(actual), len(expected))
    first = next((i for i in range(n) if not _same(actual[i], expected[i])), n)
    head = f"expected {len(expected)} items, got {len(actual)}; " if len(actual) != len(expected) else ""
    if first == n:
        return head + f"the first {n} agree"
    return head + (f"first difference at position {first}: got {_brief(actual[first], 60)}, "
                   f"expected {_brief(expected[first], 60)}")


def _same(x: Any, y: Any) -> bool:
    try:
        return bool(np.array_equal(x, y)) if isinstance(x, np.ndarray) or isinstance(y, np.ndarray) else bool(x == y)
    except (TypeError, ValueError):
        return False


def check_equal(actual: Any, expected: Any, name: str = "output") -> None:
    """Assert exact equality (for token ids, strings, small lists).

    A failure gives a bounded summary, never a whole expected array or a long expected text: for arrays the
    shape, how many entries differ and the first few of them; for strings and lists the first difference.
    """
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        a, e = np.asarray(actual), np.asarray(expected)
        check_shape(a, e.shape, name)
        if not np.array_equal(a, e):
            raise AssertionError(f"{name}: {_differences(a, e)}")
    elif isinstance(actual, str) and isinstance(expected, str):
        if actual != expected:
            if len(actual) <= 80 and len(expected) <= 80:
                raise AssertionError(f"{name}: expected {expected!r}, got {actual!r}")
            at = next((i for i, (x, y) in enumerate(zip(actual, expected)) if x != y), min(len(actual), len(expected)))
            lo = max(at - 20, 0)
            raise AssertionError(f"{name}: the texts differ from character {at} (lengths: expected {len(expected)}, got "
                                 f"{len(actual)}): expected ...{expected[lo:at + 20]!r}..., got ...{actual[lo:at + 20]!r}...")
    elif isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        if len(actual) != len(expected) or not all(_same(x, y) for x, y in zip(actual, expected)):
            raise AssertionError(f"{name}: {_sequence_difference(actual, expected)}")
    elif not _same(actual, expected):
        raise AssertionError(f"{name}: expected {_brief(expected)}, got {_brief(actual)}")


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
