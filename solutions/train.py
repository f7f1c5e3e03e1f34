"""One small trainer for every reference model.

    python -m solutions.train lstm_lm --preset cpu --device auto [--save runs/lstm_lm]

Each experiment lives in ``solutions/experiments/<name>.py`` and exposes
``PRESETS`` (name -> dataclass) and ``run(preset, device) -> dict``; it may also
define ``curves(result)`` to choose the panels ``--save`` plots (by default, each
metric of ``result["history"]`` with its ``val_`` twin). This file holds the loop
they share (:func:`fit`): an optimiser (Adam unless the experiment gives another), an optional
learning-rate schedule and gradient clipping, a progress bar with throughput, per-epoch evaluation
and a stop hook (:class:`EarlyStopping`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import pkgutil
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Callable, Iterable

import torch
from tqdm import tqdm

from seqgen.device import resolve_device

# The speed levers of benchmarks/speed.py that ``fit`` uses (benchmarks/lstm_lm.py and char_gru.py time them):
# the running loss summed on the device (no ``.item()`` per step, which waits for a GPU).
FIT_LEVERS: frozenset[str] = frozenset({"no_item"})

# Called by fit after every epoch with (desc, epoch, history so far); main sets it to write DIR/progress.json with --save.
progress: Callable[[str, int, dict], None] | None = None


def experiments() -> list[str]:
    """Every module in ``solutions/experiments`` is an experiment."""
    from . import experiments as package

    return sorted(m.name for m in pkgutil.iter_modules(package.__path__))


def sequence_cross_entropy(logits: torch.Tensor, targets: torch.Tensor, **kwargs) -> torch.Tensor:
    """``F.cross_entropy`` of logits (B, T, V) against targets (B, T), computed on the (B * T, V) rows.

    The same values as ``F.cross_entropy(logits.transpose(1, 2), targets)``, without the
    strided (B, V, T) layout that makes the log-softmax and its gradient copy and crawl
    (benchmarks/lstm_lm.py: about 1.6 times the training speed of chapter 1's model on a CPU).
    With ``reduction="none"`` the result has the targets' shape (B, T).
    """
    flat = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), **kwargs)
    return flat.view(targets.shape) if kwargs.get("reduction") == "none" else flat


def batches(*tensors: torch.Tensor, batch_size: int, shuffle: bool, generator: torch.Generator | None = None):
    """Yield aligned mini-batches of the given tensors (first axis)."""
    n = tensors[0].shape[0]
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        yield tuple(t[idx] for t in tensors)


def fit(
    model: torch.nn.Module,
    train_batches: Callable[[int], Iterable[tuple]],
    loss_fn: Callable[[torch.nn.Module, tuple], tuple[torch.Tensor, int]],
    *,
    epochs: int,
    lr: float = 1e-3,
    device: torch.device,
    clip: float | None = None,
    evaluate: Callable[[torch.nn.Module], dict] | None = None,
    optimizer: Callable[[list], torch.optim.Optimizer] | None = None,
    schedule: Callable[[int], float] | None = None,
    stop: Callable[[torch.nn.Module, dict], bool] | None = None,
    unit: str = "tok",
    desc: str = "train",
) -> dict[str, list[float]]:
    """Train ``model`` in place and return its history (per-epoch lists): the one loop of every experiment.

    ``train_batches(epoch)`` yields tuples of CPU tensors (an "epoch" is whatever one call yields: a pass
    over the data, or the iterations between two evaluations); ``loss_fn(model, batch)`` returns the mean
    loss and the number of units (tokens, pixels) it covers, which the progress bar turns into throughput.
    ``optimizer(params)`` builds the optimiser (default: Adam at ``lr``); ``schedule(step)`` gives the
    learning rate of each step (counted from 0 over the whole run); ``evaluate(model)`` runs after each
    epoch (in eval mode, without gradients); ``stop(model, history)`` after it, and ends training when true
    (early stopping: the hook may keep the best weights itself).
    """
    model.to(device)
    opt = optimizer(model.parameters()) if optimizer is not None else torch.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"loss": [], f"{unit}_per_s": []}
    step_count = 0
    for epoch in range(1, epochs + 1):
        model.train()
        total, units, start = torch.zeros((), device=device), 0, time.perf_counter()
        bar = tqdm(list(train_batches(epoch)), desc=f"{desc} {epoch}/{epochs}", leave=False, mininterval=2.0)
        for step, batch in enumerate(bar):
            batch = tuple(t.to(device, non_blocking=True) for t in batch)
            if schedule is not None:
                for group in opt.param_groups:
                    group["lr"] = schedule(step_count)
            loss, n = loss_fn(model, batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            step_count += 1
            total += loss.detach() * n  # summed on the device: reading it every step would wait for a GPU
            units += n
            if step % 50 == 0:
                bar.set_postfix(loss=f"{float(total) / max(units, 1):.3f}", refresh=False)
        if device.type == "cuda":
            torch.cuda.synchronize()
        elapsed = time.perf_counter() - start
        history["loss"].append(float(total) / max(units, 1))
        history[f"{unit}_per_s"].append(units / elapsed)
        line = f"epoch {epoch}/{epochs}  loss {history['loss'][-1]:.4f}  {units / elapsed:,.0f} {unit}/s"
        if evaluate is not None:
            model.eval()
            with torch.no_grad():
                for key, value in evaluate(model).items():
                    history.setdefault(key, []).append(float(value))
                    line += f"  {key} {value:.4f}"
        print(line, flush=True)
        if progress is not None:
            progress(desc, epoch, history)
        if stop is not None and stop(model, history):
            print(f"stopped after epoch {epoch}", flush=True)
            break
    return history


class EarlyStopping:
    """A ``stop`` hook for :func:`fit`: stop once ``monitor`` has not improved for ``patience`` epochs,
    keeping a copy of the best weights (``restore(model)`` puts them back), as Keras's
    ``EarlyStopping(restore_best_weights=True)``."""

    def __init__(self, monitor: str = "val_loss", patience: int = 5, lower_is_better: bool = True):
        self.monitor, self.patience, self.sign = monitor, patience, 1.0 if lower_is_better else -1.0
        self.best, self.best_state, self.waited = float("inf"), None, 0

    def __call__(self, model: torch.nn.Module, history: dict) -> bool:
        value = self.sign * history[self.monitor][-1]
        if value < self.best:
            self.best, self.waited = value, 0
            self.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            return False
        self.waited += 1
        return self.waited >= self.patience

    def restore(self, model: torch.nn.Module) -> torch.nn.Module:
        if self.best_state is not None:
            model.load_state_dict(self.best_state)
        return model


def perplexity(nll_sum: float, count: int) -> float:
    return math.exp(nll_sum / max(count, 1))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("experiment", choices=experiments())
    parser.add_argument("--preset", default="cpu", help="cpu (seconds to minutes on a laptop) or full (the source's settings, for a GPU)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, ...")
    parser.add_argument("--epochs", type=int, default=None, help="override the preset's epoch count")
    parser.add_argument("--seed", type=int, default=None, help="override the preset's seed (to see run-to-run spread)")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override any other preset field, e.g. --set data=book (repeatable)")
    parser.add_argument("--save", type=Path, default=None, metavar="DIR",
                        help="write DIR/result.json (preset, metrics, per-epoch history) and DIR/curves.png")
    args = parser.parse_args(argv)
    module = importlib.import_module(f"solutions.experiments.{args.experiment}")
    if args.preset not in module.PRESETS:
        parser.error(f"unknown preset {args.preset!r}; choose from {sorted(module.PRESETS)}")
    preset = module.PRESETS[args.preset]
    if args.epochs is not None:
        preset = replace(preset, epochs=args.epochs)
    if args.seed is not None:
        preset = replace(preset, seed=args.seed)
    try:
        preset = override(preset, args.set)
    except ValueError as error:
        parser.error(str(error))
    device = resolve_device(args.device)
    threads = getattr(module, "CPU_THREADS", None)
    if device.type == "cpu" and threads and "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(threads)  # the experiment's own thread count (its model runs faster so on a CPU)
    print(f"{args.experiment} preset={args.preset} device={device} {asdict(preset)}", flush=True)
    if args.save is not None:  # on the imported module: under `python -m`, this one is __main__
        importlib.import_module("solutions.train").progress = (
            lambda desc, epoch, history: write_progress(args.save, args, preset, desc, epoch, history))
    start = time.perf_counter()
    try:
        result = module.run(preset, device)
    finally:
        importlib.import_module("solutions.train").progress = None
    seconds = time.perf_counter() - start
    print(f"done in {seconds:.1f} s: " + ", ".join(f"{k}={v:.4g}" for k, v in result.items() if isinstance(v, float)))
    if args.save is not None:
        record = {"experiment": args.experiment, "preset_name": args.preset, "preset": asdict(preset),
                  "seed": getattr(preset, "seed", None), "device": str(device), "seconds": seconds,
                  "argv": list(argv) if argv is not None else sys.argv[1:], **run_environment(device),
                  "result": result}
        save_run(args.save, record, getattr(module, "curves", None))
    return result


def write_progress(folder: Path, args, preset, desc: str, epoch: int, history: dict) -> None:
    """``folder/progress.json``: how far a run has got (its history so far), so that a run cut short still tells."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {"experiment": args.experiment, "preset_name": args.preset, "preset": asdict(preset), "part": desc,
              "epochs_done": epoch, "history": history}
    (folder / "progress.json").write_text(json.dumps(record, indent=1, default=float))


def override(preset, assignments: list[str]):
    """A copy of ``preset`` with ``FIELD=VALUE`` assignments applied, each VALUE read as the field's current type."""
    changes = {}
    for assignment in assignments:
        name, sep, raw = assignment.partition("=")
        if not sep or not hasattr(preset, name):
            raise ValueError(f"--set wants FIELD=VALUE with a field of the preset, got {assignment!r}")
        current = getattr(preset, name)
        if isinstance(current, bool):
            if raw.lower() not in ("true", "false", "1", "0"):
                raise ValueError(f"--set {name} wants true or false, got {raw!r}")
            changes[name] = raw.lower() in ("true", "1")
        elif isinstance(current, tuple):
            changes[name] = tuple(v for v in raw.split(",") if v)
        elif current is None:  # a field whose default is None: a number, none, or the text as given
            changes[name] = parse_plain(raw)
        else:
            changes[name] = type(current)(raw)
    return replace(preset, **changes)


def parse_plain(raw: str):
    """``"12"`` -> 12, ``"0.5"`` -> 0.5, ``"none"`` -> None, anything else stays text."""
    if raw.lower() == "none":
        return None
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def run_environment(device: torch.device) -> dict:
    """When and on what a run happened: UTC date, device name, CPU, threads and package versions."""
    import datetime
    import os
    import platform

    import numpy

    name = torch.cuda.get_device_name(device) if device.type == "cuda" else (platform.processor() or platform.machine())
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.machine()
    return {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "device_name": name, "cpu": cpu, "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "versions": {"python": platform.python_version(), "torch": torch.__version__, "numpy": numpy.__version__,
                         "cuda": torch.version.cuda if torch.cuda.is_available() else None}}


def save_run(folder: Path, record: dict, curves: Callable[[dict], dict] | None = None) -> None:
    """``result.json`` with everything ``record`` holds, and ``curves.png`` with one axis per panel:
    the experiment's ``curves(result)``, or by default each metric of ``result["history"]``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from seqgen.plot import history_panels, plot_panels

    result = record["result"]
    panels = curves(result) if curves is not None else history_panels(result.get("history", {}))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "result.json").write_text(json.dumps(record, indent=1, default=float))
    if panels:
        fig = plot_panels(panels, title=f"{record['experiment']} ({record['preset_name']})")
        fig.savefig(folder / "curves.png", dpi=100)
        plt.close(fig)
    print(f"saved {folder / 'result.json'}" + (f" and {folder / 'curves.png'}" if panels else ""), flush=True)


if __name__ == "__main__":
    main()
