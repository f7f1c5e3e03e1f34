"""Chapter 10's plausible wrong answers (each must lose exactly its points) and correct alternatives (full marks)."""

_BLOCK_INIT = '''
class DecoderBlock(keras.layers.Layer):
    def __init__(self, num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.self_attn = keras.layers.MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim)
        self.cross_attn = keras.layers.MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim)
        self.ffn_1 = keras.layers.Dense(ff_dim, activation="relu")
        self.ffn_2 = keras.layers.Dense(embed_dim)
        self.ln_1 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.ln_2 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.ln_3 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.dropout_1 = keras.layers.Dropout(dropout_rate)
        self.dropout_2 = keras.layers.Dropout(dropout_rate)
        self.dropout_3 = keras.layers.Dropout(dropout_rate)
'''
_MASK = '''
        mask = None
        if memory_mask is not None:
            mask = keras.ops.repeat(keras.ops.expand_dims(memory_mask, 1), keras.ops.shape(x)[1], axis=1)
'''

MUTANTS = {
    "attention_mask": {
        "logic: padding queries masked too": '''
def attention_mask(query_ids, key_ids, pad_id=0, causal=False):
    real_k = np.asarray(key_ids) != pad_id
    real_q = np.asarray(query_ids) != pad_id
    mask = real_q[:, :, None] & real_k[:, None, :]
    if causal:
        mask = mask & np.tri(real_q.shape[1], real_k.shape[1], dtype=bool)
    return mask
''',
        "logic: causal without the diagonal (j < i)": '''
def attention_mask(query_ids, key_ids, pad_id=0, causal=False):
    B, Tq = np.shape(query_ids)
    real = np.asarray(key_ids) != pad_id
    mask = np.broadcast_to(real[:, None, :], (B, Tq, real.shape[1])).copy()
    if causal:
        mask &= np.arange(real.shape[1])[None, :] < np.arange(Tq)[:, None]
    return mask
''',
        "contract: pad_id ignored (always 0)": '''
def attention_mask(query_ids, key_ids, pad_id=0, causal=False):
    B, Tq = np.shape(query_ids)
    real = np.asarray(key_ids) != 0
    mask = np.broadcast_to(real[:, None, :], (B, Tq, real.shape[1])).copy()
    if causal:
        mask &= np.arange(real.shape[1])[None, :] <= np.arange(Tq)[:, None]
    return mask
''',
        "contract: an int array of 0 and 1": '''
def attention_mask(query_ids, key_ids, pad_id=0, causal=False):
    B, Tq = np.shape(query_ids)
    real = (np.asarray(key_ids) != pad_id).astype(int)
    mask = np.broadcast_to(real[:, None, :], (B, Tq, real.shape[1])).copy()
    if causal:
        mask *= np.arange(real.shape[1])[None, :] <= np.arange(Tq)[:, None]
    return mask
''',
    },
    "cross_attention": {
        "logic: keys and values from x (self-attention)": '''
def cross_attention(x, memory, Wq, Wk, Wv, Wo, num_heads, mask=None):
    B, T, _ = x.shape
    split = lambda a: a.reshape(B, T, num_heads, -1).transpose(0, 2, 1, 3)
    heads, w = scaled_dot_product_attention(split(x @ Wq), split(x @ Wk), split(x @ Wv), None)
    return heads.transpose(0, 2, 1, 3).reshape(B, T, -1) @ Wo, w
''',
        "logic: heads split by a reshape alone": '''
def cross_attention(x, memory, Wq, Wk, Wv, Wo, num_heads, mask=None):
    B, T, _ = x.shape
    S = memory.shape[1]
    split = lambda a, n: a.reshape(B, num_heads, n, -1)
    heads, w = scaled_dot_product_attention(split(x @ Wq, T), split(memory @ Wk, S), split(memory @ Wv, S), mask)
    return heads.reshape(B, T, -1) @ Wo, w
''',
        "contract: the mask ignored": '''
def cross_attention(x, memory, Wq, Wk, Wv, Wo, num_heads, mask=None):
    B, T, _ = x.shape
    S = memory.shape[1]
    split = lambda a, n: a.reshape(B, n, num_heads, -1).transpose(0, 2, 1, 3)
    heads, w = scaled_dot_product_attention(split(x @ Wq, T), split(memory @ Wk, S), split(memory @ Wv, S))
    return heads.transpose(0, 2, 1, 3).reshape(B, T, -1) @ Wo, w
''',
        "numeric: no output projection Wo": '''
def cross_attention(x, memory, Wq, Wk, Wv, Wo, num_heads, mask=None):
    B, T, _ = x.shape
    S = memory.shape[1]
    split = lambda a, n: a.reshape(B, n, num_heads, -1).transpose(0, 2, 1, 3)
    heads, w = scaled_dot_product_attention(split(x @ Wq, T), split(memory @ Wk, S), split(memory @ Wv, S), mask)
    merged = heads.transpose(0, 2, 1, 3).reshape(B, T, -1)
    return merged[..., : x.shape[-1]] if merged.shape[-1] >= x.shape[-1] else np.pad(merged, [(0, 0), (0, 0), (0, x.shape[-1] - merged.shape[-1])]), w
''',
        # Right values from a tool the exercise forbids (numpy-only): PyTorch's attention.
        "tool: torch's softmax and products": '''
def cross_attention(x, memory, Wq, Wk, Wv, Wo, num_heads, mask=None):
    import torch

    B, T, _ = x.shape
    S = memory.shape[1]
    split = lambda a, n: torch.from_numpy(a.reshape(B, n, num_heads, -1).transpose(0, 2, 1, 3).copy())
    q, k, v = split(x @ Wq, T), split(memory @ Wk, S), split(memory @ Wv, S)
    scores = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = scores.masked_fill(~torch.from_numpy(np.broadcast_to(mask, scores.shape).copy()), float("-inf"))
    w = torch.softmax(scores, dim=-1)
    return (w @ v).permute(0, 2, 1, 3).reshape(B, T, -1).numpy() @ Wo, w.numpy()
''',
        # The same with TensorFlow, which the student venv has: graded in the sandbox by
        # tests/autograder/grading/test_batch.py.
        "tool: TensorFlow's softmax": '''
def cross_attention(x, memory, Wq, Wk, Wv, Wo, num_heads, mask=None):
    import tensorflow as tf

    B, T, _ = x.shape
    S = memory.shape[1]
    split = lambda a, n: a.reshape(B, n, num_heads, -1).transpose(0, 2, 1, 3)
    q, k, v = split(x @ Wq, T), split(memory @ Wk, S), split(memory @ Wv, S)
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = tf.nn.softmax(scores, axis=-1).numpy()
    return (w @ v).transpose(0, 2, 1, 3).reshape(B, T, -1) @ Wo, w
''',
    },
    "DecoderBlock": {
        "logic: no causal mask in the self-attention": _BLOCK_INIT + '''
    def call(self, x, memory, memory_mask=None, training=None):
        h = self.ln_1(x + self.dropout_1(self.self_attn(x, x, training=training), training=training))''' + _MASK + '''
        c, w = self.cross_attn(h, memory, attention_mask=mask, return_attention_scores=True, training=training)
        g = self.ln_2(h + self.dropout_2(c, training=training))
        return self.ln_3(g + self.dropout_3(self.ffn_2(self.ffn_1(g)), training=training)), w
''',
        "logic: pre-norm": _BLOCK_INIT + '''
    def call(self, x, memory, memory_mask=None, training=None):
        n = self.ln_1(x)
        h = x + self.dropout_1(self.self_attn(n, n, use_causal_mask=True, training=training), training=training)''' + _MASK + '''
        c, w = self.cross_attn(self.ln_2(h), memory, attention_mask=mask, return_attention_scores=True, training=training)
        g = h + self.dropout_2(c, training=training)
        return g + self.dropout_3(self.ffn_2(self.ffn_1(self.ln_3(g))), training=training), w
''',
        "logic: the cross-attention reads the block's input x, not h": _BLOCK_INIT + '''
    def call(self, x, memory, memory_mask=None, training=None):
        h = self.ln_1(x + self.dropout_1(self.self_attn(x, x, use_causal_mask=True, training=training), training=training))''' + _MASK + '''
        c, w = self.cross_attn(x, memory, attention_mask=mask, return_attention_scores=True, training=training)
        g = self.ln_2(h + self.dropout_2(c, training=training))
        return self.ln_3(g + self.dropout_3(self.ffn_2(self.ffn_1(g)), training=training)), w
''',
        "contract: the source mask ignored": _BLOCK_INIT + '''
    def call(self, x, memory, memory_mask=None, training=None):
        h = self.ln_1(x + self.dropout_1(self.self_attn(x, x, use_causal_mask=True, training=training), training=training))
        c, w = self.cross_attn(h, memory, return_attention_scores=True, training=training)
        g = self.ln_2(h + self.dropout_2(c, training=training))
        return self.ln_3(g + self.dropout_3(self.ffn_2(self.ffn_1(g)), training=training)), w
''',
        "contract: returns the self-attention weights": _BLOCK_INIT + '''
    def call(self, x, memory, memory_mask=None, training=None):
        a, w = self.self_attn(x, x, use_causal_mask=True, return_attention_scores=True, training=training)
        h = self.ln_1(x + self.dropout_1(a, training=training))''' + _MASK + '''
        c = self.cross_attn(h, memory, attention_mask=mask, training=training)
        g = self.ln_2(h + self.dropout_2(c, training=training))
        return self.ln_3(g + self.dropout_3(self.ffn_2(self.ffn_1(g)), training=training)), w
''',
        "numeric: no ReLU in the feed-forward layer": _BLOCK_INIT.replace('activation="relu"', 'activation=None') + '''
    def call(self, x, memory, memory_mask=None, training=None):
        h = self.ln_1(x + self.dropout_1(self.self_attn(x, x, use_causal_mask=True, training=training), training=training))''' + _MASK + '''
        c, w = self.cross_attn(h, memory, attention_mask=mask, return_attention_scores=True, training=training)
        g = self.ln_2(h + self.dropout_2(c, training=training))
        return self.ln_3(g + self.dropout_3(self.ffn_2(self.ffn_1(g)), training=training)), w
''',
    },
}

ALTERNATIVES = {
    "attention_mask": [
        '''
def attention_mask(query_ids, key_ids, pad_id=0, causal=False):
    key_ids = np.asarray(key_ids)
    B, Tq = np.asarray(query_ids).shape
    Tk = key_ids.shape[1]
    out = np.zeros((B, Tq, Tk), dtype=bool)
    for b in range(B):
        for i in range(Tq):
            for j in range(Tk):
                out[b, i, j] = key_ids[b, j] != pad_id and (not causal or j <= i)
    return out
''',
        '''
def attention_mask(query_ids, key_ids, pad_id=0, causal=False):
    Tq = np.shape(query_ids)[1]
    keys = np.not_equal(key_ids, pad_id)[:, None, :]
    allowed = np.tril(np.ones((Tq, keys.shape[-1]), dtype=bool)) if causal else np.ones((Tq, keys.shape[-1]), dtype=bool)
    return np.logical_and(keys, allowed[None])
''',
    ],
    "cross_attention": [
        # Head by head, then concatenated.
        '''
def cross_attention(x, memory, Wq, Wk, Wv, Wo, num_heads, mask=None):
    dk = Wq.shape[1] // num_heads
    outs, weights = [], []
    for h in range(num_heads):
        cols = slice(h * dk, (h + 1) * dk)
        m = None if mask is None else np.asarray(mask)[:, 0] if np.ndim(mask) == 4 else mask
        o, w = scaled_dot_product_attention(x @ Wq[:, cols], memory @ Wk[:, cols], memory @ Wv[:, cols], m)
        outs.append(o)
        weights.append(w)
    return np.concatenate(outs, axis=-1) @ Wo, np.stack(weights, axis=1)
''',
        # Everything in einsum, the softmax written out.
        '''
def cross_attention(x, memory, Wq, Wk, Wv, Wo, num_heads, mask=None):
    B, T, _ = x.shape
    S = memory.shape[1]
    q = (x @ Wq).reshape(B, T, num_heads, -1)
    k = (memory @ Wk).reshape(B, S, num_heads, -1)
    v = (memory @ Wv).reshape(B, S, num_heads, -1)
    scores = np.einsum("bthd,bshd->bhts", q, k) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = np.exp(scores - scores.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return np.einsum("bhts,bshd->bthd", w, v).reshape(B, T, -1) @ Wo, w
''',
    ],
    "DecoderBlock": [
        # Sequential feed-forward with a separate ReLU layer, a causal mask built by hand, layers in lists.
        '''
class DecoderBlock(keras.layers.Layer):
    def __init__(self, num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.attns = [keras.layers.MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim) for _ in range(2)]
        self.ffn = keras.Sequential([keras.layers.Dense(ff_dim), keras.layers.ReLU(), keras.layers.Dense(embed_dim)])
        self.norms = [keras.layers.LayerNormalization(epsilon=1e-6) for _ in range(3)]
        self.drops = [keras.layers.Dropout(dropout_rate) for _ in range(3)]

    def call(self, x, memory, memory_mask=None, training=None):
        T = keras.ops.shape(x)[1]
        causal = keras.ops.expand_dims(keras.ops.tril(keras.ops.ones((T, T), dtype="bool")), 0)
        h = self.norms[0](x + self.drops[0](self.attns[0](x, x, attention_mask=causal), training=training))
        mask = None if memory_mask is None else keras.ops.broadcast_to(
            keras.ops.expand_dims(memory_mask, 1), (keras.ops.shape(x)[0], T, keras.ops.shape(memory)[1]))
        c, w = self.attns[1](query=h, value=memory, key=memory, attention_mask=mask, return_attention_scores=True)
        g = self.norms[1](h + self.drops[1](c, training=training))
        return self.norms[2](g + self.drops[2](self.ffn(g), training=training)), w
''',
        # Keras 2 habits: the layers named differently, the activation given as a function, LayerNorm's axis written out.
        '''
class DecoderBlock(keras.layers.Layer):
    def __init__(self, num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.masked_mha = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim, output_shape=embed_dim)
        self.enc_dec_mha = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim, output_shape=embed_dim)
        self.dense_relu = keras.layers.Dense(ff_dim, activation=keras.activations.relu)
        self.dense_out = keras.layers.Dense(embed_dim)
        self.norm_a = keras.layers.LayerNormalization(axis=-1, epsilon=1e-6)
        self.norm_b = keras.layers.LayerNormalization(axis=-1, epsilon=1e-6)
        self.norm_c = keras.layers.LayerNormalization(axis=-1, epsilon=1e-6)
        self.drop_a, self.drop_b, self.drop_c = (keras.layers.Dropout(dropout_rate) for _ in range(3))

    def call(self, x, memory, memory_mask=None, training=None):
        out1 = self.norm_a(x + self.drop_a(self.masked_mha(x, x, use_causal_mask=True), training=training))
        mask = None
        if memory_mask is not None:
            mask = keras.ops.logical_and(keras.ops.expand_dims(memory_mask, 1),
                                         keras.ops.ones_like(keras.ops.expand_dims(x[..., 0], -1), dtype="bool"))
        att, scores = self.enc_dec_mha(out1, memory, memory, attention_mask=mask, return_attention_scores=True)
        out2 = self.norm_b(out1 + self.drop_b(att, training=training))
        return self.norm_c(out2 + self.drop_c(self.dense_out(self.dense_relu(out2)), training=training)), scores
''',
    ],
}
