"""Chapter 9's plausible wrong answers (each must lose exactly its points) and correct alternatives (full marks)."""

import runpy
from pathlib import Path


def _mutate(code, *pairs):
    """``code`` with each (old, new) pair of ``pairs`` replaced; every old must occur."""
    for old, new in zip(pairs[::2], pairs[1::2]):
        assert old in code, old
        code = code.replace(old, new)
    return code


MASK = '''
def causal_attention_mask(batch_size, n_dest, n_src, dtype=bool):
    i = np.arange(n_dest)[:, None]
    j = np.arange(n_src)[None, :]
    m = (j <= i + n_src - n_dest).astype(dtype)
    return np.broadcast_to(m, (batch_size, n_dest, n_src)).copy()
'''
PE = '''
def positional_encoding(length, depth):
    p = np.arange(length)[:, None]
    angle = p / 10000 ** (np.arange(0, depth, 2)[None, :] / depth)
    pe = np.empty((length, depth))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
    return pe
'''
SDPA = '''
def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w = e / e.sum(axis=-1, keepdims=True)
    return w @ v, w
'''
MHA = '''
def multi_head_attention(x, Wq, Wk, Wv, Wo, num_heads, mask=None):
    B, T, _ = x.shape
    split = lambda a: a.reshape(B, T, num_heads, -1).transpose(0, 2, 1, 3)
    heads, w = scaled_dot_product_attention(split(x @ Wq), split(x @ Wk), split(x @ Wv), mask)
    return heads.transpose(0, 2, 1, 3).reshape(B, T, -1) @ Wo, w
'''
EMBED = '''
class TokenAndPositionEmbedding(keras.layers.Layer):
    def __init__(self, max_len, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.max_len = max_len
        self.token_emb = keras.layers.Embedding(vocab_size, embed_dim)
        self.pos_emb = keras.layers.Embedding(max_len, embed_dim)

    def call(self, x):
        positions = keras.ops.arange(0, keras.ops.shape(x)[-1])
        return self.token_emb(x) + self.pos_emb(positions)
'''
BLOCK = '''
class TransformerBlock(keras.layers.Layer):
    def __init__(self, num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.attn = keras.layers.MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim)
        self.dropout_1 = keras.layers.Dropout(dropout_rate)
        self.ln_1 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.ffn_1 = keras.layers.Dense(ff_dim, activation="relu")
        self.ffn_2 = keras.layers.Dense(embed_dim)
        self.dropout_2 = keras.layers.Dropout(dropout_rate)
        self.ln_2 = keras.layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs, training=None):
        a, w = self.attn(inputs, inputs, use_causal_mask=True, return_attention_scores=True, training=training)
        h = self.ln_1(inputs + self.dropout_1(a, training=training))
        return self.ln_2(h + self.dropout_2(self.ffn_2(self.ffn_1(h)), training=training)), w
'''


MUTANTS = {
    "causal_attention_mask": {
        "logic: strictly below the diagonal (j < i)": _mutate(MASK, "j <= i + n_src", "j < i + n_src"),
        "logic: not shifted when there are more keys than queries (j <= i)": _mutate(MASK, "j <= i + n_src - n_dest", "j <= i"),
        "logic: upper triangular (i <= j)": _mutate(MASK, "(j <= i + n_src - n_dest)", "(i <= j + n_src - n_dest)"),
        "contract: the dtype ignored (always bool)": _mutate(MASK, ".astype(dtype)", ""),
        "contract: no batch axis": _mutate(MASK, "np.broadcast_to(m, (batch_size, n_dest, n_src)).copy()", "m"),
    },
    "positional_encoding": {
        "logic: cos on the even columns, sin on the odd": _mutate(PE, "np.sin(angle), np.cos(angle)", "np.cos(angle), np.sin(angle)"),
        "numeric: exponent i / depth instead of 2i / depth": _mutate(PE, "np.arange(0, depth, 2)[None, :]", "np.arange(depth // 2)[None, :]"),
        "numeric: base 1000": _mutate(PE, "10000", "1000"),
        "logic: sines in the first half, cosines in the second": _mutate(
            PE, "pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)",
            "pe[:, :depth // 2], pe[:, depth // 2:] = np.sin(angle), np.cos(angle)"),
        "contract: transposed (depth, length)": _mutate(PE, "return pe", "return pe.T"),
    },
    "scaled_dot_product_attention": {
        "numeric: no 1/sqrt(d) scaling": _mutate(SDPA, " / np.sqrt(q.shape[-1])", ""),
        "numeric: scaled by 1/d": _mutate(SDPA, "np.sqrt(q.shape[-1])", "q.shape[-1]"),
        "logic: the mask inverted": _mutate(SDPA, "np.where(mask, scores, -np.inf)", "np.where(mask, -1e9, scores)"),
        "logic: softmax over the queries": _mutate(SDPA, "scores.max(axis=-1, keepdims=True)", "scores.max(axis=-2, keepdims=True)",
                                                   "e.sum(axis=-1, keepdims=True)", "e.sum(axis=-2, keepdims=True)"),
        "logic: the mask applied after the softmax (weights not renormalised)": _mutate(
            SDPA, "    if mask is not None:\n        scores = np.where(mask, scores, -np.inf)\n", "",
            "    return w @ v, w", "    w = w if mask is None else w * mask\n    return w @ v, w"),
        "numeric: exp without the shift (overflows for large scores)": _mutate(SDPA, "scores - scores.max(axis=-1, keepdims=True)", "scores"),
        "contract: returns (weights, output)": _mutate(SDPA, "return w @ v, w", "return w, w @ v"),
    },
    "multi_head_attention": {
        "logic: heads split by a reshape to (B, h, T, dk), without the transpose": _mutate(
            MHA, "a.reshape(B, T, num_heads, -1).transpose(0, 2, 1, 3)", "a.reshape(B, num_heads, T, -1)"),
        "logic: heads merged without moving the head axis back": _mutate(MHA, "heads.transpose(0, 2, 1, 3).reshape", "heads.reshape"),
        "contract: the mask ignored": _mutate(MHA, "split(x @ Wv), mask)", "split(x @ Wv))"),
        "contract: the first head's mask for every head": _mutate(MHA, "split(x @ Wv), mask)", "split(x @ Wv), None if mask is None else mask[:, :1])"),
        "numeric: queries scaled by 1/sqrt(dk) once more": _mutate(
            MHA, "split(x @ Wq), split", "split(x @ Wq) / np.sqrt(Wq.shape[1] // num_heads), split"),
        "logic: Wo left out (heads summed)": _mutate(
            MHA, "return heads.transpose(0, 2, 1, 3).reshape(B, T, -1) @ Wo, w", "return heads.sum(1) @ Wo[: Wo.shape[0] // num_heads], w"),
    },
    "TokenAndPositionEmbedding": {
        "logic: no position vectors added": _mutate(EMBED, "return self.token_emb(x) + self.pos_emb(positions)",
                                                    "self.pos_emb(positions)\n        return self.token_emb(x)"),
        "logic: positions counted from the end": _mutate(EMBED, "self.pos_emb(positions)", "self.pos_emb(keras.ops.flip(positions, 0))"),
        "numeric: token vectors scaled by sqrt(embed_dim)": _mutate(
            EMBED, "self.token_emb(x) +", "self.token_emb(x) * float(self.token_emb.output_dim) ** 0.5 +"),
        "contract: only for T = max_len": _mutate(EMBED, "keras.ops.arange(0, keras.ops.shape(x)[-1])", "keras.ops.arange(0, self.max_len)"),
        "logic: the position table read at the token ids": _mutate(EMBED, "self.pos_emb(positions)", "self.pos_emb(x % self.max_len)"),
    },
    "TransformerBlock": {
        "logic: pre-norm instead of post-norm": _mutate(
            BLOCK, "a, w = self.attn(inputs, inputs,", "n = self.ln_1(inputs)\n        a, w = self.attn(n, n,",
            "h = self.ln_1(inputs + self.dropout_1(a, training=training))", "h = inputs + self.dropout_1(a, training=training)",
            "return self.ln_2(h + self.dropout_2(self.ffn_2(self.ffn_1(h)), training=training)), w",
            "return h + self.dropout_2(self.ffn_2(self.ffn_1(self.ln_2(h))), training=training), w"),
        "contract: no causal mask": _mutate(BLOCK, "use_causal_mask=True", "use_causal_mask=False"),
        "logic: the second residual adds the block's input, not h": _mutate(BLOCK, "self.ln_2(h + self.dropout_2", "self.ln_2(inputs + self.dropout_2"),
        "logic: relu after the second Dense, not the first": _mutate(
            BLOCK, 'keras.layers.Dense(ff_dim, activation="relu")', "keras.layers.Dense(ff_dim)",
            "keras.layers.Dense(embed_dim)", 'keras.layers.Dense(embed_dim, activation="relu")'),
        "contract: dropout_rate ignored (0.1 always)": _mutate(BLOCK, "Dropout(dropout_rate)", "Dropout(0.1)"),
        "contract: returns the output only": _mutate(BLOCK, "training=training)), w", "training=training))"),
        "numeric: Keras's default LayerNorm epsilon (1e-3), not the chapter's 1e-6": _mutate(BLOCK, "LayerNormalization(epsilon=1e-6)", "LayerNormalization()"),
    },
}


ALTERNATIVES = {
    "causal_attention_mask": [
        '''
def causal_attention_mask(batch_size, n_dest, n_src, dtype=bool):
    m = np.tril(np.ones((n_dest, n_src)), k=n_src - n_dest)
    return np.tile(m[None], (batch_size, 1, 1)).astype(dtype)
''',
        '''
def causal_attention_mask(batch_size, n_dest, n_src, dtype=bool):
    """The source's construction, in NumPy."""
    i = np.arange(n_dest)[:, None]
    j = np.arange(n_src)
    m = i >= j - n_src + n_dest
    mask = np.reshape(m, [1, n_dest, n_src]).astype(dtype)
    mult = np.concatenate([np.expand_dims(batch_size, -1), np.array([1, 1], dtype=np.int32)], 0)
    return np.tile(mask, mult)
''',
    ],
    "positional_encoding": [
        '''
def positional_encoding(length, depth):
    pe = np.zeros((length, depth))
    for p in range(length):
        for i in range(depth // 2):
            pe[p, 2 * i] = np.sin(p / 10000 ** (2 * i / depth))
            pe[p, 2 * i + 1] = np.cos(p / 10000 ** (2 * i / depth))
    return pe
''',
        '''
def positional_encoding(length, depth):
    """HOML's float32 version: frequencies through exp and log."""
    p = np.arange(length, dtype=np.float32)[:, None]
    freq = np.exp(-np.log(10000.0) * np.arange(0, depth, 2) / depth).astype(np.float32)
    pe = np.stack([np.sin(p * freq), np.cos(p * freq)], axis=-1)
    return pe.reshape(length, depth).astype(np.float32)
''',
    ],
    "scaled_dot_product_attention": [
        '''
def scaled_dot_product_attention(q, k, v, mask=None):
    d = q.shape[-1]
    scores = np.einsum("...qd,...kd->...qk", q, k) / d ** 0.5
    if mask is not None:
        scores = scores + np.where(mask, 0.0, -1e9)
    scores = scores - scores.max(-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(-1, keepdims=True)
    return np.einsum("...qk,...kv->...qv", w, v), w
''',
        '''
from scipy.special import softmax as _softmax


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = np.matmul(q, np.moveaxis(k, -1, -2)) / np.sqrt(k.shape[-1])
    if mask is not None:
        scores = np.where(np.asarray(mask, dtype=bool), scores, -np.inf)
    w = _softmax(scores, axis=-1)
    return np.matmul(w, v), w
''',
    ],
    "multi_head_attention": [
        '''
def multi_head_attention(x, Wq, Wk, Wv, Wo, num_heads, mask=None):
    dk = Wq.shape[1] // num_heads
    outs, ws = [], []
    for h in range(num_heads):
        cols = slice(h * dk, (h + 1) * dk)
        m = None if mask is None else np.broadcast_to(mask, (x.shape[0], num_heads, x.shape[1], x.shape[1]))[:, h]
        o, w = scaled_dot_product_attention(x @ Wq[:, cols], x @ Wk[:, cols], x @ Wv[:, cols], m)
        outs.append(o)
        ws.append(w)
    return np.concatenate(outs, axis=-1) @ Wo, np.stack(ws, axis=1)
''',
        '''
def multi_head_attention(x, Wq, Wk, Wv, Wo, num_heads, mask=None):
    B, T, D = x.shape
    dk = Wq.shape[1] // num_heads
    q, k, v = (np.einsum("btd,dhk->bhtk", x, W.reshape(D, num_heads, dk)) for W in (Wq, Wk, Wv))
    heads, w = scaled_dot_product_attention(q, k, v, mask=mask)
    return np.einsum("bhtk,hkd->btd", heads, Wo.reshape(num_heads, dk, D)), w
''',
    ],
    "TokenAndPositionEmbedding": [
        '''
class TokenAndPositionEmbedding(keras.layers.Layer):
    """The source's spelling, with tf.range."""

    def __init__(self, max_len, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = keras.layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = keras.layers.Embedding(input_dim=max_len, output_dim=embed_dim)

    def call(self, x):
        maxlen = tf.shape(x)[-1]
        positions = tf.range(start=0, limit=maxlen, delta=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions
''',
        '''
class TokenAndPositionEmbedding(keras.layers.Layer):
    """The position table as a weight of the layer itself."""

    def __init__(self, max_len, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.tokens = keras.layers.Embedding(vocab_size, embed_dim)
        self.positions = self.add_weight(shape=(max_len, embed_dim), initializer="uniform", name="positions")

    def call(self, ids):
        T = keras.ops.shape(ids)[1]
        return self.tokens(ids) + keras.ops.expand_dims(self.positions[:T], 0)
''',
    ],
    "TransformerBlock": [
        '''
class TransformerBlock(keras.layers.Layer):
    """The source's block: the causal mask built with keras.ops and passed as attention_mask."""

    def __init__(self, num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1):
        super().__init__()
        self.attn = keras.layers.MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim)
        self.dropout_1 = keras.layers.Dropout(dropout_rate)
        self.ln_1 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.ffn_1 = keras.layers.Dense(ff_dim, activation=tf.nn.relu)
        self.ffn_2 = keras.layers.Dense(embed_dim)
        self.dropout_2 = keras.layers.Dropout(dropout_rate)
        self.ln_2 = keras.layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        shape = keras.ops.shape(inputs)
        batch_size, seq_len = shape[0], shape[1]
        i = keras.ops.arange(seq_len)[:, None]
        j = keras.ops.arange(seq_len)
        mask = keras.ops.cast(i >= j, "bool")
        mask = keras.ops.broadcast_to(keras.ops.expand_dims(mask, 0), (batch_size, seq_len, seq_len))
        attention_output, attention_scores = self.attn(inputs, inputs, attention_mask=mask, return_attention_scores=True)
        out1 = self.ln_1(inputs + self.dropout_1(attention_output))
        ffn_output = self.dropout_2(self.ffn_2(self.ffn_1(out1)))
        return self.ln_2(out1 + ffn_output), attention_scores
''',
        '''
class TransformerBlock(keras.layers.Layer):
    """A Sequential feed-forward part, the norms created before the rest."""

    def __init__(self, num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.norm_after_ffn = keras.layers.LayerNormalization(epsilon=1e-6)
        self.norm_after_attention = keras.layers.LayerNormalization(epsilon=1e-6)
        self.mha = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim, output_shape=embed_dim)
        self.ffn = keras.Sequential([keras.layers.Dense(ff_dim), keras.layers.ReLU(), keras.layers.Dense(embed_dim)])
        self.drops = [keras.layers.Dropout(dropout_rate), keras.layers.Dropout(dropout_rate)]

    def call(self, x, training=False):
        a, scores = self.mha(query=x, value=x, key=x, use_causal_mask=True, return_attention_scores=True)
        h = self.norm_after_attention(keras.ops.add(x, self.drops[0](a, training=training)))
        return self.norm_after_ffn(h + self.drops[1](self.ffn(h), training=training)), scores
''',
    ],
}

# Exercises 7-9 (top-k and nucleus sampling): kept in mutants_sampling.py, beside this file.
_sampling = runpy.run_path(str(Path(__file__).with_name("mutants_sampling.py")))
MUTANTS.update(_sampling["MUTANTS"])
ALTERNATIVES.update(_sampling["ALTERNATIVES"])
