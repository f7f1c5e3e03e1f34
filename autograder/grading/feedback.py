"""A student's feedback page: scores, each failed check's message, visible-cell errors.

Built from the grading record alone (:class:`autograder.grading.record.Record`; no notebook
source is copied into it), so it cannot show the hidden checks' source or the reference;
:func:`write_feedback` still redacts anything matching ``course.FORBIDDEN`` (a student may
print such text themselves).
"""

from __future__ import annotations

import html
from pathlib import Path

from ..course import FORBIDDEN

STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
.ok{color:#176f2c}.no{color:#a4161a}pre{background:#f5f5f5;padding:.5rem;white-space:pre-wrap;max-height:20rem;overflow:auto}"""


def render(record) -> str:
    """The feedback page of a :class:`~autograder.grading.record.Record`."""
    e = html.escape
    title = f"{record.stem}: feedback for {record.student}"
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{e(title)}</h1>",
             f"<p><b>Score: {record.score:g} / {record.max_score:g}</b></p>",
             "<table><tr><th>Exercise</th><th>Points</th><th>Hidden check</th></tr>"]
    for ex in record.exercises:
        cls = "ok" if ex.points == ex.max else "no"
        parts.append(f"<tr><td>{e(ex.id)}</td><td class='{cls}'>{ex.points:g} / {ex.max:g}</td><td>{e(ex.check)}</td></tr>")
    parts.append("</table>")
    for ex in record.exercises:
        if ex.points == ex.max and not ex.visible:
            continue
        parts.append(f"<h2>{e(ex.id)}</h2><p>Hidden check: <span class='no'>{e(ex.check)}</span></p>")
        if ex.visible:
            parts.append("<p>Your cells:</p><ul>" + "".join(f"<li><code>{e(v)}</code></li>" for v in ex.visible) + "</ul>")
        if ex.output:
            parts.append(f"<p>Output of your answer and test cells:</p><pre>{e(ex.output[:20000])}</pre>")
    if record.flags:
        parts.append("<p class='no'>Code of yours inspected or rewrote the grader; those exercises score 0 and your "
                     "instructor has been told: " + e(", ".join(record.flags)) + ".</p>")
    if record.refused:
        parts.append("<p>Files of your folder not given to your notebook (only regular files are): "
                     + e(", ".join(record.refused)) + ".</p>")
    if record.grader_error:
        parts.append("<p class='no'>The grader itself failed on this notebook; your instructor has been told.</p>")
    parts.append("<p>The score comes from the hidden checks only; visible tests are there to help you.</p></body></html>")
    return "\n".join(parts)


def write_feedback(record, target: Path) -> Path:
    text = FORBIDDEN.sub("[redacted]", render(record))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target
