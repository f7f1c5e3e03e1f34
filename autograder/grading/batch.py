"""Grade a class: one submission per job, in parallel; records, feedback and CSVs.

Layout (``course`` is :func:`autograder.course.course_dir` by default: ``course/`` at the repository's root)::

    SUBMISSIONS/<student>/<chapter>/<chapter>.ipynb     what students handed in (never written to)
    course/graded/<student>/<chapter>.json               each submission's result (the record)
    course/feedback/<student>/<chapter>/<chapter>.html   what the student gets back
    course/grades.csv, course/grades_long.csv            rebuilt from every record after each run
    course/secret                                        the course secret the hidden inputs are drawn from

``grade_one`` grades one notebook and rewrites only that student's record and feedback (a regrade): it is
also the unit a Kubernetes Job, a Slurm array task or a Dask task runs for a class beyond one machine
(README; ``grade --scheduler ADDRESS`` hands the tasks to a Dask cluster: :mod:`autograder.grading.cluster`).
Grading writes nothing shared; each record, its feedback and the CSVs are written holding the course's
lock, so graders running at once take turns only to write.

**A batch that survives.** A worker that dies (the out-of-memory killer, say) costs no submission: the
submissions it was grading are graded again, each alone in a fresh worker, and those that were waiting
go on in a fresh pool; only a submission whose worker dies again when graded alone is recorded as not
graded. :func:`grade` returns every record; ``cli grade`` exits non-zero with the count of submissions
the grader could not grade. Every scratch folder of a batch lives in one folder (``seqgen-batch-*``, in
the temporary folder), removed when the batch ends, however it ends.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import shutil
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .. import course as courses
from .csvs import write_csvs
from .record import Record, save
from .sandbox import Limits, copy_submission

DIED_TWICE = "the grading worker died twice on this notebook, the second time grading it alone (out of memory?)"


def find_submissions(folder: Path) -> list[tuple[str, str, Path]]:
    """(student, chapter, notebook) for ``folder/<student>/<chapter>/<chapter>.ipynb``; a folder without the notebook counts as empty."""
    known = set(courses.stems())
    found = []
    for chapter_dir in sorted(Path(folder).glob("*/*")):
        if chapter_dir.is_dir() and chapter_dir.name in known:
            found.append((chapter_dir.parent.name, chapter_dir.name, chapter_dir / f"{chapter_dir.name}.ipynb"))
    if not found:
        raise FileNotFoundError(f"no submissions in {folder}: expected <student>/<chapter>/<chapter>.ipynb")
    return found


def load_secret(course: Path, secret_file: Path | None = None) -> bytes:
    """The course secret (``<course>/secret``, or ``secret_file``): 32 random bytes made on first use, mode 600.

    Hidden inputs are drawn from it, the student and the submission; students never see it, and it never
    enters a record. Keep it for the whole course: regrades then give the same scores.
    """
    path = Path(secret_file) if secret_file else Path(course) / "secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    with courses.file_lock(path.with_name(path.name + ".lock"), "another grader making the course secret"):
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(32))
    secret = path.read_bytes()
    if len(secret) < 16:
        raise ValueError(f"the course secret {path} holds {len(secret)} bytes: at least 16 are needed")
    return secret


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:40]


def grade_submission(notebook: Path, student: str, stem: str, course: Path, limits: Limits, secret: bytes,
                     scratch_dir: Path | None = None) -> Record:
    """Grade one notebook (nothing written but scratch, removed after); never raises for what the student did."""
    from .submission import grade_notebook
    from .view import grading_view

    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix=f"seqgen-{_safe(student)}-{stem}-", dir=scratch_dir) as tmp:
            workdir = Path(tmp) / "work"
            refused = copy_submission(notebook.parent, workdir)
            results, timing, flags = grade_notebook(notebook, grading_view(stem), workdir, limits, student, secret, Path(tmp))
            record = Record(stem, student, results, timing, limits=limits, flags=flags, refused=refused)
    except Exception:  # noqa: BLE001 - a grader bug must not lose the batch; it is recorded and shown
        record = Record.not_graded(courses.chapter(stem), student, traceback.format_exc(), limits)
    record.seconds = round(time.perf_counter() - start, 2)
    return record


def grade_one(notebook: Path, student: str, stem: str, course: Path | None = None, limits: Limits | None = None,
              secret_file: Path | None = None) -> Record:
    """Grade one notebook and write its record and feedback (a regrade replaces them); the unit to fan out."""
    course = Path(course or courses.course_dir())
    record = grade_submission(Path(notebook), student, stem, course, limits or Limits(), load_secret(course, secret_file))
    save(record, course)
    return record


@dataclass(frozen=True)
class Task:
    notebook: Path
    student: str
    stem: str

    @property
    def key(self) -> str:
        """A file name for this task, the same in every process."""
        return hashlib.sha256(f"{self.student}\0{self.stem}".encode()).hexdigest()[:32]


def _job(task: Task, course: Path, limits: Limits, secret: bytes, scratch: Path) -> Record:
    marker = scratch / "started" / task.key  # says, if this worker dies, that it was grading this task
    marker.parent.mkdir(exist_ok=True)
    marker.touch()
    record = grade_submission(task.notebook, task.student, task.stem, course, limits, secret, scratch)
    marker.unlink(missing_ok=True)
    return record


def default_jobs() -> int:
    """Submissions graded at once: one per core this process may use (each kernel is mostly one busy core).

    The cores it may run on (its affinity), fewer when a cgroup quota allows less (a container given
    2 CPUs on a 64-core host reports 64 cores: 64 kernels would thrash).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) // int(period))))
    except (OSError, ValueError):  # no cgroup v2 quota to read
        pass
    return max(1, cores)


def grade(submissions: Path, course: Path | None = None, jobs: int | None = None, limits: Limits | None = None,
          progress: bool = True, scheduler: str | None = None, secret_file: Path | None = None) -> list[Record]:
    """Grade every submission, ``jobs`` at a time (default: one per core), or on the Dask cluster at ``scheduler``;
    write records, feedback and CSVs. Records of submissions the grader could not grade have ``grader_error``."""
    course = Path(course or courses.course_dir())
    tasks = [Task(nb, student, stem) for student, stem, nb in find_submissions(submissions)]
    limits = limits or Limits()
    if scheduler:
        from .cluster import grade_on_cluster

        load_secret(course, secret_file)  # made once, before any task reads it
        records = grade_on_cluster(scheduler, grade_one, tasks, course, limits, secret_file, progress)
    else:
        records = _grade_locally(tasks, course, limits, load_secret(course, secret_file), jobs or default_jobs(), progress)
    write_csvs(course)
    return sorted(records, key=lambda r: (r.student, r.stem))


def _grade_locally(tasks: list[Task], course: Path, limits: Limits, secret: bytes, jobs: int, progress: bool) -> list[Record]:
    from tqdm import tqdm

    scratch = Path(tempfile.mkdtemp(prefix="seqgen-batch-"))
    records: list[Record] = []
    waiting, suspects = list(tasks), []
    try:
        with tqdm(total=len(tasks), desc="grading", unit="nb", disable=not progress) as bar:
            while waiting or suspects:
                alone = not waiting  # a submission whose worker died is graded again alone
                batch = waiting if waiting else [suspects.pop(0)]
                waiting = []
                for task, record in _pool(batch, 1 if alone else jobs, course, limits, secret, scratch):
                    if record is None and alone:
                        record = Record.not_graded(courses.chapter(task.stem), task.student, DIED_TWICE, limits)
                    if record is None:
                        (suspects if (scratch / "started" / task.key).exists() else waiting).append(task)
                        continue
                    save(record, course)
                    records.append(record)
                    bar.update()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return records


def _pool(tasks: list[Task], jobs: int, course: Path, limits: Limits, secret: bytes, scratch: Path):
    """(task, record) for each task, record None where the worker grading (or due to grade) it was lost."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=ctx) as pool:
        futures = {pool.submit(_job, t, course, limits, secret, scratch): t for t in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                yield task, future.result()
            except BrokenProcessPool:  # a worker died: the caller grades the task again
                yield task, None
            except Exception:  # noqa: BLE001 - a grader bug outside grade_submission: recorded, the batch goes on
                yield task, Record.not_graded(courses.chapter(task.stem), task.student, traceback.format_exc(), limits)
