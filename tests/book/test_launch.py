"""Launch buttons and the repository link: none while ``repository.url`` is unset (the site as built), and, with it
set, a link to it on every page and Colab and Binder on each chapter page, opening that chapter's student notebook
on the branch the deploy workflow writes.

The site with a repository is built again from ``rendered/`` (the source of the site the tests share) with an
edited copy of its ``_config.yml``, by Jupyter Book alone: seconds, no chapter executed again.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from autograder import course
from autograder.publishing import book_site, build
from site_browser import page_named, serve, site_pages

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
CHAPTERS = course.stems()
OWNER, REPO = "example-owner", "seqgen-course"
REPOSITORY = f"https://github.com/{OWNER}/{REPO}"
LAUNCHERS = re.compile(r'href="(https://(?:colab\.research\.google\.com|mybinder\.org)/[^"]*)"')


def config() -> dict:
    return yaml.safe_load((course.ROOT / "_config.yml").read_text())


@pytest.fixture(scope="module")
def site_with_repository(site, tmp_path_factory):
    """The site built from the same rendered/ source with repository.url set."""
    work = tmp_path_factory.mktemp("with-repository")
    source = work / "source"
    shutil.copytree(build.RENDERED_DIR, source)
    settings = yaml.safe_load((source / "_config.yml").read_text())
    assert not settings["repository"]["url"], "the site the tests share should have no repository"
    settings["repository"]["url"] = REPOSITORY
    (source / "_config.yml").write_text(yaml.safe_dump(settings, sort_keys=False))
    return build.run_jupyter_book(source, work)


def launchers(site: Path, page: str) -> list[str]:
    return LAUNCHERS.findall((site / page).read_text())


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_chapter_page_launches_its_student_notebook(site_with_repository, stem):
    """With repository.url set, does each chapter page offer Colab and Binder on <branch>/<chapter>.ipynb, and is
    the file the site publishes for that path (what the workflow pushes there) the released student notebook?"""
    branch = config()["repository"]["branch"]
    assert launchers(site_with_repository, f"{stem}.html") == [
        f"https://mybinder.org/v2/gh/{OWNER}/{REPO}/{branch}?urlpath=lab/tree/{stem}.ipynb",
        f"https://colab.research.google.com/github/{OWNER}/{REPO}/blob/{branch}/{stem}.ipynb"]
    published = site_with_repository / book_site.STUDENT_FOLDER / f"{stem}.ipynb"
    released = course.course_dir() / "release" / stem / f"{stem}.ipynb"
    assert published.read_bytes() == released.read_bytes(), "the branch would not hold the student notebook"
    assert f'"{course.SETUP_TAG}"' in published.read_text() and "### BEGIN SOLUTION" not in published.read_text()


def test_only_chapter_pages_offer_a_launch_button_and_every_page_links_the_repository(site_with_repository):
    """With repository.url set, do the landing, exercises and results pages offer no launch button (they are no
    notebooks), and does every page link the repository (the theme's repository button)?"""
    pages = site_pages(site_with_repository)
    others = [p for p in pages if p.removesuffix(".html") not in CHAPTERS]
    assert {"intro.html", "exercises.html", "results.html"} <= set(others)
    assert not {p: launchers(site_with_repository, p) for p in others if launchers(site_with_repository, p)}
    unlinked = [p for p in pages if f'href="{REPOSITORY}"' not in (site_with_repository / p).read_text()]
    assert not unlinked, unlinked


def test_without_a_repository_no_page_links_one_or_launches(site):
    """With repository.url unset (the site as built), does no page offer a launch button or a repository button,
    nor link Jupyter Book's own repository (its default)?"""
    assert not config()["repository"]["url"]
    bad = {}
    for page in site_pages(site):
        html = (site / page).read_text()
        found = launchers(site, page) + re.findall(r"launch-buttons|source-repository-button|executablebooks", html)
        if found:
            bad[page] = found
    assert not bad, bad


@pytest.mark.parametrize("width", [1280, 390])
def test_the_launch_menu_opens_on_desktop_and_phone(site_with_repository, browser, width):
    """In the browser, at each width, does a chapter's rocket button open a menu whose Colab entry is visible and
    points at the student notebook?"""
    server, base = serve(site_with_repository)
    try:
        stem = CHAPTERS[0]
        browser.open(base + page_named(site_pages(site_with_repository), f"{stem}.html"), width)
        assert browser.click(".dropdown-launch-buttons button"), "no visible launch button"
        shown = browser.evaluate("""Array.from(document.querySelectorAll('.dropdown-launch-buttons a'))
            .filter(a => a.getBoundingClientRect().width > 0).map(a => [a.innerText.trim(), a.href])""")
        assert ["Colab", f"https://colab.research.google.com/github/{OWNER}/{REPO}/blob/"
                f"{config()['repository']['branch']}/{stem}.ipynb"] in shown, shown
        assert not browser.errors()
    finally:
        server.shutdown()
