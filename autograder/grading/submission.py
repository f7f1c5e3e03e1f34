"""Grade one submission: build the notebook to run, run it sandboxed, score it from the checks.

The notebook that runs is the *source* chapter (its grading view, :mod:`autograder.grading.view`), with

- the student's answer cells, taken from the submission by nbgrader ``grade_id`` (a missing
  answer is the stub);
- the test cells always from the source (a deleted or edited test cell changes nothing);
- the code cells the student added, kept after the cell they follow.

After each test cell the exercise's hidden check (``book/<stem>/checks.py``) runs in
the grader against the kernel; **score = points if the check passed, else 0** (visible-cell
errors are shown, never decide). The kernel never sees ``solutions`` nor the course source.

A cell that kills the kernel or hits a limit costs the exercise it belongs to (0); the kernel is
restarted, the earlier cells are replayed (the offending ones skipped) and grading goes on.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..course import STUB
from .checks import run_check
from .kernel import KernelLost, SandboxKernel
from .record import ExerciseResult, Timing
from .sandbox import SEQGEN_DIR, KernelProcess, Limits, private_seqgen
from .view import GradingView

MAX_RESTARTS = 6


@dataclass
class Cell:
    kind: str  # setup | answer | test | extra
    source: str
    ex_id: str | None = None


def notebook_cells(view: GradingView, submission: nbformat.NotebookNode) -> list[Cell]:
    """The cells to run, in order: the chapter's, with the student's answers and added cells."""
    answers: dict[str, str] = {}
    extras: dict[int, list[str]] = {}
    anchor = -1
    for cell in submission.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id, text = meta.get("grade_id"), str(cell.get("source", ""))
        if grade_id in view.by_id and meta.get("solution"):
            answers.setdefault(grade_id, text)
            anchor = view.by_id[grade_id].answer_index
        elif grade_id and grade_id.removesuffix("_tests") in view.by_id:
            anchor = view.by_id[grade_id.removesuffix("_tests")].tests_index
        elif text.strip() in view.index_of:
            anchor = view.index_of[text.strip()]
        elif text.strip():
            extras.setdefault(anchor, []).append(text)
    cells = [Cell("extra", t) for t in extras.get(-1, [])]
    for c in view.cells:
        source = answers.get(c.ex_id, STUB) if c.kind == "answer" else c.source
        cells.append(Cell(c.kind, source, c.ex_id))
        cells += [Cell("extra", t, None) for t in extras.get(c.index, [])]
    return cells


def read_submission(path: Path) -> nbformat.NotebookNode:
    """The submitted notebook, read once; an unreadable or missing one is graded as all stubs."""
    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - whatever the student handed in
        return nbformat.v4.new_notebook()


def grade_notebook(path: Path, view: GradingView, workdir: Path, limits: Limits) -> tuple[list[ExerciseResult], Timing]:
    """Grade the notebook at ``path`` with ``workdir`` as the student's folder: each exercise's result, and the timing."""
    cells = notebook_cells(view, read_submission(path))
    results = {ex.id: ExerciseResult(ex.id, ex.points) for ex in view.exercises}
    timing = Timing()
    with tempfile.TemporaryDirectory(prefix="seqgen-grade-") as scratch:
        scratch = Path(scratch)
        course = scratch / "course"
        course.mkdir()
        private_seqgen(view.stem, course, Path(limits.seqgen_dir) if limits.seqgen_dir else SEQGEN_DIR)
        deadline = time.monotonic() + limits.notebook_timeout
        kernel = SandboxKernel(lambda: KernelProcess(workdir, course, scratch / "conn", limits), limits, deadline)
        try:
            _run_all(kernel, cells, view.checks, results, timing)
        finally:
            kernel.stop()
            timing.kernel_start = sum(kernel.start_seconds)
    return list(results.values()), timing


def _run_all(kernel: SandboxKernel, cells: list[Cell], checks, results: dict, timing: Timing) -> None:
    done: list[int] = []  # cells run so far that the kernel survived (replayed after a restart)
    lost: set[str] = set()  # exercises a limit or a dead kernel cost
    kernel.start()
    for i, cell in enumerate(cells):
        if time.monotonic() > kernel.deadline:
            _fail_rest(results, f"not run: the notebook ran past its time limit ({kernel.limits.notebook_timeout:g} s)")
            return
        try:
            if kernel.process is None:
                if timing.restarts >= MAX_RESTARTS:
                    _fail_rest(results, "not run: too many kernel restarts")
                    return
                timing.restarts += 1
                kernel.start()
                for j in done:
                    kernel.execute(cells[j].source, store_output=False)
            start = time.perf_counter()
            run = kernel.execute(cell.source)
            timing.cells += time.perf_counter() - start
            done.append(i)
            _record_cell(cell, run, results)
            if cell.kind == "test" and cell.ex_id not in lost:
                start = time.perf_counter()
                passed, message = run_check(checks[cell.ex_id], kernel)
                timing.checks += time.perf_counter() - start
                res = results[cell.ex_id]
                res.points, res.check = (res.max if passed else 0.0), message
        except KernelLost as gone:
            if cell.ex_id is not None:
                lost.add(cell.ex_id)
                res = results[cell.ex_id]
                res.points, res.check = 0.0, f"{cell.kind} cell: {gone.reason}"
                res.visible.append(f"{cell.kind} cell stopped: {gone.reason}")
            else:
                for res in results.values():
                    if res.check == "not run":
                        res.visible.append(f"an earlier cell was stopped ({gone.reason}) and skipped")
                        break


def _record_cell(cell: Cell, run, results: dict) -> None:
    if cell.ex_id is None:
        return
    res = results[cell.ex_id]
    if run.status == "error":
        res.visible.append(f"{cell.kind} cell raised {run.ename}: {run.evalue}")
    if run.text or run.dropped:
        res.output += run.text + (f"\n[... {run.dropped} characters of output dropped]" if run.dropped else "")


def _fail_rest(results: dict, message: str) -> None:
    for res in results.values():
        if res.check == "not run":
            res.points, res.check = 0.0, message


def prepare_workdir(submission_dir: Path, workdir: Path) -> None:
    """A fresh copy of the student's folder: the only place the kernel may write."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    for item in submission_dir.iterdir():
        if item.is_file() and not item.is_symlink() and item.suffix != ".ipynb":
            shutil.copy(item, workdir / item.name)
