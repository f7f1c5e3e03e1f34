"""The pipeline's checkout lock: one build, release or grade at a time in a checkout."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from autograder import incremental, pipeline

# Another process that takes the lock, marks what it is doing, and lets go.
HOLDER = """
import sys, time
from pathlib import Path
from autograder import incremental, pipeline
pipeline.LOCK_PATH = Path(sys.argv[2])
marker = Path(sys.argv[1])
with pipeline.checkout_lock():
    marker.write_text("held")
    time.sleep(1.5)
    marker.write_text("released")
"""
# Another process that asks, without waiting, whether the lock is free.
PROBE = """
import fcntl, sys
with open(sys.argv[1], "a") as fh:
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("free")
    except BlockingIOError:
        print("busy")
"""


@pytest.fixture
def lock_path(tmp_path, monkeypatch):
    """A private lock file, so these tests never wait on a real build in this checkout."""
    path = tmp_path / "pipeline.lock"
    monkeypatch.setattr(pipeline, "LOCK_PATH", path)
    return path


def start_holder(marker, lock_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(marker), str(lock_path)], cwd=pipeline.ROOT, env=pipeline.kernel_env()
    )
    for _ in range(1200):  # until the other process holds the lock
        if marker.exists() or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert marker.exists(), f"the lock-holding process never took the lock (exit {proc.poll()})"
    return proc


def probe(lock_path) -> str:
    return subprocess.run([sys.executable, "-c", PROBE, str(lock_path)], capture_output=True, text=True, check=True).stdout.strip()


def test_a_second_process_waits_for_the_lock(tmp_path, lock_path, capsys):
    """Does taking the lock while another process holds it wait until that process lets go (and say so)?"""
    marker = tmp_path / "state"
    proc = start_holder(marker, lock_path)
    try:
        with pipeline.checkout_lock():
            seen = marker.read_text()
    finally:
        proc.wait(timeout=60)
    assert seen == "released", "we entered the lock while the other process still held it"
    assert "waiting for it to finish" in capsys.readouterr().out


def test_the_lock_is_reentrant_within_a_process(lock_path):
    """Can a step holding the lock call one that takes it again (build_book -> release), with the lock
    held until the outermost block ends and free after?"""
    assert probe(lock_path) == "free"
    with pipeline.checkout_lock():
        with pipeline.checkout_lock():
            assert probe(lock_path) == "busy"
        assert probe(lock_path) == "busy", "leaving the inner block let go of the outer one's lock"
    assert probe(lock_path) == "free"


def test_temporary_courses_do_not_take_the_lock(tmp_path, lock_path):
    """Does work on a private course folder (the grading tests') go ahead while another process holds the lock?"""
    marker = tmp_path / "state"
    proc = start_holder(marker, lock_path)
    try:
        with pipeline._shared(tmp_path / "course"):
            seen = marker.read_text()
        with pipeline._shared(pipeline.COURSE_DIR):
            after = marker.read_text()
    finally:
        proc.wait(timeout=60)
    assert seen == "held"
    assert after == "released", "the checkout's own course did not wait for the lock"


@pytest.fixture
def tiny_checkout(tmp_path, monkeypatch):
    """A checkout with one chapter and the files the site is built from, as the pipeline's ROOT."""
    for rel, text in {"book/01_a/01_a.md": "# A\n", "book/_static/x.css": "a {}\n", "seqgen/m.py": "X = 1\n",
                      "solutions/r.py": "Y = 1\n", "autograder/transplant.py": "", "autograder/site_pages.py": "",
                      "autograder/release/01_a/01_a.ipynb": "{}", "_config.yml": "title: t\n", "_toc.yml": "",
                      "README.md": "", "pyproject.toml": "", "requirements-student.txt": ""}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    for name, value in {"ROOT": tmp_path, "BOOK_DIR": tmp_path / "book", "COURSE_DIR": tmp_path / "autograder",
                        "RENDERED_DIR": tmp_path / "rendered", "HTML_DIR": tmp_path / "_build" / "html",
                        "SITE_STAMP": tmp_path / "_build" / "stamp", "CACHE_DIR": tmp_path / ".cache"}.items():
        monkeypatch.setattr(pipeline, name, value)
    return tmp_path


def test_site_digest_follows_the_sources_not_the_outputs(tiny_checkout):
    """Does the site's input hash change with a chapter, a static file, the reference or the pipeline,
    and stay the same when only generated files (a release) change?"""
    paths = pipeline.chapter_paths()
    before = incremental.site_digest(paths)
    assert incremental.site_digest(paths) == before
    (tiny_checkout / "autograder/release/01_a/01_a.ipynb").write_text('{"changed": 1}')
    assert incremental.site_digest(paths) == before, "a generated release is an output, not an input"
    seen = {before}
    for rel in ["book/01_a/01_a.md", "book/_static/x.css", "solutions/r.py", "autograder/site_pages.py", "_config.yml"]:
        (tiny_checkout / rel).write_text((tiny_checkout / rel).read_text() + "\n# changed\n")
        digest = incremental.site_digest(paths)
        assert digest not in seen, f"changing {rel} did not change the site's digest"
        seen.add(digest)


def test_site_is_current_only_with_the_stamp_and_every_output(tiny_checkout):
    """Is the last build current only when its stamp matches and the HTML, page and release all exist?"""
    paths = pipeline.chapter_paths()
    digest = incremental.site_digest(paths)
    outputs = [pipeline.HTML_DIR / "index.html", pipeline.RENDERED_DIR / "01_a.ipynb",
               tiny_checkout / "autograder/release/01_a/01_a.ipynb"]
    for f in outputs:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("x")
    assert not incremental.site_is_current(paths, digest), "no stamp: never built"
    pipeline.SITE_STAMP.write_text(digest + "\n")
    assert incremental.site_is_current(paths, digest)
    assert not incremental.site_is_current(paths, "0" * 64), "other inputs"
    for f in outputs:
        f.unlink()
        assert not incremental.site_is_current(paths, digest), f"{f.name} is missing"
        f.write_text("x")


@pytest.mark.slow
def test_release_reruns_nbgrader_only_for_changed_sources(tmp_path, capsys):
    """Does a second release of an unchanged chapter keep the release (no nbgrader run), and does a
    changed source (here: a stale stamp) release it again?"""
    course = tmp_path / "course"
    (released,) = pipeline.release(course, ["02_tokenization"])
    first = released.stat().st_mtime_ns
    capsys.readouterr()
    pipeline.release(course, ["02_tokenization"])
    assert "source unchanged" in capsys.readouterr().out
    assert released.stat().st_mtime_ns == first, "the unchanged release was rewritten"
    (course / "release" / ".02_tokenization.sha256").write_text("0" * 64 + "\n")
    pipeline.release(course, ["02_tokenization"])
    assert "released" in capsys.readouterr().out and released.stat().st_mtime_ns != first
