"""The memory a sandboxed kernel holds, counted from /proc (no cgroup: on these machines the cgroups belong
to the machine's supervisor).

RSS alone misses what a hostile kernel can hold outside its mappings: pages written into a ``memfd`` (or a
deleted tmpfs file) that no process maps, and files in the sandbox's own tmpfs mounts (``/tmp``,
``/dev/shm``); it also counts a forked child's shared pages once per process. :func:`kernel_memory` counts

- ``Pss - Pss_Shmem`` of each process of the tree (``/proc/<pid>/smaps_rollup``: shared pages split between
  the processes that share them),
- every distinct memfd inode an fd of the tree points to (``st_blocks * 512``: the pages it holds, mapped or
  not),
- the used bytes of the tmpfs mounts named in ``tmpfs`` (paths as the kernel sees them, reached from the host
  through ``/proc/<pid>/root``), which also hold any shared memory mapped from them.

Stage 2 of issue 19 puts it in the grader's memory watch (``SandboxKernel.execute``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psutil


@dataclass
class Usage:
    private: int = 0  # bytes: Pss minus its shared-memory part, over the process tree
    memfd: int = 0  # bytes held by memfd inodes open in the tree
    tmpfs: int = 0  # bytes used in the sandbox's tmpfs mounts

    @property
    def total(self) -> int:
        return self.private + self.memfd + self.tmpfs


def _rollup(pid: int) -> tuple[int, int]:
    """(Pss, Pss_Shmem) in bytes; (0, 0) when the process is gone or unreadable."""
    pss = shmem = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith("Pss_Shmem:"):
                    shmem = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return 0, 0
    return pss, shmem


def _memfds(pid: int, seen: set) -> int:
    total = 0
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return 0
    for fd in fds:
        path = f"/proc/{pid}/fd/{fd}"
        try:
            if not os.readlink(path).startswith("/memfd:"):
                continue
            st = os.stat(path)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_blocks * 512
    return total


def _tmpfs_used(pid: int, mount: str) -> int:
    try:
        st = os.statvfs(f"/proc/{pid}/root{mount}")
    except OSError:
        return 0
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def tree(root_pid: int) -> list[int]:
    try:
        root = psutil.Process(root_pid)
        return [root.pid] + [p.pid for p in root.children(recursive=True)]
    except psutil.Error:
        return []


def kernel_memory(root_pid: int, tmpfs: tuple[str, ...] = (), inside_pid: int | None = None) -> Usage:
    """The memory of ``root_pid``'s process tree; ``tmpfs`` mounts are read through ``inside_pid``'s root
    (a process inside the sandbox; by default the last of the tree)."""
    usage, seen = Usage(), set()
    pids = tree(root_pid)
    for pid in pids:
        pss, shmem = _rollup(pid)
        usage.private += max(pss - shmem, 0)
        usage.memfd += _memfds(pid, seen)
    where = inside_pid if inside_pid is not None else (pids[-1] if pids else None)
    if where is not None:
        usage.tmpfs = sum(_tmpfs_used(where, mount) for mount in tmpfs)
    return usage
