"""initialize_parameters_zeros and initialize_parameters_he: shapes by hand, He's draw against the formula written
out with its own generator, its scale measured, and the reason it exists: the size of the activations stays the
same through many ReLU layers, where the course's 1/sqrt(n_prev) halves their second moment at each one."""

import numpy as np
import pytest

from dl_utils import initialize_parameters_deep, initialize_parameters_he, initialize_parameters_zeros

# [3, 2, 1]: W1 (n_1, n_0) = (2, 3), b1 (2, 1), W2 (n_2, n_1) = (1, 2), b2 (1, 1).
SHAPES = {"W1": (2, 3), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}


@pytest.mark.parametrize("init", [initialize_parameters_zeros, initialize_parameters_he])
def test_shapes_and_dtype_by_hand(init):
    parameters = init([3, 2, 1])
    assert {k: v.shape for k, v in parameters.items()} == SHAPES
    assert all(v.dtype == np.float64 for v in parameters.values())
    assert all(v.dtype == np.float32 for v in init([3, 2, 1], dtype=np.float32).values())


def test_zeros_are_zeros():
    assert all(not np.any(v) for v in initialize_parameters_zeros([5, 4, 3, 1]).values())


def test_he_is_the_formula_with_its_own_generator():
    rng = np.random.default_rng(7)
    W1 = rng.standard_normal((4, 5)) * np.sqrt(2 / 5)  # layer 1 first, then layer 2, from the same generator
    W2 = rng.standard_normal((1, 4)) * np.sqrt(2 / 4)
    parameters = initialize_parameters_he([5, 4, 1], seed=7)
    assert np.array_equal(parameters["W1"], W1) and np.array_equal(parameters["W2"], W2)
    assert not np.any(parameters["b1"]) and not np.any(parameters["b2"])


def test_he_scale_is_sqrt_2_over_n_prev():
    W = initialize_parameters_he([400, 200], seed=3)["W1"]  # 80,000 draws: the std is within 0.25% (1 s.e.)
    assert abs(W.std() / np.sqrt(2 / 400) - 1) < 0.01 and abs(W.mean()) < 4 * W.std() / np.sqrt(W.size)


def test_seeds_and_the_global_random_state():
    state = np.random.get_state()[1].copy()  # noqa: NPY002 - the legacy global state must stay untouched
    a, b, c = (initialize_parameters_he([6, 4, 1], seed=s)["W1"] for s in (1, 1, 2))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(np.random.get_state()[1], state)  # noqa: NPY002


def second_moments(parameters, X):
    A, moments = X, []
    for l in range(1, len(parameters) // 2 + 1):
        A = np.maximum(parameters[f"W{l}"] @ A + parameters[f"b{l}"], 0)
        moments.append(float(np.mean(A**2)))
    return np.array(moments)


def test_he_keeps_the_activations_size_through_20_relu_layers():
    # E[a^2] of a ReLU layer is n_prev Var(W) E[a_prev^2] / 2: constant for Var(W) = 2/n_prev, halved for 1/n_prev.
    dims = [200] * 21
    X = np.random.default_rng(0).standard_normal((200, 500))
    he = second_moments(initialize_parameters_he(dims, seed=1), X)
    course = second_moments(initialize_parameters_deep(dims, seed=1), X)
    assert 0.5 < he[-1] / he[0] < 2
    assert 0.25 < (course[-1] / course[0]) / 0.5**19 < 4


def test_bad_layers_dims():
    with pytest.raises(ValueError, match="layers_dims must hold positive whole numbers"):
        initialize_parameters_he([3, 0, 1])
    with pytest.raises(ValueError, match="at least two sizes"):
        initialize_parameters_zeros([3])
