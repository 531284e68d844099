"""The checks of notebook 08 (initialize_parameters_zeros, initialize_parameters_he): right answers, however
written (for He, any way of writing the draw the exercise prescribes), pass with one line; each catalogued
mistake fails with its hint."""

import numpy as np
import pytest
from answers import correct_answers_pass_with_one_line, mistakes_of

import dl_utils
from dl_utils import checks

NAMES = [name for name in checks.EXERCISE_NAMES if checks.exercise(name).notebook == "08_initialization.ipynb"]


def zeros_loop(layers_dims):
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.full((layers_dims[l], layers_dims[l - 1]), 0.0)
        parameters["b" + str(l)] = np.zeros(shape=(layers_dims[l], 1))
    return parameters


def zeros_from_pairs(layers_dims):
    pairs = zip(layers_dims[1:], layers_dims[:-1], strict=False)
    return {key: value for l, (n, n_prev) in enumerate(pairs, start=1)
            for key, value in ((f"W{l}", np.zeros((n, n_prev))), (f"b{l}", np.zeros((n, 1))))}


def zeros_numpy_names(layers_dims):
    # Keys made by numpy (np.str_, a str): the same dict to a learner's kernel, and to the grader (its wire).
    names = np.char.add("W", np.arange(1, len(layers_dims)).astype(str))
    parameters = {}
    for l, name in enumerate(names, start=1):
        parameters[name] = np.zeros((layers_dims[l], layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def he_normal_with_scale(layers_dims, seed=0):
    rng = np.random.default_rng(seed)
    return {key: value for l in range(1, len(layers_dims)) for key, value in (
        (f"W{l}", rng.normal(0.0, np.sqrt(2 / layers_dims[l - 1]), (layers_dims[l], layers_dims[l - 1]))),
        (f"b{l}", np.zeros((layers_dims[l], 1))))}


def he_divide_by_sqrt_half_n(layers_dims, seed=0):
    rng, parameters = np.random.default_rng(seed), {}
    for l in range(1, len(layers_dims)):
        W = rng.standard_normal((layers_dims[l], layers_dims[l - 1]))
        parameters[f"W{l}"] = W / np.sqrt(layers_dims[l - 1] / 2)
        parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))
    return parameters


CORRECT = {
    "initialize_parameters_zeros": [dl_utils.initialize_parameters_zeros, zeros_loop, zeros_from_pairs,
                                    zeros_numpy_names],
    "initialize_parameters_he": [dl_utils.initialize_parameters_he, he_normal_with_scale, he_divide_by_sqrt_half_n],
}
MISTAKES = mistakes_of(NAMES)
test_correct_answer_passes_with_one_line = correct_answers_pass_with_one_line(CORRECT)


def test_catalogue_has_mistakes_for_both():
    assert {m.exercise for m in MISTAKES} == set(NAMES) and len(MISTAKES) >= 12


def test_wrong_scale_message_names_the_measured_and_expected_std():
    with pytest.raises(AssertionError) as failure:
        checks.initialize_parameters_he(lambda layers_dims, seed=0: dl_utils.initialize_parameters_deep(layers_dims,
                                                                                                        seed))
    message = str(failure.value)
    assert "parameters['W1'] has standard deviation 0.049" in message  # 1/sqrt(400) = 0.05, one draw of it
    assert "expected about sqrt(2 / n_prev) = 0.0707 (n_prev = 400)" in message


def test_float32_is_named():
    def initialize_parameters_zeros(layers_dims):
        return dl_utils.initialize_parameters_zeros(layers_dims, dtype=np.float32)

    with pytest.raises(AssertionError, match=r"parameters\['W1'\] has dtype float32, expected float64") as failure:
        checks.initialize_parameters_zeros(initialize_parameters_zeros)
    # The advice is about the dtype this function gave, not the dtype=int of the integer zeros (below).
    assert "leave out the dtype (float32)" in str(failure.value) and "dtype=int" not in str(failure.value)


@pytest.mark.parametrize("name", NAMES)
def test_docstring_and_export(name):
    # The contract every check shares (NotImplementedError, odd returns, no crash) is tested over checks.__all__,
    # these names included, in tests/test_checks.py.
    doc = getattr(checks, name).__doc__
    assert f"``{name}``" in doc and "Parameters\n    ----------" in doc and "one layer, a single unit" in doc
    assert name in checks.__all__


def _he_draw(make_rng, per_layer=False, b_draw=False, draw=None):
    def initialize_parameters_he(layers_dims, seed=0):
        rng, parameters = make_rng(seed), {}
        for l in range(1, len(layers_dims)):
            n, n_prev = layers_dims[l], layers_dims[l - 1]
            rng = make_rng(seed) if per_layer else rng
            W = draw(rng, n, n_prev) if draw else rng.standard_normal((n, n_prev)) * np.sqrt(2 / n_prev)
            parameters[f"W{l}"] = W
            parameters[f"b{l}"] = rng.standard_normal((n, 1)) * 0 if b_draw else np.zeros((n, 1))
        return parameters

    return initialize_parameters_he


def _global_seed(seed):
    np.random.seed(seed)  # noqa: NPY002 - the mistake under test
    return np.random


WRONG_HE = {  # answer: the words the failure must contain
    "a new generator per layer": (_he_draw(np.random.default_rng, per_layer=True), "a new generator in every layer"),
    "np.random.seed and randn": (_he_draw(_global_seed, draw=lambda r, n, n_prev: r.randn(n, n_prev) * np.sqrt(
        2 / n_prev)), "np.random.seed and np.random.randn"),
    "RandomState": (_he_draw(np.random.RandomState, draw=lambda r, n, n_prev: r.randn(n, n_prev) * np.sqrt(
        2 / n_prev)), "np.random.seed and np.random.randn (or RandomState)"),
    "b drawn times 0": (_he_draw(np.random.default_rng, b_draw=True), "not by drawing and multiplying by 0"),
    "He uniform": (_he_draw(np.random.default_rng, draw=lambda r, n, n_prev: r.uniform(
        -np.sqrt(6 / n_prev), np.sqrt(6 / n_prev), (n, n_prev))), "tails are those of a uniform draw"),
}


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("answer", WRONG_HE, ids=list(WRONG_HE))
def test_he_draws_other_than_the_exercises_fail_naming_why(answer, hidden):
    fn, words = WRONG_HE[answer]
    state = np.random.get_state()  # noqa: NPY002 - put back what the np.random.seed answer changes
    try:
        with pytest.raises(AssertionError) as failure:
            checks.initialize_parameters_he(fn, hidden=hidden)
    finally:
        np.random.set_state(state)  # noqa: NPY002
    assert words in str(failure.value)


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
def test_integer_zeros_are_told_about_the_dtype_not_the_shape(hidden):
    # On the hidden one-unit network [1, 1], W transposed has W's shape: no coincidence may name it.
    def initialize_parameters_zeros(layers_dims):
        return {k: v for l in range(1, len(layers_dims)) for k, v in (
            (f"W{l}", np.zeros((layers_dims[l], layers_dims[l - 1]), dtype=int)),
            (f"b{l}", np.zeros((layers_dims[l], 1), dtype=int)))}

    with pytest.raises(AssertionError) as failure:
        checks.initialize_parameters_zeros(initialize_parameters_zeros, hidden=hidden)
    message = str(failure.value)
    assert "has dtype int64, expected float64" in message and "leave out dtype=int" in message
    assert "Likely cause" not in message
