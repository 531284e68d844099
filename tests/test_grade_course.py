"""The grader on the real course notebooks, end to end: solved, blank, and with one catalogued mistake.

Lean on purpose (each notebook costs a kernel and a run of its demos): the notebook with the
most exercises, 04 (5 of the 11 core exercises, 10 of its 20 points), three times: solved,
blank, and with a mistake in linear_backward, which its later exercises call. nbval already
runs every course notebook with its solutions and compares the checks' "all checks passed"
lines; tests/test_checks.py shows the same isolation for the forward pass; grading all the
notebooks is one command (docs/grading.md).
"""

from pathlib import Path

import nbformat
import pytest
from sandboxed import require_sandbox

from dl_instructor import grade
from dl_instructor.submission import grade_id

require_sandbox()

COURSE = Path(__file__).resolve().parents[1] / "notebooks"
GRADED = ("04_backward",)
# A catalogued mistake in a function the later exercises of the notebook call (linear_backward):
# each check judges its exercise alone, so the notebook must lose exactly that exercise's points
# and not those of its callers.
MISTAKES = {"04_backward": "lb_dW_no_1_over_m"}


def exercises_of(notebook):
    """The exercises of ``notebook`` (a file name without .ipynb), as the checks know them."""
    from dl_utils import checks

    return [name for name in checks.EXERCISE_NAMES if checks.exercise(name).notebook == f"{notebook}.ipynb"]


def with_mistake(notebook, mistake_id):
    """The solved course notebook with one exercise cell replaced by a catalogued mistake, written out."""
    from dl_utils.checks import mistakes

    entry = next(m for m in mistakes.CATALOGUE if m.id == mistake_id)
    nb = nbformat.read(COURSE / f"{notebook}.ipynb", as_version=4)
    exercise_cell = next(c for c in nb.cells if grade_id(c) == f"ex_{entry.exercise}")
    exercise_cell.source = MISTAKE_SOURCES[mistake_id]
    return nb, entry.exercise


# The mistake as a learner writes it (the grader's sandbox has no checks, so no catalogue to import it from).
MISTAKE_SOURCES = {"lb_dW_no_1_over_m": (
    "def linear_backward(dZ, cache):\n"
    "    A_prev, W, b = cache\n"
    "    m = A_prev.shape[1]\n"
    "    dW = dZ @ A_prev.T\n"
    "    db = np.sum(dZ, axis=1, keepdims=True) / m\n"
    "    return W.T @ dZ, dW, db\n")}


@pytest.fixture(scope="module")
def course_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course_submissions")
    (folder / "solved").mkdir()
    for notebook in GRADED:
        (folder / "solved" / f"{notebook}.ipynb").write_bytes((COURSE / f"{notebook}.ipynb").read_bytes())
    (folder / "blank").mkdir()
    (folder / "blank" / "04_backward.ipynb").write_bytes((COURSE / "exercises" / "04_backward.ipynb").read_bytes())
    broken = {}
    for notebook, mistake_id in MISTAKES.items():
        (folder / f"mistake_{notebook}").mkdir()
        nb, broken[notebook] = with_mistake(notebook, mistake_id)
        nbformat.write(nb, folder / f"mistake_{notebook}" / f"{notebook}.ipynb")
    rows = grade.grade(folder, COURSE, timeout=60, jobs=2, notebooks=GRADED)
    return rows, broken


def test_course_solved_notebooks_score_full_marks(course_report):
    rows, _ = course_report
    solved = [r for r in rows if r.learner == "solved"]
    expected = [f"{notebook}/{c.metadata.nbgrader.grade_id.removeprefix('check_')}" for notebook in GRADED
                for c in nbformat.read(COURSE / f"{notebook}.ipynb", as_version=4).cells
                if c.metadata.get("nbgrader", {}).get("grade")]
    assert expected == [f"{notebook}/{name}" for notebook in GRADED for name in exercises_of(notebook)]
    assert [f"{r.notebook}/{r.exercise}" for r in solved] == expected
    for r in solved:
        assert (r.points, r.status) == (r.max_points, "passed"), r
        assert "all checks passed" in r.message and "all hidden checks passed" in r.message, r


def test_course_blank_learner_version_scores_zero(course_report):
    rows, _ = course_report
    blank = [r for r in rows if r.learner == "blank" and r.notebook == "04_backward"]
    assert len(blank) == len(exercises_of("04_backward"))
    for r in blank:
        assert (r.points, r.status) == (0.0, "failed") and "not implemented yet" in r.message, r


@pytest.mark.parametrize("notebook", sorted(MISTAKES))
def test_course_submission_with_a_catalogued_mistake_loses_exactly_that_exercise(course_report, notebook):
    rows, broken = course_report
    mine = [r for r in rows if r.learner == f"mistake_{notebook}" and r.notebook == notebook]
    assert mine
    for r in mine:
        if r.exercise == broken[notebook]:
            assert (r.points, r.status) == (0.0, "failed") and r.max_points > 0, r
            assert r.message.startswith(f"{r.exercise}: dW has wrong values"), r
            assert "Likely cause" in r.message and "1/m" in r.message, r
        else:
            assert (r.points, r.status) == (r.max_points, "passed"), r
