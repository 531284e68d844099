"""What a learner's function returned, as the plain data the grader's wire carries.

The grader judges a function that runs in a sandbox from the data it sends back
(``dl_instructor.wire``): numbers, strings, arrays, and tuples, lists and dicts of them. So
that the check in the notebook and the grader judge the same thing, the check turns what the
function returned into that same plain data before it compares: a ``namedtuple`` is the tuple
of its values, an ``OrderedDict`` or a ``defaultdict`` the dict of its items, an ``ndarray``
subclass the plain array of its numbers. Each is read through the base class's own methods
(``tuple.__iter__``, ``dict.items``), so a subclass that overrides them is read for what it
holds, not what it says. Anything else is left as it is, and the check names its type.
"""

import numpy as np

MAX_DEPTH = 32  # as the wire's


def plain(value, depth=0):
    """``value`` with every tuple, list and dict subclass, ndarray subclass, int and float subclass made plain.

    Returns ``value`` itself when it is plain already, so a check can still tell a dict
    returned from the very dict it was given.
    """
    if depth > MAX_DEPTH or value is None or type(value) in (bool, int, float, str, np.ndarray):
        return value
    if isinstance(value, np.ndarray):
        return np.ndarray.view(value, np.ndarray)
    if isinstance(value, bool) or isinstance(value, np.generic):
        return value
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, (tuple, list)):
        base = tuple if isinstance(value, tuple) else list
        items = list(base.__iter__(value))
        made = [plain(v, depth + 1) for v in items]
        if type(value) is base and all(a is b for a, b in zip(made, items, strict=True)):
            return value
        return base(made)
    if isinstance(value, dict):
        items = list(dict.items(value))
        made = [(k, plain(v, depth + 1)) for k, v in items]
        if type(value) is dict and all(a[1] is b[1] for a, b in zip(made, items, strict=True)):
            return value
        return dict(made)
    return value
