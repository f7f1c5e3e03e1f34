"""The command line's grading limits."""

from __future__ import annotations

import argparse
import dataclasses

from autograder.cli import LIMIT_FLAGS, add_limit_flags, limits_from
from autograder.grading.sandbox import Limits


def test_every_flag_reaches_the_limits():
    """Does each limit flag set its field of Limits (the kernel's interpreter included), and the defaults stay Limits'?"""
    parser = argparse.ArgumentParser()
    add_limit_flags(parser)
    assert limits_from(parser.parse_args([])) == Limits()
    limits = limits_from(parser.parse_args(["--kernel-python", "/opt/venv/bin/python", "--memory-mb", "1234"]))
    assert limits.kernel_python == "/opt/venv/bin/python" and limits.memory_mb == 1234


def test_no_limit_is_left_without_a_flag():
    """Is every field of Limits but the debugging ones (network, seqgen_dir) settable from the command line?"""
    fields = {f.name for f in dataclasses.fields(Limits)} - {"network", "seqgen_dir"}
    assert fields == set(LIMIT_FLAGS), sorted(fields ^ set(LIMIT_FLAGS))
