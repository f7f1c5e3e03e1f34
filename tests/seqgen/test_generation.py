"""seqgen.generation: chapter 3's compiled forward pass and chapter 1's SampleEachEpoch, as their pages show them."""

from __future__ import annotations

import ast

import keras
import numpy as np
import pytest

from autograder import course
from autograder.copies import chapter_definitions, normalised_definition
from seqgen import generation

MODULE = {n.name: n for n in ast.parse(open(generation.__file__).read()).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
TEACHER = {"SampleEachEpoch": "01_lstm_intro", "compiled": "03_char_rnn"}


@pytest.mark.parametrize("name", sorted(MODULE))
def test_the_page_that_teaches_it_shows_the_same_code(name):
    """Does the chapter that teaches each definition of seqgen.generation show the module's code (docstrings, comments aside)?"""
    assert set(MODULE) == set(TEACHER)
    page = chapter_definitions(course.chapter(TEACHER[name]).page)
    assert name in page, f"{TEACHER[name]} does not show seqgen.generation.{name}"
    assert normalised_definition(page[name], rename=False) == normalised_definition(MODULE[name], rename=False), (
        f"{TEACHER[name]}'s {name} and seqgen.generation.{name} differ: change both")


@pytest.mark.parametrize("name", sorted(TEACHER))
def test_no_later_chapter_defines_it_again(name):
    """Does no chapter after the one that teaches it define it again (it imports seqgen.generation's instead)?"""
    later = [p.stem for p in [c.page for c in course.chapters()] if p.stem > TEACHER[name] and name in chapter_definitions(p)]
    assert not later, f"{later} define {name} again: import it from seqgen.generation"


def test_compiled_gives_the_models_outputs_for_any_shape():
    """Does the compiled forward pass return the model's probabilities, for two batch shapes and list input?"""
    inputs = keras.Input(shape=(None,), dtype="int32")
    model = keras.Model(inputs, keras.layers.Dense(5, activation="softmax")(keras.layers.Embedding(9, 3)(inputs)))
    fast = generation.compiled(model)
    for ids in (np.array([[1, 2, 3]]), np.arange(8).reshape(4, 2)):
        np.testing.assert_allclose(np.asarray(fast(ids)), keras.ops.convert_to_numpy(model(ids)), atol=1e-6)
    np.testing.assert_allclose(np.asarray(fast([[4, 5]], training=False)), keras.ops.convert_to_numpy(model(np.array([[4, 5]]))),
                               atol=1e-6)


def test_sample_each_epoch_prints_the_sample_of_each_epoch(capsys):
    """Does the callback print, after epoch k, what sample(model, k) returns for the model it is attached to?"""
    seen = []
    callback = generation.SampleEachEpoch(lambda model, epoch: seen.append((model, epoch)) or f"text {epoch}")
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=2, verbose=0, callbacks=[callback])
    assert capsys.readouterr().out == "  sample after epoch 1: text 0\n  sample after epoch 2: text 1\n"
    assert [e for _, e in seen] == [0, 1] and all(m is model for m, _ in seen)
