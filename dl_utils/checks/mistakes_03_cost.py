"""Mistakes in notebook 03's exercise, ``compute_cost``, in the common catalogue."""

import numpy as np

from .mistakes import EQUATIONS, mistake


def _terms(AL, Y):
    return np.sum(Y * np.log(AL)), np.sum((1 - Y) * np.log(1 - AL))


@mistake("compute_cost", "the -1/m multiplies only the first term: put both terms in the brackets, "
         "-1/m * (term1 + term2) (the lecture notes have this bug)")
def cost_notes_bug(AL, Y):
    m = Y.shape[1]
    return float(np.squeeze((-1 / m) * np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)))


@mistake("compute_cost", "the cost must be positive: did you drop the minus sign in -1/m?")
def cost_no_minus(AL, Y):
    return float(sum(_terms(AL, Y)) / Y.shape[1])


@mistake("compute_cost", "the cost is m times too large: did you forget the 1/m (sum instead of mean), take "
         "m = Y.shape[0], which is 1, instead of Y.shape[1], or write -1 // m, integer division, which is -1 for "
         "every m > 1, instead of -1 / m?")
def cost_no_1_over_m(AL, Y):
    return float(-sum(_terms(AL, Y)))


@mistake("compute_cost", "log(AL) goes with Y and log(1 - AL) with (1 - Y): are they swapped?")
def cost_logs_swapped(AL, Y):
    return float(-np.sum(Y * np.log(1 - AL) + (1 - Y) * np.log(AL)) / Y.shape[1])


@mistake("compute_cost", "the cross-entropy uses the natural log np.log, not np.log10")
def cost_log10(AL, Y):
    return float(-np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL)) / Y.shape[1])


@mistake("compute_cost", "the cross-entropy has two terms: Y log(AL) + (1 - Y) log(1 - AL); the second one is "
         "what penalises wrong predictions on the examples with label 0")
def cost_one_term(AL, Y):
    return float(-np.sum(Y * np.log(AL)) / Y.shape[1])


@mistake("compute_cost", "use float(cost) or np.squeeze(cost)")
def cost_shape_11(AL, Y):
    return -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / Y.shape[1]


OUTSIDE_SUM = ("the second term, (1 - Y) * np.log(1 - AL), stayed outside np.sum (an array, one value per example, "
               "which float() or np.squeeze() cannot make one number): put both terms in the sum and the -1/m in "
               "front of it all, -1/m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) (the lecture notes' "
               "bracket is in the wrong place)")


def _outside_sum(AL, Y):
    return -1 / Y.shape[1] * np.sum(Y * np.log(AL)) + (1 - Y) * np.log(1 - AL)


@mistake("compute_cost", OUTSIDE_SUM)
def cost_notes_elementwise(AL, Y):
    return _outside_sum(AL, Y)


@mistake("compute_cost", OUTSIDE_SUM)
def cost_notes_elementwise_float(AL, Y):
    return float(_outside_sum(AL, Y))


@mistake("compute_cost", OUTSIDE_SUM)
def cost_notes_elementwise_squeezed(AL, Y):
    return np.squeeze(_outside_sum(AL, Y))


Y_T_BROADCAST = ("Y.T * np.log(AL) multiplies a column (m, 1) by a row (1, m), which numpy broadcasts into an (m, m) "
                 "table of every pair of examples: multiply entry by entry, Y * np.log(AL), or take the matrix "
                 "product np.dot(Y, np.log(AL).T)")


@mistake("compute_cost", Y_T_BROADCAST)
def cost_Y_T_broadcast(AL, Y):
    return float(-1 / Y.shape[1] * np.sum(Y.T * np.log(AL) + (1 - Y).T * np.log(1 - AL)))


@mistake("compute_cost", Y_T_BROADCAST)
def cost_Y_T_broadcast_first_term(AL, Y):
    return float(-1 / Y.shape[1] * np.sum(Y.T * np.log(AL) + (1 - Y) * np.log(1 - AL)))


DOT_NO_T = ("np.dot(Y, np.log(AL)) multiplies a row (1, m) by a row (1, m), which has no matrix product: transpose the "
            "second, np.dot(Y, np.log(AL).T), or multiply entry by entry and sum, np.sum(Y * np.log(AL))")


@mistake("compute_cost", DOT_NO_T)
def cost_dot_no_transpose(AL, Y):
    return float(np.squeeze(-1 / Y.shape[1] * (np.dot(Y, np.log(AL)) + np.dot(1 - Y, np.log(1 - AL)))))


@mistake("compute_cost", DOT_NO_T)
def cost_matmul_no_transpose(AL, Y):
    return float(np.squeeze(-1 / Y.shape[1] * (Y @ np.log(AL) + (1 - Y) @ np.log(1 - AL))))


EQUATIONS["compute_cost"] = ("J = -1/m * sum over the m examples of [Y log(AL) + (1 - Y) log(1 - AL)], one float; "
                             "e.g. AL = [[0.8, 0.4]], Y = [[1, 0]]: J = -(log 0.8 + log 0.6) / 2 = 0.367")
