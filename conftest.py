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

``python -m pytest -n 0`` runs everything in one process, in this order.
"""

import os
import sys

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

# The slowest files, slowest first (python -m pytest -n 0 --durations=0, summed per file).
SLOW_FIRST = (
    "tests/test_grade_nbgrader.py", "tests/test_grade_redteam.py", "tests/test_grade_same_verdict.py",
    "tests/test_grade_cluster.py", "tests/test_grade.py", "tests/test_grade_course.py", "tests/test_grade_deny.py",
    "tests/test_grade_limits.py", "tests/test_install.py", "tests/test_build_datasets.py", "tests/test_regrade.py",
    "tests/test_distribute.py",
)


def _rank(item):
    path = item.nodeid.split("::")[0]
    if path in SLOW_FIRST:
        return SLOW_FIRST.index(path)
    return len(SLOW_FIRST) + (0 if path.endswith(".ipynb") else 1)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_rank)  # stable: the tests of a file keep their order
