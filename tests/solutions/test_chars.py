"""Character tokenizer, padding, windows and stateful batches."""

import numpy as np
import pytest

from solutions.chars import CharTokenizer, pad_batch, shift_inputs_targets, stateful_batches, time_split, windows


def test_tokenizer_reserves_padding_and_eos_and_round_trips():
    """Are ids 0 and 1 padding and <eos>, the characters sorted from 2, and decode(encode(t)) == t?"""
    tok = CharTokenizer().fit(["hello", "world!"])
    assert tok.vocab[:2] == ["", "<eos>"] and tok.vocab[2:] == sorted(set("helloworld!"))
    ids = tok.encode("hold!", add_eos=True)
    assert ids.tolist() == [tok.vocab.index(c) for c in "hold!"] + [1]
    assert tok.decode(ids) == "hold!"
    assert tok.decode(list(ids) + [5, 6]) == "hold!"  # stops at <eos>
    assert tok.decode([0, 0] + list(tok.encode("he"))) == "he"  # padding skipped
    with pytest.raises(KeyError):
        tok.encode("xyz")


def test_pad_batch_pads_truncates_and_masks():
    """Does pad_batch right-pad to the longest (or truncate to max_len) with a True-for-real mask?"""
    ids, mask = pad_batch([[3, 4, 5], [7]])
    assert ids.tolist() == [[3, 4, 5], [7, 0, 0]] and mask.tolist() == [[True] * 3, [True, False, False]]
    ids, mask = pad_batch([[3, 4, 5], [7]], max_len=2)
    assert ids.tolist() == [[3, 4], [7, 0]] and mask.sum() == 3


def test_shift_and_time_split():
    """Are targets the inputs moved one step left, and is the split ordered in time?"""
    x, y = shift_inputs_targets(np.array([[1, 2, 3, 4]]))
    assert x.tolist() == [[1, 2, 3]] and y.tolist() == [[2, 3, 4]]
    train, val = time_split(np.arange(100))
    assert train.tolist() == list(range(90)) and val.tolist() == list(range(90, 100))


def test_windows_start_every_shift_and_keep_full_windows_only():
    """Does windows() give rows of n_steps + 1 starting at 0, shift, 2 shift, ... that fit entirely?"""
    w = windows(np.arange(12), n_steps=4, shift=3)
    assert w.tolist() == [[0, 1, 2, 3, 4], [3, 4, 5, 6, 7], [6, 7, 8, 9, 10]]
    assert windows(np.arange(5), 4, 1).tolist() == [[0, 1, 2, 3, 4]]


def test_stateful_rows_continue_across_batches():
    """Does row i of batch t+1 start where row i of batch t's inputs ended, over consecutive streams?"""
    ids = np.arange(103)
    b = stateful_batches(ids, batch_size=4, n_steps=5)  # streams of 25: 4 batches of 6
    assert b.shape == (4, 4, 6)
    for t in range(3):
        assert np.array_equal(b[t + 1, :, 0], b[t, :, -1])  # the last target is the next first input
    assert b[0, :, 0].tolist() == [0, 25, 50, 75]
    flat = np.concatenate([b[t, 1, :-1] for t in range(4)])
    assert flat.tolist() == list(range(25, 45))  # row 1 reads its stream in order
