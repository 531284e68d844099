"""The checks of notebook 10 (mini-batches, momentum, Adam): right answers, however written, pass with one line
(Adam's epsilon inside the square root included, see dl_utils/checks/cases_10_optimization.py); each catalogued mistake
fails with its hint; a state updated in place is reported; odd answers fail with an AssertionError, never a crash."""

import copy
import math

import numpy as np
import pytest
from answers import correct_answers_pass_with_one_line, mistakes_of

import dl_utils
from dl_utils import checks
from dl_utils.checks import mistakes
from dl_utils.checks._compare import same

NAMES = [name for name in checks.EXERCISE_NAMES if checks.exercise(name).notebook == "10_optimization.ipynb"]


def mb_loop_with_partial(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = list(np.random.default_rng(seed).permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation].reshape((1, m))
    batches = []
    for k in range(math.floor(m / mini_batch_size)):
        batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                        shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
    if m % mini_batch_size != 0:
        start = math.floor(m / mini_batch_size) * mini_batch_size
        batches.append((shuffled_X[:, start:], shuffled_Y[:, start:]))
    return batches


def mb_take(X, Y, mini_batch_size=64, seed=0):
    p = np.random.default_rng(seed).permutation(X.shape[1])
    return [tuple(np.take(A, p[k:k + mini_batch_size], axis=1) for A in (X, Y))
            for k in range(0, X.shape[1], mini_batch_size)]


def mom_loop(parameters, grads, v, beta, learning_rate):
    parameters, v = dict(parameters), dict(v)
    for l in range(1, len(parameters) // 2 + 1):
        for p in "Wb":
            v[f"d{p}{l}"] = beta * v[f"d{p}{l}"] + (1 - beta) * grads[f"d{p}{l}"]
            parameters[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v[f"d{p}{l}"]
    return parameters, v


def mom_comprehension(parameters, grads, v, beta, learning_rate):
    new_v = {k: beta * v[k] + (1 - beta) * grads[k] for k in v}
    return {k: w - learning_rate * new_v["d" + k] for k, w in parameters.items()}, new_v


def adam_eps_inside_sqrt(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_p, new_v, new_s = {}, {}, {}
    for key, w in parameters.items():
        d = "d" + key
        new_v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        new_s[d] = beta2 * s[d] + (1 - beta2) * np.power(grads[d], 2)
        new_p[key] = w - learning_rate * (new_v[d] / (1 - beta1**t)) / np.sqrt(new_s[d] / (1 - beta2**t) + epsilon)
    return new_p, new_v, new_s


def adam_ng_style(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    L = len(parameters) // 2
    v, s, parameters = copy.copy(v), copy.copy(s), copy.copy(parameters)
    v_corrected, s_corrected = {}, {}
    for l in range(L):
        for p in "Wb":
            k = p + str(l + 1)
            v["d" + k] = beta1 * v["d" + k] + (1 - beta1) * grads["d" + k]
            v_corrected["d" + k] = v["d" + k] / (1 - beta1**t)  # np.power(beta1, t) widens float32: tests/wrong_answers
            s["d" + k] = beta2 * s["d" + k] + (1 - beta2) * np.square(grads["d" + k])
            s_corrected["d" + k] = s["d" + k] / (1 - beta2**t)
            parameters[k] = parameters[k] - learning_rate * v_corrected["d" + k] / (
                np.sqrt(s_corrected["d" + k]) + epsilon)
    return parameters, v, s


def mb_rng_shuffle(X, Y, mini_batch_size=64, seed=0):
    # Generator.shuffle of 0..m-1 is the same draw as Generator.permutation(m).
    order = np.arange(X.shape[1])
    np.random.default_rng(seed).shuffle(order)
    pairs = [(X[:, order[k:k + mini_batch_size]], Y[:, order[k:k + mini_batch_size]])
             for k in range(0, X.shape[1], mini_batch_size)]
    return pairs


def adam_kingma_ba_efficient(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    # Algorithm 1's "efficient" form (Kingma and Ba, 2015, section 2): the corrections folded into the step size.
    lr_t = learning_rate * (1 - beta2**t) ** 0.5 / (1 - beta1**t)  # a Python number: np.sqrt would widen float32
    v = {k: beta1 * v[k] + (1 - beta1) * grads[k] for k in v}
    s = {k: beta2 * s[k] + (1 - beta2) * grads[k] ** 2 for k in s}
    return {k: p - lr_t * v["d" + k] / (np.sqrt(s["d" + k]) + epsilon) for k, p in parameters.items()}, v, s


CORRECT = {
    "random_mini_batches": [dl_utils.random_mini_batches, mb_loop_with_partial, mb_take, mb_rng_shuffle],
    "update_parameters_with_momentum": [dl_utils.update_parameters_with_momentum, mom_loop, mom_comprehension],
    "update_parameters_with_adam": [dl_utils.update_parameters_with_adam, adam_eps_inside_sqrt, adam_ng_style,
                                    adam_kingma_ba_efficient],
}
MISTAKES = mistakes_of(NAMES)
test_correct_answer_passes_with_one_line = correct_answers_pass_with_one_line(CORRECT)


def test_catalogue_covers_every_exercise():
    assert {m.exercise for m in MISTAKES} == set(NAMES)
    assert len(MISTAKES) >= 13 and len({m.id for m in mistakes.CATALOGUE}) == len(mistakes.CATALOGUE)


def test_velocity_updated_in_place_is_reported():
    def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
        new = {}
        for key in parameters:
            v["d" + key] = beta * v["d" + key] + (1 - beta) * grads["d" + key]
            new[key] = parameters[key] - learning_rate * v["d" + key]
        return new, v

    with pytest.raises(AssertionError, match=r"changed its arguments: v\['dW1'\].*replaced in the dict passed in"):
        checks.update_parameters_with_momentum(update_parameters_with_momentum)


def test_dropped_partial_batch_is_named():
    with pytest.raises(AssertionError, match="the last, smaller mini-batch"):
        checks.random_mini_batches(next(m.fn for m in MISTAKES if m.id == "mb_drops_last"))


@pytest.mark.parametrize("name", NAMES)
def test_hand_computed_values_agree_with_the_reference(name):
    exercise = checks.exercise(name)
    assert exercise.reference is getattr(dl_utils, name)
    for case in exercise.hand:
        got = exercise.reference(*copy.deepcopy(list(case.args.values())))
        assert same(got, case.expected, case.tol), case.label


ODD_RETURNS = [None, "x", 3, [], (), {}, np.zeros(3), (None, None), (None, None, None), 1j, [(None, None)],
               ({}, {}), ({}, {}, {}), float("nan"), [np.zeros((2, 2))]]


@pytest.mark.parametrize("name", NAMES)
def test_any_odd_return_gives_an_assertion_error_never_a_crash(name, capsys):
    for returned in ODD_RETURNS:
        with pytest.raises(AssertionError):
            getattr(checks, name)(lambda *args, returned=returned, **kwargs: returned)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("name", NAMES)
def test_docstring_and_export(name):
    doc = getattr(checks, name).__doc__
    assert f"``{name}``" in doc and "step 100" in doc and name in checks.__all__


def test_a_hard_coded_epsilon_is_named():
    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                    epsilon=1e-8):
        return dl_utils.update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, 1e-8)

    with pytest.raises(AssertionError) as failure:
        checks.update_parameters_with_adam(update_parameters_with_adam)
    message = str(failure.value)
    assert "use the epsilon argument" in message and "times the expected value" not in message


def test_another_valid_shuffle_is_told_the_draw_the_check_requires():
    def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
        rng, m = np.random.default_rng(seed), X.shape[1]
        permutation = rng.choice(m, m, replace=False)
        X, Y = X[:, permutation], Y[:, permutation]
        return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]

    with pytest.raises(AssertionError) as failure:
        checks.random_mini_batches(random_mini_batches)
    message = str(failure.value)
    assert "a shuffle of the examples, but not the one drawn from the seed" in message
    assert "permutation = np.random.default_rng(seed).permutation(m)" in message
