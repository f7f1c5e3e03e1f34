"""What the pages say, read from the browser's view of them: promises kept, claims true
to their own outputs, nothing that points at the hidden reference, and the front
matter readers of a course site look for (licence, authors, repository, references)."""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder import course

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
CHAPTERS = course.stems()
# Visible cells that still import instructor code, being removed on another branch.


def desktop(visits):
    """What the browser saw at 1280 px, by file name (``index.html``, ``01_lstm_intro.html``)."""
    return {p.rsplit("/", 1)[-1]: v for (p, w), v in visits.items() if w == 1280}


def test_landing_page_promises_only_what_chapters_teach(visits):
    """Does every kind of sequence the landing page names appear in some chapter?"""
    pages = desktop(visits)
    promise = re.search(r"read and write sequences: ([^.]+)\.", pages["intro.html"]["text"])
    assert promise, "the landing page no longer says which sequences the course covers"
    kinds = [k.strip() for k in re.split(r",| and ", promise.group(1)) if k.strip()]
    chapters = " ".join(v["text"].lower() for p, v in pages.items() if p != "intro.html")
    missing = [k for k in kinds if not re.search(rf"\b{re.escape(k.lower().rstrip('s'))}", chapters)]
    assert not missing, f"the landing page promises {missing}, which no chapter covers"


def test_chapter1_describes_its_own_gradient_curves(visits):
    """Does chapter 1's prose agree with the ratios its own cell prints for each curve?"""
    text = desktop(visits)["01_lstm_intro.html"]["text"]
    ratios = {name.strip(): float(r) for name, r in re.findall(r"^\s*(.+?): gradient at t=0 is ([0-9.e+-]+) of", text, re.M)}
    assert len(ratios) == 3, ratios
    rises = [name for name, r in ratios.items() if r > 1]
    if rises:
        assert not re.search(r"every curve starts high at the last step and falls", text, re.I), \
            f"{rises} rise going back in time, yet the text says every curve falls"
    for name, r in ratios.items():
        if not 1 / 3 <= r <= 3:
            sentence = [s for s in re.split(r"(?<=\.)\s", text) if "same order" in s]
            assert not sentence, f"{name}: ratio {r:g} is not 'of the same order': {sentence}"


def test_no_list_item_starts_mid_sentence(visits):
    """Does any list item begin with 'and' (a broken numbered list such as '4. and 5.')?"""
    bad = {p: [li[:60] for li in v["list_items"] if re.match(r"and\b", li)] for p, v in desktop(visits).items()}
    assert not {p: items for p, items in bad.items() if items}, bad


def test_no_page_points_students_at_the_hidden_reference(visits):
    """Does any page tell a reader to run or import `solutions` (which students do not have)?"""
    bad = {p: re.findall(r".{0,60}\bsolutions\.\w+.{0,20}", v["text"]) for p, v in desktop(visits).items()}
    assert not {p: hits for p, hits in bad.items() if hits}, bad


@pytest.mark.parametrize("stem", CHAPTERS)
def test_student_notebook_names_no_instructor_code(site, stem):
    """Does the student notebook mention `solutions` or import `autograder` anywhere?"""
    nb = nbformat.read(course.course_dir() / "release" / stem / f"{stem}.ipynb", as_version=4)
    hits = [c.source[:120] for c in nb.cells if re.search(r"\bsolutions\.|\b(from|import)\s+(solutions|autograder)\b", c.source)]
    assert not hits, hits


def book_config() -> dict:
    import yaml

    return yaml.safe_load((course.ROOT / "_config.yml").read_text())


def test_pages_have_licence_authors_and_favicon(visits):
    """Does every page's footer name the licence and the book's authors (from _config.yml), and does it load a favicon?"""
    author = book_config()["author"]
    assert author != "The course authors"
    for (p, w), v in visits.items():
        assert re.search(r"licen[cs]e", v["footer"], re.I) and "CC BY" in v["footer"], f"{p}: no licence in {v['footer']!r}"
        assert author in v["footer"], f"{p}: no authors in {v['footer']!r}"
        assert v["favicon"], f"{p}: no favicon"
    assert "How to cite" in desktop(visits)["intro.html"]["text"] or "how to cite" in desktop(visits)["intro.html"]["text"].lower()


def test_pages_link_no_repository_while_none_is_set(visits):
    """With repository.url of _config.yml unset, does the browser find on no page a launch link (Colab, Binder) nor a
    link to Jupyter Book's default repository (what its repository button shows unset)? Set: tests/book/test_launch.py."""
    assert not (book_config().get("repository") or {}).get("url")
    bad = {f"{p}@{w}": [u for u in v["links"] if re.match(r"https://(colab\.research\.google\.com|mybinder\.org)/", u)
                        or "executablebooks" in u] for (p, w), v in visits.items()}
    assert not {k: v for k, v in bad.items() if v}, bad


def test_landing_title_once_and_no_build_folders_in_urls(visits):
    """Is the landing title shown once (not twice in the tab), and are no URLs under build folders such as /rendered/?"""
    for (p, w), v in visits.items():
        assert "/rendered/" not in v["url"] and not any("/rendered/" in u for u in v["links"]), p
        parts = [s.strip() for s in v["title"].split("—")]
        assert len(parts) == len(set(parts)), f"{p}: tab title {v['title']!r}"
        assert len(v["h1"]) == 1, f"{p}: {len(v['h1'])} h1 headings {v['h1']}"
        assert v["brand"] and v["brand"] not in v["nav"], f"{p}: the title {v['brand']!r} shows twice in the sidebar"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_chapter_ends_with_linked_references(visits, stem):
    """Does each chapter end with a References section whose entries link their sources?"""
    text = desktop(visits)[f"{stem}.html"]["text"]
    assert re.search(r"^References\s*$", text, re.M), "no References section"
    tail = text[text.rindex("References"):]
    assert len(re.findall(r"^\S.{20,}$", tail, re.M)) >= 2, tail[:500]


def test_figures_and_equations_are_numbered_and_cross_referenced(visits):
    """Does chapter 1 number its equations and figures, and do its cross-references link to them?"""
    page = desktop(visits)["01_lstm_intro.html"]
    assert re.search(r"Read Fig\. \d+ from right to left", page["text"]), "no numbered figure reference"
    assert any(u.endswith("#fig-gradient-over-time") for u in page["links"])
    assert any(u.endswith("#equation-eq-rnn-step") for u in page["links"]), "no link to a numbered equation"
    assert re.search(r"\(1\)", page["text"])
