"""How ``python -m pytest`` shares the machine: one pytest-xdist worker per core.

``-n auto --dist loadfile`` (pyproject.toml) runs each file, test module or notebook, on
one worker, in order: a notebook's cells share one kernel, and a module's module-scoped
fixtures (the grader's report, the rebuilt datasets) are built once.

- **BLAS threads.** Each worker, and every notebook or grading kernel it starts (they inherit
  its environment), gets ``cores // workers`` BLAS threads, at least one, unless the variable
  is set already. Two workers each running OpenBLAS on both cores would oversubscribe them,
  and OpenBLAS's idle threads spin.
- **Order.** The files that take longest start first (``--no-loadscope-reorder`` keeps this
  order), so that the workers finish together: the grader's tests, which run kernels that
  sit out timeouts, the install into a new environment, the dataset rebuild, then the
  notebooks, then the quick unit tests.
  The order changes nothing but the time.
- **Units.** A file is one unit of work, but for the tests :data:`UNIT_OF` takes out of a slow
  file, which share no module-scoped fixture with the rest of it (tests/test_work_units.py): a
  worker that runs a file's long batch is then not left alone with the file's other grader runs.

``python -m pytest -n 0`` runs everything in one process, in this order.
"""

import os
import sys

import pytest

# nbval is loaded from here, not by its entry point (``-p no:nbval`` in pyproject.toml), so that
# this line comes first: nbformat imports jsonschema, which imports rfc3987_syntax when it is
# installed (jupyter-events asks for it), and rfc3987_syntax builds an Earley parser as it is
# imported, 2 s in each of the three pytest processes, before any test can start. Without it,
# jsonschema only lacks its "iri" format check, which nbformat's schema never uses.
sys.modules.setdefault("rfc3987_syntax", None)
if "nbval.plugin" not in sys.modules:  # else loaded already by its entry point (-o addopts="", as .ci/e2e.sh does)
    pytest_plugins = ["nbval.plugin"]

_WORKERS = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
if _WORKERS:
    # Here, at the worker's start, before anything in it imports numpy (hence not
    # dl_bench.available_cores, whose module imports numpy).
    _cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_name, str(max(1, _cores // int(_WORKERS))))

# The slowest units of work (files, or units of UNIT_OF), slowest first, so that the longest start
# at once and the short ones fill in at the end. Seconds of each in a full run, python -m pytest
# --durations=60 (2026-12-07, the shared 2-core machine at load average 4-10): the red team's batch 234,
# same verdict 196, notebook 06 181, nbgrader 110, distribute 69, the red team's budget 67, grade 49,
# readme 47, cluster 39, deny 33, the red team's files_report 28, regrade 26, odd bytes 25, course 24,
# a fifo 23, 200 MB 18; the dataset rebuild and the limits 4-5. (tests/test_install.py runs in .ci/run
# only, DL_INSTALL=1.)
SLOW_FIRST = (
    "tests/test_grade_redteam.py", "tests/test_grade_same_verdict.py", "notebooks/06_application.ipynb",
    "tests/test_grade_nbgrader.py", "tests/test_distribute.py", "red team: the budget", "tests/test_grade.py",
    "tests/test_readme.py", "tests/test_similarity.py", "tests/test_grade_cluster.py", "tests/test_grade_deny.py",
    "red team: files_report",
    "tests/test_regrade.py", "red team: odd bytes", "tests/test_grade_course.py", "red team: a fifo",
    "red team: 200 MB printed", "tests/test_build_datasets.py", "tests/test_grade_limits.py",
)


# Tests of a slow file that need none of its module-scoped fixtures but their own: each such group is a
# unit of work of its own, which either worker may take, instead of waiting behind the file's batch on
# the worker that runs it. The red team: its batch 321 s, these 218 s (the budget 70, the odd files 49,
# odd bytes 42, 200 MB printed 35, the fifo 22), one run with -n 0 --durations at load average 12-14.
# A test renamed or gone only goes back to its file's unit.
_REDTEAM = "tests/test_grade_redteam.py::"
UNIT_OF = {
    _REDTEAM + "test_a_notebook_gets_its_budget_and_no_more": "red team: the budget",
    **{_REDTEAM + name: "red team: files_report" for name in (
        "test_deeply_nested_json_is_an_invalid_row", "test_an_honest_learner_next_to_odd_files_gets_full_marks",
        "test_no_csv_field_starts_a_formula", "test_nbformat_3_is_converted_or_named",
        "test_symlinks_out_of_the_submissions_are_not_credited",
        "test_a_folder_whose_name_starts_with_a_dot_gets_its_rows_or_a_message")},
    _REDTEAM + "test_odd_bytes_in_names_and_surrogates_in_messages_do_not_lose_the_report": "red team: odd bytes",
    _REDTEAM + "test_printing_200_mb_costs_the_grader_no_memory": "red team: 200 MB printed",
    _REDTEAM + "test_a_fifo_and_a_symlink_to_dev_zero_are_invalid_rows": "red team: a fifo",
}


def _unit(nodeid):
    """The unit of work of a test: its file, or the unit :data:`UNIT_OF` gives it."""
    return UNIT_OF.get(nodeid.split("[")[0]) or nodeid.split("::")[0]


def _rank(item):
    path = item.nodeid.split("::")[0]
    for key in (_unit(item.nodeid), path):  # a unit SLOW_FIRST does not name goes with its file
        if key in SLOW_FIRST:
            return SLOW_FIRST.index(key)
    return len(SLOW_FIRST) + (0 if path.endswith(".ipynb") else 1)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, but the tests of :data:`UNIT_OF` in the units it names."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid):
            return _unit(nodeid)

    return Scheduling(config, log)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_rank)  # stable: the tests of a unit keep their order
