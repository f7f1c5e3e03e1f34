"""A chapter's page: the executed notebook with its answers stubbed, the box under its title, captioned figures.

:func:`strip` removes the solution regions (stubs instead) and hidden tests, keeping the outputs the
reference answers gave; :func:`render_chapter` writes the page and the student notebook into the site's
source folder; :func:`scan_tree` refuses a built site that mentions the hidden reference.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from ..course import STUB, assert_no_leak
from . import pages


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without solution regions (stubs instead) or hidden tests; outputs kept."""
    nb = copy.deepcopy(nb)
    resources: dict = {}
    ClearSolutions(code_stub={"python": STUB}).preprocess(nb, resources)
    ClearHiddenTests().preprocess(nb, resources)
    return nb


def render_chapter(stem: str, executed: nbformat.NotebookNode, student: Path, rendered_dir: Path) -> Path:
    """Write chapter ``stem``'s page (and its student notebook beside it) into ``rendered_dir``."""
    page = strip(executed)
    pages.add_glance_box(page, stem)
    pages.caption_figures(page)
    text = nbformat.writes(page)
    assert_no_leak(text, f"rendered page {stem}")
    rendered_dir.mkdir(parents=True, exist_ok=True)
    (rendered_dir / f"{stem}.ipynb").write_text(text)
    (rendered_dir / "student").mkdir(exist_ok=True)
    shutil.copy(student, rendered_dir / "student" / f"{stem}.ipynb")
    return rendered_dir / f"{stem}.ipynb"


def scan_tree(folder: Path) -> None:
    """Raise :class:`autograder.course.LeakError` if any text file under ``folder`` mentions the reference."""
    for f in folder.rglob("*"):
        if f.is_file() and f.suffix in {".html", ".ipynb", ".txt", ".md", ".js", ".json", ".py"}:
            assert_no_leak(f.read_text(errors="replace"), str(f))
