"""The sandbox's pieces that need no kernel: seqgen's copy, converted chapters' tags."""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import Chapter
from autograder.grading.sandbox import private_seqgen
from autograder.tags import TagError, exercise_cells

def test_the_sandbox_gets_seqgen_as_it_is(tmp_path):
    """Is the sandbox's seqgen copy the package byte for byte (no masking: seqgen holds no answer), without caches?"""
    (tmp_path / "src" / "sub" / "__pycache__").mkdir(parents=True)
    (tmp_path / "src" / "mod.py").write_text("def f(x):\n    return x\n")
    (tmp_path / "src" / "sub" / "data.json").write_text("{}")
    (tmp_path / "src" / "sub" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0")
    private_seqgen(tmp_path / "out", tmp_path / "src")
    copied = sorted(str(p.relative_to(tmp_path / "out" / "seqgen")) for p in (tmp_path / "out" / "seqgen").rglob("*"))
    assert copied == ["mod.py", "sub", "sub/data.json"]
    assert (tmp_path / "out" / "seqgen" / "mod.py").read_text() == "def f(x):\n    return x\n"


def chapter(test_source: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", metadata={"tags": ["answer:f"]}),
                nbformat.v4.new_code_cell(test_source, metadata={"tags": ["tests:f", "points:1"]})]
    return nb


def test_chapters_refuse_hidden_regions_and_exercises_without_a_check(tmp_path):
    """Does a chapter refuse a hidden region in a test cell, an exercise without a check, and a missing checks module?"""
    assert [e.id for e in exercise_cells(chapter("assert f() == 1"), {"f"})] == ["f"]
    with pytest.raises(TagError, match="hidden region"):
        exercise_cells(chapter("assert f() == 1\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS"), {"f"})
    with pytest.raises(TagError, match="without a check"):
        exercise_cells(chapter("assert f() == 1"), set())
    folder = tmp_path / "99_no_checks"
    folder.mkdir()
    (folder / "99_no_checks.md").write_text("# A chapter without checks\n")
    with pytest.raises(TagError, match="no checks module"):
        Chapter(folder).checks


def test_sandbox_sees_only_its_world(tmp_path):
    """Inside the sandbox: no capabilities, no network but loopback, no checkout, a read-only root, a writable work folder?"""
    import subprocess

    from autograder.course import ROOT
    from autograder.grading.sandbox import Limits, bwrap_command

    for d in ("w", "c", "conn"):
        (tmp_path / d).mkdir()
    script = ("grep CapEff /proc/self/status; cat /proc/net/dev | tail -n +3 | cut -d: -f1; "
              f"ls {ROOT}/solutions {ROOT}/book {ROOT}/autograder 2>&1 | grep -c 'No such'; "
              "touch /usr/x /x 2>&1 | grep -c Read-only; touch /home/student/work/ok && echo wrote")
    out = subprocess.run(bwrap_command(tmp_path / "w", tmp_path / "c", tmp_path / "conn", Limits()) + ["/bin/sh", "-c", script],
                         capture_output=True, text=True).stdout.split()
    assert out == ["CapEff:", "0000000000000000", "lo", "3", "2", "wrote"], out
    assert (tmp_path / "w" / "ok").is_file()
