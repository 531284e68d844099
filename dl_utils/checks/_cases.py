"""The inputs every check runs on: one case computed by hand, then random cases.

The hand-computed cases use small integers and ln 3 (sigmoid(ln 3) = 3/4, sigmoid(0) =
1/2, sigmoid(-ln 3) = 1/4, sigmoid(2 ln 3) = 9/10) so each expected value can be checked
on paper; the arithmetic is in the comments. The random cases are internally consistent
(a cache really comes from a forward pass, gradients from a backward pass), seeded with
``numpy.random.default_rng``, and their expected values come from the reference library.
"""

import contextlib
import copy

import numpy as np

from .. import activations, backward, cost, forward, initialize, update
from ._compare import tolerance_for
from ._engine import Case, make_check

LN3 = np.log(3.0)


def _a(rows):
    return np.array(rows, dtype=np.float64)


# linear_forward, linear_activation_forward(..., "relu"): A_prev (3, 2), W (2, 3), b (2, 1).
# Z = W A_prev + b:
#   Z[0] = [1*1 + 2*2 + 0*0 + 2, 1*(-1) + 2*0 + 0*3 + 2] = [7, 1]
#   Z[1] = [0*1 - 1*2 + 1*0 - 2, 0*(-1) - 1*0 + 1*3 - 2] = [-4, 1]
# relu(Z) = [[7, 1], [0, 1]]
A_PREV, W, B = _a([[1, -1], [2, 0], [0, 3]]), _a([[1, 2, 0], [0, -1, 1]]), _a([[2], [-2]])
Z = _a([[7, 1], [-4, 1]])
# linear_activation_forward(..., "sigmoid"): Z = [1, 1] A + 0 = [ln3 + 0, 1 - 1, 0 - ln3] = [ln3, 0, -ln3]
# and sigmoid(Z) = [3/4, 1/2, 1/4].
A_PREV_S, W_S, B_S = _a([[LN3, 1, 0], [0, -1, -LN3]]), _a([[1, 1]]), _a([[0]])
Z_S = _a([[LN3, 0, -LN3]])

# L_model_forward, L_model_backward: X (2, 2), layers [2, 2, 1].
#   Z1 = W1 X + b1 = [[1 + 0, 2 - 1], [1 - 0 - 2, 2 + 1 - 2]] = [[1, 1], [-1, 1]], A1 = relu(Z1) = [[1, 1], [0, 1]]
#   Z2 = W2 A1 = [ln3 * (1 + 0), ln3 * (1 + 1)] = [ln3, 2 ln3], AL = sigmoid(Z2) = [3/4, 9/10]
X = _a([[1, 2], [0, -1]])
PARAMS = {"W1": _a([[1, 1], [1, -1]]), "b1": _a([[0], [-2]]), "W2": _a([[LN3, LN3]]), "b2": _a([[0]])}
Z1, A1, Z2, AL = _a([[1, 1], [-1, 1]]), _a([[1, 1], [0, 1]]), _a([[LN3, 2 * LN3]]), _a([[0.75, 0.9]])
CACHES = [((X, PARAMS["W1"], PARAMS["b1"]), Z1), ((A1, PARAMS["W2"], PARAMS["b2"]), Z2)]
# Backward with Y = [1, 0], m = 2:
#   dZ2 = AL - Y = [-1/4, 9/10]; dW2 = dZ2 A1.T / 2 = [(-0.25 + 0.9) / 2, (0 + 0.9) / 2] = [0.325, 0.45]
#   db2 = (-0.25 + 0.9) / 2 = 0.325; dA1 = W2.T dZ2 = ln3 * [[-0.25, 0.9], [-0.25, 0.9]]
#   dZ1 = dA1 * (Z1 > 0) = ln3 * [[-0.25, 0.9], [0, 0.9]]
#   dW1 = dZ1 X.T / 2 = ln3 * [[(-0.25 + 1.8) / 2, -0.9 / 2], [1.8 / 2, -0.9 / 2]]
#       = ln3 * [[0.775, -0.45], [0.9, -0.45]]
#   db1 = ln3 * [[0.65 / 2], [0.9 / 2]] = ln3 * [[0.325], [0.45]]
#   dA0 = W1.T dZ1 = ln3 * [[-0.25 + 0, 0.9 + 0.9], [-0.25 - 0, 0.9 - 0.9]] = ln3 * [[-0.25, 1.8], [-0.25, 0]]
Y = _a([[1, 0]])
GRADS = {"dA1": LN3 * _a([[-0.25, 0.9], [-0.25, 0.9]]), "dW2": _a([[0.325, 0.45]]), "db2": _a([[0.325]]),
         "dA0": LN3 * _a([[-0.25, 1.8], [-0.25, 0]]), "dW1": LN3 * _a([[0.775, -0.45], [0.9, -0.45]]),
         "db1": LN3 * _a([[0.325], [0.45]])}


def _hand(args, expected, label="the hand-computed case"):
    return Case(label, args, expected, tolerance_for())


HAND = {
    "linear_forward": _hand({"A_prev": A_PREV, "W": W, "b": B}, (Z, (A_PREV, W, B))),
    "linear_activation_forward": [
        _hand({"A_prev": A_PREV, "W": W, "b": B, "activation": "relu"},
              (_a([[7, 1], [0, 1]]), ((A_PREV, W, B), Z))),
        _hand({"A_prev": A_PREV_S, "W": W_S, "b": B_S, "activation": "sigmoid"},
              (_a([[0.75, 0.5, 0.25]]), ((A_PREV_S, W_S, B_S), Z_S))),
    ],
    "L_model_forward": _hand({"X": X, "parameters": PARAMS}, (AL, CACHES)),
    # AL = [1/2, 1/4, 3/4, 1/2], Y = [1, 0, 1, 0]: the losses are -ln(1/2), -ln(3/4), -ln(3/4), -ln(1/2),
    # so J = (2 ln 2 + 2 ln(4/3)) / 4 = ln(8/3) / 2 = 0.490415...
    "compute_cost": _hand({"AL": _a([[0.5, 0.25, 0.75, 0.5]]), "Y": _a([[1, 0, 1, 0]])}, np.log(8 / 3) / 2),
    # dZ = dA where Z > 0, else 0; at Z = 0 exactly the slope is 0 too (so dZ[1, 2] = 0, not 6).
    "relu_backward": _hand({"dA": _a([[1, 2, -3], [4, -5, 6]]), "cache": _a([[0.5, -1, 2], [-2, 3, 0]])},
                           _a([[1, 0, -3], [0, -5, 0]])),
    # sigma'(Z) = s (1 - s): at 0, 1/2 * 1/2 = 1/4; at +-ln3, 3/4 * 1/4 = 3/16. dZ = [2/4, 4 * 3/16, -8 * 3/16].
    "sigmoid_backward": _hand({"dA": _a([[2, 4, -8]]), "cache": _a([[0, LN3, -LN3]])}, _a([[0.5, 0.75, -1.5]])),
    # dZ = [[1, 2], [-1, 1]], m = 2, A_prev and W as above.
    #   dW = dZ A_prev.T / 2 = [[1 - 2, 2 + 0, 0 + 6], [-1 - 1, -2 + 0, 0 + 3]] / 2 = [[-0.5, 1, 3], [-1, -1, 1.5]]
    #   db = [[1 + 2], [-1 + 1]] / 2 = [[1.5], [0]]
    #   dA_prev = W.T dZ = [[1, 2], [2 + 1, 4 - 1], [0 - 1, 0 + 1]] = [[1, 2], [3, 3], [-1, 1]]
    "linear_backward": _hand({"dZ": _a([[1, 2], [-1, 1]]), "cache": (A_PREV, W, B)},
                             (_a([[1, 2], [3, 3], [-1, 1]]), _a([[-0.5, 1, 3], [-1, -1, 1.5]]), _a([[1.5], [0]]))),
    "linear_activation_backward": [
        # relu: dA = [[1, 2], [-1, 1]], Z = [[7, 1], [-4, 1]] so dZ = [[1, 2], [0, 1]];
        #   dW = dZ A_prev.T / 2 = [[-1, 2, 6], [0 - 1, 0 + 0, 0 + 3]] / 2 = [[-0.5, 1, 3], [-0.5, 0, 1.5]]
        #   db = [[3], [1]] / 2; dA_prev = W.T dZ = [[1, 2], [2 - 0, 4 - 1], [0, 1]] = [[1, 2], [2, 3], [0, 1]]
        _hand({"dA": _a([[1, 2], [-1, 1]]), "cache": ((A_PREV, W, B), Z), "activation": "relu"},
              (_a([[1, 2], [2, 3], [0, 1]]), _a([[-0.5, 1, 3], [-0.5, 0, 1.5]]), _a([[1.5], [0.5]]))),
        # sigmoid: dA = [16, 4, -16], Z = [ln3, 0, -ln3] so dZ = [16 * 3/16, 4 / 4, -16 * 3/16] = [3, 1, -3], m = 3;
        #   dW = [3 ln3 + 1 + 0, 0 - 1 + 3 ln3] / 3 = [ln3 + 1/3, ln3 - 1/3]; db = (3 + 1 - 3) / 3 = 1/3
        #   dA_prev = W.T dZ = [[3, 1, -3], [3, 1, -3]]
        _hand({"dA": _a([[16, 4, -16]]), "cache": ((A_PREV_S, W_S, B_S), Z_S), "activation": "sigmoid"},
              (_a([[3, 1, -3], [3, 1, -3]]), _a([[LN3 + 1 / 3, LN3 - 1 / 3]]), _a([[1 / 3]]))),
    ],
    "L_model_backward": _hand({"AL": AL, "Y": Y, "caches": CACHES}, GRADS),
    # learning_rate 0.5: W1 = [[1 - 0.5, 2 - 0], [3 + 1, 4 - 2]], b1 = [[1 - 0.25], [-1 - 0.5]],
    # W2 = [[0.5 - 0.5, -0.5 - 0.5]], b2 = [[2 + 2]]. The grads also hold dA0, dA1, to be ignored.
    "update_parameters": _hand(
        {"parameters": {"W1": _a([[1, 2], [3, 4]]), "b1": _a([[1], [-1]]), "W2": _a([[0.5, -0.5]]), "b2": _a([[2]])},
         "grads": {"dW1": _a([[1, 0], [-2, 4]]), "db1": _a([[0.5], [1]]), "dW2": _a([[1, 1]]), "db2": _a([[-4]]),
                   "dA0": _a([[1, 1], [1, 1]]), "dA1": _a([[1], [1]])},
         "learning_rate": 0.5},
        {"W1": _a([[0.5, 2], [4, 2]]), "b1": _a([[0.75], [-1.5]]), "W2": _a([[0, -1]]), "b2": _a([[4]])}),
}


def _normal(rng, shape, dtype, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(dtype)


def _with_zeros(rng, Z):
    # About one entry in four exactly 0, where ReLU's slope is 0 by the course's definition: a mask Z >= 0 shows.
    Z[rng.random(Z.shape) < 0.25] = 0
    Z.flat[0] = 0
    return Z


def _layer_inputs(rng, n_prev, n_l, m, dtype):
    # b is drawn too, not zero, so that a forgotten b shows.
    return {"A_prev": _normal(rng, (n_prev, m), dtype), "W": _normal(rng, (n_l, n_prev), dtype, 1 / np.sqrt(n_prev)),
            "b": _normal(rng, (n_l, 1), dtype, 0.5)}


def _network(rng, layers_dims, m, dtype):
    parameters = initialize.initialize_parameters_deep(layers_dims, seed=rng, dtype=dtype)
    for l in range(1, len(layers_dims)):
        parameters[f"b{l}"] = _normal(rng, (layers_dims[l], 1), dtype, 0.5)
    return _normal(rng, (layers_dims[0], m), dtype), parameters


def _backward_inputs(rng, layers_dims, m, dtype):
    X, parameters = _network(rng, layers_dims, m, dtype)
    AL, caches = forward.L_model_forward(X, parameters)
    Y = rng.integers(0, 2, size=(1, m)).astype(dtype)
    return parameters, {"AL": AL, "Y": Y, "caches": caches}


def _update_inputs(rng, layers_dims, m, dtype):
    parameters, args = _backward_inputs(rng, layers_dims, m, dtype)
    return {"parameters": parameters, "grads": backward.L_model_backward(**args), "learning_rate": 0.1}


MAKE = {
    "linear_forward": lambda rng, dtype, n_prev, n_l, m: _layer_inputs(rng, n_prev, n_l, m, dtype),
    "linear_activation_forward": lambda rng, dtype, n_prev, n_l, m, activation: {
        **_layer_inputs(rng, n_prev, n_l, m, dtype), "activation": activation},
    "L_model_forward": lambda rng, dtype, layers_dims, m: dict(zip(("X", "parameters"), _network(
        rng, layers_dims, m, dtype), strict=True)),
    "compute_cost": lambda rng, dtype, m: {"AL": rng.uniform(0.05, 0.95, (1, m)).astype(dtype),
                                           "Y": rng.integers(0, 2, (1, m)).astype(dtype)},
    "relu_backward": lambda rng, dtype, n, m: {"dA": _normal(rng, (n, m), dtype), "cache": _with_zeros(
        rng, _normal(rng, (n, m), dtype))},
    "sigmoid_backward": lambda rng, dtype, n, m: {"dA": _normal(rng, (n, m), dtype),
                                                  "cache": _normal(rng, (n, m), dtype, 2.0)},
    "linear_backward": lambda rng, dtype, n_prev, n_l, m: {
        "dZ": _normal(rng, (n_l, m), dtype),
        "cache": forward.linear_forward(**_layer_inputs(rng, n_prev, n_l, m, dtype))[1]},
    "linear_activation_backward": lambda rng, dtype, n_prev, n_l, m, activation: {
        "dA": _normal(rng, (n_l, m), dtype),
        "cache": forward.linear_activation_forward(**_layer_inputs(rng, n_prev, n_l, m, dtype),
                                                   activation=activation)[1],
        "activation": activation},
    "L_model_backward": lambda rng, dtype, layers_dims, m: _backward_inputs(rng, layers_dims, m, dtype)[1],
    "update_parameters": lambda rng, dtype, layers_dims, m: _update_inputs(rng, layers_dims, m, dtype),
}

REFERENCE = {
    "linear_forward": forward.linear_forward,
    "linear_activation_forward": forward.linear_activation_forward,
    "L_model_forward": forward.L_model_forward,
    "compute_cost": cost.compute_cost,
    "relu_backward": activations.relu_backward,
    "sigmoid_backward": activations.sigmoid_backward,
    "linear_backward": backward.linear_backward,
    "linear_activation_backward": backward.linear_activation_backward,
    "L_model_backward": backward.L_model_backward,
    "update_parameters": update.update_parameters,
}

# The sizes of the random cases, as the arguments of MAKE after (rng, dtype). Visible: a few
# shapes where no two sizes are equal, so a missing transpose cannot pass. Hidden: one example,
# a single unit, float32, and a deeper or wider net.
_LAYER = {"visible": [(4, 3, 5), (3, 5, 2)], "hidden": [(4, 3, 1), (1, 1, 3), (6, 1, 4), (30, 20, 50)],
          "diagnostic": [(3, 3, 3)]}
_NET = {"visible": [([4, 3, 1], 5), ([5, 4, 3, 1], 6)],
        "hidden": [([3, 1], 4), ([4, 3, 1], 1), ([2, 1, 1, 1], 3), ([6, 8, 7, 5, 4, 1], 10), ([20, 30, 10, 1], 40)],
        "diagnostic": [([3, 3, 3, 3], 3)]}
_ACT = {k: [d + (a,) for d in v for a in ("relu", "sigmoid")] for k, v in _LAYER.items()}
SIZES = {
    "linear_forward": _LAYER, "linear_backward": _LAYER,
    "linear_activation_forward": _ACT, "linear_activation_backward": _ACT,
    "L_model_forward": _NET,
    "L_model_backward": {**_NET, "diagnostic": [([3, 3, 3, 1], 3)]},
    # update_parameters: a float32 case among the visible ones too, since a float32 network must stay float32.
    "update_parameters": {**_NET, "diagnostic": [([3, 3, 3, 1], 3)], "visible_float32": [([4, 3, 1], 5)]},
    "compute_cost": {"visible": [(5,), (8,)], "hidden": [(1,), (200,)], "diagnostic": [(1,)]},
    "relu_backward": {"visible": [(3, 5), (4, 2)], "hidden": [(1, 1), (1, 7), (20, 30)], "diagnostic": [(3, 3)]},
    "sigmoid_backward": {"visible": [(3, 5), (4, 2)], "hidden": [(1, 1), (1, 7), (20, 30)], "diagnostic": [(3, 3)]},
}


_SECRET = []  # the grader's secret for this run, while it judges (see secret_seed)


@contextlib.contextmanager
def secret_seed(secret):
    """While in this block, every random case is drawn from ``(secret, seed)`` instead of ``seed``.

    The grader draws a fresh ``secret`` for each run and never stores it, so no submission
    can know the random cases' inputs, or their expected results, in advance. Outside the
    block (in the notebooks) the cases are the seeded, repeatable ones.
    """
    _SECRET.append(int(secret))
    try:
        yield
    finally:
        _SECRET.pop()


def case_rng(seed):
    """The generator of the random case numbered ``seed``: ``default_rng(seed)``, or under the grader's secret."""
    return np.random.default_rng([_SECRET[-1], seed] if _SECRET else seed)


def made_case(make, reference, seed, sizes, dtype=np.float64):
    """A random case: inputs ``make(default_rng(seed), dtype, *sizes)``, expected ``reference(*inputs)``.

    Shared by the case tables of every notebook's checks.
    """
    args = make(case_rng(seed), dtype, *sizes)
    expected = reference(*copy.deepcopy(list(args.values())))
    label = f"random case (seed {seed}{', float32' if dtype == np.float32 else ''})"
    return Case(label, args, expected, tolerance_for(*_arrays(args)))


def sized_cases(hand, make, reference, visible, hidden_sizes, hidden=False):
    """Visible cases (the hand-computed ones first, then one random case per size), or the hidden ones.

    The hidden cases repeat the visible sizes in float32, then add the edge-case sizes.
    """
    if not hidden:
        return list(hand) + [made_case(make, reference, seed, s) for seed, s in enumerate(visible, start=1)]
    float32 = [made_case(make, reference, 10 + seed, s, np.float32) for seed, s in enumerate(visible)]
    return float32 + [made_case(make, reference, 20 + seed, s) for seed, s in enumerate(hidden_sizes)]


def sized_checks(exercises, reference, hidden_doc):
    """The checks of ``exercises``, name -> (hand cases, make, visible sizes, hidden sizes, compare), in order.

    Each runs the cases of :func:`sized_cases`, expected from the function of its name in the module
    ``reference``, and compares with ``compare(got, case)``.
    """
    def check(name, hand, make, visible, hidden_sizes, compare):
        return make_check(name, lambda hidden: sized_cases(hand, make, getattr(reference, name), visible, hidden_sizes,
                                                           hidden), compare, hidden_doc=hidden_doc)

    return [check(name, *record) for name, record in exercises.items()]


def _arrays(value):
    if isinstance(value, np.ndarray):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else []
    return [a for item in items for a in _arrays(item)]


def cases(name, hidden=False):
    """The cases of exercise ``name``: visible ones (hand-computed first), or the hidden ones.

    The hidden cases repeat the visible sizes in float32, then add the edge cases.
    """
    sizes, hand = SIZES[name], HAND[name] if isinstance(HAND[name], list) else [HAND[name]]
    found = sized_cases(hand, MAKE[name], REFERENCE[name], sizes["visible"], sizes["hidden"], hidden)
    if not hidden:
        found += [made_case(MAKE[name], REFERENCE[name], 30 + seed, s, np.float32)
                  for seed, s in enumerate(sizes.get("visible_float32", []))]
    return found


def diagnostic_cases(name):
    """Square cases, on which a missing transpose or a wrong product still runs and can be recognised."""
    return [made_case(MAKE[name], REFERENCE[name], 99, s) for s in SIZES[name]["diagnostic"]]
