"""Small quantised grey-level images for the PixelCNN chapter.

The source notes train on Fashion-MNIST resized to 16x16 with 4 grey levels: each
pixel, on the 0..255 scale after resizing, becomes ``level = int(x / 64)`` (0..3);
the network reads ``level / 4`` and predicts the level. This module makes the same
kind of data from either of two sources:

- ``"fashion_mnist"``: the canonical Fashion-MNIST image files (registry names
  ``fashion_mnist_train_images``, ``fashion_mnist_test_images``), used only when both
  are already in the cache or a mirror (they are never downloaded behind your back);
  the split is the canonical one (60,000 training, 10,000 test images);
- ``"digits"``: the 1,797 handwritten digits that scikit-learn ships (8x8, values
  0..16), rescaled to 0..255, resized to 16x16 and quantised the same way; a held-out
  set is drawn with a fixed seed.

:func:`quantised_images` picks Fashion-MNIST when it is there and the digits
otherwise, and says which in the returned :class:`ImageSet` (``name``, ``describe()``);
a chapter prints that, so the choice is never silent.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import data

FASHION = ("fashion_mnist_train_images", "fashion_mnist_test_images")
SOURCES = ("auto", "digits", "fashion_mnist")


@dataclass(frozen=True)
class ImageSet:
    """Quantised images: ``train`` (N, H, W) and ``test`` (M, H, W) integer levels in [0, levels)."""

    name: str  # "digits" or "fashion_mnist"
    train: np.ndarray
    test: np.ndarray
    levels: int

    def describe(self) -> str:
        n, h, w = self.train.shape
        return (f"{self.name}: {n:,} training and {len(self.test):,} held-out images, "
                f"{h}x{w} pixels, {self.levels} grey levels")


def resize_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights of bilinear resampling along one axis (pixel centres aligned, edges clamped).

    Output pixel o samples the input at ``(o + 0.5) * n_in / n_out - 0.5``, the convention of
    ``tf.image.resize(..., "bilinear")`` without antialiasing.
    """
    src = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    src = np.clip(src, 0, n_in - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = src - lo
    m = np.zeros((n_out, n_in))
    m[np.arange(n_out), lo] += 1 - frac
    m[np.arange(n_out), hi] += frac
    return m


def resize(images: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of (N, H, W) images to (N, size, size), float64 (values stay in range)."""
    _, h, w = images.shape
    rows, cols = resize_matrix(h, size), resize_matrix(w, size)
    return np.einsum("oh,nhw,pw->nop", rows, images.astype(np.float64), cols)


def quantise(images: np.ndarray, levels: int = 4) -> np.ndarray:
    """Images on the 0..255 scale -> integer levels ``int(x / (256 / levels))``, i.e. ``int(x / 64)`` for 4 levels."""
    width = 256 / levels
    return np.clip((np.asarray(images, dtype=np.float64) / width).astype(np.int64), 0, levels - 1)


def read_idx_images(path: Path) -> np.ndarray:
    """An IDX image file (``*-images-idx3-ubyte.gz``, as MNIST and Fashion-MNIST ship): (N, rows, cols) uint8."""
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    magic, n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in range(0, 16, 4))
    if magic != 2051:
        raise ValueError(f"{path}: not an IDX image file (magic {magic}, expected 2051)")
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows, cols)


def digits_images() -> np.ndarray:
    """scikit-learn's 1,797 digits on the 0..255 scale: (1797, 8, 8) float64 (the originals are 0..16)."""
    from sklearn.datasets import load_digits

    return load_digits().images * (255.0 / 16.0)


def fashion_available() -> bool:
    """Are both Fashion-MNIST image files in the cache or a mirror (no download is tried)?"""
    return all(data.available(name) for name in FASHION)


def _digits(size: int, levels: int, n_test: int, seed: int) -> ImageSet:
    images = quantise(resize(digits_images(), size), levels)
    order = np.random.default_rng(seed).permutation(len(images))
    return ImageSet("digits", images[order[n_test:]], images[order[:n_test]], levels)


def _fashion(size: int, levels: int, n_train: int | None) -> ImageSet:
    train, test = (read_idx_images(data.path(name)) for name in FASHION)
    if n_train is not None:
        train = train[:n_train]
    return ImageSet("fashion_mnist", quantise(resize(train, size), levels), quantise(resize(test, size), levels), levels)


def quantised_images(source: str = "auto", size: int = 16, levels: int = 4, n_test: int = 297,
                     seed: int = 0, n_train: int | None = None) -> ImageSet:
    """Quantised (N, size, size) integer images, training and held-out.

    ``source``: ``"auto"`` (Fashion-MNIST if both its image files are on this machine, else the
    digits), ``"digits"`` or ``"fashion_mnist"`` (an error saying where to put the files if absent).
    ``n_test`` and ``seed`` fix the digits' held-out split (Fashion-MNIST keeps its own);
    ``n_train`` keeps only the first Fashion-MNIST training images.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown image source {source!r}; choose from {SOURCES}")
    if source == "fashion_mnist" or (source == "auto" and fashion_available()):
        return _fashion(size, levels, n_train)
    return _digits(size, levels, n_test, seed)


def model_inputs(levels_array: np.ndarray, levels: int = 4) -> np.ndarray:
    """Integer levels (N, H, W) -> the network's input (N, H, W, 1) float32, ``level / levels`` as in the source."""
    return (np.asarray(levels_array, dtype=np.float32) / levels)[..., None]
