"""How fast the grader scores honest submissions: notebooks per minute, with and without the sandbox.

Usage, from the repository's root::

    python -m dl_instructor.throughput [--learners 4] [--jobs 2] [--rounds 3] [--baseline REV]
                                       [--notebooks 02_forward 03_cost 04_backward] [--load 0]

It makes ``--learners`` honest learners, each handing in the solved course notebooks named,
and times the whole command an instructor runs (``python -m dl_instructor.grade``, a fresh
process each time, so the set-up is counted) in each mode, the modes taking turns for
``--rounds`` rounds; it prints the median of each. ``--baseline REV`` also times the grader of
another revision of this repository on the same submissions, in a temporary git worktree, side
by side in the same rounds (for instance the revision before the sandbox: its grader ran the
checks in the learner's Jupyter kernel). ``--load N`` runs N busy processes meanwhile, as on
a shared machine. Every run must give every honest row full marks, or the figures are refused.
"""

import argparse
import json
import logging
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NOTEBOOKS = ("02_forward", "03_cost", "04_backward")


def _busy():
    while True:
        pass


def make_submissions(folder, source, notebooks, learners):
    """``learners`` folders, each with the solved course ``notebooks`` from ``source``."""
    for k in range(learners):
        mine = Path(folder) / f"learner_{k:03d}"
        mine.mkdir(parents=True)
        for name in notebooks:
            shutil.copyfile(Path(source) / f"{name}.ipynb", mine / f"{name}.ipynb")


def _time(cmd, cwd, env, report):
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed:\n{done.stderr[-2000:]}")
    rows = json.loads(Path(f"{report}.json").read_text())["rows"]
    wrong = [r for r in rows if r["points"] != r["max_points"]]
    if wrong:
        raise SystemExit(f"an honest submission did not get full marks, so no figure is given: {wrong[0]}")
    return seconds


def _baseline(rev, workdir):
    tree = Path(workdir) / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), rev], check=True)
    module = "dl_utils.grade" if (tree / "dl_utils" / "grade.py").exists() else "dl_instructor.grade"
    return tree, module


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dl_instructor.throughput", description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--notebooks", nargs="+", default=list(DEFAULT_NOTEBOOKS))
    parser.add_argument("--baseline", default=None, help="a git revision whose grader to time alongside")
    parser.add_argument("--load", type=int, default=0, help="busy processes running meanwhile")
    parser.add_argument("--dask-workers", type=int, nargs="*", default=[],
                        help="also time a Dask cluster of this many workers on loopback (needs the cluster extra)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="dl_throughput_"))
    busy = [multiprocessing.Process(target=_busy, daemon=True) for _ in range(args.load)]
    baseline = None
    try:
        subs = workdir / "submissions"
        make_submissions(subs, ROOT / "notebooks", args.notebooks, args.learners)
        notebooks = args.learners * len(args.notebooks)
        common = [str(subs), "--jobs", str(args.jobs), "--timeout", "120"]
        env = dict(os.environ)
        ours = [*common, "--notebooks", *args.notebooks]
        modes = {"sandbox": ([sys.executable, "-m", "dl_instructor.grade", *ours], ROOT, env),
                 "no sandbox": ([sys.executable, "-m", "dl_instructor.grade", *ours, "--no-sandbox"], ROOT, env)}
        if args.baseline:
            tree, module = _baseline(args.baseline, workdir)
            baseline = tree
            base_env = {**env, "PYTHONPATH": str(tree)}
            # The same assignment (a grader from before --notebooks would grade every notebook and refuse here).
            modes[f"baseline {args.baseline}"] = ([sys.executable, "-m", module, *common, "--notebooks",
                                                   *args.notebooks, "--source", str(tree / "notebooks")], tree,
                                                  base_env)
        clusters = []
        for n in args.dask_workers:
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, silence_logs=logging.CRITICAL)
            clusters.append(cluster)
            modes[f"dask, {n} worker{'s' if n > 1 else ''}"] = (
                [sys.executable, "-m", "dl_instructor.grade", *ours, "--scheduler", cluster.scheduler_address],
                ROOT, env)
        for p in busy:
            p.start()
        times = {mode: [] for mode in modes}
        for round_ in range(args.rounds):
            for mode, (cmd, cwd, mode_env) in modes.items():
                report = workdir / f"report_{round_}_{len(times[mode])}_{mode.split()[0]}"
                times[mode].append(_time([*cmd, "--out", str(report)], cwd, mode_env, report))
        print(f"{notebooks} honest notebooks ({args.learners} learners x {', '.join(args.notebooks)}), "
              f"--jobs {args.jobs}, {os.cpu_count()} cores, {args.load} busy processes, "
              f"median of {args.rounds} rounds (whole command, a new process each time)")
        print("| mode | seconds | notebooks per minute | seconds per notebook |")
        print("| --- | --- | --- | --- |")
        medians = {mode: statistics.median(ts) for mode, ts in times.items()}
        for mode, seconds in medians.items():
            print(f"| {mode} | {seconds:.1f} | {60 * notebooks / seconds:.1f} | {seconds / notebooks:.2f} |")
        cost = (medians["sandbox"] - medians["no sandbox"]) / notebooks
        print(f"the sandbox costs {cost:+.2f} s per notebook (sandbox minus no sandbox)")
        if args.baseline:
            print(f"sandbox / baseline time: {medians['sandbox'] / medians[f'baseline {args.baseline}']:.2f}x")
        for n in args.dask_workers:
            seconds = medians[f"dask, {n} worker{'s' if n > 1 else ''}"]
            per_worker = seconds * n / notebooks
            print(f"dask, {n} worker(s): {per_worker:.2f} worker-seconds per notebook; 10,000 notebooks on N such "
                  f"workers: about {10_000 * per_worker / 3600:.1f} / N hours (set-up not counted twice)")
        for cluster in clusters:
            cluster.close()
        return 0
    finally:
        for p in busy:
            p.terminate()
        if baseline is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
