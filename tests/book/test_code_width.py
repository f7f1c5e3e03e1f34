"""Chapter code fits the page's column: at 1280 px a code cell's box is 672 px wide, 16 px of padding
on each side, and holds 76 characters of the theme's 14 px monospace (8.43 px each, measured in
Chromium), so no line of a chapter's code cells is longer (a longer one scrolls sideways)."""

from __future__ import annotations

import jupytext
import pytest

from autograder import course

MAX_CHARS = 76


@pytest.mark.parametrize("path", [c.page for c in course.chapters()], ids=lambda p: p.stem)
def test_every_line_of_chapter_code_fits_the_column(path):
    """Is every line of every code cell (answers' solution regions included) at most 76 characters long?"""
    long = [(len(line), line) for cell in jupytext.read(path).cells if cell.cell_type == "code"
            for line in cell.source.split("\n") if len(line) > MAX_CHARS]
    assert not long, f"{path.stem}: {len(long)} code lines over {MAX_CHARS} characters, e.g. {long[:3]}"
