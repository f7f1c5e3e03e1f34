"""``make book``: execute (cached), release, render every chapter, then build the site with Jupyter Book.

- :func:`build_book` first writes the course environment's released answers (``seqgen_answers/``,
  :func:`autograder.answers.write_course_package`: chapters that reuse an earlier answer import them, and
  their execution keys read them); it does nothing more when the inputs (:func:`site_digest`) are those of its
  last complete build and its outputs are all there (:func:`site_is_current`); otherwise it executes the changed
  chapters (:mod:`autograder.publishing.execute`), releases (:mod:`autograder.publishing.release`),
  renders (:mod:`autograder.publishing.render`) and runs ``jupyter-book build`` with execution off;
- it holds the checkout's build lock (:func:`build_lock`: ``.cache/pipeline.lock``), and the course's
  while it releases (:func:`autograder.publishing.release.release`), so a ``make book`` started while
  the tests build the site waits its turn instead of rewriting what they read.

Nothing here loads a chapter's hidden checks.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .. import answers, course
from ..course import ROOT, log
from . import execute, pack, pages, student_setup
from .release import release, released_path
from .render import render_chapter, scan_tree

RENDERED_DIR = ROOT / "rendered"
HTML_DIR = ROOT / "_build" / "html"
SITE_STAMP = ROOT / "_build" / "site-inputs.sha256"  # the inputs of the last complete build
LOCK_PATH = ROOT / ".cache" / "pipeline.lock"
# Besides the chapters' execution keys, what the release, the pages and the HTML are made from.
SITE_SOURCES = ["book/**/*", "autograder/__init__.py", "autograder/course.py", "autograder/tags.py",
                "autograder/publishing/**/*.py", "results/**/*.json", "solutions/sources.py", "solutions/experiments/*.py",
                "_config.yml", "_toc.yml", "README.md", "pyproject.toml", "requirements-student.txt"]
NOT_SITE = {"checks.py", "mutants.py"}  # a chapter's hidden checks and kept answers never reach the site
SITE_PACKAGES = ["jupyter-book", "sphinx", "nbgrader", "myst-nb", "sphinx-book-theme", "nbformat", "jupytext"]


def build_lock():
    """The checkout's lock on the site's folders (``rendered/``, ``_build/``, ``.cache/``)."""
    return course.file_lock(LOCK_PATH)


def site_digest(chapters: list[course.Chapter], root: Path | None = None) -> str:
    """One hash of everything the site is built from: chapter keys, book and publishing files, tool versions."""
    root = root or ROOT
    digest = hashlib.sha256()
    for chapter in chapters:
        digest.update(f"{chapter.stem}={execute.cache_key(chapter, root)}".encode())
    for pattern in SITE_SOURCES:
        for f in sorted(root.glob(pattern)):
            rel = f.relative_to(root)
            if f.is_file() and f.name not in NOT_SITE and "__pycache__" not in rel.parts:
                digest.update(str(rel).encode())
                digest.update(f.read_bytes())
    digest.update(f"site={student_setup.site_url(root)}".encode())  # named by the student notebooks' set-up cell
    for name in SITE_PACKAGES:
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} missing".encode())
    return digest.hexdigest()


def site_is_current(chapters: list[course.Chapter], digest: str, course_dir: Path) -> bool:
    """Whether the last complete build was made from these inputs and its outputs are all still there."""
    outputs = [HTML_DIR / "index.html"] + [RENDERED_DIR / f"{c.stem}.ipynb" for c in chapters] + [
        released_path(course_dir, c.stem) for c in chapters]
    return SITE_STAMP.is_file() and SITE_STAMP.read_text().strip() == digest and all(f.is_file() for f in outputs)


def build_book(force: bool = False, html: bool = True, course_dir: Path | None = None) -> Path:
    """Execute (cached), release, strip and render every chapter; return the HTML folder (``rendered/`` without ``html``).

    ``force`` re-executes every chapter and rebuilds.
    """
    course_dir = Path(course_dir or course.course_dir())
    with build_lock():
        start = time.perf_counter()
        answers.write_course_package()  # seqgen_answers/, from the answer cells: later chapters take theirs from it
        chapters = course.chapters()
        digest = site_digest(chapters)
        if html and not force and site_is_current(chapters, digest, course_dir):
            log(f"nothing changed since the last build ({SITE_STAMP.name}): {HTML_DIR / 'index.html'} is current")
            return HTML_DIR
        SITE_STAMP.unlink(missing_ok=True)
        executed = execute.executed_chapters(chapters, force=force)
        log(f"chapters ready after {time.perf_counter() - start:.1f} s; releasing ...")
        step = time.perf_counter()
        released = {p.parent.name: p for p in release(course_dir)}
        log(f"released in {time.perf_counter() - step:.1f} s")
        shutil.rmtree(RENDERED_DIR, ignore_errors=True)
        for stem, nb in executed.items():
            render_chapter(stem, nb, released[stem], RENDERED_DIR)
        pages.write_site_source(ROOT, course.BOOK_DIR, RENDERED_DIR, executed)
        pack.stamp_site_source(ROOT, RENDERED_DIR, list(executed))  # the course pack, the version in the footer
        if not html:
            return RENDERED_DIR
        _jupyter_book()
        SITE_STAMP.write_text(digest + "\n")
        log(f"site built in {time.perf_counter() - start:.1f} s: {HTML_DIR / 'index.html'}")
        return HTML_DIR


def _jupyter_book() -> None:
    """``jupyter-book build`` of ``rendered/`` (chapters at its root: no build folder in URLs) into ``_build/html``."""
    log("jupyter-book build ...")
    step = time.perf_counter()
    shutil.rmtree(HTML_DIR, ignore_errors=True)  # no pages left over from an earlier layout
    run_jupyter_book(RENDERED_DIR, ROOT)
    log(f"jupyter-book built in {time.perf_counter() - step:.1f} s")
    scan_tree(HTML_DIR)


def run_jupyter_book(source: Path, out: Path) -> Path:
    """``jupyter-book build`` of the source folder ``source`` into ``out/_build/html`` (a warning is an error)."""
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(source), "--path-output", str(out),
         "--warningiserror", "--keep-going"],
        cwd=ROOT, env=execute.kernel_env(), capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"jupyter-book build failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}")
    return out / "_build" / "html"
