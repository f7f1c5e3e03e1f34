"""The test suite's own machinery: does ``--dist loadgroup`` keep a group on one worker?"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITE = '''
import os, pytest

def record(name):
    with open(os.environ["ORDER_LOG"], "a") as fh:
        fh.write(f"{os.environ.get('PYTEST_XDIST_WORKER')} {name}\\n")

@pytest.mark.xdist_group("together")
@pytest.mark.parametrize("i", range(6))
def test_grouped(i):
    record(f"grouped{i}")

@pytest.mark.parametrize("i", range(6))
def test_free(i):
    record(f"free{i}")
'''


def test_a_group_runs_on_one_worker(tmp_path):
    """Under -n 2 --dist loadgroup (the suite's settings), do the six tests of one xdist_group all run on one
    worker, while the ungrouped ones spread over both?"""
    (tmp_path / "test_demo.py").write_text(SUITE)
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    log = tmp_path / "order.log"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider",
                           "-o", "addopts=", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True,
                          env={"ORDER_LOG": str(log), "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(ROOT)})  # the conftest imports the course, as under make test
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    runs = [line.split() for line in log.read_text().splitlines()]
    grouped = {worker for worker, name in runs if name.startswith("grouped")}
    assert len([1 for _, name in runs if name.startswith("grouped")]) == 6
    assert len(grouped) == 1, f"the group ran on {sorted(grouped)}"
    assert {worker for worker, name in runs if name.startswith("free")} == {"gw0", "gw1"}
