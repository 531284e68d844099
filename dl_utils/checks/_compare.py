"""Compare a learner's result with the expected one, and say precisely what differs.

Each ``check_*`` function raises :class:`Mismatch` with one sentence naming the output
(``dW``, ``grads['dW1']``, ``caches[0]``), what was expected and what came. :func:`same`
answers the looser question the diagnosis asks: do two results agree, yes or no.
"""

from dataclasses import dataclass

import numpy as np

RESULT = "the returned value"  # how a message names what the learner's function returned, when it is not one name

# Keys shifted by one layer, whatever the exercise; the catalogue's mistakes of that kind quote the same words.
OFF_BY_ONE = "the keys are off by one layer: layers are numbered 1..L, and dA_prev of layer l is dA{l-1}"


class Mismatch(Exception):
    """A learner's result differs from the expected one; the message says how.

    ``mistake``: the id of the catalogued mistake the comparison itself recognised (a wrong scale, from the
    statistics of a random draw), or None.
    """

    def __init__(self, message, mistake=None):
        super().__init__(message)
        self.mistake = mistake


@dataclass(frozen=True)
class Tolerance:
    """``|got - expected| <= atol + rtol * |expected|``, as in ``np.allclose``."""

    rtol: float
    atol: float


FLOAT64 = Tolerance(rtol=1e-6, atol=1e-9)
# float32 keeps about 7 digits; a correct answer written another way can lose two of them.
FLOAT32 = Tolerance(rtol=1e-4, atol=1e-6)


def tolerance_for(*arrays):
    """The tolerance for results computed from ``arrays``: float32's if any of them is float32."""
    return FLOAT32 if any(getattr(a, "dtype", None) == np.float32 for a in arrays) else FLOAT64


def check_array(label, got, expected, tol, m=None):
    """Raise Mismatch unless ``got`` is an ndarray of ``expected``'s shape with close, finite values.

    With ``tol=None`` only the type, shape and finiteness are checked, not the values.
    """
    with np.errstate(all="ignore"):  # a learner's huge or odd values must not make the check itself warn
        _check_array(label, got, expected, tol, m)


def _check_array(label, got, expected, tol, m):
    expected_desc = f"a numpy array of shape {expected.shape}"
    if got is None:
        raise Mismatch(f"{label} is None, expected {expected_desc}: did you forget `return` or an assignment?")
    if isinstance(got, tuple):
        raise Mismatch(f"{label} is a tuple of {len(got)}, expected {expected_desc}: "
                       "is it a (value, cache) pair where only the value belongs?")
    if isinstance(got, list):
        raise Mismatch(f"{label} is a list, expected {expected_desc}: "
                       "compute it with numpy operations, or wrap it in np.array(...)")
    if not isinstance(got, np.ndarray) or not _numeric(got) or np.iscomplexobj(got):
        dtype = f" of dtype {got.dtype}" if isinstance(got, np.ndarray) else ""
        raise Mismatch(f"{label} is {type_name(got)}{dtype}, expected {expected_desc}")
    if got.shape != expected.shape:
        raise Mismatch(f"{label} has shape {got.shape}, expected {expected.shape}{_shape_hint(got, expected)}")
    if not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))[0]
        raise Mismatch(f"{label} contains NaN or inf (first at index {tuple(int(i) for i in bad)}: "
                       f"{got[tuple(bad)]}), expected finite values")
    wrong = None if tol is None else ~np.isclose(got, expected, rtol=tol.rtol, atol=tol.atol)
    if wrong is not None and np.any(wrong):
        diff = np.where(wrong, np.abs(got - expected.astype(np.float64)), -1)
        at = np.unravel_index(np.argmax(diff), got.shape)
        raise Mismatch(f"{label} has wrong values: {int(wrong.sum())} of {got.size} entries differ, e.g. at index "
                       f"{tuple(int(i) for i in at)} expected {expected[at]:.6g}, got {got[at]:.6g}"
                       f"{_ratio_hint(label, got, expected, m)}")


def _shape_hint(got, expected):
    if got.shape == expected.shape[::-1]:
        return ": rows and columns are swapped"
    if got.ndim == 1 and expected.ndim == 2 and got.shape[0] == expected.size:
        return (": a 1-D array where a column belongs: make it (n, 1), as np.zeros((n, 1)) rather than np.zeros(n), "
                "a sum with keepdims=True, or .reshape(-1, 1)")
    return ""


def _ratio_hint(label, got, expected, m):
    nonzero = np.abs(expected) > 1e-12
    if not np.any(nonzero):
        return ""
    ratio = got[nonzero] / expected[nonzero]
    r = float(np.median(ratio))
    # A ratio that prints as 1 says nothing (a hard-coded epsilon, a rounding): no hint rather than "1 times".
    if not np.allclose(ratio, r, rtol=1e-4) or r == 0 or np.isclose(r, 1) or f"{r:.4g}" == "1":
        return ""
    if np.isclose(r, -1):
        return f": {label} has the wrong sign"
    if m is not None and m > 1 and np.isclose(r, m):
        return f": {label} is m = {m} times too large"
    if m is not None and m > 1 and np.isclose(r, 1 / m):
        return f": {label} is m = {m} times too small"
    return f": {label} is {r:.4g} times the expected value"


WIDENED = ("float32 in, float32 out: a float64 value widened the result, a NumPy float64 number (np.float64(beta), "
           "np.power(beta, t), np.sqrt(...) of a Python number) or a float64 array (np.array(..., dtype=float), "
           ".astype(float), np.zeros(shape) without dtype=): keep the inputs' dtype, with Python numbers (beta ** t, "
           "float(...)), .astype(dA.dtype), np.zeros_like(dA), or a bool mask as it is")


def keeps_float32(got, case):
    """Raise Mismatch if every float array among the inputs is float32 and a float array of ``got`` is not."""
    given = [a for a in _arrays(case.args) if np.issubdtype(a.dtype, np.floating)]
    if not given or any(a.dtype != np.float32 for a in given):
        return
    for path, a in _arrays(got, "the result"):  # a number (a 0-d array too) may be a float64
        if a.ndim and np.issubdtype(a.dtype, np.floating) and a.dtype != np.float32:
            raise Mismatch(f"{path} has dtype {a.dtype}, expected float32, the dtype of the inputs: {WIDENED}")


def _arrays(value, path=None):
    # The ndarrays in value, with where each sits ('the result[0]', "the result['dW1']") when path is given.
    if isinstance(value, np.ndarray):
        yield (path, value) if path else value
    elif isinstance(value, dict):
        for key, v in value.items():
            yield from _arrays(v, path and f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _arrays(v, path and f"{path}[{i}]")


def type_name(value):
    """The type of ``value`` with its article, for messages: "a list", "an ndarray"."""
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' or name == 'ndarray' else 'a'} {name}"


def _not_a_number(label, got):
    """The message for a ``got`` that float() may take but that is no number (text, True/False), else None.

    A number is an int or float (not a bool), a numpy integer or floating scalar, or an array of them
    (its shape is checked apart). float("0.5") and float(True) work, so a function returning text or a
    comparison would otherwise be judged by the number inside, and fail where the notebook uses it.
    """
    kind = got.dtype.kind if isinstance(got, (np.ndarray, np.generic)) else None
    if isinstance(got, bool) or kind == "b":
        return (f"{label} is {type_name(got)} ({got!r}), expected a number (a float): return the value itself, "
                "not whether it passes a test (True/False)")
    if kind == "f" and got.dtype.itemsize > 8:  # longdouble: no float the grader's wire carries (float16-64)
        return f"{label} is {type_name(got)} of dtype {got.dtype}, expected a float: return float(...) of it"
    if kind in ("i", "u", "f") or (kind is None and isinstance(got, (int, float))):
        return None
    shown = repr(got) if len(repr(got)) <= 40 else repr(got)[:37] + "..."
    text = isinstance(got, (str, bytes)) or kind in ("U", "S")
    return (f"{label} is {type_name(got)} ({shown}), expected a number (a float)"
            + (": return the number itself, not text made from it (str, f-string, format)" if text else ""))


def check_scalar(label, got, expected, tol, m=None):
    """Raise Mismatch unless ``got`` is a real scalar (float, numpy scalar, 0-d array) close to ``expected``."""
    if got is None:
        raise Mismatch(f"{label} is None, expected a number: did you forget `return`?")
    if isinstance(got, np.ndarray) and got.ndim > 0:
        if got.size == 1:
            raise Mismatch(f"{label} is an array of shape {got.shape}, expected a single number: "
                           "use float(cost) or np.squeeze(cost)")
        raise Mismatch(f"{label} is an array of shape {got.shape}, {got.size} numbers, expected a single number: "
                       "one value per entry means part of the formula stayed outside the sum (np.sum or np.dot) "
                       "over the examples")
    not_a_number = _not_a_number(label, got)
    if not_a_number:
        raise Mismatch(not_a_number)
    try:
        value = float(got)
    except (TypeError, ValueError):
        raise Mismatch(f"{label} is {type_name(got)}, expected a single number (a float)") from None
    if not np.isfinite(value):
        raise Mismatch(f"{label} is {value}, expected a finite number near {expected:.6g}")
    if not np.isclose(value, expected, rtol=tol.rtol, atol=tol.atol):
        raise Mismatch(f"{label} has the wrong value: expected {expected:.6g}, got {value:.6g}"
                       f"{_ratio_hint(label, np.array([value]), np.array([expected]), m)}")


def returns_array(label):
    """``compare(got, case)`` of an exercise that returns one array, ``label`` in the messages."""
    return lambda got, case: check_array(label, got, case.expected, case.tol)


def returns_number(label, per_example=False):
    """``compare(got, case)`` of an exercise that returns one number; ``per_example``: a ratio of m is named."""
    return lambda got, case: check_scalar(label, got, case.expected, case.tol, case.m if per_example else None)


def returns_grads(got, case):
    """``compare(got, case)`` of an exercise that returns ``grads``, with at least the expected keys."""
    check_dict("grads", got, case.expected, case.tol, exact=False, m=case.m)


def check_tuple(label, got, names):
    """Raise Mismatch unless ``got`` is a tuple (or list) of ``len(names)`` values; return it as a tuple."""
    what = f"the tuple ({', '.join(names)})"
    if got is None:
        raise Mismatch(f"{label} is None, expected {what}: did you forget `return {', '.join(names)}`?")
    if isinstance(got, np.ndarray):
        raise Mismatch(f"{label} is a single array of shape {got.shape}, expected {what}: "
                       f"did you forget to return {', '.join(names[1:])}?")
    if not isinstance(got, (tuple, list)):
        raise Mismatch(f"{label} is {type_name(got)}, expected {what}")
    if len(got) != len(names):
        raise Mismatch(f"{label} is {type_name(got)} of {len(got)} values, expected {len(names)}: {what}")
    return tuple(got)


def check_linear_cache(label, got, expected, tol):
    """Raise Mismatch unless ``got`` is ``(A_prev, W, b)`` with the expected values.

    A list ``[A_prev, W, b]`` is as good as the tuple: everything downstream only unpacks it.
    """
    if not isinstance(got, (tuple, list)):
        raise Mismatch(f"{label} is {type_name(got)}, expected the tuple (A_prev, W, b)")
    for name, g, e in zip(("A_prev", "W", "b"), check_tuple(label, got, ("A_prev", "W", "b")), expected, strict=True):
        check_array(f"{label} ({name})", g, e, tol)


def check_layer_cache(label, got, expected, tol):
    """Raise Mismatch unless ``got`` is ``((A_prev, W, b), Z)`` with the expected values (lists as good as tuples)."""
    if not isinstance(got, (tuple, list)):
        raise Mismatch(f"{label} is {type_name(got)}, expected the tuple (linear_cache, activation_cache)")
    linear_cache, Z = check_tuple(label, got, ("linear_cache", "activation_cache"))
    check_linear_cache(f"{label}[0]", linear_cache, expected[0], tol)
    check_array(f"{label}[1] (activation_cache, Z)", Z, expected[1], tol)


def check_dict(label, got, expected, tol, exact=False, m=None):
    """Raise Mismatch unless ``got`` is a dict with ``expected``'s keys (``exact``: no more) and close arrays."""
    check_keys(label, got, expected, exact)
    for key in sorted(expected, key=_key_order):
        check_array(f"{label}[{key!r}]", got[key], expected[key], tol, m)


def check_keys(label, got, expected, exact=False):
    """Raise Mismatch unless ``got`` is a dict holding the keys of ``expected`` (``exact``: and no others)."""
    if got is None:
        raise Mismatch(f"{label} is None, expected a dict: did you forget `return {label}`?")
    if not isinstance(got, dict):
        raise Mismatch(f"{label} is {type_name(got)}, expected a dict with keys {_keys(expected)}")
    odd = [k for k in got if not isinstance(k, str)]
    if odd:
        raise Mismatch(f"{label} has a key that is not a string, {odd[0]!r}: its keys are names such as "
                       f"{_keys(expected)}")
    missing, extra = expected.keys() - got.keys(), got.keys() - expected.keys()
    if missing or (exact and extra):
        shifted = {_shift(k, 1) for k in got} == set(expected) or {_shift(k, -1) for k in got} == set(expected)
        raise Mismatch(f"{label} has keys {_keys(got)}, expected {_keys(expected)}"
                       + (f": {OFF_BY_ONE}" if shifted or _shift_partly(got, expected) else ""))


def _shift(key, by):
    stem = key.rstrip("0123456789")
    return f"{stem}{int(key[len(stem):]) + by}" if stem != key else key


def _shift_partly(got, expected):
    # One kind of key (say dA) shifted while the others are right.
    for stem in {k.rstrip("0123456789") for k in expected}:
        e = {k for k in expected if k.rstrip("0123456789") == stem}
        g = {k for k in got if k.rstrip("0123456789") == stem}
        if e != g and ({_shift(k, 1) for k in g} == e or {_shift(k, -1) for k in g} == e):
            return True
    return False


def _key_order(key):
    stem = key.rstrip("0123456789")
    return (int(key[len(stem):]) if stem != key else -1, stem)


def _keys(d):
    return "[" + ", ".join(sorted(d, key=_key_order)) + "]"


def same(a, b, tol):
    """True if the results ``a`` and ``b`` agree: same structure, same shapes, values within ``tol``."""
    if a is None or b is None:  # e.g. the output layer's missing dropout mask: None agrees only with None
        return a is b
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(
            same(a[k], b[k], tol) for k in a)
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b)
                and all(same(x, y, tol) for x, y in zip(a, b, strict=True)))
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    a, b = np.asarray(a), np.asarray(b)
    if not (_numeric(a) and _numeric(b)) or a.shape != b.shape:
        return False
    if {a.dtype.kind, b.dtype.kind} in ({"i", "f"}, {"u", "f"}):  # integer zeros are not float zeros (booleans are)
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(a, b, rtol=tol.rtol, atol=tol.atol, equal_nan=True))


def _numeric(a):
    return np.issubdtype(a.dtype, np.number) or a.dtype == bool
