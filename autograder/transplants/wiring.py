"""Wiring for a described Keras model whose layers carry none: a subclassed ``keras.Model``.

A functional model's description (``autograder.transplants.describe.DESCRIBE_SOURCE``) records which layer reads which
(``inbound``); a subclassed model's layers are called inside its ``call`` and record nothing. Where a
chapter's contract allows a subclassed model, the check cannot read the roles of two layers of one
class from the wiring (which Embedding is the encoder's?), so :func:`attention_seq2seq_candidates`
gives one wired copy of the description per assignment of the roles; the check builds the reference
from each and keeps the one that reproduces the student's outputs (as chapter 9 does for the order of
two LayerNorms). The weights are verified against the ones the check sent before this, so trying the
assignments only finds which sent weight plays which part.
"""

from __future__ import annotations

from itertools import permutations

from .layers import INFERENCE_IDENTITY

ATTENTION_LAYERS = {"Attention", "AdditiveAttention"}


def _copy(layer: dict, inbound: list[str]) -> dict:
    return {**layer, "config": dict(layer.get("config", {})), "inbound": list(inbound)}


def attention_seq2seq_candidates(layers: list[dict]) -> list[list[dict]]:
    """``[layers]`` when some layer is wired (a functional model: its own wiring is judged); else one wired copy
    per way to give the two Embeddings and the two LSTMs their encoder and decoder roles (four), with the parts a
    ``call`` may write as functions (``keras.ops.concatenate``) added as the layers they stand for.
    A description that does not hold the parts at all is returned as it is (the transplant says what is missing).
    """
    if any(layer.get("inbound") for layer in layers):
        return [layers]
    kept = [layer for layer in layers if layer.get("class") not in INFERENCE_IDENTITY]
    by_class: dict[str, list[dict]] = {}
    for layer in kept:
        by_class.setdefault(layer.get("class"), []).append(layer)
    attention = [layer for layer in kept if layer.get("class") in ATTENTION_LAYERS]
    embeds, lstms, dense = by_class.get("Embedding", []), by_class.get("LSTM", []), by_class.get("Dense", [])
    concats = by_class.get("Concatenate", [])
    if len(embeds) != 2 or len(lstms) != 2 or len(attention) != 1 or len(dense) != 1 or len(concats) > 1:
        return [layers]
    concat = concats[0] if concats else {"class": "Concatenate", "name": "concatenate (in call)", "config": {"axis": -1},
                                         "weights": [], "trainable": [], "inbound": []}
    activations = [layer for layer in kept if layer.get("class") in {"Activation", "Softmax"}]
    candidates = []
    for enc_embed, dec_embed in permutations(embeds):
        for enc, dec in permutations(lstms):
            wired = [_copy(enc_embed, []), _copy(dec_embed, []), _copy(enc, [enc_embed["name"]]),
                     _copy(dec, [dec_embed["name"], enc["name"], enc["name"]]),
                     _copy(attention[0], [dec["name"], enc["name"]]), _copy(concat, [attention[0]["name"], dec["name"]]),
                     _copy(dense[0], [concat["name"]])]
            wired += [_copy(a, [dense[0]["name"]]) for a in activations[:1]]  # a softmax after the Dense, folded into it
            candidates.append(wired)
    return candidates
