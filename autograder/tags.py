"""Turn a chapter's few cell tags into nbgrader cell metadata.

Authors tag cells in the MyST source instead of typing nbgrader metadata:

- ``answer:<id>``: the student's answer cell; holds a ``### BEGIN SOLUTION`` /
  ``### END SOLUTION`` region.
- ``tests:<id>`` and ``points:<n>``: the graded test cell of exercise ``<id>``. It holds
  visible checks only, never a ``### BEGIN HIDDEN TESTS`` region: the hidden checks live
  in ``book/<stem>/checks.py``, which every chapter has, with a check per exercise
  (:attr:`autograder.course.Chapter.checks` says so when the grader loads them).

Every answer needs exactly one test cell and the other way round; mistakes are
reported with the exercise id, not found later by nbgrader.

``numpy-only`` on an answer cell: the exercise is written with NumPy alone; its hidden check scores 0 when the
answer calls a package of :data:`seqgen.tools.FORBIDDEN_TOOLS` (:attr:`Exercise.forbidden`,
:mod:`autograder.grading.tools`). Two more tags: ``instructor`` keeps a cell on the page and out of the student notebook and the grading
kernel (it needs what the student setup lacks, e.g. PyTorch: the release's ``DropInstructorCells``,
:mod:`autograder.publishing.release`); ``released`` puts a taught cell's definitions into the chapter's
released answers (:mod:`autograder.answers`).
"""

from __future__ import annotations

from dataclasses import dataclass

import nbformat

from seqgen.tools import FORBIDDEN_TOOLS

NUMPY_ONLY = "numpy-only"  # on an answer cell: the exercise is written with NumPy alone (no FORBIDDEN_TOOLS)

SCHEMA_VERSION = 3


class TagError(ValueError):
    """A chapter's exercise tags are inconsistent."""


@dataclass(frozen=True)
class Exercise:
    id: str
    points: float
    answer_index: int
    tests_index: int
    forbidden: tuple[str, ...] = ()  # the packages its answer may not call (tag numpy-only)


def _tag_value(tags: list[str], prefix: str) -> str | None:
    values = [t[len(prefix):] for t in tags if t.startswith(prefix)]
    if len(values) > 1:
        raise TagError(f"a cell has several {prefix!r} tags: {values}")
    return values[0] if values else None


def exercise_cells(nb: nbformat.NotebookNode, checks: set[str] | None = None) -> list[Exercise]:
    """The exercises of a notebook, in order, validated.

    ``checks``: the exercise ids of the chapter's checks module, to require a check per
    exercise; None to skip that (a notebook read without its chapter's module).
    """
    answers: dict[str, int] = {}
    numpy_only: set[str] = set()
    tests: dict[str, tuple[int, float]] = {}
    for index, cell in enumerate(nb.cells):
        tags = list(cell.get("metadata", {}).get("tags", []))
        answer, test = _tag_value(tags, "answer:"), _tag_value(tags, "tests:")
        points = _tag_value(tags, "points:")
        if answer and test:
            raise TagError(f"cell {index} is tagged both answer:{answer} and tests:{test}")
        if answer:
            if answer in answers:
                raise TagError(f"exercise {answer!r} has two answer cells")
            if "### BEGIN SOLUTION" not in cell.source or "### END SOLUTION" not in cell.source:
                raise TagError(f"answer cell of {answer!r} has no ### BEGIN SOLUTION / ### END SOLUTION region")
            answers[answer] = index
            if NUMPY_ONLY in tags:
                numpy_only.add(answer)
        elif NUMPY_ONLY in tags:
            raise TagError(f"cell {index} is tagged {NUMPY_ONLY!r} but is no answer cell")
        if test:
            if test in tests:
                raise TagError(f"exercise {test!r} has two test cells")
            if points is None:
                raise TagError(f"test cell of {test!r} has no points:<n> tag")
            if "### BEGIN HIDDEN TESTS" in cell.source:
                raise TagError(f"test cell of {test!r} has a hidden region: hidden checks belong in the "
                               "chapter's checks module, book/<stem>/checks.py, outside the student's reach")
            tests[test] = (index, float(points))
        elif points is not None:
            raise TagError(f"cell {index} has points:{points} but no tests:<id> tag")
    if set(answers) != set(tests):
        missing_tests = sorted(set(answers) - set(tests))
        missing_answers = sorted(set(tests) - set(answers))
        raise TagError(f"exercises without tests: {missing_tests}; tests without an answer: {missing_answers}")
    if checks is not None and set(checks) != set(answers):
        raise TagError(f"exercises without a check: {sorted(set(answers) - set(checks))}; "
                       f"checks without an exercise: {sorted(set(checks) - set(answers))}")
    exercises = [Exercise(i, tests[i][1], answers[i], tests[i][0], FORBIDDEN_TOOLS if i in numpy_only else ())
                 for i in answers]
    for ex in exercises:
        if ex.tests_index < ex.answer_index:
            raise TagError(f"the tests of {ex.id!r} come before its answer cell")
    return sorted(exercises, key=lambda e: e.answer_index)


def apply_nbgrader_metadata(nb: nbformat.NotebookNode, checks: set[str] | None = None) -> list[Exercise]:
    """Write nbgrader metadata onto the tagged cells (in place); return the exercises.

    ``checks``: the exercise ids of the chapter's hidden checks, to require one per exercise (the
    grader's view of a chapter passes them; the book, which never loads the checks, does not).
    """
    exercises = exercise_cells(nb, checks)
    for ex in exercises:
        nb.cells[ex.answer_index].metadata["nbgrader"] = {
            "grade": False, "grade_id": ex.id, "locked": False,
            "schema_version": SCHEMA_VERSION, "solution": True, "task": False,
        }
        nb.cells[ex.tests_index].metadata["nbgrader"] = {
            "grade": True, "grade_id": f"{ex.id}_tests", "locked": True, "points": ex.points,
            "schema_version": SCHEMA_VERSION, "solution": False, "task": False,
        }
    return exercises


INSTRUCTOR = "instructor"


def is_instructor(cell) -> bool:
    """Whether ``cell`` is tagged ``instructor``: on the page, never in the student notebook nor the grading kernel."""
    return INSTRUCTOR in cell.get("metadata", {}).get("tags", [])


def drop_instructor_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` without its cells tagged ``instructor`` (in place; returned): what a student notebook holds."""
    nb.cells = [c for c in nb.cells if not is_instructor(c)]
    return nb
