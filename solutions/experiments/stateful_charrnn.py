"""Chapter 4: the Char-RNN trained statefully, with truncated backpropagation through time.

Consecutive batches continue each other row by row (``solutions.chars.stateful_batches``);
the state is carried across batches, detached after each one, and reset every epoch.
"""

from __future__ import annotations

from dataclasses import replace

from .charrnn import PRESETS as STATELESS
from .charrnn import CharRNNPreset, run  # noqa: F401  (run is shared; preset.stateful selects the layout)

PRESETS = {
    # Chapter 4's Keras constants: a 100k-character slice, rows of 50, 32 streams, chapter 3's model.
    "cpu": replace(STATELESS["cpu"], n_chars=100_000, n_steps=50, shift=50, batch_size=32, stateful=True),
    # Hands-On ML ch.16's stateful model: windows of 100 without overlap, GRU 128 x2, batch 32, 10 epochs.
    "full": replace(STATELESS["full"], stateful=True, shift=100, batch_size=32),
}
