"""update_parameters: one gradient step by hand, purity, dtype and bad input."""

import copy

import numpy as np
import pytest

from dl_utils import initialize_parameters_deep, update_parameters


def hand_case():
    # W1 = [[1, 2]] - 0.5 * [[4, 2]] = [[-1, 1]];  b1 = [[3]] - 0.5 * [[-2]] = [[4]]
    # W2 = [[2]] - 0.5 * [[0]] = [[2]];             b2 = [[0]] - 0.5 * [[1]] = [[-0.5]]
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[3.0]]),
                  "W2": np.array([[2.0]]), "b2": np.zeros((1, 1))}
    grads = {"dW1": np.array([[4.0, 2.0]]), "db1": np.array([[-2.0]]), "dW2": np.array([[0.0]]),
             "db2": np.array([[1.0]]), "dA0": np.ones((2, 3)), "dA1": np.ones((1, 3))}
    expected = {"W1": [[-1.0, 1.0]], "b1": [[4.0]], "W2": [[2.0]], "b2": [[-0.5]]}
    return parameters, grads, expected


def test_hand_values():
    parameters, grads, expected = hand_case()
    updated = update_parameters(parameters, grads, 0.5)
    assert sorted(updated) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_array_equal(updated[key], value, err_msg=key)


@pytest.mark.parametrize("learning_rate", [0.5, np.float64(0.5), np.float32(0.5), 1])
def test_accepts_any_real_number_as_learning_rate(learning_rate):
    parameters, grads, _ = hand_case()
    updated = update_parameters(parameters, grads, learning_rate)
    np.testing.assert_array_equal(updated["W1"], [[1.0, 2.0]] - learning_rate * np.array([[4.0, 2.0]]))


def test_does_not_mutate_and_returns_new_arrays():
    parameters, grads, _ = hand_case()
    parameters_copy, grads_copy = copy.deepcopy(parameters), copy.deepcopy(grads)
    updated = update_parameters(parameters, grads, 0.5)
    for original, saved in ((parameters, parameters_copy), (grads, grads_copy)):
        assert list(original) == list(saved)
        for key in saved:
            np.testing.assert_array_equal(original[key], saved[key], err_msg=key)
    assert updated is not parameters
    assert all(updated[key] is not parameters[key] for key in updated)


@pytest.mark.parametrize("learning_rate", [0.01, np.float64(0.01)])
def test_keeps_float32(learning_rate):
    parameters = initialize_parameters_deep([4, 3, 1], dtype=np.float32)
    grads = {f"d{key}": np.ones_like(value) for key, value in parameters.items()}
    updated = update_parameters(parameters, grads, learning_rate)
    assert all(value.dtype == np.float32 for value in updated.values())


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("drop", ["dW1", "db1", "dW2", "db2"])
def test_rejects_grads_missing_a_key(drop):
    parameters, grads, _ = hand_case()
    del grads[drop]
    with pytest.raises(ValueError, match=rf"grads has no {drop}: expected dW1, db1, \.\.\., dW2, db2, got \["):
        update_parameters(parameters, grads, 0.5)


def test_rejects_grad_of_wrong_shape():
    parameters, grads, _ = hand_case()
    grads["dW1"] = np.ones((2, 1))
    with pytest.raises(ValueError, match=r"dW1 has shape \(2, 1\) but W1 has shape \(1, 2\)"):
        update_parameters(parameters, grads, 0.5)


@pytest.mark.parametrize("drop", ["W1", "b2"])
def test_rejects_parameters_missing_a_key(drop):
    parameters, grads, _ = hand_case()
    del parameters[drop]
    with pytest.raises(ValueError, match=r"parameters must have keys W1, b1, \.\.\., WL, bL, got \["):
        update_parameters(parameters, grads, 0.5)


def test_rejects_grads_that_are_not_a_dict():
    parameters, grads, _ = hand_case()
    with pytest.raises(ValueError, match=r"grads must be a dict.*got list"):
        update_parameters(parameters, list(grads.values()), 0.5)


@pytest.mark.parametrize("learning_rate", ["0.5", "fast", None, [0.5], np.array([0.5, 0.1])])
def test_rejects_learning_rate_that_is_not_a_number(learning_rate):
    parameters, grads, _ = hand_case()
    with pytest.raises(ValueError, match=r"learning_rate must be a number, got "):
        update_parameters(parameters, grads, learning_rate)


def test_rejects_1d_grad():
    parameters, grads, _ = hand_case()
    grads["db1"] = np.ones(1)
    with pytest.raises(ValueError, match=r"db1 must be a 2-D array.*got 1-D"):
        update_parameters(parameters, grads, 0.5)
