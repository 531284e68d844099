"""Forward propagation: hand-computed values, caches, dtype, purity and bad input."""

import copy

import numpy as np
import pytest

from dl_utils import L_model_forward, initialize_parameters_deep, linear_activation_forward, linear_forward

LN3 = np.log(3.0)

# A 2x3 W, a 3x2 A_prev and a 2x1 b worked out by hand:
#   Z[0,0] = 1*1 + 2*2 + 0*(-1) + 1 =  6     Z[0,1] = 1*0 + 2*1 + 0*4 + 1    = 3
#   Z[1,0] = 0*1 - 1*2 + 3*(-1) - 2 = -7     Z[1,1] = 0*0 - 1*1 + 3*4 - 2    = 9
W = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
A_PREV = np.array([[1.0, 0.0], [2.0, 1.0], [-1.0, 4.0]])
B = np.array([[1.0], [-2.0]])
Z = np.array([[6.0, 3.0], [-7.0, 9.0]])


def test_linear_forward_hand_values():
    Z_out, cache = linear_forward(A_PREV, W, B)
    np.testing.assert_array_equal(Z_out, Z)
    assert len(cache) == 3
    for got, expected in zip(cache, (A_PREV, W, B), strict=True):
        np.testing.assert_array_equal(got, expected)


def test_linear_activation_forward_relu_hand_values():
    # relu([[6, 3], [-7, 9]]) = [[6, 3], [0, 9]]
    A, ((A_prev, _, _), Z_c) = linear_activation_forward(A_PREV, W, B, "relu")
    np.testing.assert_array_equal(A, [[6.0, 3.0], [0.0, 9.0]])
    np.testing.assert_array_equal(Z_c, Z)
    np.testing.assert_array_equal(A_prev, A_PREV)


def test_linear_activation_forward_sigmoid_hand_values():
    # Z = ln3 * 1 + 0 = ln 3, sigmoid(ln 3) = 3/4; Z = ln3 * (-1) + 0, sigmoid(-ln 3) = 1/4
    A, (_, Z_c) = linear_activation_forward(np.array([[1.0, -1.0]]), np.array([[LN3]]), np.zeros((1, 1)), "sigmoid")
    np.testing.assert_allclose(A, [[0.75, 0.25]], rtol=1e-15)
    np.testing.assert_allclose(Z_c, [[LN3, -LN3]], rtol=1e-15)


def hand_net():
    """A [2, 2, 1] net and one example, worked out by hand.

    Z1 = W1 X + b1 = [[1*1 - 1*2 + 0], [2*1 + 0*2 + 1]] = [[-1], [3]],  A1 = relu(Z1) = [[0], [3]]
    Z2 = W2 A1 + b2 = 0.5*0 + (ln3 / 3)*3 + 0 = ln 3,                  AL = sigmoid(ln 3) = 3/4
    """
    X = np.array([[1.0], [2.0]])
    parameters = {
        "W1": np.array([[1.0, -1.0], [2.0, 0.0]]),
        "b1": np.array([[0.0], [1.0]]),
        "W2": np.array([[0.5, LN3 / 3]]),
        "b2": np.array([[0.0]]),
    }
    return X, parameters


def test_L_model_forward_hand_values():
    X, parameters = hand_net()
    AL, caches = L_model_forward(X, parameters)
    np.testing.assert_allclose(AL, [[0.75]], rtol=1e-15)
    assert len(caches) == 2
    (A0, _, _), Z1 = caches[0]
    (A1, W2, _), Z2 = caches[1]
    np.testing.assert_array_equal(A0, X)
    np.testing.assert_array_equal(Z1, [[-1.0], [3.0]])
    np.testing.assert_array_equal(A1, [[0.0], [3.0]])
    np.testing.assert_allclose(Z2, [[LN3]], rtol=1e-15)
    np.testing.assert_array_equal(W2, parameters["W2"])


@pytest.mark.parametrize("layers_dims", [[3, 1], [4, 3, 1], [5, 4, 3, 2, 1]])
@pytest.mark.parametrize("m", [1, 7])
def test_L_model_forward_shapes(layers_dims, m):
    X = np.random.default_rng(0).standard_normal((layers_dims[0], m))
    AL, caches = L_model_forward(X, initialize_parameters_deep(layers_dims))
    assert AL.shape == (1, m)
    assert len(caches) == len(layers_dims) - 1
    for l, ((A_prev, _, _), Z_c) in enumerate(caches, start=1):
        assert A_prev.shape == (layers_dims[l - 1], m)
        assert Z_c.shape == (layers_dims[l], m)


# --- dtype ------------------------------------------------------------------------------------


def test_L_model_forward_keeps_float32():
    X = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    AL, caches = L_model_forward(X, initialize_parameters_deep([4, 3, 1], dtype=np.float32))
    assert AL.dtype == np.float32
    assert all(Z_c.dtype == np.float32 for _, Z_c in caches)


# --- arguments never mutated --------------------------------------------------------------------


def test_linear_forward_does_not_mutate():
    A_prev, W_in, b_in = A_PREV.copy(), W.copy(), B.copy()
    linear_forward(A_prev, W_in, b_in)
    np.testing.assert_array_equal(A_prev, A_PREV)
    np.testing.assert_array_equal(W_in, W)
    np.testing.assert_array_equal(b_in, B)


def test_linear_activation_forward_does_not_mutate():
    A_prev, W_in, b_in = A_PREV.copy(), W.copy(), B.copy()
    for activation in ("relu", "sigmoid"):
        linear_activation_forward(A_prev, W_in, b_in, activation)
    np.testing.assert_array_equal(A_prev, A_PREV)
    np.testing.assert_array_equal(W_in, W)
    np.testing.assert_array_equal(b_in, B)


def test_L_model_forward_does_not_mutate():
    X = np.random.default_rng(0).standard_normal((4, 5))
    parameters = initialize_parameters_deep([4, 3, 2, 1], seed=1)
    parameters["b1"] = parameters["b1"] + 0.1
    X_copy, parameters_copy = X.copy(), copy.deepcopy(parameters)
    L_model_forward(X, parameters)
    np.testing.assert_array_equal(X, X_copy)
    assert list(parameters) == list(parameters_copy)
    for key, value in parameters_copy.items():
        np.testing.assert_array_equal(parameters[key], value)


# --- bad input -----------------------------------------------------------------------------------


def test_linear_forward_rejects_W_columns_not_matching_A_prev_rows():
    with pytest.raises(ValueError, match=r"W has 4 columns but A_prev has 3 rows.*\(n_l, 3\), got \(2, 4\)"):
        linear_forward(A_PREV, np.ones((2, 4)), B)


@pytest.mark.parametrize("b_shape", [(1, 2), (2,), (3, 1), (2, 2)])
def test_linear_forward_rejects_b_of_wrong_shape(b_shape):
    with pytest.raises(ValueError, match=r"b must"):
        linear_forward(A_PREV, W, np.ones(b_shape))


def test_linear_forward_b_message_shows_expected_and_actual():
    with pytest.raises(ValueError, match=r"b must have shape \(n_l, 1\) = \(2, 1\).*got \(1, 2\)"):
        linear_forward(A_PREV, W, np.ones((1, 2)))


@pytest.mark.parametrize("name, args", [("A_prev", (np.ones(3), W, B)), ("W", (A_PREV, np.ones(3), B))])
def test_linear_forward_rejects_1d_arrays(name, args):
    with pytest.raises(ValueError, match=rf"{name} must be a 2-D array.*got 1-D"):
        linear_forward(*args)


@pytest.mark.parametrize("activation", ["tanh", "Relu", None])
def test_linear_activation_forward_rejects_unknown_activation(activation):
    with pytest.raises(ValueError, match=rf"activation must be 'relu' or 'sigmoid', got {activation!r}"):
        linear_activation_forward(A_PREV, W, B, activation)


@pytest.mark.parametrize(
    "key, shape, message",
    [
        ("W2", (1, 2), r"layer 2 \(W2, b2\): W has 2 columns but A_prev has 3 rows"),
        ("b1", (1, 3), r"layer 1 \(W1, b1\): b must have shape \(n_l, 1\) = \(3, 1\).*got \(1, 3\)"),
        ("W1", (3,), r"layer 1 \(W1, b1\): W must be a 2-D array"),
    ],
)
def test_L_model_forward_names_the_layer_of_a_bad_parameter(key, shape, message):
    parameters = initialize_parameters_deep([4, 3, 1])
    parameters[key] = np.ones(shape)
    with pytest.raises(ValueError, match=message):
        L_model_forward(np.ones((4, 5)), parameters)


def test_L_model_forward_rejects_1d_X():
    with pytest.raises(ValueError, match=r"X must be a 2-D array"):
        L_model_forward(np.ones(2), hand_net()[1])


@pytest.mark.parametrize("drop", ["b1", "W2", "b2"])
def test_L_model_forward_rejects_parameters_with_missing_key(drop):
    X, parameters = hand_net()
    del parameters[drop]
    with pytest.raises(ValueError, match=r"parameters must have keys W1, b1, \.\.\., WL, bL, got \["):
        L_model_forward(X, parameters)


def test_L_model_forward_rejects_parameters_that_are_not_a_dict():
    X, parameters = hand_net()
    with pytest.raises(ValueError, match=r"parameters must be a dict.*got list"):
        L_model_forward(X, list(parameters.values()))
