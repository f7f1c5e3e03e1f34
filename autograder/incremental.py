"""What lets ``make book`` redo only what changed, and run the changed chapters two at a time.

- :func:`executed_chapters` executes the chapters whose cache entry is missing in a pool of
  ``SEQGEN_BUILD_JOBS`` (default 2) processes, longest first, then reads every chapter from the cache;
- :func:`site_digest` hashes everything the site is made from, and :func:`site_is_current` says
  whether the last complete build (its stamp, ``pipeline.SITE_STAMP``) was made from it;
- :func:`release_digest` is what a chapter's nbgrader release is made from.

Paths and helpers are read from :mod:`autograder.pipeline` at call time (the tests point them
at a temporary checkout).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import nbformat

from . import pipeline as P

# Besides the chapters' execution keys, what the release, the pages and the HTML are made from.
SITE_SOURCES = ["book/**/*", "autograder/**/*.py", "_config.yml", "_toc.yml", "README.md", "pyproject.toml",
                "requirements-student.txt"]
GENERATED = {"release", "source", "submitted", "autograded", "feedback", "graded", "work", "__pycache__"}
SITE_PACKAGES = ["jupyter-book", "sphinx", "nbgrader", "myst-nb", "sphinx-book-theme", "nbformat", "jupytext"]
# Chapters executed at once when several changed (each kernel is mostly one busy core at a time).
EXECUTION_JOBS = int(os.environ.get("SEQGEN_BUILD_JOBS", "2"))


def _die_with_parent() -> None:
    """Pool initializer: a worker (and so its kernel) ends when the build that started it is killed (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: an interrupted build may leave a worker to finish its chapter
        pass


def _execute_in_child(path: Path, force: bool) -> None:
    """Worker of :func:`executed_chapters`: execute one chapter into the cache (the parent reads it)."""
    P.executed_chapter(path, force=force)


def executed_chapters(paths: list[Path], force: bool = False, jobs: int = EXECUTION_JOBS) -> dict:
    """Every chapter executed (cached ones read), the changed ones ``jobs`` at a time, in separate processes."""
    stale = [p for p in paths if force or not (P.CACHE_DIR / f"{p.stem}-{P.cache_key(p)}.ipynb").is_file()]
    if jobs > 1 and len(stale) > 1:
        import concurrent.futures
        import multiprocessing

        P.log(f"executing {len(stale)} chapters, {jobs} at a time ...")
        pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                                      initializer=_die_with_parent)
        with pool:
            # Longest first (last build's time) so that the pool does not end on one long chapter.
            for future in [pool.submit(_execute_in_child, p, force) for p in sorted(stale, key=_last_seconds, reverse=True)]:
                future.result()
        force = False  # what was stale is now in the cache
    return {p.stem: P.executed_chapter(p, force=force) for p in paths}


def _last_seconds(path: Path) -> float:
    """How long the chapter's last cached execution took (0 when none is cached)."""
    for old in P.CACHE_DIR.glob(f"{path.stem}-*.ipynb"):
        try:
            return float(nbformat.read(old, as_version=4).metadata.get("seqgen", {}).get("execution_seconds", 0))
        except Exception:  # an unreadable old cache entry only loses the ordering
            return 0.0
    return 0.0


def site_digest(paths: list[Path]) -> str:
    """One hash of everything the site is built from: chapter keys, book and pipeline files, tool versions."""
    import importlib.metadata

    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path.stem}={P.cache_key(path)}".encode())
    for pattern in SITE_SOURCES:
        for f in sorted(P.ROOT.glob(pattern)):
            rel = f.relative_to(P.ROOT)
            if f.is_file() and not GENERATED & set(rel.parts[:-1]):
                digest.update(str(rel).encode())
                digest.update(f.read_bytes())
    for name in SITE_PACKAGES:
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} missing".encode())
    return digest.hexdigest()


def site_is_current(paths: list[Path], digest: str) -> bool:
    """Whether the last complete build was made from these inputs and its outputs are all still there."""
    outputs = [P.HTML_DIR / "index.html"] + [P.RENDERED_DIR / f"{p.stem}.ipynb" for p in paths] + [
        P.COURSE_DIR / "release" / p.stem / f"{p.stem}.ipynb" for p in paths]
    return P.SITE_STAMP.is_file() and P.SITE_STAMP.read_text().strip() == digest and all(f.is_file() for f in outputs)


def release_digest(course_dir: Path, stem: str) -> str:
    """What ``generate_assignment`` makes a release from: the source notebook (less its random cell ids),
    the config and nbgrader's version."""
    import importlib.metadata

    import json

    source = json.loads((course_dir / "source" / stem / f"{stem}.ipynb").read_text())
    for cell in source["cells"]:
        cell.pop("id", None)  # jupytext draws new cell ids at every read
    digest = hashlib.sha256(json.dumps(source, sort_keys=True).encode())
    digest.update((course_dir / "nbgrader_config.py").read_bytes())
    digest.update(importlib.metadata.version("nbgrader").encode())
    return digest.hexdigest()
