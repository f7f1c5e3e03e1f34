"""A figure's alt text is its caption without markup, and names in it stay whole."""

from __future__ import annotations

import nbformat

from autograder.site_pages import caption_figures


def alt_of(caption: str) -> str:
    page = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "plot()", metadata={"mystnb": {"figure": {"caption": caption}}})])
    caption_figures(page)
    return page.cells[0].metadata["mystnb"]["image"]["alt"]


def test_alt_text_keeps_underscores_inside_names_and_drops_markup():
    """Is `time_attention` kept whole (not 'timeattention'), while backticks, *emphasis*, _emphasis_ and roles go?"""
    assert alt_of("Weights from your `time_attention`, *brighter* is _larger_; see {numref}`fig-x`.") == (
        "Weights from your time_attention, brighter is larger; see fig-x.")
    assert alt_of("__init__ of `A_B_C`") == "init of A_B_C"
