"""The two large products of the image-size workload, in numpy's layouts and PyTorch's: ``python -m dl_bench.products``.

With 12288 inputs, 209 examples and 20 units in the first layer, an iteration's time is mostly
``Z1 = W1 X`` (forward) and ``dW1 = dZ1 X^T`` (backward), each ``2 * 20 * 12288 * 209`` FLOP
over the 20.5 MB (float64) of ``X``. This script times each of them, the implementations taking
turns in every round:

- ``numpy W1 @ X``, ``numpy dZ1 @ X.T`` with ``X`` column-major (examples contiguous: what the fast
  step uses) and row-major;
- ``numpy X^T @ W1^T`` (the transposed product, written into ``Z1^T``);
- ``torch X W1^T`` and ``torch dZ1 X``, PyTorch's own layout (what ``nn.Linear`` and autograd run),
  if PyTorch is installed.

``--threads`` and ``--clock`` as in ``python -m dl_bench`` (``--threads 1 --clock cpu`` on a busy
machine). The table gives the median and the best of the rounds, in ms; the machine and the load
average are printed before and after.
"""

import argparse
import statistics
import time

import numpy as np

from .bench import _blas_name, _cpu_name, _load_average
from .step import available_cores

N_X, M, N_1 = 12288, 209, 20


def cases(dtype, use_torch):
    """``{name: function}``: each computes one of the two products into preallocated memory."""
    rng = np.random.default_rng(0)
    XT = rng.standard_normal((M, N_X)).astype(dtype)
    X_f, X_c = XT.T, np.ascontiguousarray(XT.T)
    W = (0.01 * rng.standard_normal((N_1, N_X))).astype(dtype)
    dZ = rng.standard_normal((N_1, M)).astype(dtype)
    Z, dW = np.empty((N_1, M), dtype), np.empty_like(W)
    out = {
        "numpy W1 @ X, X column-major": lambda: np.matmul(W, X_f, out=Z),
        "numpy W1 @ X, X row-major": lambda: np.matmul(W, X_c, out=Z),
        "numpy X^T @ W1^T into Z1^T": lambda: np.matmul(XT, W.T, out=Z.T),
        "numpy dZ1 @ X.T, X column-major": lambda: np.matmul(dZ, X_f.T, out=dW),
        "numpy dZ1 @ X.T, X row-major": lambda: np.matmul(dZ, X_c.T, out=dW),
    }
    if use_torch:
        import torch

        tX, tW, tdZT = torch.from_numpy(XT), torch.from_numpy(W), torch.from_numpy(np.ascontiguousarray(dZ.T))
        tZ, tdW = torch.empty((M, N_1), dtype=tX.dtype), torch.empty((N_1, N_X), dtype=tX.dtype)
        out["torch X W1^T (nn.Linear forward)"] = lambda: torch.matmul(tX, tW.T, out=tZ)
        out["torch dZ1^T^T X (nn.Linear weight gradient)"] = lambda: torch.matmul(tdZT.T, tX, out=tdW)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dl_bench.products", description=__doc__.split("\n")[0])
    parser.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="cpu")
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args(argv)
    if args.clock == "cpu" and args.threads != 1:
        parser.error("--clock cpu counts the CPU time of every thread, spinning included: give --threads 1 with it")
    from threadpoolctl import threadpool_limits

    use_torch = not args.no_torch
    if use_torch:
        try:
            import torch
        except ImportError:
            use_torch = False
        else:
            torch.set_num_threads(args.threads)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    with threadpool_limits(args.threads, user_api="blas"):
        print(f"machine: {_cpu_name()}, {available_cores()} cores, {_blas_name()}, numpy {np.__version__}"
              + (f", torch {torch.__version__}" if use_torch else ""))
        print(f"load average at start: {_load_average()}; {args.threads} threads, "
              f"{'CPU time of the process' if args.clock == 'cpu' else 'wall time'}, {args.dtype}")
        fns = cases(np.dtype(args.dtype), use_torch)
        times = {name: [] for name in fns}
        for fn in fns.values():
            fn()
        for _ in range(args.repeats):
            for name, fn in fns.items():
                start = clock()
                fn()
                times[name].append(clock() - start)
        print(f"load average at end: {_load_average()}")
    gflop = 2 * N_1 * N_X * M / 1e9
    print("\n| product | median ms | best ms | GFLOP/s (median) |\n| --- | --- | --- | --- |")
    for name, ts in times.items():
        median = statistics.median(ts)
        print(f"| {name} | {median * 1e3:.2f} | {min(ts) * 1e3:.2f} | {gflop / median:.1f} |")
    return times


if __name__ == "__main__":
    main()
