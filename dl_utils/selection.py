"""Choosing a model's settings on the validation split: parameter counts and validation curves."""

import numpy as np

from ._validate import layers_dims as _check_layers_dims
from .cost import compute_cost
from .forward import L_model_forward
from .model import L_layer_model


def parameter_count(layers_dims):
    """Return the number of weights and biases of a network, ``sum(n_l * (n_{l-1} + 1))``.

    Parameters
    ----------
    layers_dims : list of int
        ``[n_x, n_1, ..., n_L]``.

    Returns
    -------
    count : int
        ``W1`` has ``n_1 * n_x`` entries and ``b1`` has ``n_1``, and so on for every layer;
        e.g. ``[64, 16, 1]`` has ``16 * 65 + 1 * 17 = 1057``.
    """
    dims = _check_layers_dims(layers_dims)
    return sum(n * (n_prev + 1) for n_prev, n in zip(dims, dims[1:], strict=False))


def validation_curve(X, Y, X_val, Y_val, layers_dims, learning_rate, iterations, seed=0):
    """Cost and accuracy on the training and validation sets after each number of iterations.

    Each entry of ``iterations`` is its own ``L_layer_model`` run from the same ``seed``; gradient
    descent is deterministic, so it is the state a longer run passes through at that iteration.
    Accuracy is the share of examples with ``(AL > 0.5) == Y``.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Training inputs.
    Y : ndarray of shape (1, m)
        Training labels, 0 or 1.
    X_val : ndarray of shape (n_x, m_val)
        Validation inputs (never trained on).
    Y_val : ndarray of shape (1, m_val)
        Validation labels.
    layers_dims : list of int
        ``[n_x, n_1, ..., 1]``.
    learning_rate : float
        Step size of gradient descent.
    iterations : sequence of int
        Numbers of gradient steps, each at least 1, in increasing order.
    seed : int, default 0
        Seed of the initialization.

    Returns
    -------
    history : dict of str to list of float
        ``"iterations"``, ``"train_cost"``, ``"val_cost"``, ``"train_accuracy"``, ``"val_accuracy"``,
        one entry per number of iterations. A run that diverges (``L_layer_model`` raises
        ``FloatingPointError``) gives nan in all four, and so do the longer ones.
    """
    iterations = [int(i) for i in iterations]
    if not iterations or iterations[0] < 1 or any(b <= a for a, b in zip(iterations, iterations[1:], strict=False)):
        raise ValueError(f"iterations must be increasing whole numbers, each at least 1, got {iterations}")
    history = {key: [] for key in ("iterations", "train_cost", "val_cost", "train_accuracy", "val_accuracy")}
    diverged = False
    for num_iterations in iterations:
        if not diverged:
            try:
                parameters, _ = L_layer_model(X, Y, layers_dims, learning_rate=learning_rate,
                                              num_iterations=num_iterations, seed=seed)
            except FloatingPointError:
                diverged = True
        history["iterations"].append(num_iterations)
        for split, (A, B) in (("train", (X, Y)), ("val", (X_val, Y_val))):
            if diverged:
                cost = accuracy = float("nan")
            else:
                AL, _ = L_model_forward(A, parameters)
                cost, accuracy = compute_cost(AL, B), float(np.mean((AL > 0.5) == B))
            history[f"{split}_cost"].append(float(cost))
            history[f"{split}_accuracy"].append(accuracy)
    return history
