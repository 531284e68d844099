"""Every catalogued mistake fails its check, and the failure message carries the mistake's hint."""

import warnings

import pytest

from dl_utils import checks
from dl_utils.checks import mistakes

EXERCISES = checks.__all__


def test_catalogue_is_large_and_covers_every_exercise():
    assert len(mistakes.CATALOGUE) >= 14
    assert {m.exercise for m in mistakes.CATALOGUE} == set(EXERCISES)


def test_ids_are_unique():
    ids = [m.id for m in mistakes.CATALOGUE]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("entry", mistakes.CATALOGUE, ids=lambda m: m.id)
def test_mistake_fails_with_its_hint(entry, hidden, capsys):
    with warnings.catch_warnings(record=True) as caught, pytest.raises(AssertionError) as failure:
        warnings.simplefilter("always")
        getattr(checks, entry.exercise)(entry.fn, hidden=hidden)
    assert entry.hint in str(failure.value)
    # The grader reads the mistake from the error, not from its words: this one, or one that gives the same
    # answer here and the same hint (b.T and b.ravel() add the same row on the visible cases).
    assert isinstance(failure.value, checks.CheckFailed) and failure.value.exercise == entry.exercise
    named = {m.id: m for m in mistakes.for_exercise(entry.exercise)}.get(failure.value.mistake)
    assert named is not None and (named is entry or named.hint == entry.hint), failure.value.mistake
    assert capsys.readouterr() == ("", "")
    assert [str(w.message) for w in caught] == []


def test_a_failed_check_pickles_with_its_exercise_and_mistake():
    # A grader may send verdicts between processes (Dask, a process pool).
    import pickle

    entry = mistakes.for_exercise("linear_forward")[0]
    with pytest.raises(checks.CheckFailed) as failure:
        checks.linear_forward(entry.fn)
    again = pickle.loads(pickle.dumps(failure.value))
    assert (type(again), str(again), again.exercise, again.mistake) == (
        checks.CheckFailed, str(failure.value), "linear_forward", entry.id)
