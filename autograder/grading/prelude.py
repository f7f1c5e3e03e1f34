"""The grader's helpers inside the student's kernel: installed before any student cell, out of the student's reach.

The kernel is the adversary: everything in the student's interpreter can be read and rebound by the student's
code, so the helpers keep nothing the student can reach by a name, and what they send back is signed.

- **Installed first.** The grader's first cell in every kernel (and again first after every restart) is
  :func:`prelude_cell`: it runs :data:`PRELUDE_SOURCE` in a private namespace (a private copy of the builtins
  taken before any student code ran) and binds no name in the student's namespace. It keeps what it uses in
  closures and calls only functions captured then (the wire's C functions: :mod:`autograder.grading.wire`).
- **Reached through an audit hook.** The prelude installs a ``sys.addaudithook`` hook (a hook cannot be removed
  and is referenced by no Python object). The grader asks for work with a cell
  ``__import__("sys").audit("seqgen", nonce, op, ...)`` (:func:`request_cell`): ``run`` a check's snippet,
  ``install``/``uninstall`` a stand-in, ``watch`` for tampering.
- **Signed replies.** The prelude draws a key (``os.urandom``) and sends it in its one reply to the prelude
  cell, before any student code exists. Each reply names the request's nonce, operation and the SHA-256 of the
  code and inputs the hook actually received, and carries an HMAC-SHA256 under that key
  (:func:`read_reply`): a reply rewritten on its way out, replayed, or made for other code is refused, and the
  check fails.
- **Snippets in a function.** A check's snippet runs as the body of a function whose parameters are the check's
  inputs: a frame walker cannot rebind them (in 3.11 a frame's ``f_locals`` is a copy), and its globals are a
  fresh copy of the student's namespace with ``np`` and the builtins put back (rebinding ``np`` or a builtin in
  the notebook changes nothing the snippet reads). The result is encoded inside that function, while the
  student's objects are still alive (a finalizer cannot run between the probe and its reading).
- **Stand-ins** (``Kernel.swap``) are made from their own copy of the wire in a namespace of their own: they are
  handed to the student's code, so they hold nothing else of the helpers.
- **Tampering seen.** The hook records, from code in a notebook cell (the direct caller of the operation): frame
  access (``sys._getframe``, ``inspect.currentframe``, a traceback's, generator's or coroutine's frame,
  ``sys._current_frames``), ``gc.get_objects/get_referrers/get_referents``, any ``ctypes`` use, ``sys.settrace``,
  ``sys.setprofile``, ``sys.addaudithook``, and opening ``/proc/*/mem``. ``watch``
  also compares the attributes of the modules the helpers and snippets use (NumPy, ``json``, ``base64``,
  ``binascii``, ``io``, ``hmac``, ``hashlib``, IPython's display) with what they were before any student cell.
  The grader flags the exercise whose cell or check it was (:mod:`autograder.grading.kernel`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from .wire import WIRE_SOURCE, decode

ROUTE = "seqgen"  # the audit event the grader's requests raise
MIME = "application/x-seqgen-result+json"  # the display MIME type of the helpers' replies
KEY_MIME = "application/x-seqgen-key"  # the prelude's one reply: the key of the replies' signatures
SNIPPET_FILE = "<seqgen-check>"  # how a check's snippet is named in tracebacks (never a student cell)

PRELUDE_SOURCE = r'''
def _seqgen_prelude(config, user_ns, publish, wire_source, pristine):
    import os, sys
    import _hashlib
    import numpy

    ROUTE, MIME, SNIPPET = config["route"], config["mime"], config["snippet"]
    MAX_REPLY = int(config["reply_bytes"])
    AST_ONLY = 1024  # ast.PyCF_ONLY_AST: compile() itself parses (ast.py's Python functions are never called)
    getframe, urandom, mac_of, sha256 = sys._getframe, os.urandom, _hashlib.hmac_digest, _hashlib.openssl_sha256
    str_copy, modules = str.__str__, sys.modules
    state = {"inside": False, "running": False, "events": [], "nonces": set(), "saved": {}}
    MISSING = object()
    WIRE_CODE = compile(wire_source, "<seqgen-wire>", "exec")
    STANDIN_CODE = compile(wire_source + STANDIN, "<seqgen-stand-in>", "exec")
    # Frames of the module that offers an operation are skipped to find who asked for it (inspect.currentframe
    # calls sys._getframe; ctypes.CDLL calls the loader).
    PROVIDERS = ("/inspect.py", "/ctypes/__init__.py")

    def fresh_wire():
        ns = {"__builtins__": dict(pristine)}
        exec(WIRE_CODE, ns)
        return ns["_seqgen_wire"]()

    enc, dec, _ = fresh_wire()
    key = urandom(32)

    # --------------------------------------------------------------------- what is watched
    WATCHED = {"sys._getframe", "sys._current_frames", "gc.get_objects", "gc.get_referrers", "gc.get_referents",
               "sys.settrace", "sys.setprofile", "sys.addaudithook"}
    FRAME_ATTRS = {"tb_frame", "gi_frame", "cr_frame", "ag_frame"}
    MODULES = ("numpy", "numpy.random", "json", "json.encoder", "json.decoder", "base64", "binascii", "io", "hmac",
               "hashlib", "IPython.display", "IPython.core.display_functions")
    for name in MODULES:
        __import__(name)
    snapshot = {name: (modules[name], dict(vars(modules[name]))) for name in MODULES}

    def student_code(filename):
        """Code of a notebook cell, or compiled from a string by one (never the helpers', never a frozen module)."""
        return filename.startswith(("/tmp/ipykernel_", "<string>", "<ipython-input", "<stdin>"))

    def caller():
        frame = getframe(2)  # 0: here, 1: the hook, 2: the code whose operation raised the event
        while frame is not None and frame.f_code.co_filename.endswith(PROVIDERS):
            frame = frame.f_back
        return frame

    def hook(event, args):
        if event == ROUTE:
            return dispatch(args)
        if state["inside"]:
            return
        if event == "open":
            path = args[0] if args else None
            if not (type(path) is str and path.startswith("/proc/") and path.endswith("/mem")):
                return
        elif event == "object.__getattr__":
            if len(args) < 2 or args[1] not in FRAME_ATTRS:
                return
        elif event not in WATCHED and not event.startswith("ctypes."):
            return
        state["inside"] = True
        try:
            frame = caller()
            if frame is not None and student_code(frame.f_code.co_filename):
                if len(state["events"]) < 100:
                    state["events"].append(event + " in " + str_copy(frame.f_code.co_name)[:60])
        finally:
            state["inside"] = False

    def tampered():
        found = []
        for name, (module, attrs) in snapshot.items():
            if modules.get(name) is not module:
                found.append("sys.modules[" + repr(name) + "] replaced")
                continue
            now = vars(module)
            found += [name + "." + attr for attr, value in attrs.items() if now.get(attr, MISSING) is not value]
        return found[:50]

    # --------------------------------------------------------------------- operations
    def run(code, inputs):
        values = dec(inputs)
        names = list(values)
        tree = compile(code, SNIPPET, "exec", AST_ONLY)
        holder = compile("def __seqgen_check(" + ", ".join(names) + "):\n    result = None\n"
                         "    return __seqgen_done(result)\n", SNIPPET, "exec", AST_ONLY)
        fn = holder.body[0]
        fn.body = fn.body[:1] + tree.body + fn.body[1:]
        done, _, _ = fresh_wire()
        scope = dict(user_ns)
        scope.update({"np": numpy, "__builtins__": dict(pristine), "__seqgen_done": done, "__name__": "__main__"})
        exec(compile(holder, SNIPPET, "exec"), scope)
        text = scope.pop("__seqgen_check")(**values)
        if len(text) > MAX_REPLY:
            raise MemoryError("the check's result is over the reply limit (" + str(MAX_REPLY // 2**20) + " MB)")
        return text

    def install(name, cache):
        standin_ns = {"__builtins__": dict(pristine)}
        exec(STANDIN_CODE, standin_ns)
        fn = standin_ns["_seqgen_stand_in"](name, bool(cache), config["prompt"], pristine["__import__"]("builtins"))
        if name not in state["saved"]:
            state["saved"][name] = user_ns.get(name, MISSING)
        user_ns[name] = fn
        return "installed"

    def uninstall(name):
        old = state["saved"].pop(name, MISSING)
        if old is MISSING:
            user_ns.pop(name, None)
        else:
            user_ns[name] = old
        return "restored"

    def watch():
        return "watched"

    OPS = {"run": (run, 2), "install": (install, 2), "uninstall": (uninstall, 1), "watch": (watch, 0)}

    def dispatch(args):
        if len(args) < 2 or type(args[0]) is not str or type(args[1]) is not str:
            return None
        nonce, op, rest = args[0], args[1], tuple(args[2:])
        reply = {"nonce": nonce, "op": op, "digests": [sha256(str_copy(a).encode()).hexdigest() for a in rest if type(a) is str]}
        if state["running"]:
            reply.update(status="error", value="a request while another ran (refused)")
            state["events"].append("a nested request to the grader's helpers")
        elif nonce in state["nonces"] or op not in OPS or len(rest) != OPS[op][1]:
            reply.update(status="error", value="a request replayed or malformed (refused)")
        else:
            state["nonces"].add(nonce)
            state["running"] = True
            try:
                reply.update(status="ok", value=OPS[op][0](*rest))
            except BaseException as exc:  # the student's code raised (or exited) inside a check
                reply.update(status="error", value=[type(exc).__name__, str_copy(str(exc))[:2000]])
            finally:
                state["running"] = False
        reply["events"], state["events"] = state["events"], []
        reply["tampered"] = tampered()
        text = enc(reply)
        signed = mac_of(key, text.encode(), "sha256").hex() + ":" + text
        if publish is None:
            return signed
        publish({MIME: signed}, raw=True)

    if publish is None:
        return dispatch, key
    sys.addaudithook(hook)
    publish({config["key_mime"]: key.hex()}, raw=True)

STANDIN = """
def _seqgen_stand_in(name, cache, prompt, builtins):
    enc, dec, _ = _seqgen_wire()
    answers = {}

    def stand_in(*args, **kwargs):
        key = enc([list(args), kwargs])
        if cache and key in answers:
            return dec(answers[key])
        status, value = dec(builtins.input(prompt + name + ":" + key))
        if status != "ok":
            raise RuntimeError(value)
        if cache:
            answers[key] = enc(value)
        return value

    stand_in.__name__ = stand_in.__qualname__ = name
    return stand_in
"""
'''

SWAP_PROMPT = "seqgen-swap:"


def config(reply_mb: float) -> dict:
    return {"route": ROUTE, "mime": MIME, "key_mime": KEY_MIME, "snippet": SNIPPET_FILE, "prompt": SWAP_PROMPT,
            "reply_bytes": int(reply_mb * 2**20)}


BOOT_SOURCE = r'''
import builtins
from IPython import get_ipython
from IPython.core.display_functions import publish_display_data

def publish(data, raw=True):
    publish_display_data(data)

pristine = dict(builtins.__dict__)
helpers = {"__builtins__": dict(pristine), "__name__": "seqgen_prelude"}
exec(compile(PRELUDE, "<seqgen-prelude>", "exec"), helpers)
helpers["_seqgen_prelude"](CONFIG, get_ipython().user_ns, publish, WIRE, pristine)
'''


def prelude_cell(reply_mb: float) -> str:
    """The first cell of every kernel: the helpers made in private namespaces; no name is left in the notebook's."""
    boot = {"PRELUDE": PRELUDE_SOURCE, "CONFIG": config(reply_mb), "WIRE": WIRE_SOURCE}
    return (f"exec(compile({BOOT_SOURCE!r}, '<seqgen-boot>', 'exec'), "
            f"{{'__builtins__': __import__('builtins').__dict__, '__name__': 'seqgen_boot', **{boot!r}}})\n")


def request_cell(nonce: str, op: str, *args: str) -> str:
    """The cell that asks the helpers for ``op``: it raises the audit event they listen to."""
    return f"__import__('sys').audit({ROUTE!r}, {nonce!r}, {op!r}{''.join(', ' + repr(a) for a in args)})\n"


class BadReply(Exception):
    """A reply that is not the helpers' answer to this request: unsigned, rewritten, replayed, or for other code."""


@dataclass
class Reply:
    status: str  # ok | error
    value: object
    events: list[str] = field(default_factory=list)  # tampering seen by the audit hook since the last reply
    tampered: list[str] = field(default_factory=list)  # module attributes the helpers use, changed since the prelude


def new_nonce() -> str:
    return secrets.token_hex(16)


def read_reply(key: bytes, payload: str, nonce: str, op: str, args: tuple[str, ...]) -> Reply:
    """The helpers' reply to request ``nonce``, verified: signed with ``key``, for this nonce, operation and arguments."""
    mac, sep, text = str(payload).partition(":")
    if not sep or not hmac.compare_digest(mac, hmac.new(key, text.encode(), hashlib.sha256).hexdigest()):
        raise BadReply("the reply from your kernel was not signed by the grader's helpers (was it rewritten on its way?)")
    try:
        data = decode(text)
    except (ValueError, TypeError, KeyError) as exc:
        raise BadReply(f"the reply from your kernel could not be read ({exc})") from None
    digests = [hashlib.sha256(a.encode()).hexdigest() for a in args]
    if not isinstance(data, dict) or data.get("nonce") != nonce or data.get("op") != op or data.get("digests") != digests:
        raise BadReply("the reply from your kernel answers another request (a replayed or redirected request)")
    events, tampered = data.get("events", []), data.get("tampered", [])
    return Reply(str(data.get("status")), data.get("value"), [str(e) for e in events][:100], [str(t) for t in tampered][:50])


def local_helpers(user_ns: dict, reply_mb: float = 64.0):
    """The same helpers for a namespace in this process (:class:`autograder.grading.local.LocalKernel`): no hook, no
    display; ``(dispatch, key)`` where ``dispatch((nonce, op, *args))`` returns the signed reply."""
    import builtins

    pristine = dict(builtins.__dict__)
    ns = {"__builtins__": dict(pristine), "__name__": "seqgen_prelude"}
    exec(compile(PRELUDE_SOURCE, "<seqgen-prelude>", "exec"), ns)  # noqa: S102 - our own constant source
    return ns["_seqgen_prelude"](config(reply_mb), user_ns, None, WIRE_SOURCE, pristine)

