"""Grade a class on a Dask cluster: ``grade SUBMISSIONS --scheduler tcp://host:8786``.

Each submission is one task, :func:`autograder.grading.batch.grade_one`, run by a Dask worker: it grades the
notebook in a sandboxed kernel on the worker's machine and writes the record and feedback into the course folder,
which every worker must see at the same path (a shared filesystem), as must the submissions. The CSVs are written
once, at the end, from every record. The course secret is read from the course folder by each task (made here
first); it never crosses the network.

A worker that dies (the out-of-memory killer, a lost node) is Dask's to handle: the scheduler gives its tasks to
another worker, up to ``distributed.scheduler.allowed-failures`` times (3); a task that fails for good is recorded
as not graded, and ``cli grade`` counts it in its exit status. Install with ``pip install .[cluster]``
(dask and distributed pinned together in constraints.txt).
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Callable

from .. import course as courses
from .record import Record, save
from .sandbox import Limits


def grade_on_cluster(address: str, grade_one: Callable[..., Record], tasks: list, course: Path, limits: Limits,
                     secret_file: Path | None, progress: bool = True) -> list[Record]:
    """Every task (``notebook``, ``student``, ``stem``, ``key``: :class:`autograder.grading.batch.Task`) graded by
    ``grade_one`` (:func:`autograder.grading.batch.grade_one`) on the Dask cluster at ``address``; the records (each
    written by its task). The caller makes the course secret first, so that no two tasks race to make it."""
    from distributed import Client, as_completed
    from tqdm import tqdm

    records = []
    with Client(address) as client:
        futures = {client.submit(grade_one, t.notebook, t.student, t.stem, course, limits, secret_file,
                                 key=f"grade-one-{t.key}", pure=False): t for t in tasks}
        for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="nb", disable=not progress):
            task = futures[future]
            try:
                record = future.result()
            except Exception:  # noqa: BLE001 - a task lost for good (KilledWorker) or a grader bug: recorded
                record = Record.not_graded(courses.chapter(task.stem), task.student, traceback.format_exc(), limits)
                save(record, course)
            records.append(record)
    return records
