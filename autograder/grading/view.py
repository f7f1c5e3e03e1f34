"""A chapter as the grader sees it, built once per chapter per process.

Grading a submission needs the chapter's code cells in order (each a set-up, answer or test cell; the
cells tagged ``instructor`` left out, as the student notebook leaves them out),
its exercises, where each one's answer and test cells are, and its hidden checks (executed once:
:attr:`autograder.course.Chapter.checks`, which also requires one check for each exercise; the check of a
``numpy-only`` exercise watched for the tools it may not call, :func:`autograder.grading.tools.forbidding`).
:func:`grading_view` builds that from the chapter once, so a batch worker grading many submissions
of one chapter reads its Markdown and runs its checks module once, not once per submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from .. import course
from ..tags import Exercise, is_instructor
from .tools import forbidding


@dataclass(frozen=True)
class SourceCell:
    index: int  # in the chapter's notebook
    kind: str  # setup | answer | test
    source: str
    ex_id: str | None = None


@dataclass(frozen=True)
class GradingView:
    stem: str
    cells: tuple[SourceCell, ...]  # the chapter's code cells, in order
    exercises: tuple[Exercise, ...]
    checks: dict[str, Callable]
    by_id: dict[str, Exercise]
    index_of: dict[str, int]  # a code cell's stripped source -> its index (a cell kept unchanged is known by its text)


@lru_cache(maxsize=None)
def _view(chapter: course.Chapter) -> GradingView:
    answer_at = {ex.answer_index: ex.id for ex in chapter.exercises}
    test_at = {ex.tests_index: ex.id for ex in chapter.exercises}
    cells = []
    for i, c in enumerate(chapter.source.cells):
        if c.cell_type == "code" and not is_instructor(c):  # an instructor cell is not in the student's notebook
            kind = "answer" if i in answer_at else "test" if i in test_at else "setup"
            cells.append(SourceCell(i, kind, c.source, answer_at.get(i) or test_at.get(i)))
    checks = {ex.id: forbidding(chapter.checks[ex.id], ex.forbidden, ex.id) for ex in chapter.exercises}
    return GradingView(chapter.stem, tuple(cells), tuple(chapter.exercises), checks,
                       {ex.id: ex for ex in chapter.exercises}, {c.source.strip(): c.index for c in cells})


def grading_view(stem: str) -> GradingView:
    """Chapter ``stem``'s grading view (rebuilt only when the chapter's files change)."""
    return _view(course.chapter(stem))
