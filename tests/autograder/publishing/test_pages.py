"""The site's pages made from the chapters' structure: the table of contents."""

from __future__ import annotations

from autograder import course
from autograder.publishing import pages


def test_the_toc_lists_every_chapter_once_in_order_then_exercises_and_results():
    """Does the site's table of contents list each chapter folder once, in order, nothing else before the
    exercises and results pages (a chapter missing its _toc.yml line would silently drop out of the site)?"""
    files = [entry["file"] for entry in pages.site_toc(course.ROOT)["chapters"]]
    assert files == course.stems() + [pages.EXERCISES_PAGE, pages.RESULTS_PAGE]
