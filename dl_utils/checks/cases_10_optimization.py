"""The checks of notebook 10's exercises (mini-batches, momentum, Adam), on the common engine.

``random_mini_batches`` must shuffle with ``np.random.default_rng(seed).permutation(m)``, as the exercise
says, so its batches can be compared with the reference's exactly; batches that are a valid shuffle but
another one get a message that says so and names the draw. The updates are compared at the course's
float64 tolerance (relative 1e-6); Adam's parameters pass if they are the step of any of the three ways
of placing epsilon (``sqrt(s_hat) + epsilon``, ``sqrt(s_hat + epsilon)``, Kingma and Ba's efficient form,
see :func:`_adam_steps`); a bias correction left out or taken with the wrong beta changes the first steps
by a factor of 3 or more.
"""


import numpy as np

from .. import optimizers as reference
from . import _network as net
from ._compare import FLOAT64, Mismatch, check_array, check_dict, check_keys, check_tuple, same, type_name
from ._engine import Case, Exercise, floats, normal, sized

_a = floats

# random_mini_batches: m = 5, mini_batch_size 2, seed 3: default_rng(3).permutation(5) is [4, 2, 1, 3, 0], so the
# columns come in that order, cut as [4, 2], [1, 3], [0]. Y is the column's number, so a Y shuffled apart shows.
X_MB = floats([[0, 1, 2, 3, 4], [10, 11, 12, 13, 14]])
Y_MB = floats([[0, 1, 2, 3, 4]])
HAND_MB = Case("the hand-computed case", {"X": X_MB, "Y": Y_MB, "mini_batch_size": 2, "seed": 3},
               [(floats([[4, 2], [14, 12]]), floats([[4, 2]])), (floats([[1, 3], [11, 13]]), floats([[1, 3]])),
                (floats([[0], [10]]), floats([[0]]))], FLOAT64)

# update_parameters_with_momentum: beta 0.9, learning_rate 0.1, one layer.
#   v_dW = 0.9 [[1, -2]] + 0.1 [[10, 5]] = [[0.9 + 1, -1.8 + 0.5]] = [[1.9, -1.3]];
#   W = [[1, 1]] - 0.1 v = [[0.81, 1.13]]
#   v_db = 0.9 [[0]] + 0.1 [[-4]] = [[-0.4]]; b = [[2]] - 0.1 (-0.4) = [[2.04]]
HAND_MOM = Case("the hand-computed case",
                {"parameters": {"W1": floats([[1, 1]]), "b1": floats([[2]])},
                 "grads": {"dW1": floats([[10, 5]]), "db1": floats([[-4]]), "dA0": floats([[1], [1]])},
                 "v": {"dW1": floats([[1, -2]]), "db1": floats([[0]])}, "beta": 0.9, "learning_rate": 0.1},
                ({"W1": floats([[0.81, 1.13]]), "b1": floats([[2.04]])},
                 {"dW1": floats([[1.9, -1.3]]), "db1": floats([[-0.4]])}),
                FLOAT64)

# update_parameters_with_adam, first step (t = 1) from zeros, learning_rate 0.1, betas 0.9 and 0.999, epsilon 1e-8:
#   dW = 0.5: v = 0.1 * 0.5 = 0.05, s = 0.001 * 0.25 = 0.00025;
#   v_hat = 0.05 / 0.1 = 0.5, s_hat = 0.00025 / 0.001 = 0.25;
#   W = 1 - 0.1 * 0.5 / (0.5 + 1e-8) = 1 - 0.1 / (1 + 2e-8)
#   db = -2: v = -0.2, s = 0.004; v_hat = -2, s_hat = 4; b = 0 + 0.1 * 2 / (2 + 1e-8) = 0.1 / (1 + 5e-9)
# Second step (t = 2) from v = 0.05, s = 0.00025 with dW = -0.25:
#   v = 0.045 - 0.025 = 0.02, s = 0.00024975 + 0.0000625 = 0.00031225;
#   v_hat = 0.02 / (1 - 0.81) = 0.02 / 0.19, s_hat = 0.00031225 / (1 - 0.998001) = 0.00031225 / 0.001999;
#   W = 1 - 0.1 * v_hat / (sqrt(s_hat) + 1e-8)
_ADAM = {"learning_rate": 0.1, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
HAND_ADAM = [
    Case("the hand-computed case (t = 1)",
         {"parameters": {"W1": floats([[1]]), "b1": floats([[0]])},
          "grads": {"dW1": floats([[0.5]]), "db1": floats([[-2]])},
          "v": {"dW1": floats([[0]]), "db1": floats([[0]])}, "s": {"dW1": floats([[0]]), "db1": floats([[0]])}, "t": 1,
          **_ADAM},
         ({"W1": floats([[1 - 0.1 / (1 + 2e-8)]]), "b1": floats([[0.1 / (1 + 5e-9)]])},
          {"dW1": floats([[0.05]]), "db1": floats([[-0.2]])}, {"dW1": floats([[0.00025]]), "db1": floats([[0.004]])}),
         FLOAT64),
    Case("the hand-computed case (t = 2)",
         {"parameters": {"W1": floats([[1]]), "b1": floats([[0]])},
          "grads": {"dW1": floats([[-0.25]]), "db1": floats([[0]])},
          "v": {"dW1": floats([[0.05]]), "db1": floats([[0]])}, "s": {"dW1": floats([[0.00025]]), "db1": floats([[0]])},
          "t": 2, **_ADAM},
         ({"W1": floats([[1 - 0.1 * (0.02 / 0.19) / (np.sqrt(0.00031225 / 0.001999) + 1e-8)]]), "b1": floats([[0]])},
          {"dW1": floats([[0.02]]), "db1": floats([[0]])}, {"dW1": floats([[0.00031225]]), "db1": floats([[0]])}),
         FLOAT64),
]


def _mb_inputs(rng, dtype, n_x, m, size):
    return {"X": normal(rng, (n_x, m), dtype), "Y": rng.integers(0, 2, (1, m)).astype(dtype),
            "mini_batch_size": size, "seed": int(rng.integers(1000))}


def _state(rng, parameters, dtype, positive=False):
    draw = (lambda shape: np.abs(rng.standard_normal(shape)) * 0.05) if positive else rng.standard_normal
    return {f"d{k}": draw(p.shape).astype(dtype) for k, p in parameters.items()}


def _update_inputs(rng, dtype, layers_dims, m):
    args = net.update_inputs(rng, dtype, layers_dims, m)
    # Gradients of size 0.1 and more (see the module docstring), with the dA keys of a real backward pass.
    args["grads"] = {k: (g + np.sign(g) * 0.1).astype(dtype) if k[1] != "A" else g for k, g in args["grads"].items()}
    return args


def _mom_inputs(rng, dtype, layers_dims, m, beta):
    args = _update_inputs(rng, dtype, layers_dims, m)
    return {"parameters": args["parameters"], "grads": args["grads"], "v": _state(rng, args["parameters"], dtype),
            "beta": beta, "learning_rate": 0.1}


def _adam_inputs(rng, dtype, layers_dims, m, t, epsilon=1e-8):
    args = _update_inputs(rng, dtype, layers_dims, m)
    parameters = args["parameters"]
    v = _state(rng, parameters, dtype)
    if t == 1:  # the first step starts from initialize_adam's zeros
        v = {k: np.zeros_like(a) for k, a in v.items()}
    s = _state(rng, parameters, dtype, positive=True) if t > 1 else {k: np.zeros_like(p) for k, p in v.items()}
    return {"parameters": parameters, "grads": args["grads"], "v": v, "s": s, "t": t, "learning_rate": 0.01,
            "beta1": 0.9, "beta2": 0.999, "epsilon": epsilon}


def _compare_batches(got, case):
    expected = case.expected
    if not isinstance(got, list):
        raise Mismatch(f"mini_batches is {type_name(got)}, expected a list of {len(expected)} (mini_batch_X, "
                       "mini_batch_Y) pairs")
    if len(got) != len(expected):
        m, size = case.args["X"].shape[1], case.args["mini_batch_size"]
        hint = (": the last, smaller mini-batch of the m % mini_batch_size examples left over is missing"
                if len(got) == m // size else "")
        raise Mismatch(f"mini_batches has {len(got)} mini-batches, expected ceil(m / mini_batch_size) = "
                       f"ceil({m} / {size}) = {len(expected)}{hint}")
    pairs = [check_tuple(f"mini_batches[{k}]", pair, ("mini_batch_X", "mini_batch_Y")) for k, pair in enumerate(got)]
    for k, ((mini_X, mini_Y), (X_k, Y_k)) in enumerate(zip(pairs, expected, strict=True)):
        check_array(f"mini_batches[{k}][0] (mini_batch_X)", mini_X, X_k, None)
        check_array(f"mini_batches[{k}][1] (mini_batch_Y)", mini_Y, Y_k, None)
    if not all(same(pair, e, case.tol) for pair, e in zip(pairs, expected, strict=True)) and _another_shuffle(
            pairs, case.args["X"], case.args["Y"]):
        raise Mismatch(f"the mini-batches are a shuffle of the examples, but not the one drawn from the seed: "
                       f"{SHUFFLE}")
    for k, ((mini_X, mini_Y), (X_k, Y_k)) in enumerate(zip(pairs, expected, strict=True)):
        check_array(f"mini_batches[{k}][0] (mini_batch_X)", mini_X, X_k, case.tol)
        check_array(f"mini_batches[{k}][1] (mini_batch_Y)", mini_Y, Y_k, case.tol)


SHUFFLE = ("shuffle with permutation = np.random.default_rng(seed).permutation(m), then X[:, permutation] and "
           "Y[:, permutation], as the exercise says: the check compares your mini-batches with that order "
           "(rng.choice(m, m, replace=False) or another generator shuffle just as well, but otherwise)")


def _another_shuffle(pairs, X, Y):
    # Whether the batches, put side by side, hold every example once with its own label, in some other order.
    mini_X, mini_Y = np.concatenate([p[0] for p in pairs], axis=1), np.concatenate([p[1] for p in pairs], axis=1)
    where = {tuple(column): i for i, column in enumerate(X.T.tolist())}
    if len(where) != X.shape[1] or mini_X.shape != X.shape:
        return False
    order = [where.get(tuple(column)) for column in mini_X.T.tolist()]
    return sorted(o for o in order if o is not None) == list(range(X.shape[1])) and np.array_equal(
        mini_Y, Y[:, order])


def _compare_momentum(got, case):
    parameters, v = check_tuple("the returned value", got, ("parameters", "v"))
    check_dict("parameters", parameters, case.expected[0], case.tol, exact=True)
    check_dict("v", v, case.expected[1], case.tol, exact=True)


# Where epsilon goes is a choice of formulation, and each is Adam: sqrt(s_hat) + epsilon (the course's, the
# reference's), sqrt(s_hat + epsilon), or Kingma and Ba's "efficient" form, lr_t = lr * sqrt(1 - beta2**t) /
# (1 - beta1**t) and W - lr_t * v / (sqrt(s) + epsilon), which is sqrt(s_hat) + epsilon / sqrt(1 - beta2**t)
# (3e-8 off the reference at t = 1 with epsilon 1e-8, beyond the float64 tolerance). So the parameters pass if
# they are, at the course's tolerance, the step of any of the three. A constant written for epsilon is none
# of them on the cases whose epsilon is not 1e-8.
def _adam_steps(args):
    """The parameters after one Adam step written each of the three ways, from the case's arguments."""
    t, lr, b1, b2, eps = (args[k] for k in ("t", "learning_rate", "beta1", "beta2", "epsilon"))
    steps = ({}, {}, {})
    for key, W in args["parameters"].items():
        g = args["grads"]["d" + key]
        v = b1 * args["v"]["d" + key] + (1 - b1) * g
        s = b2 * args["s"]["d" + key] + (1 - b2) * g**2
        v_hat, s_hat = v / (1 - b1**t), s / (1 - b2**t)
        steps[0][key] = W - lr * v_hat / (np.sqrt(s_hat) + eps)
        steps[1][key] = W - lr * v_hat / np.sqrt(s_hat + eps)
        steps[2][key] = W - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * v / (np.sqrt(s) + eps)
    return steps


def _compare_adam(got, case):
    parameters, v, s = check_tuple("the returned value", got, ("parameters", "v", "s"))
    check_keys("parameters", parameters, case.expected[0], exact=True)
    steps = _adam_steps(case.args)
    if not any(same(parameters, step, case.tol) for step in steps):
        check_dict("parameters", parameters, case.expected[0], case.tol, exact=True)
    check_dict("v", v, case.expected[1], case.tol, exact=True)
    check_dict("s", s, case.expected[2], case.tol, exact=True)


HIDDEN_DOC = "(one example, float32 inputs, a batch of one, beta 0 or 0.99,\n        step 100, deeper networks)"
EXERCISES = [
    # Sizes (n_x, m, mini_batch_size).
    Exercise("random_mini_batches", reference.random_mini_batches, _mb_inputs, _compare_batches, [HAND_MB],
             **sized([(3, 10, 4), (2, 8, 4), (4, 5, 64)], [(2, 1, 64), (5, 100, 32), (1, 64, 64), (3, 7, 1)]),
             hidden_doc=HIDDEN_DOC),
    # Sizes (layers_dims, m, beta).
    Exercise("update_parameters_with_momentum", reference.update_parameters_with_momentum, _mom_inputs,
             _compare_momentum, [HAND_MOM], **sized(
                 [([4, 3, 1], 5, 0.9), ([5, 4, 3, 1], 6, 0.5)],
                 [([3, 1], 4, 0.0), ([4, 3, 1], 1, 0.99), ([6, 8, 7, 5, 1], 10, 0.9)]),
             hidden_doc=HIDDEN_DOC),
    # Sizes (layers_dims, m, t[, epsilon]): one case with another epsilon than 1e-8, so that a constant written
    # instead of the argument shows.
    Exercise("update_parameters_with_adam", reference.update_parameters_with_adam, _adam_inputs, _compare_adam,
             HAND_ADAM, **sized(
                 [([4, 3, 1], 5, 1), ([5, 4, 3, 1], 6, 7), ([4, 3, 1], 5, 3, 1e-2)],
                 [([3, 1], 4, 1), ([4, 3, 1], 1, 2), ([6, 8, 7, 5, 1], 10, 100), ([3, 2, 1], 6, 50, 1e-1)]),
             hidden_doc=HIDDEN_DOC),
]
