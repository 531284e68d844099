"""The notebooks' training on a quiet machine and on a busy one, with and without the library's BLAS bound.

Usage, from the repository's root::

    python -m dl_bench.threads [--notebooks 06 09 10 11] [--busy-per-core 2] [--loads quiet loaded] [--repeat 1]

Each course notebook named runs, cell after cell, in a fresh Python process, as a kernel would
run it (plots drawn with matplotlib's Agg backend), and the wall time of each cell that trains
(it calls ``L_layer_model``, ``softmax_model``, ``train_regularized`` or ``train_with_optimizer``)
is kept. Each notebook runs four times, in one run of this script:

- **today**: the trainers without their bound (``trainer.__wrapped__``, what the library did
  before ``dl_utils._threads``): numpy's BLAS on every core;
- **bounded**: the trainers as the library has them, one BLAS thread for small products;

each on the machine as it is (**quiet**: run it when nothing else runs) and with
``--busy-per-core`` busy processes per core started beside it (**loaded**; two per core is a
shared JupyterHub node on a bad day). The busy processes run in a session of their own, as
another learner's server on a hub, or a test run in another terminal, does: Linux shares the
CPU fairly between sessions (autogroups) and between users' cgroups, not between processes, so
a one-thread notebook keeps about one core however many processes the others run, while a
notebook with a BLAS thread per core competes for all of them. ``--same-session`` starts them
in this script's session instead, where they compete process by process (the harder case:
expect loaded / quiet near ``1 + busy processes / cores`` for one thread).
BLAS variables (``OPENBLAS_NUM_THREADS``...) are removed from the notebooks' environment, so
that "today" is numpy's default.

The table gives the seconds of each training cell (numbered among the notebook's code cells, from
1) and ``loaded / quiet`` for each column;
the target is loaded / quiet at most 1.5 for "bounded", and "bounded" quiet no slower than
"today" quiet. Timings are of one run each unless ``--repeat`` (then the median): on a machine others
use, quiet is not quiet. ``--loads quiet --repeat 3`` answers the second question alone, in minutes
(the first needs "today" loaded, which is the slow column).
"""

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TRAINERS = ("L_layer_model", "softmax_model", "train_regularized", "train_with_optimizer")
_TRAINS = re.compile(r"\b(" + "|".join(TRAINERS) + r")\(")
CONFIGS = ("today", "bounded")
LOADS = ("quiet", "loaded")
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
# One process that forks into argv[1] spinning ones: all in the process group (and session) it starts in.
BUSY = (
    "import os, sys\n"
    "for _ in range(int(sys.argv[1]) - 1):\n    if os.fork() == 0:\n        break\n"
    "while True:\n    pass\n"
)


def cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def notebook_path(prefix):
    matches = sorted(NOTEBOOKS.glob(f"{prefix}*.ipynb"))
    if not matches:
        raise SystemExit(f"no course notebook starts with {prefix!r} in {NOTEBOOKS}")
    return matches[0]


def run_notebook(path, bounded):
    """In this process: run the code cells of ``path`` in order; return [(cell number, label, seconds)]."""
    import matplotlib

    matplotlib.use("Agg")
    import nbformat

    import dl_utils

    if not bounded:
        for name in TRAINERS:
            setattr(dl_utils, name, getattr(dl_utils, name).__wrapped__)
    nb = nbformat.read(path, as_version=4)
    namespace = {"__name__": "__main__"}
    os.chdir(path.parent)  # as a kernel started on the notebook
    timings, number = [], 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        start = time.perf_counter()
        try:
            exec(compile(cell.source, f"{path.name} cell {number}", "exec"), namespace)
        except Exception:
            if "raises-exception" not in cell.metadata.get("tags", []):
                raise
        seconds = time.perf_counter() - start
        found = _TRAINS.findall(cell.source)
        if found:
            timings.append((number, ", ".join(dict.fromkeys(found)), seconds))
        import matplotlib.pyplot as plt

        plt.close("all")
    return timings


def _child(path, bounded):
    env = {k: v for k, v in os.environ.items() if k not in BLAS_VARIABLES}
    env["MPLBACKEND"] = "Agg"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    out = subprocess.run(
        [sys.executable, "-m", "dl_bench.threads", "--child", str(path), "--bounded" if bounded else "--today"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{path.name} failed:\n{out.stdout}{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class Busy:
    """``n`` processes that spin on the CPU until the block ends, in one session of their own unless ``same_session``.

    One session for all of them, as one other user's work (a parallel job in another terminal, or
    another server on a hub) is: a session per process would be ``n`` other users.
    """

    def __init__(self, n, same_session=False):
        self.n, self.same_session, self.leader = n, same_session, None

    def __enter__(self):
        # A group of their own in either case (os.setpgrp keeps the session), so that one killpg ends them all.
        new_group = {"preexec_fn": os.setpgrp} if self.same_session else {"start_new_session": True}
        self.leader = subprocess.Popen([sys.executable, "-c", BUSY, str(self.n)], **new_group)
        time.sleep(0.5)  # let them start
        return self

    def __exit__(self, *exc):
        os.killpg(self.leader.pid, signal.SIGKILL)  # the leader and every process it forked
        self.leader.wait()


def blas_line():
    import numpy as np
    from threadpoolctl import threadpool_info

    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not blas:
        return f"numpy {np.__version__}, BLAS unknown"
    b = blas[0]
    return (f"numpy {np.__version__} with {b.get('internal_api')} {b.get('version')} "
            f"({b.get('architecture')} kernel, {b.get('num_threads')} threads by default)")


def measure(prefixes, busy_per_core, same_session=False, loads=LOADS, repeat=1, log=print):
    """{notebook: {(config, load): [(cell, label, seconds)]}} for the notebooks named by ``prefixes``.

    With ``repeat`` above 1 each notebook runs that many times per column, the columns taking turns,
    and each cell keeps its median.
    """
    n_busy = busy_per_core * cores()
    results = {}
    for prefix in prefixes:
        path = notebook_path(prefix)
        runs = {}
        for load in loads:
            for _ in range(repeat):
                for config in CONFIGS:
                    log(f"  {path.name}: {config}, {load} ...", flush=True)
                    if load == "loaded":
                        with Busy(n_busy, same_session):
                            timings = _child(path, config == "bounded")
                    else:
                        timings = _child(path, config == "bounded")
                    runs.setdefault((config, load), []).append(timings)
        results[path.name] = {key: _median(repeats) for key, repeats in runs.items()}
    return results


def _median(repeats):
    """[(cell, label, median seconds)] of one column's repeated [(cell, label, seconds)]."""
    return [(cell, label, statistics.median(r[i][2] for r in repeats)) for i, (cell, label, _) in enumerate(repeats[0])]


def table(results):
    """A markdown table: each column of ``results`` in seconds, and loaded / quiet, or bounded / today
    where only one load was measured."""
    measured = next(iter(results.values()))
    key_order = [(c, load) for c in CONFIGS for load in LOADS if (c, load) in measured]
    loads = [load for load in LOADS if ("today", load) in measured]
    if len(loads) == 2:
        ratios = [((c, "loaded"), (c, "quiet"), f"{c} loaded/quiet") for c in CONFIGS]
    else:
        ratios = [(("bounded", loads[0]), ("today", loads[0]), "bounded/today")]
    header = [f"{c} {load} s" for c, load in key_order] + [label for _, _, label in ratios]
    lines = ["| notebook, cell | trains | " + " | ".join(header) + " |", "|" + " --- |" * (2 + len(header))]
    totals = dict.fromkeys(key_order, 0.0)
    rows = []
    for name, runs in results.items():
        for i, (cell, label, _) in enumerate(runs[key_order[0]]):
            t = {key: runs[key][i][2] for key in key_order}
            for key in key_order:
                totals[key] += t[key]
            rows.append((f"{name.removesuffix('.ipynb')}, {cell}", label, t))
    rows.append(("all", "", totals))
    for where, label, t in rows:
        cells = [f"{t[key]:.2f}" for key in key_order] + [f"{t[a] / t[b]:.2f}x" for a, b, _ in ratios]
        lines.append(f"| {where} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", nargs="+", default=["06", "09", "10", "11"],
                        help="course notebooks by number (default: the ones that train)")
    parser.add_argument("--busy-per-core", type=int, default=2)
    parser.add_argument("--same-session", action="store_true",
                        help="start the busy processes in this session, not in one of their own (see above)")
    parser.add_argument("--loads", nargs="+", choices=LOADS, default=list(LOADS),
                        help="quiet, loaded or both (default); with one, the table compares bounded with today")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per column, taking turns; each cell keeps its median (default 1)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--bounded", action="store_true", help=argparse.SUPPRESS)
    group.add_argument("--today", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_notebook(Path(args.child), args.bounded)))
        return 0
    print(f"{platform.processor() or platform.machine()}, {cores()} cores; {blas_line()}; "
          f"loaded: {args.busy_per_core * cores()} busy processes ({args.busy_per_core} per core) "
          f"in {'this session' if args.same_session else 'a session of their own'}", flush=True)
    loads = [load for load in LOADS if load in args.loads]
    results = measure(args.notebooks, args.busy_per_core, args.same_session, loads, max(1, args.repeat))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
