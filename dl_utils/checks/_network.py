"""The core's worked layer and network, computed by hand, and the random layers and networks every
notebook's cases draw: shared by the cases of notebooks 02, 04, 05, 09 and 10.

The hand-computed values use small integers and ln 3 (sigmoid(ln 3) = 3/4, sigmoid(0) = 1/2,
sigmoid(-ln 3) = 1/4, sigmoid(2 ln 3) = 9/10), so each can be checked on paper; the arithmetic
is in the comments. The random inputs are internally consistent (a cache really comes from a
forward pass, gradients from a backward pass), drawn from the generator the engine gives.
"""

import numpy as np

from .. import backward, forward, initialize
from ._engine import floats, normal, sized

LN3 = np.log(3.0)


# linear_forward, linear_activation_forward(..., "relu"): A_prev (3, 2), W (2, 3), b (2, 1).
# Z = W A_prev + b:
#   Z[0] = [1*1 + 2*2 + 0*0 + 2, 1*(-1) + 2*0 + 0*3 + 2] = [7, 1]
#   Z[1] = [0*1 - 1*2 + 1*0 - 2, 0*(-1) - 1*0 + 1*3 - 2] = [-4, 1]
# relu(Z) = [[7, 1], [0, 1]]
A_PREV, W, B = floats([[1, -1], [2, 0], [0, 3]]), floats([[1, 2, 0], [0, -1, 1]]), floats([[2], [-2]])
Z = floats([[7, 1], [-4, 1]])
# linear_activation_forward(..., "sigmoid"): Z = [1, 1] A + 0 = [ln3 + 0, 1 - 1, 0 - ln3] = [ln3, 0, -ln3]
# and sigmoid(Z) = [3/4, 1/2, 1/4].
A_PREV_S, W_S, B_S = floats([[LN3, 1, 0], [0, -1, -LN3]]), floats([[1, 1]]), floats([[0]])
Z_S = floats([[LN3, 0, -LN3]])

# L_model_forward, L_model_backward: X (2, 2), layers [2, 2, 1].
#   Z1 = W1 X + b1 = [[1 + 0, 2 - 1], [1 - 0 - 2, 2 + 1 - 2]] = [[1, 1], [-1, 1]], A1 = relu(Z1) = [[1, 1], [0, 1]]
#   Z2 = W2 A1 = [ln3 * (1 + 0), ln3 * (1 + 1)] = [ln3, 2 ln3], AL = sigmoid(Z2) = [3/4, 9/10]
X = floats([[1, 2], [0, -1]])
PARAMS = {"W1": floats([[1, 1], [1, -1]]), "b1": floats([[0], [-2]]), "W2": floats([[LN3, LN3]]), "b2": floats([[0]])}
Z1, A1, Z2, AL = floats([[1, 1], [-1, 1]]), floats([[1, 1], [0, 1]]), floats([[LN3, 2 * LN3]]), floats([[0.75, 0.9]])
CACHES = [((X, PARAMS["W1"], PARAMS["b1"]), Z1), ((A1, PARAMS["W2"], PARAMS["b2"]), Z2)]
# Backward with Y = [1, 0], m = 2:
#   dZ2 = AL - Y = [-1/4, 9/10]; dW2 = dZ2 A1.T / 2 = [(-0.25 + 0.9) / 2, (0 + 0.9) / 2] = [0.325, 0.45]
#   db2 = (-0.25 + 0.9) / 2 = 0.325; dA1 = W2.T dZ2 = ln3 * [[-0.25, 0.9], [-0.25, 0.9]]
#   dZ1 = dA1 * (Z1 > 0) = ln3 * [[-0.25, 0.9], [0, 0.9]]
#   dW1 = dZ1 X.T / 2 = ln3 * [[(-0.25 + 1.8) / 2, -0.9 / 2], [1.8 / 2, -0.9 / 2]]
#       = ln3 * [[0.775, -0.45], [0.9, -0.45]]
#   db1 = ln3 * [[0.65 / 2], [0.9 / 2]] = ln3 * [[0.325], [0.45]]
#   dA0 = W1.T dZ1 = ln3 * [[-0.25 + 0, 0.9 + 0.9], [-0.25 - 0, 0.9 - 0.9]] = ln3 * [[-0.25, 1.8], [-0.25, 0]]
Y = floats([[1, 0]])
GRADS = {"dA1": LN3 * floats([[-0.25, 0.9], [-0.25, 0.9]]), "dW2": floats([[0.325, 0.45]]), "db2": floats([[0.325]]),
         "dA0": LN3 * floats([[-0.25, 1.8], [-0.25, 0]]), "dW1": LN3 * floats([[0.775, -0.45], [0.9, -0.45]]),
         "db1": LN3 * floats([[0.325], [0.45]])}


def layer_inputs(rng, dtype, n_prev, n_l, m):
    """The inputs of one layer's forward step: A_prev (n_prev, m), W (n_l, n_prev), b (n_l, 1)."""
    # b is drawn too, not zero, so that a forgotten b shows.
    return {"A_prev": normal(rng, (n_prev, m), dtype), "W": normal(rng, (n_l, n_prev), dtype, 1 / np.sqrt(n_prev)),
            "b": normal(rng, (n_l, 1), dtype, 0.5)}


def network(rng, dtype, layers_dims, m):
    """``(X, parameters)`` of a network of ``layers_dims``, with non-zero biases, for ``m`` examples."""
    parameters = initialize.initialize_parameters_deep(layers_dims, seed=rng, dtype=dtype)
    for l in range(1, len(layers_dims)):
        parameters[f"b{l}"] = normal(rng, (layers_dims[l], 1), dtype, 0.5)
    return normal(rng, (layers_dims[0], m), dtype), parameters


def backward_pass(rng, dtype, layers_dims, m):
    """``(parameters, inputs of L_model_backward)``: AL and caches of a real forward pass, random labels Y."""
    X, parameters = network(rng, dtype, layers_dims, m)
    AL, caches = forward.L_model_forward(X, parameters)
    Y = rng.integers(0, 2, size=(1, m)).astype(dtype)
    return parameters, {"AL": AL, "Y": Y, "caches": caches}


def update_inputs(rng, dtype, layers_dims, m):
    """The inputs of update_parameters: a network's parameters and the grads of a real backward pass."""
    parameters, args = backward_pass(rng, dtype, layers_dims, m)
    return {"parameters": parameters, "grads": backward.L_model_backward(**args), "learning_rate": 0.1}


# The sizes of the random cases, as the arguments of make after (rng, dtype). Visible: a few shapes where
# no two sizes are equal, so a missing transpose cannot pass. Hidden: one example, a single unit, float32,
# and a deeper or wider net. Diagnostic: square.
LAYER_SIZES = ([(4, 3, 5), (3, 5, 2)], [(4, 3, 1), (1, 1, 3), (6, 1, 4), (30, 20, 50)], [(3, 3, 3)])
LAYER = sized(*LAYER_SIZES)
WITH_ACTIVATION = sized(*([d + (a,) for d in sizes for a in ("relu", "sigmoid")] for sizes in LAYER_SIZES))
NET_DIMS = ([([4, 3, 1], 5), ([5, 4, 3, 1], 6)],
            [([3, 1], 4), ([4, 3, 1], 1), ([2, 1, 1, 1], 3), ([6, 8, 7, 5, 4, 1], 10), ([20, 30, 10, 1], 40)])
