"""Public helpers for *Sequence Models and Generation*.

Students may import everything here: dataset loading (:mod:`seqgen.data`,
:mod:`seqgen.corpora`), visible checks (:mod:`seqgen.checks`), plots
(:mod:`seqgen.plot`), device/seed helpers (:mod:`seqgen.device`), the NumPy time
layers chapter 5 teaches and later chapters reuse (:mod:`seqgen.layers`), the chapters'
notebook setup (:mod:`seqgen.notebook`) and earlier chapters' answers once released
(:mod:`seqgen.released`). This package holds no answer of any exercise.
"""

from .checks import check_close, check_dtype, check_equal, check_probabilities, check_shape, numerical_gradient, passed
from .device import autograding, resolve_device, seed_everything
from .notebook import glue, notebook_setup
from .released import released

__all__ = [
    "autograding",
    "check_close",
    "check_dtype",
    "check_equal",
    "check_probabilities",
    "check_shape",
    "glue",
    "notebook_setup",
    "numerical_gradient",
    "passed",
    "released",
    "resolve_device",
    "seed_everything",
]
__version__ = "0.1.0"
