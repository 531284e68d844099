"""gradient_check and its pieces: the vector layout by hand, the centered difference on a cubic by hand,
the relative error by hand, and the whole check against tests/numgrad.py (written without dl_utils),
on a correct backward pass and on two broken ones it must catch and locate."""

import copy

import numpy as np
import pytest
from numgrad import numerical_gradient, rel_error

from dl_utils import L_model_backward, L_model_forward, initialize_parameters_deep
from dl_utils.gradient_check import (
    GOOD,
    WRONG,
    centered_difference,
    dictionary_to_vector,
    entry_names,
    gradient_check,
    gradients_to_vector,
    relative_error,
    vector_to_dictionary,
)

# W1 (2, 2), b1 (2, 1), W2 (1, 2), b2 (1, 1): laid out W1 row by row, b1, W2, b2 -> 1, 2, ..., 9.
HAND = {"W2": np.array([[7.0, 8.0]]), "b1": np.array([[5.0], [6.0]]), "b2": np.array([[9.0]]),
        "W1": np.array([[1.0, 2.0], [3.0, 4.0]])}


def network(dims, m, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    parameters = initialize_parameters_deep(dims, seed=seed)
    AL, caches = L_model_forward(X, parameters)
    return parameters, L_model_backward(AL, Y, caches), X, Y


def test_vector_layout_by_hand():
    theta, layout = dictionary_to_vector(HAND)
    assert theta.shape == (9, 1) and theta.dtype == np.float64
    assert np.array_equal(theta[:, 0], np.arange(1.0, 10.0))
    assert layout == [("W1", (2, 2)), ("b1", (2, 1)), ("W2", (1, 2)), ("b2", (1, 1))]
    assert entry_names(layout) == ["W1[0, 0]", "W1[0, 1]", "W1[1, 0]", "W1[1, 1]", "b1[0, 0]", "b1[1, 0]",
                                   "W2[0, 0]", "W2[0, 1]", "b2[0, 0]"]


def test_vector_round_trip_gives_new_arrays():
    theta, layout = dictionary_to_vector(HAND)
    back = vector_to_dictionary(theta, layout)
    assert back.keys() == HAND.keys() and all(np.array_equal(back[k], HAND[k]) for k in HAND)
    back["W1"][0, 0] = 100.0
    assert theta[0, 0] == 1.0


def test_gradients_laid_out_as_the_parameters_ignoring_dA():
    _, layout = dictionary_to_vector(HAND)
    grads = {f"d{k}": -v for k, v in HAND.items()} | {"dA0": np.ones((2, 3))}
    assert np.array_equal(gradients_to_vector(grads, layout)[:, 0], -np.arange(1.0, 10.0))


def test_centered_difference_of_a_cubic_by_hand():
    # J = sum(theta^3): ((t + e)^3 - (t - e)^3) / (2e) = (6 t^2 e + 2 e^3) / (2e) = 3 t^2 + e^2, exactly.
    # With e = 0.5 and t = [1, -2, 0]: [3.25, 12.25, 0.25] (a forward difference would give 3t^2 + 3te + e^2).
    theta = np.array([[1.0], [-2.0], [0.0]])
    got = centered_difference(lambda t: float(np.sum(t**3)), theta, epsilon=0.5)
    assert np.allclose(got, [[3.25], [12.25], [0.25]], rtol=1e-15)
    assert np.array_equal(theta, [[1.0], [-2.0], [0.0]])


def test_relative_error_by_hand():
    # ||[3, 4] - 0|| / (5 + 0) = 1; ||[1, -1]|| / (1 + 1) = sqrt(2) / 2; ||[1, 1]|| / (sqrt(2) + 2 sqrt(2)) = 1/3.
    assert relative_error(np.array([[3.0], [4.0]]), np.zeros((2, 1))) == 1.0
    assert np.isclose(relative_error(np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]])), np.sqrt(2) / 2)
    assert np.isclose(relative_error(np.array([[1.0], [1.0]]), np.array([[2.0], [2.0]])), 1 / 3)
    assert relative_error(np.zeros((3, 1)), np.zeros((3, 1))) == 0.0


@pytest.mark.parametrize(("dims", "m", "seed"), [([5, 4, 3, 1], 7, 2), ([3, 6, 5, 4, 1], 10, 1)])
def test_correct_backward_passes_and_agrees_with_an_independent_numerical_gradient(dims, m, seed):
    parameters, grads, X, Y = network(dims, m, seed)
    result = gradient_check(parameters, grads, X, Y)
    assert result.passed and result.difference < GOOD
    assert all(error < GOOD for error in result.per_parameter.values())

    def cost_of(key):
        def J(value):
            from dl_utils import compute_cost

            return compute_cost(L_model_forward(X, parameters | {key: value})[0], Y)

        return J

    independent = np.concatenate([numerical_gradient(cost_of(k), parameters[k]).reshape(-1, 1) for k, _ in
                                  result.layout])
    assert rel_error(result.gradapprox, independent) < 1e-6


def test_forgotten_1_over_m_in_db2_is_caught_and_located():
    parameters, grads, X, Y = network([5, 4, 3, 1], 7, 2)
    broken = grads | {"db2": 7 * grads["db2"]}
    result = gradient_check(parameters, broken, X, Y)
    assert result.difference > WRONG and not result.passed
    assert result.worst_parameter == "b2" and result.worst_entry.startswith("b2[")
    assert result.per_parameter["W1"] < GOOD and result.per_parameter["b2"] > 0.5


def test_wrong_sign_in_layer_1_is_located():
    parameters, grads, X, Y = network([3, 6, 5, 4, 1], 10, 1)
    result = gradient_check(parameters, grads | {"dW1": -grads["dW1"]}, X, Y)
    assert result.worst_parameter == "W1" and result.per_parameter["W1"] == pytest.approx(1.0)


def test_arguments_are_left_unchanged():
    parameters, grads, X, Y = network([3, 2, 1], 4, 0)
    before = copy.deepcopy((parameters, grads, X, Y))
    gradient_check(parameters, grads, X, Y)
    for a, b in zip(before, (parameters, grads, X, Y), strict=True):
        if isinstance(a, dict):
            assert all(np.array_equal(a[k], b[k]) for k in a)
        else:
            assert np.array_equal(a, b)


def test_bad_input_names_the_argument():
    parameters, grads, X, Y = network([3, 2, 1], 4, 0)
    with pytest.raises(ValueError, match=r"gradients has no dW2"):
        gradient_check(parameters, {k: v for k, v in grads.items() if k != "dW2"}, X, Y)
    with pytest.raises(ValueError, match=r"gradients\['db1'\] has shape \(2,\), expected \(2, 1\)"):
        gradient_check(parameters, grads | {"db1": grads["db1"].ravel()}, X, Y)
    with pytest.raises(ValueError, match="epsilon must be a positive number"):
        gradient_check(parameters, grads, X, Y, epsilon=0)
    with pytest.raises(ValueError, match=r"theta must have shape \(n, 1\) = \(9, 1\)"):
        vector_to_dictionary(np.zeros((8, 1)), dictionary_to_vector(HAND)[1])
    with pytest.raises(ValueError, match="theta must be a column"):
        centered_difference(np.sum, np.zeros((2, 2)))


def spiral_net(seed, bias_std=0.0):
    """Notebook 07's setting: [2, 5, 3, 1] on every 12th spiral training point, biases 0 unless bias_std."""
    from dl_utils import load_dataset

    spiral = load_dataset("spiral")
    X, Y = spiral.train_x[:, ::12], spiral.train_y[:, ::12]
    parameters = initialize_parameters_deep([2, 5, 3, 1], seed=seed)
    rng = np.random.default_rng([seed, 2])
    parameters = {k: v + bias_std * rng.standard_normal(v.shape) if k[0] == "b" else v for k, v in parameters.items()}
    AL, caches = L_model_forward(X, parameters)
    return parameters, L_model_backward(AL, Y, caches), X, Y, caches


def test_an_example_with_layer_1_all_off_puts_layer_2_on_its_kink_and_the_check_leaves_it_out():
    # seed 7: one of the 20 examples has every unit of layer 1 off, so its Z2 = b2 = 0 exactly.
    parameters, grads, X, Y, caches = spiral_net(7)
    Z1, Z2 = caches[0][1], caches[1][1]
    all_off = np.flatnonzero(np.all(Z1 <= 0, axis=0))
    assert all_off.size >= 1 and np.all(Z2[:, all_off] == 0.0)
    # The plain comparison of the whole vector, kinks included, fails (tests/numgrad.py, no dl_utils).
    theta, layout = dictionary_to_vector(parameters)
    grad = gradients_to_vector(grads, layout)

    def cost(vector):
        from dl_utils import compute_cost

        return compute_cost(L_model_forward(X, vector_to_dictionary(vector, layout))[0], Y)

    independent = numerical_gradient(cost, theta, eps=1e-6)
    assert rel_error(grad, independent) > 0.1
    result = gradient_check(parameters, grads, X, Y)
    assert result.kinks == ["b2[0, 0]", "b2[1, 0]", "b2[2, 0]"]
    assert result.passed and np.isnan(result.per_parameter["b2"])
    # Everywhere else the independent difference agrees with the backward pass.
    smooth = np.array([not name.startswith("b2") for name in entry_names(layout)])
    assert rel_error(grad[smooth], independent[smooth]) < GOOD
    # And at the kink it is the average of the two one-sided slopes, the analytic gradient one of them.
    assert not np.allclose(grad[~smooth], independent[~smooth], atol=1e-3)


@pytest.mark.parametrize("seed", range(40))
def test_every_correct_net_at_the_courses_initialization_passes(seed):
    parameters, grads, X, Y, _ = spiral_net(seed)
    result = gradient_check(parameters, grads, X, Y)
    assert result.passed, (result.difference, result.kinks)
    # With small random biases no Z sits at 0: no kink, and every block agrees. (A block whose gradient is
    # tiny, norm 4e-4 for b1 at seed 7, carries the rounding error u |J| / epsilon ~ 1e-10 of each entry
    # relative to its own small norm: 1.3e-7 there, hence 1e-6 per block; the whole vector stays below 1e-7.)
    parameters, grads, X, Y, _ = spiral_net(seed, bias_std=0.1)
    result = gradient_check(parameters, grads, X, Y)
    assert result.passed and result.kinks == [] and all(error < 1e-6 for error in result.per_parameter.values())


@pytest.mark.parametrize("seed", range(40))
def test_a_wrong_backward_still_fails_at_every_one_of_them(seed):
    parameters, grads, X, Y, caches = spiral_net(seed)
    m = X.shape[1]
    assert not gradient_check(parameters, grads | {"dW2": m * grads["dW2"]}, X, Y).passed  # 1/m forgotten
    assert not gradient_check(parameters, grads | {"dW1": -grads["dW1"]}, X, Y).passed  # sign
    Z2 = caches[1][1]
    dA1, dW2, db2 = linear_backward_of(grads["dA2"] * (Z2 < 0), caches[1][0])  # ReLU's mask inverted in layer 2
    assert not gradient_check(parameters, grads | {"dW2": dW2, "db2": db2}, X, Y).passed


def linear_backward_of(dZ, linear_cache):
    A_prev, W, _ = linear_cache
    return W.T @ dZ, dZ @ A_prev.T / dZ.shape[1], dZ.sum(axis=1, keepdims=True) / dZ.shape[1]
