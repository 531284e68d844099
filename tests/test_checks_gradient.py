"""The checks of notebook 07 (centered_difference, relative_error): right answers, however written, pass with
one line; each catalogued mistake fails with its hint; odd answers fail with an AssertionError, never a crash."""

import copy

import numpy as np
import pytest
from answers import correct_answers_pass_with_one_line, mistakes_of

import dl_utils
from dl_utils import checks
from dl_utils.checks import mistakes
from dl_utils.checks._compare import same
from dl_utils.checks._engine import Case

NAMES = [name for name in checks.EXERCISE_NAMES if checks.exercise(name).notebook == "07_gradient_checking.ipynb"]


def cd_identity_columns(J, theta, epsilon=1e-6):
    E = epsilon * np.eye(theta.shape[0])
    return np.array([[(J(theta + E[:, [i]]) - J(theta - E[:, [i]])) / (2 * epsilon)] for i in range(len(E))])


def cd_ng_style(J, theta, epsilon=1e-6):
    gradapprox = []
    for i in range(theta.shape[0]):
        thetaplus = np.copy(theta)
        thetaplus[i][0] = thetaplus[i][0] + epsilon
        thetaminus = np.copy(theta)
        thetaminus[i][0] = thetaminus[i][0] - epsilon
        gradapprox.append((J(thetaplus) - J(thetaminus)) / (2 * epsilon))
    return np.array(gradapprox).reshape(-1, 1)


def cd_nudge_in_place_and_restore(J, theta, epsilon=1e-6):
    gradapprox = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        saved = theta[i, 0]
        theta[i, 0] = saved + epsilon
        plus = J(theta)
        theta[i, 0] = saved - epsilon
        minus = J(theta)
        theta[i, 0] = saved
        gradapprox[i, 0] = (plus - minus) / (2 * epsilon)
    return gradapprox


def cd_nudge_and_undo_by_arithmetic(J, theta, epsilon=1e-6):
    # theta put back by arithmetic, not from a saved value: within an ulp of where it was, not on it.
    gradapprox = np.zeros(theta.shape)
    for i in range(theta.shape[0]):
        theta[i, 0] += epsilon
        plus = J(theta)
        theta[i, 0] -= 2 * epsilon
        minus = J(theta)
        theta[i, 0] += epsilon
        gradapprox[i, 0] = (plus - minus) / (2 * epsilon)
    return gradapprox


def re_sqrt_sum(grad, gradapprox):
    denominator = np.sqrt(np.sum(grad**2)) + np.sqrt(np.sum(gradapprox**2))
    if denominator == 0:
        return 0.0
    return np.sqrt(np.sum((grad - gradapprox) ** 2)) / denominator  # a numpy float64 is a number too


def re_flat_norms(grad, gradapprox):
    numerator = np.linalg.norm(grad.ravel() - gradapprox.ravel())
    denominator = np.linalg.norm(grad.ravel()) + np.linalg.norm(gradapprox.ravel())
    return float(numerator / denominator) if denominator > 0 else 0.0


CORRECT = {
    "centered_difference": [dl_utils.centered_difference, cd_identity_columns, cd_ng_style,
                            cd_nudge_and_undo_by_arithmetic, cd_nudge_in_place_and_restore],
    "relative_error": [dl_utils.relative_error, re_sqrt_sum, re_flat_norms],
}
MISTAKES = mistakes_of(NAMES)
test_correct_answer_passes_with_one_line = correct_answers_pass_with_one_line(CORRECT)


def test_catalogue_has_mistakes_for_both():
    assert {m.exercise for m in MISTAKES} == set(NAMES)
    assert len(MISTAKES) >= 10 and len({m.id for m in mistakes.CATALOGUE}) == len(mistakes.CATALOGUE)


def test_theta_left_changed_is_reported():
    def centered_difference(J, theta, epsilon=1e-6):
        gradapprox = np.zeros_like(theta)
        for i in range(theta.shape[0]):
            theta[i, 0] += epsilon
            plus = J(theta)
            theta[i, 0] -= 2 * epsilon
            gradapprox[i, 0] = (plus - J(theta)) / (2 * epsilon)  # theta[i] is left at theta - epsilon
        return gradapprox

    with pytest.raises(AssertionError, match=r"changed its arguments: theta was changed in place"):
        checks.centered_difference(centered_difference)


def test_zero_over_zero_names_the_case_the_warning_and_the_fix():
    def relative_error(grad, gradapprox):
        return float(np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox)))

    with pytest.raises(AssertionError) as failure:
        checks.relative_error(relative_error)
    message = str(failure.value)
    assert "difference is nan" in message and "(both gradients zero)" in message
    assert "return 0.0 there" in message and "numpy warned: RuntimeWarning" in message


@pytest.mark.parametrize("name", NAMES)
def test_hand_computed_values_agree_with_the_reference(name):
    exercise = checks.exercise(name)
    assert exercise.reference is getattr(dl_utils, name)
    for case in exercise.hand + [c for c in exercise.hidden if isinstance(c, Case)]:
        got = exercise.reference(*copy.deepcopy(list(case.args.values())))
        assert same(got, case.expected, case.tol), case.label


@pytest.mark.parametrize("name", NAMES)
def test_docstring_and_export(name):
    # The contract every check shares (NotImplementedError, odd returns, no crash) is tested over checks.__all__,
    # these names included, in tests/test_checks.py.
    doc = getattr(checks, name).__doc__
    assert f"``{name}``" in doc and "Parameters\n    ----------" in doc and "a single entry" in doc
    assert name in checks.__all__
