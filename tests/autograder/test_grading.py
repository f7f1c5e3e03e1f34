"""Grading every chapter with the real sandboxed grader, as an instructor's batch would.

Per chapter, four submissions in one parallel batch (``--jobs 2``): the reference (full marks),
the released stub (zero, and the notebook runs to the end), the kept alternatives (full marks)
and ONE kept wrong answer, whose per-exercise result must equal what the in-process check
(``LocalKernel``) gives: proof that the fast path and the grader agree. The exhaustive mutant
proofs (each wrong answer loses exactly its points) run in process (tests/autograder/test_mutants.py).
"""

from __future__ import annotations

import csv
import runpy
from pathlib import Path

import nbformat
import pytest

from autograder import batch, pipeline
from autograder.checking import load_checks, local_kernel_for, run_check
from autograder.sandbox import Limits
from autograder.tags import exercise_cells

BOOK_DIR = pipeline.BOOK_DIR
CHAPTERS = [p.stem for p in pipeline.chapter_paths()]
# One xdist group, and a session fixture: the batch runs once, on one worker, even if xdist interleaves modules.
pytestmark = pytest.mark.xdist_group("grading")


def answers_file(stem: str) -> dict:
    path = BOOK_DIR / stem / "mutants.py"
    assert path.is_file(), f"chapter {stem} has no mutants file {path}"
    return runpy.run_path(str(path))


def first_mutant(stem: str) -> tuple[str, str, str]:
    """(exercise, label, code) of the chapter's first kept wrong answer."""
    ex_id, variants = next(iter(answers_file(stem)["MUTANTS"].items()))
    label, code = next(iter(variants.items()))
    return ex_id, label, code


def alternatives(stem: str) -> dict[str, str]:
    alts = answers_file(stem).get("ALTERNATIVES", {})
    return {k: (v[0] if isinstance(v, list) else v) for k, v in alts.items()}


def student_notebook(stem: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = pipeline.read_chapter(pipeline.chapter_path(stem))
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = answers.get(meta["grade_id"], "# YOUR CODE HERE\nraise NotImplementedError()")
    return nb


def reference(stem: str) -> dict[str, str]:
    nb = pipeline.read_chapter(pipeline.chapter_path(stem))
    return {ex.id: pipeline.solution_source(nb.cells[ex.answer_index].source) for ex in exercise_cells(nb)}


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
    course = tmp_path_factory.mktemp("course")
    records = batch.grade(folder, course, jobs=2, limits=Limits(cell_timeout=300), progress=False)
    return {(r["student"], r["stem"]): r for r in records}, course


def scores(record: dict) -> dict[str, float]:
    return {ex["id"]: ex["points"] for ex in record["exercises"]}


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_reference_and_alternatives_score_full_marks(graded, stem):
    """Do the chapter's own solution and the kept alternatives, graded in the sandbox, earn every point?"""
    records, _ = graded
    for student in ["reference", "alternatives"]:
        r = records[(student, stem)]
        assert r["score"] == r["max_score"] > 0, (student, r["exercises"], r.get("grader_error"))


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_stub_scores_zero_and_runs_to_the_end(graded, stem):
    """Does the released stub score 0 on every exercise, every check having run (no kernel lost)?"""
    r = graded[0][("stub", stem)]
    assert r["score"] == 0 and r["timing"]["restarts"] == 0, r["exercises"]
    assert all(ex["check"] != "not run" and "limit" not in ex["check"] for ex in r["exercises"]), r["exercises"]


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_wrong_answer_scores_as_the_in_process_check_says(graded, stem):
    """Does one kept wrong answer lose exactly its points in the sandbox, as the LocalKernel check predicts?"""
    r = graded[0][("mutant", stem)]
    ex_id, label, code = first_mutant(stem)
    want = {ex["id"]: (0.0 if ex["id"] == ex_id else ex["max"]) for ex in r["exercises"]}
    assert scores(r) == want, (label, r["exercises"])
    checks = load_checks(stem)
    if checks is not None:
        kernel = local_kernel_for(stem, {**reference(stem), ex_id: code})
        maxes = {ex["id"]: ex["max"] for ex in r["exercises"]}
        local = {i: (maxes[i] if run_check(check, kernel)[0] else 0.0) for i, check in checks.items()}
        assert local == scores(r), f"{stem}: the in-process checks and the sandboxed grader disagree on {label!r}"


@pytest.mark.slow
def test_feedback_and_csvs_are_written(graded):
    """Does every submission get a feedback page, and do both CSVs hold every exercise of every chapter?"""
    records, course = graded
    for student, stem in records:
        assert (course / "feedback" / student / stem / f"{stem}.html").is_file()
    header = next(csv.reader(open(course / "grades.csv")))
    for stem in CHAPTERS:
        ids = {ex.id for ex in exercise_cells(pipeline.read_chapter(pipeline.chapter_path(stem)))}
        assert {f"{stem}:{i}" for i in ids} <= set(header)
    long = list(csv.DictReader(open(course / "grades_long.csv")))
    assert {(r["student"], r["chapter"]) for r in long} == set(records)
