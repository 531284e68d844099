"""Step 1: the parameters of an L-layer network, drawn at random with a scale that trains."""

import numpy as np

from ._validate import layers_dims as _check_layers_dims


def initialize_parameters_deep(layers_dims, seed=0, dtype=np.float64):
    """Initialize the weights and biases of an L-layer network.

    Weights are drawn from a normal distribution scaled by the fan-in,
    :math:`W^{[l]} \\sim \\mathcal{N}(0, 1/n_{l-1})`, so the linear step keeps the size of
    the signal: :math:`\\mathrm{Var}(Z^{[l]}) = \\mathbb{E}[(A^{[l-1]})^2]`. A ReLU zeroes about
    half of its input, so behind ReLU layers the variance of ``Z`` still halves from layer
    to layer (He's :math:`2/n_{l-1}` would keep it constant); over the few layers of the
    course that is harmless. Biases start at zero (the random weights already break the
    symmetry between units).

    Parameters
    ----------
    layers_dims : list of int, length L + 1
        ``[n_x, n_1, ..., n_L]``: the size of the input and of each layer.
    seed : int or numpy.random.Generator, default 0
        Source of randomness, passed to ``numpy.random.default_rng``. The same seed
        always gives the same parameters; the global numpy random state is never used.
    dtype : numpy dtype, default float64
        The dtype of every array returned.

    Returns
    -------
    parameters : dict
        ``W1, b1, ..., WL, bL`` with ``Wl`` of shape ``(n_l, n_{l-1})`` and ``bl`` of
        shape ``(n_l, 1)``.
    """
    dims = _check_layers_dims(layers_dims)
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(dims)):
        W = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        parameters[f"W{l}"] = W.astype(dtype, copy=False)
        parameters[f"b{l}"] = np.zeros((dims[l], 1), dtype=dtype)
    return parameters


def initialize_parameters_zeros(layers_dims, dtype=np.float64):
    """All weights and biases zero: the initialization that never trains (notebook 08).

    Every unit of a layer then computes the same function, receives the same gradient and
    makes the same update, so the units stay identical forever (the symmetry is never
    broken); with ReLU hidden layers even the gradients of the hidden weights are zero.

    Parameters
    ----------
    layers_dims : list of int, length L + 1
        ``[n_x, n_1, ..., n_L]``.
    dtype : numpy dtype, default float64

    Returns
    -------
    parameters : dict
        ``W1, b1, ..., WL, bL``, ``Wl`` zeros of shape ``(n_l, n_{l-1})``, ``bl`` zeros of shape ``(n_l, 1)``.
    """
    dims = _check_layers_dims(layers_dims)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = np.zeros((dims[l], dims[l - 1]), dtype=dtype)
        parameters[f"b{l}"] = np.zeros((dims[l], 1), dtype=dtype)
    return parameters


def initialize_parameters_he(layers_dims, seed=0, dtype=np.float64):
    """He initialization, :math:`W^{[l]} \\sim \\mathcal{N}(0, 2/n_{l-1})`, b zero: the scale for ReLU layers.

    A ReLU passes on half of its input's second moment (it zeroes the negative half), so
    with :math:`\\mathrm{Var}(W) = 2/n_{l-1}` the variance of ``Z`` stays the same from layer
    to layer (He et al., 2015); with ``initialize_parameters_deep``'s :math:`1/n_{l-1}`
    it halves at every ReLU layer.

    Parameters
    ----------
    layers_dims : list of int, length L + 1
        ``[n_x, n_1, ..., n_L]``.
    seed : int or numpy.random.Generator, default 0
        Passed to ``numpy.random.default_rng``.
    dtype : numpy dtype, default float64

    Returns
    -------
    parameters : dict
        ``W1, b1, ..., WL, bL`` with ``Wl`` of shape ``(n_l, n_{l-1})`` and ``bl`` zeros of shape ``(n_l, 1)``.
    """
    dims = _check_layers_dims(layers_dims)
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(dims)):
        W = rng.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2 / dims[l - 1])
        parameters[f"W{l}"] = W.astype(dtype, copy=False)
        parameters[f"b{l}"] = np.zeros((dims[l], 1), dtype=dtype)
    return parameters
