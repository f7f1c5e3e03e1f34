"""Plausible wrong answers and correct alternatives for chapter 7's two NumPy backward passes, Exercises 5 to 7
(the BiLSTM forward and backward, the attention decoder backward; merged into mutants.py's, beside this file)."""

MUTANTS = {
    "bilstm_forward": {
        "logic: backward states left in reversed order": '''
def bilstm_forward(xs, forward_lstm, backward_lstm):
    return np.concatenate([forward_lstm.forward(xs), backward_lstm.forward(xs[:, ::-1])], axis=2)
''',
        "logic: the backward LSTM reads xs left to right": '''
def bilstm_forward(xs, forward_lstm, backward_lstm):
    return np.concatenate([forward_lstm.forward(xs), backward_lstm.forward(xs)], axis=2)
''',
        "logic: [backward, forward]": '''
def bilstm_forward(xs, forward_lstm, backward_lstm):
    return np.concatenate([backward_lstm.forward(xs[:, ::-1])[:, ::-1], forward_lstm.forward(xs)], axis=2)
''',
        "contract: concatenated along time, (B, 2S, H)": '''
def bilstm_forward(xs, forward_lstm, backward_lstm):
    return np.concatenate([forward_lstm.forward(xs), backward_lstm.forward(xs[:, ::-1])[:, ::-1]], axis=1)
''',
    },
    "attention_decoder_backward": {
        "logic: the LSTM's dh never reaches the last encoder state": '''
def attention_decoder_backward(layers, dscore):
    dout = layers.affine.backward(dscore)
    H = dout.shape[2] // 2
    dcs, ddec_hs = dout[:, :, :H], dout[:, :, H:].copy()
    denc_hs = np.zeros_like(layers.enc_hs)
    for t in range(dcs.shape[1]):
        dhs, dh = attention_backward(layers.enc_hs, layers.dec_hs[:, t], layers.weights[:, t], dcs[:, t])
        denc_hs += dhs
        ddec_hs[:, t] += dh
    layers.embed.backward(layers.lstm.backward(ddec_hs))
    return denc_hs
''',
        "logic: the LSTM's dh added to the first encoder state": '''
def attention_decoder_backward(layers, dscore):
    dout = layers.affine.backward(dscore)
    H = dout.shape[2] // 2
    dcs, ddec_hs = dout[:, :, :H], dout[:, :, H:].copy()
    denc_hs = np.zeros_like(layers.enc_hs)
    for t in range(dcs.shape[1]):
        dhs, dh = attention_backward(layers.enc_hs, layers.dec_hs[:, t], layers.weights[:, t], dcs[:, t])
        denc_hs += dhs
        ddec_hs[:, t] += dh
    layers.embed.backward(layers.lstm.backward(ddec_hs))
    denc_hs[:, 0] += layers.lstm.dh
    return denc_hs
''',
        "logic: the decoder states miss the attention's gradient": '''
def attention_decoder_backward(layers, dscore):
    dout = layers.affine.backward(dscore)
    H = dout.shape[2] // 2
    dcs, ddec_hs = dout[:, :, :H], dout[:, :, H:]
    denc_hs = np.zeros_like(layers.enc_hs)
    for t in range(dcs.shape[1]):
        denc_hs += attention_backward(layers.enc_hs, layers.dec_hs[:, t], layers.weights[:, t], dcs[:, t])[0]
    layers.embed.backward(layers.lstm.backward(ddec_hs))
    denc_hs[:, -1] += layers.lstm.dh
    return denc_hs
''',
        "logic: the two halves swapped (decoder state first)": '''
def attention_decoder_backward(layers, dscore):
    dout = layers.affine.backward(dscore)
    H = dout.shape[2] // 2
    ddec_hs, dcs = dout[:, :, :H].copy(), dout[:, :, H:]
    denc_hs = np.zeros_like(layers.enc_hs)
    for t in range(dcs.shape[1]):
        dhs, dh = attention_backward(layers.enc_hs, layers.dec_hs[:, t], layers.weights[:, t], dcs[:, t])
        denc_hs += dhs
        ddec_hs[:, t] += dh
    layers.embed.backward(layers.lstm.backward(ddec_hs))
    denc_hs[:, -1] += layers.lstm.dh
    return denc_hs
''',
        "numeric: the encoder states keep only the last step's gradient": '''
def attention_decoder_backward(layers, dscore):
    dout = layers.affine.backward(dscore)
    H = dout.shape[2] // 2
    dcs, ddec_hs = dout[:, :, :H], dout[:, :, H:].copy()
    for t in range(dcs.shape[1]):
        denc_hs, dh = attention_backward(layers.enc_hs, layers.dec_hs[:, t], layers.weights[:, t], dcs[:, t])
        ddec_hs[:, t] += dh
    layers.embed.backward(layers.lstm.backward(ddec_hs))
    denc_hs[:, -1] += layers.lstm.dh
    return denc_hs
''',
        "contract: the embedding's gradient is never filled": '''
def attention_decoder_backward(layers, dscore):
    dout = layers.affine.backward(dscore)
    H = dout.shape[2] // 2
    dcs, ddec_hs = dout[:, :, :H], dout[:, :, H:].copy()
    denc_hs = np.zeros_like(layers.enc_hs)
    for t in range(dcs.shape[1]):
        dhs, dh = attention_backward(layers.enc_hs, layers.dec_hs[:, t], layers.weights[:, t], dcs[:, t])
        denc_hs += dhs
        ddec_hs[:, t] += dh
    layers.lstm.backward(ddec_hs)
    denc_hs[:, -1] += layers.lstm.dh
    return denc_hs
''',
    },
    "bilstm_backward": {
        "logic: the backward half's gradient not reversed in time": '''
def bilstm_backward(dhs, forward_lstm, backward_lstm):
    H = dhs.shape[2] // 2
    return forward_lstm.backward(dhs[:, :, :H]) + backward_lstm.backward(dhs[:, :, H:])[:, ::-1]
''',
        "logic: the input gradient of the backward LSTM not reversed back": '''
def bilstm_backward(dhs, forward_lstm, backward_lstm):
    H = dhs.shape[2] // 2
    return forward_lstm.backward(dhs[:, :, :H]) + backward_lstm.backward(dhs[:, ::-1, H:])
''',
        "logic: the halves swapped": '''
def bilstm_backward(dhs, forward_lstm, backward_lstm):
    H = dhs.shape[2] // 2
    return forward_lstm.backward(dhs[:, :, H:]) + backward_lstm.backward(dhs[:, ::-1, :H])[:, ::-1]
''',
        "contract: the forward direction's input gradient only": '''
def bilstm_backward(dhs, forward_lstm, backward_lstm):
    H = dhs.shape[2] // 2
    backward_lstm.backward(dhs[:, ::-1, H:])
    return forward_lstm.backward(dhs[:, :, :H])
''',
        "numeric: the two directions averaged": '''
def bilstm_backward(dhs, forward_lstm, backward_lstm):
    H = dhs.shape[2] // 2
    return (forward_lstm.backward(dhs[:, :, :H]) + backward_lstm.backward(dhs[:, ::-1, H:])[:, ::-1]) / 2
''',
    },
}

ALTERNATIVES = {
    "bilstm_forward": [
        '''
def bilstm_forward(xs, forward_lstm, backward_lstm):
    return np.dstack([forward_lstm.forward(xs), np.flip(backward_lstm.forward(np.flip(xs, axis=1)), axis=1)])
''',
        # States reset explicitly; the reversal by an index array.
        '''
def bilstm_forward(xs, forward_lstm, backward_lstm):
    rev = np.arange(xs.shape[1])[::-1]
    forward_lstm.set_state(None, None)
    backward_lstm.set_state()
    return np.concatenate((forward_lstm.forward(xs), backward_lstm.forward(xs[:, rev])[:, rev]), axis=-1)
''',
    ],
    "attention_decoder_backward": [
        # All steps at once, without calling attention_backward.
        '''
def attention_decoder_backward(layers, dscore):
    dout = layers.affine.backward(dscore)
    H = dout.shape[2] // 2
    dc, ddec = dout[:, :, :H], dout[:, :, H:]
    a, enc, dec = layers.weights, layers.enc_hs, layers.dec_hs
    da = np.einsum("bth,bsh->bts", dc, enc)
    de = a * (da - (a * da).sum(axis=2, keepdims=True))
    denc = np.einsum("bts,bth->bsh", a, dc) + np.einsum("bts,bth->bsh", de, dec)
    ddec = ddec + np.einsum("bts,bsh->bth", de, enc)
    layers.embed.backward(layers.lstm.backward(ddec))
    denc[:, -1] = denc[:, -1] + layers.lstm.dh
    return denc
''',
        '''
def attention_decoder_backward(layers, dscore):
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)
    parts = [attention_backward(layers.enc_hs, layers.dec_hs[:, t], layers.weights[:, t], dout[:, t, :H])
             for t in range(dout.shape[1])]
    ddec_hs = dout[:, :, H:] + np.stack([dh for _, dh in parts], axis=1)
    dlstm = layers.lstm.backward(ddec_hs)
    layers.embed.backward(dlstm)
    last = np.zeros_like(layers.enc_hs)
    last[:, -1] = layers.lstm.dh
    return sum(dhs for dhs, _ in parts) + last
''',
    ],
    "bilstm_backward": [
        '''
def bilstm_backward(dhs, forward_lstm, backward_lstm):
    H = dhs.shape[-1] // 2
    d_forward, d_backward = np.split(dhs, 2, axis=-1)
    out = forward_lstm.backward(d_forward)
    out = out + np.flip(backward_lstm.backward(np.flip(d_backward, axis=1).copy()), axis=1)
    return out
''',
        '''
def bilstm_backward(dhs, forward_lstm, backward_lstm):
    H = dhs.shape[2] // 2
    rev = dhs[:, ::-1, H:].copy()
    dxs_b = backward_lstm.backward(rev)
    dxs = forward_lstm.backward(dhs[:, :, :H].copy())
    dxs += dxs_b[:, ::-1]
    return dxs
''',
    ],
}
