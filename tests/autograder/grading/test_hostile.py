"""Hostile notebooks, graded in one sandboxed batch on chapter 6 (tests/autograder/hostile/ch6.py).

Does each attack score 0 on the exercise it attacks and full marks elsewhere, does the batch
always finish with every record, CSV and feedback written, and does nothing outside the
submission's own folder change?
"""

from __future__ import annotations

import csv
import hashlib
import runpy
import shutil
import subprocess
import uuid
from pathlib import Path

import nbformat
import pytest

from autograder import course
from autograder.grading import batch
from autograder.grading.sandbox import SEQGEN_DIR, Limits

STEM = "06_peeky_reverse"
HOSTILE = runpy.run_path(str(Path(__file__).parent / "hostile" / "ch6.py"))
CASES = HOSTILE["CASES"]
TAG = uuid.uuid4().hex[:12]
ROOT = course.ROOT
# Low limits keep the test short; the memory limit is far above what chapter 6 needs (~700 MB).
pytestmark = pytest.mark.xdist_group("hostile")  # the batch fixture runs once, on one worker
LIMITS = dict(cell_timeout=40, notebook_timeout=400, memory_mb=2000, output_kb=64, output_max_mb=5)
# What the rest of the suite writes in the checkout while this batch runs on one worker (the other builds the
# site and releases the student notebooks; every process compiles modules). The sandboxed kernels cannot
# reach the checkout at all (it is not mounted); anything else that appears or changes there fails the test.
SUITE_WRITES = ("!! _build/", "!! rendered/", "!! .cache/", "!! course/", "!! .pytest_cache/")


def student_notebook(answers: dict[str, str], tests: dict[str, str | None] | None = None,
                     insert: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The chapter as a student holds it (stubs replaced by ``answers``), test cells edited or deleted, cells added."""
    nb = course.chapter(STEM).notebook()
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if meta.get("solution"):
            cell.source = answers.get(grade_id, course.STUB)
            if insert and grade_id in insert:
                cells.append(nbformat.v4.new_code_cell(insert[grade_id]))
        elif grade_id.endswith("_tests") and tests and grade_id.removesuffix("_tests") in tests:
            new = tests[grade_id.removesuffix("_tests")]
            if new is None:
                continue
            cell.source = new
        cells.append(cell)
    nb.cells = cells
    return nb


def reference_answers() -> dict[str, str]:
    return course.chapter(STEM).reference_answers


def fill(code: str, ref: str) -> str:
    return code.replace("{REF}", ref).replace("{ROOT}", str(ROOT)).replace("{TAG}", TAG)


def checkout_status() -> list[str]:
    """``git status --porcelain --ignored`` of the checkout, less what the rest of the suite writes meanwhile."""
    lines = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True).stdout
    return [line for line in lines.splitlines() if line not in SUITE_WRITES and not line.endswith("__pycache__/")]


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        digest.update(str(f.relative_to(folder)).encode())
        if f.is_file():
            digest.update(f.read_bytes())
    return digest.hexdigest()


def traces() -> list[str]:
    """Files named after this run's marker anywhere a hostile notebook tried to write."""
    found = []
    for folder in [ROOT, ROOT.parent, Path("/tmp"), Path("/work")]:
        found += [str(p) for p in folder.glob(f"pwned-{TAG}*")]
    return found


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    reference = reference_answers()
    seqgen_copy = tmp_path_factory.mktemp("seqgen-src") / "seqgen"
    shutil.copytree(SEQGEN_DIR, seqgen_copy, ignore=shutil.ignore_patterns("__pycache__"))
    folder = tmp_path_factory.mktemp("hostile-submissions")
    students = {"reference": student_notebook(reference), "stub": student_notebook({})}
    for name, case in CASES.items():
        answers = {**reference, **{k: fill(v, reference[k]) for k, v in case["answers"].items()}}
        students[name] = student_notebook(answers, case.get("tests"), case.get("insert"))
    for name, nb in students.items():
        target = folder / name / STEM / f"{STEM}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    (folder / "gone" / STEM).mkdir(parents=True)  # a student folder without the notebook
    before = checkout_status()
    digest = tree_digest(folder)
    where = tmp_path_factory.mktemp("hostile-course")
    records = batch.grade(folder, where, jobs=batch.default_jobs(), limits=Limits(**LIMITS, seqgen_dir=str(seqgen_copy)), progress=False)
    after = checkout_status()
    return {r.student: r for r in records}, where, (before, after), (digest, tree_digest(folder))


def scores(record) -> dict[str, float]:
    return {ex.id: ex.points for ex in record.exercises}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_attack_scores_zero_on_its_exercise_only(hostile, case):
    """Does the attack lose exactly the points of the exercise it attacks?"""
    records = hostile[0]
    got = scores(records[case])
    want = {ex.id: (0.0 if ex.id in CASES[case]["expect"] else ex.max) for ex in records[case].exercises}
    assert got == want, records[case].exercises


@pytest.mark.slow
def test_reference_full_stub_zero_and_missing_notebook_zero(hostile):
    """Do the reference, the stub and a folder without a notebook get 8, 0 and 0 in the same batch?"""
    records = hostile[0]
    assert records["reference"].score == records["reference"].max_score == 8
    assert records["stub"].score == 0 and records["gone"].score == 0


@pytest.mark.slow
def test_nothing_outside_the_submission_changes(hostile):
    """Are the checkout, /tmp, /work and the submissions folder untouched by the hostile notebooks?"""
    _, _, (git_before, git_after), (sub_before, sub_after) = hostile
    assert traces() == []
    assert git_before == git_after
    assert sub_before == sub_after


@pytest.mark.slow
def test_every_feedback_and_both_csvs_are_written_without_hidden_source(hostile):
    """Does every student get a feedback page with the check messages and no hidden source, and the CSVs a row each?"""
    records, where, _, _ = hostile
    check_source = course.chapter(STEM).checks_path.read_text()
    for student in records:
        page = (where / "feedback" / student / STEM / f"{STEM}.html").read_text()
        course.assert_no_leak(page, student)
        assert "LAYERS = (" not in page and "numpy_seq2seq" not in page and check_source[-200:] not in page
    assert "expected" in (where / "feedback" / "patches_numpy" / STEM / f"{STEM}.html").read_text()
    wide = list(csv.DictReader(open(where / "grades.csv")))
    assert {r["student"] for r in wide} == set(records)
    assert list(wide[0])[:4] == ["student", "reverse_questions", "peeky_forward", "peeky_backward"]
    long = list(csv.DictReader(open(where / "grades_long.csv")))
    assert len(long) == 3 * len(records)


@pytest.mark.slow
def test_regrading_one_student_alone_gives_the_same_scores_and_leaves_the_others(hostile):
    """Graded again alone with grade-one, does a submission get the batch's scores and messages, other records untouched?"""
    records, where, _, _ = hostile
    others = {p: p.read_bytes() for p in (where / "graded").glob("*/*.json") if p.parent.name != "patches_numpy"}
    seqgen_copy = Path(records["reference"].limits.seqgen_dir)
    notebook = next(Path(where).parent.glob("hostile-submissions*/patches_numpy")) / STEM / f"{STEM}.ipynb"
    again = batch.grade_one(notebook, "patches_numpy", STEM, where, Limits(**LIMITS, seqgen_dir=str(seqgen_copy)))
    assert [(e.points, e.check) for e in again.exercises] == [(e.points, e.check) for e in records["patches_numpy"].exercises]
    assert all(p.read_bytes() == data for p, data in others.items())
