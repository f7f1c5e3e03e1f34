"""The grading record: typed, written in one place, read back whole; the feedback page and CSVs made from records."""

from __future__ import annotations

import csv
import json

from autograder import course
from autograder.grading.csvs import write_csvs
from autograder.grading.record import ExerciseResult, Record, Timing, all_records, save
from autograder.grading.sandbox import Limits


def record(student="ada", stem="06_peeky_reverse", points=(1.0, 0.0)) -> Record:
    exercises = [ExerciseResult("reverse_questions", 1.0, points[0], "passed"),
                 ExerciseResult("peeky_forward", 4.0, points[1], "expected 0.5, got 0.7", ["test cell raised ValueError: x"], "out")]
    return Record(stem, student, exercises, Timing(1.0, 2.0, 0.5, 1), 4.25, Limits(cell_timeout=30))


def test_a_saved_record_reads_back_whole_with_the_old_keys(tmp_path):
    """Does a saved record come back equal, its JSON keep the keys graders and scripts read (score, max_score,
    exercises, timing, student, seconds, limits), and its feedback page sit beside it?"""
    r = record()
    path = save(r, tmp_path)
    assert path == tmp_path / "graded" / "ada" / "06_peeky_reverse.json"
    data = json.loads(path.read_text())
    assert list(data) == ["stem", "score", "max_score", "exercises", "timing", "student", "seconds", "limits"]
    assert (data["score"], data["max_score"], data["limits"]["cell_timeout"]) == (1.0, 5.0, 30)
    assert all_records(tmp_path) == [r]
    page = (tmp_path / "feedback" / "ada" / "06_peeky_reverse" / "06_peeky_reverse.html").read_text()
    assert "Score: 1 / 5" in page and "expected 0.5, got 0.7" in page and "test cell raised ValueError" in page


def test_a_grader_failure_is_recorded_as_zero_with_its_trace_for_the_instructor(tmp_path):
    """Does a submission the grader failed on get 0 on every exercise of its chapter, a message saying so, and
    the trace kept for the instructor but not shown to the student?"""
    chapter = course.chapter("06_peeky_reverse")
    r = Record.not_graded(chapter, "bob", "Traceback ...\nRuntimeError: the grader's own bug", Limits())
    assert [e.id for e in r.exercises] == [e.id for e in chapter.exercises]
    assert r.score == 0 and r.max_score == chapter.max_score and "grader failed" in r.exercises[0].check
    save(r, tmp_path)
    assert all_records(tmp_path)[0].grader_error.endswith("the grader's own bug")
    page = (tmp_path / "feedback" / "bob" / "06_peeky_reverse" / "06_peeky_reverse.html").read_text()
    assert "the grader's own bug" not in page and "The grader itself failed" in page


def test_feedback_redacts_what_a_student_printed_of_the_reference(tmp_path):
    """Does the feedback page redact solution markers and `import solutions` a student's output holds?"""
    r = record()
    r.exercises[1].output = "### BEGIN SOLUTION\nfrom solutions import gpt"
    save(r, tmp_path)
    page = (tmp_path / "feedback" / "ada" / "06_peeky_reverse" / "06_peeky_reverse.html").read_text()
    course.assert_no_leak(page, "feedback")
    assert page.count("[redacted]") == 2


def test_csvs_have_a_row_per_student_and_a_column_per_exercise(tmp_path):
    """Do the CSVs hold every record: one chapter's exercises as plain columns, several chapters' prefixed?"""
    save(record("ada", points=(1.0, 4.0)), tmp_path)
    save(record("bob"), tmp_path)
    wide, long = write_csvs(tmp_path)
    rows = list(csv.DictReader(open(wide)))
    assert list(rows[0]) == ["student", "reverse_questions", "peeky_forward", "total", "max"]
    assert [(r["student"], r["total"], r["max"]) for r in rows] == [("ada", "5.0", "5.0"), ("bob", "1.0", "5.0")]
    assert len(list(csv.DictReader(open(long)))) == 4
    save(record("ada", stem="02_tokenization"), tmp_path)
    header = next(csv.reader(open(write_csvs(tmp_path)[0])))
    assert {"06_peeky_reverse:reverse_questions", "02_tokenization:peeky_forward"} <= set(header)
