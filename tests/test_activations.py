"""ReLU and sigmoid, forward and backward, against hand values and numerical derivatives."""

import warnings

import numpy as np
import pytest
from numgrad import GRAD_RTOL, numerical_gradient, rel_error

from dl_utils import relu, relu_backward, sigmoid, sigmoid_backward

LN3 = np.log(3.0)


def away_from_zero(shape, seed, margin=0.1):
    """Random Z with every |entry| >= margin, so eps-steps never cross the ReLU kink."""
    rng = np.random.default_rng(seed)
    return rng.choice([-1.0, 1.0], size=shape) * (margin + np.abs(rng.standard_normal(shape)))


# --- hand-computed values ---------------------------------------------------------------


def test_sigmoid_hand_values():
    # sigmoid(0) = 1/(1+1) = 1/2; sigmoid(ln 3) = 1/(1+1/3) = 3/4; sigmoid(-ln 3) = 1/(1+3) = 1/4
    A, cache = sigmoid(np.array([[0.0, LN3, -LN3]]))
    np.testing.assert_allclose(A, [[0.5, 0.75, 0.25]], rtol=1e-15)
    np.testing.assert_array_equal(cache, [[0.0, LN3, -LN3]])


def test_relu_hand_values():
    # max(0, -2) = 0, max(0, 0) = 0, max(0, 3) = 3
    A, cache = relu(np.array([[-2.0, 0.0, 3.0]]))
    np.testing.assert_array_equal(A, [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(cache, [[-2.0, 0.0, 3.0]])


def test_sigmoid_backward_hand_values():
    # sigmoid'(Z) = s (1 - s): at Z=0, 1/2 * 1/2 = 1/4, so dA=2 gives 1/2;
    # at Z=ln 3, 3/4 * 1/4 = 3/16, so dA=16 gives 3
    dZ = sigmoid_backward(np.array([[2.0, 16.0]]), np.array([[0.0, LN3]]))
    np.testing.assert_allclose(dZ, [[0.5, 3.0]], rtol=1e-14)


def test_relu_backward_hand_values_and_zero_slope_at_kink():
    # slope 0 for Z < 0, 0 at Z = 0 (the course's convention), 1 for Z > 0
    dZ = relu_backward(np.array([[5.0, 5.0, 5.0]]), np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(dZ, [[0.0, 0.0, 5.0]])


# --- numerical derivatives ----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1, 1), (3, 1), (4, 7)])
def test_sigmoid_backward_matches_numerical_derivative(shape):
    Z = np.random.default_rng(1).standard_normal(shape) * 3
    dA = np.random.default_rng(2).standard_normal(shape)
    numeric = numerical_gradient(lambda z: np.sum(dA * sigmoid(z)[0]), Z)
    assert rel_error(sigmoid_backward(dA, Z), numeric) < GRAD_RTOL


@pytest.mark.parametrize("shape", [(1, 1), (3, 1), (4, 7)])
def test_relu_backward_matches_numerical_derivative(shape):
    Z = away_from_zero(shape, seed=3)
    dA = np.random.default_rng(4).standard_normal(shape)
    numeric = numerical_gradient(lambda z: np.sum(dA * relu(z)[0]), Z)
    assert rel_error(relu_backward(dA, Z), numeric) < GRAD_RTOL


# --- numerical soundness ------------------------------------------------------------------


@pytest.mark.parametrize("z, expected", [(1000.0, 1.0), (-1000.0, 0.0), (1e308, 1.0), (-1e308, 0.0)])
def test_sigmoid_saturates_without_warning(z, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A, _ = sigmoid(np.array([[z]]))
    assert A[0, 0] == expected


def test_sigmoid_keeps_relative_precision_of_tiny_outputs():
    # sigmoid(-700) = e^-700 / (1 + e^-700) = e^-700 (1 - 1e-304): e^-700 to full precision
    A, _ = sigmoid(np.array([[-700.0, -300.0]]))
    np.testing.assert_allclose(A, np.exp([[-700.0, -300.0]]), rtol=1e-14)


def test_sigmoid_backward_saturated_is_zero_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dZ = sigmoid_backward(np.ones((1, 2)), np.array([[1000.0, -1000.0]]))
    np.testing.assert_array_equal(dZ, [[0.0, 0.0]])


# --- dtype ----------------------------------------------------------------------------------


@pytest.mark.parametrize("forward", [sigmoid, relu])
def test_forward_keeps_float32(forward):
    A, _ = forward(np.array([[-1.0, 0.5]], dtype=np.float32))
    assert A.dtype == np.float32


@pytest.mark.parametrize("backward", [sigmoid_backward, relu_backward])
def test_backward_keeps_float32(backward):
    dZ = backward(np.ones((1, 2), dtype=np.float32), np.array([[-1.0, 0.5]], dtype=np.float32))
    assert dZ.dtype == np.float32


def test_sigmoid_of_integers_is_float64():
    A, _ = sigmoid(np.array([[0, 1, -2]]))
    assert A.dtype == np.float64
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-np.array([[0.0, 1.0, -2.0]]))), rtol=1e-15)


# --- arguments never mutated ----------------------------------------------------------------


@pytest.mark.parametrize("forward", [sigmoid, relu])
def test_forward_does_not_mutate(forward):
    Z = away_from_zero((3, 4), seed=5)
    Z_copy = Z.copy()
    forward(Z)
    np.testing.assert_array_equal(Z, Z_copy)


@pytest.mark.parametrize("backward", [sigmoid_backward, relu_backward])
def test_backward_does_not_mutate(backward):
    Z, dA = away_from_zero((3, 4), seed=6), away_from_zero((3, 4), seed=7)
    Z_copy, dA_copy = Z.copy(), dA.copy()
    backward(dA, Z)
    np.testing.assert_array_equal(Z, Z_copy)
    np.testing.assert_array_equal(dA, dA_copy)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("backward", [sigmoid_backward, relu_backward])
def test_backward_rejects_dA_of_another_shape(backward):
    with pytest.raises(ValueError, match=r"dA has shape \(2, 3\) but cache \(Z\) has shape \(2, 4\)"):
        backward(np.ones((2, 3)), np.ones((2, 4)))


@pytest.mark.parametrize("backward", [sigmoid_backward, relu_backward])
def test_backward_rejects_1d_arrays(backward):
    with pytest.raises(ValueError, match=r"dA must be a 2-D array.*got 1-D with shape \(3,\)"):
        backward(np.ones(3), np.ones((1, 3)))
