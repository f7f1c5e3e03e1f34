"""Which cells of a submission the grader runs: the release's set-up cell never, the student's own cells always."""

from __future__ import annotations

import nbformat

from autograder import course
from autograder.grading.submission import notebook_cells
from autograder.grading.view import grading_view
from autograder.publishing import release

STEM = "02_tokenization"


def submitted(tmp_path) -> nbformat.NotebookNode:
    """The released notebook (set-up cell first) with its first answer filled in and a cell of the student's own after it."""
    (path,) = release.release(tmp_path, [STEM])
    nb = nbformat.read(path, as_version=4)
    assert course.SETUP_TAG in nb.cells[0].metadata.get("tags", [])
    first = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    nb.cells[first].source = "# my answer\n" + course.chapter(STEM).reference_answers[nb.cells[first].metadata.nbgrader.grade_id]
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell("print('a cell of my own')"))
    return nb


def test_the_setup_cell_is_dropped_and_the_students_cells_kept(tmp_path):
    """Does grading run the chapter's cells with the student's answer and own cell, and not the release's set-up cell?"""
    view = grading_view(STEM)
    nb = submitted(tmp_path)
    cells = notebook_cells(view, nb)
    assert not [c for c in cells if "_course_setup" in c.source], "the set-up cell would run in the grader"
    assert [c.source for c in cells if c.kind == "extra"] == ["print('a cell of my own')"]
    last_test = max(i for i, c in enumerate(view.cells) if c.kind == "test")
    assert len(cells) == last_test + 1 + 1, "the chapter's cells up to its last test cell, and the student's own"
    answers = [c for c in cells if c.kind == "answer"]
    assert answers[0].source.startswith("# my answer\n") and all("raise NotImplementedError()" in a.source for a in answers[1:])


def test_the_tag_never_drops_an_answer_or_a_cell_without_it(tmp_path):
    """Is an answer cell that carries the set-up tag still graded, and a copy of the set-up code without the tag
    kept as the student's own cell?"""
    view = grading_view(STEM)
    nb = submitted(tmp_path)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.metadata["tags"] = [course.SETUP_TAG]
    untagged = nbformat.v4.new_code_cell(nb.cells[0].source)
    nb.cells.insert(nb.cells.index(answer) + 2, untagged)  # after the student's own cell (cells after the last test never run)
    cells = notebook_cells(view, nb)
    assert [c for c in cells if c.kind == "answer"][0].source.startswith("# my answer\n")
    assert [c.source for c in cells if c.kind == "extra"] == ["print('a cell of my own')", untagged.source]
