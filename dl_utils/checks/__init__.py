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
    _cases       the hand-computed cases (arithmetic in comments) and the seeded random ones
    _exercises   what each exercise returns and how it is compared
    _engine      the loop all checks share: call, compare, diagnose, report
    _initialize  the checks of the seeded random exercises, by their statistics, and of the zeros
    mistakes     the catalogue of common mistakes, each with its hint and an implementation
"""

# _gradient before _initialize: notebook 07's mistakes stay catalogued before notebook 08's.
from . import _cases, _engine, _exercises, _gradient, _initialize

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


def _check(name):
    return _engine.make_check(name, lambda hidden: _cases.cases(name, hidden), getattr(_exercises, name),
                              lambda: _cases.diagnostic_cases(name))


initialize_parameters_deep = _initialize.check
linear_forward = _check("linear_forward")
linear_activation_forward = _check("linear_activation_forward")
L_model_forward = _check("L_model_forward")
compute_cost = _check("compute_cost")
relu_backward = _check("relu_backward")
sigmoid_backward = _check("sigmoid_backward")
linear_backward = _check("linear_backward")
linear_activation_backward = _check("linear_activation_backward")
L_model_backward = _check("L_model_backward")
update_parameters = _check("update_parameters")

# notebook 07's checks, appended after the core's
centered_difference = _gradient.centered_difference
relative_error = _gradient.relative_error
__all__ += _gradient.__all__

# notebook 08's checks
initialize_parameters_zeros = _initialize.initialize_parameters_zeros
initialize_parameters_he = _initialize.initialize_parameters_he
__all__ += _initialize.__all__

from . import _multiclass  # noqa: E402 - notebook 11's checks, appended after the core's

softmax = _multiclass.softmax
compute_cost_softmax = _multiclass.compute_cost_softmax
one_hot = _multiclass.one_hot
__all__ += _multiclass.__all__

from . import _regularization  # noqa: E402 - notebook 09's checks

compute_cost_with_regularization = _regularization.compute_cost_with_regularization
backward_propagation_with_regularization = _regularization.backward_propagation_with_regularization
forward_propagation_with_dropout = _regularization.forward_propagation_with_dropout
backward_propagation_with_dropout = _regularization.backward_propagation_with_dropout
__all__ += _regularization.__all__

from . import _optimization  # noqa: E402 - notebook 10's checks

random_mini_batches = _optimization.random_mini_batches
update_parameters_with_momentum = _optimization.update_parameters_with_momentum
update_parameters_with_adam = _optimization.update_parameters_with_adam
__all__ += _optimization.__all__
