"""What a learner's function reads from its notebook's globals: a hint for the checks, and for the grader's sandbox."""

import dis

import numpy as np


def globals_read(fn):
    """Names that ``fn`` reads from its module globals and that hold data (arrays, dicts, lists).

    Parameters
    ----------
    fn : callable
        A function; anything without ``__code__`` reads nothing.

    Returns
    -------
    list of str
        Sorted; the function's own code and that of its comprehensions and inner functions.
    """
    code, env = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
    names, todo = [], [code] if code is not None else []
    while todo:
        code = todo.pop()
        names += [i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")]
        todo += [c for c in code.co_consts if hasattr(c, "co_names")]
    return sorted({n for n in names if isinstance(env.get(n), (np.ndarray, dict, list))})
