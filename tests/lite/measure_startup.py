"""Measure how fast the JupyterLite site starts: a revision's site against the working tree's, alternately.

Usage, from the repository's root, with requirements-lite.txt and requirements-e2e.txt installed and
Debian's chromium (as .ci/lite.sh)::

    python tests/lite/measure_startup.py                     # d902dd3's site against the working tree's, 5 rounds
    python tests/lite/measure_startup.py --baseline REV --rounds 7 --pyodide DIR --json out.json

A measurement, never a test: it asserts nothing about time. Both sites are built with a local
Pyodide (``--pyodide``, or one assembled by tests/lite/local_pyodide.py, every file verified) and
served on localhost by the offline test's server; the baseline is built by its own revision's
``dl_instructor.lite`` from ``git archive REV`` (no checkout touched). Each round loads each site
once, the order alternating between rounds, in a fresh Chromium profile (cold: nothing cached),
then again in the same profile (warm: the browser's cache and the site's storage kept). What a
learner waits for, from the page's first request, in the learner version of ``--notebook`` (default
``01_initialize``, the notebook of issue 28's targets; ``02_forward`` is the offline test's):

* shown: every cell of the notebook laid out;
* idle: the kernel idle (Pyodide, its packages and the kernel's own installs loaded);
* first cell: Run All Above the notebook's first exercise, the first code cell done (its prompt numbered);
* check: the right answer (the course notebook's own cell) typed into that exercise and its check's
  success line shown.

With ``--steps``, each site whose kernel loads Pyodide with the site's loader
(``lite/course-pyodide.js``, a site built with ``--pyodide`` since the snapshot) is loaded from a copy
whose loader also logs, in the worker's console, when it reaches each of ``STEPS``, and a second table
gives those times from the same request (a site without that loader has none).

It prints the load average before and after each load and a table of min / median / max per site
and phase (the max shows the spread a difference of medians has to clear), with the bytes and files
the server sent per load. The machine's load moves every figure: say with each figure
how busy the machine was.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "lite"))

import test_jupyterlite as lite_test  # noqa: E402

import conftest as lite_conftest  # noqa: E402  (the offline test's server and browser launch)

lab = lite_test.lab
PHASES = ("shown", "idle", "first_cell", "check")
# The site as it was when issue 28's startup work began (before the font cache and the levers).
BASELINE = "d902dd3"
# --steps: where the site's loader (lite/course-pyodide.js) reaches each step, the line it logs after.
# loader: the kernel's worker runs the loader; snapshot: the snapshot's bytes are fetched and unpacked;
# packages: Pyodide restored and the kernel's packages loaded (loadPyodide returned); restored:
# course_snapshot.restored() done (then the worker imports piplite and pyodide_kernel).
STEPS = ("loader", "snapshot", "packages", "restored")
STEP_MARKS = {
    "loader": "self.loadPyodide = async function loadPyodideFromSnapshot(options) {\n",
    "packages": "  const pyodide = await loadPyodide({ ...options, _loadSnapshot: snapshot });\n",
    "restored": "  await pyodide.runPythonAsync(ON_RESTORE);\n",
}
STEP_LOG = "course-step"
FIRST_CELL_RAN_JS = """(i) => {
  const cells = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell');
  return /\\[\\d+\\]:/.test(cells[i].querySelector('.jp-InputArea-prompt').innerText);
}"""


def build_site(source_root, out, pyodide):
    subprocess.run(
        [sys.executable, "-m", "dl_instructor.lite", "build", "--out", str(out), "--pyodide", str(pyodide)],
        cwd=source_root, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return out


def export_revision(revision, dest):
    """The files of ``revision`` in ``dest`` (git archive: no checkout, no worktree)."""
    archive = dest.with_suffix(".tar")
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), revision], cwd=REPO, check=True)
    dest.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    return dest


def first_exercise(notebook):
    """The learner version's cells of ``notebook``, its first exercise's name and the course notebook's answer to it.

    Parameters
    ----------
    notebook : str
        A course notebook's name without ``.ipynb`` (``01_initialize``).

    Returns
    -------
    cells : list of dict
    name : str
        The exercise's function (its grade id without ``ex_``).
    answer : str
        The source of the course notebook's cell of that grade id: the right answer.
    """
    cells = lab.load_notebook(REPO / "notebooks" / "exercises" / f"{notebook}.ipynb")["cells"]
    ids = [lab.grade_id(c) for c in cells]
    name = next(i for i in ids if i and i.startswith("ex_"))[len("ex_") :]
    course = lab.load_notebook(REPO / "notebooks" / f"{notebook}.ipynb")["cells"]
    answer = next(c for c in course if lab.grade_id(c) == f"ex_{name}")["source"]
    return cells, name, "".join(answer)


def with_steps(site, dest):
    """A copy of ``site`` in ``dest`` (hard links) whose loader logs ``STEPS``; None if ``site`` has no such loader."""
    from dl_instructor import lite

    loader = Path(lite.SERVED_PYODIDE_URL).parent / lite.PYODIDE_LOADER.name  # static/pyodide/course-pyodide.js
    if not (site / loader).is_file():
        return None
    text = (site / loader).read_text()
    for step, mark in STEP_MARKS.items():
        if text.count(mark) != 1:
            raise ValueError(f"{site / loader} has no line {mark.strip()!r} to log {step!r} after: update STEP_MARKS")
        log = f'  console.log("{STEP_LOG} {{}} " + Date.now());\n'
        text = text.replace(mark, mark + log.format(step))
        if step == "packages":  # the snapshot's promise, which loadPyodide awaits, resolved
            snapshot = f'  snapshot.then(() => console.log("{STEP_LOG} snapshot " + Date.now()));\n'
            text = text.replace(mark, snapshot + mark)
    shutil.copytree(site, dest, copy_function=os.link)
    (dest / loader).unlink()  # a hard link: writing it would change the site's own file
    (dest / loader).write_text(text)
    return dest


def load_once(context, server, notebook):
    """One load of ``notebook`` up to its first check's success line; the seconds of each phase since the request.

    With the loader of ``with_steps``, also the seconds of each of ``STEPS`` it logged.
    """
    cells, name, answer = first_exercise(notebook)
    ids = [lab.grade_id(c) for c in cells]
    exercise, check = ids.index(f"ex_{name}"), ids.index(f"check_{name}")
    above = lite_test.code_cells(cells[:exercise])
    server.reset_count()
    page = context.new_page()
    page.set_default_timeout(lite_test.KERNEL_TIMEOUT_MS)
    logged = []
    page.on("console", lambda message: logged.append(message.text))
    times = {}
    started, requested_ms = time.monotonic(), time.time() * 1000
    page.goto(f"{server.base_url}/lab/index.html?path={notebook}.ipynb")
    page.wait_for_function(lite_test.ALL_CELLS_SHOWN_JS, arg=len(cells))
    times["shown"] = time.monotonic() - started
    lite_test.wait_for_idle_kernel(page)
    times["idle"] = time.monotonic() - started
    before = lab.prompts(page, above)
    lab.cell_locator(page, exercise).locator(".jp-InputArea-prompt").click()
    lab.menu(page, "Run", "Run All Above Selected Cell")
    page.wait_for_function(FIRST_CELL_RAN_JS, arg=above[0], timeout=lite_test.RUN_TIMEOUT_MS)
    times["first_cell"] = time.monotonic() - started
    page.wait_for_function(
        lab.RUN_FINISHED_JS, arg={"indices": above, "before": before}, timeout=lite_test.RUN_TIMEOUT_MS
    )
    lab.replace_cell_source(page, exercise, answer)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    success = lab.SUCCESS.format(name=name)
    lab.cell_locator(page, check).get_by_text(success).wait_for(timeout=lite_test.RUN_TIMEOUT_MS)
    times["check"] = time.monotonic() - started
    times["bytes"], times["requests"] = server.bytes_sent, server.requests
    page.close()
    for text in logged:
        if text.startswith(STEP_LOG + " "):
            _, step, at_ms = text.split()
            times[step] = (int(at_ms) - requested_ms) / 1000
    return times


def serve(site):
    server = lite_conftest.SiteServer(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def table(results, phases=PHASES):
    """The markdown table of ``phases``' min / median / max per site and load, with bytes and files per load."""
    lines = [
        "| site | load | " + " | ".join(phases) + " | MB, files per load |",
        "| --- | --- |" + " --- |" * (len(phases) + 1),
    ]
    for (site, kind), runs in sorted(results.items()):
        if not all(phase in r for r in runs for phase in phases):
            continue
        cells = []
        for phase in phases:
            values = [r[phase] for r in runs]
            cells.append(f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f} s")
        mb = statistics.median(r["bytes"] for r in runs) / 1e6
        requests = statistics.median(r["requests"] for r in runs)
        lines.append(f"| {site} | {kind} | " + " | ".join(cells) + f" | {mb:.1f}, {requests:.0f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"the revision whose site is today's (default {BASELINE})")
    parser.add_argument(
        "--rounds", type=int, default=5, help="loads of each site, cold and warm (5 or more for the table)"
    )
    parser.add_argument("--pyodide", type=Path, help="a local Pyodide (default: assembled and verified here)")
    parser.add_argument("--json", type=Path, help="write every load's figures there")
    parser.add_argument(
        "--notebook", default="01_initialize", help="the notebook loaded, without .ipynb (default 01_initialize)"
    )
    parser.add_argument(
        "--steps", action="store_true", help="also time the steps of the site's Pyodide loader (STEPS), from a copy"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds: at least 1")
    if args.rounds < 5:
        print(f"--rounds {args.rounds}: a trial, not the table (min / median of at least 5, issue 28)", flush=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="lite-measure-") as tmp:
        tmp = Path(tmp)
        pyodide = args.pyodide
        if pyodide is None:
            pyodide = tmp / "pyodide"
            subprocess.run(
                [sys.executable, str(REPO / "tests/lite/local_pyodide.py"), "--out", str(pyodide)], check=True
            )
        sites = {
            f"baseline {args.baseline}": build_site(
                export_revision(args.baseline, tmp / "baseline"), tmp / "site-a", pyodide
            ),
            "working tree": build_site(REPO, tmp / "site-b", pyodide),
        }
        if args.steps:
            sites = {name: with_steps(site, tmp / f"{site.name}-steps") or site for name, site in sites.items()}
        servers = {name: serve(site) for name, site in sites.items()}
        results = {}
        with sync_playwright() as playwright:
            names = list(sites)
            for round_ in range(args.rounds):
                for name in names if round_ % 2 == 0 else names[::-1]:
                    context = lite_conftest.launch_chromium(
                        playwright, tmp / f"profile-{round_}-{len(results)}-{name[:4]}"
                    )
                    try:
                        for kind in ("cold", "warm"):
                            load = os.getloadavg()
                            figures = load_once(context, servers[name], args.notebook)
                            figures["loadavg"], figures["loadavg_after"] = load, os.getloadavg()
                            results.setdefault((name, kind), []).append(figures)
                            print(
                                f"round {round_ + 1} {name} {kind}: "
                                + ", ".join(f"{p} {figures[p]:.2f} s" for p in PHASES + STEPS if p in figures)
                                + f", {figures['bytes'] / 1e6:.1f} MB in {figures['requests']} files; load average "
                                + " ".join(f"{x:.2f}" for x in load)
                                + " before, "
                                + " ".join(f"{x:.2f}" for x in figures["loadavg_after"])
                                + " after",
                                flush=True,
                            )
                    finally:
                        context.close()
        for server in servers.values():
            server.shutdown()
    loads = [x for runs in results.values() for r in runs for x in (r["loadavg"][0], r["loadavg_after"][0])]
    print(f"\n{args.notebook}: min / median / max of {args.rounds} loads, headless Chromium, localhost; "
          f"1-minute load average {min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} cores")  # fmt: skip
    print(table(results))
    if args.steps:
        print(f"\nThe loader's steps (a copy of the site's lite/course-pyodide.js that logs them): {', '.join(STEPS)}")
        print(table(results, STEPS))
    if args.json:
        args.json.write_text(json.dumps({f"{s} {k}": v for (s, k), v in results.items()}, indent=2) + "\n")


if __name__ == "__main__":
    main()
