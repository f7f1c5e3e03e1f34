"""Chapter 7 additions: the NumPy attention decoder's backward pass and the bidirectional LSTM's backward pass.

SETUP stands for what the chapter defines before them: its imports, Exercise 1 and 2's attention_forward and
attention_backward (the reference here; in the chapter the student's), and the given layers and forward pass."""

SETUP = r'''
import numpy as np
from seqgen import check_close, check_equal, check_shape, numerical_gradient, passed
from seqgen.layers import TimeAffine, TimeEmbedding, TimeLSTM


def attention_forward(hs, h):  # chapter 7, Exercise 1 (the student's in the chapter)
    scores = np.einsum("bsh,bh->bs", hs, h)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bs,bsh->bh", a, hs), a


def attention_backward(hs, h, a, dc):  # chapter 7, Exercise 2
    da = np.einsum("bh,bsh->bs", dc, hs)
    de = a * (da - (a * da).sum(axis=1, keepdims=True))
    return a[:, :, None] * dc[:, None, :] + de[:, :, None] * h[:, None, :], np.einsum("bs,bsh->bh", de, hs)


class AttentionDecoderLayers:
    """The attention decoder's layers: embed (V, D), lstm (D -> H), affine (2H -> V) reading [context, h_t]."""

    def __init__(self, vocab_size, wordvec, hidden, rng):
        V, D, H = vocab_size, wordvec, hidden
        self.embed = TimeEmbedding(rng.normal(0, 0.01, size=(V, D)))
        self.lstm = TimeLSTM(rng.normal(0, 1 / np.sqrt(D), size=(D, 4 * H)), rng.normal(0, 1 / np.sqrt(H), size=(H, 4 * H)),
                             np.zeros(4 * H))
        self.affine = TimeAffine(rng.normal(0, 1 / np.sqrt(2 * H), size=(2 * H, V)), np.zeros(V))
        self.params = self.embed.params + self.lstm.params + self.affine.params
        self.grads = self.embed.grads + self.lstm.grads + self.affine.grads


def attention_decoder_forward(layers, xs, enc_hs):
    """Scores (B, T, V): the LSTM starts from the last encoder state (cell 0), attends over enc_hs at every step,
    and the affine reads [context, h_t]. Keeps layers.enc_hs, layers.dec_hs (B, T, H), layers.weights (B, T, S)."""
    layers.lstm.set_state(enc_hs[:, -1])
    dec_hs = layers.lstm.forward(layers.embed.forward(xs))  # (B, T, H)
    B, T, H = dec_hs.shape
    contexts, weights = np.empty((B, T, H)), np.empty((B, T, enc_hs.shape[1]))
    for t in range(T):
        contexts[:, t], weights[:, t] = attention_forward(enc_hs, dec_hs[:, t])
    layers.enc_hs, layers.dec_hs, layers.weights = enc_hs, dec_hs, weights
    return layers.affine.forward(np.concatenate([contexts, dec_hs], axis=2))


def random_lstm(rng, D, H):
    return TimeLSTM(rng.normal(0, 0.5, size=(D, 4 * H)), rng.normal(0, 0.5, size=(H, 4 * H)), rng.normal(0, 0.5, size=4 * H))


def bilstm_forward(xs, forward_lstm, backward_lstm):  # chapter 7, Exercise 5
    out_f = forward_lstm.forward(xs)
    out_b = backward_lstm.forward(xs[:, ::-1])[:, ::-1]
    return np.concatenate([out_f, out_b], axis=2)
'''

ORDER = ["attention_decoder_backward", "bilstm_backward"]

ANSWERS = {
    "attention_decoder_backward": r'''
def attention_decoder_backward(layers, dscore):
    """Backward pass of the attention decoder, called after attention_decoder_forward(layers, xs, enc_hs).

    dscore: (B, T, V). Split the affine's input gradient into the contexts' part (first H) and the decoder
    states' part; send each step's context gradient through attention_backward (Exercise 2) with
    layers.enc_hs, layers.dec_hs[:, t], layers.weights[:, t]; the decoder states get both parts, the
    encoder states the sum over the steps. Then lstm and embed backward (filling layers.grads). Returns
    denc_hs (B, S, H), the gradient for every encoder state; the last one also gets the LSTM's dh, since the
    decoder started from it.
    """
    ### BEGIN SOLUTION
    dout = layers.affine.backward(dscore)  # (B, T, 2H)
    H = dout.shape[2] // 2
    dcs, ddec_hs = dout[:, :, :H], dout[:, :, H:].copy()
    denc_hs = np.zeros_like(layers.enc_hs)  # (B, S, H)
    for t in range(dcs.shape[1]):
        dhs, dh = attention_backward(layers.enc_hs, layers.dec_hs[:, t], layers.weights[:, t], dcs[:, t])
        denc_hs += dhs  # every step read the same encoder states
        ddec_hs[:, t] += dh
    layers.embed.backward(layers.lstm.backward(ddec_hs))
    denc_hs[:, -1] += layers.lstm.dh  # the decoder's LSTM started from the last encoder state
    return denc_hs
    ### END SOLUTION
''',
    "bilstm_backward": r'''
def bilstm_backward(dhs, forward_lstm, backward_lstm):
    """Backward pass of the bidirectional LSTM, called after bilstm_forward(xs, forward_lstm, backward_lstm).

    dhs: (B, S, 2H), the gradient for [forward state s, backward state s] at every position. The backward LSTM
    read xs reversed: give it its half of dhs reversed in time, and reverse its input gradient back.
    Returns dxs (B, S, D), the sum of both directions' input gradients; fills both LSTMs' grads.
    """
    ### BEGIN SOLUTION
    H = dhs.shape[2] // 2
    dxs_f = forward_lstm.backward(dhs[:, :, :H])
    dxs_b = backward_lstm.backward(dhs[:, ::-1, H:])[:, ::-1]
    return dxs_f + dxs_b
    ### END SOLUTION
''',
}

TESTS = {
    "attention_decoder_backward": r'''
rng = np.random.default_rng(0)
B, T, S, V_, D, H = 2, 3, 4, 7, 3, 4
layers = AttentionDecoderLayers(V_, D, H, rng)
for p in layers.params:
    p[...] = rng.normal(0, 0.5, size=p.shape)
xs, enc_hs, R = rng.integers(0, V_, size=(B, T)), rng.normal(size=(B, S, H)), rng.normal(size=(B, T, V_))


def loss():
    return float(np.sum(attention_decoder_forward(layers, xs, enc_hs) * R))


loss()
denc_hs = attention_decoder_backward(layers, R)
check_shape(denc_hs, (B, S, H), "denc_hs")
grads = [g.copy() for g in layers.grads]
check_close(denc_hs, numerical_gradient(loss, enc_hs), "denc_hs against finite differences", atol=1e-6)
for name, p, g in zip(["embedding W", "LSTM Wx", "LSTM Wh", "LSTM b", "affine W", "affine b"], layers.params, grads):
    check_close(g, numerical_gradient(loss, p), f"gradient of {name} against finite differences", atol=1e-6)
passed()
''',
    "bilstm_backward": r'''
rng = np.random.default_rng(1)
B, S, D, H = 2, 5, 3, 4
fwd, bwd = random_lstm(rng, D, H), random_lstm(rng, D, H)
xs, R = rng.normal(size=(B, S, D)), rng.normal(size=(B, S, 2 * H))


def loss():
    return float(np.sum(bilstm_forward(xs, fwd, bwd) * R))


loss()
dxs = bilstm_backward(R, fwd, bwd)
check_shape(dxs, (B, S, D), "dxs")
grads = [g.copy() for g in fwd.grads + bwd.grads]
check_close(dxs, numerical_gradient(loss, xs), "dxs against finite differences", atol=1e-6)
for name, p, g in zip(["forward Wx", "forward Wh", "forward b", "backward Wx", "backward Wh", "backward b"],
                      fwd.params + bwd.params, grads):
    check_close(g, numerical_gradient(loss, p), f"gradient of {name} against finite differences", atol=1e-6)
passed()
''',
}
