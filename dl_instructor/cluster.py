"""Grading tasks on a Dask cluster: one task per notebook of one learner, each in the worker's own sandbox.

``python -m dl_instructor.grade SUBMISSIONS --out REPORT --scheduler tcp://HOST:8786`` sends every
task to the workers of that `Dask distributed <https://distributed.dask.org>`_ scheduler instead of
running them here. Dask is made for this: it places tasks on free workers, and re-runs a task
whose worker died (``retries``, and the scheduler's ``allowed-failures`` for lost workers); its
``dask-jobqueue`` and ``dask-kubernetes`` start workers on Slurm, PBS or Kubernetes.

What a worker needs: this repository (the course's notebooks and the ``dl_instructor`` and
``dl_utils`` packages, installed with the ``instructor`` and ``cluster`` extras) at the same path
as the grader's, bubblewrap, and nothing else: the grader reads each submission itself and sends
its bytes with the task, so no worker sees the submissions folder, and every row comes back to the
grader, which alone writes the report. A task that fails on every try becomes rows with status
``grader_error`` and the reason: the report is complete in every case.
"""

import hashlib

RETRIES = 2  # more tries of a task that raised, on top of Dask's own re-runs after a lost worker


def run(scheduler, tasks, source_dir, checks_module, options, read, task, failed_rows):
    """``{(learner, notebook): (rows, executed)}`` for ``tasks``, computed by the workers of ``scheduler``.

    ``task`` is the grading task (``tasks.grade_task``) and ``failed_rows(source_dir, checks_module,
    learner, notebook, message)`` the rows of a task that failed on every try: handed in, so that this
    module imports nothing of the grader's.
    """
    from distributed import Client, as_completed

    results = {}
    with Client(scheduler, timeout=30) as client:
        futures = {}
        for learner, notebook, path in tasks:
            data = read(path)
            key = "grade-" + hashlib.sha256(f"{learner}\0{notebook}\0{options.secret}".encode()).hexdigest()[:24]
            future = client.submit(task, str(source_dir), checks_module, learner, notebook, data, options,
                                   key=key, retries=RETRIES, pure=False)
            futures[future] = (learner, notebook)
        for future in as_completed(futures):
            learner, notebook = futures[future]
            try:
                results[learner, notebook] = future.result()
            except Exception as e:  # noqa: BLE001 - the task failed on every worker that tried it
                message = f"the grading task failed on the cluster ({type(e).__name__}: {e})"
                results[learner, notebook] = (failed_rows(source_dir, checks_module, learner, notebook, message),
                                              None)
    return results
