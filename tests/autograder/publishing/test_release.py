"""Student notebooks, released in process: what nbgrader's generate_assignment writes, without it."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest
from nbgrader.utils import compute_checksum

from autograder import course
from autograder.publishing import release
from autograder.tags import drop_instructor_cells, is_instructor

# What `nbgrader generate_assignment` was configured with when the course ran it (autograder/nbgrader_config.py).
NBGRADER_CONFIG = """
c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "seqgen"
c.CourseDirectory.db_url = "sqlite:///" + {root!r} + "/gradebook.db"
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.ClearOutput.enabled = True
"""


@pytest.mark.slow
def test_the_release_is_what_nbgrader_generate_assignment_writes(tmp_path):
    """Is the released notebook, byte for byte, what `nbgrader generate_assignment` makes of the same source less its
    instructor cells (chapter 3 has one), once the course's set-up cell (put first by the release) is taken out?"""
    stem = "03_char_rnn"
    chapter = course.chapter(stem)
    nbgrader_course = tmp_path / "nbgrader"
    source = nbgrader_course / "source" / stem / f"{stem}.ipynb"
    source.parent.mkdir(parents=True)
    nbformat.write(drop_instructor_cells(chapter.notebook()), source)  # the same cell ids as ours: one read of the chapter
    (nbgrader_course / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(root=str(nbgrader_course)))
    env = {**os.environ, "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])}
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", stem, "--force"], cwd=nbgrader_course, env=env,
                   check=True, capture_output=True)
    (ours,) = release.release(tmp_path / "ours", [stem])
    nb = nbformat.read(ours, as_version=4)
    assert nb.cells.pop(0).metadata["tags"] == [course.SETUP_TAG]
    assert (nbformat.writes(nb) + "\n").encode() == (nbgrader_course / "release" / stem / f"{stem}.ipynb").read_bytes()


@pytest.mark.parametrize("stem", course.stems())
def test_a_released_notebook_holds_stubs_locked_tests_and_checksums(stem):
    """Does each answer cell hold the stub in place of its solution, each test cell stay locked and as written,
    every cell lose its outputs, and every graded cell carry the checksum nbgrader computes?"""
    chapter = course.chapter(stem)
    nb = release.student_notebook(chapter)
    source = chapter.source.cells
    graded = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
    for ex in chapter.exercises:
        answer, tests = graded[ex.id], graded[f"{ex.id}_tests"]
        unindented = "\n".join(line.strip() for line in answer.source.split("\n"))
        assert course.STUB in unindented and "BEGIN SOLUTION" not in answer.source
        assert answer.source.split("\n")[0] == source[ex.answer_index].source.split("\n")[0], "the answer's first line changed"
        assert answer.metadata["deletable"] is False and "editable" not in answer.metadata
        assert tests.source == source[ex.tests_index].source
        assert tests.metadata["deletable"] is False and tests.metadata["editable"] is False
        assert tests.metadata["nbgrader"]["locked"] and tests.metadata["nbgrader"]["points"] == ex.points
        for cell in (answer, tests):
            assert cell.metadata["nbgrader"]["checksum"] == compute_checksum(cell)
    assert not any(c.get("outputs") or c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    course.assert_no_leak(nbformat.writes(nb), stem)


@pytest.mark.parametrize("stem", course.stems())
def test_a_released_notebook_leaves_out_the_instructor_cells_and_only_them(stem):
    """Does the student notebook hold every cell of the page but those tagged instructor, in order?"""
    chapter = course.chapter(stem)
    kept = [c.source for c in chapter.source.cells if not is_instructor(c)]
    released = release.student_notebook(chapter).cells
    assert not [c for c in released if is_instructor(c)]
    assert [c.source.split("\n")[0] for c in released] == [s.split("\n")[0] for s in kept]


def test_the_instructor_cells_are_dropped_by_a_declared_preprocessor():
    """Is the preprocessor that leaves out instructor cells in the release's declared list (and in its digest), first?"""
    assert release.PREPROCESSORS[0][0] is release.DropInstructorCells
    assert any(is_instructor(c) for c in course.chapter("03_char_rnn").source.cells), "chapter 3 lost its instructor cell"


def test_release_rewrites_only_changed_sources(tmp_path, capsys):
    """Does a second release of an unchanged chapter keep the release, and does a changed source (here: a stale
    stamp) release it again?"""
    where = tmp_path / "course"
    (released,) = release.release(where, ["02_tokenization"])
    first = released.stat().st_mtime_ns
    capsys.readouterr()
    release.release(where, ["02_tokenization"])
    assert "source unchanged" in capsys.readouterr().out
    assert released.stat().st_mtime_ns == first, "the unchanged release was rewritten"
    (where / "release" / ".02_tokenization.sha256").write_text("0" * 64 + "\n")
    release.release(where, ["02_tokenization"])
    assert "released" in capsys.readouterr().out and released.stat().st_mtime_ns != first


def test_the_book_build_loads_no_hidden_checks_nor_the_reference(tmp_path):
    """Do releasing every chapter, its execution key, the site's digest and the rendering of its page run in a
    process that never loads a checks module, solutions, torch or the grader?"""
    code = ("import sys\n"
            "from autograder import course\n"
            "from autograder.publishing import build, execute, pages, render\n"
            "from autograder.publishing.release import release\n"
            "release(sys.argv[1])\n"
            "build.site_digest(course.chapters())\n"
            "for c in course.chapters():\n"
            "    pages.add_glance_box(render.strip(c.notebook()), c.stem)\n"
            "print(sorted(m for m in sys.modules if m.startswith(('seqgen_checks', 'solutions', 'torch', 'autograder.grading'))))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=course.ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout[-2000:]
    assert len(list(tmp_path.glob("release/*/*.ipynb"))) == len(course.stems())
