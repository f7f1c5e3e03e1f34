"""CSV cells a spreadsheet will not evaluate (autograder/grading/csvs.py)."""

from __future__ import annotations

import csv
import io

from autograder.grading.csvs import neutralise, safe_row


def test_formula_texts_get_a_quote_and_numbers_stay_numbers():
    """Do =, +, -, @, tab and CR starts get a leading quote, while plain names and numbers are unchanged?"""
    for text in ['=HYPERLINK("x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]:
        assert neutralise(text) == "'" + text
    assert [neutralise(v) for v in ("alice", "a=b", 3.0, -1.5, 0)] == ["alice", "a=b", 3.0, -1.5, 0]


def test_a_written_row_has_no_cell_a_spreadsheet_would_evaluate():
    """Written through csv.DictWriter, does every cell start with something other than a formula character?"""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["student", "points"])
    writer.writerow(safe_row({"student": "=cmd|' /C calc'!A0", "points": 2.0}))
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells == ["'=cmd|' /C calc'!A0", "2.0"]
