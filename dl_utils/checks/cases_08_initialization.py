"""The cases of notebook 08's exercises, ``initialize_parameters_zeros`` and ``initialize_parameters_he``.

Zeros has one right answer, checked on the common engine. He's answer is random but seeded, and
checked as ``initialize_parameters_deep`` is (:mod:`.cases_01_initialize`): by the statistics of the
draw, then the seed, then the values of the draw from the same seed.
"""

import numpy as np

from .. import initialize as reference
from ._compare import FLOAT64, Mismatch, check_dict
from ._engine import Case, Exercise, by_hand
from .cases_01_initialize import HIDDEN, VISIBLE, seeded_exercise
from .mistakes_08_initialization import B_ZERO, he_scales

HIDDEN_DOC = "(one layer, a single unit, deeper and wider networks)"


def _compare_zeros(parameters, case):
    check_dict("parameters", parameters, case.expected, case.tol, exact=True)
    for key, value in parameters.items():
        if value.dtype != np.float64:
            given = ("leave out dtype=int (gradient descent could not update integer parameters)"
                     if value.dtype.kind in "biu" else f"leave out the dtype ({value.dtype}) or the .astype")
            raise Mismatch(f"parameters['{key}'] has dtype {value.dtype}, expected float64: np.zeros(shape) gives "
                           f"float64; {given}")


def _networks(sizes):
    return [Case("a network", {"layers_dims": dims}, reference.initialize_parameters_zeros(dims), FLOAT64)
            for dims in sizes]


EXERCISES = [
    # By hand: [3, 2, 1] gives W1 (n_1, n_0) = (2, 3), b1 (2, 1), W2 (1, 2), b2 (1, 1), all zeros; then the
    # reference's for [5, 4, 3, 1] (W1 (4, 5) ... b3 (1, 1)) and the hidden networks.
    Exercise("initialize_parameters_zeros", reference.initialize_parameters_zeros, None, _compare_zeros,
             [by_hand({"layers_dims": [3, 2, 1]}, {"W1": np.zeros((2, 3)), "b1": np.zeros((2, 1)),
                                                   "W2": np.zeros((1, 2)), "b2": np.zeros((1, 1))}, "a network")],
             _networks(VISIBLE[1:]), _networks(HIDDEN), hidden_doc=HIDDEN_DOC),
    seeded_exercise("initialize_parameters_he", {
        "std": lambda n_prev: np.sqrt(2 / n_prev), "says": "sqrt(2 / n_prev)", "scale": "* np.sqrt(2 / n_prev)",
        "wrong": he_scales, "otherwise": "multiply by np.sqrt(2 / n_prev)", "b_hint": B_ZERO, "float32": False,
        "ids": {"b": "he_b_random", "not_centred": "he_uniform", "not_normal": "he_uniform_same_std",
                "unseeded": "he_unseeded", "fixed_seed": "he_fixed_seed"}}, hidden_doc=HIDDEN_DOC),
]
