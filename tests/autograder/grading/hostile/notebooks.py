"""Building hostile submissions for any chapter, and reading their records (shared by the hostile test modules).

A case is a dict:

- ``answers``: exercise id -> the code of that answer cell (the other answers are the reference);
- ``tests``: exercise id -> new test-cell source, or None to delete it (optional);
- ``insert``: exercise id -> a code cell the student adds just before that answer cell (optional);
- ``append``: code cells the student adds after the chapter's last cell (optional);
- ``expect``: the exercises that must score 0 (every other exercise gets full marks);
- ``flag``: the exercises whose record must say that the code inspected or rewrote the grader (optional);
- ``heavy``: True when the case needs a lot of memory, processes or grader time (graded in its own batch).

In code, ``{REF}`` is replaced by the reference answer of that exercise, ``{ROOT}`` by the checkout's path,
``{TAG}`` by a per-run marker and ``{NAME}`` by any other value given to :func:`fill`.
"""

from __future__ import annotations

import nbformat

from autograder import course


def reference_answers(stem: str) -> dict[str, str]:
    return dict(course.chapter(stem).reference_answers)


def fill(code: str, ref: str, **marks: object) -> str:
    code = code.replace("{REF}", ref)
    for name, value in marks.items():
        code = code.replace("{" + name + "}", str(value))
    return code


def student_notebook(stem: str, answers: dict[str, str], tests: dict[str, str | None] | None = None,
                     insert: dict[str, str] | None = None, append: list[str] | None = None) -> nbformat.NotebookNode:
    """The chapter as a student holds it: stubs replaced by ``answers``, test cells edited or deleted, cells added."""
    nb = course.chapter(stem).notebook()
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if meta.get("solution"):
            cell.source = answers.get(grade_id, course.STUB)
            if insert and grade_id in insert:
                cells.append(nbformat.v4.new_code_cell(insert[grade_id]))
        elif grade_id.endswith("_tests") and tests and grade_id.removesuffix("_tests") in tests:
            new = tests[grade_id.removesuffix("_tests")]
            if new is None:
                continue
            cell.source = new
        cells.append(cell)
    cells += [nbformat.v4.new_code_cell(code) for code in append or []]
    nb.cells = cells
    return nb


def case_notebook(stem: str, case: dict, reference: dict[str, str], **marks: object) -> nbformat.NotebookNode:
    answers = {**reference, **{k: fill(v, reference[k], **marks) for k, v in case.get("answers", {}).items()}}
    append = [fill(code, "", **marks) for code in case.get("append", [])]
    return student_notebook(stem, answers, case.get("tests"), case.get("insert"), append)


def scores(record: dict) -> dict[str, float]:
    return {ex["id"]: ex["points"] for ex in record["exercises"]}


def expected_scores(record: dict, zero: list[str]) -> dict[str, float]:
    """Full marks everywhere but on the exercises in ``zero``."""
    return {ex["id"]: (0.0 if ex["id"] in zero else ex["max"]) for ex in record["exercises"]}


def is_flagged(record: dict, ex_id: str) -> bool:
    """Does the record tell the instructor that exercise ``ex_id``'s code inspected or rewrote the grader?

    The record lists such exercises in ``flags`` (a list of exercise ids, or of dicts with an ``id``),
    or marks the exercise itself (``flagged: true``).
    """
    for flag in record.get("flags", []) or []:
        if flag == ex_id or (isinstance(flag, dict) and flag.get("id") == ex_id):
            return True
    return any(ex["id"] == ex_id and ex.get("flagged") for ex in record["exercises"])
