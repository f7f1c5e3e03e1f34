"""The grader's side of a sandboxed kernel: cells with limits, hidden checks over the wire.

:class:`SandboxKernel` implements :class:`autograder.grading.checks.Kernel` on a
:class:`autograder.grading.sandbox.KernelProcess`:

- ``_run`` sends ``WIRE_SOURCE + RUN_SOURCE`` and a call as one cell; the encoded ``result``
  comes back as a ``display_data`` message of its own MIME type (``raw`` display, so the
  student's formatters are bypassed). Whatever arrives is decoded as plain JSON data, never
  unpickled; a missing or malformed result fails the check (a student who patches the
  display or the input transformers only loses their own points: the verdict is computed
  here, on values);
- ``swap`` installs a stand-in whose calls go out through ``input()``: the kernel sends an
  ``input_request`` on Jupyter's stdin channel, the grader runs the reference and answers
  with the encoded value. The reference never enters the kernel.

Every cell (student's, test's, or a check's snippet) runs under the limits: a cell that
exceeds its time, the notebook's time or the memory kills the kernel (:class:`KernelLost`).
"""

from __future__ import annotations

import json
import queue
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .checks import Kernel, StudentError
from .sandbox import KernelProcess, Limits
from .wire import RUN_SOURCE, WIRE_SOURCE, decode, encode

MIME = "application/x-seqgen-result+json"
SWAP_PROMPT = "seqgen-swap:"


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
    payloads: list[str] = field(default_factory=list)


class SandboxKernel(Kernel):
    """A live sandboxed kernel; ``execute`` runs a cell, the ``Kernel`` API runs checks."""

    def __init__(self, factory: Callable[[], KernelProcess], limits: Limits, deadline: float):
        self.factory, self.limits, self.deadline = factory, limits, deadline
        self.swaps: dict[str, Callable[..., Any]] = {}
        self.process: KernelProcess | None = None
        self.start_seconds: list[float] = []

    def start(self) -> None:
        """Start the kernel; one failed start (nothing of the student's has run yet) is retried."""
        try:
            self.process = self.factory()
        except RuntimeError:
            self.process = self.factory()
        self.start_seconds.append(self.process.start_seconds)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process = None

    # ----------------------------------------------------------------- cells

    def execute(self, code: str, allow_stdin: bool = False, store_output: bool = True) -> CellRun:
        """Run one cell under the limits; raise :class:`KernelLost` if the kernel did not survive it."""
        proc = self.process
        if proc is None or not proc.alive():
            raise KernelLost("the kernel is not running")
        client = proc.client
        msg_id = client.execute(code, silent=False, store_history=False, allow_stdin=allow_stdin, stop_on_error=False)
        run, cap = CellRun(), self.limits.output_kb * 1024
        cell_deadline = min(time.monotonic() + self.limits.cell_timeout, self.deadline)
        replied = idle = False
        next_poll = 0.0
        while not (replied and idle):
            now = time.monotonic()
            if now > cell_deadline:
                which = "notebook" if cell_deadline == self.deadline else "cell"
                limit = self.limits.notebook_timeout if which == "notebook" else self.limits.cell_timeout
                self._lose(f"time limit: the {which} ran past {limit:g} s")
            if now > next_poll:
                if not proc.alive():
                    self._lose("the kernel died (os._exit, a crash, or killed by the system)")
                rss = proc.rss_mb()
                if rss > self.limits.memory_mb:
                    self._lose(f"memory limit: the kernel used {rss:.0f} MB (limit {self.limits.memory_mb} MB)")
                next_poll = now + 0.1
            if run.dropped > self.limits.output_max_mb * 2**20:
                self._lose(f"output limit: the cell printed more than {self.limits.output_max_mb:g} MB")
            try:
                msg = client.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                msg = None
            if msg is not None and msg["parent_header"].get("msg_id") == msg_id:
                idle = idle or self._iopub(msg, run, cap, store_output)
            replied = replied or self._shell_reply(client, msg_id)
            if allow_stdin:
                self._stdin(client)
        return run

    def _lose(self, reason: str) -> None:
        self.stop()
        raise KernelLost(reason)

    @staticmethod
    def _iopub(msg: dict, run: CellRun, cap: int, store: bool) -> bool:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status":
            return content.get("execution_state") == "idle"
        if kind == "error":
            run.status, run.ename, run.evalue = "error", str(content.get("ename"))[:200], str(content.get("evalue"))[:2000]
        elif kind == "display_data" and MIME in content.get("data", {}):
            value = content["data"][MIME]
            if isinstance(value, str):
                run.payloads.append(value)
        elif kind == "stream":
            text = str(content.get("text", ""))
            room = max(cap - len(run.text), 0) if store else 0
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

    def _stdin(self, client) -> None:
        try:
            msg = client.get_stdin_msg(timeout=0)
        except queue.Empty:
            return
        prompt = str(msg["content"].get("prompt", ""))
        if not prompt.startswith(SWAP_PROMPT):
            client.input(encode(["error", "input() is not available while grading"]))
            return
        name, _, payload = prompt[len(SWAP_PROMPT):].partition(":")
        fn = self.swaps.get(name)
        try:
            args, kwargs = decode(payload)
            if fn is None or not isinstance(args, list) or not isinstance(kwargs, dict):
                raise ValueError(f"no reference installed for {name!r}")
            answer = encode(["ok", fn(*args, **kwargs)])
        except Exception as exc:  # noqa: BLE001 - reported to the kernel as the stand-in's error
            answer = encode(["error", f"{type(exc).__name__}: {exc}"])
        client.input(answer)

    # ----------------------------------------------------------------- Kernel API

    def _run(self, code: str, inputs: str) -> str:
        cell = (WIRE_SOURCE + RUN_SOURCE + "\n"
                f"__import__('IPython.display', fromlist=['display']).display("
                f"{{{MIME!r}: _seqgen_run({code!r}, {inputs!r}, globals())}}, raw=True)\n")
        run = self.execute(cell, allow_stdin=True, store_output=False)
        if run.status == "error":
            raise StudentError(run.ename, run.evalue)
        if len(run.payloads) != 1:
            raise StudentError("NoResult", "the check's result did not come back from your kernel "
                               "(is display, print or IPython's input transformation patched?)")
        json.loads(run.payloads[0])  # plain JSON or nothing
        return run.payloads[0]

    def _install(self, name: str, fn: Callable[..., Any], cache: bool = False) -> None:
        self.swaps[name] = fn
        cell = WIRE_SOURCE + f'''
_seqgen_saved_{name} = globals().get({name!r}, _seqgen_wire)
def {name}(*args, _seqgen_answers={{}}, **kwargs):
    _enc, _dec, _ = _seqgen_wire()
    _key = _enc([list(args), kwargs])
    if {cache!r} and _key in _seqgen_answers:
        return _dec(_seqgen_answers[_key])
    _status, _value = _dec(__import__("builtins").input({SWAP_PROMPT!r} + {name!r} + ":" + _key))
    if _status != "ok":
        raise RuntimeError(_value)
    if {cache!r}:
        _seqgen_answers[_key] = _enc(_value)
    return _value
'''
        run = self.execute(cell)
        if run.status == "error":
            raise StudentError(run.ename, run.evalue)

    def _uninstall(self, name: str) -> None:
        self.swaps.pop(name, None)
        if self.process is None or not self.process.alive():
            return
        self.execute(f"if _seqgen_saved_{name} is _seqgen_wire:\n    globals().pop({name!r}, None)\n"
                     f"else:\n    {name} = _seqgen_saved_{name}\ndel _seqgen_saved_{name}\n")
