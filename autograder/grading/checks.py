"""Hidden checks that run outside the student's reach.

A chapter's hidden tests live in ``book/<stem>/checks.py``, never in the
notebook. Each is a function of one argument, a :class:`Kernel`: a handle on
the student's running notebook through which the check *computes* with the
student's code (``k.call("reverse_questions", x)``) while it *compares* on its
own side, with the reference (``solutions``) and trusted NumPy. The student's
kernel never holds the reference, the expected values or the verdict; it only
receives inputs and returns values, as plain data (:mod:`autograder.grading.wire`:
arrays, scalars, strings and containers of them; nothing is unpickled).

This module is what a checks module imports: :class:`Checks` (the registry, ``checks = Checks()``),
:class:`Kernel`, :class:`expect`, :class:`CheckFailed`, :class:`Opaque`. The grader loads a chapter's
checks once per process (:attr:`autograder.course.Chapter.checks`) and runs each with :func:`run_check`.

Two kernels implement the interface:

- :class:`autograder.grading.local.LocalKernel` runs a chapter in this process (IPython). It is for
  authors and the fast mutant tests: no isolation, same checks, same wire.
- the grader's sandboxed Jupyter kernel (``autograder.grading.kernel``): the student's
  notebook runs where ``solutions``, the course source and other students'
  files cannot be seen; the check runs in the grader.

Writing a check (see CONTRIBUTING.md for the whole recipe)::

    from autograder.grading.checks import Checks, expect
    checks = Checks()

    @checks.exercise("reverse_questions")
    def _(k):
        x = k.rng(3).integers(0, 13, size=(5, 7))
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
- it draws its inputs from ``k.rng(stream)`` (seeded by the submission: a submission graded twice gets
  the same score, and what one submission's feedback showed answers nothing in the next), keeping the
  edge cases its contract names (ties, padding, S = 1) as fixed inputs beside the drawn ones;
- it trusts nothing the kernel says about itself: a described model is verified against the weights the
  check sent (:mod:`autograder.grading.verify`), and every list from the kernel is length-checked.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

import numpy as np

from .wire import Opaque, call_source, decode, encode

__all__ = ["Check", "CheckFailed", "Checks", "Kernel", "Opaque", "StudentError", "autograd", "expect", "randomise", "run_check", "torch_leaves"]

Check = Callable[["Kernel"], None]


class CheckFailed(AssertionError):
    """The student's answer broke a clause of the exercise's contract; the message is their feedback."""


class StudentError(Exception):
    """The student's code raised while a check ran it."""

    def __init__(self, ename: str, evalue: str):
        super().__init__(f"{ename}: {evalue}")
        self.ename, self.evalue = ename, evalue


class Kernel:
    """The student's running notebook, as a check sees it.

    ``seed`` is this submission's: the grader draws it from the course secret, the student and the submission
    (:func:`autograder.grading.submission.submission_seed`), so the same submission always gets the same inputs
    and any other gets other ones. Checks draw their inputs from :meth:`rng`.
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)

    def rng(self, stream: int) -> np.random.Generator:
        """A generator for one stream of a check's inputs (a number of the check's own), seeded by this submission."""
        return np.random.default_rng([self.seed, int(stream)])

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


def randomise(params: list[np.ndarray], rng: np.random.Generator, scale: float = 0.5) -> None:
    """Draw every parameter array anew (in place) from N(0, scale^2): with no weight at its default, every one matters."""
    for p in params:
        p[...] = rng.normal(0, scale, size=p.shape)


def torch_leaves(*arrays: np.ndarray) -> list:
    """float64 torch tensors of ``arrays`` that autograd gives gradients to (a reference's inputs and weights)."""
    import torch

    return [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]


def autograd(scores, leaves: list, dscore: np.ndarray) -> list[np.ndarray]:
    """PyTorch's gradients of ``sum(scores * dscore)`` with respect to each of ``leaves`` (:func:`torch_leaves`)."""
    import torch

    (scores * torch.from_numpy(dscore)).sum().backward()
    return [leaf.grad.numpy() for leaf in leaves]


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
    def same_array(value: Any, expected: np.ndarray, what: str, kind: str | None = None) -> np.ndarray:
        """``value`` is a NumPy array of ``expected``'s shape (of dtype kind ``kind``), equal to it."""
        expect.array(value, what, shape=expected.shape, kind=kind)
        expect.equal(value, expected, what)
        return value

    @staticmethod
    def close(actual: Any, expected: Any, what: str, atol: float, rtol: float) -> None:
        """Tolerances are required: write the reason for them next to the call."""
        from seqgen.checks import check_close

        check_close(actual, expected, what, atol=atol, rtol=rtol)

    @staticmethod
    def gradient(actual: Any, numpy_grad: np.ndarray, torch_grad: np.ndarray, what: str, atol: float, rtol: float) -> None:
        """A gradient equals the NumPy reference's, then PyTorch autograd's (:func:`autograd`)."""
        expect.close(actual, numpy_grad, f"{what} against the NumPy reference", atol=atol, rtol=rtol)
        expect.close(actual, torch_grad, f"{what} against PyTorch autograd", atol=atol, rtol=rtol)
