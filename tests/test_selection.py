"""parameter_count against hand counts; validation_curve against the training loop written out."""

import numpy as np
import pytest

from dl_utils import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters_deep,
    parameter_count,
    update_parameters,
    validation_curve,
)


@pytest.mark.parametrize(
    ("layers_dims", "count"),
    [([64, 1], 65), ([64, 16, 1], 64 * 16 + 16 + 16 + 1), ([64, 32, 16, 8, 1], 2080 + 528 + 136 + 9),
     ([2, 84, 1], 2 * 84 + 84 + 84 + 1), ([2, 16, 16, 1], 48 + 272 + 17)],
)
def test_parameter_count_by_hand(layers_dims, count):
    assert parameter_count(layers_dims) == count


def test_parameter_count_equals_the_initialized_arrays():
    dims = [5, 4, 3, 1]
    assert parameter_count(dims) == sum(a.size for a in initialize_parameters_deep(dims, seed=0).values())


@pytest.mark.parametrize("bad", [[3], [3, 0, 1], []])
def test_parameter_count_rejects_bad_dims(bad):
    with pytest.raises(ValueError, match="layers_dims"):
        parameter_count(bad)


def problem(m, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, m))
    Y = (X[0:1] * X[1:2] > 0).astype(np.int64)
    return X, Y


def loop(X, Y, layers_dims, learning_rate, num_iterations, seed):
    """The loop of notebook 05, with the public step functions."""
    parameters = initialize_parameters_deep(layers_dims, seed=seed)
    for _ in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        parameters = update_parameters(parameters, L_model_backward(AL, Y, caches), learning_rate)
    return parameters


def test_validation_curve_matches_the_loop_at_every_checkpoint():
    X, Y = problem(80, 0)
    Xv, Yv = problem(50, 1)
    dims, lr, its = [3, 6, 4, 1], 0.5, [1, 7, 40]
    h = validation_curve(X, Y, Xv, Yv, dims, lr, its, seed=3)
    assert h["iterations"] == its
    for k, n in enumerate(its):
        p = loop(X, Y, dims, lr, n, seed=3)
        for split, (A, B) in (("train", (X, Y)), ("val", (Xv, Yv))):
            AL, _ = L_model_forward(A, p)
            np.testing.assert_allclose(h[f"{split}_cost"][k], compute_cost(AL, B), rtol=1e-10)
            assert h[f"{split}_accuracy"][k] == np.mean((AL > 0.5) == B)
    # the network learns something: the training cost falls below log 2
    assert h["train_cost"][-1] < np.log(2) - 0.05


def test_validation_curve_counts_by_hand():
    # Logistic regression on four points symmetric about 0: b stays 0 (db = mean(AL - Y) = 0 by symmetry)
    # and w grows, so the boundary is x = 0.
    X = np.array([[-2.0, -1.0, 1.0, 2.0]])
    Y = np.array([[0, 0, 1, 1]])
    h = validation_curve(X, Y, np.array([[-3.0, 3.0, 0.5]]), np.array([[0, 1, 0]]), [1, 1], 1.0, [200])
    # every training point right; of -3 (label 0), 3 (label 1) and 0.5 (label 0), the last is wrong
    assert h["train_accuracy"] == [1.0]
    assert h["val_accuracy"] == [pytest.approx(2 / 3)]


def test_validation_curve_marks_divergence_with_nan():
    X, Y = problem(80, 0)
    X[0, 0] = np.nan  # the first cost is nan: L_layer_model raises FloatingPointError
    h = validation_curve(X, Y, X, Y, [3, 4, 1], 0.1, [1, 5])
    assert h["iterations"] == [1, 5]
    for key in ("train_cost", "val_cost", "train_accuracy", "val_accuracy"):
        assert np.isnan(h[key]).all(), key


@pytest.mark.parametrize("bad", [[], [0, 10], [10, 10], [20, 10]])
def test_validation_curve_rejects_bad_iterations(bad):
    X, Y = problem(10, 0)
    with pytest.raises(ValueError, match="iterations"):
        validation_curve(X, Y, X, Y, [3, 1], 0.1, bad)
