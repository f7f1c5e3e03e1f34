"""The pipeline's checkout lock: one build, release or grade at a time in a checkout."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from autograder import pipeline

# Another process that takes the lock, marks what it is doing, and lets go.
HOLDER = """
import sys, time
from pathlib import Path
from autograder import pipeline
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
