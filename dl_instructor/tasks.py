"""The grading tasks: one notebook of one learner, run on a local process or on a Dask worker.

:func:`grade_notebook` rebuilds, runs and judges one submitted notebook (never raises);
:func:`run_tasks` runs every task, ``jobs`` local processes at a time or on a Dask cluster
(:mod:`dl_instructor.cluster`, which is handed the task function and so imports nothing of this).
"""

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from . import files, sandbox
from . import submission as _submission
from .judge import NotebookRun
from .model import Row, _clip, course_for, zero_rows


def grade_notebook(course, learner, notebook, data, options):
    """The report rows of one submitted notebook, and the notebook as it ran (None if it did not). Never raises.

    ``data`` is the file's bytes, or, if it could not be read, the reason why (a str).
    """
    graded = course[notebook]

    def rows(status, message):
        return zero_rows(graded, learner, notebook, status, message)

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
               round(verdict.seconds, 3), verdict.mistake)


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


def run_tasks(tasks, source_dir, checks_module, options, jobs, scheduler, _read):
    """``{(learner, notebook): (rows, executed)}``, on local threads or on a Dask cluster."""
    if scheduler is None:
        # Processes, not threads: each judges one notebook at a time, with its own stdout for the checks' lines.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
            futures = {(lr, nb): pool.submit(grade_task, str(source_dir), checks_module, lr, nb, _read(path), options)
                       for lr, nb, path in tasks}
            return {key: _result(future, key, source_dir, checks_module) for key, future in futures.items()}
    from . import cluster  # Dask is an optional extra

    return cluster.run(scheduler, tasks, source_dir, checks_module, options, _read, grade_task, failed_rows)


def _result(future, key, source_dir, checks_module):
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - a grading process that died costs its notebook's rows only
        learner, notebook = key
        return zero_rows(course_for(source_dir, checks_module)[notebook], learner, notebook, "grader_error",
                         f"the grading process failed on this notebook: {type(e).__name__}: {e}"), None



def failed_rows(source_dir, checks_module, learner, notebook, message):
    """The rows of a task that failed on every try (for :mod:`dl_instructor.cluster`)."""
    return zero_rows(course_for(source_dir, checks_module)[notebook], learner, notebook, "grader_error", message)
