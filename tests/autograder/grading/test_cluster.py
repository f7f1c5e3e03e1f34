"""Grading on a Dask cluster (``grade --scheduler ADDRESS``): the same CSVs as the local pool?

Chapter 6's reference and stub, graded once by the local pool (``--jobs 2``) and once by a local Dask cluster
of two worker processes, each submission a ``grade-one`` task: the two courses' CSVs must be equal byte for
byte, and so must the records, less their timings.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from autograder import course
from autograder.grading import batch
from autograder.grading.sandbox import Limits

STEM = "06_peeky_reverse"
LIMITS = Limits(cell_timeout=60, notebook_timeout=400, memory_mb=2000, output_max_mb=5)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hostile")]


def submissions(folder):
    for student, answers in {"reference": course.chapter(STEM).reference_answers, "stub": {}}.items():
        nb = course.chapter(STEM).notebook()
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                cell.source = answers.get(meta["grade_id"], course.STUB)
        target = folder / student / STEM / f"{STEM}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)


def records(where) -> dict:
    out = {}
    for path in sorted((where / "graded").glob("*/*.json")):
        data = json.loads(path.read_text())
        for key in ("seconds", "timing"):
            data.pop(key)
        out[path.parent.name] = data
    return out


def test_a_dask_cluster_grades_as_the_local_pool_does(tmp_path):
    """Two Dask workers, each submission a grade-one task: the same CSVs and records as the local pool?"""
    from distributed import LocalCluster

    folder = tmp_path / "submissions"
    submissions(folder)
    local, dask = tmp_path / "local", tmp_path / "dask"
    for where in (local, dask):  # one course secret for both: the same hidden inputs
        where.mkdir()
        (where / "secret").write_bytes(b"the course secret of this test, 32 bytes")
    batch.grade(folder, local, jobs=2, limits=LIMITS, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        graded = batch.grade(folder, dask, limits=LIMITS, progress=False, scheduler=cluster.scheduler_address)
    assert [(r.student, r.score) for r in graded] == [("reference", 8.0), ("stub", 0.0)]
    for name in ("grades.csv", "grades_long.csv"):
        assert (dask / name).read_bytes() == (local / name).read_bytes(), name
    assert records(dask) == records(local)
