"""Chapters executed with their reference answers, cached by what they are made from.

A chapter's execution is keyed (:func:`cache_key`) by its page and by the source of every module of
the course's own packages (:data:`LOCAL_PACKAGES`: ``seqgen``, and the released answers ``seqgen_answers``
generated from the pages by :mod:`autograder.answers`) that the page imports, directly or through those
modules, or takes with ``released("NN_chapter", ...)`` (:func:`imported_files`, read from the syntax trees).
Nothing else counts: an edit to the hidden reference (``solutions/``), the grader or another chapter
re-executes nothing, unless it changes an answer the chapter takes from that chapter's released module.

- :func:`executed_chapter` runs one chapter in a fresh kernel, or reads it from ``.cache/executed/``;
- :func:`executed_chapters` runs the changed ones ``SEQGEN_BUILD_JOBS`` (default 2) at a time, longest first.
"""

from __future__ import annotations

import ast
import hashlib
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .. import answers, course
from ..copies import parse
from ..course import KERNEL, ROOT, Chapter, log

CACHE_DIR = ROOT / ".cache" / "executed"
RUN_DIR = ROOT / ".cache" / "run"
# The course's packages a chapter may import (never solutions/, never autograder/); seqgen_answers is generated.
LOCAL_PACKAGES = ("seqgen", answers.PACKAGE)
# Chapters executed at once when several changed (each kernel is mostly one busy core at a time).
EXECUTION_JOBS = int(os.environ.get("SEQGEN_BUILD_JOBS", "2"))


def kernel_env() -> dict[str, str]:
    """Environment for kernels: the repository root importable, plots off-screen."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


# --------------------------------------------------------------------------- the cache key


def _imported_names(tree: ast.Module, package: str | None) -> set[str]:
    """Dotted names a tree imports (``from a import b`` gives ``a`` and ``a.b``); relative ones resolved in ``package``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and package:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names | _released_modules(tree)


def _released_modules(tree: ast.Module) -> set[str]:
    """The released answers' modules a tree takes with ``released("NN_chapter", ...)`` (``seqgen.released``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "released" \
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            names.add(f"{answers.PACKAGE}.{answers.module_name(node.args[0].value)}")
    return names


def _module_file(name: str, root: Path) -> Path | None:
    """The file of module ``name`` under ``root``; None when there is none (``seqgen_answers`` not generated yet)."""
    base = root.joinpath(*name.split("."))
    return next((f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None)


def imported_files(sources: list[str], root: Path = ROOT) -> list[Path]:
    """The files of :data:`LOCAL_PACKAGES` that code cells ``sources`` import, with their packages and
    what those import in turn, sorted."""
    todo = set()
    for source in sources:
        tree = parse(source)  # IPython magics and shell lines left out
        todo |= _imported_names(tree, None) if tree else set()
    seen: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        if name.split(".")[0] not in LOCAL_PACKAGES:
            continue
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__.py and a/b/__init__.py first
            prefix = ".".join(parts[:i])
            path = _module_file(prefix, root)
            if path is None or prefix in seen:
                continue
            seen[prefix] = path
            package = prefix if path.name == "__init__.py" else prefix.rpartition(".")[0]
            todo |= _imported_names(ast.parse(path.read_text()), package)
    return sorted(set(seen.values()))


def cache_key(chapter: Chapter, root: Path = ROOT) -> str:
    """The chapter's page and the course code it imports (:func:`imported_files`), hashed."""
    digest = hashlib.sha256(chapter.page.read_bytes())
    sources = [c.source for c in chapter.source.cells if c.cell_type == "code"]
    for f in imported_files(sources, root):
        digest.update(str(f.relative_to(root)).encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def cached_path(chapter: Chapter) -> Path:
    return CACHE_DIR / f"{chapter.stem}-{cache_key(chapter)}.ipynb"


# --------------------------------------------------------------------------- execution


def execute(nb: nbformat.NotebookNode, workdir: Path, timeout: int = 900) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel (errors stop the run)."""
    workdir.mkdir(parents=True, exist_ok=True)
    old_pythonpath = os.environ.get("PYTHONPATH")
    env = kernel_env()
    os.environ["PYTHONPATH"] = env["PYTHONPATH"]  # the kernel inherits this process's environment
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        client = NotebookClient(
            nb, timeout=timeout, kernel_name=KERNEL["name"], resources={"metadata": {"path": str(workdir)}}
        )
        client.execute()
    finally:
        if old_pythonpath is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old_pythonpath
    return nb


def executed_chapter(chapter: Chapter, force: bool = False) -> nbformat.NotebookNode:
    """The chapter executed with its reference answers, from the cache when unchanged."""
    cached = cached_path(chapter)
    if cached.is_file() and not force:
        log(f"{chapter.stem}: unchanged, using cached execution {cached.name}")
        return nbformat.read(cached, as_version=4)
    nb = chapter.notebook()
    log(f"{chapter.stem}: executing ...")
    start = time.perf_counter()
    execute(nb, RUN_DIR / chapter.stem)
    elapsed = time.perf_counter() - start
    nb.metadata["seqgen"] = {"execution_seconds": round(elapsed, 1)}
    log(f"{chapter.stem}: executed in {elapsed:.1f} s")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for old in CACHE_DIR.glob(f"{chapter.stem}-*.ipynb"):
        old.unlink(missing_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}")
    nbformat.write(nb, partial)
    os.replace(partial, cached)  # a reader sees the whole notebook or none
    return nb


def _die_with_parent() -> None:
    """Pool initializer: a worker (and so its kernel) ends when the build that started it is killed (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: an interrupted build may leave a worker to finish its chapter
        pass


def _execute_in_child(stem: str, book_dir: Path, force: bool) -> None:
    """Worker of :func:`executed_chapters`: execute one chapter into the cache (the parent reads it)."""
    executed_chapter(course.chapter(stem, book_dir), force=force)


def executed_chapters(chapters: list[Chapter], force: bool = False, jobs: int = EXECUTION_JOBS) -> dict:
    """Every chapter executed (cached ones read), the changed ones ``jobs`` at a time, in separate processes."""
    stale = [c for c in chapters if force or not cached_path(c).is_file()]
    if jobs > 1 and len(stale) > 1:
        import concurrent.futures
        import multiprocessing

        log(f"executing {len(stale)} chapters, {jobs} at a time ...")
        pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                                      initializer=_die_with_parent)
        with pool:
            # Longest first (last build's time) so that the pool does not end on one long chapter.
            order = sorted(stale, key=_last_seconds, reverse=True)
            for future in [pool.submit(_execute_in_child, c.stem, c.folder.parent, force) for c in order]:
                future.result()
        force = False  # what was stale is now in the cache
    return {c.stem: executed_chapter(c, force=force) for c in chapters}


def _last_seconds(chapter: Chapter) -> float:
    """How long the chapter's last cached execution took (0 when none is cached)."""
    for old in CACHE_DIR.glob(f"{chapter.stem}-*.ipynb"):
        try:
            return float(nbformat.read(old, as_version=4).metadata.get("seqgen", {}).get("execution_seconds", 0))
        except Exception:  # an unreadable old cache entry only loses the ordering
            return 0.0
    return 0.0
