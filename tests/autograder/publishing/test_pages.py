"""The site's pages made from the chapters' structure: the table of contents; a figure's alt text is its caption
without markup, and names in it stay whole."""

from __future__ import annotations

import nbformat

from autograder import course
from autograder.publishing import pages


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
