"""Draft (stage 2 turns it into chapter cells): the Keras encoder-decoder transformer for chapter 7's dates.

`DecoderBlock` is the exercise (its reference body is what goes between BEGIN/END SOLUTION); the encoder
block and the model builder are given in the chapter. Post-norm, as chapter 9's `TransformerBlock` and the
notes; positions by the sinusoidal encoding (chapter 9's `positional_encoding`, HOML 16.4.2), one
embedding shared by the question and the answer (as the notes' code).
"""

from __future__ import annotations

import keras
import numpy as np


def positional_encoding(length, depth):
    """Chapter 9's sinusoidal encoding: (length, depth), sin on even and cos on odd columns."""
    angle = np.arange(length)[:, None] / 10000 ** (np.arange(0, depth, 2)[None, :] / depth)
    pe = np.empty((length, depth))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
    return pe


class EncoderBlock(keras.layers.Layer):
    """Post-norm encoder block: x (B, S, D) [, mask (B, S) bool, True at real tokens] -> (B, S, D)."""

    def __init__(self, num_heads, key_dim, embed_dim, ff_dim, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.attn = keras.layers.MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim)
        self.ffn_1 = keras.layers.Dense(ff_dim, activation="relu")
        self.ffn_2 = keras.layers.Dense(embed_dim)
        self.ln_1 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.ln_2 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.dropout_1 = keras.layers.Dropout(dropout_rate)
        self.dropout_2 = keras.layers.Dropout(dropout_rate)

    def call(self, x, mask=None, training=None):
        attention_mask = None  # (B, S, S): every position reads the real positions only
        if mask is not None:
            attention_mask = keras.ops.repeat(keras.ops.expand_dims(mask, 1), keras.ops.shape(x)[1], axis=1)
        a = self.attn(x, x, attention_mask=attention_mask, training=training)
        h = self.ln_1(x + self.dropout_1(a, training=training))
        return self.ln_2(h + self.dropout_2(self.ffn_2(self.ffn_1(h)), training=training))


class DecoderBlock(keras.layers.Layer):
    """Post-norm decoder block.

    x (B, T, embed_dim) the decoder's vectors, memory (B, S, embed_dim) the encoder's output, memory_mask None or
    bool (B, S), True at real source tokens. Returns (y (B, T, embed_dim), cross-attention weights (B, num_heads, T, S)):
        h = LN_1(x + Dropout(SelfAttention(x, causal)))
        g = LN_2(h + Dropout(CrossAttention(queries h, keys and values memory, padding keys masked)))
        y = LN_3(g + Dropout(Dense(embed_dim)(Dense(ff_dim, relu)(g))))
    Layers: two MultiHeadAttention(num_heads, key_dim, output_shape=embed_dim), three LayerNormalization(epsilon=1e-6),
    Dense(ff_dim, relu), Dense(embed_dim), three Dropout(dropout_rate).
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
        if memory_mask is not None:  # (B, S) -> (B, T, S): every query may read the real source positions
            mask = keras.ops.repeat(keras.ops.expand_dims(memory_mask, 1), keras.ops.shape(x)[1], axis=1)
        c, weights = self.cross_attn(h, memory, attention_mask=mask, return_attention_scores=True, training=training)
        g = self.ln_2(h + self.dropout_2(c, training=training))  # (B, T, D)
        y = self.ln_3(g + self.dropout_3(self.ffn_2(self.ffn_1(g)), training=training))
        return y, weights
        ### END SOLUTION


def build_transformer_seq2seq(vocab_size, embed_dim, num_heads, ff_dim, question_len=29, answer_len=10, n_layers=1,
                              dropout_rate=0.1):
    """[questions (B, question_len), decoder inputs (B, answer_len)] -> probabilities (B, answer_len, vocab_size)."""
    question = keras.Input(shape=(question_len,), dtype="int32", name="question")
    decoder_input = keras.Input(shape=(answer_len,), dtype="int32", name="decoder_input")
    embedding = keras.layers.Embedding(vocab_size, embed_dim)  # one table for both sides, as the notes
    pe = positional_encoding(max(question_len, answer_len), embed_dim).astype("float32")
    x = embedding(question) + pe[:question_len]
    for _ in range(n_layers):
        x = EncoderBlock(num_heads, embed_dim // num_heads, embed_dim, ff_dim, dropout_rate)(x)
    y = embedding(decoder_input) + pe[:answer_len]
    for _ in range(n_layers):
        y, _ = DecoderBlock(num_heads, embed_dim // num_heads, embed_dim, ff_dim, dropout_rate)(y, x)
    probs = keras.layers.Dense(vocab_size, activation="softmax")(y)
    return keras.Model([question, decoder_input], probs, name="transformer_seq2seq")
