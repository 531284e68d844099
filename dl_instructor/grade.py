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
import secrets
import sys
from dataclasses import asdict
from pathlib import Path

import nbformat

from . import class_report, files, report, sandbox, term
from .judge import TOTAL_TIMEOUTS
from .model import COLUMNS, MAX_MESSAGE, Course, CourseNotebook, GradedExercise, Options, Row, course_for, zero_rows
from .release import SOURCE_DIR
from .tasks import _reader, grade_notebook, grade_task, run_tasks

__all__ = ["COLUMNS", "MAX_MESSAGE", "Course", "CourseNotebook", "GradedExercise", "Options", "Row", "course_for",
           "grade", "grade_notebook", "grade_task", "main", "write_report", "zero_rows"]


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
    done = run_tasks(tasks, source_dir, checks_module, options, jobs, scheduler, _reader(submissions_dir))
    rows = []
    for learner, mine in submissions.items():
        for notebook in assigned:
            if isinstance(mine, files.Problem):
                rows += zero_rows(course[notebook], learner, notebook, "invalid", str(mine))
                continue
            if (learner, notebook) not in done:
                rows += zero_rows(course[notebook], learner, notebook, "not_submitted",
                                  f"no {notebook}.ipynb in {learner}/")
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
    basename = report.beside(basename, "")
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
    for learner, total in report.totals([asdict(r) for r in rows]).items():
        print(f"{learner}: {total['points']:g} / {total['max_points']:g}")
    if args.no_sandbox:
        print("graded WITHOUT a sandbox (--no-sandbox): the report says so")
    print(f"wrote {csv_path}, {json_path} and the class report {csv_path.with_suffix('.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
