"""What each test file of a notebook's checks asks of its right answers (as tests/numgrad.py, a
helper the test files import): every one passes its check, visible and hidden, with exactly the
one success line and nothing on stderr."""

import pytest

import dl_utils
from dl_utils import checks
from dl_utils.checks import mistakes


def assert_passes_with_one_line(name, fn, hidden, capsys):
    """``checks.<name>(fn)`` returns None and prints only ``<name>: all [hidden ]checks passed.``"""
    assert getattr(checks, name)(fn, hidden=hidden) is None
    assert capsys.readouterr() == (f"{name}: all {'hidden ' if hidden else ''}checks passed.\n", "")


def correct_answers_pass_with_one_line(correct):
    """The test, parametrized over ``correct`` ({exercise: [right answers]}) and visible/hidden, that
    each answer passes; a test file assigns it to ``test_correct_answer_passes_with_one_line``."""
    # The reference itself is right too, but it is not a learner's own answer: its check adds a note that it
    # scores 0 when graded (tests/test_checks.py tests that for every exercise).
    answers = [(name, fn) for name, fns in correct.items() for fn in fns if fn is not getattr(dl_utils, name, None)]

    @pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
    @pytest.mark.parametrize(("name", "fn"), answers, ids=[f"{n}-{fn.__name__}" for n, fn in answers])
    def test(name, fn, hidden, capsys):
        assert_passes_with_one_line(name, fn, hidden, capsys)

    return test


def mistakes_of(names):
    """The catalogued mistakes of the exercises ``names``."""
    return [m for m in mistakes.CATALOGUE if m.exercise in names]


def known_right_answers():
    """``{exercise: [right answers]}``: every answer written otherwise than the reference that the tests know,
    from the exercises' records (``right=``) and from the ``CORRECT`` of each ``tests/test_checks*.py``,
    for every exercise of ``checks.EXERCISE_NAMES`` (an empty list where none is known)."""
    import importlib
    import pathlib

    found = {name: list(checks.exercise(name).right) for name in checks.EXERCISE_NAMES}
    for path in sorted(pathlib.Path(__file__).parent.glob("test_checks*.py")):
        for name, fns in getattr(importlib.import_module(path.stem), "CORRECT", {}).items():
            found[name] += [fn for fn in fns if fn is not getattr(dl_utils, name, None) and fn not in found[name]]
    return found
