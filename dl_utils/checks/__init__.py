"""Checks of the course's exercises: ``checks.<exercise>(fn)``, one per function a learner writes.

Each check runs the learner's function on a case computed by hand, then on random cases
compared with the reference library, and prints one line when every result is right::

    >>> checks.linear_forward(linear_forward)
    linear_forward: all checks passed.

``hidden=True`` runs the extra cases of the graded version (one example, a single unit,
float32 inputs, deeper and wider networks) and prints ``<name>: all hidden checks passed.``

When a result is wrong the check raises AssertionError saying what is wrong (type, shape,
value, a changed argument, an exception), on which inputs, and the likely cause, taken
from the catalogue of common mistakes in :mod:`dl_utils.checks.mistakes`. Every
mathematically correct answer passes, however it is written.

The pieces, each small::

    _runner      call the learner's function on copies; catch its exceptions and warnings;
                 report what it changed in its arguments
    _compare     compare a result with the expected one, with precise messages
    _cases       one record per exercise: its reference, its hand-computed cases (arithmetic in
                 comments) and its seeded random ones, its comparison
    _exercises   what each exercise returns and how it is compared
    _engine      the loop all checks share: call, compare, diagnose, report
    _initialize  the checks of the seeded random exercises, by their statistics, and of the zeros
    mistakes     the catalogue of common mistakes, each with its hint and an implementation
"""

# The order of import is the catalogue's order of mistakes, as when each module had an import of its own: the
# core's, then notebooks 07, 08, 11, 09 and 10 (imported below, after the core's checks).
from . import _cases, _gradient, _initialize, _multiclass, _regularization

__all__ = [
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "relu_backward",
    "sigmoid_backward",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
]


initialize_parameters_deep = _initialize.check
for _name in __all__[1:]:  # the core's other checks: one record each in _cases, comparing as in _exercises
    globals()[_name] = _cases.EXERCISES[_name].check()

# The checks of notebooks 07 to 11, appended after the core's.
from . import _optimization  # noqa: E402
from ._failure import CheckFailed  # noqa: E402, F401 - public: what a failed check raises

for _module in (_gradient, _initialize, _multiclass, _regularization, _optimization):
    globals().update({_name: getattr(_module, _name) for _name in _module.__all__})
    __all__ += _module.__all__

_RECORDS = {name: module.EXERCISES[name] for module in (_cases, _gradient, _initialize, _multiclass, _regularization,
                                                        _optimization) for name in module.EXERCISES}
EXERCISE_NAMES = tuple(__all__)  # every exercise that has a check, in the notebooks' order: 01 to 05, then 07 to 11


def exercise(name):
    """The record of the exercise ``name`` (one of :data:`EXERCISE_NAMES`): its cases, its check, the notebook
    that holds it (``.notebook``) and the functions of ``dl_utils`` its text hands the learner (``.uses``)."""
    return _RECORDS[name]

