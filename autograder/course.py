"""The course's chapters and where everything lives: the one module both wings stand on.

- **Paths**: :data:`ROOT`, :data:`BOOK_DIR`, and the course folder every output of the instructor's
  commands goes to (:func:`course_dir`: ``$SEQGEN_COURSE``, default ``course/`` at the repository's
  root), laid out as ``release/``, ``graded/``, ``feedback/``, ``work/``, ``grades.csv`` and ``grades_long.csv``.
- **A chapter** (:class:`Chapter`, from :func:`chapter` or :func:`chapters`) is its folder ``book/NN_name/``:
  its page ``NN_name.md``, its hidden checks ``checks.py`` and its kept wrong answers and alternatives
  ``mutants.py``. Each part is read once per process, when first asked for, and cached: the notebook with
  nbgrader metadata on its exercise cells, the exercises, the reference answers, the kept answers, and the
  hidden checks (executed only by whoever asks for them: the grader and the tests, never the book build).
- **The solution markers**: :func:`solution_source` (what a student writes in an answer cell) and
  :data:`STUB` (what a released answer cell holds).
- **The leak check**: :data:`FORBIDDEN` and :func:`assert_no_leak`.
- **The lock** (:func:`file_lock`, :func:`course_lock`): one writer at a time in a folder.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import importlib.util
import os
import re
import runpy
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable

import jupytext
import nbformat

from .tags import Exercise, TagError, apply_nbgrader_metadata, exercise_cells

ROOT = Path(__file__).resolve().parents[1]
BOOK_DIR = ROOT / "book"
COURSE_ENV = "SEQGEN_COURSE"  # where the course folder is, when not course/ at the repository's root
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# What a released answer cell holds, and what grading runs for an answer the submission lacks.
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
# The tag of the set-up cell a release puts first in each student notebook (it installs the course's packages where
# `seqgen` is missing: autograder/publishing/student_setup.py); grading drops a submitted cell carrying it.
SETUP_TAG = "seqgen-setup"
FORBIDDEN = re.compile(
    r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|\b(?:from|import)\s+solutions\b"
)


class LeakError(RuntimeError):
    """Something students or readers see mentions the hidden reference."""


def log(message: str) -> None:
    print(f"[course] {message}", flush=True)


def course_dir() -> Path:
    """The course folder: ``$SEQGEN_COURSE`` when set, else ``course/`` at the repository's root."""
    return Path(os.environ.get(COURSE_ENV) or ROOT / "course")


def solution_source(source: str) -> str:
    """An answer cell's source with the solution markers removed (what a student writes)."""
    return "\n".join(line for line in source.split("\n") if BEGIN not in line and END not in line)


def assert_no_leak(text: str, where: str) -> None:
    """Raise :class:`LeakError` if ``text`` mentions a solution region, hidden tests or ``solutions``."""
    match = FORBIDDEN.search(text)
    if match:
        start = max(match.start() - 80, 0)
        raise LeakError(f"{where} mentions {match.group(0)!r}: ...{text[start:match.end() + 80]}...")


# --------------------------------------------------------------------------- chapters


@dataclass(frozen=True, eq=False)
class Chapter:
    """One chapter's folder; each of its parts is read when first asked for, then kept.

    Equal only to itself: an edited chapter is a new :class:`Chapter` (see :func:`chapter`), so
    what is cached per chapter elsewhere (the grader's view of it) follows the edit.
    """

    folder: Path

    @property
    def stem(self) -> str:
        return self.folder.name

    @property
    def page(self) -> Path:
        return self.folder / f"{self.stem}.md"

    @property
    def checks_path(self) -> Path:
        return self.folder / "checks.py"

    @property
    def mutants_path(self) -> Path:
        return self.folder / "mutants.py"

    @cached_property
    def _parsed(self) -> tuple[nbformat.NotebookNode, list[Exercise]]:
        nb = jupytext.read(self.page)
        nb.metadata["kernelspec"] = dict(KERNEL)
        nb.metadata.pop("jupytext", None)
        return nb, apply_nbgrader_metadata(nb)

    @property
    def source(self) -> nbformat.NotebookNode:
        """The chapter's notebook as read, shared by every caller in this process: read it, never change it."""
        return self._parsed[0]

    def notebook(self) -> nbformat.NotebookNode:
        """The chapter as a notebook with nbgrader metadata on its exercise cells (a copy of its own)."""
        return copy.deepcopy(self.source)

    @property
    def exercises(self) -> list[Exercise]:
        """The exercises in order (validated: an answer and a test cell each, points given)."""
        return list(self._parsed[1])

    @property
    def max_score(self) -> float:
        return sum(e.points for e in self.exercises)

    @cached_property
    def reference_answers(self) -> dict[str, str]:
        """Each exercise's reference answer, as a student would write it (markers removed)."""
        return {e.id: solution_source(self.source.cells[e.answer_index].source) for e in self.exercises}

    @cached_property
    def kept_answers(self) -> dict[str, Any]:
        """``mutants.py`` run: ``MUTANTS`` (exercise -> label -> wrong code) and ``ALTERNATIVES`` (exercise -> [code])."""
        if not self.mutants_path.is_file():
            raise FileNotFoundError(f"chapter {self.stem} has no kept answers file {self.mutants_path}")
        data = runpy.run_path(str(self.mutants_path))
        alternatives = {k: (v if isinstance(v, list) else [v]) for k, v in data.get("ALTERNATIVES", {}).items()}
        return {"MUTANTS": data.get("MUTANTS", {}), "ALTERNATIVES": alternatives}

    @property
    def mutants(self) -> dict[str, dict[str, str]]:
        return self.kept_answers["MUTANTS"]

    @property
    def alternatives(self) -> dict[str, list[str]]:
        return self.kept_answers["ALTERNATIVES"]

    @cached_property
    def checks(self) -> dict[str, Callable]:
        """The hidden checks by exercise id: ``checks.py`` executed once, one check for each exercise and no other.

        Only the grader and the tests ask for them (they import torch and the reference); the book never does.
        """
        path = self.checks_path
        if not path.is_file():
            raise TagError(f"chapter {self.stem} has no checks module {path}: every chapter needs one")
        module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(f"seqgen_checks_{self.stem}", path))
        exec(compile(path.read_text(), str(path), "exec"), module.__dict__)  # noqa: S102 - no __pycache__ left in book/
        by_id = getattr(getattr(module, "checks", None), "by_id", None)
        if not isinstance(by_id, dict):
            raise TypeError(f"{path} must define `checks = Checks()` (autograder.grading.checks)")
        exercise_cells(self.source, set(by_id))  # one check for each exercise, and no other
        return dict(by_id)


def _stamp(folder: Path) -> tuple:
    """What a cached chapter is keyed by: its files' modification times (an edited chapter is read again)."""
    return tuple(p.stat().st_mtime_ns if p.is_file() else None
                 for p in (folder / f"{folder.name}.md", folder / "checks.py", folder / "mutants.py"))


@lru_cache(maxsize=None)
def _chapter(folder: Path, stamp: tuple) -> Chapter:
    return Chapter(folder)


def chapter(stem: str, book_dir: Path | None = None) -> Chapter:
    """Chapter ``stem`` (``book/<stem>/<stem>.md``), read once per process while its files are unchanged."""
    folder = Path(book_dir or BOOK_DIR) / stem
    if not (folder / f"{stem}.md").is_file():
        known = ", ".join(c.stem for c in chapters(book_dir))
        raise FileNotFoundError(f"no chapter {stem!r} in {folder.parent}; chapters: {known}")
    return _chapter(folder.resolve(), _stamp(folder))


def stems(book_dir: Path | None = None) -> list[str]:
    """The chapters' stems in order: every ``book/NN_name/`` folder holding ``NN_name.md``."""
    return sorted(p.parent.name for p in Path(book_dir or BOOK_DIR).glob("[0-9][0-9]_*/[0-9][0-9]_*.md")
                  if p.stem == p.parent.name)


def chapters(book_dir: Path | None = None) -> list[Chapter]:
    return [chapter(s, book_dir) for s in stems(book_dir)]


# --------------------------------------------------------------------------- the lock

_held: dict[Path, int] = {}


@contextlib.contextmanager
def file_lock(path: Path, what: str = "another build, release or grade"):
    """Hold an exclusive lock on ``path``: another process holding it makes us wait (and say so).

    Within one process the lock is reentrant (a build may release, a batch may write records).
    """
    path = Path(path).resolve()
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"{what} holds {path}; waiting for it to finish ...")
            fcntl.flock(fh, fcntl.LOCK_EX)
        _held[path] = 1
        try:
            yield
        finally:
            _held.pop(path, None)
            fcntl.flock(fh, fcntl.LOCK_UN)


def course_lock(folder: Path | None = None):
    """The course folder's lock (``<course>/.lock``): its writers (release, records, feedback, CSVs) take turns."""
    return file_lock(Path(folder or course_dir()) / ".lock", "another release or grade of this course")
