"""The cases of notebook 03's exercise, ``compute_cost``."""

import numpy as np

from .. import cost
from ._compare import returns_number
from ._engine import Exercise, by_hand, floats, sized

compare_compute_cost = returns_number("cost", per_example=True)  # a float, a numpy scalar or a 0-d array


EXERCISES = [
    # AL = [1/2, 1/4, 3/4, 1/2], Y = [1, 0, 1, 0]: the losses are -ln(1/2), -ln(3/4), -ln(3/4), -ln(1/2),
    # so J = (2 ln 2 + 2 ln(4/3)) / 4 = ln(8/3) / 2 = 0.490415...
    Exercise("compute_cost", cost.compute_cost,
             lambda rng, dtype, m: {"AL": rng.uniform(0.05, 0.95, (1, m)).astype(dtype),
                                    "Y": rng.integers(0, 2, (1, m)).astype(dtype)},
             compare_compute_cost,
             [by_hand({"AL": floats([[0.5, 0.25, 0.75, 0.5]]), "Y": floats([[1, 0, 1, 0]])}, np.log(8 / 3) / 2)],
             **sized([(5,), (8,)], [(1,), (200,)], [(1,)])),
]
