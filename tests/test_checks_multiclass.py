"""The checks of notebook 11 (softmax, compute_cost_softmax, one_hot): correct answers written in
several ways pass with one line and nothing on stderr; each catalogued mistake fails with its hint."""

import copy

import numpy as np
import pytest
from answers import assert_passes_with_one_line

import dl_utils
from dl_utils import checks
from dl_utils.checks import mistakes
from dl_utils.checks._compare import FLOAT32, same
from dl_utils.checks._engine import Case

NAMES = [name for name in checks.EXERCISE_NAMES if checks.exercise(name).notebook == "11_multiclass.ipynb"]
MINE = [m for m in mistakes.CATALOGUE if m.exercise in NAMES]


# -- correct variants ------------------------------------------------------------------------------

def softmax_logsumexp(Z):
    # exp(Z - logsumexp(Z)), the log-sum-exp written out with the max shift.
    M = np.amax(Z, axis=0)
    return np.exp(Z - (M + np.log(np.sum(np.exp(Z - M), axis=0)))), Z


def softmax_loop_einsum(Z):
    # One column at a time, the sum with einsum, and no keepdims (a (m,) row broadcasts over the columns).
    A = np.empty(Z.shape, dtype=np.result_type(Z, np.float32))
    for i in range(Z.shape[1]):
        e = np.exp(Z[:, i] - Z[:, i].max())
        A[:, i] = e / np.einsum("k->", e)
    return A, Z


def softmax_scipy(Z):
    special = pytest.importorskip("scipy.special")
    return special.softmax(Z, axis=0), Z


def cost_log_clipped(ZL, Y):
    # The log of a softmax clipped away from 0, as in many courses.
    A = softmax_logsumexp(ZL)[0]
    m = Y.shape[1]
    return -1 / m * np.sum(Y * np.log(np.clip(A, 1e-12, 1.0)))


def cost_true_class_only(ZL, Y):
    # Only the true class's log-probability, picked with the argmax of Y; np.mean over the examples.
    shifted = ZL - ZL.max(axis=0)
    log_A = shifted - np.log(np.exp(shifted).sum(axis=0))
    y = np.argmax(Y, axis=0)
    return np.array(-np.mean(log_A[y, np.arange(Y.shape[1])]))


def cost_einsum(ZL, Y):
    A = np.exp(ZL - ZL.max(axis=0, keepdims=True))
    A = A / A.sum(axis=0, keepdims=True)
    return np.squeeze(-np.einsum("km,km->", Y, np.log(np.maximum(A, np.finfo(A.dtype).tiny))) / Y.shape[1])


def one_hot_eye(y, num_classes):
    return np.eye(num_classes)[y.ravel()].T


def one_hot_loop(y, num_classes):
    Y = np.zeros((num_classes, y.shape[1]))  # float, as the exercise asks (dtype=int: tests/wrong_answers.py)
    for i, label in enumerate(y[0]):
        Y[label, i] = 1
    return Y


def one_hot_compare(y, num_classes):
    return (np.arange(num_classes).reshape(-1, 1) == y).astype(float)  # bool alone: tests/wrong_answers.py


CORRECT = {
    "softmax": [softmax_logsumexp, softmax_loop_einsum, softmax_scipy],
    "compute_cost_softmax": [cost_log_clipped, cost_true_class_only, cost_einsum],
    "one_hot": [one_hot_eye, one_hot_loop, one_hot_compare],
}


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("fn", [v for n in NAMES for v in CORRECT[n]], ids=lambda fn: fn.__name__)
def test_correct_answers_pass_with_one_line(fn, hidden, capsys):
    # (the references themselves: tests/test_checks.py, with the note that they score 0 when graded)
    name = next(n for n in NAMES if fn in CORRECT[n])
    assert_passes_with_one_line(name, fn, hidden, capsys)


# -- mistakes --------------------------------------------------------------------------------------

def test_every_exercise_has_its_mistakes():
    assert {m.exercise for m in MINE} == set(NAMES)
    assert all(sum(m.exercise == n for m in MINE) >= 5 for n in NAMES)


def test_no_max_shift_names_the_overflow_and_the_case():
    message = str(pytest.raises(AssertionError, checks.softmax, _by_id("sm_no_max_shift")).value)
    assert "A contains NaN" in message and "overflow encountered in exp" in message
    assert "the hand-computed case: Z (3, 4)" in message


@pytest.mark.parametrize("axes", [(1, 0), (None, 0)], ids=["max along the rows", "one max for all"])
def test_a_nan_in_a_narrow_column_is_blamed_on_another_columns_shift_not_on_a_spread(axes):
    # Column 0 of the hand case spans 0 to ln 3: shifted by its own max or not at all it is finite. Its NaN
    # comes from a max taken across the columns (1000, another column's), which the message must say, not
    # explain by a spread over 709 this column does not have.
    max_axis, sum_axis = axes

    def softmax(Z):
        E = np.exp(Z - np.max(Z, axis=max_axis, keepdims=True))
        return E / np.sum(E, axis=sum_axis, keepdims=True), Z

    message = str(pytest.raises(AssertionError, checks.softmax, softmax).value)
    assert "the logits of column 0 span 0 to 1.09861" in message, message
    assert "shifted by another column's value" in message and "spread over more than 709" not in message, message


def test_a_cost_averaged_over_the_classes_is_told_it_divides_by_C():
    # np.mean over the classes after a sum over the examples gives the same number as dividing by Y.shape[0]:
    # the hint names both ways of dividing by C.
    def compute_cost_softmax(ZL, Y):
        shifted = ZL - np.max(ZL, axis=0, keepdims=True)
        log_A = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
        return float(-np.mean(np.sum(Y * log_A, axis=1)))

    message = str(pytest.raises(AssertionError, checks.compute_cost_softmax, compute_cost_softmax).value)
    assert "divided by the number of classes C" in message and "a mean over the classes" in message, message


def test_unclipped_log_fails_on_the_saturated_case_only():
    message = str(pytest.raises(AssertionError, checks.compute_cost_softmax, _by_id("cost_sm_log_unclipped")).value)
    assert "a probability that rounds to 0" in message and "divide by zero encountered in log" in message


def test_one_hot_transposed_says_rows_and_columns_are_swapped():
    message = str(pytest.raises(AssertionError, checks.one_hot, _by_id("oh_transposed")).value)
    assert "Y has shape (5, 4), expected (4, 5): rows and columns are swapped" in message


def _by_id(mistake_id):
    return next(m.fn for m in MINE if m.id == mistake_id)


# -- the cases themselves --------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_hand_computed_values_agree_with_the_reference(name):
    exercise = checks.exercise(name)
    assert exercise.reference is getattr(dl_utils, name)
    for case in exercise.hand + [c for c in exercise.hidden if isinstance(c, Case)]:
        got = exercise.reference(*copy.deepcopy(list(case.args.values())))
        assert same(got, case.expected, case.tol), case.label


@pytest.mark.parametrize("name", NAMES)
def test_cases_are_seeded_and_the_hidden_ones_differ_in_values_not_in_classes(name):
    first, again = checks.exercise(name).cases(), checks.exercise(name).cases()
    assert all(same(a.args, b.args, a.tol) for a, b in zip(first, again, strict=True))
    hidden = checks.exercise(name).cases("hidden")
    # The visible ones hold every class of input the hidden ones test: one example, float32, two classes.
    for kind in (lambda case: case.m == 1, lambda case: case.tol == FLOAT32, lambda case: len(case.args) and next(
            iter(case.args.values())).shape[0] == 2):
        assert {kind(case) for case in hidden} <= {kind(case) for case in first}


def test_the_saturated_cases_really_saturate():
    # The cases meant for log(0) must contain probabilities that round to exactly 0 (and no overflow).
    saturated = [c for c in checks.exercise("compute_cost_softmax").cases()
                 + checks.exercise("compute_cost_softmax").cases("hidden")
                 if np.any(dl_utils.softmax(c.args["ZL"])[0] == 0)]
    assert len(saturated) == 2


def test_clipping_agrees_with_log_softmax_on_every_case():
    # Clipping caps the loss of a confidently wrong prediction: no case may contain one.
    for hidden in (False, True):
        for case in checks.exercise("compute_cost_softmax").cases("hidden" if hidden else "visible"):
            assert same(cost_log_clipped(**case.args), case.expected, case.tol), case.label


SHIFTS = {
    "no shift": lambda Z: 0,
    "column min": lambda Z: np.min(Z, axis=0, keepdims=True),
    "column mean": lambda Z: np.mean(Z, axis=0, keepdims=True),
    "column median": lambda Z: np.median(Z, axis=0, keepdims=True),
    "first row": lambda Z: Z[:1],
    "last row": lambda Z: Z[-1:],
    "global max": lambda Z: np.max(Z),
    "max minus 10": lambda Z: np.max(Z, axis=0, keepdims=True) - 10,  # fine: exponents at most 10
}


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("shift", SHIFTS, ids=list(SHIFTS))
def test_every_unstable_softmax_fails_naming_the_max_shift(shift, hidden, capsys):
    # The class, not the instances: whatever is subtracted, unless it keeps every exponent below 709 and one
    # above -745 in every column, some case has a column whose logits spread over more than 709 and gives NaN.
    def softmax(Z):
        E = np.exp(Z - SHIFTS[shift](Z))
        return E / np.sum(E, axis=0, keepdims=True), Z

    if shift == "max minus 10":
        checks.softmax(softmax, hidden=hidden)
        assert capsys.readouterr().out == f"softmax: all {'hidden ' if hidden else ''}checks passed.\n"
        return
    message = str(pytest.raises(AssertionError, checks.softmax, softmax, hidden=hidden).value)
    assert "subtract" in message and "np.max(Z, axis=0, keepdims=True)" in message and "709" in message


def test_the_visible_cases_have_logits_near_1000_and_columns_spread_over_709():
    # Notebook 11 says "the check feeds your function logits near 1000"; the wide columns make it bite.
    Zs = [case.args["Z"] for case in checks.exercise("softmax").cases()]
    assert any(np.any(np.abs(Z - 1000) < 5) for Z in Zs)
    assert any(np.any(np.ptp(Z, axis=0) > 709) for Z in Zs)
    hidden_Zs = [c.args["Z"] for c in checks.exercise("softmax").cases("hidden")]
    assert any(np.any(np.ptp(Z, axis=0) > 709) for Z in hidden_Zs)
