"""Exercises written with NumPy alone: the tools they may not use, noticed while their hidden check runs.

A NumPy-from-scratch exercise declares it on its answer cell in the page, with the tag ``numpy-only``
(:data:`autograder.tags.NUMPY_ONLY`; :attr:`autograder.tags.Exercise.forbidden` then names the packages:
:data:`seqgen.checks.FORBIDDEN_TOOLS`, PyTorch, TensorFlow, Keras, JAX, autograd). Its visible test tells the
student (``seqgen.checks.check_numpy_only``); its hidden check is wrapped by :func:`forbidding` (the grading
view does it, :mod:`autograder.grading.view`, for the sandbox and the in-process proofs alike):

- every snippet the check runs in the student's kernel runs under a profile hook (``sys.setprofile``) that
  notes each call into a forbidden package: a Python function whose module is ``torch...``, or a builtin
  whose ``__module__`` is. It sees the call wherever it comes from: the answer, a helper the answer calls, a
  module-level alias (``K = keras.ops``), an import inside the function;
- after the check, the kernel is asked what it noted; if anything, the exercise scores 0 with a message that
  names the tool, whatever the values.

The note is the kernel's word: it is taken only as a list of the names the grader asked about (anything else
fails the check, :func:`tools_seen`). Hiding a call takes replacing the hook on purpose; that is cheating, not
a shortcut taken by mistake, and in the sandbox (the student venv) PyTorch is not even importable.
"""

from __future__ import annotations

import ast
from typing import Any, Callable

from .checks import CheckFailed, Kernel

# Runs in the kernel around one snippet: ``{code!r}`` executed in the snippet's own scope (globals and inputs), the hook on.
WATCH = r'''
import sys as _seqgen_sys
_seqgen_seen = _seqgen_sys.__dict__.setdefault("_seqgen_tools_seen", set())
def _seqgen_hook(frame, event, arg, _tools={tools!r}, _seen=_seqgen_seen):
    if event == "call":
        name = frame.f_globals.get("__name__") or ""
    elif event == "c_call":
        name = getattr(arg, "__module__", None) or ""
    else:
        return
    top = name.partition(".")[0] if isinstance(name, str) else ""
    if top in _tools:
        _seen.add(top)
# The snippet's own scope: the check's inputs are the snippet function's parameters (autograder.grading.prelude),
# so they join a copy of its globals; comprehensions and nested functions inside the snippet see them.
_seqgen_scope = dict(globals())
_seqgen_scope.update((n, v) for n, v in locals().items() if not n.startswith("_seqgen_"))
_seqgen_before = _seqgen_sys.getprofile()
_seqgen_sys.setprofile(_seqgen_hook)
try:
    exec(compile({code!r}, "<hidden check>", "exec"), _seqgen_scope)
finally:
    _seqgen_sys.setprofile(_seqgen_before)
result = _seqgen_scope.get("result")
'''
RESET = 'import sys\nsys.__dict__["_seqgen_tools_seen"] = set()\nresult = None'
REPORT = 'import sys\nresult = sorted(sys.__dict__.get("_seqgen_tools_seen", ()))'


class WatchedKernel(Kernel):
    """``kernel`` with every snippet run under the tool watch (stand-ins pass through unchanged)."""

    def __init__(self, kernel: Kernel, tools: tuple[str, ...]):
        super().__init__(kernel.seed)  # the same submission's inputs (Kernel.rng) as without the watch
        self.kernel, self.tools = kernel, tuple(tools)

    def _run(self, code: str, inputs: str) -> str:
        return self.kernel._run(WATCH.format(tools=self.tools, code=code), inputs)

    def _install(self, name: str, fn: Callable[..., Any], cache: bool = False) -> None:
        self.kernel._install(name, fn, cache)

    def _uninstall(self, name: str) -> None:
        self.kernel._uninstall(name)


def tools_in_source(answer: str, cells: list[str], tools: tuple[str, ...]) -> list[str]:
    """The forbidden packages the answer cell's own code names, read from the submitted sources in the grader.

    An import in the answer cell, or a name that some cell of the notebook binds by importing a forbidden package
    (``import tensorflow as tf``, ``from keras import ops``) used in it. This half of the watch is the grader's
    own reading, not the kernel's word; it is needed because, in the sandbox, a check runs inside the helpers'
    audit hook, where CPython turns profiling off (``sys.audit`` runs hooks with tracing disabled), so the kernel
    side sees nothing there. Cells are read as IPython runs them (magics transformed); one that does not parse
    binds nothing.
    """
    def tops(node: ast.AST) -> list[tuple[str, str]]:  # (name bound, package) of an import node
        if isinstance(node, ast.Import):
            return [((a.asname or a.name).partition(".")[0], a.name.partition(".")[0]) for a in node.names]
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            return [(a.asname or a.name, node.module.partition(".")[0]) for a in node.names]
        return []

    def parse(source: str) -> ast.AST | None:
        from IPython.core.inputtransformer2 import TransformerManager  # magics read as IPython runs them

        try:
            return ast.parse(TransformerManager().transform_cell(source))
        except (SyntaxError, ValueError):
            return None

    bound = {name: top for tree in map(parse, [*cells, answer]) if tree is not None
             for node in ast.walk(tree) for name, top in tops(node) if top in tools}
    tree = parse(answer)
    if tree is None:
        return []
    seen = {top for node in ast.walk(tree) for _, top in tops(node) if top in tools}
    seen |= {bound[node.id] for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in bound}
    return sorted(seen)


def tool_message(ex_id: str, seen: list[str], tools: tuple[str, ...]) -> str:
    return (f"{ex_id} must be written with NumPy alone, but your code called {', '.join(seen)} "
            f"(not allowed in this exercise: {', '.join(tools)}); this exercise scores 0 until it does not")


def tools_seen(kernel: Kernel, tools: tuple[str, ...]) -> list[str]:
    """The forbidden tools the kernel noted; a report that is not a list of those names fails the check."""
    seen = kernel.run(REPORT)
    if not isinstance(seen, list) or not all(isinstance(t, str) and t in tools for t in seen):
        raise CheckFailed(f"the kernel's record of the tools used was tampered with (got {seen!r})")
    return seen


def forbidding(check: Callable[[Kernel], None], tools: tuple[str, ...], ex_id: str) -> Callable[[Kernel], None]:
    """``check``, scoring 0 when the answer calls into one of ``tools`` (nothing changes when ``tools`` is empty)."""
    if not tools:
        return check

    def watched(kernel: Kernel) -> None:
        kernel.run(RESET)
        try:
            check(WatchedKernel(kernel, tools))
        finally:
            seen = tools_seen(kernel, tools)
            if seen:  # raised from finally: it replaces the check's own verdict, pass or fail
                raise CheckFailed(tool_message(ex_id, seen, tools))

    watched.__name__ = getattr(check, "__name__", "check")
    watched.__doc__ = check.__doc__
    return watched
