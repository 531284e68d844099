"""The check of ``initialize_parameters_deep``, whose answer is random.

No fixed output can be expected, so the check asks what every correct answer shares:
the keys and shapes, float64, b exactly zero, W with mean about 0 and standard
deviation about 1/sqrt(n_prev) in every layer, the same parameters for the same seed
and different ones for another seed.
"""

import numpy as np

from ._compare import FLOAT64, Mismatch, check_array, check_keys
from ._engine import Case, check_case, docstring, print_reference_note
from ._runner import call
from .mistakes import HINTS

NAME = "initialize_parameters_deep"

# By hand: layers_dims [3, 2, 1] gives W1 (n_1, n_0) = (2, 3), b1 (2, 1), W2 (n_2, n_1) = (1, 2), b2 (1, 1).
VISIBLE = [[3, 2, 1], [5, 4, 3, 1]]
HIDDEN = [[1, 1], [4, 1], [6, 8, 7, 5, 4, 1], [2, 30, 1]]
# Layers of 10,000 to 40,000 weights: the standard error of the sample standard deviation is
# at most 0.7%, so the 5% tolerance is 7 standard errors, and the mean is allowed 6. Measured over
# 1000 seeds x 3 layers of the reference: std within 2.7%, mean within 4.1 standard errors.
# 0.01 scaling, He's sqrt(2/n) and Glorot's sqrt(2/(n_prev + n)) (1.26 times too large in
# layer 1) all land outside.
STATS_DIMS = [400, 100, 100, 100]
STD_TOLERANCE = 0.05
SCALES = {"init_0.01": lambda n: 0.01, "init_he": lambda n: np.sqrt(2 / n), "init_no_scale": lambda n: 1.0,
          "init_over_n": lambda n: 1 / n}


def check(fn, hidden=False):
    if not (callable(fn) or hasattr(fn, "call_outcome")):
        raise AssertionError(f"{NAME}: expected a function, got {type(fn).__name__}")
    outcomes = []
    for dims in (HIDDEN if hidden else VISIBLE) + [STATS_DIMS]:
        case = Case("a network", {"layers_dims": dims}, dims, FLOAT64, {"seed": 1})
        outcomes.append(check_case(NAME, fn, case, _compare))
    _check_seed(fn)
    print(f"{NAME}: all {'hidden ' if hidden else ''}checks passed.")
    print_reference_note(NAME, outcomes)


check.__name__ = check.__qualname__ = NAME
check.__doc__ = docstring(NAME)


def _compare(parameters, case):
    dims = case.expected
    L = len(dims) - 1
    shapes = {f"{p}{l}": (dims[l], dims[l - 1] if p == "W" else 1) for l in range(1, L + 1) for p in "Wb"}
    check_keys("parameters", parameters, shapes, exact=True)
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        check_array(f"parameters['W{l}']", W, np.zeros(shapes[f"W{l}"]), None)
        check_array(f"parameters['b{l}']", b, np.zeros(shapes[f"b{l}"]), None)
        for key, value in ((f"W{l}", W), (f"b{l}", b)):
            if value.dtype != np.float64:
                raise Mismatch(f"parameters['{key}'] has dtype {value.dtype}, expected float64")
        if np.any(b != 0):
            raise Mismatch(f"parameters['b{l}'] is not all zeros: {HINTS['init_b_random']}")
        if W.size >= 5000:
            _check_scale(f"parameters['W{l}']", W, dims[l - 1])


def _check_scale(label, W, n_prev):
    mean, std, target = float(W.mean()), float(W.std()), 1 / np.sqrt(n_prev)
    if abs(mean) > 6 * std / np.sqrt(W.size):
        raise Mismatch(f"{label} has mean {mean:.4f}, expected about 0 (within {6 * std / np.sqrt(W.size):.4f}): "
                       f"{HINTS['init_uniform']}")
    if abs(std / target - 1) > STD_TOLERANCE:
        found = [key for key, scale in SCALES.items() if abs(std / scale(n_prev) - 1) <= STD_TOLERANCE]
        hint = HINTS[found[0]] if found else "scale W by 1 / np.sqrt(n_prev)"
        raise Mismatch(f"{label} has standard deviation {std:.4f}, expected about 1/sqrt(n_prev) = {target:.4f} "
                       f"(n_prev = {n_prev}): {hint}")


def _check_seed(fn, name=NAME):
    # name: the exercise, for the messages (initialize_parameters_he of notebook 08 shares this check).
    outcomes = [call(fn, {"layers_dims": STATS_DIMS}, {"seed": s}) for s in (1, 1, 2)]
    for seed, outcome in zip((1, 1, 2), outcomes, strict=True):
        if outcome.error is not None:
            raise AssertionError(f"{name} raised {type(outcome.error).__name__} with seed={seed}: "
                                 f"{outcome.error}") from outcome.error
    first, again, other = (outcome.value for outcome in outcomes)
    if not np.array_equal(first["W1"], again["W1"]):
        raise AssertionError(f"{name}: two calls with seed=1 gave different W1: the result must depend only on "
                             f"the seed; {HINTS['init_unseeded']}.")
    if np.array_equal(first["W1"], other["W1"]):
        raise AssertionError(f"{name}: seed=1 and seed=2 gave the same W1: {HINTS['init_fixed_seed']}.")
