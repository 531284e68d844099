"""Input checks shared by the reference functions.

Each helper turns a bad argument into one ``ValueError`` that names the argument,
says what was expected and what came, so a learner never meets a numpy
broadcasting error three frames down.
"""

import math
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


def as_number(name, x, low=None, high=None, low_open=False, high_open=False, whole=False, what=None):
    """Return ``x`` as a float (``whole``: an int) within the bounds, or raise a ValueError naming ``name``.

    The twin of :func:`as_matrix` for numbers: a Python or numpy real number, or a 0-d numeric
    array, finite; never a bool or a string (``float("0.1")`` would read one).

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    x : object
        The argument.
    low, high : float, optional
        Bounds, included unless ``low_open`` / ``high_open``.
    whole : bool, default False
        Require a whole number (``numbers.Integral``: ``2.0`` is not one) and return an int.
    what : str, optional
        What the message says ``x`` must be, if not made from the bounds ("a number in (0, 1]").
    """
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf":
        x = x[()]
    ok = isinstance(x, numbers.Integral if whole else numbers.Real) and not isinstance(x, (bool, np.bool_))
    ok = ok and (isinstance(x, numbers.Integral) or math.isfinite(x))  # a whole number of any size is finite
    ok = ok and (low is None or (x > low if low_open else x >= low))
    ok = ok and (high is None or (x < high if high_open else x <= high))
    if not ok:
        raise ValueError(f"{name} must be {what or _number_kind(low, high, low_open, high_open, whole)}, got {x!r}")
    return int(x) if whole else float(x)


def _number_kind(low, high, low_open, high_open, whole):
    kind = "whole number" if whole else "number"
    if low is None and high is None:
        return f"a {kind}"
    if high is None and low == (1 if whole else 0) and (whole or low_open):
        return f"a positive {kind}"
    if high is None:
        return f"a {kind} {'>' if low_open else '>='} {low:g}"
    return f"a {kind} in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def as_choice(name, x, choices):
    """Return ``x`` if it is one of the strings ``choices``, else raise a ValueError listing them."""
    if not (isinstance(x, str) and x in choices):
        listed = " or ".join([", ".join(map(repr, choices[:-1])), repr(choices[-1])][-len(choices):])
        raise ValueError(f"{name} must be {listed}, got {x!r}")
    return x


def activation_name(activation):
    """Return ``activation`` if it is one the course knows, else raise a ValueError."""
    return as_choice("activation", activation, ("relu", "sigmoid"))


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
