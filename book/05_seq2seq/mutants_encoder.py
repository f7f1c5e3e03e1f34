"""Plausible wrong answers and correct alternatives for chapter 5's NumPy encoder, Exercises 6 and 7 (merged
into mutants.py's, beside this file)."""

MUTANTS = {
    "encoder_forward": {
        "logic: the first state, not the last": '''
def encoder_forward(layers, xs):
    layers.lstm.set_state(None)
    return layers.lstm.forward(layers.embed.forward(xs))[:, 0]
''',
        "logic: the mean of the states": '''
def encoder_forward(layers, xs):
    layers.lstm.set_state(None)
    return layers.lstm.forward(layers.embed.forward(xs)).mean(axis=1)
''',
        "contract: keeps whatever state the LSTM was given": '''
def encoder_forward(layers, xs):
    return layers.lstm.forward(layers.embed.forward(xs))[:, -1]
''',
        "numeric: returns the cell state c": '''
def encoder_forward(layers, xs):
    layers.lstm.set_state(None)
    layers.lstm.forward(layers.embed.forward(xs))
    return layers.lstm.c_last
''',
        "contract: float32 result": '''
def encoder_forward(layers, xs):
    layers.lstm.set_state(None)
    return layers.lstm.forward(layers.embed.forward(xs))[:, -1].astype(np.float32)
''',
    },
    "encoder_backward": {
        "logic: the gradient enters at every step": '''
def encoder_backward(layers, dh):
    B, S = layers.embed.xs.shape
    dhs = np.repeat(dh[:, None, :], S, axis=1)
    layers.embed.backward(layers.lstm.backward(dhs))
''',
        "logic: the gradient enters at the first step": '''
def encoder_backward(layers, dh):
    B, S = layers.embed.xs.shape
    dhs = np.zeros((B, S, dh.shape[1]))
    dhs[:, 0] = dh
    layers.embed.backward(layers.lstm.backward(dhs))
''',
        "contract: the embedding's gradient is never filled": '''
def encoder_backward(layers, dh):
    B, S = layers.embed.xs.shape
    dhs = np.zeros((B, S, dh.shape[1]))
    dhs[:, -1] = dh
    layers.lstm.backward(dhs)
''',
        "numeric: the gradient divided by the number of steps": '''
def encoder_backward(layers, dh):
    B, S = layers.embed.xs.shape
    dhs = np.zeros((B, S, dh.shape[1]))
    dhs[:, -1] = dh / S
    layers.embed.backward(layers.lstm.backward(dhs))
''',
        "contract: returns the LSTM's input gradient": '''
def encoder_backward(layers, dh):
    B, S = layers.embed.xs.shape
    dhs = np.zeros((B, S, dh.shape[1]))
    dhs[:, -1] = dh
    dxs = layers.lstm.backward(dhs)
    layers.embed.backward(dxs)
    return dxs
''',
    },
}

ALTERNATIVES = {
    "encoder_forward": [
        '''
def encoder_forward(layers, xs):
    layers.lstm.h0 = layers.lstm.c0 = None
    layers.lstm.forward(layers.embed.forward(np.asarray(xs)))
    return layers.lstm.h_last.copy()
''',
        '''
def encoder_forward(layers, xs):
    B = xs.shape[0]
    H = layers.lstm.params[1].shape[0]
    layers.lstm.set_state(np.zeros((B, H)), np.zeros((B, H)))
    hs = layers.lstm.forward(layers.embed.params[0][xs])
    layers.embed.xs = xs
    return hs[:, -1, :]
''',
    ],
    "encoder_backward": [
        '''
def encoder_backward(layers, dh):
    S = len(layers.lstm.cache)
    dhs = np.concatenate([np.zeros((dh.shape[0], S - 1, dh.shape[1])), dh[:, None, :]], axis=1)
    dxs = layers.lstm.backward(dhs)
    layers.embed.backward(dxs)
''',
        '''
def encoder_backward(layers, dh):
    dhs = np.zeros(layers.embed.xs.shape + dh.shape[1:])
    dhs[:, layers.embed.xs.shape[1] - 1, :] += dh
    out = layers.lstm.backward(dhs)
    layers.embed.backward(out)
    return None
''',
    ],
}
