"""The checks of notebook 09's exercises (L2 regularization, inverted dropout), on the common engine.

The hand-computed cases reuse the core's two-layer network of :mod:`._cases` (``X``, ``PARAMS``,
``CACHES``, ``GRADS``: sigmoid of multiples of ln 3); the random cases draw non-zero biases, so
a regularized bias shows. The dropout cases fix the seed, and the exercise prescribes the draw, one
``rng = np.random.default_rng(seed)`` and ``rng.random(A.shape) < keep_prob`` for the hidden layers
1..L-1 in order, so every correct answer gets the same masks as the reference. The masks are compared
first: a mask of 0s and 1s drawn otherwise (``rng.binomial``, ``rng.random(A.shape) > 1 - keep_prob``)
is told exactly which draw the check requires, not only that AL is wrong.
"""


import numpy as np

from .. import regularization as reference
from ..backward import linear_activation_backward, linear_backward
from ..forward import linear_activation_forward
from . import _network as net
from ._compare import (
    FLOAT64,
    Mismatch,
    check_array,
    check_layer_cache,
    check_tuple,
    returns_grads,
    returns_number,
    type_name,
)
from ._engine import Case, Exercise, floats, sized

LN3 = net.LN3

# compute_cost_with_regularization: AL, Y of the core's cost case, cross-entropy ln(8/3) / 2 = 0.490415;
# sum of squared weights 1 + 4 + 1 + 0 + 4 + 1 = 11, lambd = 0.8, m = 4: penalty 0.8 / 8 * 11 = 1.1.
# (With the biases, 9 + 0 + 1 = 10 more: 2.1; with lambd / m: 2.2; without m: 4.4; norms unsquared: 0.1 * (6**0.5 +
# 5**0.5) = 0.4685.)
COST_PARAMS = {"W1": floats([[1, 2], [-1, 0]]), "b1": floats([[3], [0]]), "W2": floats([[2, -1]]), "b2": floats([[1]])}
HAND_COST = Case("the hand-computed case",
                 {"AL": floats([[0.5, 0.25, 0.75, 0.5]]), "Y": floats([[1, 0, 1, 0]]), "parameters": COST_PARAMS,
                  "lambd": 0.8},
                 np.log(8 / 3) / 2 + 1.1, FLOAT64)

# backward_propagation_with_regularization on the core's hand case (m = 2), lambd = 0.5: lambd / m = 0.25, so
# dW1 = ln3 [[0.775, -0.45], [0.9, -0.45]] + 0.25 [[1, 1], [1, -1]], dW2 = [[0.325, 0.45]] + 0.25 ln3 [[1, 1]];
# db1 (b1 = [0, -2] is not zero), db2 and the dA are those of L_model_backward.
HAND_L2_GRADS = dict(net.GRADS, dW1=net.GRADS["dW1"] + 0.25 * net.PARAMS["W1"],
                     dW2=net.GRADS["dW2"] + 0.25 * net.PARAMS["W2"])
HAND_L2 = Case("the hand-computed case", {"AL": net.AL, "Y": net.Y, "caches": net.CACHES, "lambd": 0.5},
               HAND_L2_GRADS, FLOAT64)

# forward_propagation_with_dropout on the core's network, keep_prob 0.75, seed 4: default_rng(4).random((2, 2)) is
# [[0.943, 0.511], [0.976, 0.081]], so D1 = [[F, T], [F, T]]. A1 = relu(Z1) = [[1, 1], [0, 1]];
# A1 * D1 / 0.75 = [[0, 4/3], [0, 4/3]]; Z2 = ln3 [0 + 0, 4/3 + 4/3] = [0, 8/3 ln3];
# AL = [1/2, s] with s = sigmoid(8/3 ln3) = 3**(8/3) / (1 + 3**(8/3)).
D1 = np.array([[False, True], [False, True]])
_S = 3 ** (8 / 3) / (1 + 3 ** (8 / 3))
A1_DROPPED = floats([[0, 4], [0, 4]]) / 3
Z2_DROPPED = floats([[0, 8 / 3 * LN3]])
AL_DROPPED = floats([[0.5, _S]])
DROPOUT_CACHES = [((((net.X, net.PARAMS["W1"], net.PARAMS["b1"]), net.Z1), D1)),
                  (((A1_DROPPED, net.PARAMS["W2"], net.PARAMS["b2"]), Z2_DROPPED), None)]
HAND_DF = [
    # keep_prob 1 keeps every unit: L_model_forward's AL and caches, with masks of True.
    Case("the hand-computed case (keep_prob 1)", {"X": net.X, "parameters": net.PARAMS, "keep_prob": 1.0,
                                                  "seed": 4},
         (net.AL, [(net.CACHES[0], np.ones((2, 2), bool)), (net.CACHES[1], None)]), FLOAT64),
    Case("the hand-computed case", {"X": net.X, "parameters": net.PARAMS, "keep_prob": 0.75, "seed": 4},
         (AL_DROPPED, DROPOUT_CACHES), FLOAT64),
]
# backward_propagation_with_dropout on those caches, Y = [1, 0], m = 2:
#   dZ2 = AL - Y = [-1/2, s]; dW2 = dZ2 A1_dropped.T / 2 = [4/3 s / 2, 4/3 s / 2] = 2/3 [s, s]; db2 = (s - 1/2) / 2
#   dA1 = W2.T dZ2 = ln3 [[-1/2, s], [-1/2, s]], times D1 / 0.75: 4/3 ln3 [[0, s], [0, s]]
#   dZ1 = dA1 * (Z1 > 0), Z1 = [[1, 1], [-1, 1]]: 4/3 ln3 [[0, s], [0, s]]
#   dW1 = dZ1 X.T / 2, X.T = [[1, 0], [2, -1]]: 2/3 ln3 [[2 s, -s], [2 s, -s]]; db1 = 2/3 ln3 [[s], [s]]
#   dA0 = W1.T dZ1, W1.T = [[1, 1], [1, -1]]: 4/3 ln3 [[0, 2 s], [0, 0]]
HAND_DB = Case("the hand-computed case",
               {"AL": AL_DROPPED, "Y": net.Y, "caches": DROPOUT_CACHES, "keep_prob": 0.75},
               {"dW2": 2 / 3 * floats([[_S, _S]]), "db2": floats([[(_S - 0.5) / 2]]),
                "dA1": 4 / 3 * LN3 * floats([[0, _S], [0, _S]]),
                "dW1": 2 / 3 * LN3 * floats([[2 * _S, -_S], [2 * _S, -_S]]),
                "db1": 2 / 3 * LN3 * floats([[_S], [_S]]),
                "dA0": 4 / 3 * LN3 * floats([[0, 2 * _S], [0, 0]])}, FLOAT64)


def _cost_inputs(rng, dtype, layers_dims, m, lambd):
    _, parameters = net.network(rng, dtype, layers_dims, m)
    return {"AL": rng.uniform(0.05, 0.95, (1, m)).astype(dtype), "Y": rng.integers(0, 2, (1, m)).astype(dtype),
            "parameters": parameters, "lambd": lambd}


def _l2_inputs(rng, dtype, layers_dims, m, lambd):
    return {**net.backward_pass(rng, dtype, layers_dims, m)[1], "lambd": lambd}


def _df_inputs(rng, dtype, layers_dims, m, keep_prob):
    X, parameters = net.network(rng, dtype, layers_dims, m)
    return {"X": X, "parameters": parameters, "keep_prob": keep_prob, "seed": int(rng.integers(1000))}


def _db_inputs(rng, dtype, layers_dims, m, keep_prob):
    args = _df_inputs(rng, dtype, layers_dims, m, keep_prob)
    AL, caches = reference.forward_propagation_with_dropout(**args)
    return {"AL": AL, "Y": rng.integers(0, 2, (1, m)).astype(dtype), "caches": caches, "keep_prob": keep_prob}


DRAW = ("draw the mask with D = rng.random(A.shape) < keep_prob, from one rng = np.random.default_rng(seed) made "
        "before the loop, for the hidden layers 1..L-1 in order and nothing else drawn from rng, as the exercise "
        "says: the check compares your masks with that draw (rng.binomial, rng.random(...) > 1 - keep_prob or "
        "another generator draw masks just as random, but other ones)")


def _compare_dropout_forward(got, case):
    AL, caches = check_tuple("the returned value", got, ("AL", "caches"))
    expected = case.expected[1]
    if not isinstance(caches, (list, tuple)):
        raise Mismatch(f"caches is {type_name(caches)}, expected a list of the {len(expected)} layer caches")
    if len(caches) != len(expected):
        raise Mismatch(f"caches has {len(caches)} entries, expected {len(expected)}, one per layer")
    L = len(expected)
    labels = [f"caches[{l - 1}] (layer {l})" for l in range(1, L + 1)]
    for label, entry in zip(labels, caches, strict=True):
        if not (isinstance(entry, (tuple, list)) and len(entry) == 2):
            raise Mismatch(f"{label} is {type_name(entry)}, expected the pair (layer_cache, D)")
    # The masks first: with another draw, everything after the first mask differs, and the mask says why.
    for l, (label, entry, (_, D)) in enumerate(zip(labels, caches, expected, strict=True), start=1):
        _compare_mask(f"{label}[1]", entry[1], D, l, L, case.tol)
    check_array("AL", AL, case.expected[0], case.tol)
    for label, entry, (layer_cache, _) in zip(labels, caches, expected, strict=True):
        check_layer_cache(f"{label}[0]", entry[0], layer_cache, case.tol)


def _compare_mask(label, got_D, D, l, L, tol):
    if D is None:
        if got_D is not None:
            raise Mismatch(f"{label} is {type_name(got_D)}, expected None: the output layer L = {L} has no "
                           "dropout mask")
        return
    if got_D is None:
        raise Mismatch(f"{label} is None, expected the mask D{l} of shape {D.shape}")
    # A mask of 0s and 1s is as good as one of booleans: compare them as numbers.
    if isinstance(got_D, np.ndarray) and got_D.dtype == bool:
        got_D = got_D.astype(np.float64)
    check_array(f"{label} (the mask D{l})", got_D, D.astype(np.float64), None)
    if not np.array_equal(got_D, D):
        if np.all((got_D == 0) | (got_D == 1)):
            raise Mismatch(f"{label} (the mask D{l}) is a mask of 0s and 1s, but not the one drawn from the seed: "
                           f"{int(np.sum(got_D != D))} of {D.size} entries differ from the exercise's draw: {DRAW}")
        check_array(f"{label} (the mask D{l})", got_D, D.astype(np.float64), tol)


# The sizes of the random cases are (layers_dims, m, lambd or keep_prob).
HIDDEN_DOC = "(one example, no hidden layer, float32 inputs, lambd 0 or keep_prob 1,\n        deeper networks)"
DROPOUT_SIZES = ([([4, 5, 3, 1], 6, 0.8), ([5, 6, 1], 7, 0.5)],
                 [([3, 1], 4, 0.7), ([4, 3, 1], 1, 0.6), ([4, 6, 1], 5, 1.0), ([6, 8, 7, 5, 1], 10, 0.9)])
# Right answers written otherwise than the reference (more in tests/test_checks_regularization.py).

def dropout_mask_with_where(X, parameters, keep_prob, seed):
    # One loop over every layer; the kept units scaled and the others set to 0 by np.where.
    rng = np.random.default_rng(seed)
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)],
                                             "relu" if l < L else "sigmoid")
        D = rng.random(A.shape) < keep_prob if l < L else None
        if D is not None:
            A = np.where(D, A / keep_prob, 0)
        caches.append((cache, D))
    return A, caches


def dropout_backward_unpacked(AL, Y, caches, keep_prob):
    # The caches unpacked into the hidden layers and the output layer, the hidden ones walked in reverse.
    *hidden, (output_cache, _) = caches
    L, grads = len(caches), {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y, output_cache[0])
    for l, (layer_cache, D) in reversed(list(enumerate(hidden, start=1))):
        grads[f"dA{l}"] = dA = np.multiply(dA, D) / keep_prob
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, layer_cache, "relu")
    grads["dA0"] = dA
    return grads


EXERCISES = [
    Exercise("compute_cost_with_regularization", reference.compute_cost_with_regularization, _cost_inputs,
             returns_number("cost"), [HAND_COST], **sized(
                 [([4, 3, 1], 5, 0.7), ([5, 4, 3, 1], 6, 2.0)],
                 [([3, 1], 1, 0.1), ([4, 3, 1], 7, 0.0), ([6, 8, 7, 5, 1], 10, 1.5), ([20, 30, 10, 1], 40, 0.05)]),
             hidden_doc=HIDDEN_DOC,
             uses=("compute_cost",)),
    Exercise("backward_propagation_with_regularization", reference.backward_propagation_with_regularization,
             _l2_inputs, returns_grads, [HAND_L2], **sized(
                 [([4, 3, 1], 5, 0.7), ([5, 4, 3, 1], 6, 2.0)],
                 [([3, 1], 4, 0.3), ([4, 3, 1], 1, 1.0), ([4, 3, 1], 7, 0.0), ([6, 8, 7, 5, 1], 10, 1.5)]),
             hidden_doc=HIDDEN_DOC,
             uses=("L_model_backward",)),
    Exercise("forward_propagation_with_dropout", reference.forward_propagation_with_dropout, _df_inputs,
             _compare_dropout_forward, HAND_DF, **sized(*DROPOUT_SIZES), hidden_doc=HIDDEN_DOC,
             uses=("linear_activation_forward",), right=(dropout_mask_with_where,)),
    Exercise("backward_propagation_with_dropout", reference.backward_propagation_with_dropout, _db_inputs,
             returns_grads, [HAND_DB], **sized(*DROPOUT_SIZES), hidden_doc=HIDDEN_DOC,
             uses=("linear_backward", "linear_activation_backward"), right=(dropout_backward_unpacked,)),
]
