"""Mistakes in notebook 11's exercises, ``softmax``, ``compute_cost_softmax`` and ``one_hot``, in the common catalogue.

The checks' cases are laid out so that each mistake first fails on an input where it is
told apart from the others (see :mod:`.cases_11_multiclass`): moderate logits for the wrong axis,
the wrong normalisation, the wrong scale and the binary cost; logits near 1000 for a
missing max shift; a column whose probabilities round to exactly 0 for ``log`` of an
unclipped softmax. Where two mistakes both give NaN on one input, the one that fails on
fewer inputs comes first here, since the engine quotes the first mistake that matches.
"""

import numpy as np

from .. import multiclass as mc
from .mistakes import EQUATIONS, mistake

SM, COST, OH = "softmax", "compute_cost_softmax", "one_hot"


def _probabilities(Z):
    return mc.softmax(Z)[0]


# -- softmax ---------------------------------------------------------------------------------------

@mistake(SM, "softmax normalises each column (one example, its C classes): use axis=0 in np.max and np.sum, "
         "not axis=1, which mixes the examples of one class")
def sm_rows(Z):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True), Z


@mistake(SM, "np.exp overflows for large logits (e**1000 is inf, and inf / inf is NaN): subtract each column's "
         "max first, np.exp(Z - np.max(Z, axis=0, keepdims=True)); softmax does not change when a constant is "
         "subtracted from a column")
def sm_no_max_shift(Z):
    E = np.exp(Z)
    return E / np.sum(E, axis=0, keepdims=True), Z


SHIFT = ("subtract each column's own max, np.max(Z, axis=0, keepdims=True): then every exponent is <= 0 and the "
         "largest is exactly 0; shifted by {what}, a column whose logits spread over more than 709 still gets an "
         "exponent above 709 (inf) or all below -745 (0 / 0)")


def _shifted(Z, shift):
    with np.errstate(over="ignore", invalid="ignore"):
        E = np.exp(Z - shift)
        return E / np.sum(E, axis=0, keepdims=True), Z


@mistake(SM, SHIFT.format(what="the column's min"))
def sm_min_shift(Z):
    return _shifted(Z, np.min(Z, axis=0, keepdims=True))


@mistake(SM, SHIFT.format(what="the column's mean"))
def sm_mean_shift(Z):
    return _shifted(Z, np.mean(Z, axis=0, keepdims=True))


@mistake(SM, SHIFT.format(what="the first row, Z[0]"))
def sm_first_row_shift(Z):
    return _shifted(Z, Z[0:1, :])


@mistake(SM, "subtract each column's own max, np.max(Z, axis=0, keepdims=True): one max for the whole array "
         "leaves columns far below it to underflow to exp(...) = 0, and 0 / 0 is NaN")
def sm_global_max(Z):
    E = np.exp(Z - np.max(Z))
    return E / np.sum(E, axis=0, keepdims=True), Z


def _divided_by(Z, total):
    # The shift and the exponent right, then E divided by total(E) instead of each column's own sum.
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / total(E), Z


@mistake(SM, "np.sum(E) adds up the whole array: divide each column by its own sum, np.sum(E, axis=0, "
         "keepdims=True), so that every column sums to 1")
def sm_sum_everything(Z):
    return _divided_by(Z, np.sum)


@mistake(SM, "the max is taken down each column, but the sum along each row (axis=1, across the examples): sum "
         "down each column too, np.sum(E, axis=0, keepdims=True), so that every column sums to 1")
def sm_sum_rows(Z):
    with np.errstate(over="ignore", invalid="ignore"):  # the rows' sums of a wide case may overflow
        return _divided_by(Z, lambda E: np.sum(E, axis=1, keepdims=True))


@mistake(SM, "the max is taken along each row (axis=1, across the examples), the sum down each column: take both "
         "down each column, np.exp(Z - np.max(Z, axis=0, keepdims=True))")
def sm_max_rows(Z):
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
        return E / np.sum(E, axis=0, keepdims=True), Z


@mistake(SM, "the cache is Z, the input, as relu and sigmoid keep it: return A, Z")
def sm_cache_A(Z):
    A = _probabilities(Z)
    return A, A


@mistake(SM, "return the pair (A, cache) with cache = Z, as relu and sigmoid do")
def sm_no_cache(Z):
    return _probabilities(Z)


# -- compute_cost_softmax ----------------------------------------------------------------------------

@mistake(COST, "the cost is m times too large: divide the sum by m = Y.shape[1], the number of examples")
def cost_sm_no_1_over_m(ZL, Y):
    return float(-np.sum(Y * mc.log_softmax(ZL)))


@mistake(COST, "np.mean over the whole (C, m) array also divides by the C classes: sum over the classes, then "
         "average over the m examples, -np.sum(Y * log_A) / m")
def cost_sm_mean_over_classes(ZL, Y):
    return float(-np.mean(Y * mc.log_softmax(ZL)))


@mistake(COST, "these are the m losses of the examples, one each: average them over the examples into one "
         "number, -np.sum(Y * log_A) / m")
def cost_sm_per_example(ZL, Y):
    return -np.sum(Y * mc.log_softmax(ZL), axis=0)


@mistake(COST, "a probability that rounds to 0 gives np.log(0) = -inf, and 0 * -inf is NaN: compute log-softmax, "
         "ZL - max - np.log(np.sum(np.exp(ZL - max), axis=0)), or clip A before the log")
def cost_sm_log_unclipped(ZL, Y):
    return float(-np.sum(Y * np.log(_probabilities(ZL))) / Y.shape[1])


@mistake(COST, "np.exp overflows for large logits (e**1000 is inf, and inf / inf is NaN): subtract each column's "
         "max before np.exp")
def cost_sm_no_max_shift(ZL, Y):
    E = np.exp(ZL)
    return float(-np.sum(Y * np.log(E / np.sum(E, axis=0, keepdims=True))) / Y.shape[1])


@mistake(COST, "that is the sigmoid's binary cross-entropy: with softmax the cost is -1/m sum Y log(A) only; the "
         "wrong classes already count through the normalisation of A")
def cost_sm_binary(ZL, Y):
    A = _probabilities(ZL)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / Y.shape[1])


@mistake(COST, "the log-softmax normalises each column, one example: take the max and the log of the sum of "
         "exponents down each column, axis=0, not along each row (axis=1, across the examples)")
def cost_sm_log_softmax_rows(ZL, Y):
    shifted = ZL - np.max(ZL, axis=1, keepdims=True)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        log_A = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        return float(-np.sum(Y * log_A) / Y.shape[1])


@mistake(COST, "the cost takes the logits ZL: apply softmax first (or use log-softmax, ZL - max - "
         "log(sum(exp(ZL - max)))), not np.log(ZL)")
def cost_sm_log_of_logits(ZL, Y):
    return float(-np.sum(Y * np.log(ZL)) / Y.shape[1])


# -- one_hot ---------------------------------------------------------------------------------------

@mistake(OH, "Y has one row per class and one column per example, (C, m): np.eye(C)[y] is (m, C), transpose it")
def oh_transposed(y, num_classes):
    return np.eye(num_classes)[y.ravel()]


FLATTEN = "y has shape (1, m): index with the 1-D array of its labels, y[0] or y.ravel(), to get (C, m)"


@mistake(OH, "set one entry per column, the label's row in that example's column: Y[y[0], np.arange(m)] = 1; "
         "Y[y[0]] = 1 fills the whole row of every label")
def oh_whole_rows(y, num_classes):
    Y = np.zeros((num_classes, y.shape[1]))
    Y[y[0].astype(int)] = 1
    return Y


@mistake(OH, FLATTEN)
def oh_not_flattened(y, num_classes):
    return np.eye(num_classes)[y].T


@mistake(OH, FLATTEN)
def oh_columns_not_flattened(y, num_classes):
    return np.eye(num_classes)[:, y]


@mistake(OH, "use num_classes for C: y.max() + 1 is smaller when the last classes are absent from y")
def oh_classes_from_labels(y, num_classes):
    return mc.one_hot(y, int(y.max()) + 1)


@mistake(OH, "labels are 0..C-1 and label k sets row k: no -1 (row -1 is the last row, so label 0 lands there)")
def oh_minus_one(y, num_classes):
    return np.eye(num_classes)[:, y.ravel() - 1]


@mistake(COST, "the cost is -1/m times the sum of Y log(A): did you drop the minus sign? log(A) <= 0, so the cost "
         "is >= 0")
def cost_sm_no_minus(ZL, Y):
    return float(np.sum(Y * mc.log_softmax(ZL)) / Y.shape[1])


@mistake(OH, "y.squeeze() turns a (1, 1) y, one example, into a 0-d array, and np.eye(C)[:, y.squeeze()] into a "
         "1-D (C,): index with the 1-D array of the labels, y[0] or y.ravel(), to get (C, m) for every m")
def oh_squeeze(y, num_classes):
    return np.eye(num_classes)[:, y.squeeze()]


EQUATIONS.update({
    SM: "A = np.exp(Z - M) / np.sum(np.exp(Z - M), axis=0, keepdims=True), M = np.max(Z, axis=0, keepdims=True); "
        "return A, Z; e.g. the column [0, ln 3, 0] gives [1, 3, 1] / 5",
    COST: "J = -1/m * np.sum(Y * log(softmax(ZL))), one float; e.g. one example whose class has probability 0.5: "
          "J = -log 0.5 = 0.693",
    OH: "Y = np.zeros((num_classes, m)); Y[y[0, i], i] = 1.0 for each example i: shape (C, m), float; e.g. "
        "y = [[2, 0]], C = 3 give [[0, 1], [0, 0], [1, 0]]",
})


@mistake(SM, "divide each column by its own sum, np.sum(E, axis=0, keepdims=True), not by its max: then the column "
         "sums to 1")
def sm_over_max(Z):
    return _divided_by(Z, lambda E: np.max(E, axis=0, keepdims=True))


@mistake(SM, "softmax is np.exp(Z - max) divided by the column's sum: the sigmoid of each entry, 1 / (1 + "
         "np.exp(-Z)), does not make a column sum to 1")
def sm_sigmoid(Z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-Z)), Z


@mistake(COST, "the cost takes the log of the probabilities, -1/m * np.sum(Y * np.log(A)), not the probabilities "
         "themselves")
def cost_sm_no_log(ZL, Y):
    return float(-np.sum(Y * _probabilities(ZL)) / Y.shape[1])


@mistake(COST, "the sum is divided by the number of classes C, not the number of examples m: m = Y.shape[1], the "
         "columns (Y.shape[0] is C), and a mean over the classes (np.mean after np.sum(..., axis=1)) divides by C "
         "too: -np.sum(Y * log_A) / m")
def cost_sm_m_rows(ZL, Y):
    return float(-np.sum(Y * mc.log_softmax(ZL)) / Y.shape[0])


@mistake(COST, "the cost is one number: sum over the classes and the examples, -np.sum(Y * log_A) / m; "
         "np.sum(..., axis=1) leaves one value per class")
def cost_sm_per_class(ZL, Y):
    return -np.sum(Y * mc.log_softmax(ZL), axis=1) / Y.shape[1]
