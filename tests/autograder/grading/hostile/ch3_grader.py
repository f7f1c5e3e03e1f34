"""Chapter 3 submissions that attack the grader's own claims (issue 19), each with the scores it must get.

The cases follow ``notebooks.py``'s format.
"""

# A Keras model that *describes itself* as Embedding -> GRU -> GRU -> Dense with zero weights (its `layers`,
# `get_config` and `get_weights` say so) while it holds no such layer, ignores set_weights and outputs 1 / V:
# the torch reference rebuilt from that description (zero weights) outputs 1 / V too. The check must compare
# the described weights with the ones it set.
SELF_DESCRIBED = '''
class _Part:
    """Answers to what a describer asks a layer (name, get_config, get_weights), and nothing else."""

    def __init__(self, name, config, shapes):
        self.name, self._config = name, dict(config, name=name)
        self._weights = [np.zeros(s, dtype="float32") for s in shapes]
        self.trainable_weights = self._weights
        self.activation = config.get("activation")

    def get_config(self):
        return dict(self._config)

    def get_weights(self):
        return list(self._weights)


class Embedding(_Part):
    pass


class GRU(_Part):
    recurrent_activation = "sigmoid"


class Dense(_Part):
    pass


class _SelfDescribed(keras.Model):
    """No Embedding, GRU or Dense inside: it only says so, with zero weights, and outputs 1 / V everywhere."""

    def __init__(self, V, E, H):
        super().__init__()
        self.V = V
        gru = dict(units=H, return_sequences=True, activation="tanh", recurrent_activation="sigmoid", reset_after=True)
        self._parts = (Embedding("embedding", {"input_dim": V, "output_dim": E}, [(V, E)]),
                       GRU("gru", gru, [(E, 3 * H), (H, 3 * H), (2, 3 * H)]),
                       GRU("gru_1", gru, [(H, 3 * H), (H, 3 * H), (2, 3 * H)]),
                       Dense("dense", {"units": V, "activation": "softmax"}, [(H, V), (V,)]))

    @property
    def layers(self):
        return list(self._parts)

    def get_weights(self):
        return [w for part in self._parts for w in part.get_weights()]

    def set_weights(self, weights):
        pass

    def call(self, ids):
        shape = keras.ops.shape(ids)
        return keras.ops.ones((shape[0], shape[1], self.V)) / self.V


def build_char_gru(vocab_size, embed_dim, hidden):
    return _SelfDescribed(vocab_size, embed_dim, hidden)
'''

# A 30-byte call into the checker-side stand-in for sample_with_temperature with a 32 MB argument (with a
# wrong arity, so that the stand-in raises before it records the call), the error swallowed, then the right
# generation. Today the grader decodes the argument (2 GB and 13 s for a larger one) and gives full marks.
HUGE_STANDIN_ARGUMENT = '''{REF}
_right_generate_text = generate_text


def generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos=False):
    try:
        sample_with_temperature(np.zeros(2**22))
    except Exception:
        pass
    return _right_generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos)
'''

CASES = {
    "self_described_keras_model": {"answers": {"char_gru": SELF_DESCRIBED}, "expect": ["char_gru"]},
    "huge_standin_argument": {"answers": {"generate_text": HUGE_STANDIN_ARGUMENT}, "expect": ["generate_text"]},
}
