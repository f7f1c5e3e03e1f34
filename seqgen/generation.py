"""Generating with a Keras model: a compiled forward pass (chapter 3) and a sample after every epoch (chapter 1).

Taught code that later chapters reuse: chapter 3's page shows ``compiled`` and chapter 1's shows
``SampleEachEpoch``, the same code as here (a test checks that pages and module agree); chapters 3 and 9
import them from here.
"""

from __future__ import annotations

import keras
import tensorflow as tf

__all__ = ["SampleEachEpoch", "compiled"]


class SampleEachEpoch(keras.callbacks.Callback):
    """Print a generated text at the end of every epoch, to watch the model learn.

    sample(model, epoch) returns the text to print.
    """

    def __init__(self, sample):
        super().__init__()
        self.sample = sample

    def on_epoch_end(self, epoch, logs=None):
        print(f"  sample after epoch {epoch + 1}: {self.sample(self.model, epoch)}")


def compiled(model):
    """The model's forward pass compiled once for inputs of shape (any, any): same outputs, much faster calls."""
    fn = tf.function(lambda ids: model(ids, training=False), input_signature=[tf.TensorSpec((None, None), tf.int32)])
    return lambda ids, training=False: fn(tf.convert_to_tensor(ids, tf.int32))
