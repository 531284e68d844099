"""The *call* step of a check: run a learner's function and record what it did, as plain data.

A check is three steps: its *cases* (inputs and expected results, :mod:`._cases`), the
*call* of the learner's function on each case's inputs (here), and the *judge*, which
compares what came back with the expected result and names the mistake (:mod:`._engine`,
:mod:`._compare`, :mod:`.mistakes`). The judge only ever sees an :class:`Outcome`, so the
call can happen elsewhere: in the notebook it is a plain Python call in the learner's
process; when graded, the function runs in a sandbox and the :class:`Outcome` is rebuilt
from the data it sent back (``dl_instructor.judge``), by the ``call`` the grader gives the check.

The function gets deep copies of the inputs (copied together, so an array shared by two
arguments stays shared). The originals are kept, and after the call the copies are
compared with them: whatever the function changed in its arguments is reported, by name, in
words that fit every exercise (what the change was and how to avoid it); the hint proper to an
exercise comes from its catalogue of mistakes (:mod:`.mistakes`), not from here. An array changed
and put back (``theta[i] += e`` ... ``theta[i] -= e``) counts as unchanged if it is back within
the round-off of that arithmetic (see :func:`_restored`).
"""

import contextlib
import copy
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._plain import plain


@dataclass
class Outcome:
    """What one call of a learner's function did.

    Attributes
    ----------
    value : object
        What it returned (None if it raised).
    error : Exception or None
        What it raised.
    warnings : list of str
        The warnings it issued (numpy floating-point errors included), each once.
    mutations : list of str
        One sentence for each change it made to its arguments.
    called_reference : bool
        Whether it ran the code ``call`` was told to watch for (the course's reference of the exercise).
    globals_read : list of str or None
        For a function that ran elsewhere, the globals holding data it read, as reported from there;
        None when it ran here (the checks then read them from its code).
    """

    value: object = None
    error: Exception = None
    warnings: list = field(default_factory=list)
    mutations: list = field(default_factory=list)
    called_reference: bool = False
    globals_read: list = None


def call(fn, args, kwargs=None, watch=None):
    """Call ``fn`` on deep copies of ``args`` (a dict name -> value, passed by position) and ``kwargs``.

    Parameters
    ----------
    fn : callable
        The learner's function.
    args : dict
        Positional arguments by name, in order; the names are used in messages.
    kwargs : dict, optional
        Keyword arguments.
    watch : code, optional
        A code object (the reference's ``__code__``): ``Outcome.called_reference`` says whether the call ran it.

    Returns
    -------
    Outcome
    """
    kwargs = kwargs or {}
    passed_args, passed_kwargs = copy.deepcopy((args, kwargs))
    ids = {name: _ids(value) for name, value in passed_args.items()}
    outcome = Outcome()
    # Underflow stays ignored, as numpy's default: a value rounding to 0 is not an error, and the
    # reference helpers a learner's function calls underflow harmlessly (np.nextafter in the cost's clip).
    with (warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"),
          _watching(watch, outcome)):
        warnings.simplefilter("always")
        try:
            outcome.value = plain(fn(*passed_args.values(), **passed_kwargs))  # as the grader's wire carries it
        except Exception as error:  # noqa: BLE001 - every error of the learner's code is reported
            outcome.error = error
    outcome.warnings = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    outcome.mutations = mutations(args, passed_args, ids, outcome.value)
    return outcome


@contextlib.contextmanager
def _watching(code, outcome):
    # A profile hook sees every Python function the call enters, however it was reached.
    if code is None:
        yield
        return
    previous = sys.getprofile()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code is code:
            outcome.called_reference = True

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)


def mutations(args, passed_args, ids, returned=None):
    """One sentence for each change between the arguments ``args`` and ``passed_args`` after the call.

    ``ids`` gives, for each argument that is a dict, ``{key: id of the value passed in}``, to tell
    a value replaced in the dict from one changed in place; ``returned``, what the function returned,
    tells a dict changed and returned itself from a copy of it that shares its arrays.
    """
    found = []
    for name, original in args.items():
        now = passed_args[name]
        found += _changes(name, original, now, ids.get(name, {}), _returned_how(now, returned))
    return found


def _returned_how(now, returned):
    # For a dict argument: was it returned itself, or a shallow copy of it (a dict sharing its arrays)?
    if not isinstance(now, dict):
        return None
    if returned is now or (isinstance(returned, (tuple, list)) and any(r is now for r in returned)):
        return "itself"
    candidates = [returned] + (list(returned) if isinstance(returned, (tuple, list)) else [])
    for r in candidates:
        if isinstance(r, dict) and any(isinstance(v, np.ndarray) and any(v is w for w in now.values())
                                       for v in r.values()):
            return "shallow copy"
    return None


def _ids(value):
    # The identity of each value of a dict, to tell "changed in place" from "replaced".
    return {key: id(v) for key, v in value.items()} if isinstance(value, dict) else {}


IN_PLACE = ("an argument belongs to the caller and must be left unchanged: compute a new array (B = A - ..., "
            "not A -= ...), or work on a copy, A = A.copy()")
NEW_DICT = "an argument belongs to the caller and must be left unchanged: build and return a new dict"


def _changes(path, original, now, ids, returned_how=None):
    if type(now) is not type(original):
        yield f"{path} was replaced by {type(now).__name__} (an argument must be left unchanged)"
    elif isinstance(original, np.ndarray):
        if not _restored(original, now):
            yield f"{path} was changed in place (by -=, +=, *=, or a slice assignment): {IN_PLACE}"
    elif isinstance(original, dict):
        yield from _dict_changes(path, original, now, ids, returned_how)
    elif isinstance(original, (list, tuple)):
        if len(now) != len(original):
            yield f"{path} was changed from {len(original)} to {len(now)} entries (append, pop or del on an argument)"
            return
        for i, (a, b) in enumerate(zip(original, now, strict=True)):
            yield from _changes(f"{path}[{i}]", a, b, {})


def _restored(original, now):
    """Whether ``now`` is an array that equals ``original`` up to the round-off of changing it and changing it back.

    ``theta[i] += e; ...; theta[i] -= e`` leaves ``theta[i]`` within an ulp or two of where it was,
    not on it: within 4 machine epsilons of the array's largest magnitude (at least 1), a change a
    real mutation (a nudge of 1e-7 or more, an entry set to 0) always exceeds.
    """
    if not (isinstance(now, np.ndarray) and now.shape == original.shape):
        return False
    if np.array_equal(now, original, equal_nan=True):
        return True
    if not (np.issubdtype(original.dtype, np.floating) and np.issubdtype(now.dtype, np.floating)):
        return False
    with np.errstate(all="ignore"):
        scale = max(1.0, float(np.max(np.abs(original), initial=0.0)))
        bound = 4 * np.finfo(original.dtype).eps * scale
        same_nan = np.array_equal(np.isnan(original), np.isnan(now))
        return bool(same_nan and np.all(np.abs(np.nan_to_num(now) - np.nan_to_num(original)) <= bound))


def _dict_changes(path, original, now, ids, returned_how=None):
    added, removed = sorted(now.keys() - original.keys()), sorted(original.keys() - now.keys())
    replaced, in_place = [], []
    for key in [k for k in original if k in now]:
        if id(now[key]) != ids.get(key, id(now[key])):
            replaced += [key] if not _equal(original[key], now[key]) else []
        elif isinstance(original[key], np.ndarray):
            in_place += [] if _restored(original[key], now[key]) else [key]
        else:
            yield from _changes(f"{path}[{key!r}]", original[key], now[key], {})
    how = {"added to": "(an assignment to a new key)", "removed from": "(pop or del)",
           "replaced in": "(an assignment to one of its keys)"}
    for keys, what in ((added, "added to"), (removed, "removed from"), (replaced, "replaced in")):
        if keys:
            yield f"{_list(path, keys)} {_were(keys)} {what} the dict passed in {how[what]}: {NEW_DICT}"
    if in_place:
        key = in_place[0]
        why = {"itself": f"the dict returned is {path} itself, whose arrays were changed by -= or +=",
               "shallow copy": f"the dict returned is a copy of {path} that shares its arrays ({path}.copy() or "
                               "dict(...) copies the dict, not the arrays), and -= or += changed them"}
        yield (f"{_list(path, in_place)} {_were(in_place)} changed in place"
               f"{': ' + why[returned_how] if returned_how in why else ''}: {NEW_DICT} of new arrays, "
               f"new[{key!r}] = {path}[{key!r}] - ..., which leaves {path}[{key!r}] as it was")


def _list(path, keys):
    return ", ".join(f"{path}[{key!r}]" for key in keys)


def _were(keys):
    return "was" if len(keys) == 1 else "were"


def _equal(a, b):
    try:
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b, equal_nan=True))
    except (TypeError, ValueError):
        return False


def describe_args(args):
    """One line naming the arguments and their shapes, e.g. ``dZ (2, 3), cache (A_prev (4, 3), W (2, 4), b (2, 1))``."""
    return ", ".join(f"{name} {_describe(value)}" for name, value in args.items())


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"{value.shape}" + ("" if value.dtype == np.float64 else f" {value.dtype}")
    if isinstance(value, dict):
        items = [f"{k}: {_describe(v)}" for k, v in value.items()]
        return "{" + ", ".join(items if len(items) <= 6 else items[:4] + ["...", items[-1]]) + "}"
    if isinstance(value, (list, tuple)) and all(isinstance(v, (int, np.integer)) for v in value):
        return repr(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, tuple) for v in value):
        return f"{type(value).__name__} of {len(value)} caches"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_describe(v) for v in value) + ")"
    return repr(value)
