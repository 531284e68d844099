"""The checks of notebook 08's exercises, ``initialize_parameters_zeros`` and ``initialize_parameters_he``.

Zeros has one right answer. He's answer is random, so, as for ``initialize_parameters_deep``
(:mod:`._initialize`), the check asks what every correct draw shares: keys and shapes, float64,
b exactly zero, W with mean about 0 and standard deviation about sqrt(2 / n_prev) in every
layer of a large network, the same parameters for the same seed and others for another seed.
"""

import numpy as np

from ..initialize import initialize_parameters_zeros as reference_zeros
from . import mistakes_init
from ._compare import FLOAT64, Mismatch, check_array, check_dict, check_keys
from ._engine import Case, check_case, docstring, print_reference_note, run
from ._initialize import _check_seed

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
            raise Mismatch(f"parameters['{key}'] has dtype {value.dtype}, expected float64: np.zeros gives float64")


def _compare_he(parameters, case):
    dims = case.expected
    shapes = _shapes(dims)
    check_keys("parameters", parameters, shapes, exact=True)
    for l in range(1, len(dims)):
        for key in (f"W{l}", f"b{l}"):
            check_array(f"parameters['{key}']", parameters[key], np.zeros(shapes[key]), None)
            if parameters[key].dtype != np.float64:
                raise Mismatch(f"parameters['{key}'] has dtype {parameters[key].dtype}, expected float64")
        if np.any(parameters[f"b{l}"] != 0):
            raise Mismatch(f"parameters['b{l}'] is not all zeros: {mistakes_init.B_ZERO}")
        if parameters[f"W{l}"].size >= 5000:
            _check_he_scale(f"parameters['W{l}']", parameters[f"W{l}"], dims[l - 1], dims[l])


def _check_he_scale(label, W, n_prev, n_l):
    mean, std, target = float(W.mean()), float(W.std()), np.sqrt(2 / n_prev)
    if abs(mean) > 6 * std / np.sqrt(W.size):
        raise Mismatch(f"{label} has mean {mean:.4f}, expected about 0 (within {6 * std / np.sqrt(W.size):.4f}): "
                       f"{mistakes_init.NOT_CENTRED}")
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
    outcomes = [check_case(HE, fn, Case("a network", {"layers_dims": dims}, dims, FLOAT64, {"seed": 1}), _compare_he)
                for dims in (HIDDEN if hidden else VISIBLE) + [STATS_DIMS]]
    _check_seed(fn, HE)  # the same seed gives the same draw, another seed another one
    print(f"{HE}: all {'hidden ' if hidden else ''}checks passed.")
    print_reference_note(HE, outcomes)


for _check, _name in ((initialize_parameters_zeros, ZEROS), (initialize_parameters_he, HE)):
    _check.__doc__ = docstring(_name).replace(
        "(one example, a single unit, float32 inputs, deeper and\n        wider networks)",
        "(one layer, a single unit, deeper and wider networks)")
