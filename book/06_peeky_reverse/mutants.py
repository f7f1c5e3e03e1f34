"""Plausible wrong answers for chapter 6, labelled by class. Each must lose exactly its exercise's points."""

MUTANTS = {
    "reverse_questions": {
        # Reverses the order of the problems instead of the characters of each.
        "logic: reverses the rows": '''
def reverse_questions(x):
    return x[::-1].copy()
''',
        # A rotation looks like a reversal on short palindromic-ish rows, not in general.
        "logic: rotates the characters by one": '''
def reverse_questions(x):
    return np.roll(x, 1, axis=1)
''',
        # np.flip returns a view: writing into the result changes the caller's questions.
        "contract: returns a view (np.flip)": '''
def reverse_questions(x):
    return np.flip(x, axis=1)
''',
        # Copies only when the reversed view is not contiguous: for one column it is x itself.
        "contract: np.ascontiguousarray (x itself when S = 1)": '''
def reverse_questions(x):
    return np.ascontiguousarray(x[:, ::-1])
''',
        # Reverses the caller's array in place and returns it.
        "contract: reverses x in place": '''
def reverse_questions(x):
    x[...] = x[:, ::-1].copy()
    return x
''',
        # Right values as a list of lists (the check once converted the result before looking at it).
        "contract: a list of lists, not an array": '''
def reverse_questions(x):
    return [row[::-1] for row in x.tolist()]
''',
        # Right values, wrong type: ids as floats cannot index an embedding.
        "contract: float ids": '''
def reverse_questions(x):
    return x[:, ::-1].astype(float)
''',
    },
    "peeky_forward": {
        # Same shapes, context second in the LSTM input: only the order is wrong.
        "logic: [x_t, h] into the LSTM": '''
def peeky_forward(layers, xs, h):
    B, T = xs.shape
    layers.lstm.set_state(h)
    hs = np.repeat(h[:, None, :], T, axis=1)
    out = np.concatenate([layers.embed.forward(xs), hs], axis=2)
    out = np.concatenate([hs, layers.lstm.forward(out)], axis=2)
    return layers.affine.forward(out)
''',
        # Context second in the affine input.
        "logic: [h_t, h] into the affine layer": '''
def peeky_forward(layers, xs, h):
    hs = np.repeat(h[:, None, :], xs.shape[1], axis=1)
    layers.lstm.set_state(h)
    out = layers.lstm.forward(np.concatenate([hs, layers.embed.forward(xs)], axis=2))
    return layers.affine.forward(np.concatenate([out, hs], axis=2))
''',
        # Peeks at every step but forgets to start the LSTM from the context.
        "logic: the LSTM starts from zeros": '''
def peeky_forward(layers, xs, h):
    hs = np.repeat(h[:, None, :], xs.shape[1], axis=1)
    out = layers.lstm.forward(np.concatenate([hs, layers.embed.forward(xs)], axis=2))
    return layers.affine.forward(np.concatenate([hs, out], axis=2))
''',
        # Starts the cell state from h too, instead of zeros.
        "numeric: the LSTM starts from (h, h)": '''
def peeky_forward(layers, xs, h):
    hs = np.repeat(h[:, None, :], xs.shape[1], axis=1)
    layers.lstm.set_state(h, h)
    out = layers.lstm.forward(np.concatenate([hs, layers.embed.forward(xs)], axis=2))
    return layers.affine.forward(np.concatenate([hs, out], axis=2))
''',
        # The docstring asks for scores before the softmax.
        "contract: returns probabilities (softmax applied)": '''
def peeky_forward(layers, xs, h):
    hs = np.repeat(h[:, None, :], xs.shape[1], axis=1)
    layers.lstm.set_state(h)
    out = layers.lstm.forward(np.concatenate([hs, layers.embed.forward(xs)], axis=2))
    s = layers.affine.forward(np.concatenate([hs, out], axis=2))
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
''',
        # Cast down: within RTOL of the float64 scores, but no longer the layers' precision.
        "contract: float32 scores": '''
def peeky_forward(layers, xs, h):
    hs = np.repeat(h[:, None, :], xs.shape[1], axis=1)
    layers.lstm.set_state(h)
    out = layers.lstm.forward(np.concatenate([hs, layers.embed.forward(xs)], axis=2))
    return layers.affine.forward(np.concatenate([hs, out], axis=2)).astype(np.float32)
''',
        # Only the last step's scores: (B, V) instead of (B, T, V).
        "contract: last step only": '''
def peeky_forward(layers, xs, h):
    hs = np.repeat(h[:, None, :], xs.shape[1], axis=1)
    layers.lstm.set_state(h)
    out = layers.lstm.forward(np.concatenate([hs, layers.embed.forward(xs)], axis=2))
    return layers.affine.forward(np.concatenate([hs, out], axis=2))[:, -1]
''',
    },
    "peeky_backward": {
        # Forgets the gradient that reaches h through the LSTM inputs.
        "logic: drops the LSTM-input copies of h": '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    dhs_out, dout = dout[:, :, :H], dout[:, :, H:]
    dx = layers.lstm.backward(dout)
    layers.embed.backward(dx[:, :, H:])
    return layers.lstm.dh + dhs_out.sum(axis=1)
''',
        # Forgets the path through the LSTM's initial state.
        "logic: drops lstm.dh (the initial state)": '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    dx = layers.lstm.backward(dout[:, :, H:])
    layers.embed.backward(dx[:, :, H:])
    return (dout[:, :, :H] + dx[:, :, :H]).sum(axis=1)
''',
        # Takes the wrong half of the affine layer's input gradient for the LSTM (both halves are H wide).
        "logic: the halves of [h, h_t] swapped": '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    dhs_out, dout = dout[:, :, H:], dout[:, :, :H]
    dx = layers.lstm.backward(dout)
    layers.embed.backward(dx[:, :, H:])
    return layers.lstm.dh + (dhs_out + dx[:, :, :H]).sum(axis=1)
''',
        # Averages the copies' gradients over time instead of summing them (same when T = 1).
        "numeric: mean over time instead of sum": '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    dx = layers.lstm.backward(dout[:, :, H:])
    layers.embed.backward(dx[:, :, H:])
    return layers.lstm.dh + (dout[:, :, :H] + dx[:, :, :H]).mean(axis=1)
''',
        # Right dh, but the embedding's gradient is never computed (layers.grads not filled).
        "contract: embed.backward not called": '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    dx = layers.lstm.backward(dout[:, :, H:])
    return layers.lstm.dh + (dout[:, :, :H] + dx[:, :, :H]).sum(axis=1)
''',
        # Cast down to float32: within RTOL, but the encoder's backward then runs on rounded gradients.
        "contract: float32 dh": '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    dx = layers.lstm.backward(dout[:, :, H:])
    layers.embed.backward(dx[:, :, H:])
    return (layers.lstm.dh + (dout[:, :, :H] + dx[:, :, :H]).sum(axis=1)).astype(np.float32)
''',
        # Keeps the time axis: (B, 1, H) instead of (B, H).
        "contract: dh of shape (B, 1, H)": '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    dx = layers.lstm.backward(dout[:, :, H:])
    layers.embed.backward(dx[:, :, H:])
    return layers.lstm.dh[:, None] + (dout[:, :, :H] + dx[:, :, :H]).sum(axis=1, keepdims=True)
''',
        # Right dh, every weight gradient zeroed and layers.grads emptied: a zip over the list would stop at once
        # (issue 19: the check length-checks the list).
        "contract: layers.grads emptied": '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    dx = layers.lstm.backward(dout[:, :, H:])
    layers.embed.backward(dx[:, :, H:])
    for g in layers.grads:
        g[...] = 0.0
    layers.grads.clear()
    return layers.lstm.dh + (dout[:, :, :H] + dx[:, :, :H]).sum(axis=1)
''',
    },
}

# Other correct answers, written differently: each must earn its exercise's points.
ALTERNATIVES = {
    "reverse_questions": [
        # np.take with a descending index: fancy indexing always copies.
        '''
def reverse_questions(x):
    return np.take(x, np.arange(x.shape[1] - 1, -1, -1), axis=1)
''',
        # np.fliplr is a view; .copy() makes it a new array.
        '''
def reverse_questions(x):
    return np.fliplr(x).copy()
''',
        # Row by row in Python, as a beginner might.
        '''
def reverse_questions(x):
    return np.array([list(reversed(row)) for row in x], dtype=x.dtype).reshape(x.shape)
''',
    ],
    "peeky_forward": [
        # np.tile for the copies of h, np.dstack for the concatenations.
        '''
def peeky_forward(layers, xs, h):
    hs = np.tile(h[:, None, :], (1, xs.shape[1], 1))
    layers.lstm.set_state(h)
    lstm_out = layers.lstm.forward(np.dstack([hs, layers.embed.forward(xs)]))
    return layers.affine.forward(np.dstack([hs, lstm_out]))
''',
        # np.broadcast_to (a read-only view) and concatenate on the last axis; the state set directly.
        '''
def peeky_forward(layers, xs, h):
    B, T = xs.shape
    hs = np.broadcast_to(h[:, None, :], (B, T, h.shape[1]))
    layers.lstm.h0, layers.lstm.c0 = h, None
    u = np.concatenate((hs, layers.embed.forward(xs)), axis=-1)
    return layers.affine.forward(np.concatenate((hs, layers.lstm.forward(u)), axis=-1))
''',
        # h repeated by broadcasting against ones, set_state by keyword, the axis given as 2.
        '''
def peeky_forward(layers, xs, h):
    T = xs.shape[1]
    hs = h[:, None, :] * np.ones((1, T, 1))
    layers.lstm.set_state(h=h)
    e = layers.embed.forward(xs)
    out = layers.lstm.forward(np.concatenate([hs, e], 2))
    return layers.affine.forward(np.concatenate([hs, out], 2))
''',
    ],
    "peeky_backward": [
        # np.split of each concatenation's gradient; the copies of h summed with einsum.
        '''
def peeky_backward(layers, dscore):
    H = len(layers.lstm.params[1])
    d_context_out, d_lstm_out = np.split(layers.affine.backward(dscore), [H], axis=2)
    d_context_in, d_embed = np.split(layers.lstm.backward(d_lstm_out), [H], axis=2)
    layers.embed.backward(d_embed)
    return layers.lstm.dh + np.einsum("bth->bh", d_context_out + d_context_in)
''',
        # H from the affine weights, Ellipsis slicing, and dh accumulated term by term.
        '''
def peeky_backward(layers, dscore):
    H = layers.affine.params[0].shape[0] // 2
    d_affine_in = layers.affine.backward(dscore)
    d_lstm_in = layers.lstm.backward(d_affine_in[..., H:])
    layers.embed.backward(d_lstm_in[..., H:])
    dh = layers.lstm.dh.copy()
    dh += d_affine_in[..., :H].sum(axis=1)
    dh += d_lstm_in[..., :H].sum(axis=1)
    return dh
''',
        # A loop over the time steps for the copies' gradients.
        '''
def peeky_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    da = layers.affine.backward(dscore)
    dl = layers.lstm.backward(da[:, :, H:])
    layers.embed.backward(dl[:, :, H:])
    dh = layers.lstm.dh
    for t in range(dscore.shape[1]):
        dh = dh + da[:, t, :H] + dl[:, t, :H]
    return dh
''',
    ],
}
