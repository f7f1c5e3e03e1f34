"""The student setup needs nothing of the instructors': the site offers the seqgen wheel and the
requirements file, which pin what the student notebooks import at the course's versions. The notebooks
themselves are run in a venv built from those two files only: tests/book/test_student_env.py."""

from __future__ import annotations

import re

import pytest

from autograder import course
from autograder.publishing.pages import STUDENT_REQUIREMENTS

FORBIDDEN = ("torch", "nbgrader", "solutions", "autograder", "jupyter-book")


def test_student_requirements_pin_the_course_versions_and_nothing_instructor():
    """Does the student requirements file pin what the notebooks import, at the course's versions, without torch or nbgrader?"""
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (course.ROOT / STUDENT_REQUIREMENTS).read_text(), re.M))
    norm = lambda name: name.lower().replace("_", "-")  # noqa: E731
    pinned = {norm(k): v for k, v in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (course.ROOT / "constraints.txt").read_text(), re.M)}
    assert {"tensorflow-cpu", "keras", "numpy", "matplotlib", "tqdm", "scikit-learn"} <= {norm(k) for k in pins}
    assert not [k for k in pins if norm(k).startswith(FORBIDDEN)]
    assert {norm(k): v for k, v in pins.items()} == {norm(k): pinned[norm(k)] for k in pins}


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_site_offers_the_wheel_and_the_requirements(site):
    """Does the built site offer the seqgen wheel and the student requirements file, linked from the landing page?"""
    index = (site / "intro.html").read_text()  # the landing page (index.html redirects to it)
    for name in ("seqgen-", STUDENT_REQUIREMENTS):
        assert re.search(rf'href="[^"]*_downloads/[0-9a-f]+/{re.escape(name)}[^"]*"', index), name
    (wheel,) = site.glob("_downloads/*/seqgen-*.whl")
    assert wheel.stat().st_size > 10_000
