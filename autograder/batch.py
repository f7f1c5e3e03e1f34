"""Grade a class: one submission per job, in parallel; feedback and CSVs.

Layout (``course`` is ``autograder/`` by default)::

    SUBMISSIONS/<student>/<chapter>/<chapter>.ipynb     what students handed in (never written to)
    course/graded/<student>/<chapter>.json               each submission's result (the record)
    course/feedback/<student>/<chapter>/<chapter>.html   what the student gets back
    course/grades.csv, course/grades_long.csv            rebuilt from every record after each run

``grade_one`` grades one notebook and rewrites only that student's record and feedback (a
regrade), then rebuilds the CSVs from all records: it is also the unit a Kubernetes Job, a
Slurm array task or a Dask task runs for a class beyond one machine (README).
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

from . import pipeline
from .feedback import write_feedback
from .sandbox import Limits

COURSE_DIR = pipeline.COURSE_DIR


def find_submissions(folder: Path) -> list[tuple[str, str, Path]]:
    """(student, chapter, notebook) for ``folder/<student>/<chapter>/<chapter>.ipynb``; a folder without the notebook counts as empty."""
    found = []
    for chapter_dir in sorted(Path(folder).glob("*/*")):
        if chapter_dir.is_dir() and (pipeline.BOOK_DIR / chapter_dir.name / f"{chapter_dir.name}.md").is_file():
            found.append((chapter_dir.parent.name, chapter_dir.name, chapter_dir / f"{chapter_dir.name}.ipynb"))
    if not found:
        raise FileNotFoundError(f"no submissions in {folder}: expected <student>/<chapter>/<chapter>.ipynb")
    return found


def grade_one(notebook: Path, student: str, stem: str, course: Path = COURSE_DIR, limits: Limits | None = None) -> dict:
    """Grade one notebook; write its record and feedback; never raises for what the student did."""
    from .grading import grade_notebook, prepare_workdir

    limits = limits or Limits()
    course = Path(course)
    start = time.perf_counter()
    workdir = course / "work" / student / stem
    try:
        prepare_workdir(notebook.parent, workdir)
        record = grade_notebook(notebook, stem, workdir, limits)
    except Exception:  # noqa: BLE001 - a grader bug must not lose the batch; it is recorded and shown
        record = _grader_error(stem, traceback.format_exc())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    record.update(student=student, seconds=round(time.perf_counter() - start, 2), limits=asdict(limits))
    target = course / "graded" / student / f"{stem}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, indent=1))
    write_feedback(record, course / "feedback" / student / stem / f"{stem}.html")
    return record


def _grader_error(stem: str, trace: str) -> dict:
    from .grading import ExerciseResult, Timing
    from .tags import exercise_cells

    exercises = exercise_cells(pipeline.read_chapter(pipeline.chapter_path(stem)))
    results = [asdict(ExerciseResult(e.id, e.points, check="not graded: the grader failed (your instructor has the log)")) for e in exercises]
    return {"stem": stem, "score": 0.0, "max_score": sum(e.points for e in exercises), "exercises": results,
            "timing": asdict(Timing()), "grader_error": trace[-4000:]}


def _lost_worker(task, trace: str) -> dict:
    notebook, student, stem, course, limits = task
    record = {**_grader_error(stem, trace), "student": student, "seconds": 0.0, "limits": asdict(limits)}
    target = Path(course) / "graded" / student / f"{stem}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, indent=1))
    write_feedback(record, Path(course) / "feedback" / student / stem / f"{stem}.html")
    return record


def _job(args):
    notebook, student, stem, course, limits = args
    return grade_one(notebook, student, stem, course, limits)


def grade(submissions: Path, course: Path = COURSE_DIR, jobs: int | None = None, limits: Limits | None = None,
          progress: bool = True) -> list[dict]:
    """Grade every submission, ``jobs`` at a time (default: all cores); write feedback and CSVs."""
    from tqdm import tqdm

    found = find_submissions(submissions)
    jobs = max(1, jobs or os.cpu_count() or 1)
    limits = limits or Limits()
    tasks = [(nb, student, stem, Path(course), limits) for student, stem, nb in found]
    records = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=ctx) as pool:
        futures = {pool.submit(_job, t): t for t in tasks}
        for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="nb", disable=not progress):
            try:
                records.append(future.result())
            except Exception:  # noqa: BLE001 - a worker that died: record it, keep the batch going
                records.append(_lost_worker(futures[future], traceback.format_exc()))
    write_csvs(course)
    return sorted(records, key=lambda r: (r["student"], r["stem"]))


def all_records(course: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((Path(course) / "graded").glob("*/*.json"))]


def write_csvs(course: Path = COURSE_DIR) -> tuple[Path, Path]:
    """``grades.csv`` (a row per student, a column per exercise) and ``grades_long.csv``, from every record."""
    records = all_records(course)
    stems = sorted({r["stem"] for r in records})
    prefix = len(stems) > 1
    columns: list[str] = []
    rows: dict[str, dict] = {}
    long_rows = []
    for r in records:
        row = rows.setdefault(r["student"], {"student": r["student"]})
        for ex in r["exercises"]:
            col = f"{r['stem']}:{ex['id']}" if prefix else ex["id"]
            if col not in columns:
                columns.append(col)
            row[col] = ex["points"]
            long_rows.append({"student": r["student"], "chapter": r["stem"], "exercise": ex["id"],
                              "points": ex["points"], "max": ex["max"]})
        row["total"] = row.get("total", 0.0) + r["score"]
        row["max"] = row.get("max", 0.0) + r["max_score"]
    wide, long = Path(course) / "grades.csv", Path(course) / "grades_long.csv"
    with open(wide, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["student", *columns, "total", "max"])
        writer.writeheader()
        writer.writerows(rows[s] for s in sorted(rows))
    with open(long, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["student", "chapter", "exercise", "points", "max"])
        writer.writeheader()
        writer.writerows(long_rows)
    return wide, long
