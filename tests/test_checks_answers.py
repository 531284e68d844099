"""Every check accepts correct answers written in other ways than the reference's.

Each exercise gets at least two formulations a learner might write: np.dot or einsum
instead of @, loops instead of vectorised code, the lecture notes' code (corrected where
the notes have a bug), the dAL route and the direct dZ = AL - Y route, ReLU's slope from
Z or from A, a cost written with np.dot, np.mean, np.multiply, with or without clipping,
returned as a float, a 0-d array or a numpy scalar.
"""

import copy
import warnings

import numpy as np
import pytest

from dl_utils import checks
from dl_utils import linear_activation_backward as ref_linear_activation_backward
from dl_utils import linear_activation_forward as ref_linear_activation_forward
from dl_utils import linear_backward as ref_linear_backward
from dl_utils import relu_backward as ref_relu_backward
from dl_utils import sigmoid_backward as ref_sigmoid_backward

# -- 01 initialize ---------------------------------------------------------------------------------


# The exercise prescribes the draw (one rng = np.random.default_rng(seed), rng.standard_normal((n_l, n_prev)) for
# W1, ..., WL in order), so the right answers are the ways of writing that draw; other generators, a generator per
# layer or a draw for b are wrong (tests/test_checks.py).


def init_normal_with_scale(layers_dims, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = rng.normal(0, 1 / np.sqrt(layers_dims[l - 1]),
                                              (layers_dims[l], layers_dims[l - 1])).astype(dtype)
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1), dtype)
    return parameters


def init_times_sqrt_one_over_n(layers_dims, seed=0, dtype="float64"):
    parameters = {}
    rng = np.random.default_rng(seed)
    L = len(layers_dims)
    for l in range(1, L):
        W = rng.standard_normal((layers_dims[l], layers_dims[l - 1]))
        parameters[f"W{l}"] = np.asarray(W * np.sqrt(1 / layers_dims[l - 1]), dtype=dtype)
        parameters[f"b{l}"] = np.zeros(shape=(layers_dims[l], 1)).astype(dtype)
    return parameters


def init_draw_in_dtype(layers_dims, seed=0, dtype=np.float64):
    # Generator.standard_normal draws float32 directly only with its own algorithm: convert after, as asked.
    rng = np.random.default_rng(seed)
    return {k: v for l in range(1, len(layers_dims)) for k, v in (
        (f"W{l}", (rng.standard_normal(size=(layers_dims[l], layers_dims[l - 1])) / layers_dims[l - 1] ** 0.5)
         .astype(dtype, copy=False)),
        (f"b{l}", np.zeros_like(np.empty((layers_dims[l], 1)), dtype=dtype)))}


# -- 02 forward ------------------------------------------------------------------------------------


def linear_forward_notes(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def linear_forward_einsum(A_prev, W, b):
    return np.einsum("ij,jk->ik", W, A_prev) + b, (A_prev, W, b)


def linear_forward_matmul(A_prev, W, b):
    return np.add(np.matmul(W, A_prev), b), (A_prev, W, b)


def linear_forward_cache_as_list(A_prev, W, b):
    # A list cache is as good as a tuple: everything downstream only unpacks it.
    return W @ A_prev + b, [A_prev, W, b]


def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z)), Z


def _relu(Z):
    return np.maximum(0, Z), Z


def linear_activation_forward_notes(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward_notes(A_prev, W, b)
        A, activation_cache = _sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward_notes(A_prev, W, b)
        A, activation_cache = _relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def linear_activation_forward_dict(A_prev, W, b, activation):
    Z = W @ A_prev + b
    A = {"relu": lambda z: z * (z > 0), "sigmoid": lambda z: np.exp(-np.logaddexp(0, -z))}[activation](Z)
    return A, ((A_prev, W, b), Z)


def linear_activation_forward_lists(A_prev, W, b, activation):
    Z, linear_cache = linear_forward_cache_as_list(A_prev, W, b)
    A = np.maximum(0, Z) if activation == "relu" else 1 / (1 + np.exp(-Z))
    return A, [linear_cache, Z]


def L_model_forward_notes(X, parameters):
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward_notes(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward_notes(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def L_model_forward_one_loop(X, parameters):
    caches, A = [], X
    L = len([k for k in parameters if k.startswith("W")])
    for l in range(1, L + 1):
        A, cache = ref_linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                                 "sigmoid" if l == L else "relu")
        caches.append(cache)
    return A, tuple(caches)


# -- 03 cost ---------------------------------------------------------------------------------------


def cost_notes_corrected(AL, Y):
    m = Y.shape[1]
    cost = (-1 / m) * (np.dot(Y, np.log(AL).T) + np.dot((1 - Y), np.log(1 - AL).T))
    cost = np.squeeze(cost)  # a 0-d array
    assert cost.shape == ()
    return cost


def cost_mean_multiply(AL, Y):
    return -np.mean(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))  # a numpy scalar


def cost_clipped(AL, Y):
    A = np.clip(AL, 1e-15, 1 - 1e-15)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / AL.shape[1])


def cost_sum_loop(AL, Y):
    m = Y.shape[1]
    total = 0.0
    for i in range(m):
        y, a = Y[0, i], AL[0, i]
        total += -(y * np.log(a) + (1 - y) * np.log(1 - a))
    return total / m


# -- 04 backward -----------------------------------------------------------------------------------


def relu_backward_copy(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def relu_backward_from_A(dA, cache):
    A = np.maximum(0, cache)
    return dA * (A > 0)


def relu_backward_heaviside(dA, cache):
    return dA * np.heaviside(cache, 0)


def sigmoid_backward_classic(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * (1 - s)


def sigmoid_backward_tanh(dA, cache):
    s = 0.5 * (1 + np.tanh(cache / 2))
    return np.multiply(dA, s - s**2)


def linear_backward_notes_corrected(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = (1 / m) * np.dot(dZ, A_prev.T)
    db = (1 / m) * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_backward_einsum(dZ, cache):
    A_prev, W, _ = cache
    m = dZ.shape[1]
    return np.einsum("ji,jk->ik", W, dZ), np.einsum("ik,jk->ij", dZ, A_prev) / m, dZ.mean(axis=1).reshape(-1, 1)


def linear_activation_backward_notes(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward_copy(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward_classic(dA, activation_cache)
    dA_prev, dW, db = linear_backward_notes_corrected(dZ, linear_cache)
    return dA_prev, dW, db


def linear_activation_backward_dispatch(dA, cache, activation):
    backward = {"relu": ref_relu_backward, "sigmoid": ref_sigmoid_backward}[activation]
    return ref_linear_backward(backward(dA, cache[1]), cache[0])


def L_model_backward_notes(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = ref_linear_activation_backward(
        dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = ref_linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def L_model_backward_recursive(AL, Y, caches):
    # Loop-free: the output layer from dZ = AL - Y, then recursion down the hidden layers.
    L = len(caches)

    def down(l, dA):
        if l == 0:
            return {}
        dA_prev, dW, db = ref_linear_activation_backward(dA, caches[l - 1], "relu")
        return {f"dA{l - 1}": dA_prev, f"dW{l}": dW, f"db{l}": db, **down(l - 1, dA_prev)}

    dA_prev, dW, db = ref_linear_backward(AL - Y, caches[L - 1][0])
    return {f"dA{L - 1}": dA_prev, f"dW{L}": dW, f"db{L}": db, **down(L - 1, dA_prev)}


def L_model_backward_with_dAL_key(AL, Y, caches):
    # Keeps dA{L} as well: an extra key is harmless.
    grads = L_model_backward_recursive(AL, Y, caches)
    grads[f"dA{len(caches)}"] = -(Y / AL - (1 - Y) / (1 - AL))
    return grads


# -- 05 update -------------------------------------------------------------------------------------


def update_notes_corrected(parameters, grads, learning_rate):
    parameters = copy.deepcopy(parameters)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def update_comprehension(parameters, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}


def update_copy_then_subtract_in_place(parameters, grads, learning_rate):
    updated = {key: value.copy() for key, value in parameters.items()}
    for key in updated:
        updated[key] -= learning_rate * grads["d" + key]
    return updated


CORRECT = {
    "initialize_parameters_deep": [init_normal_with_scale, init_times_sqrt_one_over_n, init_draw_in_dtype],
    "linear_forward": [linear_forward_notes, linear_forward_einsum, linear_forward_matmul,
                       linear_forward_cache_as_list],
    "linear_activation_forward": [linear_activation_forward_notes, linear_activation_forward_dict,
                                  linear_activation_forward_lists],
    "L_model_forward": [L_model_forward_notes, L_model_forward_one_loop],
    "compute_cost": [cost_notes_corrected, cost_mean_multiply, cost_clipped, cost_sum_loop],
    "relu_backward": [relu_backward_copy, relu_backward_from_A, relu_backward_heaviside],
    "sigmoid_backward": [sigmoid_backward_classic, sigmoid_backward_tanh],
    "linear_backward": [linear_backward_notes_corrected, linear_backward_einsum],
    "linear_activation_backward": [linear_activation_backward_notes, linear_activation_backward_dispatch],
    "L_model_backward": [L_model_backward_notes, L_model_backward_recursive, L_model_backward_with_dAL_key],
    "update_parameters": [update_notes_corrected, update_comprehension, update_copy_then_subtract_in_place],
}
ANSWERS = [(name, fn) for name, fns in CORRECT.items() for fn in fns]


def test_every_core_exercise_has_two_other_answers():
    # The exercises of notebooks 07-11 have their other answers in their own test files, the ones written
    # since in their records (right=); tests/test_checks.py asks that of every exercise.
    core = [name for name in checks.EXERCISE_NAMES if checks.exercise(name).notebook < "06"]
    assert set(CORRECT) <= set(core), sorted(set(CORRECT) - set(core))
    assert all(len(fns) >= 2 for fns in CORRECT.values())


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize(("name", "fn"), ANSWERS, ids=[fn.__name__ for _, fn in ANSWERS])
def test_correct_answer_passes(name, fn, hidden, capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        getattr(checks, name)(fn, hidden=hidden)
    assert [str(w.message) for w in caught] == []
    out, err = capsys.readouterr()
    assert out == f"{name}: all {'hidden ' if hidden else ''}checks passed.\n"
    assert err == ""

