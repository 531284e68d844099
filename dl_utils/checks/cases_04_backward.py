"""The cases of notebook 04's exercises, the backward steps: ``relu_backward``, ``sigmoid_backward``,
``linear_backward``, ``linear_activation_backward`` and ``L_model_backward``.
"""

import numpy as np

from .. import activations, backward, forward
from ._compare import RESULT, Mismatch, check_array, check_tuple, returns_array, returns_grads
from ._engine import Exercise, by_hand, floats, normal, sized
from ._network import (
    A_PREV,
    A_PREV_S,
    AL,
    B_S,
    CACHES,
    GRADS,
    LAYER,
    LN3,
    NET_DIMS,
    W_S,
    WITH_ACTIVATION,
    Z_S,
    B,
    W,
    Y,
    Z,
    backward_pass,
    layer_inputs,
)

compare_relu_backward = compare_sigmoid_backward = returns_array("dZ")  # of the shape of dA


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


compare_linear_backward = compare_linear_activation_backward = _backward_step


compare_L_model_backward = returns_grads  # at least dA0..dA{L-1}, dW1..dWL, db1..dbL


def _with_zeros(rng, Z):
    # About one entry in four exactly 0, where ReLU's slope is 0 by the course's definition: a mask Z >= 0 shows.
    Z[rng.random(Z.shape) < 0.25] = 0
    Z.flat[0] = 0
    return Z

UNITS = sized([(3, 5), (4, 2)], [(1, 1), (1, 7), (20, 30)], [(3, 3)])


EXERCISES = [
    # dZ = dA where Z > 0, else 0; at Z = 0 exactly the slope is 0 too (so dZ[1, 2] = 0, not 6).
    Exercise("relu_backward", activations.relu_backward,
             lambda rng, dtype, n, m: {"dA": normal(rng, (n, m), dtype),
                                       "cache": _with_zeros(rng, normal(rng, (n, m), dtype))},
             compare_relu_backward,
             [by_hand({"dA": floats([[1, 2, -3], [4, -5, 6]]), "cache": floats([[0.5, -1, 2], [-2, 3, 0]])},
                    floats([[1, 0, -3], [0, -5, 0]]))], **UNITS),
    # sigma'(Z) = s (1 - s): at 0, 1/2 * 1/2 = 1/4; at +-ln3, 3/4 * 1/4 = 3/16. dZ = [2/4, 4 * 3/16, -8 * 3/16].
    Exercise("sigmoid_backward", activations.sigmoid_backward,
             lambda rng, dtype, n, m: {"dA": normal(rng, (n, m), dtype), "cache": normal(rng, (n, m), dtype, 2.0)},
             compare_sigmoid_backward,
             [by_hand({"dA": floats([[2, 4, -8]]), "cache": floats([[0, LN3, -LN3]])},
                      floats([[0.5, 0.75, -1.5]]))], **UNITS,
             uses=("sigmoid",)),
    # dZ = [[1, 2], [-1, 1]], m = 2, A_prev and W as above.
    #   dW = dZ A_prev.T / 2 = [[1 - 2, 2 + 0, 0 + 6], [-1 - 1, -2 + 0, 0 + 3]] / 2 = [[-0.5, 1, 3], [-1, -1, 1.5]]
    #   db = [[1 + 2], [-1 + 1]] / 2 = [[1.5], [0]]
    #   dA_prev = W.T dZ = [[1, 2], [2 + 1, 4 - 1], [0 - 1, 0 + 1]] = [[1, 2], [3, 3], [-1, 1]]
    Exercise("linear_backward", backward.linear_backward,
             lambda rng, dtype, n_prev, n_l, m: {
                 "dZ": normal(rng, (n_l, m), dtype),
                 "cache": forward.linear_forward(**layer_inputs(rng, dtype, n_prev, n_l, m))[1]},
             compare_linear_backward,
             [by_hand({"dZ": floats([[1, 2], [-1, 1]]), "cache": (A_PREV, W, B)},
                      (floats([[1, 2], [3, 3], [-1, 1]]), floats([[-0.5, 1, 3], [-1, -1, 1.5]]),
                       floats([[1.5], [0]])))],
             **LAYER),
    Exercise("linear_activation_backward", backward.linear_activation_backward,
             lambda rng, dtype, n_prev, n_l, m, activation: {
                 "dA": normal(rng, (n_l, m), dtype),
                 "cache": forward.linear_activation_forward(**layer_inputs(rng, dtype, n_prev, n_l, m),
                                                            activation=activation)[1],
                 "activation": activation},
             compare_linear_activation_backward, [
                 # relu: dA = [[1, 2], [-1, 1]], Z = [[7, 1], [-4, 1]] so dZ = [[1, 2], [0, 1]];
                 #   dW = dZ A_prev.T / 2 = [[-1, 2, 6], [0 - 1, 0 + 0, 0 + 3]] / 2 = [[-0.5, 1, 3], [-0.5, 0, 1.5]]
                 #   db = [[3], [1]] / 2; dA_prev = W.T dZ = [[1, 2], [2 - 0, 4 - 1], [0, 1]] = [[1, 2], [2, 3], [0, 1]]
                 by_hand({"dA": floats([[1, 2], [-1, 1]]), "cache": ((A_PREV, W, B), Z), "activation": "relu"},
                         (floats([[1, 2], [2, 3], [0, 1]]), floats([[-0.5, 1, 3], [-0.5, 0, 1.5]]),
                          floats([[1.5], [0.5]]))),
                 # sigmoid: dA = [16, 4, -16], Z = [ln3, 0, -ln3] so dZ = [16 * 3/16, 4 / 4, -16 * 3/16] = [3, 1, -3],
                 # m = 3; dW = [3 ln3 + 1 + 0, 0 - 1 + 3 ln3] / 3 = [ln3 + 1/3, ln3 - 1/3]; db = (3 + 1 - 3) / 3 = 1/3
                 #   dA_prev = W.T dZ = [[3, 1, -3], [3, 1, -3]]
                 by_hand({"dA": floats([[16, 4, -16]]), "cache": ((A_PREV_S, W_S, B_S), Z_S), "activation": "sigmoid"},
                       (floats([[3, 1, -3], [3, 1, -3]]), floats([[LN3 + 1 / 3, LN3 - 1 / 3]]), floats([[1 / 3]])))],
             **WITH_ACTIVATION,
             uses=("relu_backward", "sigmoid_backward", "linear_backward")),
    Exercise("L_model_backward", backward.L_model_backward,
             lambda rng, dtype, layers_dims, m: backward_pass(rng, dtype, layers_dims, m)[1],
             compare_L_model_backward, [by_hand({"AL": AL, "Y": Y, "caches": CACHES}, GRADS)],
             **sized(*NET_DIMS, [([3, 3, 3, 1], 3)]),
             uses=("linear_backward", "linear_activation_backward")),
]
