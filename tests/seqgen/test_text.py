"""Chapter 2's pad_punctuation, kept in seqgen for the wine reviews of chapter 9."""

from seqgen.text import ANSWERS, pad_punctuation


def test_pad_punctuation_pads_each_mark_and_collapses_spaces():
    """Does every mark become its own token, runs of spaces become one, and the ends stay clean?"""
    assert pad_punctuation("Stocks fell, again.") == "Stocks fell , again ."
    assert pad_punctuation("  (Reuters)  -  Oil's up!") == "( Reuters ) - Oil ' s up !"
    assert pad_punctuation("a[b]c{d}e\\f") == "a [ b ] c { d } e \\ f"
    assert pad_punctuation("2022–2030 ’ok’") == "2022–2030 ’ok’"  # not in string.punctuation: left alone


def test_declared_as_chapter_2s_answer():
    """Is pad_punctuation declared as chapter 2's answer, so the grader masks it while chapter 2 is graded?"""
    assert ANSWERS == {"pad_punctuation": ["02_tokenization"]}
