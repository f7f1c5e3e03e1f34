"""Shared fixtures: the data mirror, the released answers, and devices to run the reference on; xdist groups that hold."""

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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Keep each ``xdist_group`` on one worker under pytest 9.2.

    pytest-xdist 3.8 groups a test by appending ``@<group>`` to its node id through ``item._nodeid``, which
    pytest 9.2 no longer reads (a node id is now ``str(item._id)``): ``--dist loadgroup`` then ignored every
    group, and each worker built the site, graded the batches and ran the chapters itself, or waited for the
    other's build lock. This gives the id xdist means to give (a no-op where xdist's own suffix holds).
    """
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # a pytest that still reads item._nodeid: xdist's own suffix works
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")})
        if names and item.nodeid.rfind("@") <= item.nodeid.rfind("]"):
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
