"""Cost functions with known derivatives, which the checks of notebook 07 pass to a learner's code."""

import numpy as np


class Cubic:
    """``J(theta) = sum(c * theta**3) + (a.T @ theta)**2``, a smooth cost with a readable repr for messages.

    Parameters
    ----------
    c : array_like of shape (n, 1) or scalar
        The cubic term's coefficients.
    a : array_like of shape (n, 1), optional
        The coupling term's vector; None for no coupling.
    """

    def __init__(self, c, a=None):
        self.c, self.a = np.asarray(c, dtype=np.float64), None if a is None else np.asarray(a, dtype=np.float64)

    def __call__(self, theta):
        coupling = 0.0 if self.a is None else float(np.sum(self.a * np.asarray(theta))) ** 2
        return float(np.sum(self.c * np.asarray(theta) ** 3)) + coupling

    def __repr__(self):
        return "J = sum(c * theta**3)" + ("" if self.a is None else " + (a.T @ theta)**2")

    def __getstate__(self):
        return {"c": self.c, "a": self.a}

    def __setstate__(self, state):
        # Rebuilt from plain data that crossed the grader's sandbox: only arrays of numbers are kept.
        self.__init__(state["c"], state.get("a"))
