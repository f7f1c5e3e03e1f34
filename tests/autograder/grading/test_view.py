"""The chapter as the grader runs it: every code cell of the student notebook, and no instructor cell."""

from __future__ import annotations

import pytest

from autograder import course
from autograder.grading.view import grading_view
from autograder.tags import is_instructor

WITH_INSTRUCTOR_CELLS = [s for s in course.stems() if any(is_instructor(c) for c in course.chapter(s).source.cells)]


def test_some_chapter_has_instructor_cells():
    """Is there a chapter to prove the next test on (else it proves nothing)?"""
    assert WITH_INSTRUCTOR_CELLS


@pytest.mark.parametrize("stem", WITH_INSTRUCTOR_CELLS)
def test_grading_runs_the_code_cells_less_the_instructor_cells(stem):
    """Does the grading view hold every code cell of the page but those tagged instructor (they need what the
    student venv lacks, e.g. PyTorch, so the grading kernel, which runs in that venv, must not run them)?"""
    cells = course.chapter(stem).source.cells
    kept = [i for i, c in enumerate(cells) if c.cell_type == "code" and not is_instructor(c)]
    assert [c.index for c in grading_view(stem).cells] == kept
    assert len(kept) < sum(c.cell_type == "code" for c in cells)
