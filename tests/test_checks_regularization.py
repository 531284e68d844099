"""The checks of notebook 09 (L2 regularization, dropout): right answers, however written, pass with one line;
each catalogued mistake fails with its hint; odd answers fail with an AssertionError, never a crash."""

import copy

import numpy as np
import pytest
from answers import correct_answers_pass_with_one_line, mistakes_of

import dl_utils
from dl_utils import L_model_backward, checks, compute_cost, linear_activation_forward
from dl_utils.checks import mistakes
from dl_utils.checks._compare import same

NAMES = [name for name in checks.EXERCISE_NAMES if checks.exercise(name).notebook == "09_regularization.ipynb"]


def cost_norm_fro(AL, Y, parameters, lambd):
    L, m = len(parameters) // 2, Y.shape[1]
    return compute_cost(AL, Y) + lambd / (2 * m) * sum(np.linalg.norm(parameters[f"W{l}"], "fro") ** 2
                                                       for l in range(1, L + 1))


def cost_ravel_dot(AL, Y, parameters, lambd):
    m = Y.shape[1]
    weights = [v for k, v in parameters.items() if k.startswith("W")]
    cross_entropy = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return cross_entropy + lambd / 2 / m * sum(W.ravel() @ W.ravel() for W in weights)


def l2_loop_over_caches(AL, Y, caches, lambd):
    grads = L_model_backward(AL, Y, caches)
    for l, cache in enumerate(caches, start=1):
        W = cache[0][1]
        grads["dW" + str(l)] = grads["dW" + str(l)] + (lambd / AL.shape[1]) * W
    return grads


def l2_copy_then_add_in_place(AL, Y, caches, lambd):
    grads = {k: v.copy() for k, v in L_model_backward(AL, Y, caches).items()}
    for l in range(1, len(caches) + 1):
        grads[f"dW{l}"] += lambd * caches[l - 1][0][1] / Y.shape[1]
    return grads


def dropout_float_masks(X, parameters, keep_prob, seed):
    rng = np.random.default_rng(seed)
    L, A, caches = len(parameters) // 2, X, []
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        D = (rng.random((A.shape[0], A.shape[1])) < keep_prob).astype(A.dtype)  # .astype(float) widens float32
        A = np.multiply(A, D)
        A = A / keep_prob
        caches.append((cache, D))
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [(cache, None)]


def dropout_backward_ng_style(AL, Y, caches, keep_prob):
    grads, L, m = {}, len(caches), AL.shape[1]
    dZ = AL - Y
    A_prev, W, _ = caches[L - 1][0][0]
    grads[f"dW{L}"], grads[f"db{L}"] = dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m
    dA = W.T @ dZ
    for l in range(L - 1, 0, -1):
        ((A_prev, W, _), Z), D = caches[l - 1]
        dA = dA * D
        dA = dA / keep_prob
        grads[f"dA{l}"] = dA
        dZ = np.where(Z > 0, dA, 0)
        grads[f"dW{l}"], grads[f"db{l}"] = dZ @ A_prev.T / m, np.sum(dZ, 1, keepdims=True) / m
        dA = W.T @ dZ
    grads["dA0"] = dA
    return grads


CORRECT = {
    "compute_cost_with_regularization": [dl_utils.compute_cost_with_regularization, cost_norm_fro, cost_ravel_dot],
    "backward_propagation_with_regularization": [dl_utils.backward_propagation_with_regularization,
                                                 l2_loop_over_caches, l2_copy_then_add_in_place],
    "forward_propagation_with_dropout": [dl_utils.forward_propagation_with_dropout, dropout_float_masks],
    "backward_propagation_with_dropout": [dl_utils.backward_propagation_with_dropout, dropout_backward_ng_style],
}
MISTAKES = mistakes_of(NAMES)
test_correct_answer_passes_with_one_line = correct_answers_pass_with_one_line(CORRECT)


def test_catalogue_covers_every_exercise():
    assert {m.exercise for m in MISTAKES} == set(NAMES)
    assert len(MISTAKES) >= 18 and len({m.id for m in mistakes.CATALOGUE}) == len(mistakes.CATALOGUE)


def test_output_layer_mask_is_named():
    def forward_propagation_with_dropout(X, parameters, keep_prob, seed):
        AL, caches = dl_utils.forward_propagation_with_dropout(X, parameters, keep_prob, seed)
        return AL, caches[:-1] + [(caches[-1][0], np.ones(AL.shape, bool))]

    with pytest.raises(AssertionError, match=r"caches\[1\] \(layer 2\)\[1\] is an ndarray, expected None"):
        checks.forward_propagation_with_dropout(forward_propagation_with_dropout)


@pytest.mark.parametrize("name", NAMES)
def test_hand_computed_values_agree_with_the_reference(name):
    exercise = checks.exercise(name)
    assert exercise.reference is getattr(dl_utils, name)
    for case in exercise.hand:
        got = exercise.reference(*copy.deepcopy(list(case.args.values())))
        assert same(got, case.expected, case.tol), case.label


ODD_RETURNS = [None, "x", 3, [], (), {}, np.zeros(3), np.zeros((1, 1)), (None, None), 1j, (np.zeros((1, 2)), "c"),
               (np.zeros((1, 2)), [None, None]), float("nan"), {"dW1": None}]


@pytest.mark.parametrize("name", NAMES)
def test_any_odd_return_gives_an_assertion_error_never_a_crash(name, capsys):
    for returned in ODD_RETURNS:
        with pytest.raises(AssertionError):
            getattr(checks, name)(lambda *args, returned=returned, **kwargs: returned)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("name", NAMES)
def test_docstring_and_export(name):
    doc = getattr(checks, name).__doc__
    assert f"``{name}``" in doc and "keep_prob 1" in doc and name in checks.__all__


@pytest.mark.parametrize("draw", ["rng.random(A.shape) > 1 - keep_prob", "rng.binomial(1, keep_prob, A.shape)",
                                  "np.random.default_rng(seed + l).random(A.shape) < keep_prob"])
def test_a_mask_drawn_otherwise_is_told_the_draw_the_check_requires(draw):
    # The exercise prescribes the draw; a mask as random but drawn otherwise gets that said, not "AL is wrong".
    namespace = {"np": np, "linear_activation_forward": linear_activation_forward}
    exec("def forward_propagation_with_dropout(X, parameters, keep_prob, seed):\n"
         "    rng = np.random.default_rng(seed)\n"
         "    L, A, caches = len(parameters) // 2, X, []\n"
         "    for l in range(1, L):\n"
         "        A, cache = linear_activation_forward(A, parameters[f'W{l}'], parameters[f'b{l}'], 'relu')\n"
         f"        D = {draw}\n"
         "        A = A * D / keep_prob\n"
         "        caches.append((cache, D))\n"
         "    AL, cache = linear_activation_forward(A, parameters[f'W{L}'], parameters[f'b{L}'], 'sigmoid')\n"
         "    return AL, caches + [(cache, None)]\n", namespace)
    with pytest.raises(AssertionError) as failure:
        checks.forward_propagation_with_dropout(namespace["forward_propagation_with_dropout"])
    message = str(failure.value)
    assert "is a mask of 0s and 1s, but not the one drawn from the seed" in message
    assert "draw the mask with D = rng.random(A.shape) < keep_prob" in message


def test_2_lambd_over_m_is_not_told_it_forgot_m():
    # In the hand case m = 2, so 2 * lambd / m is lambd, what forgetting m gives: the hint must hold on every case.
    def backward_propagation_with_regularization(AL, Y, caches, lambd):
        grads = L_model_backward(AL, Y, caches)
        for l in range(1, len(caches) + 1):
            grads[f"dW{l}"] = grads[f"dW{l}"] + 2 * lambd / Y.shape[1] * caches[l - 1][0][1]
        return grads

    with pytest.raises(AssertionError) as failure:
        checks.backward_propagation_with_regularization(backward_propagation_with_regularization)
    message = str(failure.value)
    assert "did you forget to divide by m" not in message and "not 2 * lambd / m * W" in message


def test_square_of_the_sum_is_not_told_about_the_last_layer():
    def compute_cost_with_regularization(AL, Y, parameters, lambd):
        L, m = len(parameters) // 2, Y.shape[1]
        penalty = sum(np.sum(parameters[f"W{l}"]) ** 2 for l in range(1, L + 1))
        return dl_utils.compute_cost(AL, Y) + lambd / (2 * m) * penalty

    with pytest.raises(AssertionError) as failure:
        checks.compute_cost_with_regularization(compute_cost_with_regularization)
    message = str(failure.value)
    assert "not only the last layer's" not in message and "not np.sum(W) ** 2" in message


def test_the_references_own_underflow_is_not_blamed_on_the_learner():
    # compute_cost clips with np.nextafter, which underflows harmlessly; numpy ignores underflow by default.
    def compute_cost_with_regularization(AL, Y, parameters, lambd):
        return dl_utils.compute_cost(AL, Y) + 1.0

    with pytest.raises(AssertionError) as failure:
        checks.compute_cost_with_regularization(compute_cost_with_regularization)
    assert "underflow" not in str(failure.value) and "numpy warned" not in str(failure.value)
