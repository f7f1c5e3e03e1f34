"""Quantised images for the PixelCNN chapter: digits, Fashion-MNIST when present, resizing, quantising."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import replace

import numpy as np
import pytest

from seqgen import data
from seqgen.datasets import images


def test_quantise_is_int_x_over_64():
    """Do values on the 0..255 scale map to int(x / 64), so 63.9 -> 0, 64 -> 1, 255 -> 3?"""
    x = np.array([0.0, 63.9, 64.0, 127.99, 128.0, 191.0, 192.0, 255.0])
    np.testing.assert_array_equal(images.quantise(x), [0, 0, 1, 1, 2, 2, 3, 3])
    assert images.quantise(x).dtype.kind == "i"


def test_resize_matrix_rows_sum_to_one_and_match_tf_bilinear():
    """Is each output pixel a convex mix of input pixels, at the half-pixel positions tf.image.resize uses?"""
    m = images.resize_matrix(8, 16)
    np.testing.assert_allclose(m.sum(axis=1), 1.0)
    # Output 0 and 1 both sit left of input 0's centre or between 0 and 1: (0 + .5) * .5 - .5 = -.25 -> clamped to 0.
    np.testing.assert_allclose(m[0], np.eye(8)[0])
    np.testing.assert_allclose(m[1], 0.75 * np.eye(8)[0] + 0.25 * np.eye(8)[1])
    tf = pytest.importorskip("tensorflow")
    x = np.random.default_rng(0).uniform(0, 255, size=(3, 8, 8))
    want = tf.image.resize(x[..., None], (16, 16), method="bilinear", antialias=False).numpy()[..., 0]
    np.testing.assert_allclose(images.resize(x, 16), want, atol=1e-3)


def test_digits_are_16x16_four_levels_with_a_fixed_held_out_split(monkeypatch):
    """Do the digits come out as (N, 16, 16) levels 0..3, all four used, the split fixed by the seed and disjoint?"""
    monkeypatch.setattr(images, "fashion_available", lambda: False)
    a = images.quantised_images()
    b = images.quantised_images()
    assert a.name == "digits" and a.levels == 4
    assert a.train.shape == (1797 - 297, 16, 16) and a.test.shape == (297, 16, 16)
    assert set(np.unique(a.train)) == {0, 1, 2, 3}
    np.testing.assert_array_equal(a.test, b.test)
    other = images.quantised_images(seed=1)
    assert not np.array_equal(a.test, other.test)
    flat_train = {row.tobytes() for row in a.train.reshape(len(a.train), -1)}
    shared = sum(row.tobytes() in flat_train for row in a.test.reshape(len(a.test), -1))
    assert shared <= 3, f"{shared} held-out images also in training"  # sklearn's digits hold a few exact duplicates
    assert "digits: 1,500 training and 297 held-out images, 16x16 pixels, 4 grey levels" == a.describe()


def test_model_inputs_are_level_over_four():
    """Does the network read level / 4 as a float32 (N, H, W, 1) array, as in the source?"""
    x = images.model_inputs(np.array([[[0, 1], [2, 3]]]))
    assert x.shape == (1, 2, 2, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(x[0, :, :, 0], [[0, 0.25], [0.5, 0.75]])


def write_idx(path, pixels: np.ndarray) -> str:
    header = b"".join(int(v).to_bytes(4, "big") for v in (2051, *pixels.shape))
    with gzip.open(path, "wb") as fh:
        fh.write(header + pixels.astype(np.uint8).tobytes())
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fake_fashion(tmp_path, monkeypatch):
    """Small IDX files in a mirror, registered under the Fashion-MNIST names with their own checksums."""
    mirror = tmp_path / "mirror" / "fashion-mnist"
    mirror.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name, n in zip(images.FASHION, (5, 3)):
        entry = data.REGISTRY[name]
        digest = write_idx(mirror / entry.filename, rng.integers(0, 256, size=(n, 28, 28)))
        monkeypatch.setitem(data.REGISTRY, name, replace(entry, sha256=digest, size=None))
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(data.MIRROR_ENV, str(tmp_path / "mirror"))
    return mirror


def test_fashion_mnist_is_used_when_its_files_are_in_a_mirror(fake_fashion):
    """With both image files in a mirror, does 'auto' pick Fashion-MNIST, keep its split and say so?"""
    got = images.quantised_images()
    assert got.name == "fashion_mnist"
    assert got.train.shape == (5, 16, 16) and got.test.shape == (3, 16, 16)
    assert got.describe().startswith("fashion_mnist: 5 training and 3 held-out images")
    raw = images.read_idx_images(data.path(images.FASHION[1]))
    np.testing.assert_array_equal(got.test, images.quantise(images.resize(raw, 16)))


def test_one_missing_fashion_file_falls_back_to_digits(fake_fashion):
    """With only the training file present, does 'auto' use the digits (and the registry say where to put the missing file)?"""
    (fake_fashion / data.REGISTRY[images.FASHION[1]].filename).unlink()
    assert images.quantised_images().name == "digits"
    with pytest.raises(data.DatasetError, match="t10k-images-idx3-ubyte.gz"):
        data.path(images.FASHION[1], download=False)


def test_registry_records_the_canonical_fashion_files():
    """Are the canonical gzip files registered with their published sizes and sha256 (64 hex digits)?"""
    train, test = (data.REGISTRY[name] for name in images.FASHION)
    assert (train.filename, train.size) == ("train-images-idx3-ubyte.gz", 26421880)
    assert (test.filename, test.size) == ("t10k-images-idx3-ubyte.gz", 4422102)
    assert all(len(d.sha256) == 64 and int(d.sha256, 16) >= 0 for d in (train, test))


def test_unknown_source_is_refused():
    """Does asking for an image source that does not exist fail with the names of the ones that do?"""
    with pytest.raises(ValueError, match="digits"):
        images.quantised_images("cifar")
