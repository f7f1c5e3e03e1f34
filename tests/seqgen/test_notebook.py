"""seqgen.notebook: a cell stopped by an unanswered exercise leaves stand-ins that say so; glue for the prose."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from seqgen.notebook import _after_cell, cell_bindings
from seqgen.released import Unavailable


def test_cell_bindings_are_the_names_a_cell_binds_at_top_level():
    """Are assignments, loops, with-targets, imports, functions and classes found, inside if/try too, not in functions?"""
    source = ("import numpy as np\nfrom os import path as p\nx, (y, z) = 1, (2, 3)\nfor i in range(2):\n    w = i\n"
              "if x:\n    v: int = 1\nelse:\n    u = 2\ntry:\n    t = 1\nexcept Exception:\n    s = 2\n"
              "with open('f') as fh:\n    pass\ndef f():\n    inner = 1\nclass C:\n    attr = 1\n%time q = 1\n")
    assert cell_bindings(source) == ["np", "p", "x", "y", "z", "i", "w", "v", "u", "t", "s", "fh", "f", "C"]
    assert cell_bindings("def broken(:\n") == []


def run_cell(shell, source):
    """Run ``source`` as IPython would, then the post-run hook, with the error it raised."""
    error = None
    try:
        exec(source, shell.user_ns)  # noqa: S102 - the test's own code
    except Exception as exc:  # noqa: BLE001 - the hook sees every error, as IPython's result does
        error = exc
    _after_cell(shell, SimpleNamespace(error_in_exec=error, info=SimpleNamespace(raw_cell=source)))
    return error


def test_names_a_stopped_cell_did_not_make_become_stand_ins_naming_the_exercise():
    """After a cell stops at a stub, do its unmade names raise NotImplementedError naming the stub, and cascade?"""
    shell = SimpleNamespace(user_ns={})
    run_cell(shell, "def build_model():\n    # YOUR CODE HERE\n    raise NotImplementedError()\n")  # nbgrader's stub
    assert isinstance(run_cell(shell, "kept = 1\nmodel = build_model()\nlater = 2\n"), NotImplementedError)
    assert shell.user_ns["kept"] == 1  # made before the stub: kept as it is
    assert isinstance(shell.user_ns["model"], Unavailable) and isinstance(shell.user_ns["later"], Unavailable)
    error = run_cell(shell, "summary = model.summary()\n")
    assert isinstance(error, NotImplementedError) and "`build_model`, an exercise not answered yet" in str(error)
    # the next cell down names the first cause, not the stand-in
    with pytest.raises(NotImplementedError, match="`build_model`"):
        shell.user_ns["summary"]()


def test_other_errors_leave_the_names_alone():
    """Does a cell that fails otherwise (a KeyError) leave its names unbound, as Python would?"""
    shell = SimpleNamespace(user_ns={})
    assert isinstance(run_cell(shell, "a = {}['missing']\n"), KeyError)
    assert "a" not in shell.user_ns
