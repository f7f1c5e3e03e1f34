"""Hidden checks of chapter 3 (Char-RNN).

The student's kernel builds and runs their code; here, in the grader, the reference
(``solutions.chars``, ``solutions.sampling``) and the PyTorch CharRNN, rebuilt from a
plain-data description of the student's Keras model (``autograder.transplants``),
give the expected values. Random weights and batches are drawn from seeds we fix.
"""

from __future__ import annotations

import re

import numpy as np
import torch

from autograder.grading.checks import CheckFailed, Checks, Opaque, expect
from autograder.grading.verify import SET_WEIGHTS, SentWeights, expect_sent_weights, items, zip_checked
from autograder.transplants.describe import DESCRIBE_SOURCE
from autograder.transplants.layers import TransplantError, normalise
from autograder.transplants.recurrent import charrnn_from_description, reference_probabilities
from solutions.chars import windows as reference_windows
from solutions.sampling import apply_temperature, sample_or_greedy

checks = Checks()


@checks.exercise("windows")
def _(k):
    """Contract: make_windows(ids (L,) ints, n_steps, shift) -> an INTEGER array (N, n_steps + 1)
    whose row k is ids[k * shift : k * shift + n_steps + 1], for every k whose window is complete
    (and no other); ids unchanged by the call."""
    rng = k.rng(4)
    cases = [(10, 3, 2), (9, 4, 5), (100, 9, 1), (11, 10, 3), (12, 10, 1)]
    cases += [(int(rng.integers(12, 60)), int(rng.integers(1, 11)), int(rng.integers(1, 9))) for _ in range(15)]
    for L, n_steps, shift in cases:
        ids = rng.integers(0, 30, size=L)
        what = f"windows of {L} ids, n_steps={n_steps}, shift={shift}"
        got, after = items(k.run("result = (make_windows(ids, n_steps, shift), ids)", ids=ids, n_steps=n_steps, shift=shift), 2, what)
        expect.same_array(got, reference_windows(ids, n_steps, shift), what, kind="i")  # float ids break Embedding lookups
        expect.equal(after, ids, f"the ids after the call ({what}; unchanged)")
    got = k.run("result = make_windows(ids, 2, 2)", ids=np.arange(7, dtype=np.int32))
    expect.array(got, "windows of int32 ids", shape=(3, 3), kind="i")


# Runs in the kernel: the student's model with weights drawn here (autograder.grading.verify.SentWeights), described
# as plain data. The description is verified against the weights sent: a model that describes weights it does
# not compute with fails.
BUILD = DESCRIBE_SOURCE + (
    "model = build_char_gru(vocab_size=V_, embed_dim=E_, hidden=H_)\n"
    "model(np.zeros((1, 2), dtype='int32'))  # built, even without an Input layer\n"
    + SET_WEIGHTS.format(model="model") +
    "_outs = [keras.ops.convert_to_numpy(model(b)) for b in batches]\n"
    "result = (_seqgen_describe(model), _outs)\n"
)


def check_sizes(layers: list[dict], V: int, E: int, H: int) -> None:
    """The sizes the exercise asks for (the transplant alone would copy any sizes)."""
    layers = normalise(layers)
    table = np.asarray(layers[0]["weights"][0]) if layers and layers[0]["weights"] else np.zeros((0, 0))
    expect.true(table.shape == (V, E), f"Embedding table: expected shape {(V, E)} (vocab_size, embed_dim), got {table.shape}")
    units = [int(layer["config"].get("units", -1)) for layer in layers[1:-1]]
    expect.true(units == [H, H], f"GRU sizes: expected {[H, H]} (hidden), got {units}")


@checks.exercise("char_gru")
def _(k):
    """Contract: build_char_gru(V, E, H) -> a Keras model, ids (B, T) -> probabilities (B, T, V) for
    any B and T: Embedding(V, E), GRU(H) and GRU(H) returning every step (Keras defaults otherwise:
    tanh, sigmoid, reset_after=True), Dense(V) with a softmax (however spelled: activation="softmax",
    tf.nn.softmax, an Activation/Softmax layer; Input or input_shape=). Its layers hold the weights the
    check sets (its description lists exactly those), and its outputs equal the PyTorch CharRNN holding them."""
    for seed, (V, E, H) in enumerate([(23, 5, 7), (70, 16, 20)]):
        rng = k.rng(100 + seed)
        batches = [rng.integers(0, V, size=(3, 17)), rng.integers(0, V, size=(1, 1)), rng.integers(0, V, size=(2, 40))]
        sent = SentWeights(k.rng(1100 + seed), scale=0.4)
        with k.swap("_seqgen_weights", sent):
            layers, outs = items(k.run(BUILD, V_=V, E_=E, H_=H, batches=batches), 2, f"the model for V, E, H = {(V, E, H)}")
        expect_sent_weights(layers, sent.sent, f"the model for V, E, H = {(V, E, H)}")
        try:
            reference, probabilities = charrnn_from_description(layers, num_layers=2)
        except TransplantError as exc:
            raise CheckFailed(f"the model for V, E, H = {(V, E, H)}: {exc}") from exc
        check_sizes(layers, V, E, H)
        expect.true(probabilities, "the Dense layer should end in a softmax (the model outputs probabilities)")
        for batch, out in zip_checked(f"the outputs for V, E, H = {(V, E, H)}", batches, outs):
            what = f"output for a {batch.shape} batch, V, E, H = {(V, E, H)}"
            expect.array(out, what, shape=(*batch.shape, V), kind="f")
            # float32 GRUs on both sides: sums of ~H products of O(1) terms agree to ~1e-6.
            expect.close(out.sum(axis=-1), np.ones(batch.shape), f"{what}: sums over the vocabulary", atol=1e-4, rtol=0)
            expect.close(out, reference_probabilities(reference, True, batch), f"{what} against the PyTorch CharRNN",
                         atol=2e-5, rtol=1e-4)


# Runs in the kernel: n draws with the student's sampler from one seeded Generator.
DRAWS = (
    "_rng = np.random.default_rng(seed)\n"
    "_p = np.array(p, copy=True)\n"
    "_draws = [sample_with_temperature(_p, temperature, _rng) for _ in range(n)]\n"
    "result = ([type(d).__name__ for d in _draws[:3]], np.array([int(d) for d in _draws]), _p)\n"
)


def draws(k, p, temperature, n, seed, global_seed=None):
    code = DRAWS if global_seed is None else f"np.random.seed({global_seed})\n" + DRAWS
    what = f"draws at temperature {temperature} from p = {np.round(p, 3).tolist()}"
    names, got, after = items(k.run(code, p=p, temperature=temperature, n=n, seed=seed), 3, what)
    expect.true(all(name in {"int", "int64", "int32", "intc", "int_"} for name in names),
                f"{what}: expected Python ints, got {names}")
    expect.true(bool(np.all((got >= 0) & (got < len(p)))), f"{what}: expected indices in [0, {len(p)}), got {np.unique(got)}")
    expect.equal(after, p, f"the probabilities after {what} (unchanged)")
    return got


@checks.exercise("sample_with_temperature")
def _(k):
    """Contract: sample_with_temperature(probs (V,), temperature >= 0, rng) -> an int in [0, V):
    argmax at temperature 0; otherwise a draw from probs ** (1 / T) renormalised, made with the given
    Generator only (the same seed gives the same draws, whatever NumPy's global state; other seeds
    other draws); zeros never drawn, tiny temperatures and tiny probabilities handled (log space);
    probs unchanged. Warnings are not failures."""
    p = np.array([0.05, 0.15, 0.3, 0.5])
    n = 20_000
    for temperature, seed in [(1.0, 1), (0.4, 11), (2.0, 12)]:
        got = draws(k, p, temperature, n, seed)
        want = apply_temperature(p, temperature)
        freq = np.bincount(got, minlength=len(p)) / n
        tolerance = 5 * np.sqrt(want * (1 - want) / n) + 1e-3  # five standard errors of a frequency
        expect.true(bool(np.all(np.abs(freq - want) < tolerance)),
                    f"at temperature {temperature}: expected frequencies {np.round(want, 3).tolist()}, got {np.round(freq, 3).tolist()}")
    first = draws(k, p, 1.0, 200, seed=5, global_seed=1)
    again = draws(k, p, 1.0, 200, seed=5, global_seed=2)
    expect.true(np.array_equal(first, again), "200 draws with the same rng seed differ when NumPy's global seed changes: "
                "draw with the rng you are given (rng.choice), not np.random")
    other = draws(k, p, 1.0, 200, seed=6, global_seed=1)
    expect.true(not np.array_equal(first, other), "200 draws with two different rng seeds are identical: use the rng you are given")
    for seed in range(5):
        q = k.rng(950 + seed).dirichlet(np.ones(40))
        expect.equal(draws(k, q, 0, 3, seed)[0], int(np.argmax(q)), "temperature 0 on a random distribution (the argmax)")
    zero = draws(k, np.array([0.5, 0.0, 0.5]), 0.8, 1000, seed=7)  # (log(p + 1e-12) is fine: 1e-12 ** 1.25 never comes up)
    expect.true(not np.any(zero == 1), "an index of probability 0 was drawn at temperature 0.8")
    sharp = draws(k, np.array([0.2, 0.3, 0.5]), 0.0005, 20, seed=9)  # p ** 2000 underflows to 0 / 0 outside log space
    expect.true(bool(np.all(sharp == 2)), f"temperature 0.0005: expected always the most likely index 2, got {np.unique(sharp).tolist()}")
    tiny = draws(k, np.array([0.0, 1e-200, 1.0]), 0.05, 20, seed=8)
    expect.true(bool(np.all(tiny == 2)), f"a tiny temperature with tiny probabilities: expected always 2, got {np.unique(tiny).tolist()}")


# --------------------------------------------------------------------------- generate_text

H_VOCAB = ["", "<eos>"] + list("abcdefgh")
H_INDEX = {c: i for i, c in enumerate(H_VOCAB) if i >= 2}

# Runs in the kernel: a two-layer GRU built here (never with the student's builder), holding the weights
# the check sends, compiled. The reference is built from the same weights here (RANDOM_GRU_SHAPES, in the
# order Keras lists them), never from a description the kernel gives.
RANDOM_GRU = (
    "import tensorflow as _tf\n"
    "keras.utils.set_random_seed(seed)\n"
    "_m = keras.Sequential([keras.Input((None,), dtype='int32'), keras.layers.Embedding(10, 4),\n"
    "    keras.layers.GRU(12, return_sequences=True), keras.layers.GRU(12, return_sequences=True),\n"
    "    keras.layers.Dense(10, activation='softmax')])\n"
    "_m.set_weights(weights)\n"
    "_fn = _tf.function(lambda x: _m(x, training=False), input_signature=[_tf.TensorSpec((None, None), _tf.int32)])\n"
    "_gen = np.random.default_rng(0)\n"
    "_out = generate_text(lambda x, training=False: _fn(_tf.convert_to_tensor(x, _tf.int32)), prompt, n_chars, 0, _gen,\n"
    "                     h_index, h_vocab)\n"
    "result = (_out, repr(_gen))\n"
)
RANDOM_GRU_SHAPES = [(10, 4), (4, 36), (12, 36), (2, 36), (12, 36), (12, 36), (2, 36), (12, 10), (10,)]


def random_gru(rng: np.random.Generator):
    """The weights RANDOM_GRU's model gets, and the torch CharRNN holding them."""
    weights = [rng.normal(0, 0.8, size=s).astype(np.float32) for s in RANDOM_GRU_SHAPES]
    gru = {"units": 12, "return_sequences": True, "activation": "tanh", "recurrent_activation": "sigmoid", "reset_after": True}
    layers = [{"class": "Embedding", "name": "embedding", "config": {}, "weights": weights[:1], "inbound": []},
              {"class": "GRU", "name": "gru", "config": dict(gru), "weights": weights[1:4], "inbound": []},
              {"class": "GRU", "name": "gru_1", "config": dict(gru), "weights": weights[4:7], "inbound": []},
              {"class": "Dense", "name": "dense", "config": {"activation": "softmax"}, "weights": weights[7:], "inbound": []}]
    reference, _ = charrnn_from_description(layers)
    return weights, reference


# Runs in the kernel: a model that always predicts `probs`. It runs here, in the grader (k.swap, Recording):
# the record of its inputs is kept where the student's code cannot rewrite it (the model object is handed
# to generate_text, and a record kept on it could be).
RECORDING = (
    "def _model(x, training=False):\n"
    "    return np.asarray(_seqgen_model(np.array(x, copy=True)), dtype='float32')\n"
    "_gen = np.random.default_rng(0)\n"
    "_out = generate_text(_model, prompt, n_chars, temperature, _gen, h_index, h_vocab, stop_at_eos=stop)\n"
    "result = (_out, repr(_gen))\n"
)


class Recording:
    """The fixed model, checker-side: records every input, answers `probs` at every position."""

    def __init__(self, probs):
        self.probs, self.calls = np.asarray(probs, dtype=np.float32), []

    def __call__(self, x):
        x = np.asarray(x)
        self.calls.append(x.copy())
        return np.broadcast_to(self.probs, (*x.shape, len(self.probs))).copy()


class Sampler:
    """The reference sampler standing in for the student's: records its arguments, draws from a script or its own rng."""

    def __init__(self, script=None, seed=0):
        self.calls, self.script, self.rng = [], list(script or []), np.random.default_rng(seed)

    def __call__(self, probs, temperature, rng):
        self.calls.append((np.array(probs, dtype=np.float64), temperature, rng))
        if self.script:
            return self.script.pop(0)
        p = np.clip(np.array(probs, dtype=np.float64), 0, None)
        return sample_or_greedy(p / p.sum(), temperature, self.rng)


def address(text: str) -> str:
    found = re.search(r"0x[0-9a-fA-F]+", str(text))
    return found.group(0).lower() if found else str(text)


def check_sampler_calls(sampler: Sampler, gen_repr: str, temperature, stop: bool, want_probs: np.ndarray, what: str) -> None:
    for i, (probs, t, rng) in enumerate(sampler.calls):
        step = f"{what}, step {i}"
        expect.true(isinstance(rng, Opaque) and address(rng.text) == address(gen_repr),
                    f"{step}: sample_with_temperature should get the rng given to generate_text, got {rng!r}")
        expect.true(t == temperature, f"{step}: sample_with_temperature should get temperature {temperature}, got {t!r}")
        expect.array(probs, f"{step}: the probabilities passed to the sampler", shape=want_probs.shape)
        # float32 model outputs renormalised: sums and values agree to ~1e-7.
        expect.close(probs, want_probs, f"{step}: the probabilities passed to the sampler (padding{'' if stop else ' and <eos>'} "
                     "zeroed, renormalised)", atol=1e-6, rtol=1e-5)


@checks.exercise("generate_text")
def _(k):
    """Contract: generate_text(model, prompt, n_chars, temperature, rng, char_to_id, vocab, stop_at_eos)
    -> prompt + generated characters, a str. Each step calls the model on the ids of the whole text so
    far, shape (1, T), takes the LAST position's distribution, zeroes id 0 and (unless stop_at_eos) id 1,
    renormalises, and calls sample_with_temperature(probs, temperature, rng) with the rng and temperature
    it was given; with stop_at_eos a drawn id 1 ends the text (not added). Graded with the reference
    sampler in place of the student's (a wrong sampler costs only its own exercise)."""
    common = dict(h_index=H_INDEX, h_vocab=H_VOCAB)
    for seed in range(3):
        prompt = "".join(k.rng(900 + seed).choice(list("abcdefgh"), size=4))
        sampler = Sampler()
        weights, reference = random_gru(k.rng(910 + seed))
        with k.swap("sample_with_temperature", sampler):
            got, gen = items(k.run(RANDOM_GRU, seed=seed, weights=weights, prompt=prompt, n_chars=15, **common), 2,
                             f"generate_text's result for prompt {prompt!r}")
        ids = [H_INDEX[c] for c in prompt]
        with torch.no_grad():
            for _ in range(15):
                logits, _ = reference(torch.tensor([ids]))
                logits[0, -1, :2] = -1e9
                ids.append(int(logits[0, -1].argmax()))
        want = prompt + "".join(H_VOCAB[i] for i in ids[len(prompt):])
        expect.type(got, str, f"generate_text's result for prompt {prompt!r}")
        expect.equal(got, want, f"greedy continuation of {prompt!r} by a random two-layer GRU")
        expect.true(len(sampler.calls) == 15, f"prompt {prompt!r}, 15 characters: expected 15 calls of sample_with_temperature, got {len(sampler.calls)}")
        expect.true(all(isinstance(rng, Opaque) and address(rng.text) == address(gen) for _, _, rng in sampler.calls),
                    "sample_with_temperature should get the rng given to generate_text")
    probs = np.array([0.1, 0.2, 0.0, 0.3, 0.4, 0, 0, 0, 0, 0])
    for stop, temperature, script in [(False, 0.7, [3, 4, 2, 3, 4]), (True, 1.5, [4, 3, 1, 2, 2])]:
        drawn = script[: script.index(1) + 1] if stop and 1 in script else script  # the draws made: up to <eos>
        want_text = "c" + "".join(H_VOCAB[i] for i in drawn if i != 1)
        sampler, model = Sampler(script), Recording(probs)
        with k.swap("sample_with_temperature", sampler), k.swap("_seqgen_model", model):
            got, gen = items(k.run(RECORDING, prompt="c", n_chars=5, temperature=temperature, stop=stop, **common), 2,
                             f"generate_text with a fixed model, stop_at_eos={stop}")
        calls = model.calls
        what = f"a fixed model, stop_at_eos={stop}"
        expect.equal(got, want_text, f"{what}: the text for sampled ids {drawn}")
        expect.true(len(calls) == len(sampler.calls) == len(drawn),
                    f"{what}: expected {len(drawn)} model calls and draws, got {len(calls)} and {len(sampler.calls)}")
        text_ids = [H_INDEX[c] for c in want_text]
        for i, x in enumerate(calls):
            expect.array(x, f"{what}: the model's input at step {i}", shape=(1, i + 1))
            expect.equal(np.asarray(x)[0].tolist(), text_ids[: i + 1], f"{what}: the model's input at step {i} (the whole text so far)")
        masked = probs.copy()
        masked[0] = 0.0
        if not stop:
            masked[1] = 0.0
        check_sampler_calls(sampler, gen, temperature, stop, masked / masked.sum(), what)
