"""What a chapter's setup cell turns on in Jupyter (:func:`notebook_setup`).

- **Sharp figures.** Plots are drawn with twice their pixels (matplotlib-inline's ``retina``
  format) and shown at their size: crisp on hi-dpi screens, phones and the course site.
- **Numbers in prose come from the run** (:func:`glue`): a cell keeps a value under a name, and the
  chapter's text pastes it with ``{glue:text}`name```, so the prose cannot drift from the outputs.
- **Cells that say which exercise they need.** An exercise not answered yet is a stub that
  raises ``NotImplementedError``. A cell that calls it stops there, and the names it would
  have defined are never made, so every later cell that uses one of them would fail with a
  ``NameError`` that says nothing of the cause. After a cell stops with
  ``NotImplementedError``, each name it would have bound, and did not, is bound to a stand-in
  (:class:`seqgen.released.Unavailable`) that raises ``NotImplementedError`` naming the
  exercise as soon as it is used. A later cell then stops with that message instead.
"""

from __future__ import annotations

import ast

from .released import Unavailable

__all__ = ["cell_bindings", "glue", "notebook_setup"]

GLUE_PREFIX = "application/papermill.record/"  # myst-nb's: the book's prose pastes what a cell glued

_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)


def _targets(node: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def cell_bindings(source: str) -> list[str]:
    """The names a cell binds at top level (in its order), inside if/for/with/try blocks too, not inside functions."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")]
    try:
        body = ast.parse("\n".join(lines)).body
    except SyntaxError:
        return []
    names: list[str] = []
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names += _targets(target)
        elif isinstance(node, _COMPOUND):
            if isinstance(node, (ast.For, ast.AsyncFor)):
                names += _targets(node.target)
            if isinstance(node, (ast.With, ast.AsyncWith)):
                names += [n for item in node.items if item.optional_vars is not None for n in _targets(item.optional_vars)]
            children = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            children += [s for h in getattr(node, "handlers", []) for s in h.body]
            stack += reversed(children)
    return list(dict.fromkeys(names))


def _reason(error: BaseException) -> str:
    """Why a cell stopped: the root reason a stand-in carries, else the function that raised."""
    carried = getattr(error, "seqgen_reason", None)
    if carried:
        return carried
    tb, function = error.__traceback__, None
    while tb is not None:
        function, tb = tb.tb_frame.f_code.co_name, tb.tb_next
    if function and function != "<module>":
        return f"`{function}`, an exercise not answered yet, raised NotImplementedError"
    return f"it raised NotImplementedError({str(error)!r})"


def _after_cell(shell, result) -> None:
    error = result.error_in_exec
    if not isinstance(error, NotImplementedError):
        return
    reason = _reason(error)
    message = (f"not made: the cell that makes it stopped because {reason}. Answer that exercise, then run the "
               "cells again from there.")
    for name in cell_bindings(result.info.raw_cell if result.info else ""):
        if name not in shell.user_ns:
            shell.user_ns[name] = Unavailable(name, message, reason)


def notebook_setup() -> bool:
    """Turn on sharp figures and the stand-ins for names an unanswered exercise kept from being made.

    Returns True when it ran in an IPython kernel (elsewhere it does nothing). Calling it twice is harmless.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")
    except ImportError:
        pass
    callbacks = shell.events.callbacks["post_run_cell"]
    if not any(getattr(cb, "_seqgen", False) for cb in callbacks):
        def after(result):
            _after_cell(shell, result)

        after._seqgen = True
        shell.events.register("post_run_cell", after)
    return True


def glue(name: str, value) -> None:
    """Keep ``value`` under ``name`` for the chapter's prose (``{glue:text}`name``` in the page), shown
    nowhere in the notebook: myst-nb's ``glue(name, value, display=False)``, without needing myst-nb."""
    try:
        from IPython import get_ipython
        from IPython.core.formatters import format_display_data
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is None:
        return
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display({GLUE_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
