"""Imported first by every benchmark script, before torch loads: the environment the timings assume.

libgomp reads ``OMP_WAIT_POLICY`` when torch loads (``--omp-default`` measures its default: spin, then
sleep); TensorFlow's log level; the repository root on ``sys.path`` (scripts run as ``python benchmarks/X.py``).
"""

import os
import sys

if "--omp-default" in sys.argv:
    os.environ.pop("OMP_WAIT_POLICY", None)
else:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
