"""Chapter 3's Shakespeare characters: its vocabulary and its split in time, reused by chapter 9."""

from __future__ import annotations

import numpy as np
import pytest

from seqgen import data
from seqgen.datasets import char_split, shakespeare_chars

needs_text = pytest.mark.skipif(not data.available("tinyshakespeare"), reason="tinyshakespeare not in the cache or mirror")


def test_vocabulary_and_split_of_a_small_text():
    """Are ids '' and '<eos>' then the sorted characters, the first 90 % training and the rest validation, in order?"""
    split = char_split("abracadabra!")  # 12 characters: int(0.9 * 12) = 10 for training
    assert split.vocab == ["", "<eos>", "!", "a", "b", "c", "d", "r"]
    np.testing.assert_array_equal(split.train_ids, [3, 4, 7, 3, 5, 3, 6, 3, 4, 7])
    np.testing.assert_array_equal(split.val_ids, [3, 2])
    assert split.train_ids.dtype == np.int64 and split.decode(split.val_ids) == "a!"
    with pytest.raises(ValueError):
        char_split("abc", val_fraction=0.0)


@needs_text
@pytest.mark.parametrize("n_chars", [200_000, None])
def test_same_as_chapter_3s_inline_code(n_chars):
    """Is the result exactly what chapter 3's cells compute (its N_CHARS = 200,000; None: the whole file)?"""
    text = data.read_text("tinyshakespeare")[:n_chars]
    vocab = ["", "<eos>"] + sorted(set(text))  # chapter 3, "The text"
    char_to_id = {c: i for i, c in enumerate(vocab) if i >= 2}
    ids = np.array([char_to_id[c] for c in text], dtype=np.int64)
    split = int(0.9 * len(ids))  # chapter 3, "A split in time"
    got = shakespeare_chars(n_chars)
    assert got.vocab == vocab
    np.testing.assert_array_equal(got.train_ids, ids[:split])
    np.testing.assert_array_equal(got.val_ids, ids[split:])


@needs_text
def test_whole_file_is_nanogpts_split():
    """On the whole file, are there 1,003,854 training and 111,540 validation characters of 65 kinds, as nanoGPT prints?"""
    got = shakespeare_chars()
    assert (len(got.train_ids), len(got.val_ids), got.vocab_size - 2) == (1_003_854, 111_540, 65)
