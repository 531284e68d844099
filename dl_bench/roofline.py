"""The roofline of a training iteration: the least it must move and compute, and the machine's limits.

An iteration of full-batch gradient descent on ``layers_dims`` with ``m`` examples must do
:func:`dl_bench.bench.flops_per_iteration` FLOP and move at least :func:`bytes_per_iteration`
bytes between memory and the cores. The machine does at most ``peak`` FLOP/s (numpy's own
square matmul, timed in the same run) and moves at most ``bandwidth`` bytes/s (a STREAM-like copy
and add in numpy on all cores, timed in the same run), so no implementation can take less than

    bound = max(flop / peak, bytes / bandwidth)

seconds an iteration: the larger term names the limit (``compute`` or ``memory``). An
implementation's share of the bound is ``bound / its seconds per iteration``: 100% is the machine's
limit.

Least bytes (a model, counted in numbers of the dtype, times its itemsize): ``X`` read once (the
products ``W1 X`` and ``dZ1 X^T`` can share one pass over ``X``, a block of its features at a
time, because ``dW1`` of an iteration and ``W1 X`` of the next need the same block), ``Y`` read
once, every parameter read once and written once, and every hidden activation ``A_l`` (``n_l x
m``, ``1 <= l < L``) written once by the forward pass and read once by the backward pass. The
output row and the gradients are not counted (they can stay in cache), and neither is whatever an
implementation reads twice: a lower bound, whichever the cache.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def parameter_count(layers_dims):
    """Numbers of ``W1, b1, ..., WL, bL``: ``sum_l (n_l n_{l-1} + n_l)``."""
    return sum(n * n_prev + n for n, n_prev in zip(layers_dims[1:], layers_dims[:-1], strict=True))


def bytes_per_iteration(layers_dims, m, itemsize):
    """Least bytes one iteration moves under the model of the module docstring.

    Returns
    -------
    nbytes : int
        ``itemsize * (n_0 m + m + 2 P + 2 m sum_{1 <= l < L} n_l)``, ``P`` the parameter count.
    """
    hidden = sum(layers_dims[1:-1])
    return itemsize * (layers_dims[0] * m + m + 2 * parameter_count(layers_dims) + 2 * m * hidden)


def bound_seconds(flop, nbytes, peak_gflops, bandwidth_gbs):
    """The roofline: ``(seconds, limit)``, the larger of ``flop / peak`` and ``nbytes / bandwidth``."""
    compute, memory = flop / (peak_gflops * 1e9), nbytes / (bandwidth_gbs * 1e9)
    return (compute, "compute") if compute >= memory else (memory, "memory")


def _split(fn, arrays, threads):
    rows = arrays[0].shape[0]
    step = -(-rows // threads)
    parts = [tuple(a[lo : lo + step] for a in arrays) for lo in range(0, rows, step)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda part: fn(*part), parts))


def memory_bandwidth(threads, megabytes=256, repeats=5, clock=time.perf_counter):
    """GB/s of a STREAM-like copy (``b = a``: 2 numbers moved each) and add (``c = a + b``: 3), in numpy,
    float64, over arrays of ``megabytes / 4`` MB each (beyond any cache), split over ``threads`` threads.

    Returns
    -------
    bandwidth : dict
        ``{"copy": GB/s, "add": GB/s}``, each the best of ``repeats`` timings after a warm-up.
    """
    n = megabytes * 2**20 // 4 // 8
    a, b, c = (np.full((threads, n // threads), 1.0) for _ in range(3))
    kernels = {"copy": (lambda a, b: np.copyto(b, a), (a, b), 2), "add": (lambda a, b, c: np.add(a, b, out=c),
                                                                          (a, b, c), 3)}
    result = {}
    for name, (fn, arrays, moved) in kernels.items():
        _split(fn, arrays, threads)
        best = float("inf")
        for _ in range(repeats):
            start = clock()
            _split(fn, arrays, threads)
            best = min(best, clock() - start)
        result[name] = moved * a.nbytes / best / 1e9
    return result


def format_roofline(rows, peaks, bandwidth_gbs):
    """The markdown table of the roofline of the rows of :func:`dl_bench.bench.bench_workload`.

    ``peaks`` is {dtype name: GFLOP/s}, ``bandwidth_gbs`` the memory bandwidth in GB/s.
    """
    impls = [impl for impl in ("ours", "straightforward", "torch") if f"{impl}_s" in rows[0]]
    header = ["workload", "dtype", "MFLOP/iter", "least MB/iter", "FLOP/byte", "bound ms/iter", "limit"]
    header += [f"{impl} % of bound" for impl in impls]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        seconds, limit = bound_seconds(row["flop"], row["bytes"], peaks[row["dtype"]], bandwidth_gbs)
        cells = [row["workload"], row["dtype"], f"{row['flop'] / 1e6:.4g}", f"{row['bytes'] / 1e6:.4g}",
                 f"{row['flop'] / row['bytes']:.3g}", f"{seconds * 1e3:.4g}", limit]
        cells += [f"{100 * seconds / row[f'{impl}_s']:.0f}%" for impl in impls]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
