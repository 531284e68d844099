"""What each exercise returns, and how its result is compared with the expected one.

Each function here takes the learner's result and the :class:`~._engine.Case` and raises
:class:`~._compare.Mismatch` at the first difference.
"""

import numpy as np

from ._compare import (
    Mismatch,
    check_array,
    check_dict,
    check_layer_cache,
    check_linear_cache,
    check_tuple,
    returns_array,
    returns_grads,
    returns_number,
    type_name,
)

RESULT = "the returned value"


def linear_forward(got, case):
    """``(Z, cache)`` with ``cache = (A_prev, W, b)``."""
    Z, cache = check_tuple(RESULT, got, ("Z", "cache"))
    check_array("Z", Z, case.expected[0], case.tol)
    check_linear_cache("cache", cache, case.expected[1], case.tol)


def linear_activation_forward(got, case):
    """``(A, cache)`` with ``cache = ((A_prev, W, b), Z)``."""
    A, cache = check_tuple(RESULT, got, ("A", "cache"))
    check_array("A", A, case.expected[0], case.tol)
    check_layer_cache("cache", cache, case.expected[1], case.tol)


def L_model_forward(got, case):
    """``(AL, caches)``, one layer cache per layer, layer 1 first."""
    AL, caches = check_tuple(RESULT, got, ("AL", "caches"))
    check_array("AL", AL, case.expected[0], case.tol)
    expected = case.expected[1]
    if not isinstance(caches, (list, tuple)):
        raise Mismatch(f"caches is {type_name(caches)}, expected a list of the {len(expected)} layer caches")
    if _is_layer_cache(caches):
        raise Mismatch(f"caches is one layer cache ((A_prev, W, b), Z), expected the list of all {len(expected)} "
                       "layer caches: append each layer's cache to the list caches, and return that list")
    if len(caches) != len(expected):
        raise Mismatch(f"caches has {len(caches)} entries, expected {len(expected)}, one cache per layer")
    for l, (got_cache, expected_cache) in enumerate(zip(caches, expected, strict=True), start=1):
        check_layer_cache(f"caches[{l - 1}] (layer {l})", got_cache, expected_cache, case.tol)


def _is_layer_cache(value):
    # ((A_prev, W, b), Z): what linear_activation_forward returns as its cache.
    return (len(value) == 2 and isinstance(value[0], (tuple, list)) and len(value[0]) == 3
            and all(isinstance(a, np.ndarray) for a in value[0]) and isinstance(value[1], np.ndarray))


compute_cost = returns_number("cost", per_example=True)  # a float, a numpy scalar or a 0-d array
relu_backward = sigmoid_backward = returns_array("dZ")  # of the shape of dA


def _backward_step(got, case):
    """``(dA_prev, dW, db)``, in that order."""
    names = ("dA_prev", "dW", "db")
    got = check_tuple(RESULT, got, names)
    shapes, expected_shapes = [np.shape(g) for g in got], [e.shape for e in case.expected]
    if shapes != expected_shapes and sorted(shapes) == sorted(expected_shapes):
        wanted = ", ".join(f"{n} {s}" for n, s in zip(names, expected_shapes, strict=True))
        raise Mismatch(f"the returned values come in the wrong order: their shapes are "
                       f"{', '.join(map(str, shapes))}, expected {wanted}")
    for name, g, e in zip(names, got, case.expected, strict=True):
        check_array(name, g, e, case.tol, case.m)


linear_backward = linear_activation_backward = _backward_step


L_model_backward = returns_grads  # at least dA0..dA{L-1}, dW1..dWL, db1..dbL


def update_parameters(got, case):
    """A dict with exactly the keys ``W1, b1, ..., WL, bL``, each array of its parameter's dtype."""
    check_dict("parameters", got, case.expected, case.tol, exact=True)
    check_dtypes("parameters", got, case.args["parameters"])


def check_dtypes(label, got, given):
    """Raise Mismatch unless each array of the dict ``got`` has the dtype of the same key's array in ``given``."""
    for key in sorted(given):
        dtype = getattr(given[key], "dtype", None)
        if dtype is not None and got[key].dtype != dtype:
            raise Mismatch(f"{label}[{key!r}] has dtype {got[key].dtype}, expected {dtype}, the dtype it came in")
