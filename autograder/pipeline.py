"""The course pipeline: MyST chapters -> executed notebooks -> stripped pages,
student notebooks (nbgrader release) and grades.

Every step is a function so that the CLI (``python -m autograder.cli``) and the
tests share one implementation:

- :func:`read_chapter` parses ``book/NN_name/NN_name.md`` (jupytext) and turns its tags
  into nbgrader metadata;
- :func:`executed_chapter` runs it with the reference answers in place, cached
  by the content of the chapter and of the packages it imports
  (``incremental.executed_chapters`` runs the changed ones ``SEQGEN_BUILD_JOBS``, default 2, at a time);
- :func:`strip` removes solution regions and hidden tests, keeping outputs;
- :func:`release` writes student notebooks with ``nbgrader generate_assignment`` (only for
  chapters whose source changed);
- :func:`build_book` renders the site with Jupyter Book, execution off, and does nothing when
  no input changed since its last complete build (``incremental.site_digest``);
- :func:`grade` grades a folder of submissions in sandboxed kernels (``autograder.batch``).

The steps that write the checkout's shared folders (``autograder/``, ``rendered/``,
``_build/``, ``.cache/``) hold :func:`checkout_lock`, so a ``make book`` started
while the tests build the site (or an instructor's ``make grade``) waits its
turn instead of deleting a release the other one is reading.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from . import answers, incremental, site_pages
from .tags import apply_nbgrader_metadata, drop_instructor_cells

ROOT = Path(__file__).resolve().parents[1]
BOOK_DIR = ROOT / "book"
COURSE_DIR = ROOT / "autograder"
RENDERED_DIR = ROOT / "rendered"
CACHE_DIR = ROOT / ".cache" / "executed"
LOCK_PATH = ROOT / ".cache" / "pipeline.lock"
HTML_DIR = ROOT / "_build" / "html"
SITE_STAMP = ROOT / "_build" / "site-inputs.sha256"  # the inputs of the last complete build (incremental.py)
# Code whose changes can change a chapter's outputs: part of the cache key.
KEY_SOURCES = ["seqgen", "seqgen_answers", "solutions", "autograder/transplant.py"]  # seqgen_answers: generated (answers.py)
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

FORBIDDEN = re.compile(
    r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|\b(?:from|import)\s+solutions\b"
)


class LeakError(RuntimeError):
    """Something students or readers see mentions the hidden reference."""


def log(message: str) -> None:
    print(f"[pipeline] {message}", flush=True)


_lock_depth = 0


@contextlib.contextmanager
def checkout_lock():
    """Hold this checkout's pipeline lock: one build, release or grade at a time.

    Another process holding it makes us wait (and say so); within one process
    the lock is reentrant, so ``build_book`` may call ``release``.
    """
    global _lock_depth
    if _lock_depth:
        _lock_depth += 1
        try:
            yield
        finally:
            _lock_depth -= 1
        return
    LOCK_PATH.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK_PATH, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"another build, release or grade holds {LOCK_PATH}; waiting for it to finish ...")
            fcntl.flock(fh, fcntl.LOCK_EX)
        _lock_depth = 1
        try:
            yield
        finally:
            _lock_depth = 0
            fcntl.flock(fh, fcntl.LOCK_UN)


def _shared(course_dir: Path):
    """The lock when ``course_dir`` is the checkout's own course; temporary courses need none."""
    return checkout_lock() if course_dir.resolve() == COURSE_DIR.resolve() else contextlib.nullcontext()


def chapter_paths() -> list[Path]:
    """``book/NN_name/NN_name.md`` in order (each chapter's folder also holds its ``checks.py`` and ``mutants.py``)."""
    return sorted(p for p in BOOK_DIR.glob("[0-9][0-9]_*/[0-9][0-9]_*.md") if p.stem == p.parent.name)


def chapter_path(stem: str) -> Path:
    path = BOOK_DIR / stem / f"{stem}.md"
    if not path.is_file():
        known = ", ".join(p.stem for p in chapter_paths())
        raise FileNotFoundError(f"no chapter {stem!r} in {BOOK_DIR}; chapters: {known}")
    return path


def read_chapter(path: Path) -> nbformat.NotebookNode:
    """The chapter as a notebook with nbgrader metadata on its exercise cells."""
    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = dict(KERNEL)
    nb.metadata.pop("jupytext", None)
    apply_nbgrader_metadata(nb, path.stem)
    return nb


def kernel_env() -> dict[str, str]:
    """Environment for kernels: the repository root importable, plots off-screen."""
    env = dict(os.environ)
    # nbgrader calls console scripts (alembic) of this environment by name.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def _tree_digest(digest, rel: str) -> None:
    path = ROOT / rel
    if not path.exists():  # a generated folder (seqgen_answers) not generated yet: nothing to hash
        return
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    for f in files:
        digest.update(str(f.relative_to(ROOT)).encode())
        digest.update(f.read_bytes())


def cache_key(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes())
    for rel in KEY_SOURCES:
        _tree_digest(digest, rel)
    return digest.hexdigest()[:16]


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


def executed_chapter(path: Path, force: bool = False) -> nbformat.NotebookNode:
    """The chapter executed with its reference answers, from the cache when unchanged."""
    cached = CACHE_DIR / f"{path.stem}-{cache_key(path)}.ipynb"
    if cached.is_file() and not force:
        log(f"{path.stem}: unchanged, using cached execution {cached.name}")
        return nbformat.read(cached, as_version=4)
    nb = read_chapter(path)
    log(f"{path.stem}: executing ...")
    start = time.perf_counter()
    execute(nb, ROOT / ".cache" / "run" / path.stem)
    elapsed = time.perf_counter() - start
    nb.metadata["seqgen"] = {"execution_seconds": round(elapsed, 1)}
    log(f"{path.stem}: executed in {elapsed:.1f} s")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for old in CACHE_DIR.glob(f"{path.stem}-*.ipynb"):
        old.unlink(missing_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}")
    nbformat.write(nb, partial)
    os.replace(partial, cached)  # a reader sees the whole notebook or none
    return nb


def assert_no_leak(text: str, where: str) -> None:
    match = FORBIDDEN.search(text)
    if match:
        start = max(match.start() - 80, 0)
        raise LeakError(f"{where} mentions {match.group(0)!r}: ...{text[start:match.end() + 80]}...")


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without solution regions (stubs instead) or hidden tests; outputs kept."""
    nb = copy.deepcopy(nb)
    resources: dict = {}
    ClearSolutions().preprocess(nb, resources)
    ClearHiddenTests().preprocess(nb, resources)
    return nb


def solution_source(source: str) -> str:
    """An answer cell's source with the solution markers removed (what a student writes)."""
    return "\n".join(line for line in source.split("\n") if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


# --------------------------------------------------------------------------- nbgrader


def nbgrader(args: list[str], course_dir: Path) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course_dir`` (where ``nbgrader_config.py`` is)."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=course_dir, env=kernel_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


def write_sources(course_dir: Path, stems: list[str] | None = None) -> list[str]:
    """Write ``source/<stem>/<stem>.ipynb`` (no outputs) for nbgrader; return the stems."""
    paths = [chapter_path(s) for s in stems] if stems else chapter_paths()
    for path in paths:
        target = course_dir / "source" / path.stem / f"{path.stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(drop_instructor_cells(read_chapter(path)), target)  # the student notebook's cells
    return [p.stem for p in paths]


def release(course_dir: Path = COURSE_DIR, stems: list[str] | None = None) -> list[Path]:
    """Student notebooks under ``release/<stem>/``: stubs, visible tests, no hidden tests."""
    with _shared(course_dir):
        prepare_course(course_dir)
        out = []
        for stem in write_sources(course_dir, stems):
            released = course_dir / "release" / stem / f"{stem}.ipynb"
            stamp, digest = course_dir / "release" / f".{stem}.sha256", incremental.release_digest(course_dir, stem)
            where = released.relative_to(course_dir.parent) if course_dir.is_relative_to(ROOT) else released
            if released.is_file() and stamp.is_file() and stamp.read_text().strip() == digest:
                log(f"{stem}: source unchanged, keeping {where}")
            else:
                stamp.unlink(missing_ok=True)
                nbgrader(["generate_assignment", stem, "--force"], course_dir)
                stamp.write_text(digest + "\n")
                log(f"released {where}")
            assert_no_leak(released.read_text(), str(released))
            out.append(released)
        return out


def prepare_course(course_dir: Path) -> None:
    """Make ``course_dir`` an nbgrader course (the config lives in ``autograder/``)."""
    course_dir.mkdir(parents=True, exist_ok=True)
    config = COURSE_DIR / "nbgrader_config.py"
    if course_dir.resolve() != COURSE_DIR.resolve():
        shutil.copy(config, course_dir / "nbgrader_config.py")


def grade(submissions: Path, course_dir: Path = COURSE_DIR, jobs: int | None = None, limits=None) -> list[dict]:
    """Grade ``submissions/<student>/<chapter>/<chapter>.ipynb`` in sandboxed kernels (``autograder.batch``).

    Writes ``graded/``, ``feedback/``, ``grades.csv`` and ``grades_long.csv`` under ``course_dir``;
    returns one record per submission.
    """
    from .batch import grade as grade_batch

    with _shared(course_dir):
        return grade_batch(Path(submissions), course_dir, jobs=jobs, limits=limits)


# --------------------------------------------------------------------------- the book


def render_chapter(stem: str, executed: nbformat.NotebookNode, student: Path) -> Path:
    page = strip(executed)
    site_pages.add_glance_box(page, stem)
    site_pages.caption_figures(page)
    text = nbformat.writes(page)
    assert_no_leak(text, f"rendered page {stem}")
    RENDERED_DIR.mkdir(parents=True, exist_ok=True)
    (RENDERED_DIR / f"{stem}.ipynb").write_text(text)
    (RENDERED_DIR / "student").mkdir(exist_ok=True)
    shutil.copy(student, RENDERED_DIR / "student" / f"{stem}.ipynb")
    return RENDERED_DIR / f"{stem}.ipynb"


def scan_tree(folder: Path) -> None:
    """Raise :class:`LeakError` if any text file under ``folder`` mentions the reference."""
    for f in folder.rglob("*"):
        if f.is_file() and f.suffix in {".html", ".ipynb", ".txt", ".md", ".js", ".json", ".py"}:
            assert_no_leak(f.read_text(errors="replace"), str(f))


@checkout_lock()
def build_book(force: bool = False, html: bool = True) -> Path:
    """Execute (cached), release, strip and render every chapter; return the HTML folder.

    Nothing is redone when the inputs (``incremental.site_digest``) are those of the last complete build
    and its outputs are all there; ``force`` re-executes every chapter and rebuilds.
    """
    start = time.perf_counter()
    paths = chapter_paths()
    digest = incremental.site_digest(paths)
    if html and not force and incremental.site_is_current(paths, digest):
        log(f"nothing changed since the last build ({SITE_STAMP.name}): {HTML_DIR / 'index.html'} is current")
        return HTML_DIR
    SITE_STAMP.unlink(missing_ok=True)
    answers.write_course_package()  # seqgen_answers/, generated from the answer cells: later chapters import it
    executed = incremental.executed_chapters(paths, force=force)
    log(f"chapters ready after {time.perf_counter() - start:.1f} s; releasing ...")
    step = time.perf_counter()
    released = {p.parent.name: p for p in release(COURSE_DIR)}
    log(f"released in {time.perf_counter() - step:.1f} s")
    shutil.rmtree(RENDERED_DIR, ignore_errors=True)
    for stem, nb in executed.items():
        render_chapter(stem, nb, released[stem])
    site_pages.write_site_source(ROOT, BOOK_DIR, RENDERED_DIR, executed)
    if not html:
        return RENDERED_DIR
    log("jupyter-book build ...")
    step = time.perf_counter()
    shutil.rmtree(HTML_DIR, ignore_errors=True)  # no pages left over from an earlier layout
    # The source folder is rendered/ (chapters at its root: no build folder in URLs); output in _build/html.
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(RENDERED_DIR), "--path-output", str(ROOT),
         "--warningiserror", "--keep-going"],
        cwd=ROOT, env=kernel_env(), capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"jupyter-book build failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}")
    log(f"jupyter-book built in {time.perf_counter() - step:.1f} s")
    scan_tree(HTML_DIR)
    SITE_STAMP.write_text(digest + "\n")
    log(f"site built in {time.perf_counter() - start:.1f} s: {HTML_DIR / 'index.html'}")
    return HTML_DIR
