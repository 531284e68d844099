"""Step 5: one step of gradient descent on every parameter."""

from ._validate import as_matrix, as_number, num_layers


def update_parameters(parameters, grads, learning_rate):
    """One step of gradient descent on every layer's parameters.

    .. math::
        W^{[l]} \\leftarrow W^{[l]} - \\alpha \\, dW^{[l]}, \\quad b^{[l]} \\leftarrow b^{[l]} - \\alpha \\, db^{[l]}

    Parameters
    ----------
    parameters : dict
        ``W1, b1, ..., WL, bL``.
    grads : dict
        At least ``dW1, db1, ..., dWL, dbL``, each of the shape of its parameter.
    learning_rate : float
        The step size :math:`\\alpha`.

    Returns
    -------
    parameters : dict
        A new dict of new arrays; the arguments are left unchanged.
    """
    L = num_layers(parameters)
    # A Python float, so the update keeps the parameters' dtype (float32 stays float32).
    learning_rate = as_number("learning_rate", learning_rate)
    if not isinstance(grads, dict):
        raise ValueError(f"grads must be a dict with keys dW1, db1, ..., dWL, dbL, got {type(grads).__name__}")
    updated = {}
    for l in range(1, L + 1):
        for p in "Wb":
            key = f"d{p}{l}"
            if key not in grads:
                raise ValueError(f"grads has no {key}: expected dW1, db1, ..., dW{L}, db{L}, got {sorted(grads)}")
            value, grad = as_matrix(f"{p}{l}", parameters[f"{p}{l}"]), as_matrix(key, grads[key])
            if grad.shape != value.shape:
                raise ValueError(f"{key} has shape {grad.shape} but {p}{l} has shape {value.shape}")
            updated[f"{p}{l}"] = value - learning_rate * grad
    return updated
