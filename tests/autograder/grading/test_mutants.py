"""The exhaustive proofs of every chapter's hidden checks, in process (fast path).

Per converted chapter the chapter runs ONCE in a :class:`LocalKernel` with the reference
answers; then each kept wrong answer, and each kept alternative, is defined in that
kernel in place of the reference answer, EVERY check of the chapter runs, and the
reference answer is put back. Because checks use only the names the exercises define
(and swap in the reference where a later exercise calls an earlier one), this is what
the grader sees for a submission that is right everywhere but there; the sandboxed
grading tests (test_grading.py) confirm it for one wrong answer per chapter.

What is proven, for every chapter:
- the reference passes every check;
- each wrong answer of exercise j fails j's check and ONLY j's (no collateral loss:
  every pair j < k where k calls j is covered, since all checks run each time);
- each correct alternative passes every check.

The mutants files (book/NN_name/mutants.py) label each wrong answer with its
class: ``"contract: ..."`` (a clause of the docstring broken: dtype, shape, mutated input,
an ignored argument), ``"logic: ..."`` (off by one, wrong axis or order),
``"numeric: ..."`` (a subtly wrong formula or constant) or ``"tool: ..."`` (right values from a package a
``numpy-only`` exercise forbids: :mod:`autograder.grading.tools`). Each exercise keeps at least
three wrong answers from at least two classes and at least two alternatives.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from autograder import course
from autograder.grading.checks import run_check
from autograder.grading.local import local_kernel_for
from autograder.grading.view import grading_view

CLASSES = {"contract", "logic", "numeric", "tool"}  # tool: right values from a package the exercise forbids
CHAPTERS = course.stems()
pytestmark = pytest.mark.slow


def group(stem: str):
    """A chapter's proofs share its in-process kernel: one xdist group per chapter, so the chapters spread
    over the workers and each builds the kernels of its own chapters only."""
    return pytest.mark.xdist_group(f"checks-{stem}")


CHAPTER_PARAMS = [pytest.param(stem, marks=group(stem), id=stem) for stem in CHAPTERS]


@lru_cache(maxsize=None)
def chapter_kernel(stem: str):
    """The chapter run once in process with the reference answers (training skipped).

    Each LocalKernel has its own namespace (``local_kernel_for`` gives every chapter a fresh
    one), so the kernels of several chapters live side by side in one process.
    """
    return local_kernel_for(stem)


def verdicts(stem: str, ex_id: str | None = None, code: str | None = None) -> dict[str, tuple[bool, str]]:
    """Every check's (passed, message) with exercise ``ex_id`` answered by ``code``, the rest by the reference."""
    kernel = chapter_kernel(stem)
    checks = grading_view(stem).checks  # as the grader runs them (a numpy-only exercise's tools watched)
    if ex_id is None:
        return {i: run_check(c, kernel) for i, c in checks.items()}
    exec(compile(code, f"<answer {ex_id}>", "exec"), kernel.ns)  # noqa: S102 - our kept answers
    try:
        return {i: run_check(c, kernel) for i, c in checks.items()}
    finally:
        exec(compile(course.chapter(stem).reference_answers[ex_id], f"<reference {ex_id}>", "exec"), kernel.ns)  # noqa: S102


def cases(kind: str) -> list:
    out = []
    for stem in CHAPTERS:
        chapter = course.chapter(stem)
        if kind == "mutants":
            for ex_id, variants in chapter.mutants.items():
                out += [pytest.param(stem, ex_id, label, code, id=f"{stem}-{ex_id}-{label}", marks=group(stem))
                        for label, code in variants.items()]
        else:
            for ex_id, codes in chapter.alternatives.items():
                out += [pytest.param(stem, ex_id, i, code, id=f"{stem}-{ex_id}-alt{i}", marks=group(stem))
                        for i, code in enumerate(codes)]
    return out


@pytest.mark.parametrize("stem", CHAPTER_PARAMS)
def test_reference_passes_every_check(stem):
    """Does the chapter's own solution pass every hidden check in process?"""
    failed = {i: msg for i, (ok, msg) in verdicts(stem).items() if not ok}
    assert not failed, failed


@pytest.mark.parametrize("stem, ex_id, label, code", cases("mutants"))
def test_wrong_answer_loses_its_points_only(stem, ex_id, label, code):
    """Does a wrong answer fail its own exercise's check, and no other (no collateral loss)?"""
    got = verdicts(stem, ex_id, code)
    assert not got[ex_id][0], f"{stem}: wrong answer {label!r} for {ex_id} passed its check"
    collateral = {i: msg for i, (ok, msg) in got.items() if i != ex_id and not ok}
    assert not collateral, f"{stem}: wrong answer {label!r} for {ex_id} also cost {collateral}"


@pytest.mark.parametrize("stem, ex_id, index, code", cases("alternatives"))
def test_correct_alternative_passes_every_check(stem, ex_id, index, code):
    """Does a correct answer written differently earn its exercise's points (and cost nothing else)?"""
    failed = {i: msg for i, (ok, msg) in verdicts(stem, ex_id, code).items() if not ok}
    assert not failed, f"{stem}: alternative {index} for {ex_id} rejected: {failed}"


@pytest.mark.parametrize("stem", CHAPTER_PARAMS)
def test_every_exercise_keeps_enough_wrong_answers_and_alternatives(stem):
    """Has each exercise three labelled wrong answers from two classes or more, and two alternatives?"""
    chapter = course.chapter(stem)
    ids = set(chapter.reference_answers)
    mutants, alts = chapter.mutants, chapter.alternatives
    assert set(mutants) <= ids and set(alts) <= ids, "mutants or alternatives for an exercise the chapter lacks"
    for ex_id in sorted(ids):
        labels = list(mutants.get(ex_id, {}))
        classes = {label.split(":", 1)[0] for label in labels}
        assert classes <= CLASSES, f"{ex_id}: labels must start with one of {sorted(CLASSES)}: {labels}"
        assert len(labels) >= 3 and len(classes) >= 2, f"{ex_id}: {len(labels)} wrong answers from {sorted(classes)}"
        assert len(alts.get(ex_id, [])) >= 2, f"{ex_id}: {len(alts.get(ex_id, []))} alternatives"
