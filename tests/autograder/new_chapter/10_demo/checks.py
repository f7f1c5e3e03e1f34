"""Hidden checks of the demo chapter (tests/autograder/test_new_chapter.py adds it to a copy of the course)."""

import numpy as np

from autograder.grading.checks import Checks, expect

checks = Checks()


@checks.exercise("running_total")
def _(k):
    """Contract: x (N,) -> a new (N,) array of running totals; x unchanged."""
    x = np.random.default_rng(3).integers(-9, 10, size=11)
    got = k.run("result = (running_total(x), x)", x=x)
    expect.array(got[0], "running totals", shape=(11,))
    expect.equal(got[0], np.cumsum(x), "running totals of 11 integers")
    expect.equal(got[1], x, "the input after the call (unchanged)")
