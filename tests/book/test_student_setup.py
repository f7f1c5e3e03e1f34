"""The student setup needs nothing of the instructors': the site's seqgen wheel and
requirements file are enough to run every student notebook to its end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import course
from autograder.publishing.pages import STUDENT_REQUIREMENTS, build_wheel

pytestmark = pytest.mark.slow
# Their own group: they need the released notebooks (seconds), not the site, so they run beside its build.
STUDENT = pytest.mark.xdist_group("student")
CHAPTERS = course.stems()
# Visible cells that still import instructor code, being removed on another branch.
FORBIDDEN = ("torch", "nbgrader", "solutions", "autograder", "jupyter-book")


@STUDENT
def test_student_requirements_pin_the_course_versions_and_nothing_instructor():
    """Does the student requirements file pin what the notebooks import, at the course's versions, without torch or nbgrader?"""
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (course.ROOT / STUDENT_REQUIREMENTS).read_text(), re.M))
    norm = lambda name: name.lower().replace("_", "-")  # noqa: E731
    pinned = {norm(k): v for k, v in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (course.ROOT / "constraints.txt").read_text(), re.M)}
    assert {"tensorflow-cpu", "keras", "numpy", "matplotlib", "tqdm"} <= {norm(k) for k in pins}
    assert not [k for k in pins if norm(k).startswith(FORBIDDEN)]
    assert {norm(k): v for k, v in pins.items()} == {norm(k): pinned[norm(k)] for k in pins}


@pytest.fixture(scope="module")
def student_env(tmp_path_factory):
    """The seqgen wheel installed into a folder of its own, and a working folder outside the repository."""
    home = tmp_path_factory.mktemp("student")
    wheel = build_wheel(course.ROOT, home / "dist")
    packages = home / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(packages), str(wheel)],
                   check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NBGRADER_EXECUTION")}
    env.update(PYTHONPATH=str(packages), NBGRADER_EXECUTION="autograde", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3")
    work = home / "work"
    work.mkdir()
    assert not work.resolve().is_relative_to(course.ROOT)
    return {"env": env, "work": work, "packages": packages, "wheel": wheel}


def run(nb: nbformat.NotebookNode, student_env, timeout: int = 600) -> nbformat.NotebookNode:
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(student_env["work"])}})
    client.execute(env=student_env["env"])
    return nb


@STUDENT
def test_the_student_kernel_has_no_instructor_code(student_env):
    """In the student kernel, is seqgen the wheel's copy, and do `solutions` and `autograder` fail to import?"""
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import importlib.util, os, seqgen\n"
        "print(seqgen.__file__)\n"
        "print(os.getcwd())\n"
        "print([importlib.util.find_spec(m) is None for m in ('solutions', 'autograder')])")])
    out = run(probe, student_env).cells[0].outputs[0]["text"].split("\n")
    assert out[0].startswith(str(student_env["packages"])), out
    assert out[1] == str(student_env["work"]) and out[2] == "[True, True]", out


def answered(stem: str, released: dict) -> nbformat.NotebookNode:
    """The released student notebook with each answer cell holding the chapter's reference answer."""
    answers = course.chapter(stem).reference_answers
    nb = nbformat.read(released[stem], as_version=4)
    filled = 0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = answers[meta["grade_id"]]
            filled += 1
    assert filled == len(answers)
    return nb


@STUDENT
@pytest.mark.parametrize("stem", CHAPTERS)
def test_student_notebook_runs_to_the_end_with_correct_answers(released, student_env, stem):
    """Does the student notebook, answered correctly, run to its end in the student kernel (training skipped as when graded)?"""
    nb = run(answered(stem, released), student_env)
    visible_tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    passed = [c for c in visible_tests if any("all visible checks passed" in o.get("text", "") for o in c.outputs)]
    assert len(passed) == len(visible_tests) > 0


@pytest.mark.xdist_group("site")
def test_site_offers_the_wheel_and_the_requirements(site):
    """Does the built site offer the seqgen wheel and the student requirements file, linked from the landing page?"""
    index = (site / "intro.html").read_text()  # the landing page (index.html redirects to it)
    for name in ("seqgen-", STUDENT_REQUIREMENTS):
        assert re.search(rf'href="[^"]*_downloads/[0-9a-f]+/{re.escape(name)}[^"]*"', index), name
    (wheel,) = site.glob("_downloads/*/seqgen-*.whl")
    assert wheel.stat().st_size > 10_000
