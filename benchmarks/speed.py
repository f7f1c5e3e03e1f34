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


def machine_line() -> str:
    """CPU model, cores, torch threads and the load average (timings under load are upper bounds)."""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = "?"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    policy = os.environ.get("OMP_WAIT_POLICY", "default")
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


def keras_seconds(model, x: np.ndarray, y: np.ndarray, steps: int, sample_weight=None) -> float:
    """Seconds per ``train_on_batch`` of a compiled Keras model (its whole step runs as one graph)."""
    return time_steps(lambda: model.train_on_batch(x, y, sample_weight=sample_weight), steps)


@contextlib.contextmanager
def lever_context(levers: set[str]):
    """Process-wide settings some levers change, restored afterwards."""
    threads, denormal = torch.get_num_threads(), torch.set_flush_denormal(False)
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
    - ``bf16``: bfloat16 autocast on the CPU (changes the numerics: measured, not adopted).
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


def print_keras(tokens: int, keras_s: float) -> None:
    print(f"  {'Keras (TF, compiled train step)':<44} {tokens / keras_s:>9,.0f} tok/s", flush=True)


def run_levers(make_model: Callable[[], torch.nn.Module], loss_fn, batch: tuple, variants: dict[str, set[str]],
               steps: int, tokens: int, keras_s: float) -> dict[str, float]:
    """Time each variant (a fresh model with the same seed each time) and print its tokens/s and ratio."""
    out = {}
    for name, levers in variants.items():
        torch.manual_seed(0)
        model = make_model()
        with lever_context(levers):
            start = time.perf_counter()
            step = torch_step(model, loss_fn, batch, levers)
            seconds = time_steps(step, steps)
            setup = time.perf_counter() - start - seconds * steps
        out[name] = tokens / seconds
        extra = f"  (first steps and compilation {setup:.1f} s)" if setup > 2 else ""
        print(f"  torch {name:<38} {tokens / seconds:>9,.0f} tok/s   torch/Keras {keras_s / seconds:5.2f}x{extra}",
              flush=True)
    return out


def profile_ops(step: Callable[[], object], top: int = 12) -> str:
    """The ops of one step by self CPU time (shows whether the oneDNN RNN kernels are taken)."""
    from torch.profiler import ProfilerActivity, profile

    step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        step()
    return prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=top)
