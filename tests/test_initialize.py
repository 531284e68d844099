"""initialize_parameters_deep: shapes, the documented draw, determinism, dtype, bad layers_dims."""

import numpy as np
import pytest

from dl_utils import initialize_parameters_deep

SHAPES = [[3, 1], [4, 3, 1], [5, 4, 3, 2, 1]]


@pytest.mark.parametrize("layers_dims", SHAPES)
def test_keys_and_shapes(layers_dims):
    parameters = initialize_parameters_deep(layers_dims)
    L = len(layers_dims) - 1
    assert sorted(parameters) == sorted([f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1)])
    for l in range(1, L + 1):
        assert parameters[f"W{l}"].shape == (layers_dims[l], layers_dims[l - 1])
        assert parameters[f"b{l}"].shape == (layers_dims[l], 1)


@pytest.mark.parametrize("seed", [0, 7])
def test_matches_the_documented_draw(seed):
    # W = rng.standard_normal((n_l, n_prev)) / sqrt(n_prev), layer after layer, one generator
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((4, 5)) / np.sqrt(5)
    W2 = rng.standard_normal((1, 4)) / np.sqrt(4)
    parameters = initialize_parameters_deep([5, 4, 1], seed=seed)
    np.testing.assert_array_equal(parameters["W1"], W1)
    np.testing.assert_array_equal(parameters["W2"], W2)
    np.testing.assert_array_equal(parameters["b1"], np.zeros((4, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((1, 1)))


def test_weight_scale_is_one_over_sqrt_fan_in():
    # Var(W) = 1/n_prev; with 200 * 400 draws the sample variance is within a few percent
    W = initialize_parameters_deep([400, 200, 1], seed=1)["W1"]
    assert abs(W.var() * 400 - 1) < 0.05


def test_same_seed_gives_identical_arrays():
    a = initialize_parameters_deep([5, 4, 3, 1], seed=3)
    b = initialize_parameters_deep([5, 4, 3, 1], seed=3)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def test_different_seed_gives_different_weights():
    a = initialize_parameters_deep([5, 4, 3, 1], seed=3)
    b = initialize_parameters_deep([5, 4, 3, 1], seed=4)
    assert all(not np.array_equal(a[f"W{l}"], b[f"W{l}"]) for l in (1, 2, 3))


def test_never_touches_global_random_state():
    # The legacy global generator is exactly what must stay untouched, hence the noqa.
    before = np.random.get_state()  # noqa: NPY002
    initialize_parameters_deep([5, 4, 1], seed=0)
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_accepts_a_generator_as_seed():
    expected = initialize_parameters_deep([3, 2, 1], seed=9)
    got = initialize_parameters_deep([3, 2, 1], seed=np.random.default_rng(9))
    for key in expected:
        np.testing.assert_array_equal(got[key], expected[key])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype(dtype):
    parameters = initialize_parameters_deep([4, 3, 1], dtype=dtype)
    assert all(value.dtype == dtype for value in parameters.values())


def test_does_not_mutate_layers_dims():
    layers_dims = [4, 3, 1]
    initialize_parameters_deep(layers_dims)
    assert layers_dims == [4, 3, 1]


@pytest.mark.parametrize(
    "layers_dims, message",
    [
        ([], r"at least two sizes.*got \[\]"),
        ([5], r"at least two sizes.*got \[5\]"),
        ([5, 0, 1], r"positive whole numbers, got \[5, 0, 1\]"),
        ([5, -3, 1], r"positive whole numbers, got \[5, -3, 1\]"),
        ([5, 2.5, 1], r"positive whole numbers, got \[5, 2.5, 1\]"),
        ([5, float("inf"), 1], r"positive whole numbers, got \[5, inf, 1\]"),
        ([5, "4", 1], r"positive whole numbers, got \[5, '4', 1\]"),
        (5, r"layers_dims must be a list of layer sizes"),
    ],
)
def test_rejects_bad_layers_dims(layers_dims, message):
    with pytest.raises(ValueError, match=message):
        initialize_parameters_deep(layers_dims)
