"""The encoder-decoder transformer (Hands-On ML 16.4.2): padding and causal masks and cross-attention in NumPy,
then a Keras decoder block checked by transplant into the torch reference; the page trains the model on chapter 7's
dates beside the RNN attention model (drafts/stage2_plan.md: a section of chapter 9, or a chapter 10).

SETUP stands for what comes before: chapter 9's scaled_dot_product_attention (its Exercise 3; the reference here)
and the imports."""

SETUP = r'''
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import numpy as np
from seqgen import check_close, check_equal, check_probabilities, check_shape, passed


def scaled_dot_product_attention(q, k, v, mask=None):  # chapter 9, Exercise 3
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ v, weights
'''

ORDER = ["attention_mask", "cross_attention", "DecoderBlock"]

ANSWERS = {
    "attention_mask": r'''
def attention_mask(query_ids, key_ids, pad_id=0, causal=False):
    """Which keys each query may read.

    query_ids: (B, Tq) ids (only their shape matters); key_ids: (B, Tk) ids. Returns a bool NumPy array
    (B, Tq, Tk): True where key j of example b is not padding (key_ids[b, j] != pad_id) and, if causal, j <= i.
    Padding queries are not masked (their rows still read the real keys; their outputs are never used).
    """
    ### BEGIN SOLUTION
    B, Tq = np.shape(query_ids)
    real = np.asarray(key_ids) != pad_id  # (B, Tk)
    mask = np.broadcast_to(real[:, None, :], (B, Tq, real.shape[1]))
    if causal:
        mask = mask & (np.arange(real.shape[1])[None, :] <= np.arange(Tq)[:, None])
    return mask.copy()
    ### END SOLUTION
''',
    "cross_attention": r'''
def cross_attention(x, memory, Wq, Wk, Wv, Wo, num_heads, mask=None):
    """Multi-head attention of the decoder's vectors x (B, T, D) over the encoder's output memory (B, S, D).

    Queries x @ Wq; keys memory @ Wk; values memory @ Wv (each (D, num_heads * d_k), head h on columns
    h * d_k .. (h + 1) * d_k); each head attends with scaled_dot_product_attention (chapter 9's Exercise 3) under
    mask (None or bool broadcasting to (B, num_heads, T, S)); the heads are merged side by side and multiplied by
    Wo (num_heads * d_k, D). Returns (output (B, T, D), weights (B, num_heads, T, S)).
    """
    ### BEGIN SOLUTION
    B, T, _ = x.shape
    S = memory.shape[1]

    def split(a, n):  # (B, n, h * dk) -> (B, h, n, dk)
        return a.reshape(B, n, num_heads, -1).transpose(0, 2, 1, 3)

    heads, weights = scaled_dot_product_attention(split(x @ Wq, T), split(memory @ Wk, S), split(memory @ Wv, S), mask)
    return heads.transpose(0, 2, 1, 3).reshape(B, T, -1) @ Wo, weights
    ### END SOLUTION
''',
    "DecoderBlock": r'''
class DecoderBlock(keras.layers.Layer):
    """Post-norm decoder block of the encoder-decoder transformer.

    Called as block(x, memory, memory_mask=None, training=None): x (B, T, embed_dim) the decoder's vectors, memory
    (B, S, embed_dim) the encoder's output, memory_mask None or bool (B, S), True at real source tokens. Returns
    (y (B, T, embed_dim), the cross-attention weights (B, num_heads, T, S)):
        h = LN_1(x + Dropout(SelfAttention(x) with the causal mask))
        g = LN_2(h + Dropout(CrossAttention(queries h, keys and values memory, padding keys masked)))
        y = LN_3(g + Dropout(Dense(embed_dim)(Dense(ff_dim, relu)(g))))
    Layers: two MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim), three LayerNormalization(epsilon=1e-6),
    Dense(ff_dim, activation="relu"), Dense(embed_dim), three Dropout(dropout_rate).
    """

    def __init__(self, num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
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
        ### END SOLUTION

    def call(self, x, memory, memory_mask=None, training=None):
        ### BEGIN SOLUTION
        a = self.self_attn(x, x, use_causal_mask=True, training=training)
        h = self.ln_1(x + self.dropout_1(a, training=training))  # (B, T, D)
        mask = None
        if memory_mask is not None:  # (B, S) -> (B, T, S): every query reads the real source positions
            mask = keras.ops.repeat(keras.ops.expand_dims(memory_mask, 1), keras.ops.shape(x)[1], axis=1)
        c, weights = self.cross_attn(h, memory, attention_mask=mask, return_attention_scores=True, training=training)
        g = self.ln_2(h + self.dropout_2(c, training=training))  # (B, T, D)
        y = self.ln_3(g + self.dropout_3(self.ffn_2(self.ffn_1(g)), training=training))
        return y, weights
        ### END SOLUTION
''',
}

TESTS = {
    "attention_mask": r'''
q, k = np.array([[5, 6, 0]]), np.array([[7, 0, 8, 0]])
check_equal(attention_mask(q, k).astype(int).tolist(), [[[1, 0, 1, 0]] * 3], "padding keys masked for every query")
check_equal(attention_mask(k, k, causal=True).astype(int).tolist(),
            [[[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 0]]], "causal and padding together")
check_equal(attention_mask(q, k).dtype, np.dtype(bool), "dtype")
check_equal(attention_mask(q, np.array([[7, 9, 8, 9]]), pad_id=9).astype(int).tolist(), [[[1, 0, 1, 0]] * 3], "pad_id 9")
passed()
''',
    "cross_attention": r'''
rng = np.random.default_rng(0)
B, T, S, D, H, dk = 2, 3, 5, 6, 2, 4
x, memory = rng.normal(size=(B, T, D)), rng.normal(size=(B, S, D))
Wq, Wk, Wv, Wo = (rng.normal(size=s) for s in [(D, H * dk)] * 3 + [(H * dk, D)])
ids = np.array([[4, 5, 6, 0, 0], [4, 5, 6, 7, 8]])
mask = attention_mask(np.zeros((B, T)), ids)[:, None]  # (B, 1, T, S)
out, w = cross_attention(x, memory, Wq, Wk, Wv, Wo, H, mask)
check_shape(out, (B, T, D), "output")
check_shape(w, (B, H, T, S), "weights")
check_probabilities(w, "weights over the source positions", axis=-1)
check_equal(bool((w[0, :, :, 3:] == 0).all()), True, "no weight on the padding of example 0")
# Head 1 by hand: its columns of the projections, queries from x, keys and values from memory.
cols = slice(dk, 2 * dk)
_, w1 = scaled_dot_product_attention(x @ Wq[:, cols], memory @ Wk[:, cols], memory @ Wv[:, cols], mask[:, 0])
check_close(w[:, 1], w1, "the weights of head 1")
passed()
''',
    "DecoderBlock": r'''
keras.utils.set_random_seed(0)
block = DecoderBlock(num_heads=2, key_dim=3, embed_dim=8, ff_dim=12)
rng = np.random.default_rng(2)
x, memory = rng.normal(size=(2, 5, 8)).astype("float32"), rng.normal(size=(2, 7, 8)).astype("float32")
memory_mask = np.array([[True] * 7, [True] * 4 + [False] * 3])
y, w = (keras.ops.convert_to_numpy(t) for t in block(x, memory, memory_mask, training=False))
check_shape(y, (2, 5, 8), "block output")
check_shape(w, (2, 2, 5, 7), "cross-attention weights (B, heads, T, S)")
check_probabilities(w, "cross-attention weights over the source", axis=-1, atol=1e-5)
check_equal(bool(np.abs(w[1, :, :, 4:]).max() < 1e-7), True, "no weight on the source padding")
check_close(y.mean(-1), np.zeros((2, 5)), "post-norm: the mean of each output vector", atol=1e-5)
x2 = x.copy()
x2[:, 3:] += 1.0
check_close(keras.ops.convert_to_numpy(block(x2, memory, memory_mask, training=False)[0])[:, :3], y[:, :3],
            "causal: outputs before position 3 when later inputs change", atol=1e-5)
m2 = memory.copy()
m2[1, 4:] += 5.0
check_close(keras.ops.convert_to_numpy(block(x, m2, memory_mask, training=False)[0])[1], y[1],
            "changing the source padding changes nothing", atol=1e-5)
passed()
''',
}
