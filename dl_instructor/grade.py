"""Score a folder of submitted notebooks with nbgrader's rules, and write a CSV and a JSON report.

Usage, from the repository's root::

    python -m dl_instructor.grade SUBMISSIONS --out REPORT [--timeout 30] [--jobs 2] [--executed DIR]

``SUBMISSIONS`` holds one folder per learner, each with any of the learner versions
``NN_<name>.ipynb`` (found at any depth, so nbgrader's ``submitted/<learner>/<assignment>/``
works too). The grader writes ``REPORT.csv`` and ``REPORT.json``: one row per learner,
notebook and exercise, with the points, the maximum, a status and a message (the check's
own words when it fails, or what happened).

For each submitted notebook, the grader

1. reads the file without changing it, and rebuilds the notebook to run from the course's
   source notebook: locked cells and check cells, hidden tests included, come from the
   source, the exercise cells from the learner (see :mod:`dl_instructor.submission`);
2. runs it with nbgrader's ``Execute`` preprocessor, in a fresh kernel of its own (a
   separate process) started in a temporary copy of the course layout, with a timeout per
   cell: a cell that runs too long is interrupted, and a kernel that does not answer the
   interrupt is killed; output beyond a size limit is cut;
3. scores each check cell with nbgrader's rule (``nbgrader.utils.determine_grade``): full
   points if the cell ran and shows neither an error nor anything written to stderr, else 0.

It never writes into ``SUBMISSIONS``, and a submission it cannot read, or that breaks the
kernel, gets rows with 0 points and a message; the grader itself does not stop. What is
isolated and what is not: docs/grading.md.
"""

import argparse
import asyncio
import csv
import json
import logging
import os
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from . import submission as _submission
from .release import SOURCE_DIR, course_notebooks, has_exercises, learner_version

COLUMNS = ("learner", "notebook", "exercise", "points", "max_points", "status", "message")
MAX_MESSAGE = 600  # characters of a message in the report
MAX_CELL_OUTPUT = 100_000  # characters of output kept per cell; the rest is cut while it arrives
MAX_RESTARTS = 3  # new kernels per notebook after a kernel was stopped or died
TOTAL_TIMEOUTS = 20  # a notebook may run for 20 cell timeouts in all (many slow learner cells)
# Seconds to wait for a cell's last output after it replied (nbclient's default), and for an
# interrupted cell to go quiet before its kernel is stopped; never longer than the cell's timeout.
IOPUB_TIMEOUT = 4
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Row:
    """One line of the report."""

    learner: str
    notebook: str
    exercise: str
    points: float
    max_points: float
    status: str
    message: str


# ---------------------------------------------------------------- the course


class Course:
    """The source notebooks the submissions are graded against."""

    def __init__(self, source_dir=SOURCE_DIR):
        self.source_dir = Path(source_dir).resolve()
        self.notebooks = {}  # "01_initialize" -> (source nb, learner version nb, exercises)
        for path in course_notebooks(self.source_dir):
            nb = nbformat.read(path, as_version=4)
            if has_exercises(nb):
                self.notebooks[path.stem] = (nb, learner_version(nb), _submission.exercises(nb))

    def match(self, filename):
        """The course notebook a submitted file is, by its name: exact, else by its ``NN_`` prefix."""
        stem = Path(filename).stem
        if stem in self.notebooks:
            return stem
        prefix = re.match(r"^(\d\d)[_ -]", stem)
        if prefix:
            candidates = [name for name in self.notebooks if name.startswith(prefix.group(1) + "_")]
            if len(candidates) == 1:
                return candidates[0]
        return None


# ---------------------------------------------------------------- running a notebook


def _executor_class():
    # nbgrader is an instructor's tool (requirements-dev.txt) and costs seconds to import.
    from nbformat.v4 import new_output
    from nbgrader.preprocessors import Execute

    class CappedExecute(Execute):
        """nbgrader's Execute, keeping at most ``MAX_CELL_OUTPUT`` characters of output per cell.

        The output is cut as it arrives, so a cell that prints gigabytes cannot fill the
        grader's memory. Errors and a sample of stderr are always kept: they decide the grade.
        """

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            if msg.get("msg_type") == "error":
                return super().output(outs, msg, display_id, cell_index)
            used = self._used.get(cell_index, 0)
            size = len(json.dumps(content.get("data", content.get("text", "")), default=str))
            if used + size <= MAX_CELL_OUTPUT:
                self._used[cell_index] = used + size
                return super().output(outs, msg, display_id, cell_index)
            self._used[cell_index] = MAX_CELL_OUTPUT
            if msg.get("msg_type") == "stream":
                room = max(MAX_CELL_OUTPUT - used, 0)
                text = content.get("text", "")
                kept = text[:room] if content.get("name") != "stderr" else text[: max(room, 200)]
                if kept:
                    outs.append(new_output("stream", name=content.get("name", "stdout"), text=kept))
            if cell_index not in self.truncated:
                self.truncated.add(cell_index)
                outs.append(new_output("stream", name="stdout",
                                       text=f"\n[grader: output cut after {MAX_CELL_OUTPUT} characters]\n"))
            return None

    return CappedExecute


def _quiet_logger():
    log = logging.getLogger("dl_instructor.grade.kernel")
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return log


def _run_dir(course, root):
    """Lay out ``root`` like the course (``notebooks/`` as the working directory, ``data/`` beside it)."""
    cwd = Path(root) / course.source_dir.name
    cwd.mkdir()
    for entry in course.source_dir.iterdir():
        if entry.suffix != ".ipynb" and entry.name != "exercises" and not entry.name.startswith("."):
            (cwd / entry.name).symlink_to(entry)
    data = course.source_dir.parent / "data"
    if data.is_dir():
        (Path(root) / "data").symlink_to(data)
    return cwd


def _kernel_env(course):
    env = dict(os.environ)
    # The course's dl_utils is importable whether or not it is installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(course.source_dir.parent), env.get("PYTHONPATH")) if p)
    env["MPLBACKEND"] = "Agg"  # no GUI windows; plt.show() is a no-op
    return env


async def execute(nb, course, timeout, max_restarts=MAX_RESTARTS):
    """Run the code cells of ``nb`` in place, each in turn, in a kernel of its own; return ``(ran, problem)``.

    A cell that runs longer than ``timeout`` seconds is interrupted, and the run goes on.
    If the kernel does not answer the interrupt, or dies, it is killed, a new kernel replays
    the cells that had run before, and the run goes on after the culprit, so one endless
    loop costs one exercise; after ``max_restarts`` restarts the remaining cells are left,
    as they are once the notebook has run for ``TOTAL_TIMEOUTS * timeout`` seconds in all.

    ``ran`` is the set of indices of the cells that ran to an end (an error is an end);
    ``problem`` says why the run stopped early, or is None.
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat.v4 import new_output

    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    ran, killed, problem, position, restarts = [], set(), None, 0, 0
    deadline = time.monotonic() + TOTAL_TIMEOUTS * timeout
    with tempfile.TemporaryDirectory(prefix="dl_utils_grade_") as root:
        cwd = _run_dir(course, root)
        client = _executor_class()(
            timeout=timeout, iopub_timeout=min(IOPUB_TIMEOUT, timeout), kernel_name="python3",
            shutdown_kernel="immediate", allow_errors=True, log=_quiet_logger(),
            resources={"metadata": {"path": str(cwd)}},
        )
        client.nb, client._used, client.truncated = nb, {}, set()
        log_path = Path(root) / "kernel.log"
        while position < len(code) and problem is None:
            culprit = None
            with open(log_path, "wb") as kernel_log:
                try:
                    async with client.async_setup_kernel(cwd=str(cwd), env=_kernel_env(course),
                                                         stdout=kernel_log, stderr=kernel_log):
                        for index in [i for i in ran if i not in killed]:  # replay, after a restart
                            original = nb.cells[index]
                            await client.async_execute_cell(nbformat.from_dict(original), index)
                            nb.cells[index] = original
                        for index in code[position:]:
                            if time.monotonic() > deadline:
                                problem = f"not run: the notebook ran out of its {TOTAL_TIMEOUTS * timeout:g} s in all"
                                break
                            position += 1
                            try:
                                await client.async_execute_cell(nb.cells[index], index, execution_count=position)
                            except (CellTimeoutError, DeadKernelError) as e:
                                culprit = index, e
                                break
                            finally:
                                ran.append(index)
                except (CellTimeoutError, DeadKernelError) as e:
                    problem = f"not run: a cell that had run before failed when replayed ({type(e).__name__})"
                except Exception as e:  # the kernel would not start, or could not be stopped cleanly
                    problem = f"not run: the kernel failed ({type(e).__name__}: {e})"
            if culprit is None:
                continue
            index, e = culprit
            killed.add(index)
            if isinstance(e, CellTimeoutError):
                ename, what = "CellTimeoutError", (f"the cell ran longer than {timeout:g} s and did not stop when "
                                                   "interrupted, so its kernel was stopped")
            else:
                ename, what = "DeadKernelError", "the kernel died while running this cell"
                # The kernel's own stderr, less its routine startup notices: a crash message, if any.
                words = [line for line in log_path.read_bytes()[-2000:].decode("utf-8", "replace").splitlines()
                         if line.strip() and not line.startswith(("[IPKernelApp]", "0.00s - ", "Debugger warning"))]
                if words:
                    what += f" (its last words: {words[-1]})"
            nb.cells[index].outputs.append(new_output("error", ename=ename, evalue=what, traceback=[]))
            restarts += 1
            if restarts > max_restarts:
                problem = f"not run: {max_restarts + 1} kernels were stopped in this notebook, the grader gave up"
    return set(ran), problem


# ---------------------------------------------------------------- scoring


def _clip(text, limit=MAX_MESSAGE):
    text = _ANSI.sub("", str(text)).strip()
    text = re.sub(r"\s*\n\s*", " | ", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _errors(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _stream(cell, name):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == name)


def _describe_error(cell):
    errors = _errors(cell)
    for e in errors:
        if e.get("ename") in ("CellTimeoutError", "DeadKernelError"):
            return e["ename"], e.get("evalue") or "no reply from the kernel before the timeout"
    e = errors[0]
    ename, evalue = e.get("ename", "Error"), e.get("evalue", "")
    if ename == "NotImplementedError" and not evalue:
        evalue = "the exercise is not done yet (raise NotImplementedError() is still there)"
    return ename, evalue


def score(assembled, exercise, ran, problem, timeout):
    """Points, status and message of one exercise of a notebook that was run."""
    from nbgrader.utils import determine_grade

    nb = assembled.nb
    check = nb.cells[assembled.index_of[exercise.check_id]]
    notes = list(assembled.notes.get(exercise.name, []))
    solution_index = assembled.index_of.get(exercise.solution_id)
    if solution_index is not None and solution_index in ran and _errors(nb.cells[solution_index]):
        ename, evalue = _describe_error(nb.cells[solution_index])
        notes.append(f"your exercise cell failed: {ename}: {evalue}")
    if assembled.index_of[exercise.check_id] not in ran:
        return 0.0, "not_run", "; ".join(notes + [problem or "not run"])
    try:
        points, _ = determine_grade(check)
    except ValueError as e:  # a partial-credit output above the maximum
        points, notes = 0.0, notes + [f"nbgrader could not read the score: {e}"]
    if points is None:
        return 0.0, "manual", "; ".join(notes + ["needs manual grading"])
    if _errors(check):
        ename, evalue = _describe_error(check)
        if ename == "CellTimeoutError":
            status = "timeout"
            evalue = (evalue if "kernel was stopped" in evalue else
                      f"the check did not finish within {timeout:g} s and was interrupted (an endless loop?)")
        elif ename == "DeadKernelError":
            status = "kernel_died"
        else:
            status = "failed" if ename == "AssertionError" else "error"
        return float(points), status, "; ".join(notes + [f"{ename}: {evalue}"])
    stderr = _stream(check, "stderr")
    if stderr:
        return float(points), "stderr", "; ".join(
            notes + [f"the check wrote to stderr, which nbgrader scores 0: {stderr.strip()[:200]}"])
    stdout = _stream(check, "stdout").strip()
    if "[grader: output cut" in stdout:
        notes.append(f"output cut after {MAX_CELL_OUTPUT} characters")
        stdout = stdout.split("\n")[-3] if stdout.count("\n") >= 2 else ""
    return float(points), "passed", "; ".join([stdout[:200]] + notes if stdout else notes or ["passed"])


# ---------------------------------------------------------------- one notebook, one learner, all


async def grade_notebook(course, learner, notebook, path, timeout, executed_dir=None):
    """The report rows of one submitted notebook. Never raises."""
    source_nb, blank_nb, exercise_list = course.notebooks[notebook]

    def rows(status, message, points=None):
        return [Row(learner, notebook, ex.name, 0.0 if points is None else points[ex.name], ex.points, status,
                    _clip(message)) for ex in exercise_list]

    try:
        data = Path(path).read_bytes()
        cells = _submission.read_submission(data)
    except _submission.InvalidSubmission as e:
        return rows("invalid", f"{Path(path).name}: {e}")
    except OSError as e:
        return rows("invalid", f"{Path(path).name} could not be read: {e}")
    try:
        assembled = _submission.assemble(source_nb, blank_nb, cells)
        ran, problem = await execute(assembled.nb, course, timeout)
        out = []
        for ex in exercise_list:
            points, status, message = score(assembled, ex, ran, problem, timeout)
            out.append(Row(learner, notebook, ex.name, points, ex.points, status, _clip(message)))
        if executed_dir is not None:
            target = Path(executed_dir) / learner / f"{notebook}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(assembled.nb, target)
        return out
    except Exception as e:  # a bug in the grader must cost one notebook, not the whole run
        return rows("grader_error", f"the grader failed on this notebook: {type(e).__name__}: {e}")


def find_submissions(course, submissions_dir):
    """``{learner: {notebook: path or problem}}`` for every learner folder of ``submissions_dir``."""
    found = {}
    for folder in sorted(p for p in Path(submissions_dir).iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = sorted(p for p in folder.rglob("*.ipynb")
                       if not any(part.startswith(".") for part in p.relative_to(folder).parts))
        mine = {}
        for path in files:
            notebook = course.match(path.name)
            if notebook is None:
                continue
            exact = path.stem == notebook
            if notebook not in mine or (exact and mine[notebook].stem != notebook):
                mine[notebook] = path
        found[folder.name] = mine
    return found


async def _grade_all(course, submissions, timeout, jobs, executed_dir):
    graded = sorted({nb for mine in submissions.values() for nb in mine})
    semaphore = asyncio.Semaphore(max(1, jobs))
    tasks = {}

    async def one(learner, notebook, path):
        async with semaphore:
            return await grade_notebook(course, learner, notebook, path, timeout, executed_dir)

    for learner, mine in submissions.items():
        for notebook in graded:
            if notebook in mine:
                tasks[learner, notebook] = asyncio.ensure_future(one(learner, notebook, mine[notebook]))
    results = {key: await task for key, task in tasks.items()}
    rows = []
    for learner in submissions:
        for notebook in graded:
            if (learner, notebook) in results:
                rows += results[learner, notebook]
            else:
                rows += [Row(learner, notebook, ex.name, 0.0, ex.points, "not_submitted",
                             f"no {notebook}.ipynb in {learner}/") for ex in course.notebooks[notebook][2]]
    return rows


def grade(submissions_dir, source_dir=SOURCE_DIR, timeout=30, jobs=1, executed_dir=None):
    """Grade every learner folder of ``submissions_dir``; return the report rows.

    Parameters
    ----------
    submissions_dir : path
        One folder per learner, holding submitted ``NN_<name>.ipynb`` files. Read only.
    source_dir : path
        The course's source notebooks (default: the repository's ``notebooks/``).
    timeout : float
        Seconds a cell may run before it is interrupted.
    jobs : int
        How many notebooks run at once (one kernel each).
    executed_dir : path, optional
        Where to save each notebook as it ran, with its outputs, for feedback.

    Returns
    -------
    list of Row
        Per learner, per notebook graded (any learner submitted it), per exercise.
    """
    course = Course(source_dir)
    submissions = find_submissions(course, submissions_dir)
    return asyncio.run(_grade_all(course, submissions, timeout, jobs, executed_dir))


def write_report(rows, basename):
    """Write ``basename.csv`` and ``basename.json``; return their paths."""
    basename = Path(basename)
    if basename.suffix in (".csv", ".json"):
        basename = basename.with_suffix("")
    basename.parent.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = basename.with_name(basename.name + ".csv"), basename.with_name(basename.name + ".json")
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    totals = {}
    for r in rows:
        t = totals.setdefault(r.learner, {"points": 0.0, "max_points": 0.0})
        t["points"] += r.points
        t["max_points"] += r.max_points
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump({"columns": list(COLUMNS), "rows": [asdict(r) for r in rows], "totals": totals}, f, indent=1)
        f.write("\n")
    return csv_path, json_path


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m dl_instructor.grade",
        description="Score submitted notebooks (SUBMISSIONS/<learner>/NN_<name>.ipynb) with nbgrader's rules.",
    )
    parser.add_argument("submissions", type=Path, help="one folder per learner; never written to")
    parser.add_argument("--out", type=Path, required=True, help="report basename: writes OUT.csv and OUT.json")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="course notebooks (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per cell (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at once (default: %(default)s)")
    parser.add_argument("--executed", type=Path, default=None, help="save the notebooks as run, with outputs, here")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    out = args.out.resolve()
    if out.is_relative_to(args.submissions.resolve()) or (
            args.executed and args.executed.resolve().is_relative_to(args.submissions.resolve())):
        parser.error("the report and --executed must be outside the submissions folder, which is never written to")
    rows = grade(args.submissions, args.source, args.timeout, args.jobs, args.executed)
    csv_path, json_path = write_report(rows, args.out)
    totals = {}
    for r in rows:
        t = totals.setdefault(r.learner, [0.0, 0.0])
        t[0] += r.points
        t[1] += r.max_points
    for learner, (points, max_points) in totals.items():
        print(f"{learner}: {points:g} / {max_points:g}")
    print(f"wrote {csv_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
