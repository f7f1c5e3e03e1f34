"""Plausible wrong answers for chapter 6. Each must lose exactly its exercise's points."""

MUTANTS = {
    "reverse_questions": {
        # Reverses the order of the problems instead of the characters of each.
        "reverses the rows": '''
def reverse_questions(x):
    return x[::-1].copy()
''',
    },
    "peeky_forward": {
        # Same shapes, context second in the LSTM input: only the order is wrong.
        "[x_t, h] into the LSTM": '''
def peeky_forward(layers, xs, h):
    B, T = xs.shape
    layers.lstm.set_state(h)
    hs = np.repeat(h[:, None, :], T, axis=1)
    out = np.concatenate([layers.embed.forward(xs), hs], axis=2)
    out = np.concatenate([hs, layers.lstm.forward(out)], axis=2)
    return layers.affine.forward(out)
''',
    },
    "peeky_backward": {
        # Forgets the gradient that reaches h through the LSTM inputs.
        "drops the LSTM-input copies of h": '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    dhs_out, dout = dout[:, :, :H], dout[:, :, H:]
    dx = layers.lstm.backward(dout)
    layers.embed.backward(dx[:, :, H:])
    return layers.lstm.dh + dhs_out.sum(axis=1)
''',
    },
}

# Other correct answers, written differently: together in one submission they must score full marks.
ALTERNATIVES = {
    # np.take with a descending index: fancy indexing always copies.
    "reverse_questions": '''
def reverse_questions(x):
    return np.take(x, np.arange(x.shape[1] - 1, -1, -1), axis=1)
''',
    # np.tile for the copies of h, np.dstack for the concatenations.
    "peeky_forward": '''
def peeky_forward(layers, xs, h):
    hs = np.tile(h[:, None, :], (1, xs.shape[1], 1))
    layers.lstm.set_state(h)
    lstm_out = layers.lstm.forward(np.dstack([hs, layers.embed.forward(xs)]))
    return layers.affine.forward(np.dstack([hs, lstm_out]))
''',
    # np.split of each concatenation's gradient; the copies of h summed with einsum.
    "peeky_backward": '''
def peeky_backward(layers, dscore):
    H = len(layers.lstm.params[1])
    d_context_out, d_lstm_out = np.split(layers.affine.backward(dscore), [H], axis=2)
    d_context_in, d_embed = np.split(layers.lstm.backward(d_lstm_out), [H], axis=2)
    layers.embed.backward(d_embed)
    return layers.lstm.dh + np.einsum("bth->bh", d_context_out + d_context_in)
''',
}
