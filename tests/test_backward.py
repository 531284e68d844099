"""Backward propagation against hand values and centered-difference gradients.

Scale convention (dl_utils/backward.py): dA and dZ are gradients of the per-example loss,
dW and db of the cost J = (1/m) sum_i loss_i. Hence dW = dJ/dW, db = dJ/db, dA = m dJ/dA.
For one layer fed with an upstream gradient G (= dZ or dA), J is, to first order, the scalar
F = (1/m) sum(G * out) with out = Z = W A_prev + b (linear_backward) or out = g(Z)
(linear_activation_backward), so dW = dF/dW, db = dF/db, dA_prev = m dF/dA_prev.
"""

import copy
import warnings

import numpy as np
import pytest
from numgrad import GRAD_RTOL, numerical_gradient, rel_error

from dl_utils import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    relu,
    sigmoid,
)

SHAPES = [[3, 1], [4, 3, 1], [5, 4, 3, 2, 1]]
KINK_MARGIN = 1e-3  # every hidden Z at least this far from 0, far beyond what an eps = 1e-5 step moves


def random_net(layers_dims, m, seed):
    """Parameters (non-zero biases), X and Y (both labels when m > 1), all float64."""
    rng = np.random.default_rng(seed)
    parameters = initialize_parameters_deep(layers_dims, seed=seed)
    for l in range(1, len(layers_dims)):
        parameters[f"b{l}"] = 0.1 * rng.standard_normal((layers_dims[l], 1))
    X = rng.standard_normal((layers_dims[0], m))
    Y = (np.arange(m) % 2).reshape(1, m).astype(np.float64)
    return X, Y, parameters


def hidden_Z_margin(X, parameters):
    _, caches = L_model_forward(X, parameters)
    return min(np.abs(Z).min() for _, Z in caches[:-1]) if len(caches) > 1 else np.inf


def cost(X, Y, parameters):
    return compute_cost(L_model_forward(X, parameters)[0], Y)


def tail_parameters(parameters, start):
    """Layers start+1..L of ``parameters``, renumbered 1.., i.e. the net that maps A_start to AL."""
    L = len(parameters) // 2
    return {f"{p}{l - start}": parameters[f"{p}{l}"] for l in range(start + 1, L + 1) for p in "Wb"}


# --- hand-computed values ---------------------------------------------------------------------


def test_linear_backward_hand_values():
    # dZ = [[1, 2]], A_prev = [[1, 3], [2, 4]], W = [[0.5, -1]], m = 2:
    #   dW = dZ A_prev^T / 2 = [[1*1 + 2*3, 1*2 + 2*4]] / 2 = [[3.5, 5]]
    #   db = (1 + 2) / 2 = 1.5
    #   dA_prev = W^T dZ = [[0.5*1, 0.5*2], [-1*1, -1*2]]
    cache = (np.array([[1.0, 3.0], [2.0, 4.0]]), np.array([[0.5, -1.0]]), np.zeros((1, 1)))
    dA_prev, dW, db = linear_backward(np.array([[1.0, 2.0]]), cache)
    np.testing.assert_array_equal(dW, [[3.5, 5.0]])
    np.testing.assert_array_equal(db, [[1.5]])
    np.testing.assert_array_equal(dA_prev, [[0.5, 1.0], [-1.0, -2.0]])


def saturated_net():
    """A [1, 2, 1] net whose output Z is +-800, so AL is exactly 1 or 0. Everything by hand:

    X = [[800, -800, 800, -800]], W1 = [[1], [-1]], b1 = 0:
        Z1 = [[800, -800, 800, -800], [-800, 800, -800, 800]], A1 = relu(Z1)
    W2 = [[1, -1]], b2 = 0: Z2 = [[800, -800, 800, -800]], AL = [[1, 0, 1, 0]]
    Y = [[1, 0, 0, 1]]: dZ2 = AL - Y = [[0, 0, 1, -1]]
        dW2 = dZ2 A1^T / 4 = [[800 / 4, -800 / 4]],  db2 = 0 / 4 = 0
        dA1 = W2^T dZ2 = [[0, 0, 1, -1], [0, 0, -1, 1]]
        dZ1 = dA1 * (Z1 > 0) = [[0, 0, 1, 0], [0, 0, 0, 1]]
        dW1 = dZ1 X^T / 4 = [[800 / 4], [-800 / 4]],  db1 = [[1 / 4], [1 / 4]]
        dA0 = W1^T dZ1 = [[0, 0, 1, -1]]
    """
    X = np.array([[800.0, -800.0, 800.0, -800.0]])
    parameters = {"W1": np.array([[1.0], [-1.0]]), "b1": np.zeros((2, 1)), "W2": np.array([[1.0, -1.0]]),
                  "b2": np.zeros((1, 1))}
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    grads = {
        "dW2": [[200.0, -200.0]], "db2": [[0.0]], "dA1": [[0.0, 0.0, 1.0, -1.0], [0.0, 0.0, -1.0, 1.0]],
        "dW1": [[200.0], [-200.0]], "db1": [[0.25], [0.25]], "dA0": [[0.0, 0.0, 1.0, -1.0]],
    }
    return X, Y, parameters, grads


def test_L_model_backward_exact_when_output_saturates():
    X, Y, parameters, expected = saturated_net()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AL, caches = L_model_forward(X, parameters)
        np.testing.assert_array_equal(AL, [[1.0, 0.0, 1.0, 0.0]])
        grads = L_model_backward(AL, Y, caches)
    assert sorted(grads) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_array_equal(grads[key], value, err_msg=key)


# --- centered-difference gradients: threshold GRAD_RTOL (1e-7) in float64 ------------------------


@pytest.mark.parametrize("layers_dims", SHAPES)
@pytest.mark.parametrize("m", [1, 7])
def test_dW_db_match_numerical_gradient_of_cost(layers_dims, m):
    X, Y, parameters = random_net(layers_dims, m, seed=m)
    assert hidden_Z_margin(X, parameters) > KINK_MARGIN
    AL, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL, Y, caches)
    for key in parameters:

        def J(value, key=key):
            return cost(X, Y, {**parameters, key: value})

        assert rel_error(grads[f"d{key}"], numerical_gradient(J, parameters[key])) < GRAD_RTOL, key


@pytest.mark.parametrize("layers_dims", SHAPES)
@pytest.mark.parametrize("m", [1, 7])
def test_dA_is_m_times_numerical_gradient_of_cost(layers_dims, m):
    X, Y, parameters = random_net(layers_dims, m, seed=m)
    assert hidden_Z_margin(X, parameters) > KINK_MARGIN
    AL, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL, Y, caches)
    for l in range(len(layers_dims) - 1):
        A_l = X if l == 0 else caches[l][0][0]  # A_l is the A_prev of layer l + 1
        tail = tail_parameters(parameters, l)
        numeric = numerical_gradient(lambda A, tail=tail: cost(A, Y, tail), A_l)
        assert rel_error(grads[f"dA{l}"], m * numeric) < GRAD_RTOL, f"dA{l}"


@pytest.mark.parametrize("n_prev, n_l, m", [(3, 1, 1), (3, 2, 7), (5, 4, 3)])
def test_linear_backward_matches_numerical_gradient(n_prev, n_l, m):
    rng = np.random.default_rng(n_prev + n_l + m)
    A_prev, W, b = rng.standard_normal((n_prev, m)), rng.standard_normal((n_l, n_prev)), rng.standard_normal((n_l, 1))
    dZ = rng.standard_normal((n_l, m))

    def F(A_prev, W, b):  # (1/m) sum(dZ * Z): its gradients are dW, db and dA_prev / m
        return np.sum(dZ * (W @ A_prev + b)) / m

    dA_prev, dW, db = linear_backward(dZ, (A_prev, W, b))
    assert rel_error(dW, numerical_gradient(lambda w: F(A_prev, w, b), W)) < GRAD_RTOL
    assert rel_error(db, numerical_gradient(lambda v: F(A_prev, W, v), b)) < GRAD_RTOL
    assert rel_error(dA_prev, m * numerical_gradient(lambda a: F(a, W, b), A_prev)) < GRAD_RTOL


@pytest.mark.parametrize("activation, g", [("relu", relu), ("sigmoid", sigmoid)])
@pytest.mark.parametrize("n_prev, n_l, m", [(3, 1, 1), (3, 2, 7), (5, 4, 3)])
def test_linear_activation_backward_matches_numerical_gradient(activation, g, n_prev, n_l, m):
    rng = np.random.default_rng(10 * n_prev + n_l + m)
    A_prev, W, b = rng.standard_normal((n_prev, m)), rng.standard_normal((n_l, n_prev)), rng.standard_normal((n_l, 1))
    assert np.abs(W @ A_prev + b).min() > KINK_MARGIN
    dA = rng.standard_normal((n_l, m))

    def F(A_prev, W, b):  # (1/m) sum(dA * g(Z))
        return np.sum(dA * g(W @ A_prev + b)[0]) / m

    _, cache = linear_activation_forward(A_prev, W, b, activation)
    dA_prev, dW, db = linear_activation_backward(dA, cache, activation)
    assert rel_error(dW, numerical_gradient(lambda w: F(A_prev, w, b), W)) < GRAD_RTOL
    assert rel_error(db, numerical_gradient(lambda v: F(A_prev, W, v), b)) < GRAD_RTOL
    assert rel_error(dA_prev, m * numerical_gradient(lambda a: F(a, W, b), A_prev)) < GRAD_RTOL


# --- shapes and dtype -----------------------------------------------------------------------------


@pytest.mark.parametrize("layers_dims", SHAPES)
def test_grads_keys_and_shapes(layers_dims):
    X, Y, parameters = random_net(layers_dims, 7, seed=0)
    AL, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL, Y, caches)
    L = len(layers_dims) - 1
    assert sorted(grads) == sorted([f"dA{l}" for l in range(L)] + [f"d{p}{l}" for l in range(1, L + 1) for p in "Wb"])
    for l in range(1, L + 1):
        assert grads[f"dW{l}"].shape == parameters[f"W{l}"].shape
        assert grads[f"db{l}"].shape == parameters[f"b{l}"].shape
        assert grads[f"dA{l - 1}"].shape == (layers_dims[l - 1], 7)


def test_float32_forward_gives_float32_grads():
    X, Y, parameters = random_net([4, 3, 1], 5, seed=0)
    parameters32 = {key: value.astype(np.float32) for key, value in parameters.items()}
    AL, caches = L_model_forward(X.astype(np.float32), parameters32)
    grads = L_model_backward(AL, Y, caches)
    assert all(value.dtype == np.float32 for value in grads.values())


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_linear_activation_backward_keeps_float32(activation):
    rng = np.random.default_rng(0)
    A_prev, W, b = (rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (2, 3), (2, 1)])
    _, cache = linear_activation_forward(A_prev, W, b, activation)
    grads = linear_activation_backward(np.ones((2, 4), np.float32), cache, activation)
    assert all(g.dtype == np.float32 for g in grads)


# --- arguments never mutated ------------------------------------------------------------------------


def test_L_model_backward_does_not_mutate():
    X, Y, parameters = random_net([5, 4, 3, 1], 7, seed=2)
    AL, caches = L_model_forward(X, parameters)
    AL_copy, Y_copy, caches_copy = AL.copy(), Y.copy(), copy.deepcopy(caches)
    L_model_backward(AL, Y, caches)
    np.testing.assert_array_equal(AL, AL_copy)
    np.testing.assert_array_equal(Y, Y_copy)
    for ((A, W, b), Z), ((A0, W0, b0), Z0) in zip(caches, caches_copy, strict=True):
        for got, expected in ((A, A0), (W, W0), (b, b0), (Z, Z0)):
            np.testing.assert_array_equal(got, expected)


def test_linear_backward_does_not_mutate():
    rng = np.random.default_rng(4)
    cache, dZ = tuple(rng.standard_normal(s) for s in [(3, 4), (2, 3), (2, 1)]), rng.standard_normal((2, 4))
    cache_copy, dZ_copy = copy.deepcopy(cache), dZ.copy()
    linear_backward(dZ, cache)
    np.testing.assert_array_equal(dZ, dZ_copy)
    for got, expected in zip(cache, cache_copy, strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_linear_activation_backward_does_not_mutate(activation):
    rng = np.random.default_rng(3)
    A_prev, W, b, dA = (rng.standard_normal(s) for s in [(3, 4), (2, 3), (2, 1), (2, 4)])
    _, cache = linear_activation_forward(A_prev, W, b, activation)
    cache_copy, dA_copy = copy.deepcopy(cache), dA.copy()
    linear_activation_backward(dA, cache, activation)
    np.testing.assert_array_equal(dA, dA_copy)
    for got, expected in zip((*cache[0], cache[1]), (*cache_copy[0], cache_copy[1]), strict=True):
        np.testing.assert_array_equal(got, expected)


# --- bad input -----------------------------------------------------------------------------------------


def test_L_model_backward_rejects_Y_not_matching_AL():
    X, Y, parameters = random_net([4, 3, 1], 5, seed=0)
    AL, caches = L_model_forward(X, parameters)
    with pytest.raises(ValueError, match=r"Y has shape \(1, 4\) but AL has shape \(1, 5\)"):
        L_model_backward(AL, Y[:, :4], caches)


@pytest.mark.parametrize("activation", ["tanh", "Sigmoid", None])
def test_linear_activation_backward_rejects_unknown_activation(activation):
    _, cache = linear_activation_forward(np.ones((3, 2)), np.ones((1, 3)), np.zeros((1, 1)), "relu")
    with pytest.raises(ValueError, match=rf"activation must be 'relu' or 'sigmoid', got {activation!r}"):
        linear_activation_backward(np.ones((1, 2)), cache, activation)


def test_linear_backward_rejects_dZ_of_wrong_shape():
    cache = (np.ones((3, 2)), np.ones((4, 3)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"dZ must have shape \(n_l, m\) = \(4, 2\).*got \(2, 4\)"):
        linear_backward(np.ones((2, 4)), cache)


def test_linear_backward_rejects_1d_dZ():
    with pytest.raises(ValueError, match=r"dZ must be a 2-D array.*got 1-D"):
        linear_backward(np.ones(2), (np.ones((3, 2)), np.ones((1, 3)), np.zeros((1, 1))))


def test_L_model_backward_rejects_1d_AL():
    X, Y, parameters = random_net([4, 1], 5, seed=0)
    AL, caches = L_model_forward(X, parameters)
    with pytest.raises(ValueError, match=r"AL must be a 2-D array"):
        L_model_backward(AL.ravel(), Y, caches)


def test_L_model_backward_rejects_empty_caches():
    with pytest.raises(ValueError, match=r"caches must be the non-empty list"):
        L_model_backward(np.full((1, 2), 0.5), np.ones((1, 2)), [])
