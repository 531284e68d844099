"""The argument checks every reference function shares: numbers and choices (as_matrix is tested with its users)."""

import numpy as np
import pytest

from dl_utils._validate import as_choice, as_number

NUMBERS = [0.5, 2, np.float32(0.5), np.float64(0.5), np.int64(2), np.array(0.5), np.array(2)]


@pytest.mark.parametrize("x", NUMBERS)
def test_every_kind_of_real_number_is_one_python_float(x):
    got = as_number("learning_rate", x)
    assert type(got) is float and got == float(x)


@pytest.mark.parametrize("x", [2, np.int64(2), np.int32(2), np.array(2)])
def test_every_kind_of_whole_number_is_one_python_int(x):
    got = as_number("t", x, 1, whole=True)
    assert type(got) is int and got == 2


@pytest.mark.parametrize("x", [True, np.bool_(True), "0.5", b"1", None, [0.5], np.array([0.5]), 1 + 0j,
                               float("nan"), float("inf"), -np.inf, np.array("1")])
def test_what_is_not_a_finite_real_number_is_refused_by_name(x):
    with pytest.raises(ValueError, match=r"^learning_rate must be a number, got "):
        as_number("learning_rate", x)


@pytest.mark.parametrize("x", [2.0, 2.5, np.float64(2.0), True])
def test_a_whole_number_is_an_integer_type_not_a_float_with_a_whole_value(x):
    with pytest.raises(ValueError, match=r"^t must be a positive whole number, got "):
        as_number("t", x, 1, whole=True)


@pytest.mark.parametrize(("bounds", "inside", "outside", "said"), [
    ({"low": 0}, [0, 1e300], [-1e-300], "a number >= 0"),
    ({"low": 0, "low_open": True}, [1e-300], [0, -1], "a positive number"),
    ({"low": 1, "whole": True}, [1, 10**20], [0, -3], "a positive whole number"),
    ({"low": 0, "high": 1, "high_open": True}, [0, 0.999], [1, -0.1], r"a number in \[0, 1\)"),
    ({"low": 0, "high": 1, "low_open": True}, [1, 1e-9], [0, 1.0000001], r"a number in \(0, 1\]"),
    ({"low": 2, "whole": True}, [2], [1], "a whole number >= 2"),
])
def test_bounds_hold_at_their_edges_and_the_message_says_them(bounds, inside, outside, said):
    for x in inside:
        assert as_number("x", x, **bounds) == x
    for x in outside:
        with pytest.raises(ValueError, match=rf"^x must be {said}, got {x!r}$"):
            as_number("x", x, **bounds)


def test_what_replaces_the_description_made_from_the_bounds():
    with pytest.raises(ValueError, match=r"^keep_prob must be a probability in \(0, 1\] \(the share kept\), got 0$"):
        as_number("keep_prob", 0, 0, 1, low_open=True, what="a probability in (0, 1] (the share kept)")


@pytest.mark.parametrize(("choices", "listed"), [
    (("relu",), "'relu'"),
    (("relu", "sigmoid"), "'relu' or 'sigmoid'"),
    (("gd", "momentum", "rmsprop", "adam"), "'gd', 'momentum', 'rmsprop' or 'adam'"),
])
def test_a_choice_is_one_of_the_strings_and_the_message_lists_them(choices, listed):
    assert as_choice("optimizer", choices[-1], choices) == choices[-1]
    for x in ("Relu", "sgd", None, 1, np.array(["relu", "relu"]), ("relu",)):
        with pytest.raises(ValueError, match=rf"^optimizer must be {listed}, got "):
            as_choice("optimizer", x, choices)
