"""seqgen.charlm: the earlier chapters' answers that chapter 4 reuses, and their masking while graded."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from pathlib import Path

import numpy as np
import pytest

from autograder.grading.sandbox import masked_source
from seqgen import charlm
from solutions.chars import shift_inputs_targets as reference_shift
from solutions.sampling import apply_temperature

SOURCE = Path(charlm.__file__).read_text()


def test_shift_matches_the_reference():
    """Are inputs and targets the rows without their last and without their first token?"""
    rows = np.random.default_rng(0).integers(0, 50, size=(4, 9))
    for got, want in zip(charlm.shift_inputs_targets(rows), reference_shift(rows)):
        np.testing.assert_array_equal(got, want)


def test_char_gru_has_chapter_3s_layers_and_outputs_probabilities():
    """Is char_gru Embedding, GRU, GRU, softmax Dense, for any batch and length?"""
    model = charlm.char_gru(30, 4, 8)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Embedding", "GRU", "GRU", "Dense"]
    gru = lambda d, h: 3 * (d * h + h * h + 2 * h)  # noqa: E731
    assert model.count_params() == 30 * 4 + gru(4, 8) + gru(8, 8) + 8 * 30 + 30
    probs = np.asarray(model(np.ones((3, 11), dtype="int32")))
    assert probs.shape == (3, 11, 30)
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-5)


def test_sample_rows_is_greedy_at_zero_and_follows_the_reweighted_distribution():
    """At temperature 0 the argmax of each row; otherwise frequencies of p ** (1/T), zeros never drawn, rng-driven?"""
    probs = np.array([[0.1, 0.6, 0.3, 0.0], [0.5, 0.0, 0.2, 0.3]])
    np.testing.assert_array_equal(charlm.sample_rows(probs, 0, np.random.default_rng(0)), [1, 0])
    n, temperature = 20_000, 0.5
    rows = np.tile(probs, (n // 2, 1))  # (n, 4): the two rows alternate
    draws = charlm.sample_rows(rows, temperature, np.random.default_rng(1)).reshape(n // 2, 2)
    assert draws.dtype == np.int64
    for r in range(2):
        freq = np.bincount(draws[:, r], minlength=4) / (n // 2)
        want = apply_temperature(probs[r], temperature)
        np.testing.assert_allclose(freq, want, atol=5 * np.sqrt(0.25 / (n // 2)))  # five standard errors at most
        assert freq[probs[r] == 0].sum() == 0
    a = charlm.sample_rows(rows[:50], 1.0, np.random.default_rng(3))
    np.testing.assert_array_equal(a, charlm.sample_rows(rows[:50], 1.0, np.random.default_rng(3)))
    assert not np.array_equal(a, charlm.sample_rows(rows[:50], 1.0, np.random.default_rng(4)))


@pytest.mark.parametrize("stem, hidden", [("02_tokenization", {"shift_inputs_targets"}), ("03_char_rnn", {"char_gru", "sample_rows"}),
                                          ("01_lstm_intro", {"sample_rows"}), ("04_stateful_rnn", set())])
def test_answers_are_masked_while_their_chapter_is_graded(stem, hidden):
    """While a chapter whose exercise a function answers is graded, is that function (and only it) a stub?"""
    text, masked = masked_source(SOURCE, stem)
    assert set(masked) == hidden
    ns: dict = {}
    exec(text, ns)  # noqa: S102 - our own module
    for name in ["shift_inputs_targets", "char_gru", "sample_rows"]:
        if name in hidden:
            with pytest.raises(NotImplementedError, match="exercise of this chapter"):
                ns[name](np.zeros((2, 3), dtype=int), 1, 1)
        else:
            assert ns[name] is not None and "NotImplementedError" not in ns[name].__doc__
