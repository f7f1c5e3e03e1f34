"""Grade one submission: build the notebook to run, run it sandboxed, score it from the checks.

The notebook that runs is the *source* chapter (its grading view, :mod:`autograder.grading.view`), with

- the student's answer cells, taken from the submission by nbgrader ``grade_id`` (a missing
  answer is the stub);
- the test cells always from the source (a deleted or edited test cell changes nothing);
- the code cells the student added, kept after the cell they follow; the release's set-up cell (tagged
  :data:`autograder.course.SETUP_TAG`: it installs the course's packages where ``seqgen`` is missing) is dropped;
- nothing after the last test cell: no later cell can change a score, so none is run.

After each test cell the exercise's hidden check (``book/<stem>/checks.py``) runs in the grader against the
kernel; **score = points if the check passed, else 0**. The kernel never sees ``solutions`` nor the course
source. Its inputs are drawn from this submission's seed (:func:`submission_seed`: the course secret, the
student, the chapter and the code of the submission), so regrading a submission gives the same score and
resubmitting anything else gets other inputs.

**The visible tests never decide.** A cell that kills the kernel or hits a limit is skipped: the kernel is
restarted, the earlier cells are replayed, and grading goes on. Only a death in an exercise's own answer cell
or in its hidden check costs that exercise (a check is retried once on a fresh kernel first); a death in a
visible test, set-up or added cell costs nothing by itself, and every remaining hidden check runs.

**Tampering.** After each cell and each check the grader asks the kernel's helpers what they saw
(:meth:`autograder.grading.kernel.SandboxKernel.watch`): code that inspected or rewrote the grader flags the
exercise whose cell (or check) it was: 0 points, a message, and the record's ``flags`` for the instructor.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..answers import stems_before, write_package
from ..course import SETUP_TAG, STUB
from .checks import run_check
from .tools import tool_message, tools_in_source
from .kernel import KernelLost, SandboxKernel
from .process import KernelProcess
from .record import ExerciseResult, Timing
from .sandbox import SEQGEN_DIR, Limits, private_seqgen, refusal
from .view import GradingView

MAX_RESTARTS = 6
FLAGGED = "flagged: your code inspected or rewrote the grader ({}); your instructor has been told"


@dataclass
class Cell:
    kind: str  # setup | answer | test | extra
    source: str
    ex_id: str | None = None
    owner: str | None = None  # the exercise a flag raised in this cell goes to (its own, else the nearest before)


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
        tags = cell.get("metadata", {}).get("tags")
        if not meta and isinstance(tags, list) and SETUP_TAG in tags:
            continue  # the release's set-up cell: it installs packages, never graded (answers and tests are never dropped)
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
    last_test = max((i for i, c in enumerate(cells) if c.kind == "test"), default=len(cells) - 1)
    cells = cells[:last_test + 1]
    owner = view.exercises[0].id if view.exercises else None
    for cell in cells:
        owner = cell.ex_id or owner
        cell.owner = owner
    return cells


def submission_seed(secret: bytes, student: str, stem: str, cells: list[Cell]) -> int:
    """The seed of a submission's hidden inputs: HMAC-SHA256 of the student, the chapter and the code of the
    student's answer and added cells, under the course secret (never known to students)."""
    code = hashlib.sha256("\0".join(c.source for c in cells if c.kind in ("answer", "extra")).encode()).hexdigest()
    digest = hmac.new(secret, f"{student}\0{stem}\0{code}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def read_submission(path: Path) -> nbformat.NotebookNode:
    """The submitted notebook, read once; an unreadable, missing or linked one (see
    :func:`autograder.grading.sandbox.copy_submission`) is graded as all stubs."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "r", encoding="utf-8") as fh:
            if refusal(os.fstat(fh.fileno())):
                return nbformat.v4.new_notebook()
            return nbformat.read(fh, as_version=4)
    except Exception:  # noqa: BLE001 - whatever the student handed in
        return nbformat.v4.new_notebook()


def course_folder(stem: str, target: Path, seqgen_dir: Path = SEQGEN_DIR) -> None:
    """What the sandbox of chapter ``stem`` gets at ``/opt/course``, written to ``target``: ``seqgen``
    (:func:`autograder.grading.sandbox.private_seqgen`) and ``seqgen_answers`` with the released answers of the
    chapters before ``stem`` only."""
    private_seqgen(target, seqgen_dir)
    write_package(target, stems_before(stem))


def grade_notebook(path: Path, view: GradingView, workdir: Path, limits: Limits, student: str = "",
                   secret: bytes = b"", scratch_dir: Path | None = None) -> tuple[list[ExerciseResult], Timing, dict[str, list[str]]]:
    """Grade the notebook at ``path`` with ``workdir`` as the student's folder: each exercise's result, the timing,
    and the flags (exercise -> what its code did to the grader)."""
    cells = notebook_cells(view, read_submission(path))
    results = {ex.id: ExerciseResult(ex.id, ex.points) for ex in view.exercises}
    timing, flags = Timing(), {}
    with tempfile.TemporaryDirectory(prefix="seqgen-grade-", dir=scratch_dir) as scratch:
        scratch = Path(scratch)
        course = scratch / "course"
        course.mkdir()
        course_folder(view.stem, course, Path(limits.seqgen_dir) if limits.seqgen_dir else SEQGEN_DIR)
        deadline = time.monotonic() + limits.notebook_timeout
        seed = submission_seed(secret, student, view.stem, cells)
        kernel = SandboxKernel(lambda: KernelProcess(workdir, course, scratch / "kernel", limits), limits, deadline, seed)
        try:
            _Run(kernel, cells, view.checks, results, timing, flags).all()
        finally:
            kernel.stop()
            timing.kernel_start = sum(kernel.start_seconds)
    for ex in view.exercises:  # a NumPy-only answer whose source names a forbidden tool (tools.tools_in_source)
        answer = next((c.source for c in cells if c.kind == "answer" and c.ex_id == ex.id), "")
        seen = tools_in_source(answer, [c.source for c in cells], ex.forbidden) if ex.forbidden else []
        if seen and results[ex.id].points:
            results[ex.id].points, results[ex.id].check = 0.0, tool_message(ex.id, seen, ex.forbidden)
    for ex_id, events in flags.items():
        results[ex_id].points, results[ex_id].check = 0.0, FLAGGED.format("; ".join(events[:3]))
    return list(results.values()), timing, flags


class _Run:
    """One notebook's cells and checks on a kernel that may die, be restarted and replayed."""

    def __init__(self, kernel: SandboxKernel, cells: list[Cell], checks, results: dict, timing: Timing, flags: dict):
        self.kernel, self.cells, self.checks, self.results, self.timing, self.flags = kernel, cells, checks, results, timing, flags
        self.done: list[int] = []  # cells run so far that the kernel survived (replayed after a restart)
        self.lost: set[str] = set()  # exercises whose answer cell killed the kernel

    def all(self) -> None:
        self.kernel.start()
        self.kernel.watch()  # nothing of the student's has run: a baseline
        for i, cell in enumerate(self.cells):
            if time.monotonic() > self.kernel.deadline:
                _fail_rest(self.results, f"not run: the notebook ran past its time limit ({self.kernel.limits.notebook_timeout:g} s)")
                return
            if not self.alive():
                return
            self.cell(i, cell)
            if cell.kind == "test" and cell.ex_id not in self.lost and self.alive():
                self.check(cell.ex_id)

    def alive(self) -> bool:
        """The kernel, restarted and replayed if it died; False once it may not be restarted again."""
        if self.kernel.process is not None:
            return True
        if self.timing.restarts >= MAX_RESTARTS:
            _fail_rest(self.results, "not run: too many kernel restarts")
            return False
        self.timing.restarts += 1
        try:
            self.kernel.start()
            for j in self.done:
                self.kernel.execute(self.cells[j].source, store_output=False)
            self.kernel.watch()  # what the replayed cells did was flagged when they first ran
        except KernelLost as gone:
            self.kernel.stop()
            _fail_rest(self.results, f"not run: the kernel did not survive the replay of earlier cells ({gone.reason})")
            return False
        return True

    def cell(self, i: int, cell: Cell) -> None:
        try:
            start = time.perf_counter()
            run = self.kernel.execute(cell.source)
            self.timing.cells += time.perf_counter() - start
            self.done.append(i)
            _record_cell(cell, run, self.results)
            self.flag(cell.owner, self.kernel.watch())
        except KernelLost as gone:
            if cell.kind == "answer":
                self.lost.add(cell.ex_id)
                res = self.results[cell.ex_id]
                res.points, res.check = 0.0, f"answer cell: {gone.reason}"
            target = self.results.get(cell.ex_id or cell.owner or "")
            if target is not None:
                target.visible.append(f"{cell.kind} cell stopped: {gone.reason}"
                                      + ("" if cell.kind == "answer" else " (skipped; the hidden check still runs)"))

    def check(self, ex_id: str) -> None:
        """The exercise's hidden check; one that kills the kernel is retried once on a fresh one."""
        res = self.results[ex_id]
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                passed, message = run_check(self.checks[ex_id], self.kernel)
            except KernelLost as gone:
                res.points, res.check = 0.0, f"hidden check: {gone.reason}"
                if attempt == 2 or not self.alive():
                    return
                continue
            finally:
                self.timing.checks += time.perf_counter() - start
            res.points, res.check = (res.max if passed else 0.0), message
            try:
                self.flag(ex_id, self.kernel.watch())
            except KernelLost:  # died after its check (a thread of the student's): the next cell restarts it
                pass
            return

    def flag(self, ex_id: str | None, events: list[str]) -> None:
        if events and ex_id is not None:
            seen = self.flags.setdefault(ex_id, [])
            seen += [e for e in events if e not in seen][:20]


def _record_cell(cell: Cell, run, results: dict) -> None:
    if cell.ex_id is None:
        if run.status == "error":  # a set-up or added cell: shown with the next exercise (else the last), never scored
            res = next((r for r in results.values() if r.check == "not run"), list(results.values())[-1])
            res.visible.append(f"an earlier {cell.kind} cell raised {run.ename}: {run.evalue}")
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
