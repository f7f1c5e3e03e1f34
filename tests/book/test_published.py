"""What the published site carries besides its pages: the version in every footer, the course pack named with it,
the student files at a stable address, and `make serve`."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile

import nbformat
import pytest

from autograder import course
from autograder.publishing import book_site, build, serve
from test_answers_hidden import shown_answers, units  # this folder (pytest's prepend import mode)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
CHAPTERS = course.stems()
FOOTER = re.compile(r"Version (\S+): built on (\d{4}-\d\d-\d\d) from commit ([0-9a-f]{7}) of (\d{4}-\d\d-\d\d)"
                    r"( with uncommitted changes)?\.")


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(course.ROOT), *args], capture_output=True, text=True)


def built_version(visits) -> str:
    """The version every page's footer names (the same on all), checked against git."""
    found = {FOOTER.search(v["footer"]).groups() if FOOTER.search(v["footer"]) else (p, v["footer"])
             for (p, w), v in visits.items()}
    assert len(found) == 1, f"pages name different versions or none: {found}"
    ((label, built, commit, date, modified),) = found
    assert git("merge-base", "--is-ancestor", commit, "HEAD").returncode == 0, f"{commit} is not in this checkout's history"
    assert git("log", "-1", "--format=%cs", commit).stdout.strip() == date
    assert label == f"{date}-{commit}" + ("-modified" if modified else "")
    return label


def test_every_footer_says_which_commit_and_date_built_the_page(visits):
    """Does every page's footer, at both widths, name one commit of this checkout, its date and the build's date?"""
    built_version(visits)


def test_the_course_pack_is_named_with_the_version_and_holds_exactly_the_released_files(site, visits):
    """Is the landing page's course pack named with the footer's version and does it hold each released student
    notebook (byte for byte, no answer shown), the site's wheel and the requirements, and nothing else?"""
    label = built_version(visits)
    name = f"seqgen-course-{label}"
    landing = (site / "intro.html").read_text()
    assert re.search(rf'href="_downloads/[0-9a-f]+/{name}\.zip"', landing), "the landing page does not link the pack"
    student = site / book_site.STUDENT_FOLDER
    (wheel,) = student.glob("seqgen-*.whl")
    with zipfile.ZipFile(student / f"{name}.zip") as zf:
        members = {n.removeprefix(f"{name}/"): zf.read(n) for n in zf.namelist()}
    assert set(members) == {f"{s}.ipynb" for s in CHAPTERS} | {wheel.name, "requirements-student.txt"}
    assert members[wheel.name] == wheel.read_bytes()
    assert members["requirements-student.txt"] == (course.ROOT / "requirements-student.txt").read_bytes()
    for stem in CHAPTERS:
        text = members[f"{stem}.ipynb"].decode()
        assert text.encode() == (course.course_dir() / "release" / stem / f"{stem}.ipynb").read_bytes(), stem
        course.assert_no_leak(text, f"{name}.zip/{stem}.ipynb")
        nb = nbformat.reads(text, as_version=4)
        found = units([(list(c.metadata.get("tags", [])), c.source) for c in nb.cells if c.cell_type == "code"])
        assert not {n: shown_answers(node) for n, node in found.items() if shown_answers(node)}, stem


def test_the_student_files_have_a_stable_address(site):
    """Does the site hold student/ (what the set-up cell and the deploy workflow read): every student notebook, the
    wheel the cell names, and the requirements, the same files the pages offer for download?"""
    from autograder.publishing import student_setup

    student = site / book_site.STUDENT_FOLDER
    assert (student / student_setup.wheel_name()).is_file() and (student / "requirements-student.txt").is_file()
    for stem in CHAPTERS:
        (download,) = site.glob(f"_downloads/*/{stem}.ipynb")
        assert (student / f"{stem}.ipynb").read_bytes() == download.read_bytes()


def test_make_serve_prints_the_address_and_serves_the_site(site, tmp_path):
    """Does the serve command print an http://127.0.0.1 address that serves the landing page, and refuse a folder
    with no site, saying to run `make book`?"""
    proc = subprocess.Popen([sys.executable, "-m", "autograder.publishing.serve", "--port", "0", "--folder", str(site)],
                            cwd=course.ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/intro\.html", line).group(0)
        assert "Sequence Models and Generation" in urllib.request.urlopen(url, timeout=10).read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    refused = subprocess.run([sys.executable, "-m", "autograder.publishing.serve", "--folder", str(tmp_path)],
                             cwd=course.ROOT, capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0 and "make book" in refused.stderr
    assert serve.SITE == build.HTML_DIR


@pytest.mark.parametrize("stem", CHAPTERS)
def test_search_from_file_shows_excerpts(site, browser, stem):
    """Opened from file:// (no server), does searching for a chapter's term list it with an excerpt holding the term,
    with no error logged (the browser refuses file:// requests: the excerpts come from _static/search-texts.js)?"""
    from test_browser import search_term  # this folder

    term = search_term(stem)
    browser.open((site / "search.html").resolve().as_uri() + "?q=" + urllib.parse.quote(term), 1280)
    for _ in range(40):
        hits = browser.evaluate("""Array.from(document.querySelectorAll('#search-results li, ul.search li')).map(li => ({
            href: (li.querySelector('a') || {}).href || '', excerpt: (li.querySelector('p.context') || {}).innerText || ''}))""")
        mine = [h for h in hits if f"/{stem}.html" in h["href"]]
        if mine and all(h["excerpt"] for h in mine):
            break
        browser.pause(0.25)
    assert mine, f"no result for {term!r} links to {stem}: {hits}"
    assert term.lower() in mine[0]["excerpt"].lower(), f"excerpt for {term!r}: {mine[0]['excerpt']!r}"
    assert not browser.errors(), browser.errors()
