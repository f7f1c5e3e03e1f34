"""Shared fixtures: the data mirror, the released answers, and devices to run the reference on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MIRROR = ROOT.parent / "shared" / "data"

# The registry reads the offline mirror; the Makefile and .ci/run set this too.
if not os.environ.get("SEQGEN_DATA_MIRROR") and DEFAULT_MIRROR.is_dir():
    os.environ["SEQGEN_DATA_MIRROR"] = str(DEFAULT_MIRROR)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_configure(config):
    """Generate the released answers (``seqgen_answers/``, every chapter) from the book's answer cells before
    anything imports them (``solutions``, the chapters): a test never runs on answers older than the book."""
    from autograder.answers import write_course_package

    write_course_package()


def devices() -> list[str]:
    import torch

    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(params=devices())
def device(request):
    """Each reference test runs on the CPU, and on CUDA where present."""
    import torch

    return torch.device(request.param)
