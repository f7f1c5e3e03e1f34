"""Tags -> nbgrader metadata."""

import nbformat
import pytest

from autograder import course
from autograder.grading.view import grading_view
from autograder.tags import NUMPY_ONLY, TagError, apply_nbgrader_metadata
from seqgen.tools import FORBIDDEN_TOOLS

ANSWER = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
TESTS = "assert f() == 1"
HIDDEN = "assert f() == 1\n### BEGIN HIDDEN TESTS\nassert f() == 1\n### END HIDDEN TESTS"


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for source, tags in cells:
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": tags}))
    return nb


def test_answer_and_tests_get_nbgrader_metadata():
    """Do answer:<id> and tests:<id>/points:<n> become solution and locked grade cells?"""
    nb = notebook(("x = 1", []), (ANSWER, ["answer:f"]), (TESTS, ["tests:f", "points:3"]))
    (ex,) = apply_nbgrader_metadata(nb)
    assert ex.id == "f" and ex.points == 3
    assert nb.cells[1].metadata.nbgrader == {"grade": False, "grade_id": "f", "locked": False,
                                             "schema_version": 3, "solution": True, "task": False}
    meta = nb.cells[2].metadata.nbgrader
    assert meta["grade"] and meta["locked"] and meta["points"] == 3 and meta["grade_id"] == "f_tests"
    assert "nbgrader" not in nb.cells[0].metadata


@pytest.mark.parametrize(
    "cells, message",
    [
        ([(ANSWER, ["answer:f"])], "exercises without tests: \\['f'\\]"),
        ([(TESTS, ["tests:f", "points:1"])], "tests without an answer: \\['f'\\]"),
        ([(ANSWER, ["answer:f"]), (TESTS, ["tests:f"])], "no points"),
        ([("def f(): pass", ["answer:f"]), (TESTS, ["tests:f", "points:1"])], "no ### BEGIN SOLUTION"),
        ([(ANSWER, ["answer:f"]), (HIDDEN, ["tests:f", "points:1"])], "has a hidden region"),
        ([(TESTS, ["tests:f", "points:1"]), (ANSWER, ["answer:f"])], "come before its answer"),
        ([(ANSWER, ["answer:f"]), (ANSWER, ["answer:f"]), (TESTS, ["tests:f", "points:1"])], "two answer cells"),
        ([(ANSWER, ["answer:f"]), (TESTS, ["tests:f", "points:1", "numpy-only"])], "is no answer cell"),
    ],
)
def test_inconsistent_tags_are_reported(cells, message):
    """Is each tagging mistake reported with the exercise id before nbgrader sees it?"""
    with pytest.raises(TagError, match=message):
        apply_nbgrader_metadata(notebook(*cells))


def test_numpy_only_on_an_answer_cell_forbids_the_tools():
    """Does the numpy-only tag give the exercise the forbidden tools, and its absence none?"""
    nb = notebook((ANSWER, ["answer:f", NUMPY_ONLY]), (TESTS, ["tests:f", "points:1"]),
                  (ANSWER.replace("f()", "g()"), ["answer:g"]), (TESTS.replace("f()", "g()"), ["tests:g", "points:1"]))
    f, g = apply_nbgrader_metadata(nb)
    assert f.forbidden == FORBIDDEN_TOOLS and "torch" in f.forbidden and "keras" in f.forbidden
    assert g.forbidden == ()


@pytest.mark.parametrize("stem", course.stems())
def test_a_numpy_only_exercise_says_so_in_its_visible_test_and_is_watched_when_graded(stem):
    """Does each numpy-only exercise's visible test call check_numpy_only on the function the student writes, and
    does the grader run its check watched (the others as written)?"""
    chapter, view = course.chapter(stem), grading_view(stem)
    for ex in chapter.exercises:
        if ex.forbidden:
            tests = chapter.source.cells[ex.tests_index].source
            assert f"check_numpy_only({ex.id})" in tests, f"{ex.id}: the visible test does not say it is NumPy only"
            assert view.checks[ex.id] is not chapter.checks[ex.id]
        else:
            assert view.checks[ex.id] is chapter.checks[ex.id]
