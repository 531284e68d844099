"""Gradient checking: compare the backward pass with centered differences of the cost.

Every parameter of the L-layer network is nudged by ``+epsilon`` and ``-epsilon`` in
turn, the cost ``J`` is recomputed by a forward pass each time, and

.. math::
    \\text{gradapprox}_i = \\frac{J(\\theta + \\varepsilon e_i) - J(\\theta - \\varepsilon e_i)}{2 \\varepsilon}

is compared with the analytic gradient by the relative error
:math:`\\lVert g - g_\\text{approx} \\rVert / (\\lVert g \\rVert + \\lVert g_\\text{approx} \\rVert)`.
To say *which* parameter is wrong, the parameters are laid out in one vector in a fixed
order (``W1, b1, W2, b2, ...``, each array row by row) and every entry of the vector
remembers the key and the index it came from.

Choice of ``epsilon``: the centered difference is off by a truncation error of about
:math:`\\varepsilon^2 |J'''| / 6` and by a rounding error of about :math:`u |J| / \\varepsilon`,
with :math:`u \\approx 1.1 \\times 10^{-16}` the rounding unit of float64. For a smooth ``J``
the sum is smallest near :math:`\\varepsilon \\approx u^{1/3} \\approx 5 \\times 10^{-6}`.
ReLU networks add a third error: a nudge that moves some ``Z`` across 0 (a kink) makes
the difference quotient wrong outright, and the larger ``epsilon``, the likelier that is.
The default ``1e-6`` leaves a factor of 5 to 10 of room on that side and costs little
on the other: on [5, 4, 3, 1] (m = 7), [2, 10, 5, 1] (m = 20) and [2, 20, 10, 5, 1]
(m = 30) networks with random inputs, a correct backward pass gives relative errors of
4e-10, 1e-9 and 3e-9 with it, 1e-8 to 3e-8 with the classic ``1e-7``, and 1e-4 with
``1e-4`` on the deepest (a kink); notebook 07 plots the whole curve.

Kinks: ReLU has no derivative at 0, so where a hidden unit's ``Z`` sits at 0, or within
``epsilon`` of it, the cost has no slope to compare along the parameters that move that ``Z``,
and the difference quotient is an average of the two one-sided slopes. This is not rare at the
course's initialization: the biases start at 0, so an example for which every unit of layer 1 is
off gives ``A1 = 0`` and ``Z2 = W2 A1 + b2 = b2 = 0`` exactly, for every unit of layer 2, and a
nudge of ``b2`` pushes them across 0 one way and the other. ``gradient_check`` therefore records
which hidden units are on (``Z > 0``) at ``theta + epsilon e_i`` and at ``theta - epsilon e_i``;
where the two differ, the nudge of entry ``i`` crossed a kink, the entry is listed in
``kinks`` and left out of the relative errors. The other entries still have to agree, so a wrong
backward pass still fails. To check a point with no kinks at all, add small random biases first.
"""

from dataclasses import dataclass

import numpy as np

from ._validate import as_matrix, as_number, num_layers, same_shape
from .cost import compute_cost
from .forward import L_model_forward

#: Relative errors below this mean "the backward pass is right" in float64; above 1e-3, it is wrong.
GOOD = 1e-7
WRONG = 1e-3


def parameter_layout(parameters):
    """The order in which the parameters are laid out in one vector: ``[(key, shape), ...]``.

    Parameters
    ----------
    parameters : dict
        ``W1, b1, ..., WL, bL``; only their shapes are read.

    Returns
    -------
    layout : list of (str, tuple)
        ``[("W1", (n_1, n_0)), ("b1", (n_1, 1)), ..., ("bL", (n_L, 1))]``.
    """
    L = num_layers(parameters)
    return [(key, as_matrix(key, parameters[key]).shape) for l in range(1, L + 1) for key in (f"W{l}", f"b{l}")]


def dictionary_to_vector(parameters):
    """Stack the arrays ``W1, b1, ..., WL, bL`` into one column, and say where each came from.

    Parameters
    ----------
    parameters : dict
        ``W1, b1, ..., WL, bL``, left unchanged (``theta`` is a copy).

    Returns
    -------
    theta : ndarray of shape (n, 1)
        All the entries, float64, layer by layer and each array row by row (see :func:`entry_names`).
    layout : list of (str, tuple)
        ``[(key, shape), ...]`` from :func:`parameter_layout`, for :func:`vector_to_dictionary`.
    """
    layout = parameter_layout(parameters)
    return gradients_to_vector({f"d{key}": parameters[key] for key, _ in layout}, layout), layout


def gradients_to_vector(gradients, layout):
    """Stack the gradients ``dW1, db1, ..., dWL, dbL`` into one column laid out as the parameters.

    Parameters
    ----------
    gradients : dict
        At least ``d<key>`` for every key of ``layout``, of that key's shape (other keys, like ``dA0``, are ignored).
    layout : list of (str, tuple)
        From :func:`dictionary_to_vector` or :func:`parameter_layout`.

    Returns
    -------
    grad : ndarray of shape (n, 1)
        float64.
    """
    if not isinstance(gradients, dict):
        raise ValueError(f"gradients must be a dict with keys dW1, db1, ..., got {type(gradients).__name__}")
    for key, shape in layout:
        if f"d{key}" not in gradients:
            raise ValueError(f"gradients has no d{key}: expected d<key> for every parameter, got {sorted(gradients)}")
        if np.shape(gradients[f"d{key}"]) != shape:
            raise ValueError(f"gradients['d{key}'] has shape {np.shape(gradients[f'd{key}'])}, expected {shape}")
    return np.concatenate([np.asarray(gradients[f"d{key}"], dtype=np.float64).reshape(-1, 1) for key, _ in layout])


def vector_to_dictionary(theta, layout):
    """Cut the column ``theta`` back into arrays, the inverse of :func:`dictionary_to_vector`.

    Parameters
    ----------
    theta : ndarray of shape (n, 1)
        The entries, laid out as ``layout`` says.
    layout : list of (str, tuple)
        ``[(key, shape), ...]`` from :func:`parameter_layout`.

    Returns
    -------
    parameters : dict
        ``{key: ndarray of shape}``, new arrays (``theta`` is not shared).
    """
    theta = as_matrix("theta", theta)
    sizes = [int(np.prod(shape)) for _, shape in layout]
    if theta.shape != (sum(sizes), 1):
        raise ValueError(f"theta must have shape (n, 1) = ({sum(sizes)}, 1) to fill the layout, got {theta.shape}")
    pieces = np.split(theta[:, 0].copy(), np.cumsum(sizes)[:-1])
    return {key: piece.reshape(shape) for (key, shape), piece in zip(layout, pieces, strict=True)}


def entry_names(layout):
    """Name every entry of the vector: ``["W1[0, 0]", "W1[0, 1]", ..., "bL[0, 0]"]``."""
    return [f"{key}[{', '.join(map(str, index))}]" for key, shape in layout for index in np.ndindex(*shape)]


def centered_difference(J, theta, epsilon=1e-6):
    """Approximate the gradient of the scalar function ``J`` at ``theta``, one entry at a time.

    .. math::
        \\text{gradapprox}_i = \\frac{J(\\theta + \\varepsilon e_i) - J(\\theta - \\varepsilon e_i)}{2 \\varepsilon}

    Parameters
    ----------
    J : callable
        ``J(theta)`` returns a float for a column ``theta`` of shape (n, 1).
    theta : ndarray of shape (n, 1)
        Where to take the gradient. Left unchanged: each entry is nudged in a copy.
    epsilon : float, default 1e-6
        The nudge.

    Returns
    -------
    gradapprox : ndarray of shape (n, 1)
    """
    theta = as_matrix("theta", theta).astype(np.float64)
    if theta.shape[1] != 1:
        raise ValueError(f"theta must be a column of shape (n, 1), got {theta.shape}")
    epsilon = as_number("epsilon", epsilon, 0, low_open=True)
    gradapprox = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        plus, minus = theta.copy(), theta.copy()
        plus[i, 0] += epsilon
        minus[i, 0] -= epsilon
        gradapprox[i, 0] = (J(plus) - J(minus)) / (2 * epsilon)
    return gradapprox


def relative_error(grad, gradapprox):
    """Relative error of two gradients as a whole, ``||grad - gradapprox|| / (||grad|| + ||gradapprox||)``.

    Parameters
    ----------
    grad, gradapprox : ndarray of the same shape
        The analytic and the numerical gradient.

    Returns
    -------
    difference : float
        In [0, 1]; 0 when both are exactly zero.
    """
    grad, gradapprox = np.asarray(grad, dtype=np.float64), np.asarray(gradapprox, dtype=np.float64)
    same_shape("gradapprox", gradapprox, "grad", grad)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return 0.0 if denominator == 0 else float(np.linalg.norm(grad - gradapprox) / denominator)


@dataclass
class GradientCheck:
    """The outcome of :func:`gradient_check`.

    Attributes
    ----------
    difference : float
        Relative error of the whole gradient vector.
    per_parameter : dict of str to float
        Relative error of each parameter's block, ``{"W1": ..., "b1": ..., ...}``.
    worst_parameter : str
        The parameter with the largest relative error.
    worst_entry : str
        The entry with the largest absolute difference, e.g. ``"b2[1, 0]"`` (kinks left out).
    kinks : list of str
        The entries whose nudge moved some hidden unit across ReLU's kink at 0 (on at one side,
        off at the other): their difference quotient is no derivative, so they are left out of
        ``difference``, ``per_parameter`` and ``worst_entry``. A parameter all of whose entries
        are kinks has ``per_parameter`` nan.
    grad, gradapprox : ndarray of shape (n, 1)
        The two gradient vectors, laid out as ``layout``.
    layout : list of (str, tuple)
        ``[(key, shape), ...]``.
    """

    difference: float
    per_parameter: dict
    worst_parameter: str
    worst_entry: str
    grad: np.ndarray
    gradapprox: np.ndarray
    layout: list
    kinks: list

    @property
    def passed(self):
        """True if the relative error (kinks left out) is below :data:`GOOD` (1e-7)."""
        return self.difference < GOOD


def gradient_check(parameters, gradients, X, Y, epsilon=1e-6):
    """Compare ``gradients`` with centered differences of the L-layer network's cost, parameter by parameter.

    The cost is :math:`J(\\theta)` = ``compute_cost(L_model_forward(X, parameters)[0], Y)``
    with ``theta`` all the parameters in one vector (:func:`dictionary_to_vector`).

    Parameters
    ----------
    parameters : dict
        ``W1, b1, ..., WL, bL``.
    gradients : dict
        At least ``dW1, db1, ..., dWL, dbL`` (e.g. from ``L_model_backward``), each of its parameter's shape.
    X : ndarray of shape (n_x, m)
        Inputs.
    Y : ndarray of shape (1, m)
        Labels, 0 or 1.
    epsilon : float, default 1e-6
        The nudge of the centered difference (see the module's docstring for the choice).

    Returns
    -------
    GradientCheck
        The relative error overall and per parameter, the worst parameter and entry, the two vectors,
        and the entries left out because their nudge crossed a ReLU kink (see the module's docstring).
    """
    theta, layout = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients, layout)
    X, Y = as_matrix("X", X).astype(np.float64), as_matrix("Y", Y)
    active = {}  # (entry, +1 or -1) -> which hidden units are on (Z > 0) at theta +- epsilon e_entry

    def J(vector):
        AL, caches = L_model_forward(X, vector_to_dictionary(vector, layout))
        nudged = np.flatnonzero(vector[:, 0] != theta[:, 0])
        if nudged.size == 1:
            side = 1 if vector[nudged[0], 0] > theta[nudged[0], 0] else -1
            active[int(nudged[0]), side] = np.concatenate([(Z > 0).ravel() for _, Z in caches[:-1]])
        return compute_cost(AL, Y)

    gradapprox = centered_difference(J, theta, epsilon)
    names = entry_names(layout)
    crossed = np.array([not np.array_equal(active[i, 1], active[i, -1]) for i in range(theta.shape[0])])
    smooth = np.where(crossed, np.nan, 1.0).reshape(-1, 1)  # nan marks a kink
    blocks = vector_to_dictionary(grad * smooth, layout)
    approx_blocks = vector_to_dictionary(gradapprox * smooth, layout)
    per_parameter = {key: _relative_error_without_kinks(blocks[key], approx_blocks[key]) for key, _ in layout}
    difference = _relative_error_without_kinks(grad * smooth, gradapprox * smooth)
    worst = int(np.nanargmax(np.abs(grad - gradapprox) * smooth)) if not crossed.all() else 0
    return GradientCheck(
        difference=difference,
        per_parameter=per_parameter,
        worst_parameter=max(per_parameter, key=lambda key: np.nan_to_num(per_parameter[key], nan=-1.0)),
        worst_entry=names[worst],
        grad=grad,
        gradapprox=gradapprox,
        layout=layout,
        kinks=[name for name, kink in zip(names, crossed, strict=True) if kink],
    )


def _relative_error_without_kinks(grad, gradapprox):
    """relative_error over the entries that are not nan (kinks); nan if every entry is one."""
    keep = ~np.isnan(grad)
    return relative_error(grad[keep], gradapprox[keep]) if keep.any() else float("nan")
