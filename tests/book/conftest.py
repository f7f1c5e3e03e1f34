"""One site build shared by every site test, one release shared by every test of the student
notebooks, and one offline browser visit of each page.

The tests of ``test_site.py``, ``test_browser.py`` and ``test_reader.py`` use the same session
fixtures and the same xdist group, so the book is built once per run. The student notebooks
need no site: ``released`` makes them in process (seconds), in whichever worker asks first,
so the student-environment tests (their own group) run beside the site build instead of after
it. Screenshots of every page at each width go to ``$SEQGEN_SCREENSHOTS`` (default
``_build/screenshots``): CI artefacts, never committed.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from autograder import course
from autograder.publishing import build, release, serve
from site_browser import PAGE_PROBE, WIDTHS, Browser, BrowserMissing, site_pages

SCREENSHOTS = Path(os.environ.get("SEQGEN_SCREENSHOTS", course.ROOT / "_build" / "screenshots"))


@pytest.fixture(scope="session")
def released() -> dict[str, Path]:
    """Every chapter's student notebook, ``{stem: path}``, released into the course folder (kept when unchanged)."""
    return {p.parent.name: p for p in release.release()}


@pytest.fixture(scope="session")
def site():
    """Build the book as `make book` does (executions are cached by content).

    The checkout's build lock stays held while the tests read the site, so a
    `make book` started beside them waits instead of rewriting what they read.
    """
    prebuilt = os.environ.get("SEQGEN_PREBUILT_SITE")  # a site already built, to rerun the tests on it
    if prebuilt:
        yield Path(prebuilt)
        return
    with build.build_lock():
        yield build.build_book()


@pytest.fixture(scope="session")
def served(site):
    """The built site served as `make serve` serves it (``autograder.publishing.serve``): its base URL.

    So the search tests (test_browser.py) prove that search shows excerpts on the site `make serve` serves.
    """
    httpd = serve.server(site, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A headless, offline Chromium; fails (never skips) when there is none."""
    try:
        b = Browser(tmp_path_factory.mktemp("downloads"))
    except BrowserMissing as e:
        pytest.fail(str(e))
    yield b
    b.close()


@pytest.fixture(scope="session")
def visits(site, served, browser):
    """``{(page, width): what the browser saw}``: each page opened once per width, with a screenshot."""
    seen = {}
    for width in WIDTHS:
        for page in site_pages(site):
            browser.open(served + page, width)
            try:
                report = browser.evaluate(PAGE_PROBE)
            except RuntimeError:  # a redirect page (index.html) still navigating
                browser.pause(1.0)
                report = browser.evaluate(PAGE_PROBE)
            report["errors"] = browser.errors()
            report["external"] = [u for u in browser.requests() if not u.startswith((served, "data:", "blob:"))]
            browser.screenshot(SCREENSHOTS / str(width) / page.replace("/", "_").replace(".html", ".png"))
            seen[page, width] = report
    return seen
