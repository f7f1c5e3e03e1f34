"""Copy a Keras transformer block (chapter 9) into the PyTorch reference, from a plain-data description.

The student's ``TransformerBlock`` is a subclassed Keras layer, not a model: its parts are the
layers it holds as attributes. :data:`autograder.transplants.describe.BLOCK_DESCRIBE_SOURCE` runs in
the student's kernel and lists those parts (in the order the layer tracks them) as plain data.

Layouts (Keras -> torch, :class:`solutions.gpt.PostNormBlock`):

- ``MultiHeadAttention(num_heads, key_dim)``: query/key/value kernels ``(D, heads, key_dim)`` and
  biases ``(heads, key_dim)`` -> ``Linear(D, heads * key_dim)``: weight = kernel reshaped to
  ``(D, heads * key_dim)`` and transposed, heads side by side (head-major, as torch's view splits
  them); output kernel ``(heads, key_dim, D)`` -> ``Linear(heads * key_dim, D)``. Both scale the
  scores by ``1 / sqrt(key_dim)``.
- ``Dense``: kernel (in, out) -> weight (out, in); ``LayerNormalization``: gamma, beta -> weight, bias
  (its epsilon copied).

Which LayerNorm is the first cannot be told from the weights (both are ``(D,)``): the caller
tries both orders (:func:`post_norm_blocks`).
"""

from __future__ import annotations

import numpy as np
import torch

from .layers import TransplantError, activation, as_tensor, assign

IDENTITY_PARTS = {"Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout"}


def _parts(parts: list[dict], kind: str, n: int, what: str) -> list[dict]:
    found = [p for p in parts if p["class"] == kind]
    if len(found) != n:
        raise TransplantError(f"expected {n} {kind} layer{'s' if n > 1 else ''} ({what}) in the block, got {len(found)}")
    return found


def _set(param: torch.nn.Parameter, value: np.ndarray, what: str) -> None:
    assign(param, as_tensor(value), what)


def _attention_sizes(mha: dict) -> tuple[int, int, int]:
    weights = mha["weights"]
    if len(weights) != 8:
        raise TransplantError(f"{mha['name']}: expected a MultiHeadAttention with biases (8 weights: query, key, value, "
                              f"output kernels and biases), got {len(weights)} weights")
    D, heads, key_dim = np.shape(weights[0])
    for i, role in zip((2, 4), ("key", "value")):
        if np.shape(weights[i]) != (D, heads, key_dim):
            raise TransplantError(f"{mha['name']}: expected the {role} kernel of shape {(D, heads, key_dim)} "
                                  f"(value_dim = key_dim), got {np.shape(weights[i])}")
    if np.shape(weights[6]) != (heads, key_dim, D):
        raise TransplantError(f"{mha['name']}: expected the output kernel of shape {(heads, key_dim, D)} "
                              f"(output_shape = embed_dim), got {np.shape(weights[6])}")
    return int(D), int(heads), int(key_dim)


def _copy_attention(mha: dict, attn) -> None:
    w = mha["weights"]
    D, heads, key_dim = _attention_sizes(mha)
    for (kernel, bias), linear in zip(((w[0], w[1]), (w[2], w[3]), (w[4], w[5])), (attn.query, attn.key, attn.value)):
        _set(linear.weight, np.reshape(kernel, (D, heads * key_dim)).T, f"{mha['name']} projection")
        _set(linear.bias, np.reshape(bias, (heads * key_dim,)), f"{mha['name']} projection bias")
    _set(attn.proj.weight, np.reshape(w[6], (heads * key_dim, D)).T, f"{mha['name']} output kernel")
    _set(attn.proj.bias, w[7], f"{mha['name']} output bias")


def _feed_forward(parts: list[dict], D: int) -> tuple[dict, dict]:
    denses = _parts(parts, "Dense", 2, "the feed-forward layer: Dense(ff_dim, relu) then Dense(embed_dim)")
    first = [d for d in denses if np.shape(d["weights"][0])[0] == D and activation(d["config"].get("activation")) == "relu"]
    if len(first) != 1:
        raise TransplantError("expected the first feed-forward Dense to read the embed_dim-wide input with a relu "
                              "activation, and the second to be linear; got activations "
                              + ", ".join(str(d["config"].get("activation")) for d in denses))
    second = next(d for d in denses if d is not first[0])
    if activation(second["config"].get("activation")) != "linear":
        raise TransplantError(f"{second['name']}: expected the second feed-forward Dense to be linear")
    for d in denses:
        if len(d["weights"]) != 2:
            raise TransplantError(f"{d['name']}: expected a Dense with a bias")
    return first[0], second


def _fold_relu(parts: list[dict]) -> list[dict]:
    """A ReLU (or Activation("relu")) layer right after a linear Dense folded into it: one spelling of Dense(relu)."""
    out: list[dict] = []
    for part in parts:
        is_relu = part["class"] == "ReLU" and not part["config"].get("max_value") and not part["config"].get("negative_slope") \
            and not part["config"].get("threshold")
        is_relu = is_relu or (part["class"] == "Activation" and activation(part["config"].get("activation")) == "relu")
        last = out[-1] if out else None
        if is_relu and last is not None and last["class"] == "Dense" and activation(last["config"].get("activation")) == "linear":
            out[-1] = {**last, "config": {**last["config"], "activation": "relu"}}
            continue
        out.append(part)
    return out


def post_norm_blocks(parts: list[dict]):
    """The reference :class:`solutions.gpt.PostNormBlock` holding a described Keras block, once per order of its
    two LayerNorms (weights alone cannot tell which comes first). Returns ``([block, block], (heads, key_dim, ff))``."""
    from solutions.gpt import GPTConfig, PostNormBlock

    parts = _fold_relu(parts)
    extra = [p for p in parts if p["class"] not in {"MultiHeadAttention", "LayerNormalization", "Dense"} | IDENTITY_PARTS]
    if extra:
        raise TransplantError("expected a block made of MultiHeadAttention, LayerNormalization, Dense and Dropout layers; "
                              f"got also {', '.join(p['class'] for p in extra)}")
    (mha,) = _parts(parts, "MultiHeadAttention", 1, "the self-attention")
    D, heads, key_dim = _attention_sizes(mha)
    lns = _parts(parts, "LayerNormalization", 2, "after the attention and after the feed-forward layer")
    for ln in lns:
        if len(ln["weights"]) != 2 or np.shape(ln["weights"][0]) != (D,):
            raise TransplantError(f"{ln['name']}: expected a LayerNormalization over the last axis with gamma and beta of shape ({D},)")
    fc, proj = _feed_forward(parts, D)
    ff = int(np.shape(fc["weights"][0])[1])
    config = GPTConfig(vocab_size=1, n_embd=D, n_head=heads, head_dim=key_dim, ff_dim=ff, activation="relu", post_norm=True)
    blocks = []
    for first, second in ((lns[0], lns[1]), (lns[1], lns[0])):
        block = PostNormBlock(config)
        _copy_attention(mha, block.attn)
        for ln, torch_ln in ((first, block.ln_1), (second, block.ln_2)):
            _set(torch_ln.weight, ln["weights"][0], f"{ln['name']} gamma")
            _set(torch_ln.bias, ln["weights"][1], f"{ln['name']} beta")
            torch_ln.eps = float(ln["config"].get("epsilon", 1e-3))
        for dense, linear in ((fc, block.mlp.fc), (proj, block.mlp.proj)):
            _set(linear.weight, np.asarray(dense["weights"][0]).T, f"{dense['name']} kernel")
            _set(linear.bias, dense["weights"][1], f"{dense['name']} bias")
        blocks.append(block.eval())
    return blocks, (heads, key_dim, ff)


def block_outputs(block, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the Keras block should return on x (B, T, D): (outputs (B, T, D), attention weights (B, heads, T, T))."""
    with torch.no_grad():
        y, w = block.double()(torch.as_tensor(x, dtype=torch.float64), need_weights=True)
    return y.numpy(), w.numpy()
