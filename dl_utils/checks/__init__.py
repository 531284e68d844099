"""Checks of the course's exercises: ``checks.<exercise>(fn)``, one per function a learner writes.

Each check runs the learner's function on a case computed by hand, then on random cases
compared with the reference library, and prints one line when every result is right::

    >>> checks.linear_forward(linear_forward)
    linear_forward: all checks passed.

``hidden=True`` runs the extra cases of the graded version (one example, a single unit,
float32 inputs, deeper and wider networks) and prints ``<name>: all hidden checks passed.``

When a result is wrong the check raises :class:`CheckFailed`, an AssertionError saying what is
wrong (type, shape, value, a changed argument, an exception), on which inputs, and the likely
cause, taken from the catalogue of common mistakes (:mod:`dl_utils.checks.mistakes`); its
``mistake`` is that mistake's id. Every mathematically correct answer passes, however it is written.

The grader calls the same checks with what it injects: ``call``, how to call a function that
runs in its sandbox, and ``secret``, the salt of the random cases (see :func:`~._engine.make_check`).

The map of the package. Each notebook with exercises has two modules, named after it:

    cases_<notebook>     its exercises' records (:class:`~._engine.Exercise`): the reference, the
                         hand-computed cases with their arithmetic, the random ones, the comparison,
                         and ``uses``, the functions of dl_utils its text hands the learner
    mistakes_<notebook>  its exercises' catalogued mistakes, each with its hint and its own code

and the machinery all of them share:

    _engine      the record of an exercise and its random cases (sized, seeded, or salted by the
                 grader's secret); the loop every check runs: call, compare, diagnose, report
    _network     the core's worked layer and network, by hand, and the random ones, which the cases
                 of notebooks 02, 04, 05, 09 and 10 draw
    _runner      call the learner's function on copies; catch its exceptions and warnings; report
                 what it changed in its arguments
    _compare     compare a result with the expected one, with precise messages
    _failure     CheckFailed, what a failed check raises, and how it is shown
    _plain       what a function returned, as the plain data the grader's wire carries
    mistakes     the record of a catalogued mistake and the catalogue they all join

Everything else finds an exercise by itself: :func:`exercise` and :data:`EXERCISE_NAMES` here, the
learner version (``dl_instructor.release``), the grader, and the tests' lists.
"""

import importlib
from dataclasses import replace

from ._failure import CheckFailed  # noqa: F401 - public: what a failed check raises

# The notebooks with exercises. Their mistakes join the catalogue in this order, the order it was first
# written in (07 and 08, then 11, 09 and 10): the ids and the class reports stay as they were.
NOTEBOOKS = ("01_initialize", "02_forward", "03_cost", "04_backward", "05_update", "07_gradient_checking",
             "08_initialization", "11_multiclass", "09_regularization", "10_optimization")

_RECORDS = {}
for _notebook in NOTEBOOKS:
    importlib.import_module(f".mistakes_{_notebook}", __name__)  # adds its mistakes to the catalogue
    for _record in importlib.import_module(f".cases_{_notebook}", __name__).EXERCISES:
        _RECORDS[_record.name] = replace(_record, notebook=f"{_notebook}.ipynb")

EXERCISE_NAMES = tuple(_RECORDS)  # every exercise that has a check, in the order of NOTEBOOKS
__all__ = list(EXERCISE_NAMES)  # the checks, one per exercise
globals().update({_name: _record.check() for _name, _record in _RECORDS.items()})


def exercise(name):
    """The record of the exercise ``name`` (one of :data:`EXERCISE_NAMES`): its cases, its check, the notebook
    that holds it (``.notebook``) and the functions of ``dl_utils`` its text hands the learner (``.uses``)."""
    return _RECORDS[name]
