"""The sandbox's pieces that need no kernel: seqgen's declared answers masked, converted chapters' tags."""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import Chapter
from autograder.grading.sandbox import masked_source, private_seqgen
from autograder.tags import TagError, exercise_cells

MODULE = '''"""A seqgen module."""
ANSWERS = {"flip_rows": ["06_peeky_reverse"], "later": ["09_other"]}


def flip_rows(x):
    return x[:, ::-1].copy()  # the answer's body


def later(x):
    return x
'''


def test_declared_answer_is_stubbed_and_its_source_gone():
    """While chapter 6 is graded, is flip_rows a stub that raises, with its body gone from the copy, and `later` kept?"""
    text, masked = masked_source(MODULE, "06_peeky_reverse")
    assert masked == ["flip_rows"] and "the answer's body" not in text and "[:, ::-1]" not in text
    ns: dict = {}
    exec(text, ns)  # noqa: S102 - our own test module
    with pytest.raises(NotImplementedError, match="exercise of this chapter"):
        ns["flip_rows"]([[1, 2]])
    assert ns["later"](3) == 3


def test_other_chapters_see_the_module_unchanged(tmp_path):
    """Graded for a chapter the module does not declare, is the copy byte for byte the original?"""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mod.py").write_text(MODULE)
    assert private_seqgen("05_seq2seq", tmp_path / "out", tmp_path / "src") == []
    assert (tmp_path / "out" / "seqgen" / "mod.py").read_text() == MODULE
    assert private_seqgen("06_peeky_reverse", tmp_path / "out", tmp_path / "src") == ["mod.flip_rows"]


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
