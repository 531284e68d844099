"""Input checks shared by the reference functions.

Each helper turns a bad argument into one ``ValueError`` that names the argument,
says what was expected and what came, so a learner never meets a numpy
broadcasting error three frames down.
"""

import numbers

import numpy as np


def as_matrix(name, x):
    """Return ``x`` as a 2-D float or integer ndarray, or raise a ValueError naming ``name``."""
    if isinstance(x, tuple):
        raise ValueError(
            f"{name} must be a 2-D numpy array, got a tuple of length {len(x)}: "
            "did you pass a (value, cache) pair where only the value belongs?"
        )
    a = np.asarray(x)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise ValueError(f"{name} must be a numeric numpy array, got dtype {a.dtype}")
    if a.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array (rows x examples), got {a.ndim}-D with shape {a.shape}"
            + (": reshape it with .reshape(1, -1) or .reshape(-1, 1)" if a.ndim == 1 else "")
        )
    return a


def same_shape(name, x, other_name, other):
    """Raise a ValueError unless ``x`` and ``other`` have the same shape."""
    if x.shape != other.shape:
        raise ValueError(f"{name} has shape {x.shape} but {other_name} has shape {other.shape}")


def activation_name(activation):
    """Return ``activation`` if it is one the course knows, else raise a ValueError."""
    if activation not in ("relu", "sigmoid"):
        raise ValueError(f"activation must be 'relu' or 'sigmoid', got {activation!r}")
    return activation


def layers_dims(dims):
    """Return ``dims`` as a list of positive ints ``[n_x, n_1, ..., n_L]`` with at least two entries."""
    try:
        # Only real numbers with a whole value become ints: "4" and inf stay as they are and are rejected below.
        dims = [int(n) if isinstance(n, numbers.Real) and float(n).is_integer() else n for n in dims]
    except TypeError:
        raise ValueError(f"layers_dims must be a list of layer sizes [n_x, ..., n_L], got {dims!r}") from None
    if len(dims) < 2:
        raise ValueError(
            f"layers_dims must list at least two sizes, the input and the output [n_x, ..., n_L], got {dims}"
        )
    bad = [n for n in dims if not isinstance(n, int) or n < 1]
    if bad:
        raise ValueError(f"layers_dims must hold positive whole numbers, got {dims}")
    return dims


def num_layers(parameters):
    """Return L, the number of layers in ``parameters``, after checking its keys W1, b1, ..., WL, bL."""
    if not isinstance(parameters, dict) or not parameters:
        raise ValueError(f"parameters must be a dict with keys W1, b1, ..., WL, bL, got {type(parameters).__name__}")
    L = len(parameters) // 2
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if len(parameters) % 2 or set(parameters) != expected:
        raise ValueError(
            f"parameters must have keys W1, b1, ..., WL, bL, got {sorted(parameters)}"
        )
    return L
