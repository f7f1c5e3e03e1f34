"""Keras answers that *describe themselves* as the required layers (issue 19), judged in process.

Each fake answers what a describer asks (``layers``, ``get_config``, ``get_weights``) with the required
architecture and zero weights, ignores the weights the check sets, and outputs what zero weights would
give (uniform probabilities, zeros). A reference rebuilt from such a description computes the same
thing, so a check that trusts the description gives full marks. Each check must compare the described
weights with the ones it sent, and fail the fake. The fakes run in a bare namespace (NumPy and Keras):
the check needs nothing else of the chapter. The sandboxed end-to-end case is chapter 3's
``self_described_keras_model`` in tests/autograder/grading/test_hostile_grader.py.
"""

from __future__ import annotations

import pytest

from autograder import course
from autograder.grading.checks import run_check
from autograder.grading.local import LocalKernel

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("checks")]

PARTS = '''
class _Part:
    """Answers what a describer asks of a layer (name, get_config, get_weights, activations), nothing else."""
    recurrent_activation = None

    def __init__(self, name, config, shapes):
        self.name, self._config = name, dict(config, name=name)
        self._weights = [np.zeros(s, dtype="float32") for s in shapes]
        self.trainable_weights = self._weights
        self.activation = config.get("activation")
        if "recurrent_activation" in config:
            self.recurrent_activation = config["recurrent_activation"]

    def get_config(self):
        return dict(self._config)

    def get_weights(self):
        return list(self._weights)


class Embedding(_Part):
    pass


class LSTM(_Part):
    pass


class GRU(_Part):
    pass


class Dense(_Part):
    pass


class _SelfDescribed(keras.Model):
    """No such layers inside: it only says so, with zero weights, and outputs 1 / V everywhere."""

    def __init__(self, V, parts):
        super().__init__()
        self.V, self._parts = V, tuple(parts)

    @property
    def layers(self):
        return list(self._parts)

    def get_weights(self):
        return [w for part in self._parts for w in part.get_weights()]

    def set_weights(self, weights):
        pass

    def call(self, ids, training=False):
        shape = keras.ops.shape(ids)
        return keras.ops.ones((shape[0], shape[1], self.V)) / self.V
'''
RECURRENT = 'dict(units=H, return_sequences=True, activation="tanh", recurrent_activation="sigmoid", reset_after=True)'
FAKES = {
    ("01_lstm_intro", "lstm_lm"): PARTS + f'''
def build_lstm_lm(vocab_size, embed_dim, hidden):
    V, E, H = vocab_size, embed_dim, hidden
    return _SelfDescribed(V, [Embedding("embedding", {{"input_dim": V, "output_dim": E}}, [(V, E)]),
                              LSTM("lstm", {RECURRENT}, [(E, 4 * H), (H, 4 * H), (4 * H,)]),
                              Dense("dense", {{"units": V, "activation": "softmax"}}, [(H, V), (V,)])])
''',
    ("03_char_rnn", "char_gru"): PARTS + f'''
def build_char_gru(vocab_size, embed_dim, hidden):
    V, E, H = vocab_size, embed_dim, hidden
    return _SelfDescribed(V, [Embedding("embedding", {{"input_dim": V, "output_dim": E}}, [(V, E)]),
                              GRU("gru", {RECURRENT}, [(E, 3 * H), (H, 3 * H), (2, 3 * H)]),
                              GRU("gru_1", {RECURRENT}, [(H, 3 * H), (H, 3 * H), (2, 3 * H)]),
                              Dense("dense", {{"units": V, "activation": "softmax"}}, [(H, V), (V,)])])
''',
    ("08_pixelcnn", "MaskedConv2D"): '''
class _Zero:
    """A weight that reports zeros and ignores assignments."""
    def __init__(self, shape):
        self.shape = tuple(shape)
    def assign(self, value):
        pass
    def __array__(self, dtype=None, copy=None):
        return np.zeros(self.shape, dtype=dtype or "float32")


class MaskedConv2D(keras.layers.Layer):
    """Reports a kernel and a bias of zeros, computes nothing: its output is 0, as zero weights would give."""
    def __init__(self, mask_type, filters, kernel_size, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.k = filters, kernel_size
        self._fake = []

    def build(self, input_shape):
        self._fake = [_Zero((self.k, self.k, input_shape[-1], self.filters)), _Zero((self.filters,))]

    @property
    def trainable_weights(self):
        return list(self._fake)

    def get_weights(self):
        return [np.asarray(w) for w in self._fake]

    def call(self, inputs):
        return keras.ops.zeros_like(inputs[..., :1]) + keras.ops.zeros((self.filters,))
''',
    ("09_transformer", "TokenAndPositionEmbedding"): '''
class TokenAndPositionEmbedding(keras.layers.Layer):
    """Reports two tables of zeros, ignores set_weights, outputs zeros (what zero tables give)."""
    def __init__(self, max_len, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.tables = [np.zeros((vocab_size, embed_dim), "float32"), np.zeros((max_len, embed_dim), "float32")]
        self.D = embed_dim

    def get_weights(self):
        return [t.copy() for t in self.tables]

    def set_weights(self, weights):
        pass

    def call(self, ids):
        return keras.ops.zeros_like(keras.ops.cast(ids, "float32"))[..., None] + keras.ops.zeros((self.D,))
''',
}


@pytest.mark.parametrize("stem, ex_id", sorted(FAKES))
def test_a_model_that_describes_itself_fails_its_check(stem, ex_id):
    """Does a fake that describes the required layers with zero weights, and computes nothing, lose its points?"""
    import keras
    import numpy as np

    namespace = {"np": np, "keras": keras}
    exec(compile(FAKES[stem, ex_id], f"<fake {ex_id}>", "exec"), namespace)  # noqa: S102 - the test's own fake
    passed, message = run_check(course.chapter(stem).checks[ex_id], LocalKernel(namespace))
    assert not passed, f"{stem} {ex_id}: the self-describing fake passed"
    assert "not one of the weights the check set" in message or "belong to no layer" in message, message
