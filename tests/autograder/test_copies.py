"""autograder.copies: the normalised comparison behind tests/book/test_answers_hidden.py."""

from __future__ import annotations

import ast

from autograder import copies

ANSWER = '''
def build_char_gru(vocab_size, embed_dim, hidden):
    """Docstring."""
    ### BEGIN SOLUTION
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)
    outputs = keras.layers.Dense(vocab_size, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="char_gru")
    ### END SOLUTION
'''


def answer(source: str = ANSWER) -> copies.Answer:
    node = ast.parse(source).body[0]
    return copies.Answer("03_char_rnn", "char_gru", node.name, node)


def keys(source: str) -> set[str]:
    return copies.keys_of(copies.normalised(ast.parse(source)))


def test_a_rewritten_copy_is_found():
    """Is an answer found again with other names, its temporaries inlined, another model name and comments?"""
    copy = '''
def stateless():
    inputs = keras.Input(shape=(None,), dtype="int32")  # a comment
    h = keras.layers.GRU(HIDDEN, return_sequences=True)(keras.layers.Embedding(VOCAB, EMBED)(inputs))
    return keras.Model(inputs, keras.layers.Dense(VOCAB, activation="softmax")(h), name="other")
'''
    assert copies.coverage(answer(), keys(copy))[0] == 1.0
    assert copies.reveals(answer(), keys(copy))


def test_different_code_is_not_a_copy():
    """Is a model with another layer (an LSTM) or another activation not taken for the answer?"""
    for changed in ('keras.layers.LSTM(hidden, return_sequences=True)', 'keras.layers.GRU(hidden)'):
        other = ANSWER.replace("keras.layers.GRU(hidden, return_sequences=True)", changed)
        share, _ = copies.coverage(answer(), keys(other))
        assert share < copies.COVERAGE, changed
        assert not copies.reveals(answer(), keys(other))


def test_tuple_assignments_and_shapes_are_split():
    """Do `B, T = xs.shape` and `a, b = x, y` read like their one-name assignments, and unused ones vanish?"""
    one = keys("def f(xs, h):\n    B, T = xs.shape\n    return np.repeat(h, T, axis=1)\n")
    two = keys("def g(ys, c):\n    return np.repeat(c, ys.shape[1], axis=1)\n")
    assert one == two


def test_heaviest_common_run_counts_consecutive_statements():
    """Does the run stop at the first statement that differs, and weigh statements by their size?"""
    a = [("x", 5), ("y", 7), ("z", 1), ("w", 9)]
    b = [("x", 5), ("y", 7), ("q", 1), ("w", 9)]
    assert copies.heaviest_common_run(a, b) == (12, 2)
