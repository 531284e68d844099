"""dl_utils.progress and ``python3 course.py progress``: each exercise written or not, its check's verdict when last
run (the check cell's saved output), what is left; with the standard library only."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dl_utils import progress

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "notebooks" / "exercises"


def _cell(nb, grade_id):
    return next(c for c in nb["cells"] if progress.grade_id(c) == grade_id)


def _learner(name):
    return json.loads((EXERCISES / name).read_text())


def _answer(nb, name, body="    return 1\n", ran=None):
    cell = _cell(nb, "ex_" + name)
    cell["source"] = progress.source(cell).replace("    # YOUR CODE HERE\n    raise NotImplementedError()", body)
    cell["execution_count"] = ran


def _checked(nb, name, passed, ran):
    cell = _cell(nb, "check_" + name)
    cell["execution_count"] = ran
    if passed:
        cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": [f"{name}: all checks passed.\n"]}]
    else:
        cell["outputs"] = [{"output_type": "error", "ename": "CheckFailed", "evalue": f"{name}: Z has shape (3, 1)",
                            "traceback": []}]


def half_done(folder):
    """A course half done: 01 passed, 02 one passed, one failed, one not started; 03 started; 04 not copied."""
    folder.mkdir()
    nb = _learner("01_initialize.ipynb")
    _answer(nb, "initialize_parameters_deep", ran=1)
    _checked(nb, "initialize_parameters_deep", True, 2)
    (folder / "01_initialize.ipynb").write_text(json.dumps(nb))
    nb = _learner("02_forward.ipynb")
    _answer(nb, "linear_forward", ran=1)
    _checked(nb, "linear_forward", True, 2)
    _answer(nb, "linear_activation_forward", ran=3)
    _checked(nb, "linear_activation_forward", False, 4)
    (folder / "02_forward.ipynb").write_text(json.dumps(nb))
    nb = _learner("03_cost.ipynb")
    _answer(nb, "compute_cost", body="    m = Y.shape[1]\n    raise NotImplementedError()", ran=5)
    _checked(nb, "compute_cost", True, 4)  # passed once, before the exercise ran again
    (folder / "03_cost.ipynb").write_text(json.dumps(nb))
    (folder / "03_cost.before-update-1.ipynb").write_text("{}")  # a backup: not a notebook of the course
    return folder


def test_the_table_of_a_half_done_course(tmp_path):
    folder = half_done(tmp_path / "my-work")
    lines, left = progress.table(folder, ["01_initialize.ipynb", "02_forward.ipynb", "03_cost.ipynb",
                                          "04_backward.ipynb"], current="02_forward.ipynb")
    assert lines == [
        "notebook       exercise                    written      check",
        "01_initialize  initialize_parameters_deep  written      passed",
        "02_forward     linear_forward              written      passed  <-",
        "               linear_activation_forward   written      failed",
        "               L_model_forward             not started  not run",
        "03_cost        compute_cost                started      run it again",
        "04_backward    (no copy yet)",
        "",
        "2 of 5 exercises passed their check when last run.",
        "Left: 02_forward linear_activation_forward, L_model_forward; 03_cost compute_cost.",
    ]
    assert left == [("02_forward", "linear_activation_forward"), ("02_forward", "L_model_forward"),
                    ("03_cost", "compute_cost")]


def test_a_copy_that_is_not_a_notebook_is_named_and_the_others_still_listed(tmp_path):
    folder = half_done(tmp_path / "my-work")
    (folder / "02_forward.ipynb").write_text('{"cells": [')
    lines, _ = progress.table(folder)  # default: the folder's NN_<name>.ipynb, not its backups
    assert [line.split()[0] for line in lines[1:4]] == ["01_initialize", "02_forward", "03_cost"]
    assert "(cannot be read: 02_forward.ipynb is not a notebook: its JSON breaks off at line 1" in lines[2]


def test_show_marks_the_notebook_that_calls_it(tmp_path, monkeypatch, capsys):
    folder = half_done(tmp_path / "my-work")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("JPY_SESSION_NAME", str(folder / "01_initialize.ipynb"))
    progress.show()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Your notebooks in my-work/, as last saved:"
    assert out[2].endswith("passed  <-") and out[2].startswith("01_initialize")


@pytest.mark.parametrize("name", sorted(p.name for p in EXERCISES.glob("*.ipynb")))
def test_every_released_exercise_is_listed_not_started(name):
    nb = _learner(name)
    found = progress.exercises(nb)
    assert [e for e, _, _ in found] == [progress.grade_id(c)[3:] for c in nb["cells"] if progress.kind(c) == "exercise"]
    assert {(w, c) for _, w, c in found} == {("not started", "not run")}


def test_the_course_notebooks_pass_every_check():
    # The course's own notebooks are saved from a clean run: every exercise is solved and its check passed.
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for name, written, check in progress.exercises(progress.read(path)):
            assert (written, check) == ("written", "passed"), (path.name, name)


def test_progress_runs_on_the_standard_library_alone(tmp_path):
    folder = half_done(tmp_path / "my-work")
    # -S: no site-packages, so no numpy: the module and course.py's command import nothing but the standard library.
    code = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location('p', sys.argv[1]); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
            "print(m.table(sys.argv[2])[0][-1])")
    out = subprocess.run([sys.executable, "-S", "-c", code, str(ROOT / "dl_utils" / "progress.py"), str(folder)],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("Left: 02_forward")
    copy_of_course = tmp_path / "course"
    (copy_of_course / "dl_utils").mkdir(parents=True)
    for name in ("course.py", "dl_utils/progress.py"):
        (copy_of_course / name).write_bytes((ROOT / name).read_bytes())
    (copy_of_course / "course_update").mkdir()
    for path in (ROOT / "course_update").glob("*.py"):
        (copy_of_course / "course_update" / path.name).write_bytes(path.read_bytes())
    (copy_of_course / "notebooks").mkdir()
    for path in (ROOT / "notebooks").glob("0[1-4]_*.ipynb"):
        (copy_of_course / "notebooks" / path.name).write_bytes(path.read_bytes())
    folder.rename(copy_of_course / "my-work")
    result = subprocess.run([sys.executable, "-S", "course.py", "progress"], cwd=copy_of_course,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Your notebooks in my-work/, as last saved:"
    assert "04_backward    (no copy yet)" in result.stdout
