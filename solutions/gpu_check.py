"""One prepared GPU run (``make gpu-check``): every model on the device, nanoGPT's preset to its bar, one timed
epoch of every other full preset, all written as result JSON. Sized for 10 minutes on one H100.

    python -m solutions.gpu_check --out results/gpu [--device cuda] [--budget 570] [--tiny]

1. ``models``: each reference model, built small with the same seed, runs forward and backward on the
   device in float32 and on the CPU in float64; outputs and every gradient must agree (TF32 off, so the
   device computes in full float32) -> ``OUT/models.json``.
2. nanoGPT's Shakespeare character preset (``gpt_shakespeare_char --preset full``), the whole run, into
   ``results/gpt_shakespeare_char/full/seed0/`` (its bar: validation loss at most 1.47 nats/char).
3. One epoch of every other full preset (``--epochs 1``) into ``OUT/epoch/<name>/``, and in ``OUT/epochs.json``
   its time with the projected time of the whole preset (the epoch's seconds times its epochs); a preset
   whose data is missing is listed with the file it needs.

Each step runs in its own process with what is left of ``--budget`` seconds; whatever finished is written.
``--tiny`` shrinks every run (a few steps on slices of the data) so the whole script runs on a CPU in a
minute: ``tests/solutions/test_gpu_check.py`` runs it so.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]

# The overrides that make each experiment's full preset a few seconds' work (for --tiny only).
TINY = {
    "gpt_shakespeare_char": ["--set", "n_chars=20000", "--set", "n_layer=1", "--set", "n_embd=32", "--set", "n_head=2",
                             "--set", "context=32", "--set", "batch_size=8", "--set", "iters=20", "--set", "eval_every=10",
                             "--set", "eval_batches=2", "--set", "warmup=2"],
    "charrnn": ["--set", "n_train=3000", "--set", "n_val=500", "--set", "hidden=16"],
    "stateful_charrnn": ["--set", "n_train=3000", "--set", "n_val=500", "--set", "hidden=16"],
    "seq2seq": ["--set", "data=generated", "--set", "n_train=256", "--set", "n_test=64", "--set", "hidden=16"],
    "attention_seq2seq": ["--set", "n_train=256", "--set", "n_test=64", "--set", "hidden=16"],
    "char_seq2seq": ["--set", "n_pairs=300", "--set", "latent_dim=16", "--set", "embed_dim=8"],
    "lstm_lm": ["--set", "corpus=ag_news", "--set", "vocab_size=500", "--set", "seq_len=20", "--set", "hidden=16"],
    "pixelcnn": ["--set", "source=digits", "--set", "filters=8", "--set", "n_blocks=1", "--set", "n_train=200"],
    "gpt_wine": ["--set", "limit=300", "--set", "vocab_size=300", "--set", "seq_len=16", "--set", "embed_dim=16",
                 "--set", "key_dim=8", "--set", "ff_dim=16"],
}


# Timed for one epoch after the nanoGPT run, the cheapest first (so a short budget still times most of them).
OTHERS = ["stateful_charrnn", "seq2seq", "char_seq2seq", "attention_seq2seq", "charrnn", "lstm_lm", "pixelcnn", "gpt_wine"]


def small_models() -> dict:
    """name -> (model, inputs, loss(model, inputs)): every reference model, small, with integer inputs."""
    from .attention import AdditiveAttentionSeq2seq, AttentionConfig, AttentionSeq2seq, BiAttentionSeq2seq
    from .char_seq2seq import CharGRUSeq2seq, CharSeq2seq, CharSeq2seqConfig
    from .charrnn import CharRNNConfig, build_charrnn
    from .gpt import GPT, GPTConfig
    from .lstm_lm import LSTMLanguageModel, LSTMLMConfig
    from .pixelcnn import PixelCNN, PixelCNNConfig
    from .seq2seq import PeekySeq2seq, Seq2seq, Seq2seqConfig

    g = torch.Generator().manual_seed(0)
    ids = lambda high, *shape: torch.randint(0, high, shape, generator=g)  # noqa: E731
    xent = lambda logits, y: torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))  # noqa: E731
    lm = lambda m, x: xent(m(x[:, :-1])[0], x[:, 1:])  # noqa: E731
    s2s = lambda m, x: xent(m(x[0], x[1][:, :-1]), x[1][:, 1:])  # noqa: E731
    out = {}
    for cell in ("gru", "lstm", "fused_gru"):
        out[f"charrnn_{cell}"] = (build_charrnn(CharRNNConfig(vocab_size=11, embed_dim=6, hidden=8, num_layers=2, cell=cell)),
                                  ids(11, 3, 9), lm)
    out["lstm_lm"] = (LSTMLanguageModel(LSTMLMConfig(vocab_size=13, embed_dim=6, hidden=8)), ids(13, 3, 9), lm)
    pair = (ids(12, 3, 7), ids(12, 3, 5))
    for cls in (Seq2seq, PeekySeq2seq):
        out[cls.__name__] = (cls(Seq2seqConfig(vocab_size=12, wordvec=6, hidden=8)), pair, s2s)
    for cls in (AttentionSeq2seq, AdditiveAttentionSeq2seq, BiAttentionSeq2seq):
        out[cls.__name__] = (cls(AttentionConfig(vocab_size=12, wordvec=6, hidden=8)), pair, s2s)
    for cls in (CharSeq2seq, CharGRUSeq2seq):
        out[cls.__name__] = (cls(CharSeq2seqConfig(12, 12, 6, 8)), pair, s2s)
    pixel = PixelCNN(PixelCNNConfig(levels=4, filters=8, n_blocks=1))
    as_params = lambda m, t: t.to(next(m.parameters()).dtype)  # noqa: E731  (inputs() gives float32)
    out["PixelCNN"] = (pixel, ids(4, 2, 8, 8), lambda m, x: xent(m(as_params(m, m.inputs(x))).movedim(1, -1), x))
    for post in (False, True):
        gpt = GPT(GPTConfig(vocab_size=10, block_size=8, n_layer=2, n_head=2, n_embd=8, post_norm=post, pad_id=0))
        out[f"GPT{'_post_norm' if post else ''}"] = (gpt, ids(10, 3, 9), lambda m, x: m(x[:, :-1], x[:, 1:])[1])
    return out


def agree(device: torch.device, rtol: float = 1e-3, atol: float = 1e-4) -> dict:
    """Each model's loss, outputs' gradient flow and every parameter gradient on ``device`` (float32) against
    the CPU in float64: {name: {"ok", "loss", "max_rel_error"}}."""
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    report = {}
    for name, (model, inputs, loss_fn) in small_models().items():
        model.eval()  # dropout off: both runs see the same function
        runs = []
        for dev, dtype in ((torch.device("cpu"), torch.float64), (device, torch.float32)):
            m = model.to(dev, dtype)
            x = tuple(t.to(dev) for t in inputs) if isinstance(inputs, tuple) else inputs.to(dev)
            for p in m.parameters():
                p.grad = None
            loss = loss_fn(m, x)
            loss.backward()
            runs.append([loss.detach().double().cpu()] + [p.grad.double().cpu() for p in m.parameters() if p.grad is not None])
        errors = [float(((b - a).abs() / (a.abs() + atol / rtol)).max()) for a, b in zip(*runs, strict=True)]
        report[name] = {"ok": max(errors) <= rtol, "loss": float(runs[0][0]), "max_rel_error": max(errors),
                        "tensors": len(errors)}
        print(f"{name:<24} {'ok' if report[name]['ok'] else 'DIFFERS'}  max relative error {max(errors):.2e} "
              f"over the loss and {len(errors) - 1} gradients", flush=True)
    return report


def train(name: str, args: list[str], save: Path, device: str, timeout: float) -> dict:
    """``python -m solutions.train NAME --preset full ...`` in its own process; what it took and how it ended."""
    command = [sys.executable, "-m", "solutions.train", name, "--preset", "full", "--device", device, "--save", str(save), *args]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=max(timeout, 1))
        status, tail = ("ok" if done.returncode == 0 else f"failed ({done.returncode})"), (done.stdout + done.stderr)[-2000:]
    except subprocess.TimeoutExpired as error:
        status, tail = "out of time", str(error.stdout or "")[-2000:]
    seconds = time.perf_counter() - start
    print(f"== {name} {' '.join(args)}: {status} in {seconds:.0f} s", flush=True)
    return {"command": command[1:], "status": status, "seconds": seconds, "log_tail": tail}


def missing_data(name: str) -> list[str]:
    """The dataset files the experiment's full preset reads that are nowhere here (cache or mirror)."""
    from seqgen import data

    module = importlib.import_module(f"solutions.experiments.{name}")
    return [d for d in getattr(module, "DATA", {}).get("full", ()) if not data.available(d)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "gpu")
    parser.add_argument("--results", type=Path, default=ROOT / "results", help="where the nanoGPT run's record goes")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--budget", type=float, default=570.0, help="seconds for the whole script")
    parser.add_argument("--tiny", action="store_true", help="a few steps of everything (a CPU test of the script)")
    parser.add_argument("--only", nargs="*", default=None, help="time an epoch of these presets only (default: all)")
    args = parser.parse_args(argv)
    start, device = time.perf_counter(), torch.device(args.device)
    left = lambda: args.budget - (time.perf_counter() - start)  # noqa: E731
    args.out.mkdir(parents=True, exist_ok=True)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"gpu-check on {name}, budget {args.budget:.0f} s", flush=True)
    models = agree(device)
    (args.out / "models.json").write_text(json.dumps({"device": name, "models": models}, indent=1))
    tiny = lambda n: TINY[n] if args.tiny else []  # noqa: E731
    gpt = train("gpt_shakespeare_char", tiny("gpt_shakespeare_char"),
                args.results / "gpt_shakespeare_char" / "full" / "seed0", args.device, min(left() - 60, 420))
    if gpt["status"] == "ok":
        record = json.loads((args.results / "gpt_shakespeare_char" / "full" / "seed0" / "result.json").read_text())
        gpt["best_val_loss"] = record["result"]["best_val_loss"]
        gpt["bar_met"] = gpt["best_val_loss"] <= 1.47  # nanoGPT's best validation loss, 1.4697 nats/char
        print(f"nanoGPT's preset: best validation loss {gpt['best_val_loss']:.4f} nats/char "
              f"({'meets' if gpt['bar_met'] else 'misses'} the bar of 1.47)", flush=True)
    epochs = {"device": name, "gpt_shakespeare_char": gpt, "presets": {}}
    for other in OTHERS if args.only is None else [n for n in OTHERS if n in args.only]:
        needs = missing_data(other)
        if needs and not args.tiny:
            epochs["presets"][other] = {"status": "data missing", "needs": needs}
            continue
        full = importlib.import_module(f"solutions.experiments.{other}").PRESETS["full"]
        run = train(other, ["--epochs", "1", *tiny(other)], args.out / "epoch" / other, args.device, left() - 5)
        if run["status"] == "ok":
            record = json.loads((args.out / "epoch" / other / "result.json").read_text())
            run["seconds_per_epoch"] = record["seconds"]
            run["projected_seconds"] = record["seconds"] * full.epochs
        epochs["presets"][other] = run
        (args.out / "epochs.json").write_text(json.dumps(epochs, indent=1))
    (args.out / "epochs.json").write_text(json.dumps(epochs, indent=1))
    ok = all(m["ok"] for m in models.values()) and gpt["status"] == "ok"
    print(f"gpu-check {'passed' if ok else 'FAILED'} in {time.perf_counter() - start:.0f} s; JSON in {args.out}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
