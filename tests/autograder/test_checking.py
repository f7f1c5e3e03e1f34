"""The in-process kernel (LocalKernel) that authors and the fast mutant tests use."""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

from autograder.checking import local_kernel_for


def _square(x: int) -> int:
    return x * x


@pytest.mark.slow
def test_running_a_chapter_in_process_leaves_main_alone_and_spawn_working():
    """After a chapter ran in this process, is __main__ still ours, so that a spawn pool (batch.grade) starts?"""
    main = sys.modules["__main__"]
    kernel = local_kernel_for("06_peeky_reverse")
    assert kernel.defines("reverse_questions")
    assert sys.modules["__main__"] is main
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(_square, 7).result(timeout=120) == 49


def test_the_wire_keeps_numpy_scalars_and_zero_d_arrays_as_they_are():
    """Does a NumPy scalar cross the wire as a scalar of its dtype, and a 0-d array as a 0-d array (not shape (1,))?"""
    import numpy as np

    from autograder.checking import decode, encode

    scalar, zero_d, fortran = decode(encode([np.int64(8), np.array(2.5), np.asfortranarray(np.arange(6).reshape(2, 3))]))
    assert isinstance(scalar, np.int64) and scalar == 8
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == () and zero_d == 2.5
    assert fortran.shape == (2, 3) and fortran.tolist() == [[0, 1, 2], [3, 4, 5]]
