"""Copy a Keras attention seq2seq (chapter 7) into the PyTorch reference, from its plain-data description.

The description is :data:`autograder.transplants.describe.DESCRIBE_SOURCE`'s; unlike the chain models of
:mod:`autograder.transplants.recurrent`, this model has two inputs and a graph of layers, so the layers are
found by class and by their ``inbound`` wiring.
"""

from __future__ import annotations

import numpy as np
import torch

from .layers import (INFERENCE_IDENTITY, TransplantError, activation, all_steps, as_tensor, assign, copy_dense, copy_embedding,
                     copy_lstm, fold_activation, outputs_probabilities, weights_of)


ATTENTION_LAYERS = {"Attention", "AdditiveAttention"}


def _fold_and_drop(layers: list[dict]) -> list[dict]:
    """Dropout-like layers dropped and an Activation/Softmax folded into the Dense before it, the
    wiring rewritten to match; unlike :func:`normalise`, the graph need not be a chain."""
    out: list[dict] = []
    alias: dict[str, str] = {}
    by_name: dict[str, dict] = {}
    for raw in layers:
        layer = {**raw, "config": dict(raw.get("config", {}))}
        layer["inbound"] = [alias.get(n, n) for n in raw.get("inbound", [])]
        for attr in ("activation", "recurrent_activation"):
            if attr in layer["config"]:
                layer["config"][attr] = activation(layer["config"][attr])
        source = by_name.get(layer["inbound"][0]) if len(layer["inbound"]) == 1 else None
        if layer["class"] in INFERENCE_IDENTITY and layer["inbound"]:
            alias[layer["name"]] = layer["inbound"][0]
            continue
        if layer["class"] in {"Activation", "Softmax"} and source is not None:
            folded = fold_activation(layer, source)
            if folded is not None:
                source["config"]["activation"] = folded
                alias[layer["name"]] = source["name"]
                continue
        out.append(layer)
        by_name[layer["name"]] = layer
    return out


def attention_seq2seq_from_description(layers: list[dict]):
    """The reference :class:`solutions.attention.AttentionSeq2seq` (or its additive variant) holding
    a described Keras attention seq2seq: Embedding -> LSTM(return_sequences, return_state) for the
    encoder; Embedding -> LSTM(return_sequences, initial_state from the encoder) for the decoder;
    Attention or AdditiveAttention([decoder states, encoder states]); Concatenate([context,
    decoder states]); Dense. Returns ``(torch_model, outputs_probabilities)``.

    Keras's ``AdditiveAttention`` has no projections: the reference's additive score gets identity
    ``W_q``, ``W_k`` and ``v`` = the layer's ``scale`` (ones when ``use_scale=False``).
    """
    from solutions.attention import AdditiveAttentionSeq2seq, AttentionConfig, AttentionSeq2seq

    layers = _fold_and_drop(layers)
    count = {k: sum(layer["class"] == k for layer in layers) for k in {layer["class"] for layer in layers}}
    want = {"Embedding": 2, "LSTM": 2, "Concatenate": 1, "Dense": 1}
    attention = [layer for layer in layers if layer["class"] in ATTENTION_LAYERS]
    if any(count.get(k, 0) != n for k, n in want.items()) or len(attention) != 1 or len(layers) != 7:
        got = ", ".join(f"{n} {k}" for k, n in sorted(count.items()))
        raise TransplantError("expected 2 Embedding, 2 LSTM, 1 Attention or AdditiveAttention, 1 Concatenate and "
                              f"1 Dense layer; got {got or 'none'}")
    by_name = {layer["name"]: layer for layer in layers}
    lstms = [layer for layer in layers if layer["class"] == "LSTM"]
    readers = [lstm for lstm in lstms if any(by_name.get(n, {}).get("class") == "LSTM" for n in lstm["inbound"])]
    if len(readers) != 1:
        raise TransplantError("expected one LSTM (the decoder's) started from the other's final state (initial_state=[h, c])")
    dec = readers[0]
    enc = next(lstm for lstm in lstms if lstm is not dec)
    (att,), concat, dense = attention, _one(layers, "Concatenate"), _one(layers, "Dense")
    for lstm, role in ((enc, "encoder"), (dec, "decoder")):
        all_steps(lstm)
        if not lstm["inbound"] or by_name.get(lstm["inbound"][0], {}).get("class") != "Embedding":
            raise TransplantError(f"{lstm['name']}: expected the {role} LSTM to read an Embedding")
    if not enc["config"].get("return_state", False):
        raise TransplantError(f"{enc['name']}: expected return_state=True (the decoder starts from its final [h, c])")
    if att["inbound"] not in ([dec["name"], enc["name"]], [dec["name"], enc["name"], enc["name"]]):
        raise TransplantError(f"{att['name']}: expected [decoder states (query), encoder states (value)] as inputs, "
                              f"got {att['inbound']}")
    if concat["inbound"] != [att["name"], dec["name"]] or concat["config"].get("axis", -1) not in (-1, 2):
        raise TransplantError(f"{concat['name']}: expected [context, decoder states] on the last axis, got "
                              f"{concat['inbound']} on axis {concat['config'].get('axis')}")
    if dense["inbound"] != [concat["name"]]:
        raise TransplantError(f"{dense['name']}: expected it to read the concatenation, got {dense['inbound']}")
    enc_embed, dec_embed = by_name[enc["inbound"][0]], by_name[dec["inbound"][0]]
    tables = [np.asarray(e["weights"][0]) for e in (enc_embed, dec_embed)]
    hidden = {int(enc["config"]["units"]), int(dec["config"]["units"])}
    if tables[0].shape != tables[1].shape or len(hidden) != 1:
        raise TransplantError(f"expected both embeddings of one shape and both LSTMs of one size, got embeddings "
                              f"{tables[0].shape}, {tables[1].shape} and LSTM units {sorted(hidden)}")
    model_class = AdditiveAttentionSeq2seq if att["class"] == "AdditiveAttention" else AttentionSeq2seq
    config = AttentionConfig(vocab_size=int(tables[0].shape[0]), wordvec=int(tables[0].shape[1]), hidden=hidden.pop(),
                             carry_cell=True)  # the Keras decoder starts from initial_state=[h, c]
    reference = model_class(config)
    copy_embedding(enc_embed, reference.encoder.embedding)
    copy_lstm(enc, reference.encoder.lstm)
    copy_embedding(dec_embed, reference.decoder.embedding)
    copy_lstm(dec, reference.decoder.lstm)
    _copy_score(att, reference.decoder.score, config.hidden)
    copy_dense(dense, reference.decoder.head)
    return reference.eval(), outputs_probabilities(dense)


def _one(layers: list[dict], kind: str) -> dict:
    return next(layer for layer in layers if layer["class"] == kind)


def _copy_score(layer: dict, score: torch.nn.Module, hidden: int) -> None:
    config = layer["config"]
    if layer["class"] == "Attention":
        if config.get("score_mode", "dot") != "dot" or config.get("use_scale", False):
            raise TransplantError(f"{layer['name']}: expected the plain dot score (score_mode='dot', use_scale=False)")
        return
    if config.get("use_scale", True):
        (scale,) = weights_of(layer, 1, "the scale")
    else:
        scale = np.ones(hidden, dtype=np.float32)
    with torch.no_grad():
        score.query.weight.copy_(torch.eye(hidden))
        score.key.weight.copy_(torch.eye(hidden))
    assign(score.v, as_tensor(scale), f"{layer['name']} scale")


def attention_probabilities(reference, outputs_probs: bool, questions: np.ndarray, decoder_in: np.ndarray) -> np.ndarray:
    """What a Keras attention seq2seq should output on [questions, decoder inputs]: (B, T, V), float64."""
    with torch.no_grad():
        logits = reference(torch.as_tensor(questions, dtype=torch.long), torch.as_tensor(decoder_in, dtype=torch.long))
        out = torch.softmax(logits.double(), -1) if outputs_probs else logits.double()
    return out.numpy()
