"""Mistakes in notebook 07's exercises, ``centered_difference`` and ``relative_error``, in the common catalogue.

A ``theta`` changed in place and never restored is not listed: the runner reports any change
to an argument by itself, before the values are compared.
"""

import numpy as np

from .mistakes import CATALOGUE, EQUATIONS, mistake

CD, RE = "centered_difference", "relative_error"


def _nudged(theta, i, epsilon):
    plus, minus = theta.astype(np.float64), theta.astype(np.float64)
    plus[i, 0] += epsilon
    minus[i, 0] -= epsilon
    return plus, minus


@mistake(CD, "that is a one-sided (forward) difference, (J(theta + epsilon) - J(theta)) / epsilon, accurate only to "
         "about epsilon: take the centered one, (J(theta + epsilon) - J(theta - epsilon)) / (2 * epsilon)")
def cd_forward(J, theta, epsilon=1e-6):
    return np.array([[(J(_nudged(theta, i, epsilon)[0]) - J(theta)) / epsilon] for i in range(theta.shape[0])])


@mistake(CD, "use the epsilon argument: a constant such as 1e-7 written in the formula ignores the epsilon the "
         "caller passes")
def cd_fixed_epsilon(J, theta, epsilon=1e-6):
    return np.array([[(J(p) - J(q)) / (2 * 1e-7)] for p, q in (_nudged(theta, i, 1e-7) for i in range(len(theta)))])


@mistake(CD, "divide by 2 * epsilon: theta + epsilon and theta - epsilon are 2 epsilon apart")
def cd_over_epsilon(J, theta, epsilon=1e-6):
    return np.array([[(J(p) - J(q)) / epsilon] for p, q in (_nudged(theta, i, epsilon) for i in range(len(theta)))])


@mistake(CD, "the wrong sign: J(theta + epsilon) comes first, (J(theta + epsilon) - J(theta - epsilon)) / "
         "(2 * epsilon)")
def cd_minus_first(J, theta, epsilon=1e-6):
    return np.array([[(J(q) - J(p)) / (2 * epsilon)] for p, q in (_nudged(theta, i, epsilon) for i in
                                                                 range(len(theta)))])


@mistake(CD, "every entry got the same value: nudge one entry at a time (plus[i, 0] += epsilon), not the whole "
         "vector (theta + epsilon)")
def cd_all_at_once(J, theta, epsilon=1e-6):
    value = (J(theta + epsilon) - J(theta - epsilon)) / (2 * epsilon)
    return np.full(theta.shape, value)


@mistake(CD, "the nudges pile up: make fresh copies theta_plus = theta.copy() and theta_minus = theta.copy() inside "
         "the loop, for each entry, so only entry i is nudged")
def cd_copies_outside_loop(J, theta, epsilon=1e-6):
    plus, minus, gradapprox = theta.astype(np.float64), theta.astype(np.float64), np.zeros(theta.shape)
    for i in range(theta.shape[0]):
        plus[i, 0] += epsilon
        minus[i, 0] -= epsilon
        gradapprox[i, 0] = (J(plus) - J(minus)) / (2 * epsilon)
    return gradapprox


@mistake(RE, "when both gradients are exactly zero they agree: return 0.0 there instead of dividing 0 by 0")
def re_zero_over_zero(grad, gradapprox):
    with np.errstate(invalid="ignore"):
        return float(np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox)))


@mistake(RE, "divide by the size of the gradients, np.linalg.norm(grad) + np.linalg.norm(gradapprox): the "
         "difference alone depends on their scale")
def re_no_denominator(grad, gradapprox):
    return float(np.linalg.norm(grad - gradapprox))


@mistake(RE, "the denominator is the sum of the two norms, np.linalg.norm(grad) + np.linalg.norm(gradapprox), "
         "not the norm of the sum")
def re_norm_of_sum(grad, gradapprox):
    return float(np.linalg.norm(grad - gradapprox) / np.linalg.norm(grad + gradapprox))


@mistake(RE, "divide by both norms, np.linalg.norm(grad) + np.linalg.norm(gradapprox), not by np.linalg.norm(grad) "
         "alone")
def re_grad_norm_only(grad, gradapprox):
    return float(np.linalg.norm(grad - gradapprox) / np.linalg.norm(grad))


@mistake(RE, "a norm is the square root of the sum of squares: use np.linalg.norm, not np.sum(x ** 2)")
def re_squared_norms(grad, gradapprox):
    return float(np.sum((grad - gradapprox) ** 2) / (np.sum(grad**2) + np.sum(gradapprox**2)))


@mistake(RE, "the relative error is one number for the whole vectors: np.linalg.norm(grad - gradapprox), not "
         "np.abs(...) entry by entry")
def re_entry_by_entry(grad, gradapprox):
    return np.abs(grad - gradapprox) / (np.abs(grad) + np.abs(gradapprox) + 1e-300)


@mistake(CD, "that is a one-sided (backward) difference, (J(theta) - J(theta - epsilon)) / epsilon, accurate only to "
         "about epsilon: take the centered one, (J(theta + epsilon) - J(theta - epsilon)) / (2 * epsilon)")
def cd_backward(J, theta, epsilon=1e-6):
    return np.array([[(J(theta) - J(_nudged(theta, i, epsilon)[1])) / epsilon] for i in range(theta.shape[0])])


@mistake(CD, "x / 2 * epsilon divides by 2, then multiplies by epsilon: write / (2 * epsilon), with the brackets")
def cd_precedence(J, theta, epsilon=1e-6):
    return np.array([[(J(p) - J(q)) / 2 * epsilon] for p, q in (_nudged(theta, i, epsilon) for i in
                                                               range(len(theta)))])


def _guarded(fn):
    # The same mistake by a learner who returns 0.0 for two zero gradients, as the exercise asks.
    def guarded(grad, gradapprox):
        return 0.0 if not np.any(grad) and not np.any(gradapprox) else fn(grad, gradapprox)

    guarded.__name__ = fn.__name__ + "_guarded"
    return guarded


def _norms(norm):
    def relative_error(grad, gradapprox):
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(norm(grad - gradapprox) / (norm(grad) + norm(gradapprox)))

    return relative_error


L1 = ("the relative error uses the Euclidean (L2) norm, np.linalg.norm(x): np.sum(np.abs(x)) is the L1 norm, which "
      "gives another number")
MAX_NORM = ("the relative error uses the Euclidean (L2) norm, np.linalg.norm(x): np.max(np.abs(x)) is the max norm, "
            "which gives another number")


def _l1(x):
    return np.sum(np.abs(x))


def _max(x):
    return np.max(np.abs(x))


for _fn, _hint in [(_norms(_l1), L1), (_norms(_max), MAX_NORM)]:
    mistake(RE, _hint, id=f"re_{'l1' if _hint is L1 else 'max'}_norm")(_fn)
    mistake(RE, _hint, id=f"re_{'l1' if _hint is L1 else 'max'}_norm_guarded")(_guarded(_fn))
for _entry in [m for m in CATALOGUE if m.exercise == RE and m.id in (
        "re_no_denominator", "re_norm_of_sum", "re_grad_norm_only", "re_squared_norms", "re_entry_by_entry")]:
    mistake(RE, _entry.hint, id=_entry.id + "_guarded")(_guarded(_entry.fn))


EQUATIONS.update({
    CD: "gradapprox[i] = (J(theta_plus) - J(theta_minus)) / (2 * epsilon), theta_plus and theta_minus copies of "
        "theta with entry i alone moved by +epsilon and -epsilon; e.g. J = theta**2 at theta = 3, epsilon = 0.1: "
        "(9.61 - 8.41) / 0.2 = 6",
    RE: "difference = ||grad - gradapprox|| / (||grad|| + ||gradapprox||), ||x|| = np.linalg.norm(x), one float, "
        "0.0 when both are zero; e.g. grad = [[3], [4]], gradapprox = [[0], [0]]: 5 / (5 + 0) = 1.0",
})


@mistake(CD, "every entry is 0: J saw the same theta twice; theta_plus = theta and theta_minus = theta give one array "
         "two more names, and the nudges cancel: make copies, theta_plus = theta.copy() (or gradapprox was never "
         "filled in)")
def cd_aliased(J, theta, epsilon=1e-6):
    return np.zeros(theta.shape)


MAX_OF_NORMS = ("the denominator is the sum of the two norms, np.linalg.norm(grad) + np.linalg.norm(gradapprox), "
                "not the larger of them")


def re_max_of_norms(grad, gradapprox):
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.linalg.norm(grad - gradapprox) / max(np.linalg.norm(grad), np.linalg.norm(gradapprox)))


mistake(RE, MAX_OF_NORMS)(re_max_of_norms)
mistake(RE, MAX_OF_NORMS, id="re_max_of_norms_guarded")(_guarded(re_max_of_norms))
