"""Wine reviews as word-id rows for chapter 9: the source's text layout, Keras's vocabulary, the split, the files."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from seqgen import data
from seqgen.datasets import wine
from solutions.text import pad_punctuation  # chapter 2's answer: the reference's copy

needs_subset = pytest.mark.skipif(not data.available(wine.SUBSET), reason="the 5k wine subset is not in the cache or mirror")


def test_vocabulary_orders_by_count_and_breaks_ties_like_keras():
    """Are ids 0 and 1 padding and [UNK], then tokens by count, a tie going to the token that sorts last?"""
    vocab = wine.build_vocab([["b", "a", "c", "a"], ["c", "d", "a"]], vocab_size=5)
    assert vocab == ["", "[UNK]", "a", "c", "d"]  # a: 3; c: 2; b and d: 1 each, d sorts last


def test_encode_cuts_pads_and_marks_unknown_tokens():
    """Is a long review cut to the row length, a short one padded with 0, and an unknown word mapped to 1?"""
    vocab = ["", "[UNK]", "red", "wine"]
    rows = wine.encode([["red", "wine", "red", "wine", "red"], ["wine", "oaky"]], vocab, length=4)
    np.testing.assert_array_equal(rows, [[2, 3, 2, 3], [3, 1, 0, 0]])
    assert rows.dtype == np.int64


def test_tokens_pad_punctuation_and_lower_ascii_only():
    """Are marks split off and only ASCII letters lower-cased, as tf.strings.lower does ('Émilia' keeps its capital)?"""
    assert wine.tokens_of("Émilia-Romagna, RED-ish.\nDrink", pad_punctuation) == ["Émilia", "-", "romagna", ",", "red", "-", "ish", ".", "drink"]


def test_matches_keras_text_vectorization():
    """On real-looking reviews, are the vocabulary and the id rows those of the source's TextVectorization?"""
    tf = pytest.importorskip("tensorflow")
    texts = ["wine review : Italy : Émilia : Lambrusco : Fizzy, dry; ÉTÉ fruit.",
             "wine review : US : Oregon : Pinot Noir : Bright\tcherry, dry and long. Drink now!",
             "wine review : France : Rhône : Syrah : Dark, smoky and dry, with 14% alcohol.",
             "wine review : US : California : Zinfandel : Jammy. Big, warm and ripe—no nuance."]
    padded = [pad_punctuation(t) for t in texts]
    layer = tf.keras.layers.TextVectorization(max_tokens=30, standardize="lower", output_sequence_length=12)
    layer.adapt(padded)
    keras_vocab = [w.decode() if isinstance(w, bytes) else str(w) for w in layer.get_vocabulary()]
    tokens = [wine.tokens_of(t, pad_punctuation) for t in texts]
    vocab = wine.build_vocab(tokens, 30)
    assert vocab == keras_vocab
    np.testing.assert_array_equal(wine.encode(tokens, vocab, 12), layer(padded).numpy())


@needs_subset
def test_subset_rows_split_and_decode():
    """From the 5k file, are there 4,998 complete reviews split 9:1 into (N, 81) int64 rows that decode to the text?"""
    d = wine.wine_review_data(pad_punctuation, source=wine.SUBSET)
    assert d.source == wine.SUBSET and d.n_reviews == 4998  # 2 of the 5,000 rows lack a country or variety
    assert (len(d.train), len(d.val)) == (4498, 500)
    assert d.train.shape[1] == d.val.shape[1] == 81 and d.train.dtype == d.val.dtype == np.int64
    assert d.vocab[:2] == ["", "[UNK]"] and len(d.vocab) <= 10_000 and d.pad_id == 0
    assert not (d.train == 1).any()  # every training token is in the vocabulary built from them
    assert any(d.decode(row).startswith("wine review : us : california : cabernet sauvignon : this tremendous")
               for row in d.train)


@needs_subset
def test_split_depends_on_the_seed_and_nothing_is_lost():
    """Do two seeds split differently, each keeping every review exactly once, each row the start of its review?"""
    a = wine.wine_review_data(pad_punctuation, source=wine.SUBSET, limit=400, seed=0)
    b = wine.wine_review_data(pad_punctuation, source=wine.SUBSET, limit=400, seed=1)
    assert len(a.train) + len(a.val) == 400 and len(a.val) == 40
    np.testing.assert_array_equal(np.sort(np.concatenate([a.train_index, a.val_index])), np.arange(400))
    assert set(a.val_index.tolist()) != set(b.val_index.tolist())
    reviews = wine.complete_reviews(wine.SUBSET)
    for rows, index in [(a.train, a.train_index), (a.val, a.val_index)]:
        for row, i in zip(rows[:25], index[:25]):
            words = [w if w in a.vocab else "[UNK]" for w in wine.tokens_of(reviews[i], pad_punctuation)[:81]]
            assert a.decode(row) == " ".join(words)


def test_full_file_is_used_when_present(tmp_path, monkeypatch):
    """With winemag-data-130k-v2.json in a mirror, does 'auto' read it (JSON nulls skipped) and say so?"""
    records = [{"country": "US", "province": "Oregon", "variety": "Pinot Noir", "description": "Tart, red fruit."},
               {"country": None, "province": "Oregon", "variety": "Pinot Noir", "description": "No country."},
               {"country": "Italy", "province": "Sicily", "variety": "Nero d'Avola", "description": "Dark; spicy."}]
    folder = tmp_path / "mirror" / "wine-reviews"
    folder.mkdir(parents=True)
    (folder / "winemag-data-130k-v2.json").write_text(json.dumps(records))
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(data.MIRROR_ENV, str(tmp_path / "mirror"))
    d = wine.wine_review_data(pad_punctuation, val_fraction=0.0, seq_len=20)
    assert d.source == wine.FULL and d.n_reviews == 2 and "wine_reviews_130k" in d.describe()
    assert sorted(d.decode(r) for r in d.train) == [
        "wine review : italy : sicily : nero d ' avola : dark ; spicy .",
        "wine review : us : oregon : pinot noir : tart , red fruit ."]


def test_missing_full_file_says_where_to_put_it(tmp_path, monkeypatch):
    """Asked for the full file that is absent, does the error name the Kaggle page and the mirror layout?"""
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path))
    monkeypatch.setenv(data.MIRROR_ENV, str(tmp_path / "empty"))
    assert data.info(wine.FULL).optional
    with pytest.raises(data.DatasetError) as err:
        wine.wine_review_data(pad_punctuation, source=wine.FULL)
    assert "kaggle.com/datasets/zynicide/wine-reviews" in str(err.value)
    assert "wine-reviews/winemag-data-130k-v2.json" in str(err.value)


def test_module_does_not_import_tensorflow():
    """Is seqgen.datasets.wine pure Python and NumPy (importing it, in a fresh interpreter, loads no TensorFlow)?"""
    import subprocess

    code = "import sys, seqgen.datasets.wine; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
