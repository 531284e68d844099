"""A regrade after one check is corrected names exactly the learners whose points moved.

The tiny course (tests/fixtures/course) is graded twice with the command an instructor runs:
first with its own checks (tiny_checks), whose ``mean_of`` cases, [1, 2, 6] and [-1, 1], happen to
pass a learner who divides by 3 instead of by the length; then with a corrected ``mean_of`` that
adds a case of two values, and ``--compare-to`` the first report. Only the two learners who divide
by 3 lose points; the others' rows, passing or failing, are not named.
"""

import contextlib
import io
import json
import sys
from pathlib import Path

import nbformat
import pytest
from sandboxed import require_sandbox

from dl_instructor import grade, regrade, release

require_sandbox()

SOURCE = Path(__file__).parent / "fixtures" / "course" / "notebooks"
sys.path.insert(0, str(SOURCE.parent))  # tiny_checks

CORRECTED = '''
import numpy as np
from dl_utils.checks._engine import Case, make_check
from tiny_checks import _compare, add  # noqa: F401  (add unchanged)
from dl_utils.checks._compare import FLOAT64


def _mean_cases(hidden=False):
    values = [np.array([-1.0, 1.0])] if hidden else [np.array([1.0, 2.0, 6.0]), np.array([2.0, 4.0])]
    return [Case("a case", {"x": v}, float(np.mean(v)), FLOAT64) for v in values]


mean_of = make_check("mean_of", _mean_cases, _compare)
'''
ADD = "def add(a, b):\n    \"\"\"Return a + b.\"\"\"\n    return a + b"
MEAN = "def mean_of(x):\n    \"\"\"Return the mean of x.\"\"\"\n"
LEARNERS = {  # learner: body of mean_of
    "ada": "    return float(np.mean(x))",
    "bo_sum_over_3": "    return float(np.sum(x) / 3)",
    "cy_median": "    return float(np.median(x))",
    "di_thirds": "    return float(sum(x) / 3.0)",
    "ed_blank": None,
}
MOVED = {"bo_sum_over_3", "di_thirds"}


def _notebook(body):
    nb = release.learner_version(nbformat.read(SOURCE / "01_tiny.ipynb", as_version=4))
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "ex_add" and body is not None:
            cell.source = ADD
        if gid == "ex_mean_of" and body is not None:
            cell.source = MEAN + body
    return nb


def _main(*args):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            status = grade.main([str(a) for a in args])
        except SystemExit as e:  # argparse's error
            status = e.code
    return status, printed.getvalue()


@pytest.fixture(scope="module")
def regraded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    for learner, body in LEARNERS.items():
        (folder / learner).mkdir()
        nbformat.write(_notebook(body), folder / learner / "01_tiny.ipynb")
    checks = tmp_path_factory.mktemp("checks")
    (checks / "tiny_checks_corrected.py").write_text(CORRECTED)
    sys.path.insert(0, str(checks))
    out = tmp_path_factory.mktemp("out")
    common = [folder, "--source", SOURCE, "--timeout", 30, "--jobs", 2]  # a slow machine must not move points
    first = _main(*common, "--out", out / "old", "--checks", "tiny_checks", "--no-similarity")
    roster = out / "canvas_export.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section,tiny (77)\n    Points Possible,,,,,3\n"
                      + "".join(f"{name},{k},,{name},A,\n" for k, name in enumerate(["ada", "bo_sum_over_3", "zed"])))
    second = _main(*common, "--out", out / "new", "--checks", "tiny_checks_corrected", "--compare-to",
                   out / "old.json", "--lms", "canvas", "--roster", roster, "--lms-column", "tiny")
    return out, first, second


def test_the_regrade_names_exactly_the_learners_whose_points_moved(regraded):
    out, first, (status, printed) = regraded
    assert first[0] == 0 and status == 0, printed
    data = json.loads((out / "new.changes.json").read_text())
    assert set(data["learners"]) == MOVED, printed
    assert {(c["learner"], c["exercise"], c["old_points"], c["new_points"]) for c in data["changes"]} == {
        (learner, "mean_of", 2.0, 0.0) for learner in MOVED}
    for c in data["changes"]:
        assert c["old_status"] == "passed" and c["new_status"] == "failed"
        assert "all checks passed" in c["old_message"] and "mean_of" in c["new_message"]
    assert "regrade: 2 exercise(s) of 2 learner(s) changed points" in printed
    for learner in MOVED:
        assert f"{learner} 01_tiny mean_of: 2 -> 0 / 2 (passed -> failed)" in printed
    for learner in set(LEARNERS) - MOVED:
        assert learner + " 01_tiny" not in printed
    csv_lines = (out / "new.changes.csv").read_text().splitlines()
    assert csv_lines[0] == ",".join(regrade.COLUMNS) and len(csv_lines) == 1 + len(MOVED)


def test_the_same_checks_again_change_nothing(regraded):
    out = regraded[0]
    old = regrade.load(out / "old.json")
    assert regrade.compare(old, old) == []
    assert regrade.describe([], "old.json") == ["regrade: no learner's points changed since old.json"]


def test_a_report_of_another_assignment_is_refused_before_grading(regraded, tmp_path):
    out = regraded[0]
    other = json.loads((out / "old.json").read_text())
    for r in other["rows"]:
        r["notebook"] = "02_forward"
    (tmp_path / "other.json").write_text(json.dumps(other))
    (tmp_path / "empty").mkdir()
    status, printed = _main(tmp_path / "empty", "--out", tmp_path / "x", "--source", SOURCE, "--compare-to",
                            tmp_path / "other.json")
    assert status == 2 and "is of another assignment: it graded 02_forward, this run grades 01_tiny" in printed
    assert not (tmp_path / "x.json").exists()
    with pytest.raises(regrade.NotComparable, match="another assignment: it graded 02_forward, this run grades "
                                                    "01_tiny"):
        regrade.compare(other["rows"], regrade.load(out / "old.json"))


def test_a_file_that_is_not_a_report_is_refused(tmp_path):
    (tmp_path / "roster.json").write_text('{"students": []}')
    with pytest.raises(regrade.NotComparable, match="not a report of dl_instructor.grade"):
        regrade.load(tmp_path / "roster.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(regrade.NotComparable, match="cannot be read"):
        regrade.load(tmp_path / "broken.json")


def test_a_learner_new_since_the_old_report_is_a_change():
    row = {"learner": "fay", "notebook": "01_tiny", "exercise": "add", "points": 1.0, "max_points": 1.0,
           "status": "passed", "message": "add: all checks passed."}
    old = [dict(row, learner="ada")]
    changes = regrade.compare(old, [dict(row, learner="ada"), row])
    assert [(c.learner, c.old_points, c.new_points) for c in changes] == [("fay", None, 1.0)]
    assert "fay 01_tiny add: - -> 1 / 1 (not in the old report -> passed)" in "\n".join(regrade.describe(changes))


def test_the_same_run_writes_the_canvas_file_from_the_new_totals(regraded):
    out, _, (status, printed) = regraded
    totals = json.loads((out / "new.json").read_text())["totals"]
    lines = (out / "new.canvas.csv").read_text().splitlines()
    assert lines[:2] == ["Student,ID,SIS User ID,SIS Login ID,Section,tiny (77)", "Points Possible,,,,,3"]
    assert lines[2:] == [f"ada,0,,ada,A,{totals['ada']['points']:g}", "bo_sum_over_3,1,,bo_sum_over_3,A,1",
                         "zed,2,,zed,A,"]
    assert "match no one of the roster (not in the file): cy_median, di_thirds, ed_blank" in printed
    assert "handed in nothing (their grade left empty): zed" in printed


def test_a_roster_of_another_lms_is_refused_before_grading(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "moodle.csv").write_text("First name,Last name,Email address\nAda,L,ada@example.org\n")
    status, printed = _main(tmp_path / "empty", "--out", tmp_path / "x", "--source", SOURCE, "--lms", "canvas",
                            "--roster", tmp_path / "moodle.csv")
    assert status == 2 and "not a Canvas roster" in printed and "use --lms moodle" in printed
    status, printed = _main(tmp_path / "empty", "--out", tmp_path / "x", "--source", SOURCE, "--lms", "canvas")
    assert status == 2 and "--lms and --roster go together" in printed
    assert not (tmp_path / "x.json").exists()


def test_the_grade_command_adds_the_similarity_section_to_its_report(regraded):
    out, _, (status, printed) = regraded
    data = json.loads((out / "new.json").read_text())
    by_exercise = {e["exercise"]: e for e in data["similarity"]["exercises"]}
    # ada, bo_sum_over_3, cy_median and di_thirds wrote both functions; the blank starter is nobody's work
    assert by_exercise["mean_of"]["learners"] == 4 and by_exercise["add"]["learners"] == 4
    assert "Similar submissions" in (out / "new.html").read_text()
    assert "similarity: " in printed and "evidence to read, not a verdict" in printed
    assert "similarity" not in json.loads((out / "old.json").read_text())  # graded with --no-similarity
    assert "Similar submissions" not in (out / "old.html").read_text()
