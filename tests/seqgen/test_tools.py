"""The visible side of a NumPy-only exercise: seqgen.tools.check_numpy_only names the forbidden tool a function uses."""

from __future__ import annotations

import types

import numpy as np
import pytest

from seqgen.tools import FORBIDDEN_TOOLS, check_numpy_only, tools_used


def test_the_visible_test_names_the_tool_the_student_used():
    """Does seqgen's visible check find a forbidden import, global or helper, and pass plain NumPy?"""
    ns = {"np": np, "keras_ops": types.ModuleType("keras.ops")}
    exec("def plain(x):\n    return np.tanh(x)\n"  # noqa: S102
         "def inside(x):\n    import torch\n    return torch.tanh(x)\n"
         "def through_alias(x):\n    return keras_ops.tanh(x)\n"
         "def through_helper(x):\n    return inside(x) + 1\n", ns)
    check_numpy_only(ns["plain"])
    assert tools_used(ns["inside"]) == ["torch"]
    assert tools_used(ns["through_alias"]) == ["keras"]
    assert tools_used(ns["through_helper"]) == ["torch"]
    with pytest.raises(AssertionError, match="through_helper must be written with NumPy alone, but it uses torch"):
        check_numpy_only(ns["through_helper"])


def test_the_forbidden_tools_are_the_frameworks_and_autograd():
    assert set(FORBIDDEN_TOOLS) == {"torch", "tensorflow", "keras", "jax", "autograd"}
