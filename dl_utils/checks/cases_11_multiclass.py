"""The checks of notebook 11's exercises, ``softmax``, ``compute_cost_softmax`` and ``one_hot``, on the common engine.

The hand-computed cases use logits built from logarithms, so each softmax is a fraction:
the column ``[0, ln 3, 0]`` gives ``[1, 3, 1] / 5`` and ``[ln 2, 0, ln 5]`` gives
``[2, 1, 5] / 8``. Adding 1000 to a column changes nothing mathematically but overflows
``np.exp`` without the max shift; columns whose logits spread over more than 709 (``[0, 800, 0]``)
overflow or underflow every shift but the column's own max (its min, mean or first row, or no shift
at all): any NaN in a result is named as that. Every correct formulation passes (max shift per column,
``scipy.special.softmax``, log-softmax or the log of a clipped softmax): the cases never ask
for the loss of a confidently wrong prediction, where clipping caps the loss.
"""

import numpy as np

from .. import multiclass as mc
from ._compare import Mismatch, check_array, check_tuple, returns_number
from ._engine import Exercise, by_hand, floats

LN2, LN3, LN5 = np.log(2.0), np.log(3.0), np.log(5.0)
RESULT = "the returned value"


# softmax of each column of Z (3, 4):
#   [0, ln3, 0]                 -> [1, 3, 1] / 5 = [0.2, 0.6, 0.2]
#   [ln2, 0, ln5]               -> [2, 1, 5] / 8 = [0.25, 0.125, 0.625]
#   [1000, 1000 + ln3, 1000]    -> the first column plus 1000: the same [0.2, 0.6, 0.2]
#   [-1, -1, -1]                -> [1/3, 1/3, 1/3]
Z_HAND = floats([[0, LN2, 1000, -1], [LN3, 0, 1000 + LN3, -1], [0, LN5, 1000, -1]])
A_HAND = floats([[0.2, 0.25, 0.2, 1 / 3], [0.6, 0.125, 0.6, 1 / 3], [0.2, 0.625, 0.2, 1 / 3]])
# Columns whose logits spread over more than 709 (e**709.8 is the largest float64): only the max shift keeps
# every exponent finite. [-2200, 0, ln3] -> [e**-2200, 1, 3] / 4 = [0, 1/4, 3/4] (e**-2200 rounds to 0);
# [0, 800, 0] -> [e**-800, 1, e**-800] = [0, 1, 0]; [-1000, -1000, -1000 + ln3] -> [1, 1, 3] / 5;
# [800, 0, 0] -> [1, 0, 0]. Shifted by the column's min, mean or first row, or not at all, some exponent
# is above 709 (inf) or every exponent is below -745 (0 / 0): NaN. Each wrong shift fails on its own
# columns (min: 1, 2, 4; mean: 1; first row: 1, 2; none: 3), so the checks tell them apart.
Z_WIDE = floats([[-2200, 0, -1000, 800], [0, 800, -1000, 0], [LN3, 0, -1000 + LN3, 0]])
A_WIDE = floats([[0, 0, 0.2, 1], [0.25, 1, 0.2, 0], [0.75, 0, 0.6, 0]])

# compute_cost_softmax, moderate logits, labels y = [1, 2, 0, 2] (so Y is one-hot of those):
#   losses -ln A[y_i, i] = -ln 0.6, -ln 0.625, -ln 0.2, -ln(1/3) = ln(5/3), ln(8/5), ln 5, ln 3
#   J = (ln(5/3) + ln(8/5) + ln 5 + ln 3) / 4 = ln(5/3 * 8/5 * 5 * 3) / 4 = ln(40) / 4 = 0.922219...
ZL_HAND = floats([[0, LN2, 0, -1], [LN3, 0, LN3, -1], [0, LN5, 0, -1]])
# Large logits: the columns [0, ln3, 0] and [ln2, 0, ln5] plus 1000, labels [1, 2]:
#   J = (ln(5/3) + ln(8/5)) / 2 = ln(8/3) / 2 = 0.490415...
ZL_LARGE = floats([[1000, 1000 + LN2], [1000 + LN3, 1000], [1000, 1000 + LN5]])
# Saturated: the column [0, 800, 0] with label 1 has softmax [e^-800, 1, e^-800], which rounds to
# [0, 1, 0]; its loss is ln(1 + 2 e^-800) = 0 in float64. With [0, ln3, 0], label 1: J = (0 + ln(5/3)) / 2.
ZL_SATURATED = floats([[0, 0], [800, LN3], [0, 0]])


def _one_hot(labels, num_classes):
    return (np.arange(num_classes).reshape(-1, 1) == np.array(labels).reshape(1, -1)).astype(np.float64)


def _logits(rng, C, m, dtype, offsets=0.0):
    # offsets: a number added to every logit, or one per column (large logits, columns far apart).
    return (3 * rng.standard_normal((C, m)) + offsets).astype(dtype)


def _saturated(rng, dtype, C, m):
    # Columns where the true class's logit is 800 above the others: softmax rounds to exactly 0 and 1.
    ZL = _logits(rng, C, m, np.float64)
    labels = rng.integers(0, C, m)
    ZL[labels, np.arange(m)] += np.where(np.arange(m) % 2 == 0, 800.0, 0.0)
    return {"ZL": ZL.astype(dtype), "Y": _one_hot(labels, C).astype(dtype)}


def _wide(rng, dtype, C, m):
    # In every column one class 1500 above the others, in a random row, and the column moved by up to 1000:
    # a spread of 1500 within each column, which only the shift by each column's own max survives.
    Z = _logits(rng, C, m, np.float64, rng.uniform(-1000, 1000, (1, m)))
    Z[rng.integers(0, C, m), np.arange(m)] += 1500
    return {"Z": Z.astype(dtype)}


def _softmax_inputs(rng, dtype, C, m, offsets=0.0):
    return {"Z": _logits(rng, C, m, dtype, offsets)}


def _cost_inputs(rng, dtype, C, m, offsets=0.0):
    return {"ZL": _logits(rng, C, m, dtype, offsets), "Y": _one_hot(rng.integers(0, C, m), C).astype(dtype)}


def _labels(rng, dtype, C, m):
    return {"y": rng.integers(0, C, (1, m)).astype(dtype), "num_classes": C}


def _spread(C, m):
    # One offset per column, from -1000 to 1000: no shift overflows the top columns, one shift for the
    # whole array underflows the bottom ones; the columns in between are fine for both.
    return np.linspace(-1000, 1000, m).reshape(1, m) + np.zeros((C, 1))


UNSTABLE = ("np.exp overflowed or underflowed: e**x is inf above x = 709.8 and 0 below -745, so a column whose "
            "logits spread over more than 709 gives inf / inf or 0 / 0 = NaN unless its largest logit is subtracted: "
            "np.exp(Z - np.max(Z, axis=0, keepdims=True)), each column's own max (not its min, mean or first row, "
            "which leave exponents above 709)")
# A NaN in a column whose logits are all within 709 of 0 and of each other: np.exp of them, shifted by its own
# max or not at all, is finite and not all 0, so its exponents were shifted by another column's value, or
# summed with other columns'.
NOT_ITS_OWN = ("np.exp of these stays within the float range (inf above 709.8, 0 below -745) with the column's own "
               "max subtracted, or nothing: this column was shifted by another column's value or summed with other "
               "columns': subtract each column's own max and sum down each column, axis=0, "
               "np.exp(Z - np.max(Z, axis=0, keepdims=True)) / np.sum(..., axis=0, keepdims=True) (axis=1 runs "
               "along a row, across the examples; np.max(Z) is one max for the whole array)")
SPREAD_LIMIT = 709.0


def _compare_softmax(got, case):
    A, cache = check_tuple(RESULT, got, ("A", "cache"))
    expected = case.expected[0]
    if isinstance(A, np.ndarray) and A.shape == expected.shape and _numeric_array(A):
        with np.errstate(all="ignore"):
            bad = ~np.isfinite(A)
        if np.any(bad):  # every column of every case has a finite softmax: a NaN is an unstable formula, whatever it is
            i, j = (int(k) for k in np.argwhere(bad)[0])
            column = case.args["Z"][:, j].astype(np.float64)
            low, high = float(column.min()), float(column.max())
            why = UNSTABLE if max(high - low, abs(low), abs(high)) > SPREAD_LIMIT else NOT_ITS_OWN
            raise Mismatch(f"A contains NaN or inf (first at index {(i, j)}: {A[i, j]}), expected finite values; "
                           f"the logits of column {j} span {low:.6g} to {high:.6g}: {why}")
    check_array("A", A, expected, case.tol)
    check_array("cache (Z)", cache, case.expected[1], case.tol)


def _compare_one_hot(got, case):
    """``Y`` as the exercise asks: the right 0s and 1s, and float, as its text says (np.eye's float64)."""
    check_array("Y", got, case.expected, case.tol)
    if not np.issubdtype(got.dtype, np.floating):
        raise Mismatch(f"Y has dtype {got.dtype}, expected float, as the exercise asks: "
                       f"{NOT_FLOAT.get(got.dtype.kind, 'make it float with .astype(float)')}")


NOT_FLOAT = {"b": "a comparison gives True and False, which .astype(float) turns into 1.0 and 0.0",
             "i": "np.zeros((num_classes, m)) is float; with dtype=int it holds ints: leave out the dtype, or "
                  ".astype(float)",
             "u": "np.zeros((num_classes, m)) is float; with an unsigned dtype it holds ints: .astype(float)"}


def _numeric_array(a):
    return np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)


# Random cases: (seed, (C, m[, offsets])[, dtype[, make]]). The hidden ones: logits far from 0 again (an offset of
# 1000, columns spread from -1000 to 1000, in every column one class 1500 above the others), one example, two
# classes, float32, many classes and examples.
def _wide_by_hand(label):
    return by_hand({"Z": Z_WIDE}, (A_WIDE, Z_WIDE), f"{label} with logits spread over more than 709")


FLOAT32 = [(10, (3, 5), np.float32), (11, (10, 4), np.float32)]
EDGES = [(20, (4, 1)), (21, (2, 6)), (22, (10, 200))]
# The same classes among the visible cases, with other values: one example, two classes, float32.
VISIBLE_EDGES = [(4, (4, 1)), (5, (2, 6)), (6, (3, 5), np.float32)]
EXERCISES = [
    Exercise("softmax", mc.softmax, _softmax_inputs, _compare_softmax,
             [by_hand({"Z": Z_HAND}, (A_HAND, Z_HAND)), _wide_by_hand("the hand-computed case")],
             [(1, (3, 5)), (2, (10, 4)), (3, (4, 6), np.float64, _wide), *VISIBLE_EDGES],
             [(23, (4, 6, 1000.0)), _wide_by_hand("a hidden case"),
              (24, (5, 9, _spread(5, 9))), (25, (3, 8), np.float64, _wide), (26, (2, 5), np.float64, _wide),
              *FLOAT32, *EDGES],
             hidden_doc="(one example, two classes, float32 logits, many classes, logits far from 0)"),
    Exercise("compute_cost_softmax", mc.compute_cost_softmax, _cost_inputs, returns_number("cost", per_example=True),
             [by_hand({"ZL": ZL_HAND, "Y": _one_hot([1, 2, 0, 2], 3)}, np.log(40) / 4),
              by_hand({"ZL": ZL_LARGE, "Y": _one_hot([1, 2], 3)}, np.log(8 / 3) / 2,
                    "the hand-computed case with large logits (near 1000)"),
              by_hand({"ZL": ZL_SATURATED, "Y": _one_hot([1, 1], 3)}, np.log(5 / 3) / 2,
                    "the hand-computed case with a probability that rounds to 0")],
             [(1, (3, 5)), (2, (10, 4)), *VISIBLE_EDGES],
             [(23, (4, 6, 1000.0)), (24, (5, 8), np.float64, _saturated), *FLOAT32, *EDGES],
             hidden_doc="(one example, two classes, float32 logits, many classes, saturated outputs)",
             uses=("softmax",)),
    # Labels are integers, int64 as load_dataset gives them (int32 in one hidden case).
    # y = [2, 0, 1, 1, 0] with C = 4 (class 3 absent): column i has its 1 in row y[i].
    Exercise("one_hot", mc.one_hot, _labels, _compare_one_hot,
             [by_hand({"y": np.array([[2, 0, 1, 1, 0]]), "num_classes": 4},
                    floats([[0, 1, 0, 0, 1], [0, 0, 1, 1, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]]))],
             # Visible: one example too, the class of input a hidden case tests (y (1, 1): y.squeeze() is 0-d).
             [(1, (3, 7), np.int64), (2, (10, 6), np.int64), (3, (4, 1), np.int64)],
             [(20, (4, 6), np.int64), (21, (3, 1), np.int64), (22, (2, 9), np.int64), (23, (10, 200), np.int32)],
             hidden_doc="(one example, two classes, int32 labels, many examples)"),
]
