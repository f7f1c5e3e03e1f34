"""Chapter 8: a PixelCNN on 16x16 images with 4 grey levels, bits/dim on held-out images beside two count baselines.

The data is Fashion-MNIST when its files are in the cache or a mirror, else scikit-learn's
digits (``seqgen.datasets.images``); the run prints which.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from seqgen.datasets import quantised_images

from ..pixelcnn import PixelCNN, PixelCNNConfig, bits_per_dim, independent_bits_per_dim, neighbour_bits_per_dim
from ..sources import GDL2, GDL2_CODE, Metric, Source, key
from ..train import batches, fit


@dataclass(frozen=True)
class PixelCNNPreset:
    filters: int
    n_blocks: int
    batch_size: int
    epochs: int
    lr: float
    levels: int = 4
    source: str = "auto"  # "auto" (Fashion-MNIST if present, else digits), "digits", "fashion_mnist"
    n_train: int | None = None  # keep only the first n training images (None: all)
    seed: int = 0


PRESETS = {
    # Chapter 8's Keras settings (book/08_pixelcnn.md).
    "cpu": PixelCNNPreset(filters=32, n_blocks=2, batch_size=32, epochs=4, lr=2e-3),
    # Generative Deep Learning, ch. 5: 128 filters, 5 residual blocks, Adam 5e-4, batch 128, 150 epochs.
    "full": PixelCNNPreset(filters=128, n_blocks=5, batch_size=128, epochs=150, lr=5e-4),
}

CHAPTER = "08_pixelcnn"
MIRRORS = {"LEVELS": "levels", "FILTERS": "filters", "N_BLOCKS": "n_blocks", "BATCH_SIZE": "batch_size",
           "EPOCHS": "epochs", "LEARNING_RATE": "lr"}
# cpu: Fashion-MNIST if present, else scikit-learn's digits (no file)
DATA = {"cpu": (), "full": ("fashion_mnist_train_images", "fashion_mnist_test_images")}
SOURCE = Source(
    "PixelCNN on Fashion-MNIST", f"{GDL2}, ch. 5",
    f"ch. 5's PixelCNN from scratch ({GDL2_CODE}, `notebooks/05_autoregressive/02_pixelcnn/pixelcnn.ipynb`: stored without "
    "outputs; it trains on the 60,000 training images and keeps no held-out set)",
    "Fashion-MNIST resized to 16x16, 4 grey levels, 128 filters, 5 residual blocks, Adam 5e-4, batch 128, 150 epochs",
    "samples only", "none: the source shows sampled images, no likelihood",
    "held-out bits/dim below both count baselines computed by the same run on the same split: an independent "
    "categorical per position, and a table over the 4 causal neighbours",
    (Metric("held-out bits/dim", key("val_bits_per_dim"), bar=key("neighbour_bits"), higher_is_better=False),
     Metric("independent-position baseline", key("independent_bits"), higher_is_better=False),
     Metric("4-neighbour count baseline", key("neighbour_bits"), higher_is_better=False)),
    needs="a GPU (150 epochs of the 128-filter network) and Fashion-MNIST's two image files, which the offline data "
          "mirror lacks (`fashion-mnist/train-images-idx3-ubyte.gz` and `t10k-images-idx3-ubyte.gz` in the cache or a "
          "mirror; without them the run trains on scikit-learn's digits and records so)",
)


def pixel_loss(model, batch):
    (levels,) = batch
    return bits_per_dim(model(model.inputs(levels)), levels), levels.numel()


def held_out_bits(model, test: torch.Tensor, batch_size: int = 500) -> float:
    """Mean bits/dim of ``model`` over every pixel of ``test`` (B, H, W)."""
    device = next(model.parameters()).device
    total = 0.0
    for (levels,) in batches(test, batch_size=batch_size, shuffle=False):
        levels = levels.to(device)
        total += float(bits_per_dim(model(model.inputs(levels)), levels)) * levels.numel()
    return total / test.numel()


def run(preset: PixelCNNPreset, device: torch.device) -> dict:
    images = quantised_images(preset.source, levels=preset.levels, seed=preset.seed, n_train=preset.n_train)
    print("data:", images.describe(), flush=True)
    baselines = {"independent_bits": independent_bits_per_dim(images.train, images.test, preset.levels),
                 "neighbour_bits": neighbour_bits_per_dim(images.train, images.test, preset.levels)}
    print("baselines (held-out bits/dim): " + ", ".join(f"{k} {v:.4f}" for k, v in baselines.items()), flush=True)
    torch.manual_seed(preset.seed)
    train, test = torch.from_numpy(images.train), torch.from_numpy(images.test)
    model = PixelCNN(PixelCNNConfig(levels=preset.levels, filters=preset.filters, n_blocks=preset.n_blocks))
    gen = torch.Generator().manual_seed(preset.seed)
    history = fit(model, lambda epoch: batches(train, batch_size=preset.batch_size, shuffle=True, generator=gen),
                  pixel_loss, epochs=preset.epochs, lr=preset.lr, device=device, unit="px",
                  evaluate=lambda m: {"val_bits_per_dim": held_out_bits(m, test)})
    history["bits_per_dim"] = history.pop("loss")  # the training loss is bits/dim already
    best = baselines["neighbour_bits"]
    final = history["val_bits_per_dim"][-1]
    print(f"held-out bits/dim {final:.4f}: {best - final:+.4f} below the 4-neighbour count model, "
          f"{baselines['independent_bits'] - final:+.4f} below the independent one", flush=True)
    return {"data": images.name, "val_bits_per_dim": final, **baselines, "history": history}
