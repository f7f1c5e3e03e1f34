"""Grading every chapter with the real sandboxed grader, as an instructor's batch would.

The kernel runs in the student venv (``requirements-student.txt`` only: :func:`autograder.grading.sandbox.kernel_python`),
so these gradings are also the proof that a student's notebook runs in the student's environment: answered,
every cell runs and every visible test passes; with the stubs, every cell runs or stops with NotImplementedError.

Per chapter, four submissions in one parallel batch (one job per core): the reference (full marks),
the released notebook as downloaded (zero, and the notebook runs to the end), the kept alternatives (full marks)
and ONE kept wrong answer (and, for chapter 1, its TensorFlow answer to a numpy-only exercise), whose per-exercise result must equal what the in-process check
(``LocalKernel``) gives: proof that the fast path and the grader agree. The exhaustive mutant
proofs (each wrong answer loses exactly its points) run in process (tests/autograder/grading/test_mutants.py).
"""

from __future__ import annotations

import csv
import sys

import nbformat
import pytest

from autograder import course
from autograder.grading import batch
from autograder.grading.checks import run_check
from autograder.grading.local import local_kernel_for
from autograder.grading.view import grading_view
from autograder.publishing import release
from autograder.publishing.student_setup import with_setup_cell
from autograder.grading.sandbox import Limits, kernel_python
from autograder.tags import drop_instructor_cells

CHAPTERS = course.stems()
# One xdist group, and a session fixture: the batch runs once, on one worker, even if xdist interleaves modules.
pytestmark = pytest.mark.xdist_group("grading")


def first_mutant(stem: str) -> tuple[str, str, str]:
    """(exercise, label, code) of the chapter's first kept wrong answer."""
    ex_id, variants = next(iter(course.chapter(stem).mutants.items()))
    label, code = next(iter(variants.items()))
    return ex_id, label, code


def tool_mutant(stem: str) -> tuple[str, str, str] | None:
    """(exercise, label, code) of the chapter's kept TensorFlow answer to a numpy-only exercise, if it keeps one."""
    for ex_id, variants in course.chapter(stem).mutants.items():
        for label, code in variants.items():
            if label.startswith("tool:") and "TensorFlow" in label:
                return ex_id, label, code
    return None


def alternatives(stem: str) -> dict[str, str]:
    return {k: v[0] for k, v in course.chapter(stem).alternatives.items()}


def student_notebook(stem: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = drop_instructor_cells(course.chapter(stem).notebook())  # the cells a student notebook holds
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = answers.get(meta["grade_id"], course.STUB)
    return nb


def reference(stem: str) -> dict[str, str]:
    return course.chapter(stem).reference_answers


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """All chapters' four submissions, graded in one batch."""
    folder = tmp_path_factory.mktemp("submissions")
    for stem in CHAPTERS:
        ref = reference(stem)
        ex_id, _, code = first_mutant(stem)
        submissions = {"reference": ref, "stub": {}, "alternatives": {**ref, **alternatives(stem)},
                       "mutant": {**ref, ex_id: code}}
        if tool_mutant(stem):
            tool_id, _, tool_code = tool_mutant(stem)
            submissions["tool"] = {**ref, tool_id: tool_code}
        for student, answers in submissions.items():
            target = folder / student / stem / f"{stem}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            # the stub student hands in the released notebook untouched, as downloaded (set-up cell first)
            nb = with_setup_cell(release.student_notebook(course.chapter(stem))) if student == "stub" else \
                student_notebook(stem, answers)
            nbformat.write(nb, target)
    where = tmp_path_factory.mktemp("course")
    records = batch.grade(folder, where, jobs=batch.default_jobs(), limits=Limits(cell_timeout=300), progress=False)
    return {(r.student, r.stem): r for r in records}, where


def scores(record) -> dict[str, float]:
    return {ex.id: ex.points for ex in record.exercises}


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_reference_and_alternatives_score_full_marks(graded, stem):
    """Do the chapter's own solution and the kept alternatives, graded in the sandbox, earn every point?"""
    records, _ = graded
    for student in ["reference", "alternatives"]:
        r = records[(student, stem)]
        assert r.score == r.max_score > 0, (student, r.exercises, r.grader_error)


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_answered_every_cell_runs_in_the_student_venv_and_every_visible_test_passes(graded, stem):
    """Graded in the student venv (requirements-student.txt only, offline), does the answered notebook run every
    cell without an error (set-up cells included: the record shows theirs with the next exercise) and does every
    visible test pass? (What tests/book/test_student_env.py ran apart before; grading runs the same notebook.)"""
    r = graded[0][("reference", stem)]
    assert sys.executable not in kernel_python(Limits()), "the grading kernel must be the student venv's"
    errors = {ex.id: ex.visible for ex in r.exercises if ex.visible}
    assert not errors, errors
    silent = [ex.id for ex in r.exercises if "all visible checks passed" not in ex.output]
    assert not silent, f"visible tests that did not pass: {silent}"


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_stub_scores_zero_and_runs_to_the_end(graded, stem):
    """Does the released stub score 0 on every exercise, every check having run (no kernel lost)?"""
    r = graded[0][("stub", stem)]
    assert r.score == 0 and r.timing.restarts == 0, r.exercises
    assert all(ex.check != "not run" and "limit" not in ex.check for ex in r.exercises), r.exercises
    # As a student running the stubs sees it: each visible test stops with NotImplementedError, and every other cell
    # runs or stops with one (it needs an unanswered exercise); no ImportError, NameError, KeyError cascade.
    assert all(any(v.startswith("test cell raised NotImplementedError") for v in ex.visible) for ex in r.exercises), (
        [(ex.id, ex.visible) for ex in r.exercises])
    other = [(ex.id, v) for ex in r.exercises for v in ex.visible if "raised NotImplementedError" not in v]
    assert not other, other


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_wrong_answer_scores_as_the_in_process_check_says(graded, stem):
    """Does one kept wrong answer lose exactly its points in the sandbox, as the LocalKernel check predicts?"""
    r = graded[0][("mutant", stem)]
    ex_id, label, code = first_mutant(stem)
    want = {ex.id: (0.0 if ex.id == ex_id else ex.max) for ex in r.exercises}
    assert scores(r) == want, (label, r.exercises)
    kernel = local_kernel_for(stem, {**reference(stem), ex_id: code})
    maxes = {ex.id: ex.max for ex in r.exercises}
    local = {i: (maxes[i] if run_check(check, kernel)[0] else 0.0) for i, check in grading_view(stem).checks.items()}
    assert local == scores(r), f"{stem}: the in-process checks and the sandboxed grader disagree on {label!r}"


@pytest.mark.slow
@pytest.mark.parametrize("stem", [s for s in CHAPTERS if tool_mutant(s)])
def test_a_forbidden_tool_loses_exactly_its_points_in_the_sandbox(graded, stem):
    """Does a numpy-only exercise answered with TensorFlow (right values; the student venv has it) score 0 in the
    sandbox, with the message naming the tool, and every other exercise full marks?"""
    r = graded[0][("tool", stem)]
    ex_id, label, _ = tool_mutant(stem)
    assert scores(r) == {ex.id: (0.0 if ex.id == ex_id else ex.max) for ex in r.exercises}, (label, r.exercises)
    (result,) = [ex for ex in r.exercises if ex.id == ex_id]
    assert "must be written with NumPy alone" in result.check and "tensorflow" in result.check, result.check


@pytest.mark.slow
def test_feedback_and_csvs_are_written(graded):
    """Does every submission get a feedback page, and do both CSVs hold every exercise of every chapter?"""
    records, where = graded
    for student, stem in records:
        assert (where / "feedback" / student / stem / f"{stem}.html").is_file()
    header = next(csv.reader(open(where / "grades.csv")))
    for stem in CHAPTERS:
        ids = {ex.id for ex in course.chapter(stem).exercises}
        assert {f"{stem}:{i}" for i in ids} <= set(header)
    long = list(csv.DictReader(open(where / "grades_long.csv")))
    assert {(r["student"], r["chapter"]) for r in long} == set(records)
