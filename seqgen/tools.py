"""What a NumPy-from-scratch exercise may not use, and the visible test that says so.

Some exercises ask for an algorithm written with NumPy alone (an LSTM step, a backward pass,
attention): calling PyTorch, TensorFlow, Keras, JAX or autograd there would skip the point of
the exercise. Their visible test calls :func:`check_numpy_only`; the grader's hidden check
watches every call the answer makes while it is checked, and scores 0 when one reaches a
package of :data:`FORBIDDEN_TOOLS`.
"""

from __future__ import annotations

import types
from typing import Any, Callable

# The packages a NumPy-only exercise may not call (their top-level module names).
FORBIDDEN_TOOLS = ("torch", "tensorflow", "keras", "jax", "autograd")


def _tool_of(value: Any) -> str | None:
    """The forbidden package ``value`` belongs to (a module, a function, a class), if any."""
    if isinstance(value, types.ModuleType):
        name = value.__name__
    else:
        name = getattr(value, "__module__", None)
    top = name.partition(".")[0] if isinstance(name, str) else ""
    return top if top in FORBIDDEN_TOOLS else None


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def tools_used(fn: Callable, _seen: set | None = None) -> list[str]:
    """The forbidden packages ``fn`` names: imported inside it, or reached through a global it reads (a module,
    a function, or a function of this notebook that names one in turn)."""
    seen = set() if _seen is None else _seen
    code = getattr(fn, "__code__", None)
    if code is None or fn in seen:
        return []
    seen.add(fn)
    found = set()
    env = getattr(fn, "__globals__", {})
    for name in _names(code):
        if name in FORBIDDEN_TOOLS:  # import torch, inside the function
            found.add(name)
        value = env.get(name)
        tool = _tool_of(value) if name in env else None
        if tool:
            found.add(tool)
        elif isinstance(value, types.FunctionType) and value.__globals__ is env:
            found |= set(tools_used(value, seen))  # a helper of the same notebook
    return sorted(found)


def check_numpy_only(fn: Callable, name: str | None = None) -> None:
    """Fail, naming the package, if ``fn`` uses one of :data:`FORBIDDEN_TOOLS` (this exercise is NumPy only)."""
    used = tools_used(fn)
    if used:
        raise AssertionError(
            f"{name or getattr(fn, '__name__', 'your function')} must be written with NumPy alone, but it uses "
            f"{', '.join(used)}; the graded check gives 0 for that (not allowed here: {', '.join(FORBIDDEN_TOOLS)})")
