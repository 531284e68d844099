"""The class's copy of the course: no solution, no reference of an exercise still to be graded, and it runs.

Built once with notebooks 02 to 04 held (their exercises still to be graded); then searched for the
solutions' text and the stripped references' source, and every notebook of the copy, filled in with a
learner's answers and saved (as a learner who did each step has them), is run to its end there by a
kernel that imports the copy's ``dl_utils``: the later notebooks use the learner's own functions.
"""

import ast
import inspect
import os
from pathlib import Path

import nbformat
import numpy as np
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
    assert gone == sorted(distribute.held_by(ROOT / "notebooks", HELD))  # each the learner's own here
    # predict, L_layer_model, L_model_forward_softmax call held exercises (the learner's own) and hold
    # no statement of a held answer: given back, so that 05 and 11 run
    assert "predict" not in gone and "L_model_forward_softmax" not in gone
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
    assert "return your_own('linear_forward', '02_forward')(A_prev, W, b)" in texts[out / "dl_utils" / "forward.py"]


def test_a_notebook_not_held_keeps_its_references(copy):
    out, gone, texts = copy
    assert "update_parameters" not in gone and "initialize_parameters_deep" not in gone
    update = texts[out / "dl_utils" / "update.py"]
    assert _lines(_body(dl_utils.update_parameters)) in _lines(update)


def test_every_notebook_runs_to_its_end_there_with_a_learners_answers(copy, monkeypatch):
    out = copy[0]
    paths = sorted((out / "notebooks").rglob("*.ipynb"))
    assert len(paths) == len(list((ROOT / "notebooks").glob("*.ipynb")))
    # 06_application (no exercise) trains about forty networks, minutes even on the course's library; the
    # learner's own steps reach it through L_layer_model and predict, which 05, 08 and 09 call too
    paths = [p for p in paths if p.stem != "06_application"]
    for path in paths:  # every step done and saved, as the learner has them when running a later one
        nb = nbformat.read(path, as_version=4)
        solved = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        answers = {submission.grade_id(c): c.source for c in solved.cells
                   if c.metadata.get("nbgrader", {}).get("solution")}
        for cell in nb.cells:
            if submission.grade_id(cell) in answers:
                cell.source = answers[submission.grade_id(cell)]
        nbformat.write(nb, path)
    monkeypatch.setenv("PYTHONPATH", str(out) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("import dl_utils\nprint(dl_utils.__file__)"))
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                       ).execute()  # raises CellExecutionError at a cell that raises: Run All stops there
        printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        assert str(out / "dl_utils" / "__init__.py") in printed, path.name  # the copy's library
        if path.stem == "02_forward":
            assert "linear_forward: not checked in this copy of the course while its exercises are graded" in printed


def test_a_held_reference_says_to_write_your_own(copy, monkeypatch):
    import subprocess
    import sys

    out = copy[0]
    blank = out.parent / "blank"
    distribute.build(blank, HELD, ROOT / "notebooks")  # the copy as handed out: 02 not written yet
    done = subprocess.run([sys.executable, "-c", "import dl_utils\ndl_utils.linear_forward(1, 2, 3)"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(blank)}, cwd=blank)
    assert "RuntimeError: dl_utils.linear_forward is, while 02_forward is graded, your own linear_forward of " \
           "02_forward.ipynb, which is not written yet: write it there and save the notebook" in done.stderr


def test_a_user_holding_an_answers_statement_stays_emptied():
    """A library function that computes as a held answer does (not only calls it) is not given back."""
    answer = "    Z = np.dot(W, A_prev) + b\n"
    sources = {"dl_utils/forward.py": f"def linear_forward(A_prev, W, b):\n{answer}    return Z\n\n\n"
                                      f"def twice(A_prev, W, b):\n    linear_forward(A_prev, W, b)\n{answer}"
                                      "    return 2 * Z\n\n\n"
                                      "def caller(A_prev, W, b):\n    out = linear_forward(A_prev, W, b)\n"
                                      "    return out\n"}
    stripped = distribute.strip.strip(sources, {"linear_forward"}, "02_forward")
    out, gone = distribute.your_own_instead(sources, stripped, {"linear_forward": "02_forward"})
    text = out["dl_utils/forward.py"]
    assert gone == {"linear_forward", "twice"}
    assert "np.dot(W, A_prev)" not in text and "is not available while 02_forward is graded" in text
    assert "out = linear_forward(A_prev, W, b)" in text  # caller: given back
    assert "return your_own('linear_forward', '02_forward')(A_prev, W, b)" in text


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


def test_the_copys_compute_cost_of_a_saturated_output_is_finite_as_the_librarys(tmp_path):
    """The learner's plain cost (03's answer) through the copy's dl_utils: finite where AL is exactly 0 or 1.

    Without it 06 stopped in the copy, every step written as the course writes it: the spiral at learning
    rate 3 saturates AL, 0 * log(0) made the cost nan, and L_layer_model stopped a sound training as diverged.
    """
    import subprocess
    import sys

    out = tmp_path / "course"
    distribute.build(out, ["03_cost"], ROOT / "notebooks")
    path = out / "notebooks" / "exercises" / "03_cost.ipynb"
    nb = nbformat.read(path, as_version=4)
    solved = nbformat.read(ROOT / "notebooks" / "03_cost.ipynb", as_version=4)
    answers = {submission.grade_id(c): c.source for c in solved.cells if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in nb.cells:
        cell.source = answers.get(submission.grade_id(cell), cell.source)
    nbformat.write(nb, path)
    code = ("import numpy as np, dl_utils\nY = np.array([[1, 0, 1]])\n"
            "print(repr(dl_utils.compute_cost(np.array([[1.0, 0.0, 0.5]]), Y)))\n"
            "print(repr(dl_utils.compute_cost(np.array([[0.9, 0.2, 0.6]]), Y)))\n"
            "print(dl_utils.compute_cost.__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=path.parent, check=True,
                          env={**os.environ, "PYTHONPATH": str(out)})
    saturated, plain, module = done.stdout.split()
    assert float(saturated) == dl_utils.compute_cost(np.array([[1.0, 0.0, 0.5]]), np.array([[1, 0, 1]]))
    assert float(plain) == pytest.approx(-np.sum(np.log([0.9, 0.8, 0.6])) / 3, rel=1e-12)  # the learner's formula
    assert "RuntimeWarning" not in done.stderr and module == "dl_utils.cost"
