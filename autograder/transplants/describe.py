"""What runs in the student's kernel to describe a Keras model or layer as plain data.

:data:`DESCRIBE_SOURCE` defines ``_seqgen_describe(model)``, which lists the model's layers in call
order (nested models and ``Sequential`` flattened, ``InputLayer`` dropped, a ``TimeDistributed`` wrapper
replaced by the layer it wraps) as dicts::

    {"class": "Dense", "name": "dense", "config": {... JSON-safe ...},
     "weights": [float32 arrays], "trainable": [float32 arrays], "inbound": ["lstm"]}

with every activation given by name. :data:`BLOCK_DESCRIBE_SOURCE` defines
``_seqgen_describe_block(layer)`` for a subclassed layer that is no model (chapter 9's
``TransformerBlock``): the parts it tracks (containers such as a ``Sequential`` feed-forward walked
into, a ``MultiHeadAttention`` kept whole) as dicts ``{"class", "name", "config", "weights"}``.
Both start from :data:`HELPERS_SOURCE`: an activation's name, and a layer's config as JSON-safe data.
Only plain data comes back over the wire; checker-side, :func:`describe` runs the same code on a live model.
"""

from __future__ import annotations

HELPERS_SOURCE = r'''
def _seqgen_keras_helpers():
    import json

    def name_of(fn):
        if fn is None:
            return "linear"
        if isinstance(fn, str):
            return fn
        return getattr(fn, "__name__", None) or type(fn).__name__

    def config_of(layer):
        try:
            return json.loads(json.dumps(layer.get_config(), default=repr))
        except Exception:  # a custom layer without a serialisable config (its weights still describe it)
            return {}

    return name_of, config_of
'''

DESCRIBE_SOURCE = HELPERS_SOURCE + r'''
def _seqgen_describe(model):
    import keras
    import numpy as np

    name_of, config_of = _seqgen_keras_helpers()

    def inbound(layer):
        try:
            nodes = layer._inbound_nodes
            return [n.operation.name for node in nodes[:1] for n in node.parent_nodes
                    if type(n.operation).__name__ != "InputLayer"]
        except Exception:
            return []

    def one(layer, wrapper=None):
        config = config_of(layer)
        for attr in ("activation", "recurrent_activation"):
            fn = getattr(layer, attr, None)
            if fn is None and attr in config and hasattr(layer, "cell"):
                fn = getattr(layer.cell, attr, None)
            if attr in config or fn is not None:
                config[attr] = name_of(fn if fn is not None else config.get(attr))
        outer = wrapper or layer
        return {"class": type(layer).__name__, "name": outer.name, "config": config,
                "weights": [np.asarray(w, dtype=np.float32) for w in layer.get_weights()],
                "trainable": [np.asarray(w, dtype=np.float32) for w in getattr(layer, "trainable_weights", [])],
                "inbound": inbound(outer)}

    inputs, alias = set(), {}

    def walk(layer, out):
        kind = type(layer).__name__
        if kind == "InputLayer":
            inputs.add(layer.name)
            return out
        if isinstance(layer, keras.Model):
            for inner in layer.layers:
                walk(inner, out)
            for name in getattr(layer, "input_names", None) or []:
                inputs.add(name)
            if out:
                alias[layer.name] = out[-1]["name"]  # what reads a nested model reads its last layer
        elif kind == "TimeDistributed":
            out.append(one(layer.layer, wrapper=layer))
        else:
            out.append(one(layer))
        return out

    layers = walk(model, [])
    for layer in layers:
        layer["inbound"] = [alias.get(n, n) for n in layer["inbound"] if n not in inputs]
    return layers
'''

BLOCK_DESCRIBE_SOURCE = HELPERS_SOURCE + r'''
def _seqgen_describe_block(layer):
    import numpy as np

    name_of, safe_config = _seqgen_keras_helpers()

    def config_of(sub):
        config = safe_config(sub)
        if hasattr(sub, "activation"):
            config["activation"] = name_of(getattr(sub, "activation", None))
        return config

    keep = {"MultiHeadAttention", "LayerNormalization", "Dense", "EinsumDense", "Embedding", "Activation", "ReLU", "Dropout",
            "Softmax", "GRU", "LSTM", "SimpleRNN", "Conv1D", "Attention", "BatchNormalization"}
    parts = []

    def walk(outer, depth=0):
        for sub in outer._flatten_layers(include_self=False, recursive=False):
            kind = type(sub).__name__
            if kind in keep or depth > 5:
                parts.append({"class": kind, "name": sub.name, "config": config_of(sub),
                              "weights": [np.asarray(w, dtype=np.float32) for w in sub.get_weights()]})
            else:
                walk(sub, depth + 1)

    walk(layer)
    return parts
'''


def describe(model) -> list[dict]:
    """Checker-side description of a live Keras model (the same code the student's kernel runs)."""
    ns: dict = {}
    exec(DESCRIBE_SOURCE, ns)  # noqa: S102 - our own constant source
    return ns["_seqgen_describe"](model)
