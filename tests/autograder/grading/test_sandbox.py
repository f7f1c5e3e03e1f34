"""The sandbox without a kernel: seqgen's copy (no masking: it holds no answer), chapters' tags, and what a
sandboxed process sees and may use (graded as root, as `make grade` runs here, and in a user namespace, as any other user)."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from autograder.course import ROOT, Chapter
from autograder.grading.sandbox import (ETC_FILES, Limits, bwrap_command, claim_uid, copy_submission, kernel_python,
                                        private_seqgen, python_roots)
from autograder.student_env import grading_python
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


MODES = [pytest.param(True, id="graded-as-root"), pytest.param(False, id="graded-in-a-user-namespace")]


def in_sandbox(tmp_path, script: str, as_root: bool, limits: Limits | None = None) -> list[str]:
    """The words ``script`` prints, run by /bin/sh in a sandbox (as the kernel would be, graded as root or not)."""
    if as_root and os.geteuid() != 0:
        pytest.skip("the grader runs as root here only when the tests do")
    limits = limits or Limits()
    for d in ("w", "c", "s"):
        (tmp_path / d).mkdir(exist_ok=True)
    with claim_uid(limits) as uid:
        cmd = bwrap_command(tmp_path / "w", tmp_path / "c", tmp_path / "s", limits, uid if as_root else None)
        return subprocess.run(cmd + ["/bin/sh", "-c", script], capture_output=True, text=True, timeout=120).stdout.split()


@pytest.mark.parametrize("as_root", MODES)
def test_sandbox_sees_only_its_world(tmp_path, as_root):
    """Inside the sandbox: no capabilities, no network but loopback, no checkout, a read-only root, a writable work folder?"""
    script = ("grep CapEff /proc/self/status; cat /proc/net/dev | tail -n +3 | cut -d: -f1; "
              f"ls {ROOT}/solutions {ROOT}/book {ROOT}/autograder 2>&1 | grep -c 'No such'; "
              "touch /usr/x /x 2>&1 | grep -c Read-only; touch /home/student/work/ok && echo wrote")
    assert in_sandbox(tmp_path, script, as_root) == ["CapEff:", "0000000000000000", "lo", "3", "2", "wrote"]
    assert (tmp_path / "w" / "ok").is_file() != as_root  # graded as root, the work folder is a tmpfs of its own


@pytest.mark.parametrize("as_root", MODES)
def test_only_the_etc_files_a_kernel_needs_and_no_host_account(tmp_path, as_root):
    """Is /etc exactly the needed files, with a passwd of the sandbox's own (no host user), and no shadow?"""
    out = in_sandbox(tmp_path, "ls /etc; echo --; cut -d: -f1 /etc/passwd; cat /etc/shadow 2>/dev/null | wc -l", as_root)
    cut = out.index("--")
    expected = {name.split("/")[0] for name in ETC_FILES if os.path.exists(f"/etc/{name}")} | {"passwd", "group"}
    assert set(out[:cut]) == expected
    assert out[cut + 1:] == ["root", "student", "nobody", "0"]


def test_graded_as_root_the_kernel_is_an_unprivileged_uid_of_its_own(tmp_path):
    """Graded as root: does the kernel run as its own unprivileged uid, without capabilities, unable to read root's files?"""
    script = ("id -u; grep -E 'CapBnd|NoNewPrivs' /proc/self/status; "
              "cat /proc/1/root/etc/passwd >/dev/null 2>&1 || echo no-root-files")
    out = in_sandbox(tmp_path, script, True)
    assert int(out[0]) >= Limits().uid_base and out[1:] == ["CapBnd:", "0000000000000000", "NoNewPrivs:", "1", "no-root-files"]
    with claim_uid(Limits()) as first, claim_uid(Limits()) as second:
        assert first != second  # two kernels at once never share a uid (nor its process count)


def test_graded_as_root_the_process_limit_holds(tmp_path):
    """Graded as root: with --max-processes 40, do 60 processes (left as zombies) stop at the limit?"""
    spawn = ("import os\nmade = 0\nfor _ in range(60):\n    try:\n        os.posix_spawn('/bin/true', ['true'], {})\n"
             "        made += 1\n    except OSError:\n        break\nprint(made)\n")
    out = in_sandbox(tmp_path, f"{kernel_python(Limits())} -c \"{spawn}\"", True, Limits(max_processes=40))
    assert 30 <= int(out[0]) < 40, out


@pytest.mark.parametrize("as_root", MODES)
def test_dev_shm_and_tmp_are_bounded_and_no_host_folder_is_writable(tmp_path, as_root):
    """Do /dev/shm and /tmp refuse writes past their size, and is the connection file read-only?"""
    script = ("dd if=/dev/zero of=/dev/shm/f bs=1M count=12 2>&1 | grep -c 'No space'; "
              "dd if=/dev/zero of=/tmp/f bs=1M count=20 2>&1 | grep -c 'No space'; "
              "touch /run/seqgen/x 2>&1 | grep -c -i 'read-only\\|denied'")
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "kernel.json").write_text("{}")
    assert in_sandbox(tmp_path, script, as_root, Limits(shm_mb=8, tmp_mb=16)) == ["1", "1", "1"]


def test_a_submission_folder_gives_the_kernel_its_regular_files_only(tmp_path):
    """Are hard links, symbolic links, FIFOs and folders refused, each named, and regular files copied?"""
    folder, work = tmp_path / "alice" / "06_peeky_reverse", tmp_path / "work"
    folder.mkdir(parents=True)
    (folder / "06_peeky_reverse.ipynb").write_text("{}")
    (folder / "data.txt").write_text("mine")
    secret = tmp_path / "reference.py"
    secret.write_text("the reference")
    os.link(secret, folder / "notes.py")
    (folder / "link.py").symlink_to(secret)
    os.mkfifo(folder / "pipe")
    (folder / "sub").mkdir()
    refused = copy_submission(folder, work)
    assert sorted(p.name for p in work.iterdir()) == ["data.txt"] and (work / "data.txt").read_text() == "mine"
    assert refused == ["link.py (a symbolic link)", "notes.py (a hard link)", "pipe (a device, FIFO or socket)", "sub (a folder)"]


def test_the_kernel_interpreter_is_chosen_in_one_place(tmp_path):
    """Does Limits.kernel_python choose the kernel's Python, and are its environment and base installation bound?"""
    assert kernel_python(Limits()) == grading_python()  # the student venv: never the grader's (it has PyTorch)
    assert not kernel_python(Limits()).startswith(os.path.realpath(sys.prefix) + os.sep)
    assert kernel_python(Limits(kernel_python="/opt/student-venv/bin/python")) == "/opt/student-venv/bin/python"
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(os.path.realpath(sys.executable))
    (venv / "pyvenv.cfg").write_text(f"home = {os.path.dirname(os.path.realpath(sys.executable))}\n")
    roots = python_roots(str(venv / "bin" / "python"))
    assert os.path.realpath(venv) in roots and os.path.realpath(sys.base_prefix) in roots
