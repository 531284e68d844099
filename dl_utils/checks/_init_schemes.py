"""The checks of notebook 08's exercises, ``initialize_parameters_zeros`` and ``initialize_parameters_he``.

Zeros has one right answer. He's answer is random but seeded, and the exercise prescribes the draw
(``rng = np.random.default_rng(seed)``, ``rng.standard_normal((n_l, n_prev)) * np.sqrt(2 / n_prev)`` for
each layer in order), so, as for ``initialize_parameters_deep`` (:mod:`._initialize`), the check names
a wrong scale or distribution from the statistics of a large network (keys and shapes, float64, b
exactly zero, W with mean about 0, standard deviation about sqrt(2 / n_prev), a normal's tails, no
layer repeating another's draws, the seed respected), then compares the values with that draw.
"""

import numpy as np

from ..initialize import initialize_parameters_he as reference_he
from ..initialize import initialize_parameters_zeros as reference_zeros
from . import mistakes_init
from ._compare import FLOAT64, Mismatch, check_dict
from ._engine import Case, docstring, print_reference_note, run
from ._initialize import compare_draw, network_case, run_draw_check

__all__ = ["initialize_parameters_zeros", "initialize_parameters_he"]

ZEROS, HE = "initialize_parameters_zeros", "initialize_parameters_he"
# By hand: [3, 2, 1] gives W1 (2, 3), b1 (2, 1), W2 (1, 2), b2 (1, 1); [5, 4, 3, 1] gives W1 (4, 5) ... b3 (1, 1).
VISIBLE = [[3, 2, 1], [5, 4, 3, 1]]
HIDDEN = [[1, 1], [4, 1], [6, 8, 7, 5, 4, 1], [2, 30, 1]]
# The statistics as in _initialize: layers of 10,000 to 40,000 weights, std within 5% (7 standard errors of
# the sample std), mean within 6 standard errors. Measured over 1000 seeds of the reference: std within 2.6%.
# The nearest wrong scales: 1/sqrt(n_prev) is 29% too small, sqrt(2 / n_l) (fan-out) 50% too small in layer 1.
STATS_DIMS = [400, 100, 100, 100]
STD_TOLERANCE = 0.05


def _shapes(dims):
    return {f"{p}{l}": (dims[l], dims[l - 1] if p == "W" else 1) for l in range(1, len(dims)) for p in "Wb"}


def _zeros_cases(hidden):
    return [Case("a network", {"layers_dims": dims}, reference_zeros(dims), FLOAT64)
            for dims in (HIDDEN if hidden else VISIBLE)]


def _compare_zeros(parameters, case):
    check_dict("parameters", parameters, case.expected, case.tol, exact=True)
    for key, value in parameters.items():
        if value.dtype != np.float64:
            raise Mismatch(f"parameters['{key}'] has dtype {value.dtype}, expected float64: np.zeros(shape) gives "
                           "float64; leave out dtype=int (gradient descent could not update integer parameters)")


def _compare_he(parameters, case, values=True):
    compare_draw(parameters, case, _check_he_scale, "* np.sqrt(2 / n_prev)", mistakes_init.B_ZERO, values)


def _check_he_scale(label, W, n_prev, n_l):
    std, target = float(W.std()), np.sqrt(2 / n_prev)
    if abs(std / target - 1) > STD_TOLERANCE:
        found = [hint for scale, hint in mistakes_init.he_scales(n_prev, n_l) if abs(std / scale - 1) <= STD_TOLERANCE]
        raise Mismatch(f"{label} has standard deviation {std:.4f}, expected about sqrt(2 / n_prev) = {target:.4f} "
                       f"(n_prev = {n_prev}): {found[0] if found else 'multiply by np.sqrt(2 / n_prev)'}")


def initialize_parameters_zeros(fn, hidden=False):
    run(ZEROS, fn, _zeros_cases(hidden), _compare_zeros, (), hidden)


def initialize_parameters_he(fn, hidden=False):
    if not (callable(fn) or hasattr(fn, "call_outcome")):
        raise AssertionError(f"{HE}: expected a function, got {type(fn).__name__}: pass the function itself, "
                             f"checks.{HE}({HE}), without calling it")
    # The large network first, as for initialize_parameters_deep: a wrong scale is named from its statistics.
    cases = [network_case(dims, reference_he) for dims in [STATS_DIMS] + (HIDDEN if hidden else VISIBLE)]
    outcomes = run_draw_check(HE, fn, cases, _compare_he)
    print(f"{HE}: all {'hidden ' if hidden else ''}checks passed.")
    print_reference_note(HE, outcomes)


for _check, _name in ((initialize_parameters_zeros, ZEROS), (initialize_parameters_he, HE)):
    _check.__doc__ = docstring(_name).replace(
        "(one example, a single unit, float32 inputs, deeper and\n        wider networks)",
        "(one layer, a single unit, deeper and wider networks)")
