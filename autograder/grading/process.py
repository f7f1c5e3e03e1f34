"""One sandboxed ipykernel seen from the grader: its process, its client, and the watch on what it uses.

The kernel's sockets are Unix sockets in its own ``/tmp`` (:data:`autograder.grading.sandbox.SOCKETS`); the
grader's client reaches them as ``/proc/<pid>/root/tmp/.k/k-<n>``, ``<pid>`` being the kernel's process as the
host sees it, so no host folder is writable from inside the sandbox.

Every message the client reads is bounded before it is parsed: a frame over ``Limits.reply_mb`` (plus the
output limit) is refused by ZeroMQ itself (``MAXMSGSIZE``), and a content over it is never parsed as JSON
(:func:`bounded_unpack`): the grader's memory does not grow with what the kernel sends.

The watch (:meth:`KernelProcess.usage`, :meth:`KernelProcess.tasks`) counts the kernel's memory with
:mod:`autograder.grading.accountant` (its processes' Pss, memfd pages, its tmpfs mounts) and its processes and
threads (zombies included), from ``/proc``.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import signal
import subprocess
import time
from pathlib import Path

import psutil

from .accountant import Usage, kernel_memory
from .sandbox import CONNECTION, SOCKETS, WORK, Limits, bwrap_command, claim_uid, kernel_python
from .wire import OVERSIZE

PORTS = {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}


def bounded_unpack(unpack, limit: int):
    """``unpack`` (a Session's JSON reader) for parts up to ``limit`` bytes; a larger one reads as ``{OVERSIZE: size}``."""

    def read(data):
        size = len(data)
        return {OVERSIZE: size} if size > limit else unpack(data)

    return read


class KernelProcess:
    """One sandboxed ipykernel: its process, its client, and the watch."""

    def __init__(self, workdir: Path, course: Path, scratch: Path, limits: Limits):
        from jupyter_client.blocking import BlockingKernelClient
        import zmq

        self.limits, self.proc, self.context, self.client = limits, None, None, None
        self._claim = contextlib.ExitStack()
        scratch.mkdir(parents=True, exist_ok=True)
        for old in ("kernel.json",):
            (scratch / old).unlink(missing_ok=True)
        as_root = os.geteuid() == 0
        uid = self._claim.enter_context(claim_uid(limits)) if as_root else None
        info = {**PORTS, "transport": "ipc", "ip": f"{SOCKETS}/k", "key": secrets.token_hex(32),
                "signature_scheme": "hmac-sha256", "kernel_name": "python3"}
        (scratch / "kernel.json").write_text(json.dumps(info))
        os.chmod(scratch / "kernel.json", 0o644)
        cmd = bwrap_command(workdir, course, scratch, limits, uid) + [
            kernel_python(limits), "-s", "-P", "-m", "ipykernel_launcher", "-f", CONNECTION, "--IPKernelApp.log_level=CRITICAL"]
        self.started = time.perf_counter()
        self.log_path = scratch / "kernel.log"  # outside the sandbox: its stderr
        self.tmpfs = ("/tmp", "/dev/shm") + ((WORK,) if as_root else ())
        try:
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
            self.pid = self._inner_pid(limits.start_timeout)
            self.context = zmq.Context()
            limit = int((limits.reply_mb + limits.output_max_mb) * 2**20) + 2**20
            self.context.setsockopt(zmq.MAXMSGSIZE, limit)
            self.client = BlockingKernelClient(context=self.context)
            self.client.load_connection_info({**info, "ip": f"/proc/{self.pid}/root{SOCKETS}/k"})
            self.client.session.unpack = bounded_unpack(self.client.session.unpack, limit)
            # No heartbeat channel: under load a kernel whose heartbeat thread is not up within a second
            # was declared dead by jupyter_client's wait_for_ready. We watch the process itself instead.
            self.client.start_channels(hb=False)
            self._wait_for_ready(limits.start_timeout)
        except (RuntimeError, OSError) as exc:
            err = self.stderr()
            self.kill()
            raise RuntimeError(f"the sandboxed kernel did not start ({exc}): {err[-2000:]}") from None
        self.start_seconds = time.perf_counter() - self.started

    def _inner_pid(self, timeout: float) -> int:
        """The host pid of the kernel's process inside the sandbox (the same pid through setpriv's exec into Python)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the sandbox ended with status {self.proc.returncode}")
            try:
                for p in psutil.Process(self.proc.pid).children(recursive=True):
                    if p.name() != "bwrap":
                        return p.pid
            except psutil.Error:
                pass
            time.sleep(0.01)
        raise RuntimeError(f"no process in the sandbox within {timeout:g} s")

    def _wait_for_ready(self, timeout: float) -> None:
        """Ask for kernel_info until the kernel answers; fail if its process ends or ``timeout`` passes."""
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
        for get in (self.client.get_iopub_msg, self.client.get_shell_msg):  # start-up messages, other kernel_info replies
            while True:
                try:
                    get(timeout=0.2)
                except queue.Empty:
                    break

    def stderr(self) -> str:
        try:
            return self.log_path.read_bytes()[-4000:].decode(errors="replace")
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def usage(self) -> Usage:
        """The kernel's memory: Pss of its processes, memfd pages, and what its tmpfs mounts hold."""
        return kernel_memory(self.proc.pid, tmpfs=self.tmpfs, inside_pid=self.pid)

    def tasks(self) -> int:
        """The kernel's processes and threads (zombies included), as ``RLIMIT_NPROC`` counts them."""
        try:
            procs = psutil.Process(self.pid).children(recursive=True) + [psutil.Process(self.pid)]
        except psutil.Error:
            return 0
        total = 0
        for p in procs:
            try:
                total += 1 if p.status() == psutil.STATUS_ZOMBIE else p.num_threads()
            except psutil.Error:
                pass
        return total

    def kill(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):  # closing a dead kernel's sockets
                self.client.stop_channels()
        if self.proc is not None and self.proc.poll() is None:
            # Stop the outer bwrap first (it forks no more), then kill everything under it: the sandbox's pid 1
            # takes the whole pid namespace with it, even processes that left the process group (and a start
            # cut short before bwrap's child set its parent-death signal, which would outlive its parent).
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGSTOP)
            try:
                inside = psutil.Process(self.proc.pid).children(recursive=True)
            except psutil.Error:
                inside = []
            for p in inside:
                with contextlib.suppress(psutil.Error):
                    p.kill()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        if self.context is not None:
            with contextlib.suppress(Exception):
                self.context.destroy(linger=0)
            self.context = None
        self._claim.close()
