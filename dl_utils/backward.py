"""Step 4: backward propagation, one linear step, one activation, then the whole network.

Scale convention (the lecture notes'): ``dA`` and ``dZ`` are gradients of the loss of
each example, ``dA = dL/dA`` column by column; the average over the ``m`` examples,
the ``1/m`` of the cost ``J``, enters where the examples are summed, in ``dW`` and
``db``. So ``dW`` and ``db`` are exactly ``dJ/dW`` and ``dJ/db``, while ``dA`` is
``m * dJ/dA``.
"""

import numpy as np

from ._validate import activation_name, as_matrix, same_shape
from .activations import relu_backward, sigmoid_backward


def linear_backward(dZ, cache):
    """Backward step of the linear part of a layer.

    .. math::
        dW^{[l]} = \\frac{1}{m} dZ^{[l]} A^{[l-1]T}, \\quad
        db^{[l]} = \\frac{1}{m} \\sum_{i=1}^{m} dZ^{[l](i)}, \\quad
        dA^{[l-1]} = W^{[l]T} dZ^{[l]}

    Parameters
    ----------
    dZ : ndarray of shape (n_l, m)
        Gradient of the loss with respect to ``Z`` of this layer.
    cache : tuple
        ``linear_cache = (A_prev, W, b)`` from :func:`linear_forward`, with ``A_prev``
        of shape (n_prev, m), ``W`` of shape (n_l, n_prev), ``b`` of shape (n_l, 1).

    Returns
    -------
    dA_prev : ndarray of shape (n_prev, m)
        Gradient with respect to the previous layer's activations.
    dW : ndarray of shape (n_l, n_prev)
        Gradient of the cost with respect to ``W``.
    db : ndarray of shape (n_l, 1)
        Gradient of the cost with respect to ``b``.
    """
    A_prev, W, _ = _linear_cache(cache)
    dZ = as_matrix("dZ", dZ)
    expected = (W.shape[0], A_prev.shape[1])
    if dZ.shape != expected:
        raise ValueError(f"dZ must have shape (n_l, m) = {expected} to match the cache, got {dZ.shape}")
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """Backward step of one layer: through the activation, :math:`dZ = dA * g'(Z)`, then the linear part.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
        Gradient of the loss with respect to this layer's activations.
    cache : tuple
        ``((A_prev, W, b), Z)`` from :func:`linear_activation_forward`.
    activation : {'relu', 'sigmoid'}
        The activation used in the forward pass.

    Returns
    -------
    dA_prev : ndarray of shape (n_prev, m)
    dW : ndarray of shape (n_l, n_prev)
    db : ndarray of shape (n_l, 1)
    """
    g_backward = {"relu": relu_backward, "sigmoid": sigmoid_backward}[activation_name(activation)]
    linear_cache, activation_cache = _layer_cache(cache)
    dZ = g_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    """Backward pass of the L-layer network (L-1 ReLU layers, then a sigmoid output).

    The output layer starts from :math:`dZ^{[L]} = A^{[L]} - Y`, which is what
    :math:`dA^{[L]} \\, \\sigma'(Z^{[L]})` simplifies to with
    :math:`dA^{[L]} = -\\left(\\frac{Y}{A^{[L]}} - \\frac{1 - Y}{1 - A^{[L]}}\\right)`. The
    simplified form is exact even when the output saturates (``AL`` exactly 0 or 1),
    where the unsimplified one divides by zero.

    Parameters
    ----------
    AL : ndarray of shape (1, m)
        Output of :func:`L_model_forward`.
    Y : ndarray of shape (1, m)
        True labels, 0 or 1.
    caches : list of L tuples
        Layer caches from :func:`L_model_forward`.

    Returns
    -------
    grads : dict
        ``dA0, ..., dA{L-1}`` (shapes of ``A0 = X, ..., A{L-1}``), ``dW1, ..., dWL`` and
        ``db1, ..., dbL`` (shapes of the matching parameters).
    """
    AL, Y = as_matrix("AL", AL), as_matrix("Y", Y)
    same_shape("Y", Y, "AL", AL)
    if not isinstance(caches, (list, tuple)) or not caches:
        raise ValueError("caches must be the non-empty list of layer caches returned by L_model_forward")
    L = len(caches)
    grads = {}
    dZ = AL - Y.astype(AL.dtype, copy=False)
    linear_cache, _ = _layer_cache(caches[L - 1])
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, linear_cache)
    for l in reversed(range(1, L)):
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            grads[f"dA{l}"], caches[l - 1], "relu"
        )
    return grads


def _layer_cache(cache):
    if not (isinstance(cache, tuple) and len(cache) == 2):
        raise ValueError("a layer cache must be the pair ((A_prev, W, b), Z) made by linear_activation_forward")
    return cache


def _linear_cache(cache):
    if not (isinstance(cache, tuple) and len(cache) == 3):
        raise ValueError("a linear cache must be the triple (A_prev, W, b) made by linear_forward")
    return tuple(as_matrix(name, a) for name, a in zip(("A_prev", "W", "b"), cache, strict=True))
