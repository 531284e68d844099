"""Notebook 09: L2 regularization and inverted dropout for the L-layer network.

L2 adds :math:`\\frac{\\lambda}{2m} \\sum_l \\lVert W^{[l]} \\rVert_F^2` to the cost (the weights only,
never the biases), so each ``dW`` gains :math:`\\frac{\\lambda}{m} W^{[l]}`: every step shrinks the
weights a little ("weight decay").

Inverted dropout keeps each unit of a hidden layer with probability ``keep_prob`` during training,
:math:`D^{[l]} = (U < p)` with :math:`U` uniform on [0, 1), and scales what is kept,
:math:`A^{[l]} \\leftarrow A^{[l]} * D^{[l]} / p`, so the expected activation is unchanged and nothing
needs rescaling at test time, where dropout is simply off. Never on the input ``X`` or the output
layer. The masks are kept in the caches; the backward pass applies the same masks and scaling.

Dropout caches: ``caches[l - 1] = (layer_cache, D)`` with ``layer_cache = ((A_prev, W, b), Z)`` as
everywhere in the course (``A_prev`` is the activation that really entered layer ``l``, after the
previous layer's dropout) and ``D`` the boolean mask applied to ``A^{[l]}``, of its shape; ``D`` is
None for the output layer ``L``.

Scale convention (the course's): ``dW`` and ``db`` are exactly ``dJ/dW`` and ``dJ/db``.

A softmax output (notebook 11): the backward passes start from ``dZ[L] = AL - Y``, which is the
output layer's gradient for the sigmoid with the binary cross-entropy and for softmax with the
categorical one alike, so they serve both. The forward pass with dropout takes
``output="softmax"``. ``compute_cost_with_regularization`` is the *binary* cross-entropy and
refuses an ``AL`` of more than one row; for softmax, add :func:`l2_penalty` to
``compute_cost_softmax(ZL, Y)``. ``train_regularized`` trains the binary network only.
"""


import numpy as np

from ._threads import small_blas
from ._validate import as_choice, as_matrix, as_number, num_layers, same_shape
from .backward import L_model_backward, _layer_cache, linear_activation_backward, linear_backward
from .cost import compute_cost
from .forward import linear_activation_forward, linear_forward
from .multiclass import softmax
from .update import update_parameters


def _lambd(lambd):
    return as_number("lambd", lambd, 0, what="a number >= 0 (the L2 strength)")


def _keep_prob(keep_prob):
    return as_number("keep_prob", keep_prob, 0, 1, low_open=True,
                     what="a probability in (0, 1] (the share of units kept)")


def l2_penalty(parameters, lambd, m):
    """The L2 term of the cost, :math:`\\frac{\\lambda}{2m} \\sum_{l=1}^{L} \\sum_{k,j} (W^{[l]}_{kj})^2`.

    Parameters
    ----------
    parameters : dict
        ``W1, b1, ..., WL, bL``; only the ``W`` enter.
    lambd : float
        The regularization strength :math:`\\lambda \\ge 0` (``lambda`` is a Python keyword).
    m : int
        The number of examples.

    Returns
    -------
    penalty : float
    """
    L = num_layers(parameters)
    lambd = _lambd(lambd)
    squares = sum(float(np.sum(np.square(as_matrix(f"W{l}", parameters[f"W{l}"])))) for l in range(1, L + 1))
    return lambd / (2 * m) * squares


def compute_cost_with_regularization(AL, Y, parameters, lambd):
    """Cross-entropy cost plus the L2 penalty of the weights.

    .. math::
        J = -\\frac{1}{m} \\sum_{i=1}^{m} \\left[ y^{(i)} \\log a^{[L](i)}
            + (1 - y^{(i)}) \\log(1 - a^{[L](i)}) \\right]
            + \\frac{\\lambda}{2m} \\sum_{l=1}^{L} \\lVert W^{[l]} \\rVert_F^2

    Parameters
    ----------
    AL : ndarray of shape (1, m)
        Probabilities predicted by the network.
    Y : ndarray of shape (1, m)
        True labels, 0 or 1.
    parameters : dict
        ``W1, b1, ..., WL, bL``; the biases are not regularized.
    lambd : float
        The regularization strength :math:`\\lambda \\ge 0`.

    Returns
    -------
    cost : float

    Raises
    ------
    ValueError
        If ``AL`` has more than one row: this is the binary cost of a sigmoid output. For a softmax
        output use ``compute_cost_softmax(ZL, Y) + l2_penalty(parameters, lambd, m)``.
    """
    rows = as_matrix("AL", AL).shape[0]
    if rows != 1:
        raise ValueError(
            f"AL has {rows} rows, expected 1: compute_cost_with_regularization is the binary cross-entropy of "
            "a sigmoid output; for a softmax output use compute_cost_softmax(ZL, Y) + l2_penalty(parameters, "
            "lambd, m)")
    cross_entropy = compute_cost(AL, Y)
    return cross_entropy + l2_penalty(parameters, lambd, as_matrix("Y", Y).shape[1])


def backward_propagation_with_regularization(AL, Y, caches, lambd):
    """Gradients of the L2-regularized cost: ``L_model_backward``'s plus :math:`\\frac{\\lambda}{m} W^{[l]}` in ``dW``.

    .. math::
        dW^{[l]} = \\frac{1}{m} dZ^{[l]} A^{[l-1]T} + \\frac{\\lambda}{m} W^{[l]}, \\quad
        db^{[l]} \\text{ and } dA^{[l-1]} \\text{ unchanged}

    Parameters
    ----------
    AL : ndarray of shape (n_L, m)
        Output of :func:`~dl_utils.L_model_forward` (sigmoid, one row) or of
        :func:`~dl_utils.L_model_forward_softmax` (C rows): both start from ``dZ[L] = AL - Y``.
    Y : ndarray of shape (n_L, m)
        True labels: 0 or 1, or one-hot columns for softmax.
    caches : list of L tuples
        The layer caches ``((A_prev, W, b), Z)``; each ``W`` is read from its cache.
    lambd : float
        The regularization strength :math:`\\lambda \\ge 0`.

    Returns
    -------
    grads : dict
        ``dA0..dA{L-1}``, ``dW1..dWL``, ``db1..dbL``, as :func:`~dl_utils.L_model_backward`'s.
    """
    lambd = _lambd(lambd)
    grads = L_model_backward(AL, Y, caches)
    m = as_matrix("AL", AL).shape[1]
    for l in range(1, len(caches) + 1):
        (_, W, _), _ = _layer_cache(caches[l - 1])
        grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / m * W
    return grads


def forward_propagation_with_dropout(X, parameters, keep_prob, seed, output="sigmoid"):
    """Forward pass with inverted dropout on the hidden layers 1..L-1.

    For :math:`l < L`: :math:`A^{[l]} = \\mathrm{relu}(W^{[l]} A^{[l-1]} + b^{[l]})`, then
    ``D = rng.random(A.shape) < keep_prob`` and ``A = A * D / keep_prob``; the output layer is the
    sigmoid (or softmax), without dropout. One ``rng = np.random.default_rng(seed)`` draws the
    masks, layer 1 first.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Inputs (never dropped out).
    parameters : dict
        ``W1, b1, ..., WL, bL``.
    keep_prob : float in (0, 1]
        Probability of keeping a unit; 1 means no dropout.
    seed : int or numpy.random.Generator
        Source of the masks; a Generator passed in is advanced, so successive calls draw new masks.
    output : {"sigmoid", "softmax"}, default "sigmoid"
        The output layer: the course's sigmoid, or notebook 11's softmax (its cache is then
        ``((A_prev, W, b), ZL)`` as in ``L_model_forward_softmax``).

    Returns
    -------
    AL : ndarray of shape (n_L, m)
        Output of the network (for softmax, each column sums to 1).
    caches : list of L tuples
        ``(((A_prev, W, b), Z), D)``; ``D`` is the bool mask of ``A^{[l]}``, shape (n_l, m), and
        None for the output layer.
    """
    as_choice("output", output, ("sigmoid", "softmax"))
    L = num_layers(parameters)
    keep_prob = _keep_prob(keep_prob)
    rng = np.random.default_rng(seed)
    A, caches = as_matrix("X", X), []
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        D = rng.random(A.shape) < keep_prob
        A = A * D / keep_prob
        caches.append((cache, D))
    if output == "sigmoid":
        AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    else:
        ZL, linear_cache = linear_forward(A, parameters[f"W{L}"], parameters[f"b{L}"])
        AL, activation_cache = softmax(ZL)
        cache = (linear_cache, activation_cache)
    caches.append((cache, None))
    return AL, caches


def backward_propagation_with_dropout(AL, Y, caches, keep_prob):
    """Backward pass through the dropout forward pass: the same masks and scaling, applied to ``dA``.

    .. math::
        dA^{[l]} = d\\tilde{A}^{[l]} * D^{[l]} / p \\quad (l = 1, \\dots, L-1),

    with :math:`d\\tilde{A}^{[l]} = W^{[l+1]T} dZ^{[l+1]}` the gradient for the dropped-out
    :math:`\\tilde{A}^{[l]} = A^{[l]} * D^{[l]} / p` that layer ``l + 1`` used, before the ReLU's backward step.

    Parameters
    ----------
    AL : ndarray of shape (n_L, m)
        Output of :func:`forward_propagation_with_dropout`, sigmoid or softmax (both start from
        ``dZ[L] = AL - Y``).
    Y : ndarray of shape (n_L, m)
        True labels: 0 or 1, or one-hot columns for softmax.
    caches : list of L tuples
        ``(layer_cache, D)`` from :func:`forward_propagation_with_dropout`.
    keep_prob : float in (0, 1]
        The ``keep_prob`` of the forward pass.

    Returns
    -------
    grads : dict
        ``dA0..dA{L-1}`` (``dA{l}`` is the gradient with respect to ``A^{[l]}`` before its dropout,
        already masked and scaled), ``dW1..dWL``, ``db1..dbL``.
    """
    AL, Y = as_matrix("AL", AL), as_matrix("Y", Y)
    same_shape("Y", Y, "AL", AL)
    keep_prob = _keep_prob(keep_prob)
    if not isinstance(caches, (list, tuple)) or not caches:
        raise ValueError("caches must be the non-empty list returned by forward_propagation_with_dropout")
    L = len(caches)
    layer_caches, masks = zip(*(_dropout_cache(c, l) for l, c in enumerate(caches, start=1)), strict=True)
    grads = {}
    (linear_cache, _) = _layer_cache(layer_caches[L - 1])
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y.astype(AL.dtype, copy=False), linear_cache)
    for l in reversed(range(1, L)):
        dA = dA * masks[l - 1] / keep_prob
        grads[f"dA{l}"] = dA
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, layer_caches[l - 1], "relu")
    grads["dA0"] = dA
    return grads


def _dropout_cache(cache, l):
    if not (isinstance(cache, tuple) and len(cache) == 2 and isinstance(cache[0], tuple) and len(cache[0]) == 2):
        raise ValueError(f"caches[{l - 1}] must be the pair (layer_cache, D) made by forward_propagation_with_dropout")
    return cache


@small_blas
def train_regularized(X, Y, layers_dims, learning_rate, num_iterations, lambd=0.0, keep_prob=1.0, seed=0,
                      eval_sets=None, record_every=50):
    """Full-batch gradient descent with L2 (``lambd > 0``), dropout (``keep_prob < 1``), both or neither.

    Each iteration: forward (with dropout if ``keep_prob < 1``), backward (the dropout one, plus
    :math:`\\frac{\\lambda}{m} W` in each ``dW`` if ``lambd > 0``), update. Every ``record_every``
    iterations and after the last one, the cross-entropy cost and the accuracy of each set in
    ``eval_sets`` are recorded, measured with dropout off (as at test time).

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    layers_dims : list of int
        ``[n_x, n_1, ..., 1]``: one sigmoid output unit (the cost and accuracy it records are binary).
    learning_rate : float
    num_iterations : int
    lambd : float, default 0
    keep_prob : float, default 1
    seed : int, default 0
        Seeds the initialization (``initialize_parameters_deep``) and, separately, the dropout masks.
    eval_sets : dict of str to (X, Y), optional
        Sets to measure along the way, e.g. ``{"train": (X, Y), "validation": (X_val, Y_val)}``.
    record_every : int, default 50

    Returns
    -------
    parameters : dict
    history : dict
        ``"iteration"``: list of int; for each name in ``eval_sets``, ``"<name> cost"`` and
        ``"<name> accuracy"``: lists of float.
    """
    from .forward import L_model_forward
    from .initialize import initialize_parameters_deep

    lambd, keep_prob = _lambd(lambd), _keep_prob(keep_prob)
    if not layers_dims or layers_dims[-1] != 1:
        raise ValueError(f"layers_dims must end with 1 (one sigmoid output unit): train_regularized trains the "
                         f"binary network, got {layers_dims!r}")
    parameters = initialize_parameters_deep(layers_dims, seed=seed)
    rng = np.random.default_rng([seed, 1])  # the masks' stream, independent of the initialization's
    eval_sets = eval_sets or {}
    history = {"iteration": []} | {f"{n} {k}": [] for n in eval_sets for k in ("cost", "accuracy")}
    for i in range(num_iterations):
        if keep_prob < 1:
            AL, caches = forward_propagation_with_dropout(X, parameters, keep_prob, rng)
            grads = backward_propagation_with_dropout(AL, Y, caches, keep_prob)
            if lambd > 0:
                m = X.shape[1]
                grads |= {f"dW{l}": grads[f"dW{l}"] + lambd / m * c[0][0][1] for l, c in enumerate(caches, 1)}
        else:
            AL, caches = L_model_forward(X, parameters)
            grads = backward_propagation_with_regularization(AL, Y, caches, lambd)
        parameters = update_parameters(parameters, grads, learning_rate)
        if (i + 1) % record_every == 0 or i == 0 or i == num_iterations - 1:
            history["iteration"].append(i + 1)
            for name, (X_eval, Y_eval) in eval_sets.items():
                AL_eval, _ = L_model_forward(X_eval, parameters)
                history[f"{name} cost"].append(compute_cost(AL_eval, Y_eval))
                history[f"{name} accuracy"].append(float(np.mean((AL_eval > 0.5) == Y_eval)))
    return parameters, history


def make_moons(m, noise, seed):
    """Two interleaved half-moons in the plane, labels alternating 0, 1, 0, ... (notebook 05's generator).

    Parameters
    ----------
    m : int
        Number of points.
    noise : float
        Standard deviation of the Gaussian noise added to each coordinate.
    seed : int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)
        0.0 or 1.0, half of each.
    """
    rng = np.random.default_rng(seed)
    Y = np.arange(m) % 2
    t = rng.uniform(0, np.pi, m)  # position along the half-circle
    x1 = np.where(Y == 0, np.cos(t), 1 - np.cos(t)) - 0.5
    x2 = np.where(Y == 0, np.sin(t), 0.5 - np.sin(t)) - 0.25
    X = np.vstack([x1, x2]) + noise * rng.standard_normal((2, m))
    return X, Y.reshape(1, m).astype(float)
