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

from autograder import batch, pipeline
from autograder.sandbox import SEQGEN_DIR, Limits
from autograder.tags import exercise_cells

STEM = "06_peeky_reverse"
HOSTILE = runpy.run_path(str(Path(__file__).parent / "hostile" / "ch6.py"))
CASES = HOSTILE["CASES"]
TAG = uuid.uuid4().hex[:12]
ROOT = pipeline.ROOT
# Low limits keep the test short; the memory limit is far above what chapter 6 needs (~700 MB).
pytestmark = pytest.mark.xdist_group("hostile")  # the batch fixture runs once, on one worker
LIMITS = dict(cell_timeout=40, notebook_timeout=400, memory_mb=2000, output_kb=64, output_max_mb=5)


def student_notebook(answers: dict[str, str], tests: dict[str, str | None] | None = None,
                     insert: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The chapter as a student holds it (stubs replaced by ``answers``), test cells edited or deleted, cells added."""
    nb = pipeline.read_chapter(pipeline.chapter_path(STEM))
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if meta.get("solution"):
            cell.source = answers.get(grade_id, "# YOUR CODE HERE\nraise NotImplementedError()")
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
    nb = pipeline.read_chapter(pipeline.chapter_path(STEM))
    return {ex.id: pipeline.solution_source(nb.cells[ex.answer_index].source) for ex in exercise_cells(nb)}


def fill(code: str, ref: str) -> str:
    return code.replace("{REF}", ref).replace("{ROOT}", str(ROOT)).replace("{TAG}", TAG)


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
    (seqgen_copy / "_answers_demo.py").write_text(HOSTILE["DEMO_MODULE"])
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
    before = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True).stdout
    digest = tree_digest(folder)
    course = tmp_path_factory.mktemp("hostile-course")
    records = batch.grade(folder, course, jobs=2, limits=Limits(**LIMITS, seqgen_dir=str(seqgen_copy)), progress=False)
    after = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True).stdout
    return {r["student"]: r for r in records}, course, (before, after), (digest, tree_digest(folder))


def scores(record: dict) -> dict[str, float]:
    return {ex["id"]: ex["points"] for ex in record["exercises"]}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_attack_scores_zero_on_its_exercise_only(hostile, case):
    """Does the attack lose exactly the points of the exercise it attacks?"""
    records = hostile[0]
    got = scores(records[case])
    want = {ex["id"]: (0.0 if ex["id"] in CASES[case]["expect"] else ex["max"]) for ex in records[case]["exercises"]}
    assert got == want, records[case]["exercises"]


@pytest.mark.slow
def test_reference_full_stub_zero_and_missing_notebook_zero(hostile):
    """Do the reference, the stub and a folder without a notebook get 8, 0 and 0 in the same batch?"""
    records = hostile[0]
    assert records["reference"]["score"] == records["reference"]["max_score"] == 8
    assert records["stub"]["score"] == 0 and records["gone"]["score"] == 0


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
    records, course, _, _ = hostile
    check_source = (pipeline.BOOK_DIR / STEM / "checks.py").read_text()
    for student in records:
        page = (course / "feedback" / student / STEM / f"{STEM}.html").read_text()
        pipeline.assert_no_leak(page, student)
        assert "LAYERS = (" not in page and "numpy_seq2seq" not in page and check_source[-200:] not in page
    assert "expected" in (course / "feedback" / "patches_numpy" / STEM / f"{STEM}.html").read_text()
    wide = list(csv.DictReader(open(course / "grades.csv")))
    assert {r["student"] for r in wide} == set(records)
    assert list(wide[0])[:4] == ["student", "reverse_questions", "peeky_forward", "peeky_backward"]
    long = list(csv.DictReader(open(course / "grades_long.csv")))
    assert len(long) == 3 * len(records)


@pytest.mark.slow
def test_regrading_one_student_alone_gives_the_same_scores_and_leaves_the_others(hostile):
    """Graded again alone with grade-one, does a submission get the batch's scores and messages, other records untouched?"""
    records, course, _, _ = hostile
    others = {p: p.read_bytes() for p in (course / "graded").glob("*/*.json") if p.parent.name != "patches_numpy"}
    seqgen_copy = Path(records["reference"]["limits"]["seqgen_dir"])
    notebook = next(Path(course).parent.glob("hostile-submissions*/patches_numpy")) / STEM / f"{STEM}.ipynb"
    again = batch.grade_one(notebook, "patches_numpy", STEM, course, Limits(**LIMITS, seqgen_dir=str(seqgen_copy)))
    assert [(e["points"], e["check"]) for e in again["exercises"]] == [(e["points"], e["check"]) for e in records["patches_numpy"]["exercises"]]
    assert all(p.read_bytes() == data for p, data in others.items())
