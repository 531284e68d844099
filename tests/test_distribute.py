"""The class's copy of the course: no solution, no reference of an exercise still to be graded, and it runs.

Built once with notebooks 02 to 04 held (their exercises still to be graded); then searched for the
solutions' text and the stripped references' source, and notebook 02's learner version, filled in with
a learner's answers, is run there by a kernel that imports the copy's ``dl_utils``.
"""

import ast
import inspect
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import dl_utils
from dl_instructor import distribute, submission

ROOT = Path(__file__).resolve().parent.parent
HELD = ["02_forward", "03_cost", "04_backward"]


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    out = tmp_path_factory.mktemp("class") / "course"
    gone = distribute.build(out, HELD, ROOT / "notebooks")
    texts = {p: p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file() and p.suffix != ".h5"}
    return out, gone, texts


def _body(fn):
    """A function's body (docstring left out), as written in its source."""
    source = inspect.getsource(fn).strip()
    node = ast.parse(source).body[0]
    body = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body
    lines = source.splitlines()
    return "\n".join(lines[body[0].lineno - 1:body[-1].end_lineno])


def _lines(text):
    """The text's lines without their indentation, blank ones left out: the same code wherever it is indented."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def test_no_solution_and_no_stripped_reference_is_in_the_copy(copy):
    out, gone, texts = copy
    assert {"linear_forward", "compute_cost", "L_model_backward", "predict"} <= set(gone)
    assert not any("BEGIN SOLUTION" in t or "BEGIN HIDDEN TESTS" in t for t in texts.values())
    flattened = [_lines(t) for t in texts.values()]  # a solution's lines, in order, anywhere: its text
    for notebook in HELD:
        nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                solution = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
                assert not any(_lines(solution) in flat for flat in flattened), solution
    for name in ("linear_forward", "compute_cost", "linear_backward", "L_model_backward"):
        assert not any(_lines(_body(getattr(dl_utils, name))) in flat for flat in flattened), name
    assert not any("W @ A_prev + b" in t for path, t in texts.items() if path.suffix == ".py")
    assert not (out / "dl_instructor").exists() and not (out / "tests").exists()
    assert not list((out / "notebooks").glob("0[2-4]_*.ipynb"))  # the course notebooks with solutions
    assert "is not available while 02_forward, 03_cost, 04_backward is graded" in texts[out / "dl_utils" / "forward.py"]


def test_a_notebook_not_held_keeps_its_references(copy):
    out, gone, texts = copy
    assert "update_parameters" not in gone and "initialize_parameters_deep" not in gone
    update = texts[out / "dl_utils" / "update.py"]
    assert _lines(_body(dl_utils.update_parameters)) in _lines(update)


def test_an_exercise_notebook_runs_there_with_a_learners_answers(copy, monkeypatch):
    out = copy[0]
    nb = nbformat.read(out / "notebooks" / "exercises" / "02_forward.ipynb", as_version=4)
    solved = nbformat.read(ROOT / "notebooks" / "02_forward.ipynb", as_version=4)
    answers = {submission.grade_id(c): c.source for c in solved.cells if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in nb.cells:
        if submission.grade_id(cell) in answers:
            cell.source = answers[submission.grade_id(cell)]
    nb.cells.append(nbformat.v4.new_code_cell("import dl_utils\nprint(dl_utils.__file__)"))
    monkeypatch.setenv("PYTHONPATH", str(out) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(out / "notebooks" / "exercises")}}).execute()
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert str(out / "dl_utils" / "__init__.py") in printed  # the copy's library, not the course's
    assert "linear_forward: not checked in this copy of the course while its exercises are graded" in printed
    assert not any(o.output_type == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_a_held_reference_says_to_write_your_own(copy, monkeypatch):
    import subprocess
    import sys

    out = copy[0]
    done = subprocess.run([sys.executable, "-c", "import dl_utils\ndl_utils.linear_forward(1, 2, 3)"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(out)}, cwd=out)
    assert "RuntimeError: dl_utils.linear_forward is not available while 02_forward" in done.stderr
    assert "write your own" in done.stderr


def test_a_folder_that_is_not_empty_or_an_unknown_notebook_is_refused(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file").write_text("")
    with pytest.raises(ValueError, match="is not empty"):
        distribute.build(tmp_path / "x", HELD, ROOT / "notebooks")
    with pytest.raises(ValueError, match="not course notebooks with exercises: 06_application"):
        distribute.build(tmp_path / "y", ["06_application"], ROOT / "notebooks")


def test_due_dates_hold_the_notebooks_due_today_or_later(tmp_path, capsys):
    import datetime

    due = distribute.parse_due(["02_forward=2026-10-05", "03_cost=2026-10-12", "04_backward=2026-10-19"])
    assert distribute.held_on(due, datetime.date(2026, 10, 5)) == ["02_forward", "03_cost", "04_backward"]
    assert distribute.held_on(due, datetime.date(2026, 10, 6)) == ["03_cost", "04_backward"]
    with pytest.raises(ValueError, match="expected NOTEBOOK=YYYY-MM-DD"):
        distribute.parse_due(["02_forward=5 October"])
    with pytest.raises(SystemExit):
        distribute.main(["--out", str(tmp_path / "c"), "--due", "02_forward=2026-10-05", "--today", "2026-11-01"])
    assert "nothing to hold" in capsys.readouterr().err
