"""Grade a class: one submission per job, in parallel; records, feedback and CSVs.

Layout (``course`` is :func:`autograder.course.course_dir` by default: ``course/`` at the repository's root)::

    SUBMISSIONS/<student>/<chapter>/<chapter>.ipynb     what students handed in (never written to)
    course/graded/<student>/<chapter>.json               each submission's result (the record)
    course/feedback/<student>/<chapter>/<chapter>.html   what the student gets back
    course/grades.csv, course/grades_long.csv            rebuilt from every record after each run
    course/work/                                         the kernels' working copies, removed after each

``grade_one`` grades one notebook and rewrites only that student's record and feedback (a
regrade): it is also the unit a Kubernetes Job, a Slurm array task or a Dask task runs for a
class beyond one machine (README). Grading writes nothing shared; each record, its feedback
and the CSVs are written holding the course's lock, so graders running at once take turns
only to write.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .. import course as courses
from .csvs import write_csvs
from .record import Record, save
from .sandbox import Limits


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


def grade_submission(notebook: Path, student: str, stem: str, course: Path, limits: Limits) -> Record:
    """Grade one notebook (nothing written but its working copy); never raises for what the student did."""
    from .submission import grade_notebook, prepare_workdir
    from .view import grading_view

    start = time.perf_counter()
    (Path(course) / "work").mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"{student}-{stem}-", dir=Path(course) / "work"))
    try:
        prepare_workdir(notebook.parent, workdir)
        results, timing = grade_notebook(notebook, grading_view(stem), workdir, limits)
        record = Record(stem, student, results, timing, limits=limits)
    except Exception:  # noqa: BLE001 - a grader bug must not lose the batch; it is recorded and shown
        record = Record.not_graded(courses.chapter(stem), student, traceback.format_exc(), limits)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    record.seconds = round(time.perf_counter() - start, 2)
    return record


def grade_one(notebook: Path, student: str, stem: str, course: Path | None = None, limits: Limits | None = None) -> Record:
    """Grade one notebook and write its record and feedback (a regrade replaces them); the unit to fan out."""
    course = Path(course or courses.course_dir())
    record = grade_submission(Path(notebook), student, stem, course, limits or Limits())
    save(record, course)
    return record


def _job(task) -> Record:
    return grade_submission(*task)


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
          progress: bool = True) -> list[Record]:
    """Grade every submission, ``jobs`` at a time (default: one per core); write records, feedback and CSVs."""
    from tqdm import tqdm

    course = Path(course or courses.course_dir())
    found = find_submissions(submissions)
    limits = limits or Limits()
    tasks = [(nb, student, stem, course, limits) for student, stem, nb in found]
    records = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs or default_jobs(), len(tasks)), mp_context=ctx) as pool:
        futures = {pool.submit(_job, t): t for t in tasks}
        for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="nb", disable=not progress):
            try:
                record = future.result()
            except Exception:  # noqa: BLE001 - a worker that died: record it, keep the batch going
                _, student, stem, _, _ = futures[future]
                record = Record.not_graded(courses.chapter(stem), student, traceback.format_exc(), limits)
            save(record, course)
            records.append(record)
    write_csvs(course)
    return sorted(records, key=lambda r: (r.student, r.stem))
