"""Chapter 7's plausible wrong answers (each must lose exactly its points) and correct alternatives (full marks)."""

import os
import runpy

def _mutate(code, *pairs):
    """``code`` with each (old, new) pair of ``pairs`` replaced; every old must occur."""
    for old, new in zip(pairs[::2], pairs[1::2]):
        assert old in code, old
        code = code.replace(old, new)
    return code


# The reference answers written compactly; most wrong answers below change one spot of them.
KERAS = '''
def build_attention_seq2seq(vocab_size, wordvec, hidden, question_len=29, answer_len=10, score="dot"):
    question = keras.Input(shape=(question_len,), dtype="int32")
    decoder_input = keras.Input(shape=(answer_len,), dtype="int32")
    enc_hs, h, c = keras.layers.LSTM(hidden, return_sequences=True, return_state=True)(keras.layers.Embedding(vocab_size, wordvec)(question))
    dec_hs = keras.layers.LSTM(hidden, return_sequences=True)(keras.layers.Embedding(vocab_size, wordvec)(decoder_input), initial_state=[h, c])
    context = (keras.layers.Attention() if score == "dot" else keras.layers.AdditiveAttention())([dec_hs, enc_hs])
    out = keras.layers.Concatenate()([context, dec_hs])
    return keras.Model([question, decoder_input], keras.layers.Dense(vocab_size, activation="softmax")(out))
'''
BEAM = '''
def beam_search(step, start, max_len, width, end=None, alpha=0.0):
    V = np.asarray(step(np.array([[start]]))).shape[-1]
    if not 1 <= width <= V:
        raise ValueError("bad width")
    done = lambda t: len(t) == max_len or (end is not None and len(t) > 0 and t[-1] == end)
    beam = [([], 0.0)]
    while not all(done(b[0]) for b in beam):
        alive = [b for b in beam if not done(b[0])]
        lp = np.asarray(step(np.array([([start] + t) for t, _ in alive])))
        cands = [b for b in beam if done(b[0])] + [(t + [v], s + lp[i, v]) for i, (t, s) in enumerate(alive) for v in range(V)]
        order = np.argsort([-s / len(t) ** alpha for t, s in cands], kind="stable")
        beam = [cands[i] for i in order[:width]]
    ids = np.full((len(beam), max_len), -1 if end is None else end)
    for r, (t, _) in enumerate(beam):
        ids[r, :len(t)] = t
    return ids, np.array([s for _, s in beam])
'''


MUTANTS = {
    "attention_forward": {
        "logic: softmax over the batch axis": '''
def attention_forward(hs, h):
    scores = np.einsum("bsh,bh->bs", hs, h)
    e = np.exp(scores - scores.max(axis=0, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return np.einsum("bs,bsh->bh", a, hs), a
''',
        "numeric: exp without the shift (overflows for large scores)": '''
def attention_forward(hs, h):
    e = np.exp(np.einsum("bsh,bh->bs", hs, h))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bs,bsh->bh", a, hs), a
''',
        "numeric: scores scaled by 1/sqrt(H) (the transformer's score, not this one)": '''
def attention_forward(hs, h):
    scores = np.einsum("bsh,bh->bs", hs, h) / np.sqrt(h.shape[1])
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bs,bsh->bh", a, hs), a
''',
        "contract: returns (a, c)": '''
def attention_forward(hs, h):
    scores = np.einsum("bsh,bh->bs", hs, h)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return a, np.einsum("bs,bsh->bh", a, hs)
''',
        "contract: shifts hs in place": '''
def attention_forward(hs, h):
    hs -= 0.0 * hs + hs.mean()
    scores = np.einsum("bsh,bh->bs", hs, h)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bs,bsh->bh", a, hs), a
''',
    },
    "attention_backward": {
        "logic: forgets the path through the scores in dhs": '''
def attention_backward(hs, h, a, dc):
    da = np.einsum("bh,bsh->bs", dc, hs)
    de = a * (da - (a * da).sum(axis=1, keepdims=True))
    return a[:, :, None] * dc[:, None, :], np.einsum("bs,bsh->bh", de, hs)
''',
        "numeric: softmax backward without the subtracted mean": '''
def attention_backward(hs, h, a, dc):
    da = np.einsum("bh,bsh->bs", dc, hs)
    de = a * da
    dhs = a[:, :, None] * dc[:, None, :] + de[:, :, None] * h[:, None, :]
    return dhs, np.einsum("bs,bsh->bh", de, hs)
''',
        "logic: dh through the weights' gradient instead of the scores'": '''
def attention_backward(hs, h, a, dc):
    da = np.einsum("bh,bsh->bs", dc, hs)
    de = a * (da - (a * da).sum(axis=1, keepdims=True))
    dhs = a[:, :, None] * dc[:, None, :] + de[:, :, None] * h[:, None, :]
    return dhs, np.einsum("bs,bsh->bh", da, hs)
''',
        "contract: returns (dh, dhs)": '''
def attention_backward(hs, h, a, dc):
    da = np.einsum("bh,bsh->bs", dc, hs)
    de = a * (da - (a * da).sum(axis=1, keepdims=True))
    dhs = a[:, :, None] * dc[:, None, :] + de[:, :, None] * h[:, None, :]
    return np.einsum("bs,bsh->bh", de, hs), dhs
''',
    },
    "additive_scores": {
        "logic: Wq and Wk swapped": '''
def additive_scores(hs, h, Wq, Wk, v):
    return np.tanh((h @ Wk)[:, None, :] + hs @ Wq) @ v
''',
        "numeric: no tanh": '''
def additive_scores(hs, h, Wq, Wk, v):
    return ((h @ Wq)[:, None, :] + hs @ Wk) @ v
''',
        "contract: returns the softmax weights, not the scores": '''
def additive_scores(hs, h, Wq, Wk, v):
    e = np.tanh((h @ Wq)[:, None, :] + hs @ Wk) @ v
    e = np.exp(e - e.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
''',
        "contract: forgets v, returns (B, S, A)": '''
def additive_scores(hs, h, Wq, Wk, v):
    return np.tanh((h @ Wq)[:, None, :] + hs @ Wk)
''',
    },
    "time_attention": {
        "logic: softmax over the decoder steps": '''
def time_attention(enc_hs, dec_hs):
    scores = np.einsum("bth,bsh->bts", dec_hs, enc_hs)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    w = e / e.sum(axis=1, keepdims=True)
    return w @ enc_hs, w
''',
        "logic: the last decoder state at every step": '''
def time_attention(enc_hs, dec_hs):
    T = dec_hs.shape[1]
    c, a = attention_forward(enc_hs, dec_hs[:, -1])
    return np.repeat(c[:, None], T, axis=1), np.repeat(a[:, None], T, axis=1)
''',
        "contract: weights as (B, S, T)": '''
def time_attention(enc_hs, dec_hs):
    pairs = [attention_forward(enc_hs, dec_hs[:, t]) for t in range(dec_hs.shape[1])]
    return np.stack([c for c, _ in pairs], axis=1), np.stack([a for _, a in pairs], axis=2)
''',
        "numeric: unshifted softmax written out (overflows for large scores)": '''
def time_attention(enc_hs, dec_hs):
    e = np.exp(np.einsum("bth,bsh->bts", dec_hs, enc_hs))
    w = e / e.sum(axis=2, keepdims=True)
    return w @ enc_hs, w
''',
    },
    "build_attention_seq2seq": {
        "logic: [decoder states, context] into the Dense": _mutate(KERAS, "[context, dec_hs]", "[dec_hs, context]"),
        "logic: decoder started from zeros (no initial_state)": _mutate(KERAS, ", initial_state=[h, c])", ")"),
        "logic: decoder started from [c, h]": _mutate(KERAS, "initial_state=[h, c]", "initial_state=[c, h]"),
        "contract: ignores score (always the dot score)": _mutate(KERAS, '(keras.layers.Attention() if score == "dot" else keras.layers.AdditiveAttention())', "keras.layers.Attention()"),
        "contract: outputs logits (no softmax)": _mutate(KERAS, ', activation="softmax"', ""),
    },
    "beam_search": {
        "logic: ranks by the last token's log-probability, not the sum": _mutate(
            BEAM, "(t + [v], s + lp[i, v])", "(t + [v], s + lp[i, v], lp[i, v])", "[b for b in beam if done(b[0])]", "[(t, s, -np.inf) for t, s, *_ in beam if done(t)]",
            "[-s / len(t) ** alpha for t, s in cands]", "[-c[2] for c in cands]", "[([start] + t) for t, _ in alive]", "[([start] + t) for t, *_ in alive]",
            "for i, (t, s) in enumerate(alive)", "for i, (t, s, *_) in enumerate(alive)", "beam = [cands[i] for i in order[:width]]", "beam = [cands[i][:2] for i in order[:width]]"),
        "logic: finished hypotheses leave the beam (a full beam of unfinished ones is kept)": '''
def beam_search(step, start, max_len, width, end=None, alpha=0.0):
    V = np.asarray(step(np.array([[start]]))).shape[-1]
    if not 1 <= width <= V:
        raise ValueError("bad width")
    beam, finished = [([], 0.0)], []
    while beam:
        lp = np.asarray(step(np.array([[start] + t for t, _ in beam])))
        cands = [(t + [v], s + lp[i, v]) for i, (t, s) in enumerate(beam) for v in range(V)]
        cands.sort(key=lambda c: -c[1] / len(c[0]) ** alpha)
        beam = []
        for t, s in cands:
            if len(beam) == width:
                break
            if len(t) == max_len or (end is not None and t[-1] == end):
                finished.append((t, s))
            else:
                beam.append((t, s))
    finished.sort(key=lambda c: -c[1] / len(c[0]) ** alpha)
    finished = finished[:width]
    ids = np.full((len(finished), max_len), -1 if end is None else end)
    for r, (t, _) in enumerate(finished):
        ids[r, :len(t)] = t
    return ids, np.array([s for _, s in finished])
''',
        "numeric: length counted with the start token": _mutate(BEAM, "len(t) ** alpha", "(len(t) + 1) ** alpha"),
        "contract: a width above V is cut down to V instead of refused": _mutate(
            BEAM, 'if not 1 <= width <= V:\n        raise ValueError("bad width")', "width = max(1, min(width, V))"),
        "contract: the step gets only the last token": _mutate(BEAM, "[([start] + t) for t, _ in alive]", "[([start] + t)[-1:] for t, _ in alive]"),
        # Best first by reversing an ascending sort: ties go to the LATER candidate (the contract: the earlier).
        "logic: ties broken toward the later candidate": _mutate(BEAM, "[-s / len(t) ** alpha for t, s in cands], kind=\"stable\")", "[s / len(t) ** alpha for t, s in cands], kind=\"stable\")[::-1]"),
    },
}

ALTERNATIVES = {
    "attention_forward": [
        # matmul with an added axis; the softmax through log-sum-exp.
        '''
def attention_forward(hs, h):
    scores = (hs @ h[:, :, None])[:, :, 0]
    m = scores.max(axis=1, keepdims=True)
    a = np.exp(scores - m - np.log(np.exp(scores - m).sum(axis=1, keepdims=True)))
    return (a[:, :, None] * hs).sum(axis=1), a
''',
        # one example at a time.
        '''
def attention_forward(hs, h):
    cs, As = [], []
    for hs_b, h_b in zip(hs, h):
        s = hs_b @ h_b
        w = np.exp(s - np.max(s))
        w = w / np.sum(w)
        As.append(w)
        cs.append(w @ hs_b)
    return np.array(cs), np.array(As)
''',
    ],
    "attention_backward": [
        # The softmax's Jacobian diag(a) - a a^T, one example at a time.
        '''
def attention_backward(hs, h, a, dc):
    dhs, dh = np.zeros_like(hs), np.zeros_like(h)
    for b in range(len(hs)):
        J = np.diag(a[b]) - np.outer(a[b], a[b])
        de = J @ (hs[b] @ dc[b])
        dhs[b] = np.outer(a[b], dc[b]) + np.outer(de, h[b])
        dh[b] = de @ hs[b]
    return dhs, dh
''',
        # Broadcasting and sums instead of einsum.
        '''
def attention_backward(hs, h, a, dc):
    da = (hs * dc[:, None, :]).sum(-1)
    de = a * da - a * np.sum(a * da, axis=-1, keepdims=True)
    return a[..., None] * dc[:, None] + de[..., None] * h[:, None], (de[..., None] * hs).sum(1)
''',
    ],
    "additive_scores": [
        '''
def additive_scores(hs, h, Wq, Wk, v):
    return np.einsum("bsa,a->bs", np.tanh(np.einsum("bh,ha->ba", h, Wq)[:, None] + np.einsum("bsh,ha->bsa", hs, Wk)), v)
''',
        '''
def additive_scores(hs, h, Wq, Wk, v):
    B, S, _ = hs.shape
    e = np.zeros((B, S))
    for b in range(B):
        for s in range(S):
            e[b, s] = v @ np.tanh(h[b] @ Wq + hs[b, s] @ Wk)
    return e
''',
    ],
    "time_attention": [
        # All steps at once, a stable softmax written out.
        '''
def time_attention(enc_hs, dec_hs):
    scores = dec_hs @ enc_hs.transpose(0, 2, 1)
    w = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w /= w.sum(axis=-1, keepdims=True)
    return w @ enc_hs, w
''',
        # attention_forward per step, stacked.
        '''
def time_attention(enc_hs, dec_hs):
    pairs = [attention_forward(enc_hs, dec_hs[:, t]) for t in range(dec_hs.shape[1])]
    return np.stack([c for c, _ in pairs], axis=1), np.stack([a for _, a in pairs], axis=1)
''',
    ],
    "build_attention_seq2seq": [
        # Keras 2 habits: TimeDistributed Dense, a separate Softmax layer, the functional concatenate,
        # Attention given (query, value, key) and a class chosen by a dict.
        '''
def build_attention_seq2seq(vocab_size, wordvec, hidden, question_len=29, answer_len=10, score="dot"):
    question = keras.layers.Input((question_len,), dtype="int32")
    decoder_input = keras.layers.Input((answer_len,), dtype="int32")
    encoder = keras.layers.LSTM(hidden, return_sequences=True, return_state=True)
    enc_hs, state_h, state_c = encoder(keras.layers.Embedding(vocab_size, wordvec)(question))
    decoder = keras.layers.LSTM(hidden, return_sequences=True)
    dec_hs = decoder(keras.layers.Embedding(vocab_size, wordvec)(decoder_input), initial_state=[state_h, state_c])
    layer = {"dot": keras.layers.Attention, "additive": keras.layers.AdditiveAttention}[score]()
    context = layer([dec_hs, enc_hs, enc_hs])
    logits = keras.layers.TimeDistributed(keras.layers.Dense(vocab_size))(keras.layers.concatenate([context, dec_hs]))
    return keras.Model(inputs=[question, decoder_input], outputs=keras.layers.Softmax()(logits))
''',
        # score_mode spelled out, keyword arguments, unrolled LSTMs, an Activation layer, dropout (the identity at inference).
        _mutate(KERAS, "Embedding(vocab_size, wordvec)", "Embedding(input_dim=vocab_size, output_dim=wordvec)",
                "return_state=True)", "return_state=True, unroll=True)", "LSTM(hidden, return_sequences=True)(", "LSTM(hidden, return_sequences=True, unroll=True)(",
                "Attention() if", "Attention(score_mode=\"dot\") if", "AdditiveAttention()", "AdditiveAttention(use_scale=True)",
                "Concatenate()([context, dec_hs])", "Dropout(0.1)(keras.layers.Concatenate(axis=-1)([context, dec_hs]))",
                "keras.layers.Dense(vocab_size, activation=\"softmax\")(out)", "keras.layers.Activation(\"softmax\")(keras.layers.Dense(vocab_size)(out))"),
        # A subclassed keras.Model (the contract allows it): its layers carry no wiring, the outputs decide.
        '''
class _AttentionSeq2seq(keras.Model):
    def __init__(self, V, D, H, score):
        super().__init__()
        self.enc_embed, self.dec_embed = keras.layers.Embedding(V, D), keras.layers.Embedding(V, D)
        self.encoder, self.decoder = keras.layers.LSTM(H, return_sequences=True, return_state=True), keras.layers.LSTM(H, return_sequences=True)
        self.attention = keras.layers.Attention() if score == "dot" else keras.layers.AdditiveAttention()
        self.head = keras.layers.Dense(V, activation="softmax")
    def call(self, inputs):
        enc_hs, h, c = self.encoder(self.enc_embed(inputs[0]))
        dec_hs = self.decoder(self.dec_embed(inputs[1]), initial_state=[h, c])
        return self.head(keras.ops.concatenate([self.attention([dec_hs, enc_hs]), dec_hs], axis=-1))
def build_attention_seq2seq(vocab_size, wordvec, hidden, question_len=29, answer_len=10, score="dot"):
    return _AttentionSeq2seq(vocab_size, wordvec, hidden, score)
''',
    ],
    "beam_search": [
        # Vectorised: the beam as arrays; candidates scored with NumPy.
        '''
def beam_search(step, start, max_len, width, end=None, alpha=0.0):
    V = np.shape(step(np.array([[start]])))[-1]
    if width < 1 or width > V:
        raise ValueError(f"width {width} not in 1..{V}")
    pad = -1 if end is None else end
    seqs = np.full((1, max_len), pad, dtype=np.int64)
    lens, logp = np.zeros(1, dtype=int), np.zeros(1)
    def is_done(s, n):
        return n == max_len or (end is not None and n > 0 and s[n - 1] == end)
    while True:
        done = np.array([is_done(s, n) for s, n in zip(seqs, lens)])
        if done.all():
            break
        alive = np.nonzero(~done)[0]
        prefixes = np.concatenate([np.full((len(alive), 1), start), seqs[alive, :lens[alive[0]]]], axis=1)
        lp = np.asarray(step(prefixes), dtype=float)
        cand_seqs, cand_lens, cand_logp = [seqs[done]], [lens[done]], [logp[done]]
        for j, i in enumerate(alive):
            ext = np.repeat(seqs[i][None], V, axis=0)
            ext[:, lens[i]] = np.arange(V)
            cand_seqs.append(ext)
            cand_lens.append(np.full(V, lens[i] + 1))
            cand_logp.append(logp[i] + lp[j])
        s, n, l = np.concatenate(cand_seqs), np.concatenate(cand_lens), np.concatenate(cand_logp)
        keep = np.argsort(-(l / n.astype(float) ** alpha), kind="stable")[:width]
        seqs, lens, logp = s[keep], n[keep], l[keep]
    return seqs, logp
''',
        # Candidates sorted with Python's (stable) sort on (-score, position).
        '''
def beam_search(step, start, max_len, width, end=None, alpha=0.0):
    n_vocab = len(np.asarray(step(np.array([[start]])))[0])
    if not (0 < width <= n_vocab):
        raise ValueError("the beam cannot be wider than the vocabulary")
    def finished(seq):
        return len(seq) >= max_len or (end is not None and seq[-1:] == [end])
    beam = [([], 0.0)]
    while any(not finished(seq) for seq, _ in beam):
        todo = [(seq, lp) for seq, lp in beam if not finished(seq)]
        rows = step(np.array([[start, *seq] for seq, _ in todo]))
        pool = [(seq, lp) for seq, lp in beam if finished(seq)]
        for (seq, lp), row in zip(todo, rows):
            pool.extend((seq + [tok], lp + float(row[tok])) for tok in range(n_vocab))
        pool = sorted(enumerate(pool), key=lambda item: (-item[1][1] / len(item[1][0]) ** alpha, item[0]))
        beam = [cand for _, cand in pool[:width]]
    out = np.full((len(beam), max_len), -1 if end is None else end, dtype=int)
    for i, (seq, _) in enumerate(beam):
        out[i, :len(seq)] = seq
    return out, np.array([lp for _, lp in beam])
''',
    ],
}



# The bidirectional LSTM's and the attention decoder's NumPy exercises (5 to 7): a file of their own (files stay
# under 400 lines).
_more = runpy.run_path(os.path.join(os.path.dirname(__file__), "mutants_backward.py"))
MUTANTS, ALTERNATIVES = MUTANTS | _more["MUTANTS"], ALTERNATIVES | _more["ALTERNATIVES"]
