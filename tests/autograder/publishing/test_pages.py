"""The site's pages made from the chapters' structure: the table of contents; a figure's alt text is its caption
without markup, and names in it stay whole."""

from __future__ import annotations

import nbformat
import pytest

from autograder import answers, course
from autograder.publishing import pages, release


def test_the_toc_lists_every_chapter_once_in_order_then_exercises_and_results():
    """Does the site's table of contents list each chapter folder once, in order, nothing else before the
    exercises and results pages (a chapter missing its _toc.yml line would silently drop out of the site)?"""
    files = [entry["file"] for entry in pages.site_toc(course.ROOT)["chapters"]]
    assert files == course.stems() + [pages.EXERCISES_PAGE, pages.RESULTS_PAGE]


def alt_of(caption: str) -> str:
    page = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "plot()", metadata={"mystnb": {"figure": {"caption": caption}}})])
    pages.caption_figures(page)
    return page.cells[0].metadata["mystnb"]["image"]["alt"]


def test_alt_text_keeps_underscores_inside_names_and_drops_markup():
    """Is `time_attention` kept whole (not 'timeattention'), while backticks, *emphasis*, _emphasis_ and roles go?"""
    assert alt_of("Weights from your `time_attention`, *brighter* is _larger_; see {numref}`fig-x`.") == (
        "Weights from your time_attention, brighter is larger; see fig-x.")
    assert alt_of("__init__ of `A_B_C`") == "init of A_B_C"


@pytest.mark.parametrize("stem", course.stems())
def test_the_glance_box_and_exercises_page_name_what_the_student_writes(stem):
    """Does the exercises table (glance box and Exercises page) show the names the answer cells define, on the
    page and on the student notebook alike, never an id the student never types (``lstm_lm`` for ``build_lstm_lm``)?"""
    chapter = course.chapter(stem)
    defined = {ex.id: ", ".join(n for n, _ in answers._definitions(chapter.reference_answers[ex.id]))
               for ex in chapter.exercises}
    for nb in (chapter.notebook(), release.student_notebook(chapter)):
        table, _ = pages.exercises_table(stem, nb)
        rows = [line.split("|")[2].strip().strip("`") for line in table.split("\n")[2:]]
        assert rows == [defined[ex.id] for ex in chapter.exercises]
    if stem == "01_lstm_intro":
        assert "`build_lstm_lm`" in table and "`lstm_lm`" not in table
