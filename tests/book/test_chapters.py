"""Chapter sources: structure, exercises, and agreement with the reference presets."""

from __future__ import annotations

import re

import jupytext
import pytest

from autograder import course
from autograder.tags import exercise_cells

CHAPTERS = [c.page for c in course.chapters()]
SKELETON = ["Overview", "Prerequisites", "Setup", "Summary", "Exercises recap"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_follows_the_skeleton(path):
    """Does the chapter have the course's sections and at least three graded exercises?"""
    text = path.read_text()
    for heading in SKELETON:
        assert re.search(rf"^## {heading}\b", text, re.M), f"{path.stem}: no '## {heading}' section"
    assert len(exercise_cells(jupytext.read(path))) >= 3


def constants(path) -> dict[str, float]:
    """The chapter's top-level numeric constants (``NAME = 200_000  # comment``)."""
    found = re.findall(r"^([A-Z_]+) = ([0-9._e-]+)\b", path.read_text(), re.M)
    return {k: float(v.replace("_", "")) for k, v in found}


def test_chapter1_trains_with_the_cpu_preset():
    """Does chapter 1's Keras model use exactly the reference's `cpu` preset sizes?"""
    from solutions.experiments.lstm_lm import PRESETS

    preset, c = PRESETS["cpu"], constants(course.chapter("01_lstm_intro").page)
    assert (c["VOCAB_SIZE"], c["SEQ_LEN"], c["EMBED_DIM"], c["HIDDEN"], c["BATCH_SIZE"], c["EPOCHS"], c["LEARNING_RATE"]) == (
        preset.vocab_size, preset.seq_len, preset.embed_dim, preset.hidden, preset.batch_size, preset.epochs, preset.lr)


def test_chapter3_trains_with_the_charrnn_cpu_preset():
    """Does chapter 3's Keras Char-GRU use exactly the reference's `charrnn` cpu preset?"""
    from solutions.experiments.charrnn import PRESETS

    preset, c = PRESETS["cpu"], constants(course.chapter("03_char_rnn").page)
    assert (c["N_CHARS"], c["N_STEPS"], c["SHIFT"], c["EMBED_DIM"], c["HIDDEN"], c["NUM_LAYERS"], c["BATCH_SIZE"], c["EPOCHS"],
            c["LEARNING_RATE"]) == (preset.n_chars, preset.n_steps, preset.shift, preset.embed_dim, preset.hidden,
                                    preset.num_layers, preset.batch_size, preset.epochs, preset.lr)


def test_chapter4_trains_with_the_stateful_cpu_preset():
    """Does chapter 4's stateful Keras GRU use exactly the reference's `stateful_charrnn` cpu preset?"""
    from solutions.experiments.stateful_charrnn import PRESETS

    preset, c = PRESETS["cpu"], constants(course.chapter("04_stateful_rnn").page)
    assert preset.stateful
    assert (c["N_CHARS"], c["N_STEPS"], c["EMBED_DIM"], c["HIDDEN"], c["NUM_LAYERS"], c["BATCH_SIZE"], c["EPOCHS"],
            c["LEARNING_RATE"]) == (preset.n_chars, preset.n_steps, preset.embed_dim, preset.hidden, preset.num_layers,
                                    preset.batch_size, preset.epochs, preset.lr)


def test_chapter6_trains_with_the_cpu_preset():
    """Do chapter 6's Keras runs use exactly the reference's `cpu` preset (sizes, epochs, learning rate, clip)?"""
    from solutions.experiments.seq2seq import PRESETS

    preset, c = PRESETS["cpu"], constants(course.chapter("06_peeky_reverse").page)
    assert (c["N_TRAIN"], c["N_TEST"], c["WORDVEC"], c["HIDDEN"], c["BATCH_SIZE"], c["EPOCHS"], c["LEARNING_RATE"], c["CLIP"]) == (
        preset.n_train, preset.n_test, preset.wordvec, preset.hidden, preset.batch_size, preset.epochs, preset.lr, preset.clip)


def test_chapter5_trains_with_the_cpu_preset():
    """Does chapter 5's Keras translation model use exactly the reference's `cpu` preset?"""
    from solutions.experiments.char_seq2seq import PRESETS

    preset, c = PRESETS["cpu"], constants(course.chapter("05_seq2seq").page)
    assert (c["N_PAIRS"], c["EMBED_DIM"], c["LATENT_DIM"], c["BATCH_SIZE"], c["EPOCHS"], c["LEARNING_RATE"]) == (
        preset.n_pairs, preset.embed_dim, preset.latent_dim, preset.batch_size, preset.epochs, preset.lr)


def test_chapter7_trains_with_the_cpu_preset():
    """Do chapter 7's Keras runs use exactly the reference's attention_seq2seq `cpu` preset?"""
    from solutions.experiments.attention_seq2seq import PRESETS

    preset, c = PRESETS["cpu"], constants(course.chapter("07_attention").page)
    assert (c["N_TRAIN"], c["N_TEST"], c["WORDVEC"], c["HIDDEN"], c["BATCH_SIZE"], c["EPOCHS"], c["LEARNING_RATE"], c["CLIP"]) == (
        preset.n_train, preset.n_test, preset.wordvec, preset.hidden, preset.batch_size, preset.epochs, preset.lr, preset.clip)


def test_chapter9_trains_with_the_gpt_cpu_presets():
    """Do chapter 9's Keras runs use exactly the reference's gpt_wine and gpt_shakespeare_char `cpu` presets?"""
    from solutions.experiments.gpt_shakespeare_char import PRESETS as CHAR
    from solutions.experiments.gpt_wine import PRESETS as WINE

    w, ch, c = WINE["cpu"], CHAR["cpu"], constants(course.chapter("09_transformer").page)
    assert (c["WINE_VOCAB"], c["WINE_LEN"], c["WINE_EMBED"], c["WINE_FF"], c["WINE_BATCH"], c["WINE_EPOCHS"], c["WINE_LR"]) == (
        w.vocab_size, w.seq_len, w.embed_dim, w.ff_dim, w.batch_size, w.epochs, w.lr)
    assert (c["N_CHARS"], c["CONTEXT"], c["CHAR_BATCH"], c["CHAR_LR"], c["DROPOUT"]) == (ch.n_chars, ch.context, ch.batch_size, ch.lr, ch.dropout)
    windows = len(range(0, int(ch.n_chars * 0.9) - ch.context, ch.context))  # the chapter's training windows
    assert ch.iters == c["CHAR_EPOCHS"] * -(-windows // ch.batch_size)
