"""The built site as readers meet it: headless Chromium, offline, at 1280 px and 390 px.

Each test reads what the browser saw on every page (``visits`` in conftest.py:
one load per page and width, screenshots kept as CI artefacts) or drives the
page (sidebar buttons, the student-notebook link, search).
"""

from __future__ import annotations

import json
import re
import urllib.parse

import nbformat
import pytest

from autograder import course

from site_browser import WIDTHS, page_named, site_pages

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
CHAPTERS = course.stems()
# A term each chapter's page must be found by, with an excerpt that shows it.
SEARCH_TERMS = {"01_lstm_intro": "perplexity", "02_tokenization": "punctuation", "03_char_rnn": "Shakespeare",
                "04_stateful_rnn": "truncated", "05_seq2seq": "encoder", "06_peeky_reverse": "Peeky"}


def page_of(site, stem: str) -> str:
    return page_named(site_pages(site), f"{stem}.html")


def every_visit(visits):
    return sorted(visits.items())


def test_every_page_was_visited_at_both_widths(site, visits):
    """Did the browser open the landing page and every chapter, at each width?"""
    pages = site_pages(site)
    assert "intro.html" in pages and all(f"{s}.html" in pages for s in CHAPTERS), pages
    assert re.search(r'http-equiv="refresh"[^>]*url=intro\.html', (site / "index.html").read_text(), re.I)
    assert set(visits) == {(p, w) for p in pages for w in WIDTHS}


def test_no_console_errors_and_nothing_fetched_from_outside(visits):
    """Does any page log a script error or a failed load, or ask a host other than the site's for anything?"""
    bad = {f"{p}@{w}": v["errors"] + [f"external: {u}" for u in v["external"]]
           for (p, w), v in every_visit(visits) if v["errors"] or v["external"]}
    assert not bad, json.dumps(bad, indent=1)


def test_math_is_typeset_offline(visits):
    """Is every formula typeset (no raw \\( \\) left) with the network off?"""
    bad = {f"{p}@{w}": (v["raw_math"], v["math_nodes"], v["typeset"]) for (p, w), v in every_visit(visits)
           if v["raw_math"] or v["typeset"] < v["math_nodes"]}
    assert not bad, f"page: (raw delimiters, math nodes, typeset): {bad}"
    assert sum(v["typeset"] for v in visits.values()) > 50  # the chapters do have math


def test_images_load_with_numbered_captions_and_alt_text(visits):
    """Does every image load, sit in a figure with a numbered caption, and have alt text that is not a file name?"""
    bad = []
    for (p, w), v in every_visit(visits):
        for img in v["images"]:
            problems = [name for name, ok in [
                ("not loaded", img["loaded"]),
                ("no 'Fig. N' caption", re.match(r"Fig\. \d+", img["caption"])),
                ("alt text missing or a file name", len(img["alt"]) > 15 and not re.search(r"\.(png|jpe?g|svg)$", img["alt"])),
            ] if not ok]
            if problems:
                bad.append(f"{p}@{w} {img['src']}: {problems}")
    assert not bad, "\n".join(bad)
    assert sum(len(v["images"]) for v in visits.values()) >= 2 * len(CHAPTERS)


def test_figures_are_not_shrunk_below_readable(visits):
    """Is every figure shown at no less than 70% of its natural size on a desktop and 55% on a phone?

    Matplotlib's labels are 10 pt (about 10 px at the inline backend's 72 dpi); shrunk
    further they fall below 6-7 px, too small to read.
    """
    floor = {1280: 0.7, 390: 0.55}
    bad = [f"{p}@{w} {img['src']}: {img['shown']:.0f} of {img['natural']} px"
           for (p, w), v in every_visit(visits) for img in v["images"]
           if img["natural"] and img["shown"] / img["natural"] < floor[w]]
    assert not bad, "\n".join(bad)


def test_chapter_figures_are_sharp_on_hi_dpi_screens(visits):
    """Does every chapter figure have at least twice as many pixels as CSS pixels on the page (retina PNG)?"""
    blurry = [f"{p}@{w} {img['src']}: {img['pixels']} px for {img['natural']:.0f} CSS px"
              for (p, w), v in every_visit(visits) if any(p.endswith(f"{s}.html") for s in CHAPTERS)
              for img in v["images"] if img["pixels"] < 1.9 * img["natural"]]
    assert not blurry, "\n".join(blurry)


def test_figures_keep_their_proportions_at_both_widths(visits):
    """Is every loaded figure shown with its own width-to-height ratio (within 2%), shrunk or not?"""
    squeezed = [f"{p}@{w} {img['src']}: shown {img['aspect_shown']:.2f}, drawn {img['aspect_pixels']:.2f}"
                for (p, w), v in every_visit(visits) for img in v["images"]
                if img["loaded"] and abs(img["aspect_shown"] / img["aspect_pixels"] - 1) > 0.02]
    assert not squeezed, "\n".join(squeezed)


def test_chapter_code_does_not_scroll_sideways_on_a_desktop(visits):
    """At 1280 px, does every code cell of every chapter fit its box (no horizontal scroll bar)?"""
    wide = {p: v["code_overflow"] for (p, w), v in every_visit(visits) if w == 1280 and v["code_overflow"]}
    assert not wide, f"code cells wider than their box at 1280 px: {json.dumps(wide, indent=1)}"


def test_output_tables_are_padded_and_outputs_not_cut(visits):
    """Do output tables have cell padding, and does every printed output fit (wrap) at 1280 px?"""
    unpadded = {p: v["cell_padding"] for (p, w), v in every_visit(visits) if any(x < 8 for x in v["cell_padding"])}
    assert not unpadded, f"table cells with less than 8 px of horizontal padding: {unpadded}"
    cut = {p: v["cut_outputs"] for (p, w), v in every_visit(visits) if w == 1280 and v["cut_outputs"]}
    assert not cut, f"outputs wider than the page (cut off): {json.dumps(cut, indent=1)}"


def test_no_page_scrolls_sideways_on_a_phone(visits):
    """At 390 px, does every page fit the window, with no text (a long inline `code` name) sticking out of it?"""
    wide = {p: {"page (scroll, window)": v["page_width"], "too wide": v["too_wide"]}
            for (p, w), v in every_visit(visits) if w == 390 and (v["too_wide"] or v["page_width"][0] > v["page_width"][1] + 1)}
    assert not wide, f"pages wider than a phone: {json.dumps(wide, indent=1)}"


def test_one_search_box_on_desktop(visits):
    """Does each page show exactly one search box at 1280 px?"""
    counts = {p: v["search_boxes"] for (p, w), v in every_visit(visits) if w == 1280 and v["search_boxes"] != 1}
    assert not counts, counts


def test_sidebar_opens_on_a_phone(site, served, browser):
    """At 390 px, does the visible menu button of every page open the chapter list?"""
    failures = []
    for page in site_pages(site):
        browser.open(served + page, 390)
        if not browser.click(".primary-toggle"):
            failures.append(f"{page}: no visible menu button")
            continue
        shown = browser.evaluate("""Array.from(document.querySelectorAll('.bd-sidebar-primary a.reference.internal'))
            .filter(a => { const r = a.getBoundingClientRect(); return r.width > 0 && r.height > 0
                           && r.left >= 0 && r.right <= innerWidth && r.top < innerHeight; }).length""")
        if shown < len(CHAPTERS):
            failures.append(f"{page}: after a tap on the menu, {shown} chapter links visible")
    assert not failures, failures


def test_contents_button_opens_the_page_contents_on_a_phone(site, served, browser):
    """At 390 px, does the visible 'contents' button of a chapter show its section list?"""
    browser.open(served + page_of(site, CHAPTERS[0]), 390)
    assert browser.click(".secondary-toggle"), "no visible contents button"
    shown = browser.evaluate("""Array.from(document.querySelectorAll('.bd-sidebar-secondary a'))
        .filter(a => { const r = a.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= innerWidth; }).length""")
    assert shown >= 3


def test_sidebar_button_hides_the_sidebar_on_desktop(site, served, browser):
    """At 1280 px, does the visible sidebar button change what the sidebar shows?"""
    browser.open(served + page_of(site, CHAPTERS[0]), 1280)
    visible_links = """Array.from(document.querySelectorAll('a.reference.internal'))
        .filter(a => a.closest('.bd-sidebar-primary, dialog') && a.getBoundingClientRect().width > 0
                 && a.getBoundingClientRect().left >= 0).length"""
    before = browser.evaluate(visible_links)
    assert browser.click(".primary-toggle"), "no visible sidebar button"
    browser.pause(0.5)
    after = browser.evaluate(visible_links)
    squeezed = browser.evaluate("""(() => { const s = document.querySelector('.bd-sidebar-primary');
        return s.getBoundingClientRect().width < 20 || getComputedStyle(s).visibility === 'hidden'
               || !!document.querySelector('dialog[open]'); })()""")
    assert squeezed or after != before, f"sidebar unchanged: {before} links before, {after} after"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_student_notebook_link_downloads_the_student_notebook(site, served, browser, stem):
    """Does the page's student-notebook link download the nbgrader release, and is no other notebook offered?"""
    browser.open(served + page_of(site, stem), 1280)
    for old in browser.download_dir.iterdir():
        old.unlink()
    assert browser.click(f'a.download[href$="/{stem}.ipynb"]'), "no visible student-notebook link"
    for _ in range(50):
        done = [f for f in browser.download_dir.iterdir() if f.suffix == ".ipynb"]
        if done:
            break
        browser.pause(0.2)
    assert done, "clicking the link downloaded nothing"
    nb = nbformat.read(done[0], as_version=4)
    released = nbformat.read(course.course_dir() / "release" / stem / f"{stem}.ipynb", as_version=4)
    assert nb == released
    offered = set(browser.evaluate("Array.from(document.querySelectorAll('a[href$=\".ipynb\"]')).map(a => a.href)"))
    assert len(offered) == 1 and not browser.evaluate("document.querySelectorAll('.dropdown-download-buttons').length")


def search_term(stem: str) -> str:
    """The term to search for: from SEARCH_TERMS, else the longest word of the chapter's title."""
    if stem in SEARCH_TERMS:
        return SEARCH_TERMS[stem]
    title = course.chapter(stem).page.read_text().split("\n# ", 1)[1].split("\n", 1)[0]
    return max(re.findall(r"[A-Za-z]+", title), key=len)


@pytest.mark.parametrize("stem", CHAPTERS)
def test_search_finds_each_chapter_with_an_excerpt(served, browser, stem):
    """Does searching for a chapter's term list that chapter with an excerpt that contains the term?"""
    term = search_term(stem)
    browser.open(served + "search.html?q=" + urllib.parse.quote(term), 1280)
    for _ in range(40):
        hits = browser.evaluate("""Array.from(document.querySelectorAll('#search-results li, ul.search li')).map(li => ({
            href: (li.querySelector('a') || {}).href || '', excerpt: (li.querySelector('p.context') || {}).innerText || ''}))""")
        if any(stem in h["href"] for h in hits) and all(h["excerpt"] for h in hits if stem in h["href"]):
            break
        browser.pause(0.25)
    mine = [h for h in hits if stem in h["href"] and "#" not in h["href"]] or [h for h in hits if stem in h["href"]]
    assert mine, f"no result for {term!r} links to {stem}: {hits}"
    excerpt = mine[0]["excerpt"]
    assert term.lower() in excerpt.lower() and ".ipynb" not in excerpt, f"excerpt for {term!r}: {excerpt!r}"
