"""A corpus of wrong answers a learner really writes: each one fails its check, and the message names the mistake.

The catalogue's own mistakes (tests/test_mistakes.py) are written by the people who wrote the
hints; these are written as a learner writes them (tests/wrong_answers.py), so they show where
the diagnosis does not recognise a mistake it knows, or knows no hint for it.
"""

from collections import Counter

import pytest
from wrong_answers import WRONG, message, names_the_mistake

from dl_utils import checks
from dl_utils.checks import mistakes

# Where the catalogue and the corpus stand: every exercise has at least this many catalogued mistakes and
# this many of the corpus' wrong answers (the aim is ten of each).
MIN_MISTAKES_PER_EXERCISE = 6
MIN_ANSWERS_PER_EXERCISE = 7


def test_the_corpus_is_large_and_its_ids_unique():
    assert len(WRONG) >= 100
    ids = [entry.id for entry in WRONG]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert {entry.exercise for entry in WRONG} <= set(checks.__all__)


@pytest.mark.parametrize("entry", WRONG, ids=lambda entry: entry.id)
def test_the_message_names_the_mistake(entry):
    # A wrong answer that passes every visible case must fail a hidden one (the grader runs those).
    text = message(entry)
    if text is None:
        text = message(entry, hidden=True)
    assert text is not None, f"{entry.id}: the wrong answer passed its check, visible and hidden"
    assert names_the_mistake(entry, text), f"{entry.id}: the message lacks {list(entry.words)}:\n{text}"


def coverage():
    """Per exercise: (catalogued mistakes, distinct hints, corpus answers), in the order of checks.__all__."""
    catalogued = Counter(m.exercise for m in mistakes.CATALOGUE)
    hints = {name: len({m.hint for m in mistakes.CATALOGUE if m.exercise == name}) for name in checks.__all__}
    corpus = Counter(entry.exercise for entry in WRONG)
    return {name: (catalogued[name], hints[name], corpus[name]) for name in checks.__all__}


def coverage_table():
    """The coverage as text, one exercise a line."""
    rows = [f"{'exercise':42s} mistakes hints corpus"]
    rows += [f"{name:42s} {n:8d} {h:5d} {c:6d}" for name, (n, h, c) in coverage().items()]
    return "\n".join(rows)


def test_catalogue_coverage_per_exercise():
    """Every exercise has catalogued mistakes; the table (printed with -rA or on failure) shows which have few."""
    print(coverage_table())
    thin = {name: n for name, (n, _, _) in coverage().items() if n < MIN_MISTAKES_PER_EXERCISE}
    assert not thin, f"exercises with fewer than {MIN_MISTAKES_PER_EXERCISE} catalogued mistakes: {thin}\n" \
                     + coverage_table()
    few = {name: c for name, (_, _, c) in coverage().items() if c < MIN_ANSWERS_PER_EXERCISE}
    assert not few, f"exercises with fewer than {MIN_ANSWERS_PER_EXERCISE} wrong answers in the corpus: {few}"
