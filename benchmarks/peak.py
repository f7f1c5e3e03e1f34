"""The machine's float32 matmul peak, with 1 and 2 threads (the ceiling for the speed benchmarks).

    python benchmarks/peak.py [--n 2048] [--repeats 10]

Prints GFLOP/s of an (n, n) @ (n, n) float32 matmul in torch (oneDNN/MKL) and
NumPy (OpenBLAS), and of the matmul shapes the chapter 1 and 3 models run
per time step, which are far from peak. Never a test.
"""

from __future__ import annotations

import argparse
import os
import sys

# libgomp reads this when torch loads; --omp-default measures its default (spin, then sleep).
if "--omp-default" in sys.argv:
    os.environ.pop("OMP_WAIT_POLICY", None)
else:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import time

import torch


def gflops(fn, flops: float, repeats: int) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return flops * repeats / (time.perf_counter() - start) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--omp-default", action="store_true", help="OpenMP's default waiting (spin) instead of passive")
    args = parser.parse_args()
    n = args.n
    a, b = torch.randn(n, n), torch.randn(n, n)
    an, bn = a.numpy(), b.numpy()
    # (M, K) @ (K, N) shapes of the models: LSTM recurrent step, LM head, GRU recurrent step.
    shapes = {"LSTM step (64,128)@(128,512)": (64, 128, 512), "LM head (2560,128)@(128,3000)": (2560, 128, 3000),
              "GRU step (64,128)@(128,384)": (64, 128, 384)}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        line = f"{threads} thread(s): torch {n}x{n} {gflops(lambda: a @ b, 2 * n**3, args.repeats):7.1f} GFLOP/s"
        line += f"   numpy {gflops(lambda: an @ bn, 2 * n**3, args.repeats):7.1f}"
        for name, (m, k, nn_) in shapes.items():
            x, w = torch.randn(m, k), torch.randn(k, nn_)
            line += f"   {name} {gflops(lambda: x @ w, 2 * m * k * nn_, 50 * args.repeats):6.1f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
