"""The shape of a JSON text, measured before it is parsed: how deep it nests and about how many values it holds.

The grader parses JSON from learners twice: their notebooks (``submission``) and their sandbox's replies
(``sandbox``). json.loads of a text that nests 100 000 lists exhausts Python's recursion limit, and one
of 12 million empty lists (36 MB) takes 750 MB once parsed: both readers measure first, with numpy only.
"""

import numpy as np

_STEP = np.zeros(256, dtype=np.int8)
_STEP[[ord("["), ord("{")]], _STEP[[ord("]"), ord("}")]], _STEP[ord(",")] = 1, -1, 2


def json_shape(data):
    """``(depth, values)`` of the JSON ``data`` (bytes): how deep lists and objects nest, about how many values.

    Linear in the size, whatever the bytes (a regular expression for JSON strings, tried on
    ``"\\"\\"\\"...`` that never ends, takes a minute for 80 kB): escaped backslashes and
    escaped quotes are removed, so that every quote left opens or closes a string, then
    numpy finds, 4 MB at a time, the bytes outside strings (an even number of quotes before
    them) and counts brackets for the depth, commas and opening brackets for the values. If
    ``data`` is not valid JSON the counts may be off, and json says what is wrong next.
    """
    code = np.frombuffer(data.replace(b"\\\\", b"").replace(b'\\"', b""), dtype=np.uint8)
    depth = deepest = quotes = 0
    values = 1
    for start in range(0, len(code), 1 << 22):
        chunk = code[start:start + (1 << 22)]
        quote = chunk == ord('"')
        inside = np.cumsum(quote, dtype=np.uint8)  # wraps around at 256, which keeps its parity
        inside += quotes & 1
        inside &= 1
        quotes += int(np.count_nonzero(quote))
        step = _STEP[chunk]
        step[inside.view(bool)] = 0
        step = step[step != 0]
        commas = step == 2
        values += len(step) - int(np.count_nonzero(step == -1))
        step = step[~commas]
        if len(step):
            levels = depth + np.cumsum(step, dtype=np.int64)
            deepest, depth = max(deepest, int(levels.max())), int(levels[-1])
    return deepest, values
