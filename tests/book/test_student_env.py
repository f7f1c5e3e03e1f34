"""What a student runs is what the tests run: every released student notebook, in a venv built from
``requirements-student.txt`` and the ``seqgen`` wheel only, from a folder outside the repository,
network off (``autograder/student_env.py``), with the released answers of the earlier chapters
installed (``make release-answers``), training skipped as when graded (``NBGRADER_EXECUTION``):

- the venv holds the requirements and the wheel, nothing of the instructors' (no PyTorch), offline;
- with the stubs, the released notebook as a student downloads it (its set-up cell first, ``seqgen``
  from the wheel) runs every cell that is not a visible test, or stops with ``NotImplementedError``
  because it needs an exercise not answered yet (the stub's, or a stand-in's naming it:
  ``seqgen.notebook``; an answer cell whose stub sits in a class body stops so too); each visible
  test stops with ``NotImplementedError``; nothing else (no ``ImportError``, ``NameError``, ``KeyError``).

With the reference answers filled in, every cell runs and every visible test passes: that run is the
grader's own (tests/autograder/grading/test_batch.py), whose kernel runs in this same venv
(:func:`autograder.grading.sandbox.kernel_python`), so it is not run twice.

The venv is cached (``.cache/student-venv``, or ``$SEQGEN_STUDENT_VENV_CACHE``; the first build downloads the
requirements from PyPI), keyed by ``requirements-student.txt``, the wheel reinstalled when its contents change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import answers, course, student_env
from autograder.publishing.pages import build_wheel

# The student group: one worker builds the venv once, beside the site build (the release is made in process:
# the `released` fixture of tests/book/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("student")]
STEMS = course.stems()
TIMINGS = Path(os.environ.get("SEQGEN_STUDENT_TIMINGS", course.ROOT / ".cache" / "student-env-timings.json"))


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    assert not folder.resolve().is_relative_to(course.ROOT)
    return folder


@pytest.fixture(scope="module")
def venv(home):
    """The student venv: requirements-student.txt and this checkout's seqgen wheel, nothing else."""
    return student_env.student_venv(build_wheel(course.ROOT, home / "dist"))


@pytest.fixture(scope="module")
def installed(home):
    """Per chapter N, a folder with seqgen_answers N-1 installed from its wheel (empty for chapter 1)."""
    def install(stem: str) -> Path:
        target = home / "answers" / stem
        before = answers.stems_before(stem)
        if before and not target.is_dir():
            wheel = answers.build_wheel(before[-1], home / "answers-dist")
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                            "--no-index", "--no-deps", "--target", str(target), str(wheel)], check=True)
        target.mkdir(parents=True, exist_ok=True)
        return target
    return install


def record(stem: str, run: str, seconds: float) -> None:
    """Keep the measured wall time of each run (a figure for the README, never an assertion)."""
    TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(TIMINGS.read_text()) if TIMINGS.is_file() else {}
    data.setdefault(stem, {})[run] = {"seconds": round(seconds, 1), "load": round(os.getloadavg()[0], 1),
                                      "when": time.strftime("%Y-%m-%d %H:%M")}
    TIMINGS.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def test_the_student_venv_has_the_requirements_and_nothing_of_the_instructors(venv, home):
    """In the sandboxed student kernel, is seqgen the wheel's, do torch, nbgrader, solutions, autograder fail to import,
    is the network off and the checkout out of sight?"""
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import importlib.util, os, socket, seqgen, keras, sklearn\n"
        "print(seqgen.__file__)\n"
        "print([importlib.util.find_spec(m) is None for m in ('torch', 'nbgrader', 'solutions', 'autograder', 'seqgen_answers')])\n"
        "s = socket.socket(); s.settimeout(5)\n"
        "print('offline' if s.connect_ex(('151.101.0.223', 443)) else 'online')  # pypi.org's address\n"
        f"print(sorted(os.listdir({str(course.ROOT)!r})))")])
    nbformat.write(probe, home / "probe.ipynb")
    report = student_env.run_notebook(venv, home / "probe.ipynb", home / "probe-out.ipynb", home / "probe-work")
    (cell,) = report["cells"]
    assert not cell["errors"], cell["errors"]
    lines = cell["text"].strip().split("\n")
    assert lines[0].startswith(str(venv)), lines
    assert lines[1:3] == ["[True, True, True, True, True]", "offline"], lines
    assert lines[3] in ("['.cache']", "[]"), lines  # the checkout is hidden; the venv's own folder shows through


def describe(cell: dict) -> str:
    return f"{cell['kind']} cell {cell['source'][:70]!r}: {cell['errors']}"


@pytest.mark.parametrize("stem", STEMS)
def test_with_the_stubs_every_cell_runs_or_says_which_exercise_it_needs(venv, released, installed, home, stem):
    """With the stubs, do the visible tests stop with NotImplementedError, and every other cell run or stop with one?"""
    report = student_env.run_notebook(venv, released[stem], home / "out" / f"{stem}-stubs.ipynb",
                                      home / "work" / f"{stem}-stubs", extra_path=[installed(stem)])
    record(stem, "stubs", report["seconds"])
    cells = report["cells"]
    tests = [c for c in cells if c["kind"] == "test"]
    assert tests and all(c["errors"] and c["errors"][0][0] == "NotImplementedError" for c in tests), (
        [describe(c) for c in tests if not c["errors"] or c["errors"][0][0] != "NotImplementedError"])
    wrong = [describe(c) for c in cells if any(e != "NotImplementedError" for e, _ in c["errors"])]
    assert not wrong, f"cells failing otherwise than by an unanswered exercise: {wrong}"
    assert not cells[0]["errors"], describe(cells[0])  # the setup cell: imports, constants
