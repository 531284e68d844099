"""compute_cost: hand values, the exact formula, saturated outputs, dtype, purity and bad input."""

import warnings

import numpy as np
import pytest

from dl_utils import compute_cost


def exact_cost(AL, Y):
    """The cross-entropy of the notes with -1/m on both terms, for 0 < AL < 1."""
    m = Y.shape[1]
    return -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m


def test_hand_value():
    # AL = [0.8, 0.1], Y = [1, 0]: J = -(ln 0.8 + ln(1 - 0.1)) / 2 = -(ln 0.8 + ln 0.9) / 2
    cost = compute_cost(np.array([[0.8, 0.1]]), np.array([[1, 0]]))
    assert cost == pytest.approx(-(np.log(0.8) + np.log(0.9)) / 2, rel=1e-15)


def test_returns_a_python_float():
    assert type(compute_cost(np.array([[0.8, 0.1]]), np.array([[1.0, 0.0]]))) is float


@pytest.mark.parametrize("m", [1, 7, 100])
def test_equals_exact_formula_away_from_saturation(m):
    rng = np.random.default_rng(m)
    AL = rng.uniform(0.01, 0.99, size=(1, m))
    Y = (rng.uniform(size=(1, m)) > 0.5).astype(np.float64)
    assert compute_cost(AL, Y) == pytest.approx(exact_cost(AL, Y), rel=1e-14)


def test_equals_exact_formula_for_tiny_outputs():
    # e^-740 (what sigmoid(-740) gives) is subnormal: stored as 85 * 2^-1074, so its loss with label 1
    # is -ln(85 * 2^-1074) = 1074 ln 2 - ln 85 = 739.9974; 1e-300 is a normal float with loss 300 ln 10.
    AL = np.array([[np.exp(-740.0), 1e-300]])
    assert AL[0, 0] == 85 * 2.0**-1074
    expected = (1074 * np.log(2) - np.log(85) + 300 * np.log(10)) / 2
    assert compute_cost(AL, np.array([[1.0, 1.0]])) == pytest.approx(expected, rel=1e-14)


def test_saturated_right_labels_cost_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cost = compute_cost(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]]))
    assert 0 <= cost < 1e-15


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_saturated_wrong_labels_give_a_finite_large_cost(dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for AL, Y in (([[0.0]], [[1.0]]), ([[1.0]], [[0.0]])):
            cost = compute_cost(np.array(AL, dtype=dtype), np.array(Y))
            # float64: -ln(1 - (1 - 2^-53)) = 36.7 at the least; float32: -ln(2^-24) = 16.6
            assert np.isfinite(cost) and cost > 16


def test_float32_output_gives_float32_accurate_cost():
    AL, Y = np.array([[0.8, 0.1]], dtype=np.float32), np.array([[1, 0]])
    assert compute_cost(AL, Y) == pytest.approx(-(np.log(0.8) + np.log(0.9)) / 2, rel=1e-6)


def test_does_not_mutate():
    AL, Y = np.array([[0.0, 0.3, 1.0]]), np.array([[0.0, 1.0, 1.0]])
    compute_cost(AL, Y)
    np.testing.assert_array_equal(AL, [[0.0, 0.3, 1.0]])
    np.testing.assert_array_equal(Y, [[0.0, 1.0, 1.0]])


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("Y_shape", [(1, 3), (3, 1), (2, 4)])
def test_rejects_Y_not_matching_AL(Y_shape):
    with pytest.raises(ValueError, match=rf"Y has shape \({Y_shape[0]}, {Y_shape[1]}\) but AL has shape \(1, 4\)"):
        compute_cost(np.full((1, 4), 0.5), np.ones(Y_shape))


@pytest.mark.parametrize(
    "name, args", [("AL", (np.full(4, 0.5), np.ones((1, 4)))), ("Y", (np.full((1, 4), 0.5), np.ones(4)))]
)
def test_rejects_1d_arrays(name, args):
    with pytest.raises(ValueError, match=rf"{name} must be a 2-D array.*got 1-D with shape \(4,\)"):
        compute_cost(*args)


def test_rejects_AL_outside_0_1():
    with pytest.raises(ValueError, match=r"AL must hold probabilities in \[0, 1\].*-2 to 3"):
        compute_cost(np.array([[-2.0, 3.0]]), np.array([[0.0, 1.0]]))
