"""The in-process kernel (LocalKernel) that authors and the fast mutant tests use, and the wire it shares with the grader."""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from autograder.grading.local import LocalKernel, local_kernel_for
from autograder.grading.wire import decode, encode


def _square(x: int) -> int:
    return x * x


@pytest.mark.slow
def test_running_a_chapter_in_process_leaves_main_alone_and_spawn_working():
    """After chapters ran in this process, is __main__ still ours (a spawn pool starts) and each kernel still whole?"""
    main = sys.modules["__main__"]
    before = os.environ.get("NBGRADER_EXECUTION")
    kernel = local_kernel_for("06_peeky_reverse")
    assert os.environ.get("NBGRADER_EXECUTION") == before  # a later site build must train (it found no figures)
    assert kernel.defines("reverse_questions")
    other = local_kernel_for("02_tokenization")  # another chapter after it: the first kernel keeps its names
    assert other.defines("pad_punctuation") and not other.defines("reverse_questions")
    assert kernel.call("reverse_questions", np.arange(6).reshape(2, 3)).tolist() == [[2, 1, 0], [5, 4, 3]]
    assert sys.modules["__main__"] is main
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(_square, 7).result(timeout=120) == 49


def test_numpy_scalars_and_zero_d_arrays_keep_their_shape_on_the_wire():
    """Does a NumPy scalar come back as a scalar of its type, and a 0-d array as 0-d (not as shape (1,))?"""
    back = decode(encode([np.int64(3), np.float32(0.5), np.array(2.5), np.arange(6).reshape(2, 3)[:, ::2]]))
    assert type(back[0]) is np.int64 and back[0] == 3
    assert type(back[1]) is np.float32 and back[1] == 0.5
    assert back[2].shape == () and back[2] == 2.5
    assert back[3].tolist() == [[0, 2], [3, 5]]


def test_a_cached_swap_asks_the_checker_once_per_distinct_call():
    """With cache=True, is the reference run once per distinct arguments, each caller getting its own copy?"""
    kernel = LocalKernel({"np": np})
    calls = []

    def reference(p, t):
        calls.append(t)
        return np.asarray(p) * t

    code = "a = f(np.ones(2), 2.0)\na[0] = 99\nresult = [f(np.ones(2), 2.0), f(np.ones(2), 3.0), f(np.ones(2), 2.0)]"
    with kernel.swap("f", reference, cache=True):
        got = kernel.run(code)
    assert calls == [2.0, 3.0] and [g.tolist() for g in got] == [[2.0, 2.0], [3.0, 3.0], [2.0, 2.0]]
    with kernel.swap("f", reference):
        kernel.run(code)
    assert calls == [2.0, 3.0] + [2.0, 2.0, 3.0, 2.0]
    assert "f" not in kernel.ns
