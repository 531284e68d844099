"""The cases of notebook 02's exercises, ``linear_forward``, ``linear_activation_forward`` and
``L_model_forward``, and what each returns.
"""

import numpy as np

from .. import forward
from ._compare import RESULT, Mismatch, check_array, check_layer_cache, check_linear_cache, check_tuple, type_name
from ._engine import Exercise, by_hand, floats, sized
from ._network import (
    A_PREV,
    A_PREV_S,
    AL,
    B_S,
    CACHES,
    LAYER,
    NET_DIMS,
    PARAMS,
    W_S,
    WITH_ACTIVATION,
    Z_S,
    B,
    W,
    X,
    Z,
    layer_inputs,
    network,
)


def compare_linear_forward(got, case):
    """``(Z, cache)`` with ``cache = (A_prev, W, b)``."""
    Z, cache = check_tuple(RESULT, got, ("Z", "cache"))
    check_array("Z", Z, case.expected[0], case.tol)
    check_linear_cache("cache", cache, case.expected[1], case.tol)


def compare_linear_activation_forward(got, case):
    """``(A, cache)`` with ``cache = ((A_prev, W, b), Z)``."""
    A, cache = check_tuple(RESULT, got, ("A", "cache"))
    check_array("A", A, case.expected[0], case.tol)
    check_layer_cache("cache", cache, case.expected[1], case.tol)


def compare_L_model_forward(got, case):
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


EXERCISES = [
    Exercise("linear_forward", forward.linear_forward, layer_inputs, compare_linear_forward,
             [by_hand({"A_prev": A_PREV, "W": W, "b": B}, (Z, (A_PREV, W, B)))], **LAYER),
    Exercise("linear_activation_forward", forward.linear_activation_forward,
             lambda rng, dtype, n_prev, n_l, m, activation: {**layer_inputs(rng, dtype, n_prev, n_l, m),
                                                             "activation": activation},
             compare_linear_activation_forward,
             [by_hand({"A_prev": A_PREV, "W": W, "b": B, "activation": "relu"},
                    (floats([[7, 1], [0, 1]]), ((A_PREV, W, B), Z))),
              by_hand({"A_prev": A_PREV_S, "W": W_S, "b": B_S, "activation": "sigmoid"},
                    (floats([[0.75, 0.5, 0.25]]), ((A_PREV_S, W_S, B_S), Z_S)))], **WITH_ACTIVATION,
             uses=("linear_forward", "relu", "sigmoid")),
    Exercise("L_model_forward", forward.L_model_forward,
             lambda rng, dtype, layers_dims, m: dict(zip(("X", "parameters"), network(rng, dtype, layers_dims, m),
                                                         strict=True)),
             compare_L_model_forward, [by_hand({"X": X, "parameters": PARAMS}, (AL, CACHES))],
             **sized(*NET_DIMS, [([3, 3, 3, 3], 3)]),
             uses=("linear_activation_forward",)),
]
