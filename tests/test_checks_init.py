"""The checks of notebook 08 (initialize_parameters_zeros, initialize_parameters_he): right answers, however
written (any correct random draw for He), pass with one line; each catalogued mistake fails with its hint."""

import numpy as np
import pytest
from answers import correct_answers_pass_with_one_line, mistakes_of

import dl_utils
from dl_utils import checks

NAMES = ["initialize_parameters_zeros", "initialize_parameters_he"]


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


def he_legacy_random_state(layers_dims, seed=0):
    # Another generator altogether (the legacy Mersenne Twister): a different draw, just as correct.
    rs, parameters = np.random.RandomState(seed), {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = rs.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2.0 / layers_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


CORRECT = {
    "initialize_parameters_zeros": [dl_utils.initialize_parameters_zeros, zeros_loop, zeros_from_pairs],
    "initialize_parameters_he": [dl_utils.initialize_parameters_he, he_normal_with_scale, he_divide_by_sqrt_half_n,
                                 he_legacy_random_state],
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

    with pytest.raises(AssertionError, match=r"parameters\['W1'\] has dtype float32, expected float64"):
        checks.initialize_parameters_zeros(initialize_parameters_zeros)


@pytest.mark.parametrize("name", NAMES)
def test_docstring_and_export(name):
    # The contract every check shares (NotImplementedError, odd returns, no crash) is tested over checks.__all__,
    # these names included, in tests/test_checks.py.
    doc = getattr(checks, name).__doc__
    assert f"``{name}``" in doc and "Parameters\n    ----------" in doc and "one layer, a single unit" in doc
    assert name in checks.__all__
