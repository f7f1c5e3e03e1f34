"""Public helpers for *Sequence Models and Generation*.

Students may import everything here: dataset loading (:mod:`seqgen.data`,
:mod:`seqgen.corpora`), visible checks (:mod:`seqgen.checks`), plots
(:mod:`seqgen.plot`), device/seed helpers (:mod:`seqgen.device`) and the NumPy time
layers chapter 5 teaches and later chapters reuse (:mod:`seqgen.layers`).
"""

from .checks import check_close, check_dtype, check_equal, check_probabilities, check_shape, numerical_gradient, passed
from .device import autograding, resolve_device, seed_everything

__all__ = [
    "autograding",
    "check_close",
    "check_dtype",
    "check_equal",
    "check_probabilities",
    "check_shape",
    "numerical_gradient",
    "passed",
    "resolve_device",
    "seed_everything",
]
__version__ = "0.1.0"
