"""The class's grades as CSV files, rebuilt from every record after each ``grade`` and ``grade-one``.

- ``grades.csv``: a row per student, a column per exercise (``<chapter>:<exercise>`` when several
  chapters are graded), ``total`` and ``max``;
- ``grades_long.csv``: a row per (student, chapter, exercise) with its points and max, for an LMS.

Every text cell is neutralised (:func:`neutralise`): a cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` as a
student folder's name), so it is written with a leading single quote (OWASP's advice), which
spreadsheets show as text and do not evaluate; numbers stay numbers (a negative number is no formula).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..course import course_dir, course_lock
from .record import all_records

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet evaluates: text that starts like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: dict[str, Any]) -> dict[str, Any]:
    """Every cell of a ``csv.DictWriter`` row neutralised."""
    return {key: neutralise(value) for key, value in values.items()}


def write_csvs(course: Path | None = None) -> tuple[Path, Path]:
    """``grades.csv`` and ``grades_long.csv`` from every record of ``course`` (holding its lock)."""
    course = Path(course or course_dir())
    with course_lock(course):
        records = all_records(course)
        stems = sorted({r.stem for r in records})
        prefix = len(stems) > 1
        columns: list[str] = []
        rows: dict[str, dict] = {}
        long_rows = []
        for r in records:
            row = rows.setdefault(r.student, {"student": r.student})
            for ex in r.exercises:
                col = f"{r.stem}:{ex.id}" if prefix else ex.id
                if col not in columns:
                    columns.append(col)
                row[col] = ex.points
                long_rows.append({"student": r.student, "chapter": r.stem, "exercise": ex.id, "points": ex.points, "max": ex.max})
            row["total"] = row.get("total", 0.0) + r.score
            row["max"] = row.get("max", 0.0) + r.max_score
        wide, long = course / "grades.csv", course / "grades_long.csv"
        _write(wide, ["student", *columns, "total", "max"], [rows[s] for s in sorted(rows)])
        _write(long, ["student", "chapter", "exercise", "points", "max"], long_rows)
    return wide, long


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[neutralise(h) for h in header])
        writer.writeheader()
        writer.writerows(safe_row({neutralise(k): v for k, v in r.items()}) for r in rows)
