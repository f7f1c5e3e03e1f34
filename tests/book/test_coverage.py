"""The coverage table of the introduction: every section of the notes has a chapter section or a reason.

The data is ``book/coverage.py``; the table in ``book/intro.md`` is generated from it
(``python book/coverage.py``). The notes themselves (``shared/seeds``, beside the repository or the
data mirror) are read for the sections they number; a clone without them skips that one test.
"""

from __future__ import annotations

import os
import re
import runpy
from collections import Counter
from pathlib import Path

import pytest

from autograder import course

cov = runpy.run_path(str(course.BOOK_DIR / "coverage.py"), run_name="coverage")
ROWS, C, P, O = cov["ROWS"], cov["C"], cov["P"], cov["O"]
# How each note numbers its own section headings, at the start of a line.
NUMBERED_LINE = {"000": r"^(5\.\d(?:\.\d)?) ", "002": r"^(16\.\d(?:\.\d)?)\.? ", "004": r"^(\d-\d) "}


def seeds_dir() -> Path | None:
    mirror = os.environ.get("SEQGEN_DATA_MIRROR", "").split(os.pathsep)[0]
    candidates = ([Path(mirror).parent / "seeds"] if mirror else []) + [
        course.ROOT / "shared" / "seeds", course.ROOT.parent / "shared" / "seeds"]
    return next((c for c in candidates if c.is_dir()), None)


def headings(stem: str) -> set[str]:
    """Every heading of the chapter's page (code cells skipped), as written after its #s."""
    in_code, out = False, set()
    for line in course.chapter(stem).page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            out.add(line.lstrip("#").strip())
    return out


def test_every_cited_heading_exists():
    """Does every (chapter, heading) the table cites exist on that chapter's page?"""
    stems = set(course.stems())
    missing = [(stem, h) for row in ROWS for stem, h in row[4] if stem not in stems or h not in headings(stem)]
    assert not missing, f"headings the coverage table cites that the chapters lack: {missing}"


def test_every_row_has_a_place_or_a_reason():
    """Is each row taught (with a place), partly (a place and what is left out) or omitted (a one-sentence reason)?"""
    bad = []
    for note, section, topic, status, where, text in ROWS:
        ok = bool(topic) and status in {C, P, O} and (
            (status == C and where and not text)
            or (status == P and where and len(text) > 20)
            or (status == O and not where and text.endswith(".") and len(text) > 20))
        if not ok:
            bad.append((note, section, status))
    assert not bad, bad


def test_each_section_has_exactly_one_row():
    """Is every section of the course map listed once, and is every note in the map?"""
    twice = [k for k, n in Counter((r[0], r[1]) for r in ROWS).items() if n > 1]
    assert not twice, twice
    assert set(cov["SECTIONS"]) == set(cov["NOTES"]) and all(cov["SECTIONS"].values())


@pytest.mark.parametrize("note", sorted(NUMBERED_LINE))
def test_every_numbered_heading_of_the_notes_has_a_row(note):
    """Does each section heading a note numbers itself (read from the note) have a row?"""
    seeds = seeds_dir()
    if seeds is None:
        pytest.skip("the notes (shared/seeds) are not beside this clone or its data mirror")
    path = next(seeds.glob(f"{note}_*.txt"))
    found = set(re.findall(NUMBERED_LINE[note], path.read_text(encoding="utf-8"), flags=re.M))
    assert found, f"no numbered headings read from {path.name}"
    assert set(cov["NUMBERED"][note]) <= found, sorted(set(cov["NUMBERED"][note]) - found)
    rows = cov["SECTIONS"][note]
    uncovered = [h for h in found if not any(s == h or s.startswith(h + "-") or s.startswith(h + ".") for s in rows)]
    assert not uncovered, f"{note}: sections with no row: {uncovered}"


def test_the_introduction_shows_the_table_of_the_data():
    """Is the table in book/intro.md the one generated from book/coverage.py, with counts that add up?"""
    assert sum(cov["counts"]().values()) == len(ROWS)
    page = (course.BOOK_DIR / "intro.md").read_text(encoding="utf-8")
    assert cov["intro_block"](page) == cov["markdown"](), "book/intro.md's table is stale: run python book/coverage.py"


def test_the_page_check_fails_on_a_stale_table():
    """Would an edited row (or a missing block) be caught?"""
    table = cov["markdown"]()
    stale = table.replace("| taught |", "| partly |", 1)
    assert stale != table and cov["intro_block"]("intro\n" + stale + "\nmore") != table
    with pytest.raises(ValueError):
        cov["intro_block"]("an introduction without the table")
