"""The training loop and prediction; and every shipped function against the lecture notes, written out.

The second half implements the notes (dl_utils' seed text) straightforwardly, with their three
bugs corrected: the cost's -1/m applies to both terms, linear_backward returns
(dA_prev, dW, db), and update_parameters returns a new dict instead of mutating its argument.
The shipped functions must give the same numbers to 1e-12 on random nets; this guards any
later reorganisation of dl_utils for speed.
"""

import copy
import re
import warnings

import numpy as np
import pytest

from dl_utils import (
    L_layer_model,
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    predict,
    update_parameters,
)

EQUAL = {"rtol": 1e-12, "atol": 1e-15}  # "the same numbers": relative 1e-12, absolute 1e-15 near 0


def separable_problem(m=60, seed=0):
    """Two features, label 1 when x1 + x2 > 0, with a gap of 0.2 around the boundary."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2, m))
    X[:, np.abs(X.sum(axis=0)) < 0.2] *= 3
    Y = (X.sum(axis=0, keepdims=True) > 0).astype(np.float64)
    return X, Y


# --- L_layer_model ------------------------------------------------------------------------------


def test_cost_falls_and_training_set_is_learned():
    X, Y = separable_problem()
    parameters, costs = L_layer_model(X, Y, [2, 4, 1], learning_rate=0.5, num_iterations=1000)
    assert costs[-1] < costs[0] / 4
    assert np.mean(predict(X, parameters) == Y) > 0.95


@pytest.mark.parametrize(
    "num_iterations, recorded", [(1, [0]), (100, [0, 99]), (101, [0, 100]), (250, [0, 100, 200, 249])]
)
def test_costs_every_100_iterations_plus_the_last(num_iterations, recorded, capsys):
    X, Y = separable_problem()
    _, costs = L_layer_model(X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=num_iterations, print_cost=True)
    printed = [int(i) for i in re.findall(r"Cost after iteration (\d+):", capsys.readouterr().out)]
    assert printed == recorded
    assert len(costs) == len(recorded)


def test_print_cost_format(capsys):
    X, Y = separable_problem()
    _, costs = L_layer_model(X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=201, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Cost after iteration {i}: {cost:.6f}" for i, cost in zip((0, 100, 200), costs, strict=True)]
    assert all(re.fullmatch(r"Cost after iteration \d+: \d+\.\d{6}", line) for line in lines)


def test_silent_without_print_cost(capsys):
    X, Y = separable_problem()
    L_layer_model(X, Y, [2, 3, 1], num_iterations=150)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("layers_dims, learning_rate", [([2, 5, 1], 1e6), ([2, 8, 1], 1e12), ([2, 4, 3, 1], 1e300)])
def test_huge_learning_rate_raises_diverged_without_warnings(layers_dims, learning_rate):
    X, Y = separable_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FloatingPointError, match=r"(?s)diverged.*smaller learning rate"):
            L_layer_model(X, Y, layers_dims, learning_rate=learning_rate, num_iterations=3000)


def test_same_seed_same_result_and_global_random_state_untouched():
    X, Y = separable_problem()
    before = np.random.get_state()  # noqa: NPY002  (the legacy global state must stay untouched)
    first, costs_first = L_layer_model(X, Y, [2, 3, 1], num_iterations=50, seed=4)
    second, costs_second = L_layer_model(X, Y, [2, 3, 1], num_iterations=50, seed=4)
    assert np.array_equal(np.random.get_state()[1], before[1])  # noqa: NPY002
    assert costs_first == costs_second
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])


def test_does_not_mutate_its_arguments():
    X, Y = separable_problem()
    layers_dims = [2, 3, 1]
    X_copy, Y_copy = X.copy(), Y.copy()
    L_layer_model(X, Y, layers_dims, num_iterations=20)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(Y, Y_copy)
    assert layers_dims == [2, 3, 1]


def test_float32_training_keeps_float32():
    X, Y = separable_problem()
    parameters, costs = L_layer_model(X.astype(np.float32), Y, [2, 3, 1], num_iterations=20)
    assert all(value.dtype == np.float32 for value in parameters.values())
    assert all(type(cost) is float for cost in costs)


@pytest.mark.parametrize(
    "layers_dims, message",
    [
        ([3, 4, 1], r"layers_dims\[0\] is 3 but X has 2 rows"),
        ([2, 4, 2], r"layers_dims must end with 1.*got \[2, 4, 2\]"),
        ([2], r"at least two sizes"),
        ([2, 0, 1], r"positive whole numbers, got \[2, 0, 1\]"),
        ([2, -4, 1], r"positive whole numbers, got \[2, -4, 1\]"),
    ],
)
def test_validates_layers_dims_against_X(layers_dims, message):
    X, Y = separable_problem()
    with pytest.raises(ValueError, match=message):
        L_layer_model(X, Y, layers_dims, num_iterations=1)


def test_rejects_Y_of_wrong_shape():
    X, Y = separable_problem()
    with pytest.raises(ValueError, match=r"Y has shape \(1, 59\) but .*\(1, 60\)"):
        L_layer_model(X, Y[:, :59], [2, 3, 1], num_iterations=1)


def test_rejects_1d_X():
    X, Y = separable_problem()
    with pytest.raises(ValueError, match=r"X must be a 2-D array"):
        L_layer_model(X[0], Y, [1, 1], num_iterations=1)


# --- predict ------------------------------------------------------------------------------------


@pytest.mark.parametrize("m", [1, 9])
def test_predict_is_int_0_1_matching_AL_above_half(m):
    X = np.random.default_rng(m).standard_normal((3, m)) * 3
    parameters = initialize_parameters_deep([3, 4, 1], seed=m)
    predictions = predict(X, parameters)
    AL, _ = L_model_forward(X, parameters)
    assert predictions.shape == (1, m)
    assert np.issubdtype(predictions.dtype, np.integer)
    assert set(np.unique(predictions)) <= {0, 1}
    np.testing.assert_array_equal(predictions, (AL > 0.5).astype(int))


def test_predict_does_not_mutate():
    X = np.random.default_rng(2).standard_normal((3, 5))
    parameters = initialize_parameters_deep([3, 4, 1], seed=2)
    X_copy, parameters_copy = X.copy(), copy.deepcopy(parameters)
    predict(X, parameters)
    np.testing.assert_array_equal(X, X_copy)
    assert_same_dicts(parameters, parameters_copy)


def test_predict_at_exactly_one_half_is_0():
    # Z = 0 gives AL = 0.5, which is not above 0.5
    parameters = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}
    np.testing.assert_array_equal(predict(np.ones((2, 3)), parameters), [[0, 0, 0]])


# --- the notes, written out straightforwardly (corrected) -------------------------------------------


def notes_initialize(layers_dims, seed):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) / np.sqrt(
            layers_dims[l - 1]
        )
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def notes_linear_activation_forward(A_prev, W, b, activation):
    Z = np.dot(W, A_prev) + b
    A = 1 / (1 + np.exp(-Z)) if activation == "sigmoid" else np.maximum(0, Z)
    return A, ((A_prev, W, b), Z)


def notes_L_model_forward(X, parameters):
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L):
        A, cache = notes_linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = notes_linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def notes_compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (-1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))  # -1/m on both terms
    return float(np.squeeze(cost))


def notes_linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = (1 / m) * np.dot(dZ, A_prev.T)
    db = (1 / m) * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db  # the order the callers unpack


def notes_linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "relu":
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
    else:
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    return notes_linear_backward(dZ, linear_cache)


def notes_L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = notes_linear_activation_backward(
        dAL, caches[L - 1], "sigmoid"
    )
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = notes_linear_activation_backward(
            grads["dA" + str(l + 1)], caches[l], "relu"
        )
    return grads


def notes_update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    updated = {}  # a new dict: the argument is not mutated
    for l in range(1, L + 1):
        updated["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        updated["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return updated


def notes_L_layer_model(X, Y, layers_dims, learning_rate, num_iterations, seed):
    parameters = notes_initialize(layers_dims, seed)
    costs = []
    for i in range(num_iterations):
        AL, caches = notes_L_model_forward(X, parameters)
        cost = notes_compute_cost(AL, Y)
        parameters = notes_update_parameters(parameters, notes_L_model_backward(AL, Y, caches), learning_rate)
        if i % 100 == 0 or i == num_iterations - 1:
            costs.append(cost)
    return parameters, costs


NETS = [[3, 1], [4, 3, 1], [5, 4, 3, 2, 1], [12, 20, 7, 5, 1]]


def random_case(layers_dims, m, seed):
    rng = np.random.default_rng(seed)
    parameters = initialize_parameters_deep(layers_dims, seed=seed)
    for l in range(1, len(layers_dims)):
        parameters[f"b{l}"] = 0.1 * rng.standard_normal((layers_dims[l], 1))
    X = rng.standard_normal((layers_dims[0], m))
    Y = (rng.uniform(size=(1, m)) > 0.5).astype(np.float64)
    return X, Y, parameters


def assert_same_dicts(got, expected):
    assert sorted(got) == sorted(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], **EQUAL, err_msg=key)


@pytest.mark.parametrize("layers_dims", NETS)
def test_initialize_equals_notes(layers_dims):
    assert_same_dicts(initialize_parameters_deep(layers_dims, seed=5), notes_initialize(layers_dims, seed=5))


@pytest.mark.parametrize("layers_dims", NETS)
@pytest.mark.parametrize("m", [1, 7, 64])
def test_forward_and_cost_equal_notes(layers_dims, m):
    X, Y, parameters = random_case(layers_dims, m, seed=m)
    AL, caches = L_model_forward(X, parameters)
    AL_notes, caches_notes = notes_L_model_forward(X, parameters)
    np.testing.assert_allclose(AL, AL_notes, **EQUAL)
    for ((A, W, b), Z), ((A_n, W_n, b_n), Z_n) in zip(caches, caches_notes, strict=True):
        for got, expected in ((A, A_n), (W, W_n), (b, b_n), (Z, Z_n)):
            np.testing.assert_allclose(got, expected, **EQUAL)
    assert compute_cost(AL, Y) == pytest.approx(notes_compute_cost(AL_notes, Y), rel=1e-12)


@pytest.mark.parametrize("layers_dims", NETS)
@pytest.mark.parametrize("m", [1, 7, 64])
def test_backward_equals_notes(layers_dims, m):
    X, Y, parameters = random_case(layers_dims, m, seed=m)
    AL, caches = L_model_forward(X, parameters)
    assert_same_dicts(L_model_backward(AL, Y, caches), notes_L_model_backward(AL, Y, caches))


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_linear_activation_step_equals_notes(activation):
    X, _, parameters = random_case([6, 5, 1], 9, seed=11)
    A, cache = linear_activation_forward(X, parameters["W1"], parameters["b1"], activation)
    A_notes, cache_notes = notes_linear_activation_forward(X, parameters["W1"], parameters["b1"], activation)
    np.testing.assert_allclose(A, A_notes, **EQUAL)
    dA = np.random.default_rng(12).standard_normal(A.shape)
    for got, expected in zip(
        linear_activation_backward(dA, cache, activation),
        notes_linear_activation_backward(dA, cache_notes, activation),
        strict=True,
    ):
        np.testing.assert_allclose(got, expected, **EQUAL)


@pytest.mark.parametrize("layers_dims", NETS)
def test_update_equals_notes(layers_dims):
    X, Y, parameters = random_case(layers_dims, 7, seed=3)
    AL, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL, Y, caches)
    parameters_copy = copy.deepcopy(parameters)
    assert_same_dicts(update_parameters(parameters, grads, 0.3), notes_update_parameters(parameters, grads, 0.3))
    assert_same_dicts(parameters, parameters_copy)


@pytest.mark.parametrize("layers_dims", NETS)
def test_training_equals_notes(layers_dims):
    X, Y, _ = random_case(layers_dims, 40, seed=8)
    parameters, costs = L_layer_model(X, Y, layers_dims, learning_rate=0.05, num_iterations=301, seed=2)
    parameters_notes, costs_notes = notes_L_layer_model(X, Y, layers_dims, 0.05, 301, seed=2)
    np.testing.assert_allclose(costs, costs_notes, **EQUAL)
    assert_same_dicts(parameters, parameters_notes)
