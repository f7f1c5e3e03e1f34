"""Earlier chapters' answers, once the instructor has released them.

The course package a student installs on day one holds no answer of any exercise. After a
chapter's deadline the instructor hands out ``seqgen_answers`` (a wheel: ``pip install
seqgen_answers-N-py3-none-any.whl``) with the reference answers of chapters 1 to N, one module
per chapter. A later chapter that reuses an earlier answer takes it from there::

    TimeLSTM = released("05_seq2seq", "TimeLSTM")  # chapter 5's, released after its deadline
    build_char_gru, sample_with_temperature = released("03_char_rnn", "build_char_gru", "sample_with_temperature")

Before that chapter is released, each name is a stand-in that raises ``NotImplementedError``
saying so when it is used: the cells that need it stop with that message, the others run.
"""

from __future__ import annotations

import importlib

__all__ = ["Unavailable", "released"]


def module_name(stem: str) -> str:
    """``"05_seq2seq"`` -> ``"seqgen_answers.ch05_seq2seq"``."""
    return f"seqgen_answers.ch{stem}"


class Unavailable:
    """A stand-in for a name that is not available: any use raises ``NotImplementedError(f"{name}: {message}")``.

    The error carries ``reason`` (default ``message``) as ``seqgen_reason``, so that a stand-in made
    because of another one names the first cause (:mod:`seqgen.notebook`).
    """

    def __init__(self, name: str, message: str, reason: str | None = None):
        object.__setattr__(self, "_message", f"{name}: {message}")
        object.__setattr__(self, "_reason", reason or message)

    def _fail(self, *args, **kwargs):
        error = NotImplementedError(object.__getattribute__(self, "_message"))
        error.seqgen_reason = object.__getattribute__(self, "_reason")
        raise error

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)  # copy, pickle and IPython's display probe dunders: not a use
        self._fail()

    def __repr__(self):
        return f"<not available: {object.__getattribute__(self, '_message')}>"

    __call__ = __getitem__ = __iter__ = __len__ = __bool__ = __setattr__ = __setitem__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __matmul__ = _fail
    __lt__ = __le__ = __gt__ = __ge__ = __float__ = __int__ = __index__ = __array__ = __format__ = _fail


def released(stem: str, *names: str):
    """The objects ``names`` of chapter ``stem``'s released answers (one object for one name, else a tuple)."""
    if not names:
        raise TypeError("released(stem, name, ...) needs at least one name")
    number = int(stem[:2])
    try:
        module = importlib.import_module(module_name(stem))
    except ModuleNotFoundError as exc:
        if exc.name not in ("seqgen_answers", module_name(stem)):
            raise
        message = (f"chapter {number}'s answers are not released yet (your instructor hands them out after its "
                   f"deadline: pip install seqgen_answers-{number}-py3-none-any.whl, or a later one), or paste your "
                   f"own answer from chapter {number} here")
        print(f"Not installed yet: {', '.join(names)} from chapter {number}'s released answers; the cells that use "
              "them will say so.")
        found = tuple(Unavailable(name, message) for name in names)
    else:
        missing = [name for name in names if not hasattr(module, name)]
        if missing:
            raise ImportError(f"chapter {number}'s released answers have no {', '.join(missing)}")
        found = tuple(getattr(module, name) for name in names)
    return found[0] if len(found) == 1 else found
