"""Benchmark of the training path: ``python -m dl_bench``.

Trains full-batch gradient descent for a fixed number of iterations on three workloads and
prints, for each workload and dtype, the seconds per iteration, the GFLOP/s and the share of
numpy's own matrix-multiply peak measured in the same run, for

- ``ours``: the fast training step, :class:`dl_bench.TrainingStep`, run as :func:`dl_bench.train` runs
  it (on one BLAS thread when all of the network's products are small, see ``TrainingStep.blas_threads``);
- ``straightforward``: the same iteration written with the public reference functions,
  ``L_model_forward``, ``compute_cost``, ``L_model_backward``, ``update_parameters``: the loop
  of :func:`dl_utils.L_layer_model`;
- ``torch`` (when PyTorch is installed and ``--no-torch`` is not given): the same network,
  same initial parameters, same dtype, same full-batch SGD, with autograd and
  ``torch.optim.SGD``, on as many threads as numpy's BLAS uses.

Workloads (``layers_dims``, ``m``): ``digits`` ([64, 32, 16, 1], 1257), ``image``
([12288, 20, 7, 5, 1], 209: the cat/non-cat shape) and ``gemm`` ([1024, 1024, 1024, 1], 4096).

Method. Each measurement is the wall time of ``iterations`` consecutive iterations, divided by
``iterations``; the three implementations are timed in turn, ``repeats`` times, after one
warm-up round that is not counted, each round after a rest of ``PAUSE`` seconds (so that the
threads of the library timed before, which spin for a while after their work, are asleep); the
table gives the median over the repeats, and the speed-up columns the median of the ratios of
the rounds (each ratio from timings taken seconds apart, so a load that comes and goes affects
both sides).

FLOP model (multiply-adds count 2, element-wise work is not counted). With
:math:`S = \\sum_{l=1}^{L} n_l n_{l-1}`, one iteration does :math:`2mS` for the forward
products :math:`W^{[l]} A^{[l-1]}`, :math:`2mS` for the weight gradients
:math:`dZ^{[l]} A^{[l-1]T}`, and :math:`2m(S - n_1 n_0)` for the gradients
:math:`W^{[l]T} dZ^{[l]}` of the activations, ``dA0`` excluded (nobody needs it; PyTorch skips
it too). The straightforward loop does compute ``dA0``, but its GFLOP/s is counted with the same
model, so every GFLOP/s column measures the same work. The peak is the GFLOP/s of one
``n x n`` by ``n x n`` matmul (``2 n^3`` FLOP, ``n = 2048`` by default) in the same dtype,
the best of 5 runs before the workloads and 5 after, in the same run.

Roofline (``--memory``): the least bytes and the FLOP of an iteration, the machine's memory
bandwidth (a STREAM-like copy and add in numpy, timed at the start and the end of the run, the best
kept) and matmul peak, the bound they give, and each implementation's share of it: see
:mod:`dl_bench.roofline`.

The machine: the first lines name the CPU, the cores, numpy's BLAS and its kernel (threadpoolctl),
the BLAS variables, PyTorch; the load average (1, 5, 15 minutes) is printed at the start and the
end, and a line before the tables repeats all of it with the peak and the bandwidth, and says when
the machine was busy. On a busy machine, ``--threads 1 --clock cpu`` times each implementation by
the CPU time of the process on one thread: other processes then slow a round by what they take of
the caches and the memory bus, but not by taking the core, which two threads that wait for each
other at every product suffer many times over.

Memory (``--memory``): ``tracemalloc`` (which counts numpy's allocations) gives the peak of the
memory allocated while building the step and running two iterations, beyond ``X``, ``Y`` and
the initial parameters, for ours and the straightforward loop; both are compared with the
activations the backward pass needs, :math:`\\sum_{l=1}^{L} n_l m` numbers, in all, and beyond
two sets of parameters (the parameters being trained, which are returned, and their gradients),
which every implementation of gradient descent holds whatever ``m``: with 12288 inputs and 209
examples, the image workload's parameters are 36 times its activations.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc

import numpy as np

from dl_utils import L_model_backward, L_model_forward, compute_cost, initialize_parameters_deep, update_parameters

from .roofline import bytes_per_iteration, format_roofline, memory_bandwidth
from .step import TrainingStep, available_cores, default_threads

WORKLOADS = {
    "digits": ([64, 32, 16, 1], 1257, 200),
    "image": ([12288, 20, 7, 5, 1], 209, 50),
    "gemm": ([1024, 1024, 1024, 1], 4096, 4),
    # Not run by default: a shape small enough for the test suite's smoke test.
    "tiny": ([8, 4, 1], 16, 2),
}
DEFAULT_WORKLOADS = ("digits", "image", "gemm")
LEARNING_RATE = 0.0075
PAUSE = 0.25  # seconds of rest before each timed round


def flops_per_iteration(layers_dims, m):
    """FLOP of one training iteration under the model of the module docstring.

    Parameters
    ----------
    layers_dims : list of int
        ``[n_x, n_1, ..., n_L]``.
    m : int
        Number of examples.

    Returns
    -------
    flops : int
        ``2 m (3 S - n_1 n_0)`` with ``S = sum_l n_l n_{l-1}``.
    """
    S = sum(layers_dims[l] * layers_dims[l - 1] for l in range(1, len(layers_dims)))
    return 2 * m * (3 * S - layers_dims[1] * layers_dims[0])


def make_data(layers_dims, m, dtype, seed=0):
    """Random inputs ``X`` (n_x, m) of ``dtype`` and labels ``Y`` (1, m) that depend on ``X``.

    ``X`` has its examples contiguous (column-major), the layout :func:`dl_utils.load_dataset`
    returns (it reads ``(m, n_x)`` rows from HDF5 and transposes them) and the layout PyTorch
    multiplies, ``X^T`` row-major: no implementation copies it.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, layers_dims[0])).astype(dtype).T
    w = rng.standard_normal(layers_dims[0])
    Y = (w @ X > 0).astype(dtype).reshape(1, m)
    return X, Y


def matmul_peak(dtype, n=2048, repeats=5, clock=time.perf_counter):
    """GFLOP/s of numpy's ``n x n`` matmul in ``dtype``: the best of ``repeats`` runs after a warm-up."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((n, n)).astype(dtype)
    B = rng.standard_normal((n, n)).astype(dtype)
    C = np.empty_like(A)
    np.matmul(A, B, out=C)
    times = []
    for _ in range(repeats):
        start = clock()
        np.matmul(A, B, out=C)
        times.append(clock() - start)
    return 2 * n**3 / min(times) / 1e9


class _Ours:
    """The fast loop, as the function :func:`dl_bench.train` runs it: TrainingStep.forward, the finiteness check,
    backward_update."""

    def __init__(self, X, Y, parameters, threads=None):
        self.step = TrainingStep(X, Y, parameters, threads=threads)

    def run(self, iterations):
        with self.step.blas_threads():
            for _ in range(iterations):
                cost = self.step.forward()
                if not np.isfinite(cost):
                    raise FloatingPointError("diverged")
                self.step.backward_update(LEARNING_RATE)
        return cost


class _Straightforward:
    """The iteration written with the public reference functions: the loop of L_layer_model."""

    def __init__(self, X, Y, parameters):
        self.X, self.Y, self.parameters = X, Y, parameters

    def run(self, iterations):
        for _ in range(iterations):
            AL, caches = L_model_forward(self.X, self.parameters)
            cost = compute_cost(AL, self.Y)
            grads = L_model_backward(AL, self.Y, caches)
            self.parameters = update_parameters(self.parameters, grads, LEARNING_RATE)
        return cost


class _Torch:
    """The same network in PyTorch: Linear layers, ReLU, sigmoid + cross-entropy, torch.optim.SGD.

    PyTorch's own layout (examples are rows, ``X^T`` contiguous, ``Z = A W^T + b``), autograd
    for the gradients; the initial parameters are ours, so the costs can be compared.
    """

    def __init__(self, X, Y, parameters):
        import torch

        self.torch = torch
        L = len(parameters) // 2
        self.X = torch.from_numpy(np.ascontiguousarray(X.T))
        self.Y = torch.from_numpy(np.ascontiguousarray(Y.T))
        layers = []
        for l in range(1, L + 1):
            W = parameters[f"W{l}"]
            linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=self.X.dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(W))
                linear.bias.copy_(torch.from_numpy(parameters[f"b{l}"].ravel()))
            layers.append(linear)
            if l < L:
                layers.append(torch.nn.ReLU())
        self.net = torch.nn.Sequential(*layers)
        self.optimizer = torch.optim.SGD(self.net.parameters(), lr=LEARNING_RATE)
        self.loss = torch.nn.BCEWithLogitsLoss()

    def run(self, iterations):
        for _ in range(iterations):
            self.optimizer.zero_grad(set_to_none=True)
            loss = self.loss(self.net(self.X), self.Y)
            loss.backward()
            self.optimizer.step()
        return loss.item()


def _blas_threads():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    threads = [info["num_threads"] for info in threadpool_info() if info.get("user_api") == "blas"]
    return threads[0] if threads else None


def _load_average():
    """The 1, 5 and 15 minute load averages, as a string."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu_name():
    """The CPU's model name from /proc/cpuinfo (else what platform knows)."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return cpu


def _blas_name():
    """numpy's BLAS and its kernel, as threadpoolctl names them (``"BLAS unknown"`` without it)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS unknown"
    for info in threadpool_info():
        if info.get("user_api") == "blas":
            return f"{info.get('internal_api')} {info.get('version')} kernel {info.get('architecture')}"
    return "BLAS unknown"


def machine_description(use_torch):
    """Lines that say what the numbers were measured on: CPU, cores, numpy and its BLAS, PyTorch."""
    cpu = _cpu_name()
    cores = available_cores()
    lines = [f"machine: {cpu}, {cores} cores available, Python {platform.python_version()}"]
    blas = "BLAS: unknown (install threadpoolctl to see it)"
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                blas = (
                    f"BLAS: {info.get('internal_api')} {info.get('version')}, "
                    f"kernel {info.get('architecture')}, {info.get('num_threads')} threads"
                )
                break
    except ImportError:
        pass
    lines.append(f"numpy {np.__version__}, {blas}")
    env = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "OMP_", "MKL_"))}
    shown = ", ".join(f"{k}={v}" for k, v in sorted(env.items())) or "no OPENBLAS_/OMP_/MKL_ variables"
    lines.append(f"environment: {shown}")
    if use_torch:
        import torch

        lines.append(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    return lines


def _time_rounds(runners, iterations, repeats, pause=PAUSE, clock=time.perf_counter):
    """Seconds per iteration of each runner, ``repeats`` rounds after a warm-up; runners take turns."""
    for runner in runners.values():
        runner.run(min(iterations, 2))
    times = {name: [] for name in runners}
    for _ in range(repeats):
        for name, runner in runners.items():
            # The threads of the library timed just before (OpenMP's, OpenBLAS's) spin for a while
            # after their last work before they sleep: they must not run during the next timing.
            time.sleep(pause)
            start = clock()
            runner.run(iterations)
            times[name].append((clock() - start) / iterations)
    return times


def bench_workload(name, dtype, iterations=None, repeats=5, use_torch=True, straightforward=True, pause=PAUSE,
                   clock=time.perf_counter, threads=None):
    """Time one workload in one dtype.

    Returns
    -------
    row : dict
        ``workload, dtype, iterations, flop`` and, for each implementation timed (``ours``,
        ``straightforward``, ``torch``), ``<impl>_s`` (median seconds per iteration) and
        ``<impl>_gflops``; ``torch_over_ours`` and ``straightforward_over_ours``, the median of
        the per-round ratios of seconds per iteration.
    """
    layers_dims, m, default_iterations = WORKLOADS[name]
    iterations = iterations or default_iterations
    X, Y = make_data(layers_dims, m, dtype)
    parameters = initialize_parameters_deep(layers_dims, seed=0, dtype=dtype)
    runners = {"ours": _Ours(X, Y, parameters, threads)}
    if straightforward:
        runners["straightforward"] = _Straightforward(X, Y, parameters)
    if use_torch:
        runners["torch"] = _Torch(X, Y, parameters)
    times = _time_rounds(runners, iterations, repeats, pause, clock)
    flop = flops_per_iteration(layers_dims, m)
    row = {"workload": name, "dtype": np.dtype(dtype).name, "iterations": iterations, "flop": flop,
           "bytes": bytes_per_iteration(layers_dims, m, np.dtype(dtype).itemsize)}
    for impl, ts in times.items():
        row[f"{impl}_s"] = statistics.median(ts)
        row[f"{impl}_gflops"] = flop / row[f"{impl}_s"] / 1e9
        if impl != "ours":
            row[f"{impl}_over_ours"] = statistics.median(t / o for t, o in zip(ts, times["ours"], strict=True))
    return row


def memory_peaks(name, dtype):
    """Peak memory of building a runner and two iterations (tracemalloc), ours and straightforward.

    Returns
    -------
    ours_bytes, straightforward_bytes, activation_bytes, parameter_bytes : int
        The peaks beyond ``X``, ``Y`` and the initial parameters; the activations the backward
        pass needs, ``itemsize * m * sum_{l>=1} n_l``; and the parameters, ``itemsize *
        sum_l (n_l n_{l-1} + n_l)``. Both implementations hold, besides the activations, a set
        of parameters (the ones they return) and a set of gradients of the same size, whatever ``m``.
    """
    layers_dims, m, _ = WORKLOADS[name]
    X, Y = make_data(layers_dims, m, dtype)
    parameters = initialize_parameters_deep(layers_dims, seed=0, dtype=dtype)
    peaks = []
    for runner in (_Ours, _Straightforward):
        tracemalloc.start()
        try:
            runner(X, Y, parameters).run(2)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    itemsize = np.dtype(dtype).itemsize
    parameter_bytes = itemsize * sum(a * b + a for a, b in zip(layers_dims[1:], layers_dims[:-1], strict=True))
    return peaks[0], peaks[1], itemsize * m * sum(layers_dims[1:]), parameter_bytes


def format_table(rows, peaks):
    """The markdown table of the rows of :func:`bench_workload`, with ``peaks`` {dtype name: GFLOP/s}."""
    impls = [impl for impl in ("ours", "straightforward", "torch") if f"{impl}_s" in rows[0]]
    header = ["workload", "dtype"]
    for impl in impls:
        header += [f"{impl} ms/iter", f"{impl} GFLOP/s"]
    header += ["ours % of peak"]
    header += [f"{impl}/ours time" for impl in impls if impl != "ours"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        cells = [row["workload"], row["dtype"]]
        for impl in impls:
            cells += [f"{row[f'{impl}_s'] * 1e3:.3f}", f"{row[f'{impl}_gflops']:.2f}"]
        cells.append(f"{100 * row['ours_gflops'] / peaks[row['dtype']]:.0f}%")
        cells += [f"{row[f'{impl}_over_ours']:.2f}x" for impl in impls if impl != "ours"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dl_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default=",".join(DEFAULT_WORKLOADS),
                        help=f"comma-separated, from {', '.join(WORKLOADS)} (default: %(default)s)")
    parser.add_argument("--dtype", default="float64,float32", help="comma-separated dtypes (default: %(default)s)")
    parser.add_argument("--iterations", type=int, default=None,
                        help="iterations per timed round (default: digits 200, image 50, gemm 4)")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds; the median is reported (default: 5)")
    parser.add_argument("--pause", type=float, default=PAUSE,
                        help="seconds of rest before each round (default: %(default)s)")
    parser.add_argument("--peak-n", type=int, default=2048, help="size of the square matmul of the peak")
    parser.add_argument("--no-torch", action="store_true", help="do not time PyTorch even if it is installed")
    parser.add_argument("--no-straightforward", action="store_true",
                        help="do not time the loop written with the public reference functions")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads of numpy's BLAS (through threadpoolctl), of the fast step and of PyTorch "
                             "(default: the BLAS's own)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall: elapsed time; cpu: the process's CPU time, which other processes do not "
                             "inflate by taking the cores (all threads counted, spinning included: use it "
                             "with --threads 1 on a busy machine) (default: %(default)s)")
    parser.add_argument("--bandwidth-mb", type=int, default=256,
                        help="MB of the arrays of the STREAM-like bandwidth test (default: %(default)s)")
    parser.add_argument("--memory", action="store_true",
                        help="also print the roofline (least bytes and FLOP per iteration, the bound they give "
                             "with the machine's bandwidth and peak) and measure the peak memory with tracemalloc")
    args = parser.parse_args(argv)
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = [w for w in workloads if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    try:
        dtypes = [np.dtype(d.strip()) for d in args.dtype.split(",") if d.strip()]
    except TypeError as error:
        parser.error(str(error))
    if any(d not in (np.float32, np.float64) for d in dtypes):
        parser.error(f"--dtype must list float64 and/or float32, got {args.dtype}")
    if args.clock == "cpu" and args.threads != 1:
        parser.error("--clock cpu counts the CPU time of every thread, spinning included: give --threads 1 with it")
    if args.threads is None:
        return _run(args, dtypes, workloads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        parser.error("--threads needs threadpoolctl (pip install threadpoolctl)")
    with threadpool_limits(args.threads, user_api="blas"):
        return _run(args, dtypes, workloads)


def _run(args, dtypes, workloads):
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    threads = args.threads or _blas_threads() or default_threads()
    use_torch = not args.no_torch
    if use_torch:
        try:
            import torch
        except ImportError:
            print("PyTorch is not installed: timing numpy only.")
            use_torch = False
        else:
            torch.set_num_threads(threads)

    for line in machine_description(use_torch):
        print(line)
    load_start = _load_average()
    print(f"load average at start: {load_start}")
    print(f"clock: {'CPU time of the process' if args.clock == 'cpu' else 'wall time'}; {threads} threads")
    peaks = {d.name: matmul_peak(d, n=args.peak_n, clock=clock) for d in dtypes}
    for d in dtypes:
        print(f"numpy matmul peak, {args.peak_n}x{args.peak_n} {d.name}: {peaks[d.name]:.1f} GFLOP/s")
    bandwidth = memory_bandwidth(threads, args.bandwidth_mb, clock=clock)
    print(f"memory bandwidth (numpy, {threads} threads, {args.bandwidth_mb} MB): copy "
          f"{bandwidth['copy']:.1f} GB/s, add {bandwidth['add']:.1f} GB/s")
    rows = []
    for w in workloads:
        for d in dtypes:
            rows.append(bench_workload(w, d, args.iterations, args.repeats, use_torch, not args.no_straightforward,
                                       args.pause, clock, args.threads))
            print(f"{w} {d.name}: ours {rows[-1]['ours_s'] * 1e3:.3f} ms/iter", file=sys.stderr, flush=True)
    # The peak again after the workloads, the better of the two kept: a load that came and went
    # during one measurement must not make the training look faster than the BLAS can go.
    for d in dtypes:
        peaks[d.name] = max(peaks[d.name], matmul_peak(d, n=args.peak_n, clock=clock))
        print(f"numpy matmul peak, {args.peak_n}x{args.peak_n} {d.name}, best of start and end: "
              f"{peaks[d.name]:.1f} GFLOP/s")
    for kernel, gbs in memory_bandwidth(threads, args.bandwidth_mb, clock=clock).items():
        bandwidth[kernel] = max(bandwidth[kernel], gbs)
    best = max(bandwidth.values())
    print(f"memory bandwidth, best of start and end: copy {bandwidth['copy']:.1f} GB/s, add "
          f"{bandwidth['add']:.1f} GB/s; the roofline takes {best:.1f} GB/s")
    load_end = _load_average()
    print(f"load average at end: {load_end}")
    print()
    peak_text = ", ".join(f"{v:.1f} GFLOP/s {k}" for k, v in peaks.items())
    print(f"machine: {_cpu_name()}, {available_cores()} cores, {_blas_name()}, matmul peak {peak_text}, "
          f"bandwidth {best:.1f} GB/s; load average {load_start} at start, {load_end} at end")
    # The benchmark's own threads raise the load average as it runs: at the end, only what goes beyond
    # them says that something else ran.
    if float(load_start.split()[0]) >= 1 or float(load_end.split()[0]) >= threads + 1:
        print(f"The machine was busy (load average 1 or more on {available_cores()} cores before the run, "
              f"or more than its own {threads} threads + 1 at the end): every figure here was measured "
              "under that load, with other processes taking some of the cores.")
    print()
    print(format_table(rows, peaks))
    if args.memory:
        print()
        print(format_roofline(rows, peaks, best))
        print()
        for w in workloads:
            for d in dtypes:
                ours, plain, activations, params = memory_peaks(w, d)
                print(f"memory {w} {d.name}: activations {activations / 2**20:.2f} MiB, parameters "
                      f"{params / 2**20:.2f} MiB; peak of ours {ours / 2**20:.2f} MiB ({ours / activations:.2f}x the "
                      f"activations; {(ours - 2 * params) / activations:.2f}x beyond the parameters and their "
                      f"gradients), of straightforward {plain / 2**20:.2f} MiB ({plain / activations:.2f}x; "
                      f"{(plain - 2 * params) / activations:.2f}x)")
    return rows
