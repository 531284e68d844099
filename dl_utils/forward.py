"""Step 2: forward propagation, one linear step, one activation, then the whole network."""


from ._validate import activation_name, as_matrix, num_layers
from .activations import relu, sigmoid


def linear_forward(A_prev, W, b):
    """Linear part of a layer, :math:`Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}`.

    Parameters
    ----------
    A_prev : ndarray of shape (n_prev, m)
        Activations of the previous layer (``X`` for the first layer).
    W : ndarray of shape (n_l, n_prev)
        Weights of this layer.
    b : ndarray of shape (n_l, 1)
        Biases of this layer, broadcast over the ``m`` examples.

    Returns
    -------
    Z : ndarray of shape (n_l, m)
        Pre-activation.
    cache : tuple
        ``linear_cache = (A_prev, W, b)``, kept for the backward pass.
    """
    A_prev, W, b = as_matrix("A_prev", A_prev), as_matrix("W", W), as_matrix("b", b)
    if W.shape[1] != A_prev.shape[0]:
        raise ValueError(
            f"W has {W.shape[1]} columns but A_prev has {A_prev.shape[0]} rows: "
            f"W must be (n_l, n_prev) = (n_l, {A_prev.shape[0]}), got {W.shape}"
        )
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"b must have shape (n_l, 1) = ({W.shape[0]}, 1) to match W {W.shape}, got {b.shape}")
    Z = W @ A_prev + b
    return Z, (A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """One layer, linear then activation, :math:`A^{[l]} = g(W^{[l]} A^{[l-1]} + b^{[l]})`.

    Parameters
    ----------
    A_prev : ndarray of shape (n_prev, m)
        Activations of the previous layer.
    W : ndarray of shape (n_l, n_prev)
        Weights of this layer.
    b : ndarray of shape (n_l, 1)
        Biases of this layer.
    activation : {'relu', 'sigmoid'}
        The activation ``g``.

    Returns
    -------
    A : ndarray of shape (n_l, m)
        Activations of this layer.
    cache : tuple
        ``(linear_cache, activation_cache)`` = ``((A_prev, W, b), Z)``.
    """
    g = {"relu": relu, "sigmoid": sigmoid}[activation_name(activation)]
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = g(Z)
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters):
    """Forward pass of the L-layer network: L-1 ReLU layers, then one sigmoid layer.

    :math:`A^{[0]} = X`, :math:`A^{[l]} = \\mathrm{relu}(W^{[l]} A^{[l-1]} + b^{[l]})` for
    :math:`l < L`, and :math:`A^{[L]} = \\sigma(W^{[L]} A^{[L-1]} + b^{[L]})`.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Inputs, one example per column.
    parameters : dict
        ``W1, b1, ..., WL, bL`` as returned by ``initialize_parameters_deep``.

    Returns
    -------
    AL : ndarray of shape (n_L, m)
        Output of the network: the probability of class 1 for each example.
    caches : list of L tuples
        The layer caches ``((A_prev, W, b), Z)``, layer 1 first.
    """
    L = num_layers(parameters)
    A = as_matrix("X", X)
    caches = []
    for l in range(1, L + 1):
        activation = "relu" if l < L else "sigmoid"
        try:
            A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation)
        except ValueError as error:
            # linear_forward knows its arguments only as W, b and A_prev: say which layer they are.
            raise ValueError(f"layer {l} (W{l}, b{l}): {error}") from None
        caches.append(cache)
    return A, caches
