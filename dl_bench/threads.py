"""The notebooks' training on a quiet machine and on a busy one, with and without the library's BLAS bound.

Usage, from the repository's root::

    python -m dl_bench.threads [--notebooks 06 09 10 11] [--busy-per-core 2]

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
"today" quiet. Timings are of one run each: on a machine others use, quiet is not quiet.
"""

import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TRAINERS = ("L_layer_model", "softmax_model", "train_regularized", "train_with_optimizer")
_TRAINS = re.compile(r"\b(" + "|".join(TRAINERS) + r")\(")
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


def measure(prefixes, busy_per_core, same_session=False, log=print):
    """{notebook: {(config, load): [(cell, label, seconds)]}} for the notebooks named by ``prefixes``."""
    n_busy = busy_per_core * cores()
    results = {}
    for prefix in prefixes:
        path = notebook_path(prefix)
        runs = {}
        for load in ("quiet", "loaded"):
            for config in ("today", "bounded"):
                log(f"  {path.name}: {config}, {load} ...", flush=True)
                if load == "loaded":
                    with Busy(n_busy, same_session):
                        runs[config, load] = _child(path, config == "bounded")
                else:
                    runs[config, load] = _child(path, config == "bounded")
        results[path.name] = runs
    return results


def table(results, busy_per_core):
    lines = [
        "| notebook, cell | trains | today quiet s | today loaded s | loaded/quiet | bounded quiet s "
        "| bounded loaded s | loaded/quiet |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    keys = [("today", "quiet"), ("today", "loaded"), ("bounded", "quiet"), ("bounded", "loaded")]
    totals = dict.fromkeys(keys, 0.0)
    for name, runs in results.items():
        for i, (cell, label, _) in enumerate(runs["today", "quiet"]):
            t = {key: runs[key][i][2] for key in totals}
            for key in totals:
                totals[key] += t[key]
            lines.append(
                f"| {name.removesuffix('.ipynb')}, {cell} | {label} | {t['today', 'quiet']:.2f} | "
                f"{t['today', 'loaded']:.2f} | {t['today', 'loaded'] / t['today', 'quiet']:.1f}x | "
                f"{t['bounded', 'quiet']:.2f} | {t['bounded', 'loaded']:.2f} | "
                f"{t['bounded', 'loaded'] / t['bounded', 'quiet']:.2f}x |"
            )
    t = totals
    lines.append(
        f"| all | | {t['today', 'quiet']:.2f} | {t['today', 'loaded']:.2f} | "
        f"{t['today', 'loaded'] / t['today', 'quiet']:.1f}x | {t['bounded', 'quiet']:.2f} | "
        f"{t['bounded', 'loaded']:.2f} | {t['bounded', 'loaded'] / t['bounded', 'quiet']:.2f}x |"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", nargs="+", default=["06", "09", "10", "11"],
                        help="course notebooks by number (default: the ones that train)")
    parser.add_argument("--busy-per-core", type=int, default=2)
    parser.add_argument("--same-session", action="store_true",
                        help="start the busy processes in this session, not in one of their own (see above)")
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
    results = measure(args.notebooks, args.busy_per_core, args.same_session)
    print(table(results, args.busy_per_core))
    return 0


if __name__ == "__main__":
    sys.exit(main())
