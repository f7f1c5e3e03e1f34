"""The grader's side of a sandboxed kernel: cells under limits, hidden checks over a signed wire.

:class:`SandboxKernel` implements :class:`autograder.grading.checks.Kernel` on a
:class:`autograder.grading.process.KernelProcess`:

- ``start`` starts the kernel and sends the helpers first (:func:`autograder.grading.prelude.prelude_cell`),
  before any cell of the notebook: their one reply is the key of every later reply's signature;
- ``_run``, ``_install``, ``_uninstall`` and ``watch`` are requests to those helpers
  (:func:`~autograder.grading.prelude.request_cell`); exactly one signed reply must come back for each, as a
  ``display_data`` message of the helpers' MIME type. Whatever else arrives (none, two, one unsigned,
  rewritten or over ``--reply-mb``) fails that check only (:class:`StudentError` ``BadReply``/``NoResult``);
- ``swap`` installs a stand-in whose calls go out through ``input()``: the grader runs the reference and
  answers. A call's arguments are bounded (``--standin-mb``) and so is the reference's time (the cell's
  time left): over either, the check fails (and a call past the time kills the kernel, as a slow cell does).

Every cell runs under the limits: its time, the notebook's time, the memory (counted by
:mod:`autograder.grading.accountant`), the processes, and its output, which counts every message it sends
(streams, displays, results, errors): past any of them the kernel is killed (:class:`KernelLost`).
"""

from __future__ import annotations

import concurrent.futures
import queue
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .checks import Kernel, StudentError
from .prelude import KEY_MIME, MIME, SWAP_PROMPT, BadReply, Reply, new_nonce, prelude_cell, read_reply, request_cell
from .sandbox import Limits
from .wire import OVERSIZE, decode, encode

MB = 2**20


class KernelLost(Exception):
    """The kernel died or was killed for a limit; ``reason`` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class CellRun:
    status: str = "ok"  # ok | error
    ename: str = ""
    evalue: str = ""
    text: str = ""  # stdout/stderr kept (capped)
    dropped: int = 0  # characters of output dropped past the cap
    received: int = 0  # bytes of every message the cell sent (toward --output-max-mb)
    payloads: list[str] = field(default_factory=list)  # replies of the helpers (requests only)
    oversize: int = 0  # a reply over --reply-mb (its size)


def _size(value: Any) -> int:
    """About how many bytes a message's content holds (its strings, however nested)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(v) + len(str(k)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(_size(v) for v in value)
    return 8


class SandboxKernel(Kernel):
    """A live sandboxed kernel; ``execute`` runs a cell, the ``Kernel`` API runs checks."""

    def __init__(self, factory: Callable[[], Any], limits: Limits, deadline: float, seed: int = 0):
        super().__init__(seed)
        self.factory, self.limits, self.deadline = factory, limits, deadline
        self.swaps: dict[str, Callable[..., Any]] = {}
        self.process: Any = None  # a KernelProcess (autograder.grading.process), made by the factory
        self.start_seconds: list[float] = []
        self.key = b""
        self.events: list[str] = []  # tampering the helpers saw (drained by the caller)
        self.tampered: set[str] = set()  # module attributes found changed (each reported once)
        self.violation = ""  # a stand-in call over its limits, in the check running now
        self._standins = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="seqgen-stand-in")

    def start(self) -> None:
        """Start the kernel and install the helpers; one failed start (nothing of the student's has run yet) is retried."""
        try:
            self.process = self.factory()
        except RuntimeError:
            self.process = self.factory()
        self.start_seconds.append(self.process.start_seconds)
        run = self.execute(prelude_cell(self.limits.reply_mb), store_output=False, request=True, key_mime=True)
        if run.status == "error" or len(run.payloads) != 1:
            self.stop()
            raise RuntimeError(f"the grader's helpers did not start in the kernel ({run.ename}: {run.evalue})")
        self.key = bytes.fromhex(run.payloads[0])

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process = None

    # ----------------------------------------------------------------- cells

    def execute(self, code: str, allow_stdin: bool = False, store_output: bool = True, request: bool = False,
                key_mime: bool = False) -> CellRun:
        """Run one cell under the limits; raise :class:`KernelLost` if the kernel did not survive it."""
        proc = self.process
        if proc is None or not proc.alive():
            raise KernelLost("the kernel is not running")
        client = proc.client
        msg_id = client.execute(code, silent=False, store_history=False, allow_stdin=allow_stdin, stop_on_error=False)
        run, limits = CellRun(), self.limits
        cell_deadline = min(time.monotonic() + limits.cell_timeout, self.deadline)
        replied = idle = False
        next_poll = 0.0
        while not (replied and idle):
            now = time.monotonic()
            if now > cell_deadline:
                which = "notebook" if cell_deadline == self.deadline else "cell"
                limit = limits.notebook_timeout if which == "notebook" else limits.cell_timeout
                self._lose(f"time limit: the {which} ran past {limit:g} s")
            if now > next_poll:
                self._watch(proc)
                next_poll = now + 0.1
            if run.received > limits.output_max_mb * MB:
                self._lose(f"output limit: the cell sent more than {limits.output_max_mb:g} MB of output")
            try:
                msg = client.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                msg = None
            if msg is not None and msg["parent_header"].get("msg_id") == msg_id:
                idle = idle or self._iopub(msg, run, store_output, (KEY_MIME if key_mime else MIME) if request else None)
            replied = replied or self._shell_reply(client, msg_id)
            if allow_stdin:
                self._stdin(client, cell_deadline)
        return run

    def _watch(self, proc: Any) -> None:
        if not proc.alive():
            self._lose("the kernel died (os._exit, a crash, or killed by the system)")
        used = proc.usage()
        if used.total > self.limits.memory_mb * MB:
            self._lose(f"memory limit: the kernel used {used.total / MB:.0f} MB (limit {self.limits.memory_mb} MB: "
                       f"{used.private / MB:.0f} MB in its processes, {used.memfd / MB:.0f} MB in memfd, "
                       f"{used.tmpfs / MB:.0f} MB in its tmpfs)")
        tasks = proc.tasks()
        if tasks >= self.limits.max_processes:
            self._lose(f"process limit: the kernel ran {tasks} processes and threads (limit {self.limits.max_processes})")

    def _lose(self, reason: str) -> None:
        self.stop()
        raise KernelLost(reason)

    def _iopub(self, msg: dict, run: CellRun, store: bool, reply_mime: str | None) -> bool:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status":
            return content.get("execution_state") == "idle"
        if kind == "execute_input":  # the cell's own code, echoed
            return False
        if OVERSIZE in content:
            if reply_mime is not None and kind == "display_data":
                run.oversize = max(run.oversize, int(content[OVERSIZE]))
            else:
                run.received += int(content[OVERSIZE])
            return False
        data = content.get("data", {}) if kind in ("display_data", "execute_result", "update_display_data") else {}
        if reply_mime is not None and kind == "display_data" and reply_mime in data and len(data) == 1:
            if isinstance(data[reply_mime], str) and len(data[reply_mime]) <= self.limits.reply_mb * MB:
                run.payloads.append(data[reply_mime])
            else:
                run.oversize = max(run.oversize, _size(data[reply_mime]))
            return False
        run.received += _size(content)
        if kind == "error":
            run.status, run.ename, run.evalue = "error", str(content.get("ename"))[:200], str(content.get("evalue"))[:2000]
        elif kind == "stream":
            text = str(content.get("text", ""))
            room = max(self.limits.output_kb * 1024 - len(run.text), 0) if store else 0
            run.text += text[:room]
            run.dropped += max(len(text) - room, 0)
        return False

    @staticmethod
    def _shell_reply(client, msg_id: str) -> bool:
        try:
            reply = client.get_shell_msg(timeout=0)
        except queue.Empty:
            return False
        return reply["parent_header"].get("msg_id") == msg_id

    def _stdin(self, client, cell_deadline: float) -> None:
        try:
            msg = client.get_stdin_msg(timeout=0)
        except queue.Empty:
            return
        content = msg["content"]
        prompt = "" if OVERSIZE in content else str(content.get("prompt", ""))
        if not prompt.startswith(SWAP_PROMPT):
            client.input(encode(["error", "input() is not available while grading"]))
            return
        name, _, payload = prompt[len(SWAP_PROMPT):].partition(":")
        fn = self.swaps.get(name)
        size = int(content.get(OVERSIZE, 0)) or len(payload)
        if size > self.limits.standin_mb * MB:
            self.violation = f"a call of {name} with arguments over {self.limits.standin_mb:g} MB"
            client.input(encode(["error", self.violation]))
            return
        try:
            args, kwargs = decode(payload)
            if fn is None or not isinstance(args, list) or not isinstance(kwargs, dict):
                raise ValueError(f"no reference installed for {name!r}")
            future = self._standins.submit(fn, *args, **kwargs)
            answer = encode(["ok", future.result(timeout=max(cell_deadline - time.monotonic(), 0.0))])
        except concurrent.futures.TimeoutError:
            self.violation = f"a call of {name} that ran past the cell's time"
            self._lose(f"time limit: {self.violation}")
        except Exception as exc:  # noqa: BLE001 - reported to the kernel as the stand-in's error
            answer = encode(["error", f"{type(exc).__name__}: {str(exc)[:500]}"])
        client.input(answer)

    # ----------------------------------------------------------------- requests to the helpers

    def request(self, op: str, *args: str, allow_stdin: bool = False) -> Reply:
        """Ask the helpers for ``op``; its verified reply (:class:`StudentError` when none verifies)."""
        nonce = new_nonce()
        run = self.execute(request_cell(nonce, op, *args), allow_stdin=allow_stdin, store_output=False, request=True)
        if run.oversize:
            raise StudentError("BadReply", f"the check's result from your kernel is over {self.limits.reply_mb:g} MB")
        if len(run.payloads) != 1:
            if run.status == "error" and not run.payloads:
                raise StudentError(run.ename, run.evalue)
            raise StudentError("NoResult", "the check's result did not come back from your kernel (is display, print "
                               f"or IPython's input transformation patched?): {len(run.payloads)} replies")
        try:
            reply = read_reply(self.key, run.payloads[0], nonce, op, args)
        except BadReply as exc:
            self.events.append(f"a reply of the grader's helpers altered ({exc})")
            raise StudentError("BadReply", str(exc)) from None
        self.events += reply.events
        self.events += [f"{name} rewritten" for name in reply.tampered if name not in self.tampered]
        self.tampered |= set(reply.tampered)
        return reply

    def watch(self) -> list[str]:
        """What the helpers saw of tampering since the last request (each changed attribute reported once)."""
        try:
            self.request("watch")
        except StudentError as exc:
            self.events.append(f"the grader's helpers did not answer ({exc.ename})")
        events, self.events = self.events, []
        return events

    def _run(self, code: str, inputs: str) -> str:
        self.violation = ""
        reply = self.request("run", code, inputs, allow_stdin=True)
        if self.violation:
            raise StudentError("StandInLimit", self.violation)
        if reply.status != "ok":
            ename, evalue = reply.value if isinstance(reply.value, list) and len(reply.value) == 2 else ("Error", reply.value)
            raise StudentError(str(ename), str(evalue))
        return str(reply.value)

    def _install(self, name: str, fn: Callable[..., Any], cache: bool = False) -> None:
        self.swaps[name] = fn
        reply = self.request("install", name, "1" if cache else "")
        if reply.status != "ok":
            raise StudentError("SwapFailed", str(reply.value))

    def _uninstall(self, name: str) -> None:
        self.swaps.pop(name, None)
        if self.process is None or not self.process.alive():
            return
        self.request("uninstall", name)
