"""The two activations of the course, ReLU and sigmoid, with their backward steps.

Each forward returns ``(A, cache)`` with ``cache = Z``; each backward takes
``(dA, cache)`` and returns ``dZ = dA * g'(Z)``.
"""

import numpy as np

from ._validate import as_matrix, same_shape


def _sigmoid(Z):
    # 1 / (1 + e^-Z) overflows e^-Z for Z < -709. Written with e^-|Z| <= 1 it never
    # overflows, and it keeps full relative precision for tiny outputs (Z very negative).
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


def sigmoid(Z):
    """Sigmoid activation, :math:`A = \\sigma(Z) = 1 / (1 + e^{-Z})`.

    Parameters
    ----------
    Z : ndarray of shape (n_l, m)
        Pre-activation, any finite values: however negative, no overflow warning.

    Returns
    -------
    A : ndarray of shape (n_l, m)
        Output, strictly in (0, 1) except where it rounds to 0 or 1; same dtype as ``Z``
        (float64 for integer ``Z``).
    cache : ndarray of shape (n_l, m)
        ``Z``, kept for the backward pass.
    """
    Z = np.asarray(Z)
    return _sigmoid(Z), Z


def relu(Z):
    """ReLU activation, :math:`A = \\max(0, Z)`.

    Parameters
    ----------
    Z : ndarray of shape (n_l, m)
        Pre-activation.

    Returns
    -------
    A : ndarray of shape (n_l, m)
        Output, same dtype as ``Z``.
    cache : ndarray of shape (n_l, m)
        ``Z``, kept for the backward pass.
    """
    Z = np.asarray(Z)
    return np.maximum(Z, 0), Z


def _backward_inputs(dA, cache):
    # Both backward steps take dA and the Z of their forward step, as matrices of one shape.
    dA, Z = as_matrix("dA", dA), as_matrix("cache (Z)", cache)
    same_shape("dA", dA, "cache (Z)", Z)
    return dA, Z


def sigmoid_backward(dA, cache):
    """Backward step of the sigmoid, :math:`dZ = dA \\, \\sigma(Z)(1 - \\sigma(Z))`.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
        Gradient of the loss with respect to the activation ``A = sigmoid(Z)``; at the output layer,
        ``dAL = -(Y / AL - (1 - Y) / (1 - AL))`` for the cross-entropy cost.
    cache : ndarray of shape (n_l, m)
        ``Z`` from :func:`sigmoid`: the slope is computed again from it, so the forward pass keeps no ``A``.

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
        ``dA`` times the sigmoid's slope, ``A (1 - A)``, entry by entry.
    """
    dA, Z = _backward_inputs(dA, cache)
    s = _sigmoid(Z)
    return dA * s * (1 - s)


def relu_backward(dA, cache):
    """Backward step of ReLU, :math:`dZ = dA \\cdot 1[Z > 0]` (the slope at 0 is taken as 0).

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
        Gradient of the loss with respect to the activation ``A = relu(Z)``.
    cache : ndarray of shape (n_l, m)
        ``Z`` from :func:`relu`; only its sign is used.

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
        ``dA`` where ``Z > 0``, 0 elsewhere (``Z = 0`` included), in ``dA``'s dtype.
    """
    dA, Z = _backward_inputs(dA, cache)
    return np.where(Z > 0, dA, 0).astype(dA.dtype, copy=False)
