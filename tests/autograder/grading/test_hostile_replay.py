"""Resubmission replay (issue 19): can a class learn the hidden answers from its feedback, one submission at a time?

A replaying student submits an answer that looks its output up in a table keyed by the input's shape,
reads each failed check's message, adds whatever expected values it shows to the table, and submits
again. Today a failed check prints the whole expected array and the hidden inputs are the same for
every submission, so the table passes on the fifth submission. Feedback must teach without leaking (a
bounded summary: shape, first differing entries, largest difference, NaN named), and the hidden
inputs must be drawn per submission (from a course secret, the student and the submission), so that
what one submission's feedback shows does not answer the next.

Chapter 6 in process (``LocalKernel``), as tests/autograder/grading/test_mutants.py runs it.
"""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest

from autograder import course
from autograder.grading.checks import run_check
from autograder.grading.local import local_kernel_for
from autograder.grading.submission import Cell, submission_seed

STEM = "06_peeky_reverse"
ROUNDS = 40
SECRET = b"a course secret of the tests, 32 bytes long"
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("checks")]


@pytest.fixture(scope="module")
def kernel():
    return local_kernel_for(STEM)


def lookup_answer(table: dict) -> str:
    """A reverse_questions that answers from what earlier feedback showed: {shape: {index: value}}."""
    return (f"_TABLE = {table!r}\n"
            "def reverse_questions(x):\n"
            "    out = np.zeros(x.shape, dtype=x.dtype)\n"
            "    for index, value in _TABLE.get(tuple(x.shape), {}).items():\n"
            "        out[index] = value\n"
            "    return out\n")


def learn(table: dict, message: str) -> int:
    """Add the expected values a failed check's message shows to ``table``; the number of entries learnt."""
    found = re.search(r"reversal of a \((\d+), (\d+)\) array", message)
    if not found:
        return 0
    shape = (int(found.group(1)), int(found.group(2)))
    entries = table.setdefault(shape, {})
    before = len(entries)
    whole = re.search(r"expected (\[\[.*?\]\]), got", message)
    if whole:  # the whole expected array
        for index, value in np.ndenumerate(np.array(ast.literal_eval(whole.group(1)))):
            entries[tuple(int(i) for i in index)] = int(value)
    for index, value in re.findall(r"\(([\d, ]+)\)[^;()]*?expected (-?\d+)", message):  # entries shown one by one
        entries[tuple(int(i) for i in index.split(",") if i.strip())] = int(value)
    return len(entries) - before


def submit(kernel, code: str) -> None:
    """One new submission of the same student: its answer defined in the kernel, and the checks' inputs seeded from
    the course secret, the student and this submission, as the grader seeds them."""
    exec(compile(code, "<replayed answer>", "exec"), kernel.ns)  # noqa: S102 - the test's own answer
    kernel.seed = submission_seed(SECRET, "replayer", STEM, [Cell("answer", code, "reverse_questions")])


def test_replaying_feedback_never_passes(kernel):
    """Does a lookup table built from earlier feedback fail every one of 40 resubmissions?"""
    check = course.chapter(STEM).checks["reverse_questions"]
    table: dict = {}
    try:
        for attempt in range(1, ROUNDS + 1):
            submit(kernel, lookup_answer(table))
            passed, message = run_check(check, kernel)
            assert not passed, f"submission {attempt}: the table learnt from earlier feedback passed ({table and list(table)})"
            learn(table, message)  # every round: a value learnt may be overwritten by the next submission's
    finally:
        ref = course.chapter(STEM).reference_answers["reverse_questions"]
        exec(compile(ref, "<reference>", "exec"), kernel.ns)  # noqa: S102
        kernel.seed = 0


def test_the_same_replay_passes_when_every_submission_gets_the_same_inputs(kernel):
    """Has the replay teeth: with one seed for every submission (the inputs of stage 1), does the table pass within 40?"""
    check = course.chapter(STEM).checks["reverse_questions"]
    table: dict = {}
    passed_at = None
    try:
        for attempt in range(1, ROUNDS + 1):
            exec(compile(lookup_answer(table), "<replayed answer>", "exec"), kernel.ns)  # noqa: S102
            kernel.seed = 0
            passed, message = run_check(check, kernel)
            if passed:
                passed_at = attempt
                break
            learn(table, message)
    finally:
        ref = course.chapter(STEM).reference_answers["reverse_questions"]
        exec(compile(ref, "<reference>", "exec"), kernel.ns)  # noqa: S102
    assert passed_at is not None, "a fixed seed's replay never passed: the replay test above would prove nothing"


def test_a_failed_check_shows_a_bounded_summary_not_the_expected_array(kernel):
    """Does a wrong reversal's feedback stay short and never show the whole expected array?"""
    check = course.chapter(STEM).checks["reverse_questions"]
    submit(kernel, "def reverse_questions(x):\n    return x[::-1].copy()\n")  # rows reversed instead of columns
    x = kernel.rng(3).integers(0, 13, size=(5, 7))  # the check's first input
    try:
        passed, message = run_check(check, kernel)
    finally:
        submit(kernel, "def reverse_questions(x):\n    return x[:, ::-1].copy()\n")
        kernel.seed = 0
    assert not passed
    assert str(np.flip(x, axis=1).tolist()) not in message, message
    assert len(message) < 500 and "differ" in message, message
