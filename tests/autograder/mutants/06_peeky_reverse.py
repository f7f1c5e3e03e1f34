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
