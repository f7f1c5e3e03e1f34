"""The chapter object at the bottom: a chapter read once, its parts on demand; the leak check; the lock."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from autograder import course

# Another process that takes a lock, marks what it is doing, and lets go.
HOLDER = """
import sys, time
from pathlib import Path
from autograder import course
marker = Path(sys.argv[1])
with course.file_lock(Path(sys.argv[2])):
    marker.write_text("held")
    time.sleep(1.5)
    marker.write_text("released")
"""
# Another process that asks, without waiting, whether the lock is free.
PROBE = """
import fcntl, sys
with open(sys.argv[1], "a") as fh:
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("free")
    except BlockingIOError:
        print("busy")
"""
PAGE = '''# Demo

```{code-cell} ipython3
:tags: [answer:double]
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
```

```{code-cell} ipython3
:tags: [tests:double, points:2]
assert double(2) == 4
```
'''


@pytest.fixture
def lock_path(tmp_path):
    """A private lock file, so these tests never wait on a real build in this checkout."""
    return tmp_path / "course" / ".lock"


def start_holder(marker, lock_path):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(marker), str(lock_path)], cwd=course.ROOT)
    for _ in range(1200):  # until the other process holds the lock
        if marker.exists() or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert marker.exists(), f"the lock-holding process never took the lock (exit {proc.poll()})"
    return proc


def probe(lock_path) -> str:
    return subprocess.run([sys.executable, "-c", PROBE, str(lock_path)], capture_output=True, text=True, check=True).stdout.strip()


def test_a_second_process_waits_for_the_lock(tmp_path, lock_path, capsys):
    """Does taking the lock while another process holds it wait until that process lets go (and say so)?"""
    marker = tmp_path / "state"
    proc = start_holder(marker, lock_path)
    try:
        with course.course_lock(lock_path.parent):
            seen = marker.read_text()
    finally:
        proc.wait(timeout=60)
    assert seen == "released", "we entered the lock while the other process still held it"
    assert "waiting for it to finish" in capsys.readouterr().out


def test_the_lock_is_reentrant_within_a_process(lock_path):
    """Can a step holding the lock call one that takes it again (build_book -> release), with the lock
    held until the outermost block ends and free after?"""
    lock_path.parent.mkdir()
    assert probe(lock_path) == "free"
    with course.course_lock(lock_path.parent):
        with course.course_lock(lock_path.parent):
            assert probe(lock_path) == "busy"
        assert probe(lock_path) == "busy", "leaving the inner block let go of the outer one's lock"
    assert probe(lock_path) == "free"


def test_temporary_courses_do_not_take_the_lock(tmp_path, lock_path):
    """Does work on a private course folder (the grading tests') go ahead while another process holds the
    lock of another course, and does work on that course wait for it?"""
    marker = tmp_path / "state"
    proc = start_holder(marker, lock_path)
    try:
        with course.course_lock(tmp_path / "private"):
            seen = marker.read_text()
        with course.course_lock(lock_path.parent):
            after = marker.read_text()
    finally:
        proc.wait(timeout=60)
    assert seen == "held"
    assert after == "released", "the held course's own work did not wait for the lock"


def test_the_course_folder_is_configurable_and_outside_the_package(monkeypatch, tmp_path):
    """Is the course folder course/ at the repository's root by default, and $SEQGEN_COURSE when set?"""
    monkeypatch.delenv(course.COURSE_ENV, raising=False)
    assert course.course_dir() == course.ROOT / "course"
    assert not course.course_dir().is_relative_to(course.ROOT / "autograder")
    monkeypatch.setenv(course.COURSE_ENV, str(tmp_path))
    assert course.course_dir() == tmp_path


def demo_chapter(book, page=PAGE):
    folder = book / "01_demo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01_demo.md").write_text(page)
    (folder / "mutants.py").write_text('MUTANTS = {"double": {"logic: adds": "def double(x):\\n    return x + 2\\n"}}\n'
                                       'ALTERNATIVES = {"double": "def double(x):\\n    return x * 2\\n"}\n')
    return folder


def test_a_chapter_is_read_once_and_again_when_edited(tmp_path):
    """Is a chapter read once per process (the same object back), each notebook a copy of its own, and read
    again once its page changes?"""
    demo_chapter(tmp_path)
    first = course.chapter("01_demo", tmp_path)
    assert course.chapter("01_demo", tmp_path) is first
    assert course.stems(tmp_path) == ["01_demo"]
    nb = first.notebook()
    nb.cells[0].source = "changed"
    assert first.notebook().cells[0].source != "changed", "a caller changed the cached notebook"
    assert [(e.id, e.points) for e in first.exercises] == [("double", 2.0)]
    assert first.reference_answers == {"double": "def double(x):\n    return 2 * x"}
    assert first.notebook().cells[first.exercises[0].answer_index].metadata["nbgrader"]["solution"] is True
    assert first.mutants == {"double": {"logic: adds": "def double(x):\n    return x + 2\n"}}
    assert first.alternatives == {"double": ["def double(x):\n    return x * 2\n"]}
    page = first.page
    time.sleep(0.01)
    page.write_text(PAGE.replace("points:2", "points:3"))
    again = course.chapter("01_demo", tmp_path)
    assert again is not first and again.exercises[0].points == 3.0
    with pytest.raises(FileNotFoundError, match="no chapter '02_none'.*01_demo"):
        course.chapter("02_none", tmp_path)


def test_checks_are_loaded_on_demand_one_per_exercise(tmp_path):
    """Are a chapter's checks executed only when asked for, once, and refused unless there is exactly one per exercise?"""
    folder = demo_chapter(tmp_path)
    checks = folder / "checks.py"
    checks.write_text("from autograder.grading.checks import Checks\nchecks = Checks()\nRUNS = []\n"
                      "@checks.exercise('double')\ndef _(k):\n    RUNS.append(1)\n")
    chapter = course.chapter("01_demo", tmp_path)
    assert "checks" not in vars(chapter), "reading the chapter ran its checks"
    assert set(chapter.checks) == {"double"} and chapter.checks is chapter.checks
    assert not (folder / "__pycache__").exists(), "loading the checks left a __pycache__ in the book"
    checks.write_text("from autograder.grading.checks import Checks\nchecks = Checks()\n"
                      "@checks.exercise('triple')\ndef _(k):\n    pass\n")
    with pytest.raises(course.TagError, match=r"exercises without a check: \['double'\]; checks without an exercise: \['triple'\]"):
        course.chapter("01_demo", tmp_path).checks
    checks.write_text("checks = None\n")
    with pytest.raises(TypeError, match="must define `checks = Checks"):
        course.chapter("01_demo", tmp_path).checks


@pytest.mark.slow
@pytest.mark.parametrize("stem", [pytest.param(s, marks=pytest.mark.xdist_group(f"checks-{s}"), id=s) for s in course.stems()])
def test_every_chapter_has_exactly_one_check_per_exercise(stem):
    """Does the chapter's checks module define one check for each exercise, and none for anything else?"""
    chapter = course.chapter(stem)
    assert set(chapter.checks) == {e.id for e in chapter.exercises}


def test_the_leak_check_names_what_leaked():
    """Does the leak check refuse a solution region, hidden tests and `import solutions`, quoting where?"""
    for text in ["x\n### BEGIN SOLUTION\n", "### END HIDDEN TESTS", "from solutions import gpt"]:
        with pytest.raises(course.LeakError, match="page mentions"):
            course.assert_no_leak(text, "page")
    course.assert_no_leak("the solutions of the exercises\n# YOUR CODE HERE", "page")


def test_solution_source_is_what_a_student_writes():
    """Are the solution markers, and only they, removed from an answer cell?"""
    cell = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n# after"
    assert course.solution_source(cell) == "def f(x):\n    return x\n# after"
