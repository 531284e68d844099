"""Grading on a Dask cluster gives the report a local run gives, even when a worker dies mid-run.

A scheduler and two worker processes are started on loopback by the test (distributed's
LocalCluster); the small course of tests/test_grade.py is graded once locally and once with
``--scheduler``, and the rows must be the same, but for the time each took.
"""

import contextlib
import io
import json
import os
import threading
from pathlib import Path

import nbformat
import pytest
from sandboxed import require_sandbox
from test_grade import ADD, MEAN, SOURCE, learner_version, solved

from dl_instructor import grade

require_sandbox()
distributed = pytest.importorskip("distributed")

LEARNERS = {
    "ada": solved(),
    "bob": learner_version(),
    "wrong": solved(ex_add=ADD + "    return a - b", ex_mean_of=MEAN + "    return None"),
    "crash": solved(ex_add=ADD + "    import os\n    os._exit(3)"),
    # Slow: its notebook takes 3 s, so a worker killed a second after the start has a task under way.
    "slow": solved(ex_mean_of=MEAN + "    return float(np.mean(x))\n\nimport time\ntime.sleep(3)"),
}


def _comparable(rows):
    return sorted((r.learner, r.notebook, r.exercise, r.points, r.max_points, r.status, r.message, r.mistake)
                  for r in rows)


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster_submissions")
    for learner, nb in LEARNERS.items():
        (folder / learner).mkdir()
        nbformat.write(nb, folder / learner / "01_tiny.ipynb")
    return folder


@pytest.fixture(scope="module")
def cluster():
    # The workers import the fixture course's checks (tiny_checks), as the grader does.
    path = os.pathsep.join(p for p in (str(SOURCE.parent), str(Path(__file__).parent), os.environ.get("PYTHONPATH"))
                           if p)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", path)
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=None, silence_logs=50) as local:
            yield local


def test_a_cluster_run_equals_the_local_run_even_when_a_worker_dies(submissions, cluster, tmp_path):
    local = grade.grade(submissions, SOURCE, timeout=2, jobs=2, checks_module="tiny_checks")
    with distributed.Client(cluster.scheduler_address) as client:
        victim = sorted(client.scheduler_info()["workers"])[0]

        def kill_soon():
            threading.Timer(1.0, os._exit, (1,)).start()

        client.run(kill_soon, workers=[victim])
        on_cluster = grade.grade(submissions, SOURCE, timeout=2, checks_module="tiny_checks",
                                 scheduler=cluster.scheduler_address)
    assert len(on_cluster) == 2 * len(LEARNERS)
    assert _comparable(on_cluster) == _comparable(local)
    assert {(r.learner, r.exercise): r.status for r in on_cluster if r.learner in ("ada", "crash")} == {
        ("ada", "add"): "passed", ("ada", "mean_of"): "passed", ("crash", "add"): "crashed",
        ("crash", "mean_of"): "passed"}


def test_the_cli_takes_a_scheduler_and_records_it(submissions, cluster, tmp_path):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = grade.main([str(submissions), "--source", str(SOURCE), "--checks", "tiny_checks", "--timeout", "2",
                             "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "report")])
    assert status == 0 and "ada: 3 / 3" in printed.getvalue()
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["grading"]["scheduler"] == cluster.scheduler_address
