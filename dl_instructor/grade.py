"""Score a folder of submitted notebooks, each in a sandbox, judged from outside; write a CSV and a JSON report.

Usage, from the repository's root::

    python -m dl_instructor.grade SUBMISSIONS --out REPORT [--timeout 30] [--jobs 2] [--executed DIR]
                                  [--no-sandbox]

``SUBMISSIONS`` holds one folder per learner, each with any of the learner versions
``NN_<name>.ipynb`` (found at any depth, so nbgrader's ``submitted/<learner>/<assignment>/``
works too). The grader writes ``REPORT.csv`` and ``REPORT.json``: one row per learner,
notebook and exercise, with the points, the maximum, a status and a message (the check's
own words when it fails, or what happened).

For each submitted notebook, the grader

1. reads the file without changing it, and rebuilds the notebook to run from the course's
   source notebook (:mod:`dl_instructor.submission`): every locked and check cell from the
   source, the exercise cells from the learner;
2. runs its cells, check cells left out, in a sandbox of its own (:mod:`dl_instructor.sandbox`:
   bubblewrap, no network, a read-only view of what it needs, limits), whose copy of the course
   library lacks the answers it is judged on (:mod:`dl_instructor.strip`), with a timeout per
   cell; a cell that hangs or kills the sandbox costs that cell, and the run goes on;
3. judges each exercise with the course's own check, run in the grader's process on what the
   learner's function returns when the grader calls it in the sandbox on inputs drawn for this
   run (:mod:`dl_instructor.judge`). The points are that verdict and nothing else.

It never writes into ``SUBMISSIONS``; a submission it cannot read, or that breaks its
sandbox, gets rows with 0 points and a message, and the grader goes on. The threat model:
docs/grading.md.
"""

import argparse
import atexit
import importlib
import json
import multiprocessing
import re
import secrets
import shutil
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

import dl_utils
from dl_utils.data import DATASETS_PACKAGE_DIR

from . import class_report, files, report, sandbox, strip, term
from . import submission as _submission
from .judge import TOTAL_TIMEOUTS, NotebookRun
from .release import SOURCE_DIR, course_notebooks, has_exercises, learner_version

COLUMNS = ("learner", "notebook", "exercise", "points", "max_points", "status", "message", "seconds", "mistake")
MAX_MESSAGE = 600  # characters of a message in the report
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CHECK_CALL = re.compile(r"^\s*checks\.([A-Za-z_]\w*)\(\s*([A-Za-z_]\w*)\s*[,)]", re.MULTILINE)


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
    seconds: float = 0.0
    mistake: str = ""  # the id of the catalogued mistake the check named, if any (dl_utils.checks.mistakes)


@dataclass
class Options:
    """How the submissions are run: the timeout per cell and per call, the sandbox, this run's secret."""

    timeout: float = 30
    isolate: bool = True
    limits: sandbox.Limits = None
    secret: int = 0
    budget: float = TOTAL_TIMEOUTS  # a notebook's whole time in the grader, in timeouts


@dataclass
class GradedExercise:
    """One exercise of a course notebook, as the judge needs it."""

    name: str  # the check cell's grade_id without "check_"
    check_id: str
    solution_id: str
    points: float
    function: str  # the learner's function the check is called on
    check: object  # the course's check, a callable check(fn, hidden=False); None if the cell is not one


# ---------------------------------------------------------------- the course


class CourseNotebook:
    """A course notebook with exercises: its cells, its checks, and the library its sandbox may see."""

    def __init__(self, name, source_nb, blank_nb, checks, later_functions, library, workdir):
        self.name, self.source_nb, self.blank_nb = name, source_nb, blank_nb
        self.exercises = []
        cells = {_submission.grade_id(c): c for c in source_nb.cells}
        for ex in _submission.exercises(source_nb):
            call = _CHECK_CALL.search(cells[ex.check_id].source)
            check = getattr(checks, call.group(1), None) if call else None
            self.exercises.append(GradedExercise(ex.name, ex.check_id, ex.solution_id, ex.points,
                                                 call.group(2) if call else ex.name, check))
        self.hidden = set(later_functions)  # the answers out of reach while this notebook is graded
        self.library = library
        self.library_dir = Path(workdir) / name
        self._write(self.library_dir, strip.strip(library, self.hidden, name))
        # The datasets (package data of dl_utils): mounted read-only where the library copy looks for them.
        self.data_dir = Path(dl_utils.__file__).resolve().parent / DATASETS_PACKAGE_DIR
        (self.library_dir / "dl_utils" / DATASETS_PACKAGE_DIR).mkdir(parents=True, exist_ok=True)
        self._stages = {}

    @staticmethod
    def _write(folder, sources):
        for relative, text in sources.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def function_names(self):
        return [ex.function for ex in self.exercises]

    def stage_request(self, judged):
        """The request that loads the library with the references of the ``judged`` exercises, bound to their names."""
        key = tuple(judged)
        if key not in self._stages:
            package = f"dl_stage_{len(judged)}"
            files = strip.strip(self.library, self.hidden - set(judged), self.name)
            self._stages[key] = {"op": "stage", "package": package, "names": list(judged),
                                 "files": {package + rel[rel.index("/"):]: text for rel, text in files.items()
                                           if rel.startswith("dl_utils/")}}
        return self._stages[key]


class Course:
    """The source notebooks the submissions are graded against, and the checks that judge them.

    A notebook's grading set-up (:class:`CourseNotebook`) is made the first time it is asked for.
    """

    def __init__(self, source_dir=SOURCE_DIR, checks_module="dl_utils.checks"):
        self.source_dir = Path(source_dir).resolve()
        self.checks = importlib.import_module(checks_module)
        self._checks_module = checks_module
        self._workdir = tempfile.mkdtemp(prefix="dl_instructor_grade_")
        atexit.register(shutil.rmtree, self._workdir, True)
        self._library = None
        self._sources = {p.stem: p for p in course_notebooks(self.source_dir)}
        self._read = {}
        self._made = {}
        self._lock = threading.Lock()
        later = set()  # the exercises of each notebook and of those after it
        self._later = {}
        for name in sorted(self._sources, reverse=True):
            nb = self._nb(name)
            if has_exercises(nb):
                later |= {m.group(2) for m in _CHECK_CALL.finditer("\n".join(
                    c.source for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")))}
                self._later[name] = set(later)
        self.names = sorted(self._later)

    def _nb(self, name):
        if name not in self._read:
            self._read[name] = nbformat.read(self._sources[name], as_version=4)
        return self._read[name]

    def __contains__(self, name):
        return name in self._later

    def __getitem__(self, name):
        with self._lock:
            if name not in self._made:
                if self._library is None:
                    self._library = strip.library_sources(Path(dl_utils.__file__).resolve().parent, self._checks_module)
                nb = self._nb(name)
                self._made[name] = CourseNotebook(name, nb, self._blank(name, nb), self.checks, self._later[name],
                                                  self._library, self._workdir)
            return self._made[name]

    def _blank(self, name, nb):
        # The committed learner version (tests/test_release.py keeps it in step), else made now.
        committed = self.source_dir / "exercises" / f"{name}.ipynb"
        return nbformat.read(committed, as_version=4) if committed.is_file() else learner_version(nb)

    def close(self):
        shutil.rmtree(self._workdir, ignore_errors=True)

    def match(self, filename):
        """The course notebook a submitted file is, by its name: exact, else by its ``NN_`` prefix."""
        stem = Path(filename).stem
        if stem in self._later:
            return stem
        prefix = re.match(r"^(\d\d)[_ -]", stem)
        if prefix:
            candidates = [name for name in self.names if name.startswith(prefix.group(1) + "_")]
            if len(candidates) == 1:
                return candidates[0]
        return None


# ---------------------------------------------------------------- one notebook of one learner


def _clip(text, limit=MAX_MESSAGE):
    text = _ANSI.sub("", str(text)).strip()
    text = re.sub(r"\s*\n\s*", " | ", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def grade_notebook(course, learner, notebook, data, options):
    """The report rows of one submitted notebook, and the notebook as it ran (None if it did not). Never raises.

    ``data`` is the file's bytes, or, if it could not be read, the reason why (a str).
    """
    graded = course[notebook]

    def rows(status, message):
        return [Row(learner, notebook, ex.name, 0.0, ex.points, status, _clip(message)) for ex in graded.exercises]

    if isinstance(data, str):
        return rows("invalid", data), None
    try:
        cells = _submission.read_submission(data)
    except _submission.InvalidSubmission as e:
        return rows("invalid", f"{notebook}.ipynb: {e}"), None
    run = None
    try:
        assembled = _submission.assemble(graded.source_nb, graded.blank_nb, cells)
        run = NotebookRun(graded, assembled, options)
        try:
            run.execute()
        except sandbox.SandboxError as e:
            return rows(e.status, f"not run: {e}"), None
        out = [_row(learner, notebook, ex, run, assembled) for ex in graded.exercises]
        return out, _executed(run, assembled, out)
    except Exception as e:  # a bug in the grader must cost one notebook, not the whole run
        return rows("grader_error", f"the grader failed on this notebook: {type(e).__name__}: {e}"), None
    finally:
        if run is not None:
            run.close()


def _row(learner, notebook, ex, run, assembled):
    notes = list(assembled.notes.get(ex.name, []))
    solution = assembled.index_of.get(ex.solution_id)
    result = run.cells.get(solution)
    if result is not None and result.status != "ok":
        error = result.error or {}
        notes.append(f"your exercise cell failed: {str(error.get('name', result.status))[:60]}: "
                     f"{str(error.get('text', ''))[:300]}")
    if ex.check is None:
        return Row(learner, notebook, ex.name, 0.0, ex.points, "grader_error",
                   _clip("the course's check cell is not of the form checks.NAME(function): the grader cannot judge "
                         "it"))
    verdict = run.judge(ex)
    message = verdict.message if verdict.status == "passed" else "; ".join(notes + [verdict.message])
    if verdict.status == "passed" and notes:
        message = "; ".join([verdict.message] + notes)
    return Row(learner, notebook, ex.name, verdict.points, ex.points, verdict.status, _clip(message),
               round(verdict.seconds, 3), _mistake(ex, verdict))


def _mistake(ex, verdict):
    """The id of the catalogued mistake of ``ex`` whose hint the check's message gives, or ""."""
    if verdict.status != "failed":
        return ""
    try:
        from dl_utils.checks import mistakes
    except ImportError:
        return ""
    for entry in mistakes.CATALOGUE:
        if entry.exercise == ex.function and entry.hint and entry.hint in verdict.message:
            return entry.id
    return ""


def _executed(run, assembled, rows):
    """The notebook as it ran, for feedback: each cell's output, and each check cell showing its verdict."""
    nb = nbformat.from_dict(assembled.nb)
    for index, result in run.cells.items():
        cell = nb.cells[index]
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=result.output)] if result.output else []
        if result.status != "ok":
            error = result.error or {}
            cell.outputs.append(nbformat.v4.new_output("error", ename=str(error.get("name", result.status))[:60],
                                                       evalue=str(error.get("text", ""))[:2000], traceback=[]))
    by_name = {r.exercise: r for r in rows}
    for ex in run.graded.exercises:
        index = assembled.index_of.get(ex.check_id)
        if index is not None and ex.name in by_name:
            r = by_name[ex.name]
            nb.cells[index].outputs = [nbformat.v4.new_output(
                "stream", name="stdout", text=f"[{r.status}: {r.points:g} / {r.max_points:g}] {r.message}\n")]
    return nb


# ---------------------------------------------------------------- all the learners


_COURSES = {}  # (source_dir, checks_module) -> Course, one per process (a Dask worker keeps its own)
_COURSES_LOCK = threading.Lock()


def course_for(source_dir, checks_module):
    """The process's :class:`Course` for these arguments, made once."""
    key = (str(Path(source_dir).resolve()), checks_module)
    with _COURSES_LOCK:
        if key not in _COURSES:
            _COURSES[key] = Course(source_dir, checks_module)
        return _COURSES[key]


def grade_task(source_dir, checks_module, learner, notebook, data, options):
    """One grading task, as a local thread or a Dask worker runs it: ``(rows, executed notebook as a dict)``."""
    rows, nb = grade_notebook(course_for(source_dir, checks_module), learner, notebook, data, options)
    return rows, None if nb is None else json.loads(nbformat.writes(nb))


def _reader(submissions_dir):
    """Read a submitted file safely (no links followed, size and type checked first); a Problem's reason as is."""
    def read(entry):
        if isinstance(entry, files.Problem):
            return str(entry)
        try:
            return files.read_bytes(entry, root=submissions_dir)
        except _submission.InvalidSubmission as e:
            return f"{Path(entry).name}: {e}"
    return read


def _run_tasks(tasks, source_dir, checks_module, options, jobs, scheduler, _read):
    """``{(learner, notebook): (rows, executed)}``, on local threads or on a Dask cluster."""
    if scheduler is None:
        # Processes, not threads: each judges one notebook at a time, with its own stdout for the checks' lines.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
            futures = {(lr, nb): pool.submit(grade_task, str(source_dir), checks_module, lr, nb, _read(path), options)
                       for lr, nb, path in tasks}
            return {key: _result(future, key, source_dir, checks_module) for key, future in futures.items()}
    from . import cluster  # Dask is an optional extra

    return cluster.run(scheduler, tasks, source_dir, checks_module, options, _read)


def _result(future, key, source_dir, checks_module):
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - a grading process that died costs its notebook's rows only
        learner, notebook = key
        return [Row(learner, notebook, ex.name, 0.0, ex.points, "grader_error",
                    f"the grading process failed on this notebook: {type(e).__name__}: {e}")
                for ex in course_for(source_dir, checks_module)[notebook].exercises], None


def grade(submissions_dir, source_dir=SOURCE_DIR, timeout=30, jobs=1, executed_dir=None, isolate=True,
          checks_module="dl_utils.checks", limits=None, notebooks=None, scheduler=None, budget=TOTAL_TIMEOUTS):
    """Grade every learner folder of ``submissions_dir``; return the report rows.

    Parameters
    ----------
    submissions_dir : path
        One folder per learner, holding submitted ``NN_<name>.ipynb`` files. Read only.
    source_dir : path
        The course's source notebooks (default: the repository's ``notebooks/``).
    timeout : float
        Seconds a cell, or one call of a learner's function, may run before it is interrupted.
    budget : float
        A notebook's whole time in the grader (its cells, the calls of its functions, the replays and
        restarts of its sandbox), in timeouts; once spent, the exercises not yet judged are ``out_of_time``.
    jobs : int
        How many notebooks run at once on this machine (one sandbox each).
    executed_dir : path, optional
        Where to save each notebook as it ran, with its outputs and verdicts, for feedback.
    isolate : bool
        Run each notebook in a bubblewrap sandbox (False: ``--no-sandbox``, a plain child process).
    checks_module : str
        The module holding the checks the check cells call (``checks.NAME(function)``).
    limits : sandbox.Limits, optional
        What each sandbox may use.
    notebooks : list of str, optional
        The assignment: every exercise of these notebooks counts, and a notebook a learner did
        not hand in is ``not_submitted``. Default: every course notebook that has exercises.
    scheduler : str, optional
        The address of a Dask scheduler (``tcp://host:8786``) whose workers run the tasks; by
        default they run here, ``jobs`` at a time.

    Returns
    -------
    list of Row
        Per learner, per assigned notebook, per exercise.
    """
    course = course_for(source_dir, checks_module)
    assigned = list(notebooks) if notebooks else list(course.names)
    unknown = [name for name in assigned if name not in course]
    if unknown:
        raise ValueError(f"not course notebooks with exercises: {', '.join(unknown)} (the course has "
                         f"{', '.join(course.names)})")
    options = Options(timeout=timeout, isolate=isolate, limits=limits or sandbox.Limits(),
                      secret=secrets.randbits(63), budget=budget)  # the secret: this run's, never stored
    submissions = files.find_submissions(submissions_dir, course.match)
    tasks = [(learner, nb, mine[nb]) for learner, mine in submissions.items() if isinstance(mine, dict)
             for nb in assigned if nb in mine]
    done = _run_tasks(tasks, source_dir, checks_module, options, jobs, scheduler, _reader(submissions_dir))
    rows = []
    for learner, mine in submissions.items():
        for notebook in assigned:
            if isinstance(mine, files.Problem):
                rows += [Row(learner, notebook, ex.name, 0.0, ex.points, "invalid", _clip(str(mine)))
                         for ex in course[notebook].exercises]
                continue
            if (learner, notebook) not in done:
                missing = f"no {notebook}.ipynb in {learner}/"
                rows += [Row(learner, notebook, ex.name, 0.0, ex.points, "not_submitted", missing)
                         for ex in course[notebook].exercises]
                continue
            mine, executed = done[learner, notebook]
            rows += mine
            if executed_dir is not None and executed is not None:
                target = Path(executed_dir) / files.learner_path(learner) / f"{notebook}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nbformat.from_dict(executed), target)
    return rows


def write_report(rows, basename, grading=None):
    """Write ``basename.csv`` and ``basename.json`` (atomically, :mod:`dl_instructor.report`) and the class report.

    The class report is ``basename.html`` and ``basename_learners/`` (:mod:`dl_instructor.class_report`);
    its numbers go into the JSON under ``"class"``, and ``grading`` (how the run was made) under ``"grading"``.
    Returns the CSV's and the JSON's paths.
    """
    basename = Path(basename)
    if basename.suffix in (".csv", ".json"):
        basename = basename.with_suffix("")
    basename.parent.mkdir(parents=True, exist_ok=True)
    summary = class_report.write(rows, basename)
    return report.write_report(rows, basename, COLUMNS, extra={"grading": grading or {}, "class": summary})


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m dl_instructor.grade",
        description="Score submitted notebooks (SUBMISSIONS/<learner>/NN_<name>.ipynb), each run in a sandbox.",
    )
    parser.add_argument("submissions", type=Path, help="one folder per learner; never written to")
    parser.add_argument("--out", type=Path, required=True, help="report basename: writes OUT.csv and OUT.json")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="course notebooks (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=30,
                        help="seconds per cell and per call of a learner's function (default: %(default)s)")
    parser.add_argument("--budget", type=float, default=TOTAL_TIMEOUTS, metavar="TIMEOUTS",
                        help="a notebook's whole time in the grader, in timeouts (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at once (default: %(default)s)")
    parser.add_argument("--executed", type=Path, default=None, help="save the notebooks as run, with verdicts, here")
    parser.add_argument("--checks", default="dl_utils.checks", help="the checks' module (default: %(default)s)")
    parser.add_argument("--notebooks", nargs="+", default=None, metavar="NAME",
                        help="the assignment: these course notebooks (default: every one with exercises)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the tasks on this Dask scheduler's workers (tcp://host:8786; needs the "
                             "'cluster' extra) instead of --jobs local processes")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run learners' code without a sandbox (only for code you trust; recorded in the report)")
    term.add_arguments(parser)  # --compare-to, --lms, --roster
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    out = args.out.resolve()
    if out.is_relative_to(args.submissions.resolve()) or (
            args.executed and args.executed.resolve().is_relative_to(args.submissions.resolve())):
        parser.error("the report and --executed must be outside the submissions folder, which is never written to")
    term_state = term.before(parser, args)  # the old report and the roster, read before any grading
    if not args.no_sandbox:
        why = sandbox.available()
        if why:
            print(f"error: no sandbox can be made here: {why}.\nLearners' code is untrusted: the grader will not "
                  "run it unsandboxed unless told so with --no-sandbox (see docs/grading.md).", file=sys.stderr)
            return 2
    limits = sandbox.Limits()
    try:
        rows = grade(args.submissions, args.source, args.timeout, args.jobs, args.executed,
                     isolate=not args.no_sandbox, checks_module=args.checks, limits=limits,
                     notebooks=args.notebooks, scheduler=args.scheduler, budget=args.budget)
    except ValueError as e:
        parser.error(str(e))
    grading = {"sandbox": "none (--no-sandbox)" if args.no_sandbox else "bubblewrap",
               "scheduler": args.scheduler or f"local, {args.jobs} at a time",
               "timeout": args.timeout, "budget_timeouts": args.budget, "limits": asdict(limits)}
    csv_path, json_path = write_report(rows, args.out, grading)
    term.after(args, rows, term_state)
    totals = {}
    for r in rows:
        t = totals.setdefault(r.learner, [0.0, 0.0])
        t[0] += r.points
        t[1] += r.max_points
    for learner, (points, max_points) in totals.items():
        print(f"{learner}: {points:g} / {max_points:g}")
    if args.no_sandbox:
        print("graded WITHOUT a sandbox (--no-sandbox): the report says so")
    print(f"wrote {csv_path}, {json_path} and the class report {csv_path.with_suffix('.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
