"""The tool watch of autograder/grading/tools.py: does a numpy-only exercise's hidden check score 0 when the answer
calls a forbidden tool, and only then?

The watch (:mod:`autograder.grading.tools`) is tried in a :class:`LocalKernel` with standard-library modules
standing for the forbidden tools (``math`` for a builtin, ``statistics`` for Python code), so the tests are fast;
``book/01_lstm_intro/mutants.py`` keeps a PyTorch answer that ``test_mutants.py`` proves loses exactly its points.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.checks import expect, run_check
from autograder.grading.local import LocalKernel
from autograder.grading.tools import forbidding

TOOLS = ("math", "statistics")


def root_check(k):
    """The hidden check of an exercise ``root(x)``: the square root, elementwise."""
    x = np.array([1.0, 4.0, 9.0])
    expect.close(k.run("result = [root(v) for v in x]", x=x), [1.0, 2.0, 3.0], "root", atol=1e-12, rtol=0)


def kernel_with(answer: str) -> LocalKernel:
    ns = {"np": np}
    exec(answer, ns)  # noqa: S102 - our own answers
    return LocalKernel(ns)


PLAIN = "def root(v):\n    return float(np.sqrt(v))\n"
WRONG_TOOLS = {
    "a builtin of the module": "import math\ndef root(v):\n    return math.sqrt(v)\n",
    "an import inside the function": "def root(v):\n    import math\n    return math.sqrt(v)\n",
    "Python code of the module, through a helper": (
        "import statistics\ndef _mean(v):\n    return statistics.fmean([v, v])\n"
        "def root(v):\n    return float(np.sqrt(_mean(v)))\n"),
    "a module-level alias": "from math import sqrt as s\ndef root(v):\n    return s(v)\n",
}


def test_a_numpy_answer_passes_the_watched_check():
    """Does the watch leave a NumPy answer's full marks alone?"""
    assert run_check(forbidding(root_check, TOOLS, "root"), kernel_with(PLAIN)) == (True, "passed")


@pytest.mark.parametrize("label", WRONG_TOOLS)
def test_right_values_from_a_forbidden_tool_score_zero_with_a_message_naming_it(label):
    """Does an answer with the right values, computed by a forbidden tool, pass unwatched but score 0 watched,
    with a message that names the tool?"""
    kernel = kernel_with(WRONG_TOOLS[label])
    assert run_check(root_check, kernel) == (True, "passed")
    passed, message = run_check(forbidding(root_check, TOOLS, "root"), kernel)
    assert not passed
    assert "root must be written with NumPy alone" in message and ("math" in message or "statistics" in message)


def test_the_watch_is_off_after_the_check_and_between_checks():
    """Is a call outside the check (here: the grader's own use of the module) never counted against the next one?"""
    kernel = kernel_with(PLAIN)
    import math

    math.sqrt(2.0)  # the grader's own call, before the check
    assert run_check(forbidding(root_check, TOOLS, "root"), kernel)[0]
    run_check(forbidding(root_check, TOOLS, "root"), kernel_with(WRONG_TOOLS["a builtin of the module"]))
    assert run_check(forbidding(root_check, TOOLS, "root"), kernel)[0], "the last kernel's note leaked into this check"


def test_a_tampered_record_fails_the_check():
    """Does a kernel that writes its own note of the tools (a name the grader never asked about) lose the points?"""
    kernel = kernel_with(PLAIN + "import sys\n_real = root\ndef root(v):\n"
                                 "    sys.__dict__['_seqgen_tools_seen'] = {'nothing to see'}\n    return _real(v)\n")
    passed, message = run_check(forbidding(root_check, TOOLS, "root"), kernel)
    assert not passed and "tampered" in message


def test_an_exercise_without_forbidden_tools_keeps_its_check_as_is():
    assert forbidding(root_check, (), "root") is root_check


# --------------------------------------------------------------------------- the grader's reading of the sources
FORBIDDEN = ("torch", "tensorflow", "keras", "jax", "autograd")
SETUP = ["import numpy as np\nimport tensorflow as tf\nfrom keras import ops\n%matplotlib inline", "import keras"]


@pytest.mark.parametrize("answer, found", [
    ("def f(x):\n    return np.exp(x) / np.exp(x).sum()", []),
    ("def f(x):\n    return tf.nn.softmax(x).numpy()", ["tensorflow"]),  # a name a set-up cell bound
    ("def f(x):\n    return np.asarray(ops.softmax(x))", ["keras"]),  # from keras import ops
    ("def f(x):\n    return keras.ops.softmax(x)", ["keras"]),
    ("import torch\ndef f(x):\n    return torch.softmax(torch.tensor(x), -1).numpy()", ["torch"]),
    ("def f(x):\n    from jax import numpy as jnp\n    return jnp.exp(x)", ["jax"]),
    ("def f(x:\n", []),  # does not parse: nothing read (the check decides)
])
def test_the_grader_reads_forbidden_tools_in_the_answer_source(answer, found):
    """Does the source reading name the forbidden packages an answer uses, through its imports or a cell's, and no other?"""
    from autograder.grading.tools import tools_in_source

    assert tools_in_source(answer, SETUP, FORBIDDEN) == found


def test_each_chapter_s_reference_reads_clean_and_its_tool_answers_do_not():
    """Does every numpy-only reference answer (and alternative) read clean against its own notebook, and every kept
    'tool:' wrong answer name its tool?"""
    from autograder import course
    from autograder.grading.tools import tools_in_source

    checked = 0
    for stem in course.stems():
        chapter = course.chapter(stem)
        cells = [c.source for c in chapter.notebook().cells if c.cell_type == "code"]
        for ex in chapter.exercises:
            if not ex.forbidden:
                continue
            answers = [chapter.reference_answers[ex.id], *chapter.alternatives.get(ex.id, [])]
            assert all(tools_in_source(a, cells, ex.forbidden) == [] for a in answers), (stem, ex.id)
            for label, code in chapter.mutants.get(ex.id, {}).items():
                if label.startswith("tool:"):
                    assert tools_in_source(code, cells, ex.forbidden), (stem, ex.id, label)
                    checked += 1
    assert checked >= 3
