"""The wire between the grader and the student's kernel: plain data only.

The same code runs on both sides: in the checker as this module, and in the student's kernel as the source
text :data:`WIRE_SOURCE`, executed by the kernel's helpers (:mod:`autograder.grading.prelude`) in a private
namespace before any student cell runs. Arrays, scalars, strings and containers of them cross as JSON
(arrays as their dtype, shape and raw bytes); nothing is unpickled; any other value becomes an
:class:`Opaque` (its type and a short repr).

The kernel is the adversary, so the encoder trusts nothing of what it encodes and nothing the student's code
can rebind: it calls only C functions captured when it is made (the ``_json`` encoder and scanner, ``binascii``,
``numpy.frombuffer``/``array``), reads containers through their base types (a list subclass's ``__iter__``
is never called), and runs in two passes: every value is captured first (with the garbage collector paused,
so no finalizer runs in between), and only then are the reprs of opaque values taken, the one place where
code of the student's (a ``__repr__``) may run, after every value has been read.
"""

from __future__ import annotations

from typing import Any

OVERSIZE = "__seqgen_oversize__"  # a kernel message too large to read, as the grader sees it: {OVERSIZE: its size in bytes}


class Opaque:
    """A value the wire does not carry (a model, a tensor, a function): its type and a short repr."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.text}>"


WIRE_SOURCE = r'''
def _seqgen_wire():
    import _json, binascii, gc
    import json.decoder
    import numpy as np

    ndarray, generic, object_, np_dtype = np.ndarray, np.generic, np.object_, np.dtype
    frombuffer, np_array, np_asarray = np.frombuffer, np.array, np.asarray
    b2a, a2b = binascii.b2a_base64, binascii.a2b_base64
    gc_enabled, gc_disable, gc_enable = gc.isenabled, gc.disable, gc.enable
    dump = _json.make_encoder(None, None, _json.encode_basestring_ascii, None, ":", ",", False, False, False)
    scan = json.decoder.JSONDecoder().scan_once
    join, list_iter, tuple_iter, dict_items = "".join, list.__iter__, tuple.__iter__, dict.items
    str_copy, int_repr, float_repr = str.__str__, int.__repr__, float.__repr__
    KINDS = "biufcUSMm"  # bool, integers, floats, complex, text, bytes, dates: no object or structured dtypes
    MAX_DEPTH = 20

    def capture(v, depth, opaque):
        if depth > MAX_DEPTH:
            raise ValueError("value nested too deeply")
        t = type(v)  # the real type: isinstance() would ask the value's own __class__
        if v is None or t is bool or t is str:
            return v
        if issubclass(t, str):
            return str_copy(v)
        if issubclass(t, int):
            return {"__int__": int_repr(v)}
        if issubclass(t, float):
            return {"__float__": float_repr(v)}
        if issubclass(t, ndarray):
            a = v if t is ndarray else np_array(v, copy=True, subok=False)
            if a.dtype.kind in KINDS:
                data = b2a(a.tobytes(), newline=False).decode("ascii")
                return {"__nd__": [a.dtype.str, [int(n) for n in a.shape], data]}
        elif issubclass(t, generic) and not issubclass(t, object_):
            return {"__np__": capture(np_asarray(v), depth + 1, opaque)}
        elif issubclass(t, bytes):
            return {"__bytes__": b2a(v, newline=False).decode("ascii")}
        elif issubclass(t, (list, tuple)):
            listed = issubclass(t, list)
            items = list_iter(v) if listed else tuple_iter(v)
            return {"__list__" if listed else "__tuple__": [capture(x, depth + 1, opaque) for x in items]}
        elif issubclass(t, dict):
            return {"__dict__": [[capture(a, depth + 1, opaque), capture(b, depth + 1, opaque)] for a, b in dict_items(v)]}
        slot = {"__opaque__": "", "repr": ""}
        opaque.append((slot, v))
        return slot

    def describe(slot, v):
        t = type(v)
        try:
            slot["__opaque__"] = str_copy(type.__getattribute__(t, "__module__")) + "." + str_copy(type.__getattribute__(t, "__qualname__"))
        except Exception:
            slot["__opaque__"] = "object"
        try:
            slot["repr"] = str_copy(repr(v))[:200]
        except Exception as exc:
            slot["repr"] = "<repr raised " + type(exc).__name__ + ">"

    def enc(v):
        opaque = []
        paused = gc_enabled()
        gc_disable()
        try:
            tree = capture(v, 0, opaque)
        finally:
            if paused:
                gc_enable()
        for slot, value in opaque:
            describe(slot, value)
        return join(dump(tree, 0))

    def dec(text):
        if type(text) is not str:
            raise ValueError("a wire value is JSON text")
        try:
            value, end = scan(text, 0)
        except StopIteration:
            raise ValueError("not JSON text") from None
        if text[end:].strip():
            raise ValueError("extra data after a wire value")
        return load(value, 0)

    def load(v, depth):
        if depth > MAX_DEPTH:
            raise ValueError("value nested too deeply")
        if type(v) is list:
            raise ValueError("a bare list on the wire")
        if type(v) is not dict:
            return v
        if "__int__" in v:
            return int(v["__int__"])
        if "__float__" in v:
            return float(v["__float__"])
        if "__nd__" in v:
            kind, shape, data = v["__nd__"]
            dt = np_dtype(kind)
            if dt.kind not in KINDS or type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
                raise ValueError("not an array of plain values")
            return frombuffer(a2b(data), dtype=dt).reshape(shape).copy()
        if "__np__" in v:
            return load(v["__np__"], depth + 1)[()]
        if "__bytes__" in v:
            return a2b(v["__bytes__"])
        if "__list__" in v:
            return [load(x, depth + 1) for x in v["__list__"]]
        if "__tuple__" in v:
            return tuple(load(x, depth + 1) for x in v["__tuple__"])
        if "__dict__" in v:
            return {key(load(a, depth + 1)): load(b, depth + 1) for a, b in v["__dict__"]}
        if "__opaque__" in v:
            return OPAQUE(str(v["__opaque__"]), str(v.get("repr", "")))
        raise ValueError(f"unknown wire value {sorted(v)[:5]}")

    def key(k):
        return tuple(k) if isinstance(k, list) else k

    class OPAQUE:
        def __init__(self, type_name, text):
            self.type_name, self.text = type_name, text

        def __repr__(self):
            return f"<{self.type_name} {self.text}>"

    return enc, dec, OPAQUE
'''

_ns: dict = {}
exec(WIRE_SOURCE, _ns)  # noqa: S102 - our own constant source, the same text the kernel runs
_encode, _decode, _KernelOpaque = _ns["_seqgen_wire"]()


def encode(value: Any) -> str:
    """Plain data -> JSON text (arrays as dtype, shape and bytes); anything else becomes an :class:`Opaque`."""
    return _encode(value)


def decode(text: str) -> Any:
    """JSON text from :func:`encode` -> the value; opaque values become :class:`Opaque`."""
    return _fix_opaque(_decode(text))


def _fix_opaque(value):
    if isinstance(value, _KernelOpaque):
        return Opaque(value.type_name, value.text)
    if isinstance(value, list):
        return [_fix_opaque(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_fix_opaque(v) for v in value)
    if isinstance(value, dict):
        return {k: _fix_opaque(v) for k, v in value.items()}
    return value


def call_source(name: str, n_args: int, kwarg_names: list[str]) -> str:
    args = ", ".join([f"_seqgen_arg{i}" for i in range(n_args)] + [f"{k}=_seqgen_kw_{k}" for k in kwarg_names])
    return f"result = {name}({args})"
