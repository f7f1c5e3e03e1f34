"""Greedy decoding and exact match for teacher-forced Keras seq2seq models."""

import numpy as np

from seqgen.decoding import exact_match, greedy_decode


class CountingModel:
    """A stand-in causal model: at step t it predicts (decoder input t + question's first id) mod V."""

    V = 7

    def predict_on_batch(self, inputs):
        questions, decoder_input = inputs
        nxt = (decoder_input + questions[:, :1]) % self.V  # (N, T)
        return np.eye(self.V)[nxt]  # (N, T, V) one-hot probabilities


def test_greedy_decode_feeds_back_its_own_guesses():
    """Is each written id the model's guess given the previous written id, starting from the start id?"""
    questions = np.array([[1, 0], [2, 5], [0, 3]])
    got = greedy_decode(CountingModel(), questions, start=3, answer_len=4)
    # start 3, step k: 3 + (k + 1) * q mod 7
    want = np.array([[(3 + (k + 1) * q) % 7 for k in range(4)] for q in questions[:, 0]])
    np.testing.assert_array_equal(got, want)


def test_exact_match_counts_whole_rows():
    """Is a row counted only when every character is right?"""
    questions = np.array([[1, 0], [2, 5]])
    targets = np.array([[4, 5, 6], [5, 0, 1]])  # greedy writes 4 5 6 and 5 0 2: the second row is off at the end
    assert exact_match(CountingModel(), questions, targets, start=3) == 0.5
