"""Hostile submissions for chapter 6, each with the scores it must get.

A case is a dict: ``answers`` (exercise id -> the code of that answer cell; the others are the
reference), optional ``tests`` (exercise id -> new test-cell source, or None to delete it), optional
``insert`` (exercise id -> a code cell the student adds just before that answer cell),
and ``expect`` (the exercises that must score 0; every other exercise gets full marks).
In code, ``{REF}`` is replaced by the reference answer of that exercise, ``{ROOT}`` by the
checkout's path and ``{TAG}`` by a per-run marker (so that writes can be looked for afterwards).
"""

RQ = "def reverse_questions(x):\n    return x[:, ::-1].copy()\n"
WRONG_RQ = "def reverse_questions(x):\n    return x[::-1].copy()\n"
WRONG_PF = "def peeky_forward(layers, xs, h):\n    return np.zeros((xs.shape[0], xs.shape[1], layers.affine.params[1].shape[0]))\n"
WRONG_PB = "def peeky_backward(layers, dscore):\n    return np.zeros((dscore.shape[0], layers.lstm.params[1].shape[0]))\n"

CASES = {
    # Not an attack: a helper in a cell the student added must stay in its place (full marks).
    "adds_a_helper_cell": {"insert": {"reverse_questions": "def _flip(x):\n    return x[:, ::-1].copy()\n"},
                           "answers": {"reverse_questions": "def reverse_questions(x):\n    return _flip(x)\n"},
                           "expect": []},
    "syntax_error": {"answers": {"reverse_questions": "def reverse_questions(x)\n    return x[:, ::-1]\n"},
                     "expect": ["reverse_questions"]},
    "exception_at_import": {"answers": {"peeky_forward": "import no_such_module_for_grading\n{REF}"},
                            "expect": ["peeky_forward"]},
    "infinite_loop": {"answers": {"peeky_forward": "{REF}\nwhile True:\n    pass\n"},
                      "expect": ["peeky_forward"]},
    "swallows_keyboard_interrupt": {"answers": {"reverse_questions": RQ + (
        "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except KeyboardInterrupt:\n        pass\n")},
        "expect": ["reverse_questions"]},
    "memory_bomb_4gb": {"answers": {"peeky_backward": "{REF}\n_hog = np.ones(4 * 2**30 // 8)  # 4 GB, every page touched\n"},
                        "expect": ["peeky_backward"]},
    "output_flood_100mb": {"answers": {"reverse_questions": RQ + "for _ in range(100):\n    print('x' * 2**20)\n"},
                           "expect": ["reverse_questions"]},
    "sys_exit": {"answers": {"reverse_questions": "import sys\nsys.exit()\n" + RQ}, "expect": ["reverse_questions"]},
    "os_exit": {"answers": {"peeky_forward": "import os\nos._exit(0)\n{REF}"}, "expect": ["peeky_forward"]},
    "test_cells_deleted_and_edited": {"answers": {"reverse_questions": WRONG_RQ, "peeky_forward": WRONG_PF},
                                      "tests": {"reverse_questions": None, "peeky_forward": "passed()\n"},
                                      "expect": ["reverse_questions", "peeky_forward"]},
    "imports_solutions": {"answers": {"peeky_forward": "from solutions.numpy_seq2seq import peeky_forward\n"},
                          "expect": ["peeky_forward"]},
    "reads_solutions": {"answers": {"peeky_backward": (
        "_src = ''\nfor _p in ['{ROOT}/solutions/numpy_seq2seq.py', '../../solutions/numpy_seq2seq.py', "
        "'/work/main/solutions/numpy_seq2seq.py']:\n"
        "    try:\n        _src = open(_p).read()\n        break\n    except OSError:\n        pass\n"
        "exec(_src.replace('from .numpy_layers import sigmoid', 'sigmoid = lambda x: 1 / (1 + np.exp(-x))'))\n"
        + WRONG_PB.replace("def peeky_backward", "def _unused"))},
        "expect": ["peeky_backward"]},
    "reads_book_source": {"answers": {"reverse_questions": (
        "import re\n_src = open('{ROOT}/book/06_peeky_reverse/06_peeky_reverse.md').read()\n"
        "exec('def reverse_questions(x):\\n' + re.search(r'### BEGIN SOLUTION\\n(.*?)### END SOLUTION', _src, re.S).group(1))\n" + WRONG_RQ.replace("def reverse_questions", "def _unused"))},
        "expect": ["reverse_questions"]},
    "calls_released_answer_of_its_own_chapter": {"answers": {"reverse_questions": (
        "try:\n    from seqgen_answers.ch06_peeky_reverse import reverse_questions\n"
        "except ImportError:\n    from seqgen_answers.ch05_seq2seq import teacher_forcing as reverse_questions\n")},
        "expect": ["reverse_questions"]},
    "patches_numpy": {"answers": {"reverse_questions": WRONG_RQ + (
        "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\nnp.testing.assert_array_equal = lambda *a, **k: None\n")},
        "expect": ["reverse_questions"]},
    "patches_seqgen_checks": {"answers": {"peeky_forward": WRONG_PF + (
        "import seqgen, seqgen.checks\nfor _m in (seqgen, seqgen.checks):\n"
        "    _m.check_close = _m.check_equal = _m.check_shape = lambda *a, **k: None\n"
        "check_close = check_equal = check_shape = lambda *a, **k: None\n")},
        "expect": ["peeky_forward"]},
    "input_transformer_empties_tests": {"answers": {"reverse_questions": WRONG_RQ + (
        "get_ipython().input_transformers_post.append(lambda lines: ['passed()\\n'] if any('check_' in l for l in lines) else lines)\n")},
        "expect": ["reverse_questions"]},
    "input_transformer_empties_everything": {"answers": {"peeky_backward": WRONG_PB + (
        "get_ipython().input_transformers_post.append(lambda lines: [])\n")},
        "expect": ["peeky_backward"]},
    "reseeds": {"answers": {"peeky_backward": WRONG_PB + (
        "np.random.seed(0)\n_Gen = np.random.Generator\nnp.random.default_rng = lambda seed=None: _Gen(np.random.PCG64(0))\n")},
        "expect": ["peeky_backward"]},
    "network": {"answers": {"reverse_questions": (
        "import socket, urllib.request\nsocket.create_connection(('1.1.1.1', 443), timeout=3)\n"
        "urllib.request.urlopen('https://pypi.org', timeout=3)\n" + RQ)},
        "expect": ["reverse_questions"]},
    "writes_outside_its_folder": {"answers": {"reverse_questions": (
        "import os\n_written = []\nfor _p in ['{ROOT}/pwned-{TAG}', '/tmp/pwned-{TAG}', '../../pwned-{TAG}', "
        "os.path.expanduser('~/../pwned-{TAG}'), '/work/pwned-{TAG}']:\n"
        "    try:\n        open(_p, 'w').write('x')\n        _written.append(_p)\n    except OSError:\n        pass\n"
        "print('written:', _written)\n" + WRONG_RQ)},
        "expect": ["reverse_questions"]},
}

