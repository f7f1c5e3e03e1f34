"""Shared pieces of the side-by-side training benchmarks (``lstm_lm.py``, ``char_gru.py``).

Each benchmark trains the same model for the same steps in Keras (TensorFlow
backend, compiled by ``model.compile`` as the chapters do) and in the PyTorch
reference, with one speed lever switched on at a time, then with the levers the
reference uses, and prints tokens/s and the torch/Keras ratio. Never a test:
the numbers depend on the machine and its load; compare ratios measured in one run.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Callable

import numpy as np
import torch

# As torch's OpenMP runtime read it (``solutions`` sets a default when imported, after torch has loaded).
OMP_WAIT_POLICY = os.environ.get("OMP_WAIT_POLICY", "default (spin, then sleep)")


def bench_parser(doc: str, steps: int, seq: int, vocab: int, vocab_help: str, embed: int, hidden: int = 128):
    """The benchmarks' shared command line: the model's sizes, rounds and steps, levers, profile, OpenMP policy."""
    import argparse

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=steps, help="steps of each variant per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seq", type=int, default=seq)
    parser.add_argument("--vocab", type=int, default=vocab, help=vocab_help)
    parser.add_argument("--embed", type=int, default=embed)
    parser.add_argument("--hidden", type=int, default=hidden)
    parser.add_argument("--levers", action="store_true", help="also time each speed lever on its own")
    parser.add_argument("--only", nargs="*", default=None, help="levers to time, each alone or joined by + (default: each alone)")
    parser.add_argument("--profile", action="store_true", help="list the ops of one torch step")
    parser.add_argument("--omp-default", action="store_true", help="OpenMP's default waiting (spin) instead of passive")
    return parser


def machine_line() -> str:
    """CPU model, cores, torch threads and the load average (timings under load are upper bounds)."""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = "?"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    policy = OMP_WAIT_POLICY
    return (f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__} threads {torch.get_num_threads()}, "
            f"OMP_WAIT_POLICY {policy}, load average {load}")


def time_steps(step: Callable[[], object], steps: int, warmup: int = 3) -> float:
    """Seconds per call of ``step`` after ``warmup`` calls (tracing, compilation, allocator)."""
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def keras_step(model, x: np.ndarray, y: np.ndarray, sample_weight=None) -> Callable[[], object]:
    """One ``train_on_batch`` of a compiled Keras model (its whole step runs as one graph)."""
    return lambda: model.train_on_batch(x, y, sample_weight=sample_weight)


@contextlib.contextmanager
def lever_context(levers: set[str]):
    """Process-wide settings some levers change, restored afterwards."""
    threads = torch.get_num_threads()
    mkldnn = torch.backends.mkldnn.enabled
    try:
        if "flush_denormal" in levers:
            torch.set_flush_denormal(True)
        if "1_thread" in levers:
            torch.set_num_threads(1)
        if "no_mkldnn" in levers:
            torch.backends.mkldnn.enabled = False
        yield
    finally:
        torch.set_num_threads(threads)
        torch.set_flush_denormal(False)
        torch.backends.mkldnn.enabled = mkldnn


def torch_step(model: torch.nn.Module, loss_fn, batch: tuple, levers: set[str], lr: float = 1e-3):
    """One training step of ``model`` as ``solutions.train.fit`` runs it, changed by ``levers``:

    - ``fused`` / ``foreach``: Adam's fused or multi-tensor implementation (default: the for-loop one);
    - ``no_item``: the running loss summed on the device, not read with ``.item()`` every step;
    - ``compile_loss``: ``torch.compile`` of the loss function (head, cross-entropy, masking);
    - ``compile_opt``: ``torch.compile`` of the optimiser step;
    - ``bf16``: bfloat16 autocast on the CPU (changes the numerics: measured, not adopted);
    - ``fused_gru`` (the model, built by the benchmark): the GRU's time loop scripted (``solutions.fused_gru``).
    """
    kind = {"fused": {"fused": True}, "foreach": {"foreach": True}}
    options = next((kind[k] for k in kind if k in levers), {"foreach": False})
    opt = torch.optim.Adam(model.parameters(), lr=lr, **options)
    loss_of = torch.compile(loss_fn, dynamic=False) if "compile_loss" in levers else loss_fn
    opt_step = torch.compile(opt.step) if "compile_opt" in levers else opt.step
    total = torch.zeros(())
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if "bf16" in levers else contextlib.nullcontext

    def step():
        nonlocal total
        with autocast():
            loss, n = loss_of(model, batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt_step()
        if "no_item" in levers:
            total = total + loss.detach() * n
        else:
            total = total + loss.item() * n

    return step


def interleaved(steps: dict[str, Callable[[], object]], contexts: dict[str, Callable], rounds: int,
                per_round: int) -> dict[str, list[float]]:
    """Seconds per step of each named step function, measured in ``rounds`` alternating blocks.

    Every block runs each function ``per_round`` times in turn, so all of them see the same
    load; the ratios of one round are side by side even when the machine's load drifts.
    """
    out: dict[str, list[float]] = {name: [] for name in steps}
    for name, step in steps.items():  # warm-up: tracing, compilation, allocator
        with contexts[name]():
            for _ in range(2):
                step()
    for _ in range(rounds):
        for name, step in steps.items():
            with contexts[name]():
                start = time.perf_counter()
                for _ in range(per_round):
                    step()
                out[name].append((time.perf_counter() - start) / per_round)
    return out


def report(seconds: dict[str, list[float]], tokens: int, flops_per_token: float, reference: str) -> None:
    """Median tokens/s of each variant and its median per-round ratio to Keras (with the rounds' range)."""
    keras = np.array(seconds["Keras"])
    for name, values in seconds.items():
        values = np.array(values)
        rate = tokens / np.median(values)
        line = f"  {name:<46} {rate:>9,.0f} tok/s  {rate * flops_per_token / 1e9:5.0f} GFLOP/s"
        if name != "Keras":
            ratios = keras / values
            line += f"   torch/Keras {np.median(ratios):5.2f}x (rounds {ratios.min():.2f}-{ratios.max():.2f})"
        if name == reference:
            line += "   <- the reference"
        print(line, flush=True)


def run_variants(keras_step: Callable[[], object], make_model: Callable[[], torch.nn.Module],
                 loss_for: Callable[[set[str]], Callable], batch: tuple, variants: dict[str, set[str]],
                 rounds: int, per_round: int, tokens: int, flops_per_token: float, reference: str) -> None:
    """Keras and every torch variant (a fresh model with the same seed each) timed in alternating rounds."""
    steps, contexts = {"Keras": keras_step}, {"Keras": contextlib.nullcontext}
    for name, levers in variants.items():
        torch.manual_seed(0)
        with lever_context(levers):
            steps[name] = torch_step(make_model(levers), loss_for(levers), batch, levers)
        contexts[name] = lambda levers=levers: lever_context(levers)
    report(interleaved(steps, contexts, rounds, per_round), tokens, flops_per_token, reference)


def profile_ops(step: Callable[[], object], top: int = 12) -> str:
    """The ops of one step by self CPU time (shows whether the oneDNN RNN kernels are taken)."""
    from torch.profiler import ProfilerActivity, profile

    step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        step()
    return prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=top)


def compare(args, all_levers: list[str], keras_train: Callable[[], object], make: Callable[[set[str]], torch.nn.Module],
            loss_for: Callable[[set[str]], Callable], batch: tuple, tokens: int, flops: float, threads: int | None = None) -> None:
    """The benchmarks' common main: the reference as ``fit`` runs it, a plain torch loop, each lever
    (``--levers``, or those of ``--only``) against Keras in alternating rounds; ``--profile`` lists one step's ops."""
    from solutions.train import FIT_LEVERS

    ours = set(FIT_LEVERS) | ({"1_thread"} if threads == 1 else set())  # the experiment's CPU_THREADS, as the trainer sets it
    reference = f"torch as fit runs it {sorted(ours)}"
    variants = {reference: ours, "torch for-loop Adam, .item() per step": set()}
    if args.levers:
        for lever in args.only or all_levers:
            variants["torch + " + lever] = set(lever.split("+"))
    print(f"{args.rounds} rounds of {args.steps} steps of each, in turn:")
    run_variants(keras_train, make, loss_for, batch, variants, args.rounds, args.steps, tokens, flops, reference)
    if args.profile:
        torch.manual_seed(0)
        levers = set(args.only[-1].split("+")) if args.only else set(FIT_LEVERS)
        print(f"profile of one step with {sorted(levers)}:")
        with lever_context(levers):
            print(profile_ops(torch_step(make(levers), loss_for(levers), batch, levers)))
