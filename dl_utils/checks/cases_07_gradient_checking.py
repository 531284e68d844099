"""The checks of notebook 07's exercises, ``centered_difference`` and ``relative_error``, on the common engine.

The hand-computed cases use a cubic, whose centered difference is exact up to a known
``epsilon**2`` term: ``((t + e)**3 - (t - e)**3) / (2 e) = 3 t**2 + e**2``; a forward
difference (``3 t**2 + 3 t e + e**2``) or a missing 2 cannot agree with it. The random
cases add a term that couples the entries, so nudging all of them at once shows.
"""

import numpy as np

from .._testfunctions import Cubic
from ..gradient_check import centered_difference as reference_cd
from ..gradient_check import relative_error as reference_re
from ._compare import FLOAT64, returns_array, returns_number
from ._engine import Case, Exercise


def _col(values):
    return np.array(values, dtype=np.float64).reshape(-1, 1)


# By hand, c = 1, epsilon = 0.5: 3 t^2 + e^2 at t = [1, -2, 0] is [3.25, 12.25, 0.25].
# With c = [1, 2] and epsilon = 0.1 at t = [2, -1]: c (3 t^2 + e^2) = [12.01, 2 * 3.01] = [12.01, 6.02].
HAND_CD = [
    Case("the hand-computed case", {"J": Cubic(1.0), "theta": _col([1, -2, 0]), "epsilon": 0.5},
         _col([3.25, 12.25, 0.25]), FLOAT64),
    Case("the hand-computed case", {"J": Cubic(_col([1, 2])), "theta": _col([2, -1]), "epsilon": 0.1},
         _col([12.01, 6.02]), FLOAT64),
]
# By hand: ||[1, 2] - [2, 2]|| / (sqrt(5) + sqrt(8)) = 1 / (2.2360680 + 2.8284271) = 0.1974744;
# ||[3, 4] - [0, 0]|| / (5 + 0) = 1; ||[1, 1] - [2, 2]|| / (sqrt(2) + 2 sqrt(2)) = 1/3;
# two zero vectors: 0 by definition (not 0/0). The first case tells the catalogued mistakes apart:
# no denominator gives 1, the norm of the sum 1/5, ||grad|| alone 1/sqrt(5), squared norms 1/13.
ZEROS = "the hand-computed case (both gradients zero)"
HAND_RE = [
    Case("the hand-computed case", {"grad": _col([1, 2]), "gradapprox": _col([2, 2])}, 1 / (5**0.5 + 8**0.5),
         FLOAT64),
    Case("the hand-computed case", {"grad": _col([3, 4]), "gradapprox": _col([0, 0])}, 1.0, FLOAT64),
    Case("the hand-computed case", {"grad": _col([1, 1]), "gradapprox": _col([2, 2])}, 1 / 3, FLOAT64),
    Case(ZEROS, {"grad": np.zeros((3, 1)), "gradapprox": np.zeros((3, 1))}, 0.0, FLOAT64),
]


def _cd_inputs(rng, dtype, n, epsilon):
    return {"J": Cubic(rng.standard_normal((n, 1)), rng.standard_normal((n, 1))), "theta": rng.standard_normal((n, 1)),
            "epsilon": epsilon}


def _re_inputs(rng, dtype, n, scale):
    # gradapprox = grad plus a small error, as in a real check; scale sets the size of the error.
    grad = rng.standard_normal((n, 1))
    return {"grad": grad, "gradapprox": grad + scale * rng.standard_normal((n, 1))}


# Random cases: (seed, (n, epsilon)) and (seed, (n, scale of the error)).
HIDDEN_DOC = "(a single entry, long vectors, other epsilons)"
EXERCISES = [
    # Hidden: one entry, many entries with the default-size epsilon, a large epsilon.
    Exercise("centered_difference", reference_cd, _cd_inputs, returns_array("gradapprox"), HAND_CD,
             [(1, (5, 1e-3)), (2, (3, 0.05))], [(20, (1, 1e-3)), (21, (25, 1e-6)), (22, (4, 0.3))],
             hidden_doc=HIDDEN_DOC),
    # Hidden: one entry, a tiny error, a long vector, both gradients zero.
    Exercise("relative_error", reference_re, _re_inputs, returns_number("difference"), HAND_RE,
             [(1, (6, 0.1)), (2, (4, 1e-4))],
             [(20, (1, 0.5)), (21, (10, 1e-9)), (22, (300, 1e-3)),
              Case("a hidden case (both gradients zero)", {"grad": np.zeros((1, 1)), "gradapprox": np.zeros((1, 1))},
                   0.0, FLOAT64)], hidden_doc=HIDDEN_DOC),
]
