"""Grading a chapter through nbgrader, exactly as a student's notebook is graded.

For every chapter: the reference answers score full marks, the released stubs
score zero (and the notebook still runs to the end), and every kept wrong answer
(tests/autograder/mutants/<chapter>.py) loses exactly its exercise's points.
"""

from __future__ import annotations

import copy
import runpy
from pathlib import Path

import nbformat
import pytest

from autograder import pipeline
from autograder.tags import exercise_cells

MUTANT_DIR = Path(__file__).parent / "mutants"
CHAPTERS = [p.stem for p in pipeline.chapter_paths()]


def answers_file(stem: str) -> dict:
    path = MUTANT_DIR / f"{stem}.py"
    assert path.is_file(), f"chapter {stem} has no mutants file {path}"
    return runpy.run_path(str(path))


def mutants(stem: str) -> dict[str, dict[str, str]]:
    return answers_file(stem)["MUTANTS"]


def submission(released: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with the given answer cells filled in, as a student would."""
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


# One xdist group per chapter: with `pytest -n 2 --dist loadgroup` chapters are graded
# side by side, and each chapter's fixture runs once, on one worker.
@pytest.fixture(scope="module", params=[pytest.param(s, marks=pytest.mark.xdist_group(f"grade-{s}")) for s in CHAPTERS])
def graded(request, tmp_path_factory):
    """Release one chapter into a fresh course, submit reference/stub/mutants, autograde all."""
    stem = request.param
    course = tmp_path_factory.mktemp(f"course-{stem}")
    (released_path,) = pipeline.release(course, [stem])
    released = nbformat.read(released_path, as_version=4)
    source = pipeline.read_chapter(pipeline.chapter_path(stem))
    exercises = exercise_cells(source)
    reference = {ex.id: pipeline.solution_source(source.cells[ex.answer_index].source) for ex in exercises}

    students = {"reference": submission(released, reference), "stub": released}
    alternatives = answers_file(stem).get("ALTERNATIVES", {})
    if alternatives:
        students["alternatives"] = submission(released, {**reference, **alternatives})
    names = {}
    for ex_id, variants in mutants(stem).items():
        for k, (label, code) in enumerate(variants.items()):
            student = f"mutant-{ex_id}-{k}"
            students[student] = submission(released, {**reference, ex_id: code})
            names[student] = (ex_id, label)
    folder = tmp_path_factory.mktemp(f"submissions-{stem}")
    for student, nb in students.items():
        target = folder / student / stem / f"{stem}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    rows = {row["student"]: row for row in pipeline.grade(folder, course)}
    return stem, course, exercises, rows, names


@pytest.mark.slow
def test_reference_scores_full_marks(graded):
    """Does the chapter's own solution, graded like a submission, earn every point?"""
    stem, _, exercises, rows, _ = graded
    row = rows["reference"]
    assert row["score"] == row["max_score"] == sum(e.points for e in exercises), row


@pytest.mark.slow
def test_alternative_correct_answers_score_full_marks(graded):
    """Do correct answers written differently from the reference (kept with the mutants) earn every point?"""
    stem, _, exercises, rows, _ = graded
    if "alternatives" not in rows:
        pytest.skip(f"{stem} keeps no alternative answers")
    assert rows["alternatives"]["score"] == rows["alternatives"]["max_score"], rows["alternatives"]


@pytest.mark.slow
def test_stub_scores_zero_and_runs_to_the_end(graded):
    """Does the released stub score 0 on every exercise while the grader still executes every cell?"""
    stem, course, exercises, rows, _ = graded
    row = rows["stub"]
    assert row["score"] == 0, row
    assert all(row[e.id] == 0 for e in exercises), row
    autograded = nbformat.read(course / "autograded" / "stub" / stem / f"{stem}.ipynb", as_version=4)
    code_cells = [c for c in autograded.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code_cells), "some cells were not executed after the first error"


@pytest.mark.slow
def test_each_mutant_loses_exactly_its_points(graded):
    """Does every kept wrong answer lose all of its exercise's points and nothing else?"""
    stem, _, exercises, rows, names = graded
    points = {e.id: e.points for e in exercises}
    assert set(points) <= {ex for ex, _ in names.values()}, f"exercises without a mutant: {set(points) - {ex for ex, _ in names.values()}}"
    failures = []
    for student, (ex_id, label) in names.items():
        row = rows[student]
        for other, pts in points.items():
            want = 0 if other == ex_id else pts
            if row[other] != want:
                failures.append(f"{ex_id} / {label!r}: exercise {other} scored {row[other]}, expected {want}")
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_feedback_and_csv_are_written(graded):
    """Does grading leave an HTML feedback file per submission and a CSV with every exercise as a column?"""
    stem, course, exercises, rows, _ = graded
    for student in rows:
        assert (course / "feedback" / student / stem / f"{stem}.html").is_file()
    header = (course / "grades.csv").read_text().splitlines()[0].split(",")
    assert header[:4] == ["student", "assignment", "score", "max_score"]
    assert {e.id for e in exercises} <= set(header)
