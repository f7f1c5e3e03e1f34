"""The grading record: what grading one submission found, typed, and the one place that writes it.

A :class:`Record` is made by :func:`autograder.grading.batch.grade_submission` (graded, or
:meth:`Record.not_graded` when the grader itself failed) and written by :func:`save` alone, as
``<course>/graded/<student>/<chapter>.json`` beside the student's feedback page. The CSVs and a
regrade read the JSON back with :meth:`Record.from_json`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..course import Chapter, course_lock
from .feedback import write_feedback
from .sandbox import Limits

NOT_GRADED = "not graded: the grader failed (your instructor has the log)"


@dataclass
class ExerciseResult:
    id: str
    max: float
    points: float = 0.0
    check: str = "not run"  # the check's message, or why it did not run
    visible: list[str] = field(default_factory=list)  # errors of the answer and visible-test cells
    output: str = ""


@dataclass
class Timing:
    kernel_start: float = 0.0
    cells: float = 0.0  # the chapter's cells (imports and setup, mostly)
    checks: float = 0.0
    restarts: int = 0


@dataclass
class Record:
    """One submission's result: a score per exercise, with the check's message and the visible errors."""

    stem: str
    student: str
    exercises: list[ExerciseResult]
    timing: Timing = field(default_factory=Timing)
    seconds: float = 0.0
    limits: Limits = field(default_factory=Limits)
    grader_error: str = ""  # the grader's own traceback (for the instructor), when it failed
    flags: dict[str, list[str]] = field(default_factory=dict)  # exercise -> what its code did to the grader
    refused: list[str] = field(default_factory=list)  # files of the submission's folder not given to the kernel

    @property
    def score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max for e in self.exercises)

    @classmethod
    def not_graded(cls, chapter: Chapter, student: str, trace: str, limits: Limits) -> Record:
        """The record of a submission the grader failed on: every exercise 0, the trace kept for the instructor."""
        results = [ExerciseResult(e.id, e.points, check=NOT_GRADED) for e in chapter.exercises]
        return cls(chapter.stem, student, results, limits=limits, grader_error=trace[-4000:])

    def to_dict(self) -> dict:
        data = {"stem": self.stem, "score": self.score, "max_score": self.max_score,
                "exercises": [asdict(e) for e in self.exercises], "timing": asdict(self.timing)}
        if self.grader_error:
            data["grader_error"] = self.grader_error
        if self.flags:
            data["flags"] = [{"id": ex_id, "events": events} for ex_id, events in self.flags.items()]
        if self.refused:
            data["refused"] = self.refused
        return {**data, "student": self.student, "seconds": self.seconds, "limits": asdict(self.limits)}

    @classmethod
    def from_json(cls, text: str) -> Record:
        data = json.loads(text)
        return cls(data["stem"], data["student"], [ExerciseResult(**e) for e in data["exercises"]],
                   Timing(**data["timing"]), data["seconds"], Limits(**data["limits"]), data.get("grader_error", ""),
                   {f["id"]: list(f["events"]) for f in data.get("flags", [])}, list(data.get("refused", [])))


def record_path(course: Path, student: str, stem: str) -> Path:
    return Path(course) / "graded" / student / f"{stem}.json"


def feedback_path(course: Path, student: str, stem: str) -> Path:
    return Path(course) / "feedback" / student / stem / f"{stem}.html"


def save(record: Record, course: Path) -> Path:
    """Write the record and the student's feedback page (a regrade replaces both), holding the course's lock."""
    target = record_path(course, record.student, record.stem)
    with course_lock(course):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(record.to_dict(), indent=1))
        write_feedback(record, feedback_path(course, record.student, record.stem))
    return target


def all_records(course: Path) -> list[Record]:
    return [Record.from_json(p.read_text()) for p in sorted((Path(course) / "graded").glob("*/*.json"))]
