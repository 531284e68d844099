"""L2 regularization and inverted dropout (notebook 09): hand-computed values, centered-difference gradients,
masks that keep about keep_prob of the units, purity, and errors for bad arguments."""

import copy

import numpy as np
import pytest
from numgrad import GRAD_RTOL, numerical_gradient, rel_error

from dl_utils import L_model_backward, L_model_forward, compute_cost, initialize_parameters_deep
from dl_utils.regularization import (
    backward_propagation_with_dropout,
    backward_propagation_with_regularization,
    compute_cost_with_regularization,
    forward_propagation_with_dropout,
    make_moons,
    train_regularized,
)


def _net(layers_dims, m, seed):
    rng = np.random.default_rng(seed)
    parameters = initialize_parameters_deep(layers_dims, seed=seed)
    for l in range(1, len(layers_dims)):
        parameters[f"b{l}"] = 0.3 * rng.standard_normal((layers_dims[l], 1))
    return rng.standard_normal((layers_dims[0], m)), rng.integers(0, 2, (1, m)).astype(float), parameters


def test_cost_by_hand():
    # AL = [1/2, 1/4], Y = [1, 0]: cross-entropy (ln 2 + ln 4/3) / 2 = ln(8/3) / 2.
    # W1 = [[1, 2]], W2 = [[3]]: squares 1 + 4 + 9 = 14; lambd = 0.5, m = 2: 0.5 / 4 * 14 = 1.75.
    # The biases do not count.
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[5.0]]), "W2": np.array([[3.0]]),
                  "b2": np.array([[7.0]])}
    cost = compute_cost_with_regularization(np.array([[0.5, 0.25]]), np.array([[1.0, 0.0]]), parameters, 0.5)
    assert isinstance(cost, float)
    assert cost == pytest.approx(np.log(8 / 3) / 2 + 1.75, rel=1e-12)


def test_lambd_zero_is_the_plain_cost_and_gradients():
    X, Y, parameters = _net([4, 3, 1], 5, 0)
    AL, caches = L_model_forward(X, parameters)
    assert compute_cost_with_regularization(AL, Y, parameters, 0) == compute_cost(AL, Y)
    plain, l2 = L_model_backward(AL, Y, caches), backward_propagation_with_regularization(AL, Y, caches, 0.0)
    assert plain.keys() == l2.keys() and all(np.array_equal(plain[k], l2[k]) for k in plain)


@pytest.mark.parametrize(("layers_dims", "m", "lambd"), [([5, 4, 3, 1], 7, 0.7), ([3, 6, 1], 4, 3.0)])
def test_l2_gradients_match_centered_differences(layers_dims, m, lambd):
    X, Y, parameters = _net(layers_dims, m, 1)
    AL, caches = L_model_forward(X, parameters)
    grads = backward_propagation_with_regularization(AL, Y, caches, lambd)
    for key, value in parameters.items():
        def J(v, key=key):
            p = dict(parameters, **{key: v})
            return compute_cost_with_regularization(L_model_forward(X, p)[0], Y, p, lambd)

        assert rel_error(grads[f"d{key}"], numerical_gradient(J, value)) < GRAD_RTOL, key


@pytest.mark.parametrize(("layers_dims", "keep_prob"), [([5, 4, 3, 1], 0.7), ([3, 6, 6, 1], 0.5), ([4, 1], 0.8)])
def test_dropout_gradients_match_centered_differences_with_the_masks_fixed(layers_dims, keep_prob):
    # The masks depend only on the seed and the shapes, so J(theta) with a fixed seed is a smooth function of theta.
    X, Y, parameters = _net(layers_dims, 6, 2)
    AL, caches = forward_propagation_with_dropout(X, parameters, keep_prob, seed=3)
    grads = backward_propagation_with_dropout(AL, Y, caches, keep_prob)
    for key, value in parameters.items():
        def J(v, key=key):
            return compute_cost(forward_propagation_with_dropout(X, dict(parameters, **{key: v}), keep_prob, 3)[0], Y)

        assert rel_error(grads[f"d{key}"], numerical_gradient(J, value)) < GRAD_RTOL, key
    # dA0 (no dropout on X) is m times the gradient of J with respect to X (the course's scale convention).
    def J_of_X(x):
        return compute_cost(forward_propagation_with_dropout(x, parameters, keep_prob, 3)[0], Y)

    dX = numerical_gradient(J_of_X, X)
    assert rel_error(grads["dA0"], X.shape[1] * dX) < GRAD_RTOL


def test_dropout_masks_hidden_layers_only_and_scales_what_is_kept():
    X, _, parameters = _net([3, 400, 300, 1], 50, 4)
    AL, caches = forward_propagation_with_dropout(X, parameters, 0.8, seed=5)
    (linear_cache, Z), D = caches[0]
    assert D.dtype == bool and D.shape == (400, 50) and caches[-1][1] is None
    np.testing.assert_array_equal(linear_cache[0], X)  # the input is never dropped
    # What enters layer 2 is relu(Z1) * D1 / 0.8.
    np.testing.assert_allclose(caches[1][0][0][0], np.maximum(Z, 0) * D / 0.8, rtol=0, atol=0)
    # 20,000 Bernoulli(0.8) draws: the share kept has standard deviation 0.0028; allow 5 of them.
    assert abs(D.mean() - 0.8) < 0.014 and abs(caches[1][1].mean() - 0.8) < 0.016
    assert 0 < AL.min() and AL.max() < 1


def test_dropout_is_deterministic_per_seed_and_off_at_keep_prob_1():
    X, _, parameters = _net([3, 5, 4, 1], 6, 5)
    first, again = forward_propagation_with_dropout(X, parameters, 0.6, 7), forward_propagation_with_dropout(
        X, parameters, 0.6, 7)
    other = forward_propagation_with_dropout(X, parameters, 0.6, 8)
    assert np.array_equal(first[0], again[0]) and not np.array_equal(first[0], other[0])
    np.testing.assert_array_equal(forward_propagation_with_dropout(X, parameters, 1.0, 7)[0],
                                  L_model_forward(X, parameters)[0])
    rng = np.random.default_rng(0)  # a Generator passed in is advanced: two calls, two sets of masks
    assert not np.array_equal(forward_propagation_with_dropout(X, parameters, 0.6, rng)[0],
                              forward_propagation_with_dropout(X, parameters, 0.6, rng)[0])


def test_pure():
    X, Y, parameters = _net([3, 5, 4, 1], 6, 6)
    saved = copy.deepcopy(parameters)
    AL, caches = forward_propagation_with_dropout(X, parameters, 0.7, 1)
    saved_caches = copy.deepcopy(caches)
    backward_propagation_with_dropout(AL, Y, caches, 0.7)
    AL2, caches2 = L_model_forward(X, parameters)
    backward_propagation_with_regularization(AL2, Y, caches2, 0.5)
    compute_cost_with_regularization(AL2, Y, parameters, 0.5)
    assert all(np.array_equal(saved[k], parameters[k]) for k in saved)
    for (cache, D), (saved_cache, saved_D) in zip(caches, saved_caches, strict=True):
        assert (D is None and saved_D is None) or np.array_equal(D, saved_D)
        assert np.array_equal(cache[1], saved_cache[1]) and np.array_equal(cache[0][0], saved_cache[0][0])


@pytest.mark.parametrize("lambd", [-0.1, "1", None, float("nan"), True])
def test_bad_lambd(lambd):
    X, Y, parameters = _net([3, 2, 1], 4, 7)
    AL, caches = L_model_forward(X, parameters)
    with pytest.raises(ValueError, match="lambd must be a number >= 0"):
        compute_cost_with_regularization(AL, Y, parameters, lambd)
    with pytest.raises(ValueError, match="lambd must be a number >= 0"):
        backward_propagation_with_regularization(AL, Y, caches, lambd)


@pytest.mark.parametrize("keep_prob", [0, 1.5, -0.2, "0.8", None])
def test_bad_keep_prob(keep_prob):
    X, _, parameters = _net([3, 2, 1], 4, 8)
    with pytest.raises(ValueError, match=r"keep_prob must be a probability in \(0, 1\]"):
        forward_propagation_with_dropout(X, parameters, keep_prob, 0)


def test_backward_dropout_refuses_plain_caches():
    X, Y, parameters = _net([3, 2, 1], 4, 9)
    AL, caches = L_model_forward(X, parameters)
    with pytest.raises(ValueError, match=r"caches\[0\] must be the pair \(layer_cache, D\)"):
        backward_propagation_with_dropout(AL, Y, caches, 0.8)


def test_make_moons_is_seeded_and_balanced():
    X, Y = make_moons(100, noise=0.3, seed=0)
    assert X.shape == (2, 100) and Y.shape == (1, 100) and Y.sum() == 50
    assert np.array_equal(X, make_moons(100, noise=0.3, seed=0)[0])
    assert not np.array_equal(X, make_moons(100, noise=0.3, seed=1)[0])


def test_training_records_history_and_both_regularizers_shrink_the_weights():
    X, Y = make_moons(60, noise=0.3, seed=0)
    sets = {"train": (X, Y)}
    plain, history = train_regularized(X, Y, [2, 16, 1], 0.5, 120, eval_sets=sets, record_every=50)
    assert history["iteration"] == [1, 50, 100, 120]
    assert len(history["train cost"]) == len(history["train accuracy"]) == 4
    assert history["train cost"][-1] < history["train cost"][0]
    l2, _ = train_regularized(X, Y, [2, 16, 1], 0.5, 120, lambd=1.0)
    norm = [float(np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2)) for p in (plain, l2)]
    assert norm[1] < norm[0]
    dropped, _ = train_regularized(X, Y, [2, 16, 1], 0.5, 120, keep_prob=0.5, seed=0)
    again, _ = train_regularized(X, Y, [2, 16, 1], 0.5, 120, keep_prob=0.5, seed=0)
    assert all(np.array_equal(dropped[k], again[k]) for k in dropped)


def test_one_iteration_with_both_regularizers_is_dropout_gradients_plus_weight_decay():
    X, Y = make_moons(20, noise=0.3, seed=3)
    trained, _ = train_regularized(X, Y, [2, 5, 4, 1], 0.5, 1, lambd=0.7, keep_prob=0.8, seed=2)
    parameters = initialize_parameters_deep([2, 5, 4, 1], seed=2)
    # The masks' stream is default_rng([seed, 1]), separate from the initialization's.
    AL, caches = forward_propagation_with_dropout(X, parameters, 0.8, np.random.default_rng([2, 1]))
    grads = backward_propagation_with_dropout(AL, Y, caches, 0.8)
    for key, value in parameters.items():
        decay = 0.7 / 20 * value if key[0] == "W" else 0
        np.testing.assert_allclose(trained[key], value - 0.5 * (grads[f"d{key}"] + decay), rtol=1e-12, atol=1e-15)


def _softmax_net(m=6, seed=4):
    from dl_utils import one_hot

    X, _, parameters = _net([5, 4, 3, 3], m, seed)
    return X, one_hot(np.arange(m).reshape(1, m) % 3, 3), parameters


def test_the_binary_l2_cost_refuses_a_softmax_output_and_names_the_way():
    from dl_utils import L_model_forward_softmax

    X, Y, parameters = _softmax_net()
    AL, _ = L_model_forward_softmax(X, parameters)
    with pytest.raises(ValueError, match=r"AL has 3 rows, expected 1: .* compute_cost_softmax\(ZL, Y\) \+ l2_penalty"):
        compute_cost_with_regularization(AL, Y, parameters, 0.7)


def test_l2_gradients_of_a_softmax_network_match_centered_differences_of_its_cost():
    # Independent truth: tests/numgrad.py on compute_cost_softmax(ZL, Y) + lambd/(2m) sum ||W||^2, written here.
    from dl_utils import L_model_forward_softmax, compute_cost_softmax

    X, Y, parameters = _softmax_net()
    lambd, m = 0.7, X.shape[1]
    AL, caches = L_model_forward_softmax(X, parameters)
    grads = backward_propagation_with_regularization(AL, Y, caches, lambd)
    for key, value in parameters.items():
        def J(v, key=key):
            p = dict(parameters, **{key: v})
            ZL = L_model_forward_softmax(X, p)[1][-1][1]
            return compute_cost_softmax(ZL, Y) + lambd / (2 * m) * sum(np.sum(p[k] ** 2) for k in p if k[0] == "W")

        assert rel_error(grads[f"d{key}"], numerical_gradient(J, value)) < GRAD_RTOL, key


def test_dropout_with_a_softmax_output_gives_probabilities_and_its_gradients_match_centered_differences():
    from dl_utils import L_model_forward_softmax, compute_cost_softmax

    X, Y, parameters = _softmax_net()
    AL, caches = forward_propagation_with_dropout(X, parameters, 0.6, seed=3, output="softmax")
    assert AL.shape == (3, 6) and np.allclose(AL.sum(axis=0), 1.0)
    # keep_prob 1 is the plain softmax network, bit for bit.
    assert np.array_equal(forward_propagation_with_dropout(X, parameters, 1.0, 0, output="softmax")[0],
                          L_model_forward_softmax(X, parameters)[0])
    grads = backward_propagation_with_dropout(AL, Y, caches, 0.6)
    for key, value in parameters.items():
        def J(v, key=key):
            _, c = forward_propagation_with_dropout(X, dict(parameters, **{key: v}), 0.6, 3, output="softmax")
            return compute_cost_softmax(c[-1][0][1], Y)

        assert rel_error(grads[f"d{key}"], numerical_gradient(J, value)) < GRAD_RTOL, key
    with pytest.raises(ValueError, match="output must be 'sigmoid' or 'softmax', got 'tanh'"):
        forward_propagation_with_dropout(X, parameters, 0.6, 3, output="tanh")


def test_train_regularized_refuses_more_than_one_output_unit():
    X, Y = make_moons(10, 0.1, 0)
    with pytest.raises(ValueError, match=r"layers_dims must end with 1 .* got \[2, 4, 3\]"):
        train_regularized(X, Y, [2, 4, 3], 0.1, 2)
