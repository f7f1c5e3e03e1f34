"""Grading every chapter with the real sandboxed grader, as an instructor's batch would.

Per chapter, four submissions in one parallel batch (one job per core): the reference (full marks),
the released stub (zero, and the notebook runs to the end), the kept alternatives (full marks)
and ONE kept wrong answer, whose per-exercise result must equal what the in-process check
(``LocalKernel``) gives: proof that the fast path and the grader agree. The exhaustive mutant
proofs (each wrong answer loses exactly its points) run in process (tests/autograder/grading/test_mutants.py).
"""

from __future__ import annotations

import csv

import nbformat
import pytest

from autograder import course
from autograder.grading import batch
from autograder.grading.checks import run_check
from autograder.grading.local import local_kernel_for
from autograder.grading.sandbox import Limits

CHAPTERS = course.stems()
# One xdist group, and a session fixture: the batch runs once, on one worker, even if xdist interleaves modules.
pytestmark = pytest.mark.xdist_group("grading")


def first_mutant(stem: str) -> tuple[str, str, str]:
    """(exercise, label, code) of the chapter's first kept wrong answer."""
    ex_id, variants = next(iter(course.chapter(stem).mutants.items()))
    label, code = next(iter(variants.items()))
    return ex_id, label, code


def alternatives(stem: str) -> dict[str, str]:
    return {k: v[0] for k, v in course.chapter(stem).alternatives.items()}


def student_notebook(stem: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = course.chapter(stem).notebook()
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
        for student, answers in {"reference": ref, "stub": {}, "alternatives": {**ref, **alternatives(stem)},
                                 "mutant": {**ref, ex_id: code}}.items():
            target = folder / student / stem / f"{stem}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student_notebook(stem, answers), target)
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
def test_stub_scores_zero_and_runs_to_the_end(graded, stem):
    """Does the released stub score 0 on every exercise, every check having run (no kernel lost)?"""
    r = graded[0][("stub", stem)]
    assert r.score == 0 and r.timing.restarts == 0, r.exercises
    assert all(ex.check != "not run" and "limit" not in ex.check for ex in r.exercises), r.exercises


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
    local = {i: (maxes[i] if run_check(check, kernel)[0] else 0.0) for i, check in course.chapter(stem).checks.items()}
    assert local == scores(r), f"{stem}: the in-process checks and the sandboxed grader disagree on {label!r}"


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
