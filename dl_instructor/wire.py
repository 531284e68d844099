"""Plain data across the sandbox's wall: numbers, strings, arrays, and tuples, lists and dicts of them.

Subclasses of these (a ``namedtuple``, an ``OrderedDict``, an ndarray subclass) cross as the plain
forms their values make; the check in the notebook turns a returned value into the same plain
data before it judges it (``dl_utils.checks._plain``), so both judge the same thing.

What the grader sends to the sandbox (a case's inputs) and what comes back (what the learner's
function returned, and its arguments after the call) travel as JSON, one message a line, with
arrays as ``.npy`` bytes in base64, read back with ``allow_pickle=False``. Nothing else
crosses: never a pickle, never an object of the learner's. The reader, :func:`decode`, trusts
nothing it is given: every tag, type, dtype, shape, size and depth is checked, and anything
else is an :class:`WireError`. A learner's value that is not plain data (a generator, a custom
class, an array of objects) comes back as an :class:`Opaque` stand-in that carries only its
type's name, so a check can say "Z is a generator, expected a numpy array".

This module runs on both sides (the sandbox imports it too): numpy and the standard library only.
"""

import base64
import io
import math

import numpy as np

MAX_DEPTH = 32  # nesting of tuples, lists and dicts
MAX_ITEMS = 100_000  # values in one message, arrays counted once each
MAX_ELEMENTS = 20_000_000  # numbers in all the arrays of one message
MAX_STRING = 10_000  # characters of one string
MAX_KEY = 200  # characters of one dict key
DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "complex64", "complex128"}


class WireError(ValueError):
    """A message that is not plain data of the allowed kinds and sizes."""


class Opaque:
    """Stands for a value that could not cross the wall; its class is named after the value's type."""

    def __repr__(self):
        return f"<{type(self).__name__}>"


_OPAQUE = {}


def opaque(type_name):
    """An instance of a class named ``type_name`` (a made-up class, one per name) standing for such a value."""
    name = "".join(ch for ch in str(type_name)[:60] if ch.isalnum() or ch == "_") or "object"
    if name not in _OPAQUE:
        _OPAQUE[name] = type(name, (Opaque,), {})
    return _OPAQUE[name]()


# ---------------------------------------------------------------- writing


def encode(value, types=None):
    """``value`` as JSON-ready data. Arrays shared between places are sent once (``ref``), so they stay shared.

    ``types`` maps a class to the name under which :func:`decode` rebuilds it from its
    ``__getstate__()`` (for the course's own test functions, such as a cost function passed
    to ``centered_difference``); any other object becomes ``{"opaque": its type's name}``.
    """
    seen = {}
    return _encode(value, seen, types or {}, 0)


def _encode(value, seen, types, depth):
    if depth > MAX_DEPTH:
        return {"opaque": "too_deep"}
    if value is None or isinstance(value, (bool, str)):
        return value if not isinstance(value, str) else value[:MAX_STRING]
    if isinstance(value, int) and not isinstance(value, np.generic):  # an int subclass (IntEnum) as its number
        value = int.__int__(value)
        return value if abs(value) < 2**63 else {"opaque": "int"}
    if isinstance(value, float) and not isinstance(value, np.generic):
        value = float.__float__(value)
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        key = id(value)
        if key in seen:
            return {"ref": seen[key]}
        try:  # an ndarray subclass crosses as the plain array of its own numbers, whatever it overrides
            array = np.ndarray.view(value, np.ndarray) if isinstance(value, np.ndarray) else np.asarray(value)
        except Exception:  # noqa: BLE001
            return {"opaque": type(value).__name__}
        if type(array) is not np.ndarray or (isinstance(value, np.generic) and array.ndim != 0):  # a lying scalar
            return {"opaque": type(value).__name__}
        if array.dtype.name not in DTYPES:
            return {"opaque": f"ndarray_of_{array.dtype.name}"}
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)  # not np.ascontiguousarray: it makes a 0-d array 1-d
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        if isinstance(value, np.generic):
            return {"scalar": data}
        seen[key] = len(seen)
        return {"nd": data, "id": seen[key]}
    if type(value) in types:
        return {"object": types[type(value)], "state": _encode(value.__getstate__(), seen, types, depth + 1)}
    # A subclass (namedtuple, OrderedDict, defaultdict, ...) crosses as the plain form its values make, read
    # through the base class's own methods, whatever the subclass overrides: as dl_utils.checks._plain sees it.
    if isinstance(value, (tuple, list)):
        base = tuple if isinstance(value, tuple) else list
        return {base.__name__: [_encode(v, seen, types, depth + 1) for v in base.__iter__(value)]}
    if isinstance(value, dict):
        # A str subclass key (numpy's str_, from np.char or an array of names) is the string it holds, as a
        # learner's kernel compares it; read through str's own method, whatever the subclass overrides.
        items = [(str.__str__(k) if isinstance(k, str) else k, v) for k, v in dict.items(value)]
        if not all(type(k) in (str, int) for k, _ in items):
            return {"opaque": "dict_with_keys_that_are_not_strings"}
        return {"dict": [[k if type(k) is int else k[:MAX_KEY], _encode(v, seen, types, depth + 1)]
                         for k, v in items]}
    return {"opaque": type(value).__name__}


# ---------------------------------------------------------------- reading


def decode(data, types=None):
    """The value that :func:`encode` made ``data`` from, checked; raise WireError on anything else.

    ``types`` maps a name to a class with ``__setstate__``, for the objects the reader accepts.
    """
    budget = {"items": 0, "elements": 0}
    return _decode(data, {}, types or {}, budget, 0)


def _decode(data, arrays, types, budget, depth):
    budget["items"] += 1
    if budget["items"] > MAX_ITEMS or depth > MAX_DEPTH:
        raise WireError(f"the value is too large or too deeply nested (over {MAX_ITEMS} values or {MAX_DEPTH} levels)")
    if data is None or isinstance(data, bool):
        return data
    if type(data) is int:
        return data
    if type(data) is float:
        return data
    if type(data) is str:
        if len(data) > MAX_STRING:
            raise WireError("a string is too long")
        return data
    if type(data) is not dict or len(data) not in (1, 2):
        raise WireError(f"unexpected data of type {type(data).__name__}")
    (tag, body), *rest = data.items()
    if tag == "float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag in ("nd", "scalar"):
        array = _array(body, budget)
        if tag == "scalar":
            if array.ndim != 0:
                raise WireError("a scalar that is not 0-dimensional")
            return array[()]
        if rest:
            ((key, number),) = rest
            if key != "id" or type(number) is not int:
                raise WireError("an array with a bad id")
            arrays[number] = array
        return array
    if tag == "ref" and not rest:
        if type(body) is not int or body not in arrays:
            raise WireError("a reference to an array that was not sent")
        return arrays[body]
    if tag in ("tuple", "list") and not rest and type(body) is list:
        items = [_decode(v, arrays, types, budget, depth + 1) for v in body]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict" and not rest and type(body) is list:
        out = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) not in (str, int):
                raise WireError("a dict entry that is not a [key, value] pair")
            if type(pair[0]) is str and len(pair[0]) > MAX_KEY:
                raise WireError("a dict key is too long")
            out[pair[0]] = _decode(pair[1], arrays, types, budget, depth + 1)
        return out
    if tag == "opaque" and not rest and type(body) is str:
        return opaque(body)
    if tag == "object" and rest and rest[0][0] == "state" and body in types:
        obj = types[body].__new__(types[body])
        obj.__setstate__(_decode(rest[0][1], arrays, types, budget, depth + 1))
        return obj
    raise WireError(f"unexpected tag {str(tag)[:40]!r}")


def _array(body, budget):
    if type(body) is not str or len(body) > 4 * (8 * MAX_ELEMENTS) // 3 + 1024:
        raise WireError("an array that is not base64 text of an allowed size")
    try:
        raw = base64.b64decode(body, validate=True)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except Exception as e:  # noqa: BLE001 - any malformed array is the same error to the grader
        raise WireError(f"an array that is not a valid .npy file ({type(e).__name__})") from None
    if type(array) is not np.ndarray or array.dtype.name not in DTYPES:
        raise WireError(f"an array of dtype {getattr(array, 'dtype', '?')}, which is not allowed")
    budget["elements"] += array.size
    if budget["elements"] > MAX_ELEMENTS:
        raise WireError(f"the arrays hold more than {MAX_ELEMENTS} numbers")
    return array
