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
