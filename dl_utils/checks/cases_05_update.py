"""The cases of notebook 05's exercise, ``update_parameters``."""


from .. import update
from ._compare import Mismatch, check_dict
from ._engine import Exercise, by_hand, floats, sized
from ._network import (
    NET_DIMS,
    update_inputs,
)


def compare_update_parameters(got, case):
    """A dict with exactly the keys ``W1, b1, ..., WL, bL``, each array of its parameter's dtype."""
    check_dict("parameters", got, case.expected, case.tol, exact=True)
    check_dtypes("parameters", got, case.args["parameters"])


def check_dtypes(label, got, given):
    """Raise Mismatch unless each array of the dict ``got`` has the dtype of the same key's array in ``given``."""
    for key in sorted(given):
        dtype = getattr(given[key], "dtype", None)
        if dtype is not None and got[key].dtype != dtype:
            raise Mismatch(f"{label}[{key!r}] has dtype {got[key].dtype}, expected {dtype}, the dtype it came in")


EXERCISES = [
    # learning_rate 0.5: W1 = [[1 - 0.5, 2 - 0], [3 + 1, 4 - 2]], b1 = [[1 - 0.25], [-1 - 0.5]],
    # W2 = [[0.5 - 0.5, -0.5 - 0.5]], b2 = [[2 + 2]]. The grads also hold dA0, dA1, to be ignored.
    # A float32 case among the visible ones too, since a float32 network must stay float32.
    Exercise("update_parameters", update.update_parameters,
             update_inputs,
             compare_update_parameters, [by_hand(
                 {"parameters": {"W1": floats([[1, 2], [3, 4]]), "b1": floats([[1], [-1]]), "W2": floats([[0.5, -0.5]]),
                                 "b2": floats([[2]])},
                  "grads": {"dW1": floats([[1, 0], [-2, 4]]), "db1": floats([[0.5], [1]]), "dW2": floats([[1, 1]]),
                            "db2": floats([[-4]]), "dA0": floats([[1, 1], [1, 1]]), "dA1": floats([[1], [1]])},
                  "learning_rate": 0.5},
                 {"W1": floats([[0.5, 2], [4, 2]]), "b1": floats([[0.75], [-1.5]]), "W2": floats([[0, -1]]),
                  "b2": floats([[4]])})],
             **sized(*NET_DIMS, [([3, 3, 3, 1], 3)], float32=[([4, 3, 1], 5)])),
]
