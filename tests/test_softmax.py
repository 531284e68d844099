"""The softmax network against hand values and centered-difference gradients.

Hand values use logits built from logarithms: softmax([0, ln 3, 0]) = [1, 3, 1] / 5 and
softmax([ln 2, 0, ln 5]) = [2, 1, 5] / 8. Gradients: for one example the loss is
-sum_k y_k z_k + log sum_j e^{z_j}, whose derivative is softmax(z) - y; with the cost's 1/m,
dJ/dZL = (AL - Y) / m, and the network's dW, db must equal dJ/dW, dJ/db (tests/numgrad.py).
"""

import copy
import warnings

import numpy as np
import pytest
from numgrad import GRAD_RTOL, numerical_gradient, rel_error
from test_backward import random_net as binary_random_net

from dl_utils import (
    L_model_backward_softmax,
    L_model_forward_softmax,
    compute_cost_softmax,
    confusion_matrix,
    linear_activation_forward,
    log_softmax,
    one_hot,
    plot_confusion_matrix,
    predict_softmax,
    softmax,
    softmax_model,
)

LN2, LN3, LN5 = np.log(2.0), np.log(3.0), np.log(5.0)
Z = np.array([[0, LN2, -1], [LN3, 0, -1], [0, LN5, -1]])
A = np.array([[0.2, 0.25, 1 / 3], [0.6, 0.125, 1 / 3], [0.2, 0.625, 1 / 3]])


@pytest.fixture(autouse=True)
def no_warnings():
    # Overflow, 0/0 and log(0) must never happen; underflow of a tiny probability to 0 is harmless.
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        yield


def test_softmax_hand_values_and_cache():
    got, cache = softmax(Z)
    np.testing.assert_allclose(got, A, rtol=1e-12)
    assert cache is Z or np.array_equal(cache, Z)


def test_softmax_of_large_logits_is_that_of_the_shifted_ones():
    # Adding a constant to a column leaves its softmax unchanged: 1000 and -1000 overflow/underflow exp.
    shifted = Z + np.array([[1000.0, -1000.0, 700.0]])
    np.testing.assert_allclose(softmax(shifted)[0], A, rtol=1e-12)


def test_softmax_columns_sum_to_one_and_keep_dtype():
    rng = np.random.default_rng(0)
    Z32 = rng.standard_normal((4, 6)).astype(np.float32)
    A32 = softmax(Z32)[0]
    assert A32.dtype == np.float32 and np.allclose(A32.sum(axis=0), 1, atol=1e-6)
    assert softmax(np.array([[1, 2], [3, 4]]))[0].dtype == np.float64


def test_log_softmax_is_log_of_softmax_and_finite_where_softmax_is_zero():
    np.testing.assert_allclose(log_softmax(Z), np.log(A), rtol=1e-12)
    # [0, 800, 0]: log-softmax = [-800, 0, -800] exactly (log(1 + 2 e^-800) rounds to 0).
    np.testing.assert_array_equal(log_softmax(np.array([[0.0], [800.0], [0.0]])), [[-800.0], [0.0], [-800.0]])


def test_one_hot_hand_values():
    # y = [2, 0, 1, 1, 0], C = 4: column i has its 1 in row y[i]; class 3 is absent, row 3 is zeros.
    expected = np.array([[0, 1, 0, 0, 1], [0, 0, 1, 1, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]], dtype=np.float64)
    got = one_hot(np.array([[2, 0, 1, 1, 0]]), 4)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("y, num_classes, message", [
    (np.array([2, 0, 1]), 3, "y must be a 2-D array"),
    (np.array([[2], [0]]), 3, "y must have shape (1, m)"),
    (np.array([[0, 3]]), 3, "y must hold whole numbers 0..2"),
    (np.array([[0, -1]]), 3, "y must hold whole numbers 0..2"),
    (np.array([[0.5, 1]]), 3, "y must hold whole numbers 0..2"),
    (np.array([[0, 1]]), 0, "num_classes must be a positive whole number"),
    (np.array([[0, 1]]), 2.0, "num_classes must be a positive whole number"),
])
def test_one_hot_rejects_bad_input(y, num_classes, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        one_hot(y, num_classes)


def test_cost_hand_value():
    # Labels [1, 2, 2]: losses -ln 0.6, -ln 0.625, -ln(1/3) = ln(5/3), ln(8/5), ln 3;
    # J = ln(5/3 * 8/5 * 3) / 3 = ln(8) / 3.
    cost = compute_cost_softmax(Z, one_hot(np.array([[1, 2, 2]]), 3))
    assert isinstance(cost, float)
    assert cost == pytest.approx(np.log(8) / 3, rel=1e-12)


def test_cost_is_exact_for_saturated_outputs():
    # Confidently right: softmax rounds to [0, 1, 0], loss ln(1 + 2 e^-800) = 0.
    # Confidently wrong: label 0 of the same column, loss 800 exactly (the log of a clipped 0 would cap it).
    ZL = np.array([[0.0, 0.0], [800.0, 800.0], [0.0, 0.0]])
    assert compute_cost_softmax(ZL, one_hot(np.array([[1, 1]]), 3)) == 0.0
    assert compute_cost_softmax(ZL, one_hot(np.array([[1, 0]]), 3)) == pytest.approx(400.0, rel=1e-12)


def test_cost_rejects_labels_that_are_not_one_hot():
    with pytest.raises(ValueError, match="Y must be one-hot"):
        compute_cost_softmax(Z, np.full((3, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"Y has shape \(1, 3\) but ZL has shape \(3, 3\)"):
        compute_cost_softmax(Z, np.array([[1, 2, 2]]))


def test_cost_gradient_is_softmax_minus_Y_over_m():
    # The derivation: dJ/dZL = (softmax(ZL) - Y) / m, checked against centered differences.
    rng = np.random.default_rng(1)
    ZL, Y = 2 * rng.standard_normal((4, 5)), one_hot(rng.integers(0, 4, (1, 5)), 4)
    numeric = numerical_gradient(lambda z: compute_cost_softmax(z, Y), ZL)
    assert rel_error((softmax(ZL)[0] - Y) / 5, numeric) < GRAD_RTOL


def random_net(layers_dims, m, seed):
    """test_backward's network (non-zero biases) with one-hot labels cycling through the classes."""
    X, _, parameters = binary_random_net(layers_dims, m, seed)
    return parameters, X, one_hot(np.arange(m).reshape(1, m) % layers_dims[-1], layers_dims[-1])


@pytest.mark.parametrize("layers_dims", [[3, 4], [5, 4, 3], [4, 6, 5, 10]], ids=str)
def test_backward_matches_centered_differences(layers_dims):
    parameters, X, Y = random_net(layers_dims, 7, seed=len(layers_dims))
    AL, caches = L_model_forward_softmax(X, parameters)
    # No hidden Z within 1e-3 of the ReLU's kink, where a difference quotient straddles it.
    assert all(np.min(np.abs(cache[1])) > 1e-3 for cache in caches[:-1])
    grads = L_model_backward_softmax(AL, Y, caches)

    for key, value in parameters.items():
        def cost(v, key=key):
            return compute_cost_softmax(L_model_forward_softmax(X, {**parameters, key: v})[1][-1][1], Y)

        assert rel_error(grads[f"d{key}"], numerical_gradient(cost, value)) < GRAD_RTOL, key


def test_forward_is_relu_layers_then_softmax():
    parameters, X, _ = random_net([5, 4, 3, 6], 4, seed=2)
    AL, caches = L_model_forward_softmax(X, parameters)
    A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
    A2, _ = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "relu")
    ZL = parameters["W3"] @ A2 + parameters["b3"]
    np.testing.assert_allclose(AL, softmax(ZL)[0], rtol=1e-12)
    assert len(caches) == 3 and np.array_equal(caches[0][1], cache1[1]) and np.allclose(caches[2][1], ZL)
    np.testing.assert_allclose(AL.sum(axis=0), 1, rtol=1e-12)


def test_forward_names_the_layer_of_a_bad_weight():
    parameters, X, _ = random_net([5, 4, 3], 2, seed=3)
    with pytest.raises(ValueError, match="layer 2 \\(W2, b2\\)"):
        L_model_forward_softmax(X, {**parameters, "W2": np.ones((3, 5))})


def test_functions_leave_their_arguments_unchanged():
    parameters, X, Y = random_net([5, 4, 3], 6, seed=4)
    before = copy.deepcopy((parameters, X, Y))
    AL, caches = L_model_forward_softmax(X, parameters)
    caches_before = copy.deepcopy(caches)
    L_model_backward_softmax(AL, Y, caches)
    compute_cost_softmax(caches[-1][1], Y)
    softmax_model(X, Y, [5, 4, 3], num_iterations=3)
    for a, b in zip(before, (parameters, X, Y), strict=True):
        assert all(np.array_equal(a[k], b[k]) for k in a) if isinstance(a, dict) else np.array_equal(a, b)
    assert all(np.array_equal(c[1], d[1]) for c, d in zip(caches, caches_before, strict=True))


def test_model_lowers_the_cost_and_is_deterministic():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((2, 60))
    y = (X[0] > 0).astype(np.int64) + (X[1] > 0).astype(np.int64)  # classes 0, 1, 2 by quadrant
    Y = one_hot(y.reshape(1, -1), 3)
    parameters, costs = softmax_model(X, Y, [2, 8, 3], learning_rate=0.5, num_iterations=301, seed=1)
    assert len(costs) == 4 and costs[-1] < costs[0] / 3
    assert np.mean(predict_softmax(X, parameters) == y) > 0.9
    again, costs_again = softmax_model(X, Y, [2, 8, 3], learning_rate=0.5, num_iterations=301, seed=1)
    assert costs == costs_again and all(np.array_equal(parameters[k], again[k]) for k in parameters)


def test_model_checks_the_shape_of_Y():
    X = np.zeros((2, 5))
    with pytest.raises(ValueError, match=r"Y must have shape \(C, m\) = \(3, 5\).*one_hot\(y, 3\)"):
        softmax_model(X, np.zeros((1, 5)), [2, 3])


def test_model_reports_divergence():
    # Initial W1 = [0.126, -0.132] (seed 0) predicts every example confidently wrong: huge gradients, inf, NaN.
    X = np.array([[1e300, -1e300, 1e300]])
    with pytest.raises(FloatingPointError, match="Training diverged"), np.errstate(all="ignore"):
        softmax_model(X, one_hot(np.array([[1, 0, 1]]), 2), [1, 2], learning_rate=1e300, num_iterations=5)


def test_predict_is_the_row_of_the_largest_probability():
    parameters = {"W1": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]), "b1": np.zeros((3, 1))}
    X = np.array([[2.0, 0.0, -1.0], [1.0, 3.0, -2.0]])  # Z columns [2, 1, -3], [0, 3, -3], [-1, -2, 3]
    np.testing.assert_array_equal(predict_softmax(X, parameters), [[0, 1, 2]])


def test_confusion_matrix_hand_counts():
    y_true, y_pred = np.array([[0, 0, 1, 2, 2, 2]]), np.array([[0, 1, 1, 2, 0, 2]])
    # Row t, column p: class 0 -> (0, 1) once each; class 1 -> 1; class 2 -> 2 twice and 0 once.
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, 3), [[1, 1, 0], [0, 1, 0], [1, 0, 2]])


def test_plot_confusion_matrix_labels_axes_and_writes_counts():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = np.array([[5, 1, 0], [0, 7, 0], [2, 0, 9]])
    ax = plot_confusion_matrix(counts, classes=["a", "b", "c"])
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert sorted(t.get_text() for t in ax.texts) == sorted(["5", "1", "7", "2", "9"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix(np.zeros((2, 3)))
    plt.close("all")
