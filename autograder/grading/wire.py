"""The wire between the grader and the student's kernel: plain data only.

The same code runs on both sides: in the checker as this module, and in the student's
kernel as the source text :data:`WIRE_SOURCE` (nothing of the course is importable there).
Arrays, scalars, strings and containers of them cross as JSON (arrays as ``.npy`` bytes);
nothing is unpickled; any other value becomes an :class:`Opaque` (its type and a short repr).
:data:`RUN_SOURCE` runs a check's snippet in the kernel with inputs bound and returns its ``result``.
"""

from __future__ import annotations

from typing import Any


class Opaque:
    """A value the wire does not carry (a model, a tensor, a function): its type and a short repr."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.text}>"


WIRE_SOURCE = r'''
def _seqgen_wire():
    import base64, io, json
    import numpy as np

    def enc(v, depth=0):
        if depth > 20:
            raise ValueError("value nested too deeply")
        if v is None or isinstance(v, (bool, str)):
            return v
        if type(v) is int:
            return {"__int__": str(v)}
        if type(v) is float:
            return {"__float__": repr(v)}
        if isinstance(v, np.ndarray) and v.dtype != object:
            buf = io.BytesIO()
            np.save(buf, np.require(v, requirements="C"), allow_pickle=False)  # keeps 0-d arrays 0-d
            return {"__nd__": base64.b64encode(buf.getvalue()).decode()}
        if isinstance(v, np.generic) and not isinstance(v, np.object_):
            return {"__np__": enc(np.asarray(v), depth + 1)}
        if isinstance(v, bytes):
            return {"__bytes__": base64.b64encode(v).decode()}
        if isinstance(v, (list, tuple)):
            return {"__list__" if isinstance(v, list) else "__tuple__": [enc(x, depth + 1) for x in v]}
        if isinstance(v, dict):
            return {"__dict__": [[enc(a, depth + 1), enc(b, depth + 1)] for a, b in v.items()]}
        t = type(v)
        return {"__opaque__": f"{t.__module__}.{t.__qualname__}", "repr": repr(v)[:200]}

    def dec(v):
        if not isinstance(v, dict):
            return v
        if "__int__" in v:
            return int(v["__int__"])
        if "__float__" in v:
            return float(v["__float__"])
        if "__nd__" in v:
            return np.load(io.BytesIO(base64.b64decode(v["__nd__"])), allow_pickle=False)
        if "__np__" in v:
            return dec(v["__np__"])[()]
        if "__bytes__" in v:
            return base64.b64decode(v["__bytes__"])
        if "__list__" in v:
            return [dec(x) for x in v["__list__"]]
        if "__tuple__" in v:
            return tuple(dec(x) for x in v["__tuple__"])
        if "__dict__" in v:
            return {_key(dec(a)): dec(b) for a, b in v["__dict__"]}
        if "__opaque__" in v:
            return OPAQUE(v["__opaque__"], v.get("repr", ""))
        raise ValueError(f"unknown wire value {sorted(v)}")

    def _key(k):
        return tuple(k) if isinstance(k, list) else k

    class OPAQUE:
        def __init__(self, type_name, text):
            self.type_name, self.text = type_name, text

        def __repr__(self):
            return f"<{self.type_name} {self.text}>"

    return (lambda v: json.dumps(enc(v))), (lambda s: dec(json.loads(s))), OPAQUE
'''

_ns: dict = {}
exec(WIRE_SOURCE, _ns)  # noqa: S102 - our own constant source, the same text the kernel runs
_encode, _decode, _KernelOpaque = _ns["_seqgen_wire"]()


def encode(value: Any) -> str:
    """Plain data -> JSON text (arrays as .npy bytes); anything else becomes an :class:`Opaque`."""
    return _encode(value)


def decode(text: str) -> Any:
    """JSON text from :func:`encode` -> the value; opaque values become :class:`Opaque`."""
    value = _decode(text)
    return _fix_opaque(value)


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


RUN_SOURCE = r'''
def _seqgen_run(_code, _inputs, _globals):
    _enc, _dec, _ = _seqgen_wire()
    scope = dict(_globals)
    scope.update(_dec(_inputs))
    exec(compile(_code, "<hidden check>", "exec"), scope)
    return _enc(scope.get("result"))
'''
