"""Step 3: the cross-entropy cost of the network's output."""

import numpy as np

from ._validate import as_matrix, same_shape


def compute_cost(AL, Y):
    """Cross-entropy cost, averaged over the examples.

    .. math::
        J = -\\frac{1}{m} \\sum_{i=1}^{m} \\left[ y^{(i)} \\log a^{[L](i)}
            + (1 - y^{(i)}) \\log\\left(1 - a^{[L](i)}\\right) \\right]

    A saturated output (``AL`` exactly 0 or 1, which float rounding of the sigmoid
    produces for large ``|Z|``) would give ``log(0)``. ``AL`` is clipped to the
    open interval between the smallest positive (subnormal) float and the largest
    float below 1, so the cost stays finite and is exact wherever ``0 < AL < 1``.

    Parameters
    ----------
    AL : ndarray of shape (1, m)
        Probabilities predicted by the network, in [0, 1].
    Y : ndarray of shape (1, m)
        True labels, 0 or 1.

    Returns
    -------
    cost : float
        The cost ``J``.
    """
    AL, Y = as_matrix("AL", AL), as_matrix("Y", Y)
    same_shape("Y", Y, "AL", AL)
    if not np.issubdtype(AL.dtype, np.floating):
        AL = AL.astype(np.float64)
    if np.any((AL < 0) | (AL > 1)):
        raise ValueError(
            "AL must hold probabilities in [0, 1], got values from "
            f"{AL.min():.4g} to {AL.max():.4g}: did you pass Z instead of A = sigmoid(Z)?"
        )
    # The lower bound is the smallest subnormal, not finfo.tiny: sigmoid(Z) for Z < -708 is subnormal
    # and its log must stay exact (log of a subnormal is finite and raises no warning).
    zero, one = AL.dtype.type(0), AL.dtype.type(1)
    A = np.clip(AL, np.nextafter(zero, one), np.nextafter(one, zero))
    m = Y.shape[1]
    return float(-(np.sum(Y * np.log(A)) + np.sum((1 - Y) * np.log1p(-A))) / m)
