"""More than two classes: a softmax output layer, the categorical cross-entropy, one-hot labels.

The network is the course's L-layer network with its last layer changed: L-1 ReLU layers
(the course's ``linear_activation_forward`` and ``linear_activation_backward``), then a
linear layer of ``C`` units followed by softmax, one probability per class::

    A[L] = softmax(Z[L]),   A[L][k, i] = exp(Z[L][k, i]) / sum_j exp(Z[L][j, i])

Labels ``y`` of shape (1, m) with values 0..C-1 become one-hot columns ``Y`` of shape (C, m).
The cost is the categorical cross-entropy ``J = -1/m sum_i sum_k Y[k, i] log A[L][k, i]``,
computed from the logits ``Z[L]`` so that it stays exact and finite when a probability
rounds to 0. Its gradient with respect to ``Z[L]`` is ``A[L] - Y`` per example, the same
expression as for sigmoid with the binary cross-entropy, so the course's
``L_model_backward`` serves unchanged (see :func:`L_model_backward_softmax`).
"""

import numpy as np

from ._threads import small_blas
from ._validate import as_matrix, as_number, num_layers, same_shape
from .backward import L_model_backward
from .forward import linear_activation_forward, linear_forward
from .initialize import initialize_parameters_deep
from .model import _model_inputs, _record_cost
from .update import update_parameters


def softmax(Z):
    """Softmax over each column, :math:`A_{k} = e^{Z_{k}} / \\sum_{j} e^{Z_{j}}`.

    Each column's largest entry is subtracted before the exponential. Softmax does not
    change when a constant is added to a column, so the result is the same, but now
    every exponent is <= 0: ``exp`` cannot overflow (``e^{710}`` is inf in float64, and
    inf / inf is NaN) and the largest term is exactly 1, so the sum is at least 1.

    Parameters
    ----------
    Z : ndarray of shape (C, m)
        Logits, one column per example, one row per class.

    Returns
    -------
    A : ndarray of shape (C, m)
        Probabilities: each column is >= 0 and sums to 1. Same float dtype as ``Z``
        (float64 for integer ``Z``).
    cache : ndarray of shape (C, m)
        ``Z``, kept for the backward pass, as ``relu`` and ``sigmoid`` do.
    """
    Z = as_matrix("Z", Z)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True), Z


def log_softmax(Z):
    """Logarithm of the softmax of each column, :math:`\\log A_k = Z_k - \\log \\sum_j e^{Z_j}`.

    Computed as ``(Z - max) - log(sum(exp(Z - max)))``: finite for every finite ``Z``,
    even where the softmax itself rounds to 0 (``log(0)`` would be ``-inf``).

    Parameters
    ----------
    Z : ndarray of shape (C, m)
        Logits.

    Returns
    -------
    log_A : ndarray of shape (C, m)
        Every entry <= 0.
    """
    Z = as_matrix("Z", Z)
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def one_hot(y, num_classes):
    """One-hot columns from integer labels: ``Y[k, i] = 1`` if ``y[0, i] == k``, else 0.

    Parameters
    ----------
    y : ndarray of int of shape (1, m)
        Labels 0..num_classes-1.
    num_classes : int
        ``C``, the number of classes (a class may be absent from ``y``).

    Returns
    -------
    Y : ndarray of float64 of shape (C, m)
        Exactly one 1 in each column.
    """
    y = as_matrix("y", y)
    if y.shape[0] != 1:
        raise ValueError(f"y must have shape (1, m), one label per column, got {y.shape}")
    num_classes = as_number("num_classes", num_classes, 1, whole=True)
    if y.size and (not np.all(y == np.round(y)) or y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"y must hold whole numbers 0..{num_classes - 1} (num_classes={num_classes}), "
                         f"got values from {y.min()} to {y.max()}")
    return (np.arange(num_classes).reshape(-1, 1) == y).astype(np.float64)


def compute_cost_softmax(ZL, Y):
    """Categorical cross-entropy of the softmax of the logits ``ZL``, averaged over the examples.

    .. math::
        J = -\\frac{1}{m} \\sum_{i=1}^{m} \\sum_{k=1}^{C} Y_{k}^{(i)} \\log \\mathrm{softmax}(Z^{[L](i)})_{k}

    The logarithm is taken with :func:`log_softmax`, never as ``log(softmax(ZL))``: when one
    logit of a column exceeds another by more than about 745, that class's probability rounds
    to exactly 0, ``log(0)`` is ``-inf`` and ``0 * -inf`` is NaN, even though the loss is
    finite (and exactly what log-softmax gives). Clipping the probability before the log
    also keeps the cost finite, but caps the loss of a confidently wrong prediction.

    Parameters
    ----------
    ZL : ndarray of shape (C, m)
        Logits of the output layer (its ``Z``, before softmax).
    Y : ndarray of shape (C, m)
        One-hot labels (see :func:`one_hot`).

    Returns
    -------
    cost : float
        The cost ``J`` >= 0.
    """
    ZL, Y = as_matrix("ZL", ZL), as_matrix("Y", Y)
    same_shape("Y", Y, "ZL", ZL)
    if not (np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=0) == 1)):
        raise ValueError("Y must be one-hot: 0s and 1s with exactly one 1 in each column; "
                         "turn labels of shape (1, m) into Y with one_hot(y, num_classes)")
    m = Y.shape[1]
    return float(-np.sum(Y * log_softmax(ZL)) / m)


def L_model_forward_softmax(X, parameters):
    """Forward pass with a softmax output: L-1 ReLU layers, then a linear layer and softmax.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Inputs, one example per column.
    parameters : dict
        ``W1, b1, ..., WL, bL``, with ``WL`` of shape (C, n_{L-1}).

    Returns
    -------
    AL : ndarray of shape (C, m)
        Probability of each class for each example.
    caches : list of L tuples
        The layer caches ``((A_prev, W, b), Z)``, layer 1 first; the last one's ``Z`` is
        the logits ``ZL`` that :func:`compute_cost_softmax` takes.
    """
    L = num_layers(parameters)
    A = as_matrix("X", X)
    caches = []
    for l in range(1, L + 1):
        try:
            if l < L:
                A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
            else:
                ZL, linear_cache = linear_forward(A, parameters[f"W{l}"], parameters[f"b{l}"])
                A, activation_cache = softmax(ZL)
                cache = (linear_cache, activation_cache)
        except ValueError as error:
            raise ValueError(f"layer {l} (W{l}, b{l}): {error}") from None
        caches.append(cache)
    return A, caches


def L_model_backward_softmax(AL, Y, caches):
    """Backward pass of the softmax network: the course's ``L_model_backward``, unchanged.

    For one example, with :math:`a = \\mathrm{softmax}(z)` and one-hot :math:`y`, the loss is
    :math:`\\ell = -\\sum_k y_k \\log a_k = -\\sum_k y_k z_k + \\log \\sum_j e^{z_j}`, so

    .. math::
        \\frac{\\partial \\ell}{\\partial z_k} = -y_k + \\frac{e^{z_k}}{\\sum_j e^{z_j}} = a_k - y_k,
        \\qquad dZ^{[L]} = A^{[L]} - Y.

    That is the same ``dZ[L]`` as sigmoid with the binary cross-entropy, and
    ``L_model_backward`` starts from ``dZ = AL - Y`` then runs ``linear_backward`` and the
    ReLU layers, so it computes exactly these gradients for any number of output rows.

    Parameters
    ----------
    AL : ndarray of shape (C, m)
        Output of :func:`L_model_forward_softmax`.
    Y : ndarray of shape (C, m)
        One-hot labels.
    caches : list of L tuples
        Layer caches from :func:`L_model_forward_softmax`.

    Returns
    -------
    grads : dict
        ``dA0, ..., dA{L-1}``, ``dW1, ..., dWL``, ``db1, ..., dbL``, with the course's scale
        convention (``dW``, ``db`` are exactly ``dJ/dW``, ``dJ/db``).
    """
    return L_model_backward(AL, Y, caches)


@small_blas
def softmax_model(X, Y, layers_dims, learning_rate=0.5, num_iterations=500, print_cost=False, seed=0):
    """Train an L-layer network with a softmax output by full-batch gradient descent.

    One iteration is :func:`L_model_forward_softmax`, :func:`compute_cost_softmax` (from the
    last layer's logits), :func:`L_model_backward_softmax` and ``update_parameters``.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Training inputs.
    Y : ndarray of shape (C, m)
        One-hot training labels.
    layers_dims : list of int
        ``[n_x, n_1, ..., C]``.
    learning_rate : float, default 0.5
    num_iterations : int, default 500
    print_cost : bool, default False
        Print the cost every 100 iterations and after the last one.
    seed : int or numpy.random.Generator, default 0
        Randomness of ``initialize_parameters_deep``.

    Returns
    -------
    parameters : dict
        The trained ``W1, b1, ..., WL, bL``.
    costs : list of float
        The cost at iterations 0, 100, ... and at the last one (as ``L_layer_model`` records it).

    Raises
    ------
    FloatingPointError
        If the cost stops being a finite number (training diverged).
    """
    X, Y, dims = _model_inputs(X, Y, layers_dims)
    if Y.shape != (dims[-1], X.shape[1]):
        raise ValueError(f"Y must have shape (C, m) = ({dims[-1]}, {X.shape[1]}) for layers_dims {dims} and "
                         f"X {X.shape}, got {Y.shape}: make it with one_hot(y, {dims[-1]})")
    parameters = initialize_parameters_deep(dims, seed=seed)
    costs = []
    for i in range(num_iterations):
        AL, caches = L_model_forward_softmax(X, parameters)
        cost = compute_cost_softmax(caches[-1][1], Y)
        _record_cost(costs, cost, i, num_iterations, learning_rate, print_cost)
        parameters = update_parameters(parameters, L_model_backward_softmax(AL, Y, caches), learning_rate)
    return parameters, costs


def predict_softmax(X, parameters):
    """Predict a class for each example: the row of the largest probability.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    parameters : dict
        Trained ``W1, b1, ..., WL, bL`` of a softmax network.

    Returns
    -------
    predictions : ndarray of int64 of shape (1, m)
        Classes 0..C-1.
    """
    AL, _ = L_model_forward_softmax(X, parameters)
    return np.argmax(AL, axis=0).reshape(1, -1).astype(np.int64)


def confusion_matrix(y_true, y_pred, num_classes):
    """Count the examples of each true class predicted as each class.

    Parameters
    ----------
    y_true, y_pred : ndarray of int of shape (1, m)
        True and predicted classes 0..C-1.
    num_classes : int
        ``C``.

    Returns
    -------
    counts : ndarray of int64 of shape (C, C)
        ``counts[t, p]`` is the number of examples of class ``t`` predicted as ``p``: the
        diagonal holds the correct predictions, each row sums to the size of its class.
    """
    y_true, y_pred = one_hot(y_true, num_classes), one_hot(y_pred, num_classes)
    same_shape("y_pred", y_pred, "y_true", y_true)
    return (y_true @ y_pred.T).astype(np.int64)


def plot_confusion_matrix(counts, classes=None, ax=None):
    """Draw a confusion matrix as a grid of cells shaded by count, each non-zero count written in its cell.

    Parameters
    ----------
    counts : ndarray of int of shape (C, C)
        From :func:`confusion_matrix`: rows are true classes, columns predicted ones.
    classes : list of str, optional
        The names of the classes, for the ticks; default 0..C-1.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.

    Returns
    -------
    ax : matplotlib Axes
    """
    import matplotlib.pyplot as plt

    counts = as_matrix("counts", counts)
    C = counts.shape[0]
    if counts.shape != (C, C):
        raise ValueError(f"counts must be a square (C, C) matrix, got shape {counts.shape}")
    classes = [str(k) for k in range(C)] if classes is None else [str(c) for c in classes]
    if len(classes) != C:
        raise ValueError(f"classes must name the {C} classes, got {len(classes)} names")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    ax.imshow(counts, cmap="Blues")
    threshold = counts.max() / 2
    for t in range(C):
        for p in range(C):
            if counts[t, p]:
                ax.text(p, t, str(int(counts[t, p])), ha="center", va="center", fontsize=9,
                        color="white" if counts[t, p] > threshold else "black")
    ax.set_xticks(range(C), classes)
    ax.set_yticks(range(C), classes)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    return ax
