"""Answers reach students when the instructor releases them (``autograder/answers.py``, ``seqgen.released``).

The day-one ``seqgen`` wheel holds no answer of any chapter (an AST comparison, ``copies.held_answers``);
``seqgen_answers`` version N holds exactly the reference answers of chapters 1..N, generated from the
pages; the grading sandbox of chapter N sees the releases before N only; a chapter that uses an earlier
answer before its release gets a stand-in that says so.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch

from autograder import answers, cli, copies, course
from autograder.grading.submission import course_folder
from autograder.publishing.pages import build_wheel
from seqgen.released import Unavailable, released

CHAPTERS = [c.page for c in course.chapters()]
ANSWERS = [a for path in CHAPTERS for a in copies.answers(path)]


@pytest.fixture(scope="module")
def day_one_wheel(tmp_path_factory):
    return build_wheel(course.ROOT, tmp_path_factory.mktemp("wheel"))


def test_the_day_one_wheel_holds_no_answer_of_any_chapter(day_one_wheel):
    """Does no module of the seqgen wheel a student installs on day one hold an exercise's answer, of any chapter?"""
    held = {}
    with zipfile.ZipFile(day_one_wheel) as wheel:
        modules = [n for n in wheel.namelist() if n.endswith(".py")]
        for name in modules:
            found = copies.held_answers(ast.parse(wheel.read(name).decode()), ANSWERS)
            if found:
                held[name] = found
    assert len(modules) > 10 and not held, (
        f"the day-one wheel holds answers: {held}; move them to the released answers (autograder/answers.py)")


@pytest.mark.parametrize("stem", [p.stem for p in CHAPTERS])
def test_the_comparison_finds_every_answer_in_its_released_module(stem):
    """Would the wheel's comparison flag each of the chapter's answers were its released module in the wheel?"""
    tree = ast.parse(answers.chapter_module(stem))
    mine = [a for a in ANSWERS if a.stem == stem]
    assert len(copies.held_answers(tree, mine)) == len(mine)


def test_the_comparison_sees_an_answer_rewritten():
    """Are chapter 1's lstm_step inside a time loop and chapter 3's sampler made row-wise held (as main's seqgen had them)?"""
    loop = ast.parse(
        "class Layer:\n"
        "    def forward(self, xs):\n"
        "        for t in range(T):\n"
        "            A = xs[:, t] @ Wx + h @ Wh + b\n"
        "            i, f, g, o = sigmoid(A[:, :H]), sigmoid(A[:, H:2 * H]), np.tanh(A[:, 2 * H:3 * H]), sigmoid(A[:, 3 * H:])\n"
        "            c = f * c + i * g\n"
        "            h = o * np.tanh(c)\n")
    assert [x.split(" ")[0] for x in copies.held_answers(loop, ANSWERS)] == ["01_lstm_intro:lstm_step"]
    plain = ast.parse("def helper(rows):\n    return [r.sum() for r in rows]\n")
    assert copies.held_answers(plain, ANSWERS) == []


@pytest.mark.parametrize("stem", [p.stem for p in CHAPTERS])
def test_each_released_module_holds_the_pages_answers_and_imports(stem):
    """Does chapter N's released module define exactly its answers and `released` cells, as the page has them, and import?"""
    module = importlib.import_module(f"seqgen_answers.{answers.module_name(stem)}")
    tree = ast.parse(answers.chapter_module(stem))
    defined = {n.name: n for n in tree.body if isinstance(n, copies._DEFS)}
    page = {a.name: a.node for a in ANSWERS if a.stem == stem}
    assert set(page) <= set(defined)
    for name, node in page.items():
        assert copies.normalised_definition(node, rename=False) == copies.normalised_definition(defined[name], rename=False)
        assert callable(getattr(module, name))
    extra = set(defined) - set(page)
    released_cells = {"02_tokenization": {"pretokenize", "merge_pair"}, "05_seq2seq": {"TimeLSTM", "EncoderLayers"}}
    assert extra == released_cells.get(stem, set()), extra


def test_the_answers_wheel_holds_chapters_one_to_upto_and_installs(tmp_path):
    """Does `make release-answers UPTO=3` write seqgen_answers-3 into the course folder's release/answers/, with
    chapters 1-3 only, installable offline and importable?"""
    cli.main(["release-answers", "--upto", "3", "--course", str(tmp_path / "course")])
    (wheel,) = (tmp_path / "course" / "release" / "answers").iterdir()
    assert wheel.name == "seqgen_answers-3-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        modules = sorted(n for n in z.namelist() if n.startswith("seqgen_answers/"))
    assert modules == ["seqgen_answers/__init__.py"] + [f"seqgen_answers/ch{s}.py" for s in answers.stems_upto(3)]
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--target",
                    str(tmp_path / "site"), str(wheel)], check=True)
    code = ("from seqgen import released\n"
            "gru = released('03_char_rnn', 'build_char_gru')\n"
            "late = released('04_stateful_rnn', 'stateful_batches')\n"
            "print(gru.__module__, type(late).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(tmp_path / "site")})  # seqgen: this venv's; no checkout on the path
    assert out.stdout.strip().split("\n")[-1] == "seqgen_answers.ch03_char_rnn Unavailable", out.stdout
    with pytest.raises(ValueError, match="no chapter"):
        answers.stems_upto(99)


@pytest.mark.parametrize("stem", ["01_lstm_intro", "06_peeky_reverse"])
def test_the_sandbox_of_chapter_n_gets_the_releases_before_n_only(tmp_path, stem):
    """Graded for chapter N, does the sandbox's course folder hold the released answers of chapters before N only?"""
    course_folder(stem, tmp_path)
    held = sorted(p.stem for p in (tmp_path / "seqgen_answers").glob("ch*.py"))
    assert held == [answers.module_name(s) for s in answers.chapter_stems() if s < stem]
    assert (tmp_path / "seqgen" / "released.py").is_file()  # seqgen itself is copied beside it


def test_an_unreleased_answer_is_a_stand_in_that_says_so(capsys):
    """Before its release, is an earlier answer a stand-in whose every use raises NotImplementedError naming the chapter?"""
    lstm, step = released("99_not_a_chapter", "TimeLSTM", "step")
    assert "not installed yet" in capsys.readouterr().out.lower()
    for use in (lambda: lstm(1, 2, 3), lambda: lstm.forward, lambda: step[0], lambda: len(step), lambda: f"{step}"):
        with pytest.raises(NotImplementedError, match="chapter 99's answers are not released yet"):
            use()
    assert isinstance(lstm, Unavailable) and "not available" in repr(lstm)
    with pytest.raises(ImportError, match="have no"):
        released("05_seq2seq", "no_such_name")


# --------------------------------------------------------------------------- chapter 5's TimeLSTM, as released


def time_lstm():
    return released("05_seq2seq", "TimeLSTM")


def lstm_problem(seed, B=3, T=4, D=5, H=6):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 0.5, size=s) for s in [(D, 4 * H), (H, 4 * H), (4 * H,)]]
    return weights, rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H)), rng.normal(size=(B, T, H))


def torch_lstm(weights, xs, h0, c0):
    """The same LSTM in PyTorch (double), its outputs and final state, with leaves for autograd."""
    Wx, Wh, b = (torch.tensor(w, requires_grad=True) for w in weights)
    x, h, c = (torch.tensor(a, requires_grad=True) for a in (xs, h0, c0))
    lstm = torch.nn.LSTM(xs.shape[2], h0.shape[1], batch_first=True).double()
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(Wx.T), lstm.weight_hh_l0.copy_(Wh.T), lstm.bias_ih_l0.copy_(b), lstm.bias_hh_l0.zero_()
    out, (hT, cT) = lstm(x, (h[None], c[None]))
    return out, hT[0], cT[0], lstm, x, h


def test_time_lstm_matches_torch_forward_and_backward():
    """Do chapter 5's TimeLSTM's outputs, final state, input gradient, weight gradients and dh agree with torch.nn.LSTM's autograd?"""
    for seed in range(3):
        weights, xs, h0, c0, R = lstm_problem(seed)
        lstm = time_lstm()(*[w.copy() for w in weights])
        lstm.set_state(h0, c0)
        hs = lstm.forward(xs)  # (B, T, H)
        out, hT, cT, ref, x, h = torch_lstm(weights, xs, h0, c0)
        np.testing.assert_allclose(hs, out.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(lstm.h_last, hT.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(lstm.c_last, cT.detach().numpy(), atol=1e-12)
        dxs = lstm.backward(R)
        (out * torch.from_numpy(R)).sum().backward()
        np.testing.assert_allclose(dxs, x.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(lstm.dh, h.grad.numpy(), atol=1e-12)
        want = [ref.weight_ih_l0.grad.numpy().T, ref.weight_hh_l0.grad.numpy().T, ref.bias_ih_l0.grad.numpy()]
        for got, w in zip(lstm.grads, want, strict=True):
            np.testing.assert_allclose(got, w, atol=1e-12)


def test_time_lstm_starts_from_zeros_without_set_state():
    """Without set_state, does chapter 5's TimeLSTM start from h = c = 0?"""
    weights, xs, _, _, _ = lstm_problem(7)
    lstm = time_lstm()(*weights)
    zeros = np.zeros((xs.shape[0], weights[1].shape[0]))
    out = torch_lstm(weights, xs, zeros, zeros)[0].detach().numpy()
    np.testing.assert_allclose(lstm.forward(xs), out, atol=1e-12)
