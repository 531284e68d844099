"""The grader against every kind of submission it must survive, on a small course of our own.

tests/fixtures/course/notebooks/01_tiny.ipynb has two exercises: ``add`` (1 point) and
``mean_of`` (2 points), judged by tests/fixtures/course/tiny_checks.py on the course's own
check engine, as the real course is by ``dl_utils.checks``. Each learner below is made from its learner
version by filling in the exercises, one of them or both broken in a way learners (or
their editors) break notebooks. All of them are graded in one run, as an instructor
would, and each test reads its rows of the report; every submission must come out of
the run byte for byte unchanged. The real course notebooks are graded in
tests/test_grade_course.py.
"""

import contextlib
import hashlib
import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from sandboxed import require_sandbox

from dl_instructor import grade, release
from dl_instructor.files import learner_path

require_sandbox()

SOURCE = Path(__file__).parent / "fixtures" / "course" / "notebooks"
TIMEOUT = 2  # seconds per cell and per call: the fixture's cells take milliseconds
sys.path.insert(0, str(SOURCE.parent))  # tiny_checks, the fixture course's checks

ADD = "def add(a, b):\n    \"\"\"Return a + b.\"\"\"\n"
MEAN = "def mean_of(x):\n    \"\"\"Return the mean of x.\"\"\"\n"
GOOD = {"ex_add": ADD + "    return a + b", "ex_mean_of": MEAN + "    return float(np.mean(x))"}


def learner_version():
    return release.learner_version(nbformat.read(SOURCE / "01_tiny.ipynb", as_version=4))


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def solved(**answers):
    """The learner version with each exercise's cell source from ``answers``, else the right answer."""
    nb = learner_version()
    for grade_id, source in {**GOOD, **answers}.items():
        cell(nb, grade_id).source = source
    return nb


def deleted(nb, *grade_ids):
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in grade_ids]
    return nb


def moved_after(nb, grade_id, after_id):
    moving = cell(nb, grade_id)
    nb.cells.remove(moving)
    nb.cells.insert(nb.cells.index(cell(nb, after_id)) + 1, moving)
    return nb


def stripped(nb):
    for c in nb.cells:
        c.metadata = {}
    return nb


def tampered(nb):
    cell(nb, "check_add").source = "print('add: all checks passed.')"
    return nb


SUBMISSIONS = {
    # Each learner here breaks something; the report fixture adds full marks, a blank notebook and nothing.
    # The grader takes learners in name order: the three that sit out timeouts or restart sandboxes
    # are named to come first, so that the others run meanwhile.
    "syntax_error__returns_none": solved(ex_add=ADD + "    return a +", ex_mean_of=MEAN + "    float(np.mean(x))"),
    # An endless loop that an interrupt stops; it sleeps, so that it does not take a core from the other tests.
    "1_endless_loop__nan": solved(ex_add=ADD + "    import time\n    while True:\n        time.sleep(0.01)",
                                  ex_mean_of=MEAN + "    return float('nan')"),
    "0_stubborn_loop": solved(ex_add=ADD + "    import time\n    while True:\n        try:\n"
                              "            time.sleep(0.05)\n        except BaseException:\n            pass"),
    "2_kernel_dies": solved(ex_add=ADD + "    import os\n    os._exit(3)"),
    "renamed__wrong_type": solved(ex_add="def plus(a, b):\n    return a + b", ex_mean_of=MEAN + "    return str(x)"),
    "exception__huge_output": solved(ex_add=ADD + "    raise ValueError('boom')",
                                     ex_mean_of=MEAN + "    print('spam ' * 2_000_000)\n"
                                     "    for i in range(20_000):\n        print(i)\n    return float(np.mean(x))"),
    "stderr__deleted_exercise": deleted(solved(ex_add=ADD + "    import sys\n    print('careful!', file=sys.stderr)\n"
                                               "    return a + b"), "ex_mean_of"),
    "deleted_check__moved_exercise": moved_after(deleted(solved(ex_add=ADD + "    return helper(a, b)"), "check_add"),
                                                 "ex_mean_of", "check_mean_of"),
    "metadata_stripped": stripped(solved()),
    "tampered_check": tampered(solved(ex_add=ADD + "    return a - b")),
    # Two names that one folder name once stood for (--executed): each learner's feedback stays theirs.
    "same name": solved(ex_add=ADD + "    return a - b"),
    "same_name": solved(),
}
# A learner's own cell, kept where it was: a helper above the exercise that uses it.
_nb = SUBMISSIONS["deleted_check__moved_exercise"]
_nb.cells.insert(_nb.cells.index(cell(_nb, "ex_add")), nbformat.v4.new_code_cell("def helper(a, b):\n    return a + b"))
RAW = {"not_json": b'{"cells": [ this is not json', "not_a_notebook": b"[1, 2, 3]"}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """Grade every learner at once, with the command an instructor runs; return what it made.

    Besides the learners above: ``ada`` solved both exercises, ``bob`` handed in the blank
    learner version under another name (matched by its ``01_`` prefix), ``cy`` handed in nothing.
    """
    folder = tmp_path_factory.mktemp("submissions")
    for learner, nb in SUBMISSIONS.items():
        (folder / learner).mkdir()
        nbformat.write(nb, folder / learner / "01_tiny.ipynb")
    for learner, data in RAW.items():
        (folder / learner).mkdir()
        (folder / learner / "01_tiny.ipynb").write_bytes(data)
    for learner in ("ada", "bob", "cy"):
        (folder / learner).mkdir()
    nbformat.write(solved(), folder / "ada" / "01_tiny.ipynb")
    nbformat.write(learner_version(), folder / "bob" / "01_tiny-Copy1.ipynb")

    def hashes():
        return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}

    before = hashes()
    out = tmp_path_factory.mktemp("report")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        # Three at once on two cores: the endless loops mostly wait for their timeout.
        status = grade.main([str(folder), "--out", str(out / "report"), "--source", str(SOURCE),
                             "--checks", "tiny_checks", "--timeout", str(TIMEOUT), "--jobs", "3",
                             "--executed", str(out / "executed")])
    data = json.loads((out / "report.json").read_text())
    return SimpleNamespace(
        rows={(r["learner"], r["exercise"]): grade.Row(**r) for r in data["rows"]}, data=data, status=status,
        printed=printed.getvalue(), before=before, after=hashes(), out=out,
    )


def row(report, learner, exercise):
    return report.rows[learner, exercise]


def assert_row(report, learner, exercise, points, status, *words):
    r = row(report, learner, exercise)
    assert (r.points, r.status) == (points, status), r
    for word in words:
        assert word in r.message, r
    return r


def test_no_submission_is_modified(report):
    assert report.after == report.before and len(report.before) == len(SUBMISSIONS) + len(RAW) + 2


def test_the_report_has_one_row_per_learner_and_exercise_in_csv_and_json(report):
    rows, data = report.rows, report.data
    learners = [*SUBMISSIONS, *RAW, "ada", "bob", "cy"]
    assert set(rows) == {(learner, ex) for learner in learners for ex in ("add", "mean_of")}
    csv_lines = (report.out / "report.csv").read_text().splitlines()
    assert csv_lines[0] == "learner,notebook,exercise,points,max_points,status,message,seconds,mistake"
    assert len(csv_lines) == 1 + len(rows)
    assert len(data["rows"]) == len(rows)
    assert data["totals"]["metadata_stripped"] == {"points": 3.0, "max_points": 3.0}
    assert {r["notebook"] for r in data["rows"]} == {"01_tiny"}
    assert data["grading"]["sandbox"] == "bubblewrap"


def test_syntax_error(report):
    assert_row(report, "syntax_error__returns_none", "add", 0.0, "failed",
               "add is not defined in the notebook", "your exercise cell failed: SyntaxError")


def test_function_returning_none(report):
    assert_row(report, "syntax_error__returns_none", "mean_of", 0.0, "failed",
               "mean_of: the result is None, expected a number: did you forget `return`?")


def test_endless_loop_is_interrupted_and_the_next_exercise_still_graded(report):
    # Interrupted in time, or, on a busy machine, so late that the sandbox is stopped instead: the same verdict,
    # and the grader words the two apart; either way the next exercise is judged (test_nan_result).
    r = assert_row(report, "1_endless_loop__nan", "add", 0.0, "timeout", "add did not return")
    assert f"within {TIMEOUT} s and was interrupted" in r.message or "did not stop when interrupted" in r.message, r


def test_nan_result(report):
    assert_row(report, "1_endless_loop__nan", "mean_of", 0.0, "failed", "the result is nan, expected a finite number")


def test_loop_that_ignores_interrupts_gets_its_sandbox_stopped_and_only_costs_its_exercise(report):
    assert_row(report, "0_stubborn_loop", "add", 0.0, "timeout", "did not stop when interrupted",
               "sandbox was stopped")
    assert_row(report, "0_stubborn_loop", "mean_of", 2.0, "passed", "mean_of: all checks passed.")


def test_sandbox_that_dies_costs_only_its_exercise(report):
    assert_row(report, "2_kernel_dies", "add", 0.0, "crashed", "stopped the sandbox", "exit status 3")
    assert_row(report, "2_kernel_dies", "mean_of", 2.0, "passed")


def test_renamed_function(report):
    assert_row(report, "renamed__wrong_type", "add", 0.0, "failed", "add is not defined in the notebook")


def test_wrong_type(report):
    assert_row(report, "renamed__wrong_type", "mean_of", 0.0, "failed", "the result is a str ('[1. 2. 6.]')",
               "expected a number (a float): return the number itself, not text made from it")


def test_exception(report):
    assert_row(report, "exception__huge_output", "add", 0.0, "failed", "add raised ValueError: boom")


def test_huge_output_costs_no_points(report):
    r = assert_row(report, "exception__huge_output", "mean_of", 2.0, "passed")
    assert len(r.message) <= grade.MAX_MESSAGE
    assert (report.out / "report.json").stat().st_size < 50_000
    folder = report.out / "executed" / learner_path("exception__huge_output")
    executed = nbformat.read(folder / "01_tiny.ipynb", as_version=4)
    assert sum(len(o.get("text", "")) for c in executed.cells for o in c.get("outputs", [])) < 200_000


def test_stderr_does_not_matter_the_verdict_does(report):
    assert_row(report, "stderr__deleted_exercise", "add", 1.0, "passed", "add: all hidden checks passed.")


def test_deleted_exercise_cell_is_run_blank(report):
    assert_row(report, "stderr__deleted_exercise", "mean_of", 0.0, "failed",
               "exercise cell is missing from the submission", "not implemented yet")


def test_deleted_check_cell_is_restored_and_learner_cells_kept_in_place(report):
    assert_row(report, "deleted_check__moved_exercise", "add", 1.0, "passed", "add: all hidden checks passed.",
               "check cell was missing from the submission; it was restored")


def test_moved_cells_are_run_in_the_source_order(report):
    assert_row(report, "deleted_check__moved_exercise", "mean_of", 2.0, "passed", "moved in the submission")


def test_exercise_found_by_its_def_line_when_nbgrader_metadata_is_gone(report):
    assert_row(report, "metadata_stripped", "add", 1.0, "passed", "lost its nbgrader metadata")
    assert_row(report, "metadata_stripped", "mean_of", 2.0, "passed")


def test_edited_check_cell_counts_for_nothing(report):
    assert_row(report, "tampered_check", "add", 0.0, "failed", "check cell had been edited", "expected 3")


@pytest.mark.parametrize(
    "learner, words", [("not_json", "not valid JSON"), ("not_a_notebook", "not a Jupyter notebook")]
)
def test_file_that_is_not_a_notebook(report, learner, words):
    for exercise in ("add", "mean_of"):
        assert_row(report, learner, exercise, 0.0, "invalid", words)


def test_full_marks_blank_and_missing(report):
    assert report.status == 0
    assert "ada: 3 / 3" in report.printed and "bob: 0 / 3" in report.printed and "cy: 0 / 3" in report.printed
    totals = report.data["totals"]
    assert {learner: totals[learner] for learner in ("ada", "bob", "cy")} == {
        "ada": {"points": 3.0, "max_points": 3.0}, "bob": {"points": 0.0, "max_points": 3.0},
        "cy": {"points": 0.0, "max_points": 3.0}}
    assert row(report, "ada", "add").message == "add: all checks passed. | add: all hidden checks passed."
    assert row(report, "ada", "mean_of").status == "passed"
    for exercise in ("add", "mean_of"):  # the blank learner version
        assert_row(report, "bob", exercise, 0.0, "failed", "not implemented yet")
        assert_row(report, "cy", exercise, 0.0, "not_submitted")


def test_executed_notebooks_are_saved_for_feedback(report):
    executed = nbformat.read(report.out / "executed" / learner_path("ada") / "01_tiny.ipynb", as_version=4)
    assert "[passed: 1 / 1] add: all checks passed." in cell(executed, "check_add").outputs[0]["text"]
    assert "add(2, 3) = 5" in cell(executed, "demo").outputs[0]["text"]


def test_cli_never_writes_into_the_submissions(tmp_path, capsys):
    folder = tmp_path / "submissions"
    (folder / "ada").mkdir(parents=True)
    nbformat.write(solved(), folder / "ada" / "01_tiny.ipynb")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    for inside in (["--out", str(folder / "report")],
                   ["--out", str(tmp_path / "r"), "--executed", str(folder / "ada" / "executed")]):
        with pytest.raises(SystemExit):
            grade.main([str(folder), "--source", str(SOURCE), "--checks", "tiny_checks", *inside])
        assert "outside the submissions folder" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before  # nothing written or added
    assert not (tmp_path / "r.json").exists()


def test_without_a_sandbox_the_grader_refuses_unless_told_and_the_report_says_so(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "submissions"
    (folder / "ada").mkdir(parents=True)
    nbformat.write(solved(), folder / "ada" / "01_tiny.ipynb")
    common = [str(folder), "--source", str(SOURCE), "--checks", "tiny_checks", "--out", str(tmp_path / "r")]
    monkeypatch.setattr(grade.sandbox, "available", lambda: "the sandbox needs Linux (bubblewrap); this is darwin")
    assert grade.main(common) == 2
    assert "this is darwin" in capsys.readouterr().err and not (tmp_path / "r.json").exists()
    assert grade.main([*common, "--no-sandbox"]) == 0
    assert "WITHOUT a sandbox" in capsys.readouterr().out
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["grading"]["sandbox"] == "none (--no-sandbox)"
    assert data["totals"]["ada"] == {"points": 3.0, "max_points": 3.0}


def test_the_class_report_is_a_page_with_plots_and_one_page_per_learner(report):
    page = (report.out / "report.html").read_text()
    assert page.count("<img ") >= 2 and "data:image/png;base64," in page  # self-contained: the plots are inside
    everyone = len(SUBMISSIONS) + len(RAW) + 3
    assert f"The class: {everyone} learners" in page
    learners = report.out / "report_learners"
    assert len(list(learners.glob("*.html"))) == everyone
    summary = {e["exercise"]: e for e in report.data["class"]}
    assert (summary["add"]["submitted"], summary["add"]["learners"]) == (everyone - 1, everyone)  # cy: nothing
    assert summary["add"]["passed"] == sum(r.status == "passed" for (_, ex), r in report.rows.items() if ex == "add")
    # the two loops and the sandbox that died; the two files that are not notebooks
    assert summary["add"]["problems"] == 5
    assert any(p.name.startswith("1_endless_loop__nan-") for p in learners.iterdir())


def test_learner_text_is_escaped_in_the_class_report(tmp_path):
    rows = [grade.Row("<script>alert(1)</script>", "01_tiny", "add", 0.0, 1.0, "failed", "<b>x</b> & y")]
    grade.write_report(rows, tmp_path / "r")
    page = (tmp_path / "r.html").read_text()
    own = next((tmp_path / "r_learners").glob("*.html")).read_text()
    assert "<script>" not in page + own and "&lt;script&gt;" in page and "&lt;b&gt;x&lt;/b&gt; &amp; y" in own


@pytest.mark.parametrize("names", [(".coll", "coll"), ("a b", "a_b"), ("x" * 70, "x" * 71), ("..", "__"), ("/", "_")])
def test_every_path_made_from_a_learner_name_is_one_safe_component_unique_per_learner(names):
    made = [learner_path(n) for n in names] + [learner_path(n, ".html") for n in names]
    assert len(set(made)) == len(made), made
    assert all("/" not in m and not m.startswith(".") and m not in ("", "..") for m in made), made



def test_executed_notebooks_of_learners_whose_names_collide_once_made_safe_stay_apart(report):
    verdicts = {lr: cell(nbformat.read(report.out / "executed" / learner_path(lr) / "01_tiny.ipynb", as_version=4),
                         "check_add").outputs[0]["text"] for lr in ("same name", "same_name")}
    assert verdicts["same name"].startswith("[failed: 0 / 1]") and verdicts["same_name"].startswith("[passed: 1 / 1]")
