"""The catalogue of mistakes learners of this material really make, one record each.

Each :class:`Mistake` names the exercise, gives the hint a learner should read, and
carries a small function that makes the mistake. The checks run these functions on
the inputs a learner's function failed on: when one of them gives the same wrong
answer (or the same error, or changes the arguments the same way), and does what the
learner's function does on the check's other cases too, its hint is the likely cause.
The tests run every one of them through its check and require the hint in the message,
so a new record is tested automatically.

A few mistakes cannot be recognised by their output (random parameters, a mutated
argument, a global read instead of an argument); the checks detect those directly and
quote the same hint, taken from :func:`hint`.

This module holds the record and the catalogue; each notebook's mistakes are in its own
``mistakes_<notebook>`` module, which adds them to :data:`CATALOGUE` when the package imports it.
"""

from dataclasses import dataclass

import numpy as np

from .. import activations as act
from .. import backward as bwd
from .. import forward as fwd


@dataclass(frozen=True)
class Mistake:
    """One mistake: where it happens, what to tell the learner, and a function that makes it.

    Parameters
    ----------
    id : str
        Short unique name, e.g. ``"lb_dW_no_1_over_m"``.
    exercise : str
        Name of the exercise function it belongs to.
    hint : str
        The likely cause, as the learner reads it in the failure message.
    fn : callable
        Same signature as the exercise, makes the mistake and nothing else.
    """

    id: str
    exercise: str
    hint: str
    fn: object


CATALOGUE = []
# Each exercise's equation, or a one-line worked case of it: the second hint, added to the message when the same
# catalogued mistake of that exercise fails a check again in a learner's session (see _engine.second_hint).
EQUATIONS = {}
READS_GLOBAL = "reads a global variable instead of its argument"


def mistake(exercise, hint, id=None):
    """Decorator: add the decorated function to :data:`CATALOGUE` as a mistake in ``exercise``."""

    def register(fn):
        CATALOGUE.append(Mistake(id or fn.__name__, exercise, hint, fn))
        return fn

    return register


def _from_source(source, name, **globals_):
    # A learner's notebook function reading a notebook global: built with its own globals.
    namespace = {"np": np, "act": act, "fwd": fwd, "bwd": bwd, **globals_}
    exec(source, namespace)  # noqa: S102 - fixed source written here, not input
    return namespace[name]


def _sigmoid(Z):
    return act.sigmoid(Z)[0]


def for_exercise(name):
    """Return the mistakes catalogued for the exercise ``name``, in catalogue order."""
    return [m for m in CATALOGUE if m.exercise == name]


def hint(id):
    """The hint of the catalogued mistake ``id``."""
    return next(m.hint for m in CATALOGUE if m.id == id)
