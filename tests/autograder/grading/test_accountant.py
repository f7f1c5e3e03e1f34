"""The memory accountant (autograder/grading/accountant.py): does it see what RSS misses?"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import pytest

from autograder.grading.accountant import kernel_memory

MB = 2**20
HOLDER = """
import os, sys, time
fd = os.memfd_create("hoard")
for _ in range({mb}):
    os.write(fd, b"\\1" * 2**20)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture
def memfd_holder():
    proc = subprocess.Popen([sys.executable, "-c", HOLDER.format(mb=64)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_a_memfd_no_process_maps_is_counted(memfd_holder):
    """64 MB written into a memfd: RSS stays small, does the accountant count the 64 MB?"""
    rss = psutil.Process(memfd_holder.pid).memory_info().rss
    usage = kernel_memory(memfd_holder.pid)
    assert rss < 40 * MB, f"(the holder's RSS is {rss / MB:.0f} MB: the memfd is not mapped)"
    assert 63 * MB <= usage.memfd <= 66 * MB, usage
    assert usage.total >= usage.memfd + usage.private and usage.private > 0


def test_a_forked_child_is_not_counted_twice():
    """A parent and its forked child share their pages: is the tree counted near one copy (Pss), not two (RSS)?"""
    code = ("import os, time\nx = bytearray(80 * 2**20)\nfor i in range(0, len(x), 4096):\n    x[i] = 1\n"
            "if os.fork() == 0:\n    time.sleep(60)\nprint('ready', flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        procs = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        rss = sum(p.memory_info().rss for p in procs)
        usage = kernel_memory(proc.pid)
        assert len(procs) == 2 and rss > 160 * MB
        assert 80 * MB <= usage.private < 120 * MB, (usage, rss / MB)
    finally:
        for p in psutil.Process(proc.pid).children(recursive=True):
            p.kill()
        proc.kill()
        proc.wait()


def test_files_in_the_sandbox_tmpfs_are_counted(tmp_path):
    """20 MB written into the sandbox's private /tmp and 8 MB into its /dev/shm: counted through /proc/<pid>/root?"""
    from autograder.grading.sandbox import Limits, bwrap_command, claim_uid

    for d in ("w", "c", "s"):
        (tmp_path / d).mkdir()
    script = ("dd if=/dev/zero of=/tmp/fill bs=1M count=20 2>/dev/null; dd if=/dev/zero of=/dev/shm/fill bs=1M count=8 2>/dev/null; "
              "echo ready; sleep 30")
    limits = Limits(tmp_mb=64, shm_mb=16)
    with claim_uid(limits) as uid:
        cmd = bwrap_command(tmp_path / "w", tmp_path / "c", tmp_path / "s", limits, uid if os.geteuid() == 0 else None)
        proc = subprocess.Popen(cmd + ["/bin/sh", "-c", script], stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "ready"
            inside = [p.pid for p in psutil.Process(proc.pid).children(recursive=True) if p.name() != "bwrap"][0]
            usage = kernel_memory(proc.pid, tmpfs=("/tmp", "/dev/shm"), inside_pid=inside)
            assert 28 * MB <= usage.tmpfs < 32 * MB, usage
        finally:
            proc.kill()
            proc.wait()
