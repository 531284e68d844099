"""What a failed check raises: :class:`CheckFailed`, an AssertionError that also says which mistake it named.

A failed check shows the learner its message and nothing of the checks' own machinery: the
exercise, what is wrong, on which inputs, the likely cause, wrapped at words; and, when the
learner's function itself raised, the learner's frames and lines as Python shows them (the
checks' frames between the learner's call and their function are left out). In IPython and
JupyterLab through :meth:`CheckFailed._render_traceback_`; in a plain ``python`` run through
:func:`excepthook`, which ``sys.excepthook`` becomes when this module is imported (it hands
every other exception to the hook it replaced); under pytest the checks' frames say
``__tracebackhide__``.
"""

import os
import sys
import textwrap
import traceback
import types

# The width messages wrap at: narrower than a notebook's output area, so the browser never breaks a word.
WIDTH = 88
_CHECKS = os.path.dirname(os.path.abspath(__file__)) + os.sep


class CheckFailed(AssertionError):
    """A check's verdict that a learner's function is wrong.

    ``str(error)`` is the message the learner reads. The grader reads the attributes instead of the words.

    Attributes
    ----------
    exercise : str
        The exercise whose check failed.
    mistake : str or None
        The id of the catalogued mistake the message names as the likely cause (``Mistake.id`` in
        :mod:`dl_utils.checks.mistakes`), or None when it names none.
    """

    def __init__(self, message, exercise, mistake=None):
        super().__init__(message)
        self.exercise, self.mistake = exercise, mistake

    def __reduce__(self):
        # Rebuilt with its three arguments (an exception pickles its args only): a grader that sends verdicts
        # between processes (Dask, a process pool) gets the same message, exercise and mistake.
        return type(self), (str(self), self.exercise, self.mistake)

    __module__ = "dl_utils.checks"  # where a learner imports it from: tracebacks and pytest name it so

    def _render_traceback_(self):
        """The lines IPython (and so JupyterLab) shows for this failure, in place of its traceback."""
        lines = []
        error = learners_error(self)
        if error is not None:
            lines += _ipython_frames(error)
        return lines + wrapped(f"{type(self).__name__}: {self}")


def learners_error(failure):
    """The exception the learner's own function raised, if that is what failed the check, else None."""
    cause = failure.__cause__
    return cause if cause is not None and learner_frames(cause.__traceback__) else None


def learner_frames(tb):
    """The entries of traceback ``tb`` outside the checks' package, as a new traceback (None if none is left)."""
    kept = []
    while tb is not None:
        if not os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_CHECKS):
            kept.append(tb)
        tb = tb.tb_next
    chain = None
    for entry in reversed(kept):
        chain = types.TracebackType(chain, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return chain


def wrapped(text, width=WIDTH):
    """``text``'s lines wrapped at words to ``width`` columns; a continued line keeps the indent of its own."""
    lines = []
    for line in text.splitlines():
        indent = line[:len(line) - len(line.lstrip())]
        lines += textwrap.wrap(line, width, subsequent_indent=indent + "  ", break_long_words=False,
                               break_on_hyphens=False) or [""]
    return lines


def _ipython_frames(error):
    # The learner's frames as IPython itself shows a traceback ("Cell In[3], line 4"), without its last line
    # (the error's own "KeyError: 'W1'"), which the check's message repeats; plain Python's if IPython fails.
    tb = learner_frames(error.__traceback__)
    try:
        from IPython import get_ipython

        shell = get_ipython()
        lines = shell.InteractiveTB.structured_traceback(type(error), error, tb)
        return [line for line in lines if line.strip()][:-1]
    except Exception:  # noqa: BLE001 - any IPython, or none: the plain rendering serves as well
        return "".join(traceback.format_list(traceback.extract_tb(tb))).splitlines()


def plain_traceback(failure):
    """What a plain ``python`` run prints for ``failure``: the caller's frames and the learner's, then the message.

    Reads as the traceback of the learner's call: their line that ran the check, then, if their
    function raised, its frames down to the line that raised; no frame of the checks.
    """
    tb = learner_frames(failure.__traceback__)
    error = learners_error(failure)
    frames = traceback.extract_tb(tb)
    if error is not None:
        frames += traceback.extract_tb(learner_frames(error.__traceback__))
    head = ["Traceback (most recent call last):"] if frames else []
    return "\n".join(head + "".join(traceback.format_list(frames)).splitlines()
                     + wrapped(f"{type(failure).__name__}: {failure}")) + "\n"


def excepthook(kind, value, tb, previous=None):
    """``sys.excepthook``: a :class:`CheckFailed` as :func:`plain_traceback`, anything else as ``previous`` does."""
    if isinstance(value, CheckFailed):
        sys.stderr.write(plain_traceback(value.with_traceback(tb)))
    else:
        (previous or sys.__excepthook__)(kind, value, tb)


def _install():
    # Only over Python's own hook: IPython, pytest and other tools that set one keep theirs.
    if sys.excepthook is sys.__excepthook__:
        previous = sys.excepthook
        sys.excepthook = lambda kind, value, tb: excepthook(kind, value, tb, previous)


_install()
