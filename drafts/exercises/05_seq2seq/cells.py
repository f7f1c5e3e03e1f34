"""Chapter 5 additions: the NumPy encoder, forward and backward (after Exercise 5, the decoder's backward).

The page then assembles the NumPy Seq2seq from these functions and chapter 5's decoder functions and trains it on
addition (drafts/stage2_plan.md gives the cell and its measured time)."""

SETUP = r'''
import numpy as np
from seqgen import check_close, check_equal, check_shape, numerical_gradient, passed
from seqgen.layers import TimeAffine, TimeEmbedding, TimeLSTM, sigmoid


class EncoderLayers:
    """The encoder's two layers: embed (V, D) and lstm (D -> H)."""

    def __init__(self, vocab_size, wordvec, hidden, rng):
        V, D, H = vocab_size, wordvec, hidden
        self.embed = TimeEmbedding(rng.normal(0, 0.01, size=(V, D)))
        self.lstm = TimeLSTM(rng.normal(0, 1 / np.sqrt(D), size=(D, 4 * H)), rng.normal(0, 1 / np.sqrt(H), size=(H, 4 * H)),
                             np.zeros(4 * H))
        self.params = self.embed.params + self.lstm.params
        self.grads = self.embed.grads + self.lstm.grads
'''

ORDER = ["encoder_forward", "encoder_backward"]

ANSWERS = {
    "encoder_forward": r'''
def encoder_forward(layers, xs):
    """The context of a batch of questions.

    layers: an EncoderLayers. xs: (B, S) int ids. Start the LSTM from zero states (layers.lstm.set_state(None):
    a state left by an earlier call must not leak in), then embed -> lstm. Returns h (B, H), float64: the LSTM's
    hidden state after the last step. xs is left unchanged.
    """
    ### BEGIN SOLUTION
    layers.lstm.set_state(None)
    hs = layers.lstm.forward(layers.embed.forward(xs))  # (B, S, H)
    return hs[:, -1]  # (B, H)
    ### END SOLUTION
''',
    "encoder_backward": r'''
def encoder_backward(layers, dh):
    """Backward pass of the encoder, called after encoder_forward(layers, xs).

    dh: (B, H), the gradient of the loss with respect to the context (the decoder's backward returns it).
    Only the last step's state left the encoder, so the gradient enters there: the LSTM's backward gets
    dhs (B, S, H) that is zero except dhs[:, -1] = dh (S = layers.embed.xs.shape[1], the ids of the last
    forward pass). Calls the backward of lstm and then embed, which fills layers.grads. Returns nothing.
    """
    ### BEGIN SOLUTION
    B, S = layers.embed.xs.shape
    dhs = np.zeros((B, S, dh.shape[1]))
    dhs[:, -1] = dh
    layers.embed.backward(layers.lstm.backward(dhs))
    ### END SOLUTION
''',
}

TESTS = {
    "encoder_forward": r'''
rng = np.random.default_rng(0)
layers = EncoderLayers(13, 3, 4, rng)
xs = rng.integers(0, 13, size=(2, 5))
h = encoder_forward(layers, xs)
check_shape(h, (2, 4), "context h")
# By hand: with all LSTM weights zero and a zero start, every gate is 0.5 and g = 0, so c and h stay 0.
zero = EncoderLayers(13, 3, 4, rng)
for p in zero.lstm.params:
    p[...] = 0.0
check_close(encoder_forward(zero, xs), np.zeros((2, 4)), "h with a zero LSTM")
# The last state: a question one step shorter gives the state after its last step, not the same one.
check_close(encoder_forward(layers, xs[:, :4]), layers.lstm.forward(layers.embed.forward(xs[:, :4]))[:, -1],
            "h for the first four ids (the state after step 4)")
# A state left in the LSTM must not leak in.
layers.lstm.set_state(np.ones((2, 4)))
check_close(encoder_forward(layers, xs), h, "h after the LSTM was given another state")
passed()
''',
    "encoder_backward": r'''
rng = np.random.default_rng(1)
layers = EncoderLayers(7, 3, 4, rng)
for p in layers.params:
    p[...] = rng.normal(0, 0.5, size=p.shape)
xs, R = rng.integers(0, 7, size=(2, 5)), rng.normal(size=(2, 4))
FORWARD_LOSS = float(np.sum(TimeLSTM(*layers.lstm.params).forward(layers.embed.params[0][xs])[:, -1] * R))


def loss():
    return float(np.sum(encoder_forward(layers, xs) * R))  # L = sum(h * R), so dL/dh = R


try:  # a wrong encoder_forward must not make this test fail: it is the previous exercise's to report
    forward_right = bool(np.isclose(loss(), FORWARD_LOSS, rtol=1e-9))
except Exception:
    forward_right = False
if not forward_right:
    print("not checked yet: make encoder_forward's test pass first")
else:
    encoder_backward(layers, R)
    grads = [g.copy() for g in layers.grads]
    for name, p, g in zip(["embedding W", "LSTM Wx", "LSTM Wh", "LSTM b"], layers.params, grads):
        check_close(g, numerical_gradient(loss, p), f"gradient of {name} against finite differences", atol=1e-6)
    passed()
''',
}
