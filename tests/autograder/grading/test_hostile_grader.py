"""Attacks on the grader's own claims (issue 19), graded in sandboxed batches with their expected scores.

Chapter 6 (tests/autograder/grading/hostile/ch6_grader.py) in one batch of light cases and one of heavy ones
(``-m "not heavy"`` leaves the heavy batch out: a memfd of the memory limit, 100 MB of result-type
display data), and chapter 3 (tests/autograder/grading/hostile/ch3_grader.py: a self-describing Keras model,
a huge argument to a checker-side stand-in). Each batch runs once, ``--jobs 2``, with small limits.

Does each attack cost exactly the exercise it attacks (0 there, flagged where it inspects or rewrites
the grader), with full marks everywhere else and no grader error?

A case listed in PENDING is a strict xfail: an attack class the grader does not hold yet; it must leave
the list once the grader holds it (a fixed case still listed fails the suite). None is listed today.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import nbformat
import pytest

from autograder import course
from autograder.grading import batch
from autograder.grading.sandbox import Limits

HERE = Path(__file__).parent / "hostile"
HARNESS = runpy.run_path(str(HERE / "notebooks.py"))
CH6 = runpy.run_path(str(HERE / "ch6_grader.py"))
CH3 = runpy.run_path(str(HERE / "ch3_grader.py"))
ROOT = course.ROOT
pytestmark = pytest.mark.xdist_group("hostile")  # each batch fixture runs once, on one worker

# Low limits keep the batches short; the memory limit is far above what chapter 6 needs (about 700 MB).
LIMITS_6 = dict(cell_timeout=40, notebook_timeout=400, memory_mb=2000, output_kb=64, output_max_mb=5, tmp_mb=64)
HEAVY_LIMITS_6 = {**LIMITS_6, "memory_mb": 1500}
LIMITS_3 = dict(cell_timeout=120, notebook_timeout=600, memory_mb=3000, output_kb=64, output_max_mb=5, tmp_mb=128)

PENDING: dict[str, str] = {}  # every attack class is held (issue 19)


def _light(cases: dict) -> list[str]:
    return sorted(name for name, case in cases.items() if not case.get("heavy"))


def _heavy(cases: dict) -> list[str]:
    return sorted(name for name, case in cases.items() if case.get("heavy"))


def _params(names: list[str]) -> list:
    return [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=PENDING[n])) if n in PENDING else n for n in names]


def grade_cases(tmp_path_factory, stem: str, cases: dict, names: list[str], limits: dict) -> dict:
    """Grade the reference and the named cases of chapter ``stem`` in one batch; the records by student."""
    folder = tmp_path_factory.mktemp(f"hostile-{stem}")
    reference = HARNESS["reference_answers"](stem)
    marks = dict(ROOT=ROOT, TMP_MB=limits["tmp_mb"], MEMORY_MB=limits["memory_mb"], MIME=CH6["MIME"], LINK=CH6["LINK"])
    notebooks = {"reference": HARNESS["student_notebook"](stem, reference)}
    notebooks.update({name: HARNESS["case_notebook"](stem, cases[name], reference, **marks) for name in names})
    links = {}
    for name, nb in notebooks.items():
        target = folder / name / stem / f"{stem}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
        if cases.get(name, {}).get("link"):
            try:
                os.link(ROOT / cases[name]["link"], target.parent / CH6["LINK"])
                links[name] = True
            except OSError:  # another filesystem: the attack needs the reference on the submissions' one
                links[name] = False
    course = tmp_path_factory.mktemp(f"hostile-{stem}-course")
    records = batch.grade(folder, course, jobs=2, limits=Limits(**limits), progress=False)
    return {"records": {r.student: r.to_dict() for r in records}, "course": course, "links": links}


@pytest.fixture(scope="session")
def ch6_light(tmp_path_factory):
    return grade_cases(tmp_path_factory, "06_peeky_reverse", CH6["CASES"], _light(CH6["CASES"]), LIMITS_6)


@pytest.fixture(scope="session")
def ch6_heavy(tmp_path_factory):
    return grade_cases(tmp_path_factory, "06_peeky_reverse", CH6["CASES"], _heavy(CH6["CASES"]), HEAVY_LIMITS_6)


@pytest.fixture(scope="session")
def ch3_batch(tmp_path_factory):
    return grade_cases(tmp_path_factory, "03_char_rnn", CH3["CASES"], sorted(CH3["CASES"]), LIMITS_3)


def judge(graded: dict, cases: dict, case: str) -> None:
    """The attack's record: no grader error, 0 on the attacked exercises (flagged where listed), full marks elsewhere."""
    record = graded["records"][case]
    spec = cases[case]
    assert "grader_error" not in record, record["grader_error"][-600:]
    got, want = HARNESS["scores"](record), HARNESS["expected_scores"](record, spec["expect"])
    assert got == want, [(e["id"], e["points"], e["check"]) for e in record["exercises"]]
    for ex_id in spec.get("flag", []):
        assert HARNESS["is_flagged"](record, ex_id), f"{ex_id}: the record does not flag the code for the instructor"


@pytest.mark.slow
def test_chapter6_reference_gets_full_marks(ch6_light):
    """Beside the attacks, does the reference get full marks (the batch itself works)?"""
    record = ch6_light["records"]["reference"]
    assert record["score"] == record["max_score"] == 8, record["exercises"]


@pytest.mark.slow
@pytest.mark.parametrize("case", _params(_light(CH6["CASES"])))
def test_chapter6_attack_costs_its_exercise_only(ch6_light, case):
    """Does the attack score 0 on the exercise it attacks (flagged where it rewrites the grader), full marks elsewhere?"""
    spec = CH6["CASES"][case]
    if spec.get("root_only") and os.geteuid() != 0:
        pytest.skip("the attack needs a grader running as root")
    if spec.get("link") and not ch6_light["links"][case]:
        pytest.skip("the hard link could not be made (the submissions are on another filesystem)")
    judge(ch6_light, CH6["CASES"], case)
    record, course = ch6_light["records"][case], ch6_light["course"]
    if spec.get("root_only"):
        secret = Path("/etc/shadow").read_text()[:20]
        page = (course / "feedback" / case / "06_peeky_reverse" / "06_peeky_reverse.html").read_text()
        assert secret not in page and secret not in str(record), "root-only /etc content reached the feedback"
    if spec.get("sleeps"):
        extra = record["timing"]["cells"] - ch6_light["records"]["reference"]["timing"]["cells"]
        # The added cells sleep spec["sleeps"] seconds in all: a grader that runs them pays at least that.
        assert extra < spec["sleeps"] / 2, f"the cells after the last test ran in full ({extra:.0f} s more than the reference)"


@pytest.mark.slow
@pytest.mark.heavy
@pytest.mark.parametrize("case", _params(_heavy(CH6["CASES"])))
def test_chapter6_heavy_attack_costs_its_exercise_only(ch6_heavy, case):
    """A memfd of the memory limit, or 100 MB of result-type display data: 0 on that exercise only?"""
    judge(ch6_heavy, CH6["CASES"], case)


@pytest.mark.slow
@pytest.mark.parametrize("case", _params(sorted(CH3["CASES"])))
def test_chapter3_attack_costs_its_exercise_only(ch3_batch, case):
    """A self-describing Keras model; a huge argument to a stand-in: 0 on that exercise only?"""
    judge(ch3_batch, CH3["CASES"], case)


@pytest.mark.slow
def test_chapter3_reference_gets_full_marks(ch3_batch):
    """Does the chapter 3 reference keep full marks in the same batch?"""
    record = ch3_batch["records"]["reference"]
    assert record["score"] == record["max_score"], record["exercises"]
