"""Does the coverage table give every section of the notes a chapter section or a reason? (stage 2: tests/book/)

    .venv/bin/python -m pytest -n 0 -q drafts/test_coverage.py
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import coverage_data as cov  # noqa: E402

NUMBERED_LINE = {"000": r"^(5\.\d(?:\.\d)?) ", "002": r"^(16\.\d(?:\.\d)?)\.? ", "004": r"^(\d-\d) "}


def seeds_dir() -> Path:
    mirror = os.environ.get("SEQGEN_DATA_MIRROR", "").split(":")[0]
    for candidate in ([Path(mirror).parent / "seeds"] if mirror else []) + [ROOT.parent / "shared" / "seeds"]:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the notes (shared/seeds) are not beside the repository; set SEQGEN_DATA_MIRROR to shared/data")


def headings(stem: str) -> set[str]:
    text = (ROOT / "book" / stem / f"{stem}.md").read_text(encoding="utf-8")
    in_code, out = False, set()
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            out.add(line.lstrip("#").strip())
    return out


def test_every_cited_heading_exists():
    """Does every (chapter, heading) the table cites exist on that chapter's page?"""
    missing = [(stem, h) for row in cov.ROWS for stem, h in row[4] if h not in headings(stem)]
    assert not missing, missing


def test_every_row_has_a_place_or_a_reason():
    """Is each row covered (with a place), partly (a place and what is missing) or omitted (a one-sentence reason)?"""
    for note, section, topic, status, where, text in cov.ROWS:
        assert status in {cov.C, cov.P, cov.O}, (note, section, status)
        assert topic, (note, section)
        if status == cov.C:
            assert where and not text, (note, section)
        elif status == cov.P:
            assert where and len(text) > 20, (note, section)
        else:
            assert not where and text.endswith(".") and len(text) > 20, (note, section)


def test_each_section_has_exactly_one_row():
    """Is every section of the course map listed once, and is every note in the map?"""
    keys = Counter((r[0], r[1]) for r in cov.ROWS)
    assert not [k for k, n in keys.items() if n > 1]
    assert set(cov.SECTIONS) == set(cov.NOTES) and all(cov.SECTIONS.values())


@pytest.mark.parametrize("note", sorted(NUMBERED_LINE))
def test_every_numbered_heading_of_the_notes_has_a_row(note):
    """Does each section heading a note numbers itself (read from the note) have a row?"""
    path = next(seeds_dir().glob(f"{note}_*.txt"))
    found = set(re.findall(NUMBERED_LINE[note], path.read_text(encoding="utf-8"), flags=re.M))
    assert found, f"no numbered headings read from {path.name}"
    assert set(cov.NUMBERED[note]) <= found, sorted(set(cov.NUMBERED[note]) - found)
    rows = cov.SECTIONS[note]
    uncovered = [h for h in found if not any(s == h or s.startswith(h + "-") or s.startswith(h + ".") for s in rows)]
    assert not uncovered, f"{note}: sections with no row: {uncovered}"


def test_the_counts_add_up_and_the_markdown_is_current():
    """Do the counts add up to the rows, and is drafts/coverage.md the table generated from the data?"""
    assert sum(cov.counts().values()) == len(cov.ROWS)
    assert (HERE / "coverage.md").read_text(encoding="utf-8") == cov.markdown()
