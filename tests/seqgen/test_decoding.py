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


def page_and_module():
    """seqgen.decoding's definitions and chapter 6's, by name (the page teaches what the module holds)."""
    import ast

    from autograder import course
    from autograder.copies import chapter_definitions
    from seqgen import decoding

    module = {n.name: n for n in ast.parse(open(decoding.__file__).read()).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    page = chapter_definitions(course.chapter("06_peeky_reverse").page)
    return module, page


def test_chapter_6_shows_the_code_of_the_module():
    """Does chapter 6 show each definition of seqgen.decoding as the module has it (docstrings, comments, annotations aside)?"""
    from autograder.copies import normalised_definition

    module, page = page_and_module()
    assert set(module) == {"build_seq2seq", "greedy_decode", "exact_match", "ExactMatchEachEpoch"}
    for name, node in module.items():
        assert name in page, f"chapter 6 does not show seqgen.decoding.{name}"
        assert normalised_definition(page[name], rename=False) == normalised_definition(node, rename=False), (
            f"chapter 6's {name} and seqgen.decoding.{name} differ: change both")


def test_the_comparison_sees_a_changed_argument():
    """Would swapping greedy decoding's argmax for argmin make the page and the module differ?"""
    import ast

    from autograder.copies import normalised_definition

    module, page = page_and_module()
    changed = ast.parse(ast.unparse(module["greedy_decode"]).replace("argmax(-1)\n", "argmin(-1)\n", 1)).body[0]
    assert normalised_definition(changed, rename=False) != normalised_definition(page["greedy_decode"], rename=False)
