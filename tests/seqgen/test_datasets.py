"""Generated addition and date tasks against the source book's files (format, parsing, vocabulary)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from seqgen import data
from seqgen.datasets import CharVocab, addition_lines, date_lines, encode, parse_line, parse_lines, read_pairs

needs_dlfs2 = pytest.mark.skipif(not (data.available("dlfs2_addition") and data.available("dlfs2_date")),
                                 reason="dlfs2 files not in the cache or mirror")

ADDITION = re.compile(r"^(\d{1,3})\+(\d{1,3}) *$")
DATE_ANSWER = re.compile(r"^_(\d{4})-(\d{2})-(\d{2})$")


def file_lines(name: str) -> list[str]:
    return [line for line in data.read_text(name).split("\n") if line]


def test_parse_line_keeps_the_padding():
    """Does parsing split at the first '_' and keep every trailing space of the question and answer?"""
    assert parse_line("16+75  _91  \n") == ("16+75  ", "_91  ")
    with pytest.raises(ValueError):
        parse_line("no separator")


@needs_dlfs2
@pytest.mark.parametrize("name, generate, width", [("dlfs2_addition", addition_lines, 12), ("dlfs2_date", date_lines, 40)])
def test_generated_lines_parse_like_the_source_file(name, generate, width):
    """Do our lines and the file's have the same length, the same question/answer widths and the same vocabulary?"""
    theirs = file_lines(name)
    ours = generate(len(theirs), seed=0)
    assert {len(line) for line in theirs} == {len(line) for line in ours} == {width}
    tq, ta = parse_lines(theirs)
    oq, oa = parse_lines(ours)
    assert {len(q) for q in tq} == {len(q) for q in oq}, "question widths differ"
    assert {len(a) for a in ta} == {len(a) for a in oa}, "answer widths differ"
    assert CharVocab.from_texts(tq + ta) == CharVocab.from_texts(oq + oa)
    assert CharVocab.from_texts(tq) == CharVocab.from_texts(oq), "question vocabularies differ"
    assert CharVocab.from_texts(ta) == CharVocab.from_texts(oa), "answer vocabularies differ"
    assert read_pairs(name) == (tq, ta)


@needs_dlfs2
def test_every_addition_answer_is_the_sum():
    """Is every answer (ours and the file's) the sum of its question, with operands below 1000?"""
    for lines in (file_lines("dlfs2_addition"), addition_lines(20_000, seed=3)):
        for q, a in zip(*parse_lines(lines)):
            m = ADDITION.match(q)
            assert m, q
            assert int(a[1:]) == int(m[1]) + int(m[2])
    ours = addition_lines(20_000, seed=3)
    problems = {tuple(sorted(map(int, ADDITION.match(parse_line(l)[0]).groups()))) for l in ours}
    assert len(problems) == len(ours), "problems should be distinct, a+b and b+a counting as one"


def digit_mix(lines: list[str]) -> np.ndarray:
    """Fractions of 1-, 2- and 3-digit operands."""
    lengths = [len(x) for line in lines for x in ADDITION.match(parse_line(line)[0]).groups()]
    return np.bincount(lengths, minlength=4)[1:] / len(lengths)


@needs_dlfs2
def test_addition_operands_mix_lengths_like_the_source_file():
    """Do our problems mix 1-, 2- and 3-digit operands as the source file does (about 10/33/58%)?"""
    theirs = file_lines("dlfs2_addition")
    ours, theirs_mix = digit_mix(addition_lines(len(theirs), seed=0)), digit_mix(theirs)
    np.testing.assert_allclose(ours, theirs_mix, atol=0.01, err_msg=f"ours {ours.round(3)}, file {theirs_mix.round(3)}")


def test_addition_refuses_more_problems_than_it_can_draw():
    """Does asking for more problems than the pool can give fail with a message instead of looping?"""
    with pytest.raises(ValueError, match="at most"):
        addition_lines(400_000)


@needs_dlfs2
def test_every_date_answer_is_the_question_read_as_a_date():
    """Does each question (ours and the file's) denote the ISO date of its answer, between 1970 and 2017?"""
    def read(q: str) -> dt.date:
        q = q.strip()
        if "/" in q:
            m, d, y = map(int, q.split("/"))
            return dt.date(1900 + y if y >= 70 else 2000 + y, m, d)
        q = q.split(", ", 1)[1] if q.count(",") == 2 else q
        for fmt in ("%B %d, %Y", "%b %d, %Y"):
            try:
                return dt.datetime.strptime(q.title(), fmt).date()
            except ValueError:
                pass
        raise AssertionError(f"cannot read {q!r}")

    for lines in (file_lines("dlfs2_date")[:5000], date_lines(5000, seed=4)):
        for q, a in zip(*parse_lines(lines)):
            got = read(q)
            assert DATE_ANSWER.match(a) and got.isoformat() == a[1:], (q, a)
            assert dt.date(1970, 1, 1) <= got <= dt.date(2017, 12, 31)
            if q.count(",") == 2:  # a weekday is named: it must be the right one
                assert q.split(",")[0].strip().title() == got.strftime("%A"), q


def test_generators_are_seeded():
    """Does the same seed give the same lines, and another seed other lines?"""
    assert addition_lines(100, seed=1) == addition_lines(100, seed=1) != addition_lines(100, seed=2)
    assert date_lines(100, seed=1) == date_lines(100, seed=1) != date_lines(100, seed=2)


def test_encode_round_trips():
    """Does encoding with a character vocabulary and decoding give back the padded strings?"""
    q, a = parse_lines(addition_lines(50, seed=0))
    vocab = CharVocab.from_texts(q + a)
    ids = encode(q, vocab)
    assert ids.shape == (50, 7)
    assert [vocab.decode(row) for row in ids] == q
    with pytest.raises(ValueError):
        encode(["1+1", "10+10"], vocab)


@pytest.mark.skipif(not data.available("fra_eng"), reason="fra_eng not in the cache or mirror")
def test_fra_eng_pairs_keep_the_narrow_no_break_space():
    """Are pairs (English, French) kept as the file has them, the narrow no-break spaces before French '!' kept?"""
    from seqgen.datasets import NARROW_NBSP, fra_eng_pairs

    pairs = fra_eng_pairs(2000)
    assert len(pairs) == 2000 and pairs[0][0] == "Go."
    exclaimed = [fr for _, fr in pairs if fr.endswith("!")]
    assert sum(fr[-2] == NARROW_NBSP for fr in exclaimed) > 10, "the narrow no-break spaces were lost"
    assert all("\t" not in en + fr for en, fr in pairs)
