"""The built site and the released notebooks: complete, and free of the hidden reference."""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder import course
from autograder.publishing import build
from test_answers_hidden import shown_answers, units  # this folder (pytest's prepend import mode)

CHAPTERS = course.stems()
# All site tests share one build: keep them on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
LEAK = re.compile(r"BEGIN SOLUTION|BEGIN HIDDEN TESTS|(from|import) solutions")


def text_files(folder):
    return [f for f in folder.rglob("*") if f.is_file() and f.suffix in {".html", ".ipynb", ".txt", ".js", ".json"}]


def test_no_leaks_in_html_or_release(site):
    """Does any file of the HTML site or the release folder mention a solution region, hidden tests or `solutions`?"""
    folders = [site, course.course_dir() / "release", build.RENDERED_DIR]
    hits = [str(f) for folder in folders for f in text_files(folder) if LEAK.search(f.read_text(errors="replace"))]
    assert not hits, hits
    assert len(text_files(course.course_dir() / "release")) == len(CHAPTERS)


@pytest.mark.parametrize("stem", CHAPTERS)
def test_chapter_page_shows_stubs_outputs_and_download(site, stem):
    """Does each page show every exercise as a stub, the reference's passing visible tests, and a student-notebook link?"""
    page = (site / f"{stem}.html").read_text()
    n_exercises = len(course.chapter(stem).exercises)
    assert page.count("NotImplementedError") >= n_exercises
    assert page.count("all visible checks passed") == n_exercises
    assert re.search(rf'href="[^"]*_downloads/[0-9a-f]+/{stem}\.ipynb"', page)
    rendered = nbformat.read(build.RENDERED_DIR / f"{stem}.ipynb", as_version=4)
    errors = [o for c in rendered.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{stem} executed with errors: {[e['ename'] for e in errors]}"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_student_notebook_is_the_release(site, stem):
    """Is the downloadable notebook the nbgrader release: stubs, locked tests, no outputs?"""
    (download,) = list(site.glob(f"_downloads/*/{stem}.ipynb"))
    nb = nbformat.read(download, as_version=4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert graded and len(graded) == len(answers)
    assert all("raise NotImplementedError()" in c.source for c in answers)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("stem", CHAPTERS)
def test_no_student_notebook_shows_an_answer(site, stem):
    """Does no definition (nor the top-level code) of the released student notebook show an exercise's answer?"""
    nb = nbformat.read(course.course_dir() / "release" / stem / f"{stem}.ipynb", as_version=4)
    found = units([(list(c.metadata.get("tags", [])), c.source) for c in nb.cells if c.cell_type == "code"])
    shown = {name: shown_answers(node) for name, node in found.items() if shown_answers(node)}
    assert not shown, f"the released {stem} notebook shows answers: {shown}"


def test_results_page_has_every_experiment_and_the_chapters_link_to_it(site):
    """Does the built Results page have a section per experiment, and do chapters 5 and 6 link to it?"""
    from autograder.publishing import results

    page = (site / "results.html").read_text()
    for name in results.experiments():
        assert f'id="results-{name.replace("_", "-")}"' in page, name
    for stem in ("05_seq2seq", "06_peeky_reverse"):
        assert 'href="results.html' in (site / f"{stem}.html").read_text(), stem
