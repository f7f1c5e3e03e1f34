"""Hidden checks that run outside the student's reach.

A chapter's hidden tests live in ``book/<stem>/checks.py``, never in the
notebook. Each is a function of one argument, a :class:`Kernel`: a handle on
the student's running notebook through which the check *computes* with the
student's code (``k.call("reverse_questions", x)``) while it *compares* on its
own side, with the reference (``solutions``) and trusted NumPy. The student's
kernel never holds the reference, the expected values or the verdict; it only
receives inputs and returns values, as plain data (:func:`encode`/:func:`decode`:
arrays, scalars, strings and containers of them; nothing is unpickled).

Two kernels implement the interface:

- :class:`LocalKernel` runs a chapter in this process (IPython). It is for
  authors and the fast mutant tests: no isolation, same checks, same wire.
- the grader's sandboxed Jupyter kernel (``autograder.grader``): the student's
  notebook runs where ``solutions``, the course source and other students'
  files cannot be seen; the check runs in the grader.

Writing a check (see CONTRIBUTING.md for the whole recipe)::

    from autograder.checking import Checks, expect
    checks = Checks()

    @checks.exercise("reverse_questions")
    def _(k):
        x = np.random.default_rng(3).integers(0, 13, size=(5, 7))
        got = k.run("result = (reverse_questions(x), x)", x=x)   # the call, and x after it
        expect.equal(got[0], np.flip(x, axis=1), "reversal of a (5, 7) array")
        expect.equal(got[1], x, "the input after the call (unchanged)")

Rules a check keeps:

- it uses only the names the exercise defines and the chapter's imports and
  constants, never notebook variables computed from a student's answer (so a
  wrong earlier answer cannot change it);
- where the exercise calls an earlier exercise's function, it swaps in the
  reference for it (``with k.swap("apply_temperature", reference):``), so a
  wrong earlier answer costs only its own points;
- it re-checks everything the visible tests check: the score comes from the
  checks alone, because a student's kernel can be made to skip its visible tests;
- it is deterministic (its own seeded ``rng``), so a submission graded twice
  gets the same score.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import io
import json
import os
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BOOK_DIR = ROOT / "book"

Check = Callable[["Kernel"], None]


class CheckFailed(AssertionError):
    """The student's answer broke a clause of the exercise's contract; the message is their feedback."""


class StudentError(Exception):
    """The student's code raised while a check ran it."""

    def __init__(self, ename: str, evalue: str):
        super().__init__(f"{ename}: {evalue}")
        self.ename, self.evalue = ename, evalue


class Opaque:
    """A value the wire does not carry (a model, a tensor, a function): its type and a short repr."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.text}>"


# --------------------------------------------------------------------------- wire
# The same code runs on both sides: in the checker as a module, and in the student's
# kernel as the source text WIRE_SOURCE (nothing of the course is importable there).

WIRE_SOURCE = r'''
def _seqgen_wire():
    import base64, io, json
    import numpy as np

    def enc(v, depth=0):
        if depth > 20:
            raise ValueError("value nested too deeply")
        if v is None or isinstance(v, (bool, str)):
            return v
        if type(v) is int:
            return {"__int__": str(v)}
        if type(v) is float:
            return {"__float__": repr(v)}
        if isinstance(v, np.ndarray) and v.dtype != object:
            buf = io.BytesIO()
            np.save(buf, np.require(v, requirements="C"), allow_pickle=False)  # keeps 0-d arrays 0-d
            return {"__nd__": base64.b64encode(buf.getvalue()).decode()}
        if isinstance(v, np.generic) and not isinstance(v, np.object_):
            return {"__np__": enc(np.asarray(v), depth + 1)}
        if isinstance(v, bytes):
            return {"__bytes__": base64.b64encode(v).decode()}
        if isinstance(v, (list, tuple)):
            return {"__list__" if isinstance(v, list) else "__tuple__": [enc(x, depth + 1) for x in v]}
        if isinstance(v, dict):
            return {"__dict__": [[enc(a, depth + 1), enc(b, depth + 1)] for a, b in v.items()]}
        t = type(v)
        return {"__opaque__": f"{t.__module__}.{t.__qualname__}", "repr": repr(v)[:200]}

    def dec(v):
        if not isinstance(v, dict):
            return v
        if "__int__" in v:
            return int(v["__int__"])
        if "__float__" in v:
            return float(v["__float__"])
        if "__nd__" in v:
            return np.load(io.BytesIO(base64.b64decode(v["__nd__"])), allow_pickle=False)
        if "__np__" in v:
            return dec(v["__np__"])[()]
        if "__bytes__" in v:
            return base64.b64decode(v["__bytes__"])
        if "__list__" in v:
            return [dec(x) for x in v["__list__"]]
        if "__tuple__" in v:
            return tuple(dec(x) for x in v["__tuple__"])
        if "__dict__" in v:
            return {_key(dec(a)): dec(b) for a, b in v["__dict__"]}
        if "__opaque__" in v:
            return OPAQUE(v["__opaque__"], v.get("repr", ""))
        raise ValueError(f"unknown wire value {sorted(v)}")

    def _key(k):
        return tuple(k) if isinstance(k, list) else k

    class OPAQUE:
        def __init__(self, type_name, text):
            self.type_name, self.text = type_name, text

        def __repr__(self):
            return f"<{self.type_name} {self.text}>"

    return (lambda v: json.dumps(enc(v))), (lambda s: dec(json.loads(s))), OPAQUE
'''

_ns: dict = {}
exec(WIRE_SOURCE, _ns)  # noqa: S102 - our own constant source, the same text the kernel runs
_encode, _decode, _KernelOpaque = _ns["_seqgen_wire"]()


def encode(value: Any) -> str:
    """Plain data -> JSON text (arrays as .npy bytes); anything else becomes an :class:`Opaque`."""
    return _encode(value)


def decode(text: str) -> Any:
    """JSON text from :func:`encode` -> the value; opaque values become :class:`Opaque`."""
    value = _decode(text)
    return _fix_opaque(value)


def _fix_opaque(value):
    if isinstance(value, _KernelOpaque):
        return Opaque(value.type_name, value.text)
    if isinstance(value, list):
        return [_fix_opaque(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_fix_opaque(v) for v in value)
    if isinstance(value, dict):
        return {k: _fix_opaque(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- kernels


def call_source(name: str, n_args: int, kwarg_names: list[str]) -> str:
    args = ", ".join([f"_seqgen_arg{i}" for i in range(n_args)] + [f"{k}=_seqgen_kw_{k}" for k in kwarg_names])
    return f"result = {name}({args})"


class Kernel:
    """The student's running notebook, as a check sees it."""

    def run(self, code: str, **inputs: Any) -> Any:
        """Run ``code`` with ``inputs`` bound as variables; return its variable ``result``.

        The code sees the student's names (functions, classes, the chapter's imports)
        but its own variables do not leak into the student's namespace. Inputs and
        the result cross as plain data; a value the wire cannot carry comes back as
        :class:`Opaque`. If the student's code raises, :class:`StudentError` is raised.
        """
        return decode(self._run(code, encode(inputs)))

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """``name(*args, **kwargs)`` in the student's kernel; the return value as data."""
        inputs = {f"_seqgen_arg{i}": a for i, a in enumerate(args)}
        inputs.update({f"_seqgen_kw_{k}": v for k, v in kwargs.items()})
        return self.run(call_source(name, len(args), list(kwargs)), **inputs)

    def defines(self, name: str) -> bool:
        """Is ``name`` defined in the student's namespace?"""
        return bool(self.run(f"result = {name!r} in globals()"))

    @contextlib.contextmanager
    def swap(self, name: str, fn: Callable[..., Any], cache: bool = False) -> Iterator[None]:
        """Within the block, the student's global ``name`` is a stand-in that runs ``fn`` here.

        Used to give a later exercise the reference version of an earlier one: the
        stand-in's arguments and results cross the wire, so the reference never enters
        the student's kernel. The student's own ``name`` is restored afterwards.

        ``cache=True`` (for a pure ``fn`` called many times with the same arguments, such
        as a sampler's reweighting drawn 20,000 times): the stand-in keeps, kernel-side,
        each answer it got under its encoded arguments, so that each distinct call crosses
        the wire once (a crossing of the sandbox's stdin channel costs tens of ms). The
        kernel only holds answers it was already given; each call returns a fresh copy.
        """
        self._install(name, fn, cache)
        try:
            yield
        finally:
            self._uninstall(name)

    # Implemented by each kernel.
    def _run(self, code: str, inputs: str) -> str:
        raise NotImplementedError

    def _install(self, name: str, fn: Callable[..., Any], cache: bool = False) -> None:
        raise NotImplementedError

    def _uninstall(self, name: str) -> None:
        raise NotImplementedError


RUN_SOURCE = r'''
def _seqgen_run(_code, _inputs, _globals):
    _enc, _dec, _ = _seqgen_wire()
    scope = dict(_globals)
    scope.update(_dec(_inputs))
    exec(compile(_code, "<hidden check>", "exec"), scope)
    return _enc(scope.get("result"))
'''


class LocalKernel(Kernel):
    """A chapter run in this process by IPython: for authors and the fast mutant tests.

    It gives no isolation (the student's code could import anything); the grader's
    sandboxed kernel does. Values still cross :func:`encode`/:func:`decode`, so a
    check behaves here as it does in the grader.
    """

    def __init__(self, namespace: dict):
        self.ns = namespace
        self._saved: dict[str, Any] = {}
        helpers: dict = {}
        exec(WIRE_SOURCE + RUN_SOURCE, helpers)  # noqa: S102
        self._runner = helpers["_seqgen_run"]

    def _run(self, code: str, inputs: str) -> str:
        try:
            return self._runner(code, inputs, self.ns)
        except Exception as exc:  # the student's code (or the snippet it runs) raised
            raise StudentError(type(exc).__name__, str(exc)[:500]) from exc

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


# --------------------------------------------------------------------------- checks


class Checks:
    """A chapter's hidden checks, by exercise id (``checks = Checks()`` in the module)."""

    def __init__(self) -> None:
        self.by_id: dict[str, Check] = {}

    def exercise(self, ex_id: str) -> Callable[[Check], Check]:
        def register(fn: Check) -> Check:
            if ex_id in self.by_id:
                raise ValueError(f"two checks for exercise {ex_id!r}")
            self.by_id[ex_id] = fn
            return fn

        return register


def checks_path(stem: str) -> Path:
    return BOOK_DIR / stem / "checks.py"


def load_checks(stem: str) -> dict[str, Check] | None:
    """The hidden checks of chapter ``stem``, or None if it keeps its hidden tests in the notebook."""
    path = checks_path(stem)
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"seqgen_checks_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    checks = getattr(module, "checks", None)
    if not isinstance(checks, Checks):
        raise TypeError(f"{path} must define `checks = Checks()`")
    return dict(checks.by_id)


def run_check(check: Check, kernel: Kernel) -> tuple[bool, str]:
    """(passed, message for the student). A bug in the check itself is not the student's fault: it raises."""
    try:
        check(kernel)
    except StudentError as exc:
        return False, f"your code raised {exc.ename}: {exc.evalue}"
    except AssertionError as exc:  # CheckFailed, and the seqgen.check_* helpers used checker-side
        return False, str(exc) or "a hidden check failed"
    return True, "passed"


# --------------------------------------------------------------------------- helpers for checks


class expect:
    """Checker-side assertions: each failure says what was expected and what came."""

    @staticmethod
    def true(condition: bool, message: str) -> None:
        if not condition:
            raise CheckFailed(message)

    @staticmethod
    def type(value: Any, types: type | tuple[type, ...], what: str) -> None:
        if not isinstance(value, types):
            names = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
            got = value.type_name if isinstance(value, Opaque) else type(value).__name__
            raise CheckFailed(f"{what}: expected a {names}, got a {got}")

    @staticmethod
    def array(value: Any, what: str, shape: tuple | None = None, kind: str | None = None) -> np.ndarray:
        """``value`` is a NumPy array (of dtype kind ``kind``: 'i' integer, 'f' float, 'b' bool) of ``shape``."""
        if not isinstance(value, np.ndarray):
            got = value.type_name if isinstance(value, Opaque) else type(value).__name__
            raise CheckFailed(f"{what}: expected a NumPy array, got a {got}")
        if shape is not None:
            from seqgen.checks import check_shape

            check_shape(value, shape, what)
        if kind is not None:
            kinds = {"i": "iu", "f": "f", "b": "b"}.get(kind, kind)
            if value.dtype.kind not in kinds:
                label = {"i": "an integer", "f": "a float", "b": "a boolean"}.get(kind, kind)
                raise CheckFailed(f"{what}: expected {label} dtype, got {value.dtype}")
        return value

    @staticmethod
    def equal(actual: Any, expected: Any, what: str) -> None:
        from seqgen.checks import check_equal

        check_equal(actual, expected, what)

    @staticmethod
    def close(actual: Any, expected: Any, what: str, atol: float, rtol: float) -> None:
        """Tolerances are required: write the reason for them next to the call."""
        from seqgen.checks import check_close

        check_close(actual, expected, what, atol=atol, rtol=rtol)


def local_kernel_for(stem: str, answers: dict[str, str] | None = None, autograding: bool = True) -> "LocalKernel":
    """Run chapter ``stem`` in this process (answers replaced where given) and return its kernel.

    Test cells run with their errors kept (a wrong answer fails its visible checks);
    any other cell that raises stops the run. Training is skipped as under the grader.
    """
    from .pipeline import chapter_path, read_chapter, solution_source
    from .tags import exercise_cells

    nb = read_chapter(chapter_path(stem))
    answers = answers or {}
    exercises = exercise_cells(nb)
    answer_ids = {ex.answer_index: ex.id for ex in exercises}
    test_ids = {ex.tests_index: ex.id for ex in exercises}
    import sys

    from IPython.core.interactiveshell import InteractiveShell

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
    kernel = LocalKernel(shell.user_ns)
    kernel.visible_errors = {}
    with _autograding_env(autograding):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            source = cell.source
            if index in answer_ids:
                source = answers.get(answer_ids[index], solution_source(source))
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
