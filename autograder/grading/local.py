"""A chapter run in this process (IPython): the kernel authors and the fast mutant tests use.

:class:`LocalKernel` gives no isolation (the student's code could import anything); the grader's
sandboxed kernel (:mod:`autograder.grading.kernel`) does. Values still cross the wire
(:func:`autograder.grading.wire.encode` / ``decode``), and a check's snippet runs through the same helpers
(:func:`autograder.grading.prelude.local_helpers`: a function with its inputs as parameters, its reply signed and
verified), so a check behaves here as it does in the grader.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Callable, Iterator

from .. import course
from ..tags import is_instructor
from .checks import Kernel, StudentError
from .prelude import local_helpers, new_nonce, read_reply
from .wire import decode, encode


class LocalKernel(Kernel):
    """A chapter run in this process by IPython: for authors and the fast mutant tests.

    It gives no isolation (the student's code could import anything); the grader's
    sandboxed kernel does. Values still cross :func:`encode`/:func:`decode`, so a
    check behaves here as it does in the grader.
    """

    def __init__(self, namespace: dict, seed: int = 0):
        super().__init__(seed)
        self.ns = namespace
        self._saved: dict[str, Any] = {}
        self._dispatch, self._key = local_helpers(namespace)

    def _run(self, code: str, inputs: str) -> str:
        nonce = new_nonce()
        reply = read_reply(self._key, self._dispatch((nonce, "run", code, inputs)), nonce, "run", (code, inputs))
        if reply.status != "ok":  # the student's code (or the snippet it runs) raised
            ename, evalue = reply.value if isinstance(reply.value, list) and len(reply.value) == 2 else ("Error", reply.value)
            raise StudentError(str(ename), str(evalue)[:500])
        return str(reply.value)

    def _install(self, name: str, fn: Callable[..., Any], cache: bool = False) -> None:
        self._saved[name] = self.ns.get(name, _MISSING)
        answers: dict[str, str] = {}

        def stand_in(*args, **kwargs):
            key = encode([list(args), kwargs])
            if key not in answers or not cache:
                args, kwargs = decode(encode(args)), decode(encode(kwargs))
                answers[key] = encode(fn(*args, **kwargs))
            return decode(answers[key])

        stand_in.__name__ = name
        self.ns[name] = stand_in

    def _uninstall(self, name: str) -> None:
        old = self._saved.pop(name)
        if old is _MISSING:
            self.ns.pop(name, None)
        else:
            self.ns[name] = old


_MISSING = object()


def local_kernel_for(stem: str, answers: dict[str, str] | None = None, autograding: bool = True, seed: int = 0) -> "LocalKernel":
    """Run chapter ``stem`` in this process (answers replaced where given) and return its kernel.

    Test cells run with their errors kept (a wrong answer fails its visible checks);
    any other cell that raises stops the run. Training is skipped as under the grader.
    """
    import sys

    from IPython.core.interactiveshell import InteractiveShell

    chapter = course.chapter(stem)
    nb = chapter.source
    answers = {**chapter.reference_answers, **(answers or {})}
    answer_ids = {ex.answer_index: ex.id for ex in chapter.exercises}
    test_ids = {ex.tests_index: ex.id for ex in chapter.exercises}

    # IPython installs its user module as sys.modules["__main__"] (one without ``__spec__``
    # once emptied), after which multiprocessing's spawn fails in this process (a later
    # batch.grade in the same pytest worker did). Put the real __main__ back.
    main = sys.modules.get("__main__")
    try:
        shell = InteractiveShell.instance()
        # A fresh namespace for this chapter (not reset(), which empties the one that kernels
        # returned earlier still run in): a kernel stays usable after another chapter ran.
        shell.init_create_namespaces()
        shell.init_user_ns()
    finally:
        if main is not None:
            sys.modules["__main__"] = main
    kernel = LocalKernel(shell.user_ns, seed)
    kernel.visible_errors = {}
    with _autograding_env(autograding):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or is_instructor(cell):  # as the sandbox: what the student notebook holds
                continue
            source = answers[answer_ids[index]] if index in answer_ids else cell.source
            result = shell.run_cell(source, silent=True)
            if result.error_in_exec is not None or result.error_before_exec is not None:
                error = result.error_in_exec or result.error_before_exec
                if index in answer_ids or index in test_ids:
                    kernel.visible_errors[answer_ids.get(index) or test_ids[index]] = f"{type(error).__name__}: {error}"
                else:
                    raise RuntimeError(f"{stem}: cell {index} raised {type(error).__name__}: {error}\n{source[:500]}")
    return kernel


@contextlib.contextmanager
def _autograding_env(on: bool) -> Iterator[None]:
    """``NBGRADER_EXECUTION`` set while a chapter runs in process, and put back after: left set, it made
    the site build in the same pytest worker skip every chapter's training (CI found no figures)."""
    old = os.environ.get("NBGRADER_EXECUTION")
    if on:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = old
