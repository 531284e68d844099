"""The one engine every check runs on: its records and cases, then call, compare, diagnose, report.

An exercise is one :class:`Exercise` record (its reference, how its random inputs are made, how its
result is compared, its hand-computed cases and its random ones, ``sized`` by the usual plan); each
notebook's cases module lists its records, and the package makes one check of each.

For each case of an exercise the learner's function is called on copies of the inputs
(:mod:`._runner`), its result is compared with the expected one (:mod:`._compare`), and
on the first failure an AssertionError is raised that says what is wrong, on which
inputs, and the likely cause, found by running the catalogued mistakes
(:mod:`.mistakes`) on the same inputs and by looking for globals the function reads.
"""

import contextlib
import copy
import io
import sys
from dataclasses import dataclass, field

import numpy as np

import dl_utils  # each exercise's reference by its public name (dl_utils itself imports nothing of its checks)

from .._introspect import globals_read
from . import mistakes
from ._compare import Mismatch, keeps_float32, same, tolerance_for
from ._failure import CheckFailed
from ._runner import call as call_here
from ._runner import describe_args

# pytest leaves out every frame of this module, run()'s comprehension too: the learner reads their own line and
# the message (IPython and a plain python run are served by CheckFailed itself, in _failure).
__tracebackhide__ = True

NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError()` with your code"


@dataclass
class Case:
    """One set of inputs for an exercise, with the expected result.

    Attributes
    ----------
    label : str
        Where the inputs come from, for messages ("the hand-computed case").
    args : dict
        Positional arguments by name.
    expected : object
        The expected result (for a random case, the reference function's).
    tol : Tolerance
        How close a result must be.
    kwargs : dict
        Keyword arguments.
    """

    label: str
    args: dict
    expected: object
    tol: object
    kwargs: dict = field(default_factory=dict)

    @property
    def m(self):
        """The number of examples, the last axis of the first argument (None if it has none)."""
        first = next(iter(self.args.values()))
        return first.shape[-1] if isinstance(first, np.ndarray) and first.ndim == 2 else None


def make_check(name, cases, compare, diagnostic_cases=lambda: (), hidden_doc=None):
    """The public check of exercise ``name`` whose cases are fixed (nothing is drawn, so the grader's secret
    changes none of them): ``check(fn, hidden=False, *, call=None, secret=None)``, with its docstring.

    Parameters
    ----------
    name : str
        The exercise's name.
    cases : callable
        ``cases(hidden)`` gives the list of :class:`Case` to run.
    compare : callable
        ``compare(got, case)``, see :func:`run`.
    diagnostic_cases : callable, optional
        ``diagnostic_cases()`` gives the extra cases that tell mistakes apart.
    hidden_doc : str, optional
        What the hidden cases are, in the docstring, if not the core's.
    """

    def check(fn, hidden=False, *, call=None, secret=None):  # noqa: ARG001 - fixed cases: no secret to salt
        __tracebackhide__ = True  # the learner sees their cell and the message, not the checks' frames
        run(name, fn, cases(hidden), compare, diagnostic_cases(), hidden, call)

    return name_check(check, name, hidden_doc)


def name_check(check, name, hidden_doc=None):
    """Give ``check`` the name and the numpydoc docstring of the check of exercise ``name``; return it.

    ``hidden_doc``: what the hidden cases are, if not the core's.
    """
    hidden_doc = hidden_doc or "(one example, a single unit, float32 inputs, deeper and\n        wider networks)"
    passed = f"``{name}: all hidden checks passed.``"
    check.__name__ = check.__qualname__ = name
    check.__doc__ = f"""Check a learner's ``{name}``; print ``{name}: all checks passed.`` if it is right.

    Parameters
    ----------
    fn : callable
        The learner's ``{name}``.
    hidden : bool, default False
        Run the hidden edge cases {hidden_doc} instead of the visible ones, and print {passed}
    call : callable, optional
        Given by the grader, for a function that runs elsewhere (in a sandbox): ``call(args, kwargs)``
        calls it and gives back what it did, an ``Outcome``.
    secret : int, optional
        Given by the grader: the salt of the random cases, which are then other than the notebook's.

    Raises
    ------
    CheckFailed
        An AssertionError saying what is wrong, on which inputs, and the likely cause; its ``mistake``
        is the id of the catalogued mistake it names, if any.
    """
    return check


def run(name, fn, cases, compare, diagnostic_cases=(), hidden=False, call=None):
    """Check ``fn`` on every case; print the success line or raise :class:`CheckFailed` with the first failure.

    Parameters
    ----------
    name : str
        The exercise's name.
    fn : callable
        The learner's function.
    cases : list of Case
        The cases, the hand-computed one first.
    compare : callable
        ``compare(got, case)`` raises :class:`Mismatch` if ``got`` is not ``case.expected``.
    diagnostic_cases : list of Case
        Inputs on which the catalogued mistakes are told apart even when they fail with an
        exception on ``cases`` (square matrices, where a missing transpose still runs).
    hidden : bool
        Whether these are the hidden cases (only changes the success line).
    call : callable, optional
        ``call(args, kwargs) -> Outcome``, for a function that runs elsewhere (graded in a sandbox);
        by default ``fn`` is called here.
    """
    __tracebackhide__ = True  # IPython and pytest leave the checks' own frames out of the traceback
    require_function(name, fn, call)
    with references_for_other_exercises(fn, name, call):
        outcomes = [check_case(name, fn, case, compare, diagnostic_cases, confirm=cases, call=call) for case in cases]
    print_success(name, hidden, outcomes)


def require_function(name, fn, call=None):
    """Raise CheckFailed unless ``fn`` is a function (or runs elsewhere): a result passed instead is named."""
    if call is None and not callable(fn):
        raise CheckFailed(f"{name}: expected a function, got {type(fn).__name__}: pass the function itself, "
                          f"checks.{name}({name}), without calling it", name)


def print_success(name, hidden, outcomes):
    """The success line, then a note if the learner's function ran the course's reference of this very exercise."""
    print(f"{name}: all {'hidden ' if hidden else ''}checks passed.")
    if any(outcome.called_reference for outcome in outcomes):
        print(REFERENCE_NOTE.format(name=name))


REFERENCE_NOTE = ("{name}: note: your function calls dl_utils.{name}, the course's own answer: fine to compare "
                  "your result with, but when graded that function is not there, and this exercise scores 0.")


def _reference_code(name):
    return getattr(getattr(dl_utils, name, None), "__code__", None)


@contextlib.contextmanager
def references_for_other_exercises(fn, name, call=None):
    """While checking ``fn``, let the other exercises it calls be the reference ones.

    A learner's ``L_model_forward`` calls their own ``linear_activation_forward``. Each check
    judges one exercise: a mistake in a helper is reported by the helper's own check, and
    must not also fail (and, when graded, cost the points of) every exercise that calls it.
    So, for the duration of the check, each global of ``fn``'s module that names another
    exercise and holds a function other than the reference is swapped for the reference
    function of that name; the learner's functions are put back afterwards,
    whatever happens.
    """
    # A function graded in a sandbox has no globals here: the grader gives it the reference
    # helpers itself, each only once that helper has been judged (dl_instructor.judge).
    env = None if call is not None else getattr(fn, "__globals__", None)
    swapped = {}
    if isinstance(env, dict):
        for other in exercise_names():
            own = env.get(other)
            reference = getattr(dl_utils, other, None)
            if other != name and callable(own) and reference is not None and own is not reference:
                swapped[other] = own
                env[other] = reference
    try:
        yield
    finally:
        env_now = env if isinstance(env, dict) else {}
        env_now.update(swapped)


def exercise_names():
    """The names of all the exercises that have a check."""
    from . import EXERCISE_NAMES  # here, not at the top: the package imports this module first

    return EXERCISE_NAMES


def check_case(name, fn, case, compare, diagnostic_cases=(), confirm=(), call=None):
    """Check ``fn`` on one case; raise :class:`CheckFailed` describing the first thing wrong.

    ``confirm``: the other cases of the check, on which a catalogued mistake must do what ``fn``
    does too before its hint is quoted (see :func:`likely_causes`); ``call``, as in :func:`run`.
    """
    __tracebackhide__ = True
    outcome = call_learner(fn, case, call, watch=_reference_code(name))
    where = f"Inputs: {case.label}: {describe_args(case.args)}."
    error = outcome.error
    if isinstance(error, NotImplementedError):
        raise CheckFailed(f"{name}: {NOT_IMPLEMENTED}.", name) from None
    if error is not None:
        causes, mistake = likely_causes(name, fn, outcome, case, diagnostic_cases, confirm, call)
        raise CheckFailed(_message(f"{name} raised {type(error).__name__}: {error}", where, causes), name,
                          mistake) from error
    if outcome.mutations:
        causes, mistake = likely_causes(name, fn, outcome, case, (), confirm, call)
        raise CheckFailed(_message(f"{name} changed its arguments: {'; '.join(outcome.mutations)}", where, causes),
                          name, mistake)
    try:
        compare(outcome.value, case)
        keeps_float32(outcome.value, case)
    except Mismatch as mismatch:
        causes, mistake = likely_causes(name, fn, outcome, case, diagnostic_cases, confirm, call)
        raise CheckFailed(_message(f"{name}: {mismatch}", where, causes), name, mistake or mismatch.mistake) from None
    return outcome


def _message(problem, where, causes):
    # One sentence of what is wrong, the inputs, then each cause not already said, one a line.
    lines = [_sentence(problem), where]
    for cause in causes:
        if not any(cause[1] in line for line in lines):
            lines.append(_sentence(cause[0] + cause[1]))
    return "\n  ".join(lines)


def _sentence(text):
    return text if text.rstrip().endswith((".", "?", "!")) else text.rstrip() + "."


def likely_causes(name, fn, outcome, case, diagnostic_cases=(), confirm=(), call=None):
    """The likely causes of a failure, as (prefix, text) pairs: the matching catalogued mistake,
    the globals the function reads, the warnings it issued; and the matching mistake's id (or None).

    A mistake is the likely cause only if it does what the learner's function does on the failing
    case and on every case of ``confirm`` as well: one hand-computed case can make two mistakes
    agree by coincidence (``2 * lambd / m`` is ``lambd`` when m = 2), all the cases together
    cannot.
    """
    causes = []
    globals_read = read_globals(fn, outcome)
    if globals_read:
        causes.append((f"Likely cause: {name} ", f"{mistakes.READS_GLOBAL}: it uses the notebook's global "
                       f"variable(s) {', '.join(globals_read)}; use the function's arguments instead"))
    others = [(other, _quiet_call(fn, other, call)) for other in confirm if other is not case]
    found = matching_mistake(name, outcome, case, others)
    for extra in diagnostic_cases if found is None else ():
        theirs = _quiet_call(fn, extra, call)
        if theirs.error is None and not theirs.mutations and same(theirs.value, extra.expected, extra.tol):
            continue  # right on these inputs: a mistake that agrees here would be a coincidence
        found = matching_mistake(name, theirs, extra, others)
        if found:
            break
    if found:
        causes.append(("Likely cause: ", found.hint))
        again = second_hint(found, call)
        if again:
            causes.append(("The same mistake as before; worked out: ", again))
    if outcome.warnings:
        causes.append(("numpy warned: ", "; ".join(outcome.warnings)))
    return causes, found.id if found else None


def call_learner(fn, case, call=None, watch=None):
    """The :class:`Outcome` of the learner's function on ``case``: by the grader's ``call``, or here."""
    return call(case.args, case.kwargs) if call is not None else call_here(fn, case.args, case.kwargs, watch=watch)


# The catalogued mistakes this session was told about, for the second hint. Kept in a notebook's kernel (IPython),
# where a learner runs a check again after each edit; a script, pytest and the grader (which judges many learners in
# one process) tell every failure alone, unless a set is put in TOLD["mistakes"].
TOLD = {"mistakes": None}


def second_hint(mistake, call=None):
    """``mistake``'s exercise's equation if this session was told about the same mistake before, else None.

    ``call`` is given when the grader runs the check (see :func:`run`): then never.
    """
    told = TOLD["mistakes"]
    if told is None and call is None and _in_ipython():
        told = TOLD["mistakes"] = set()
    if told is None or call is not None:
        return None
    before = mistake.id in told
    told.add(mistake.id)
    return mistakes.EQUATIONS.get(mistake.exercise) if before else None


def _in_ipython():
    ipython = sys.modules.get("IPython")
    return ipython is not None and ipython.get_ipython() is not None


def _quiet_call(fn, case, call=None):
    # What the learner's code prints was seen once already. A function graded in a sandbox prints there, and
    # the grader judges several at once in threads, where swapping sys.stdout would lose another's output.
    if call is not None:
        return call_learner(fn, case, call)
    with contextlib.redirect_stdout(io.StringIO()):
        return call_learner(fn, case)


def matching_mistake(name, outcome, case, others=()):
    """The first catalogued mistake of ``name`` (a :class:`~.mistakes.Mistake`) that does what the learner's
    function did, on ``case`` and on each ``(other case, the learner's outcome there)`` of ``others``."""
    for entry in mistakes.for_exercise(name):
        if _agree(outcome, call_learner(entry.fn, case), case.tol) and all(
                _agree(theirs, call_learner(entry.fn, other), other.tol, exact_error=False)
                for other, theirs in others):
            return entry
    return None


def _agree(outcome, mistake, tol, exact_error=True):
    # The same error (on the other cases any error: np.dot and @ word the same mistake differently),
    # or the same value and the same changes to the arguments.
    if outcome.error is not None or mistake.error is not None:
        if not exact_error:
            return outcome.error is not None and mistake.error is not None
        return _error_key(outcome.error) == _error_key(mistake.error)
    return _same_changes(outcome.mutations, mistake.mutations) and same(outcome.value, mistake.value, tol)


def _same_changes(theirs, mistakes_):
    # A function graded in a sandbox comes back as data: whether the dict it returned was its argument
    # itself or a copy sharing its arrays is not known there, so that clause is compared only when present.
    if any(RETURNED in m for m in theirs):
        return theirs == mistakes_
    return [_without_returned(m) for m in theirs] == [_without_returned(m) for m in mistakes_]


RETURNED = ": the dict returned is "


def _without_returned(sentence):
    head, found, rest = sentence.partition(RETURNED)
    return head + rest[rest.index(": "):] if found and ": " in rest else sentence


def _error_key(error):
    # By name, not class: an error raised in a sandbox comes back as a rebuilt exception.
    return None if error is None else (type(error).__name__, str(error))


def read_globals(fn, outcome=None):
    """Names that ``fn`` reads from its module globals and that hold data (arrays, dicts, lists): as the
    sandbox reported them with ``outcome``, for a function that runs there, else from ``fn`` itself."""
    if outcome is not None and outcome.globals_read is not None:
        return list(outcome.globals_read)
    return globals_read(fn)


# -- Exercises and their cases -----------------------------------------------------------------------------------


def floats(rows):
    """``rows`` as a float64 array: the hand-computed values are written as lists."""
    return np.array(rows, dtype=np.float64)


def by_hand(args, expected, label="the hand-computed case"):
    """A hand-computed case: its inputs by name and the expected result, compared at float64's tolerance."""
    return Case(label, args, expected, tolerance_for())


def normal(rng, shape, dtype, scale=1.0):
    """``scale`` times a standard normal draw of ``shape`` from ``rng``, as ``dtype`` (drawn in float64)."""
    return (scale * rng.standard_normal(shape)).astype(dtype)


def case_rng(seed, secret=None):
    """The generator of the random case numbered ``seed``: ``default_rng(seed)``, or ``default_rng([secret, seed])``.

    The grader draws a fresh ``secret`` for each run and never stores it, so no submission can know the
    random cases' inputs, or their expected results, in advance. Without it (in the notebooks) the cases
    are the seeded, repeatable ones.
    """
    return np.random.default_rng(seed if secret is None else [int(secret), seed])


def made_case(make, reference, seed, sizes, dtype=np.float64, secret=None):
    """A random case: inputs ``make(case_rng(seed, secret), dtype, *sizes)``, expected ``reference(*inputs)``.

    Shared by the case tables of every notebook's checks.
    """
    args = make(case_rng(seed, secret), dtype, *sizes)
    expected = reference(*copy.deepcopy(list(args.values())))
    label = f"random case (seed {seed}{', float32' if dtype == np.float32 else ''})"
    return Case(label, args, expected, tolerance_for(*_arrays(args)))


def _arrays(value):
    if isinstance(value, np.ndarray):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else []
    return [a for item in items for a in _arrays(item)]




@dataclass(frozen=True)
class Exercise:
    """One exercise's check in one record: its reference, its cases, and how its result is compared.

    Attributes
    ----------
    name : str
        The exercise's name, that of the learner's function.
    reference : callable
        The course's function: it gives the expected result of every random case.
    make : callable
        ``make(rng, dtype, *sizes)`` gives the inputs of a random case, by argument name.
    compare : callable
        ``compare(got, case)`` raises :class:`~._compare.Mismatch` at the first difference.
    hand : list of Case
        The hand-computed cases (the arithmetic in comments), first of the visible ones.
    visible, hidden, diagnostic : list
        The random cases, ``(seed, sizes)``, ``(seed, sizes, dtype)`` or ``(seed, sizes, dtype, make)``
        (inputs made otherwise), or a :class:`Case` as it is. The diagnostic ones tell mistakes apart
        where the others fail with an exception (square matrices, where a missing transpose still runs).
    hidden_doc : str, optional
        What the hidden cases are, in the check's docstring, if not the core's.
    notebook : str
        The course notebook whose cells hold the exercise, e.g. ``"04_backward.ipynb"``: set by the package
        from the cases module's name (``cases_04_backward``).
    uses : tuple of str
        The functions of ``dl_utils`` that the notebook's text hands the learner for this exercise
        (``L_model_forward`` calls ``linear_activation_forward``). When graded, the exercise's sandbox holds
        these and nothing else of the library that answers an exercise (``dl_instructor``).
    right : tuple of callable
        Right answers written otherwise than the reference, as a learner might (a loop, ``np.dot``, the
        lecture notes' code): the tests require each to pass, visible and hidden, and the grader to agree.
        (The exercises written before this field have theirs in ``tests/test_checks*.py``, as ``CORRECT``.)
    """

    name: str
    reference: object
    make: object
    compare: object
    hand: list
    visible: list
    hidden: list
    diagnostic: list = ()
    hidden_doc: str = None
    notebook: str = None
    uses: tuple = ()
    right: tuple = ()

    def cases(self, which="visible", secret=None):
        """The cases ``which`` is ``"visible"`` (the hand-computed ones first), ``"hidden"`` or ``"diagnostic"``;
        the random ones drawn under the grader's ``secret``, if given (see :func:`case_rng`)."""
        specs = (list(self.hand) if which == "visible" else []) + list(getattr(self, which))
        return [spec if isinstance(spec, Case) else self._random(*spec, secret=secret) for spec in specs]

    def _random(self, seed, sizes, dtype=np.float64, make=None, secret=None):
        return made_case(make or self.make, self.reference, seed, sizes, dtype, secret)

    def check(self):
        """The public check, ``check(fn, hidden=False, *, call=None, secret=None)``."""

        def check(fn, hidden=False, *, call=None, secret=None):
            __tracebackhide__ = True  # the learner sees their cell and the message, not the checks' frames
            run(self.name, fn, self.cases("hidden" if hidden else "visible", secret), self.compare,
                self.cases("diagnostic", secret), hidden, call)

        return name_check(check, self.name, self.hidden_doc)


def sized(visible, hidden, diagnostic=(), float32=None):
    """The random cases of the usual plan, as :class:`Exercise`'s keyword arguments, from their sizes.

    Visible: one case per size, seeds 1, 2, ...; then each ``hidden`` size with other values (seeds 40, ...), so
    that the visible cases test every class of input the hidden ones do (one example, one unit, one layer); then
    ``float32`` sizes in float32 (seeds 30, ...; by default the first visible size).
    Hidden: the visible sizes again in float32 (seeds 10, ...), then the ``hidden`` sizes (seeds 20, ...).
    Diagnostic: seed 99.
    """
    float32 = visible[:1] if float32 is None else float32
    return {"visible": [(seed, s) for seed, s in enumerate(visible, start=1)]
            + [(40 + i, s) for i, s in enumerate(hidden)]
            + [(30 + i, s, np.float32) for i, s in enumerate(float32)],
            "hidden": [(10 + i, s, np.float32) for i, s in enumerate(visible)]
            + [(20 + i, s) for i, s in enumerate(hidden)],
            "diagnostic": [(99, s) for s in diagnostic]}
