"""``python3 course.py update``: the course's new version of a notebook merged into the learner's copy (course_update/).

The learner's copy of 04_backward has an answer in every exercise, a cell of their own and an
edited text cell; the course's new version changes a text cell and a check, adds an exercise and
removes one. After the update every answer and the added cell are there byte for byte, every
course cell is the new one, the old copy is beside it, and the summary line is exact. Each bad
input (not JSON, cells that lost their metadata, the notebook open in JupyterLab, a read-only
folder or file) gets its message and changes nothing. A merged copy, run by nbconvert, passes
its checks.
"""

import copy
import http.server
import importlib.util
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from dl_utils import checks

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course_update  # noqa: E402
from course_update import merge as merging  # noqa: E402

progress = course_update.progress
NAME = "04_backward.ipynb"
# 04's exercises, from the checks' registry, so that a new exercise in 04 needs no change here; the course's
# next version (course_change) removes sigmoid_backward.
EXERCISES = [name for name in checks.EXERCISE_NAMES if checks.exercise(name).notebook == NAME]
KEPT = [name for name in EXERCISES if name != "sigmoid_backward"]
ADDED = {"cell_type": "code", "execution_count": None, "id": "mine-0001", "metadata": {"tags": ["mine"]},
         "outputs": [], "source": ["# my own cell: how big are the gradients?\n", "print(\"mine\")"]}


def _cell(nb, grade_id):
    return next(c for c in nb["cells"] if progress.grade_id(c) == grade_id)


def _released(cells):
    """Cells as the release writes them: each with nbgrader's checksum of itself."""
    for cell in cells:
        cell["metadata"]["nbgrader"]["checksum"] = progress.checksum(cell)
    return cells


def answered(learner, course):
    """The learner version ``learner`` with each exercise answered by the course notebook's solution."""
    nb = copy.deepcopy(learner)
    for cell in nb["cells"]:
        if progress.kind(cell) == "exercise":
            solution = progress.source(_cell(course, progress.grade_id(cell)))
            cell["source"] = "".join(line for line in solution.splitlines(keepends=True)
                                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return nb


def learners_copy():
    """04_backward as released today, answered everywhere, with an added cell and an edited text cell."""
    base = json.loads((ROOT / "notebooks" / "exercises" / NAME).read_text())
    mine = answered(base, json.loads((ROOT / "notebooks" / NAME).read_text()))
    at = mine["cells"].index(_cell(mine, "check_relu_backward")) + 1
    mine["cells"].insert(at, copy.deepcopy(ADDED))
    _cell(mine, "md_02")["source"] = progress.source(_cell(mine, "md_02")) + "\n\nMY NOTE: 1/m only once!"
    return base, mine


def course_change(base):
    """The course's next version: md_03 and a check changed, an exercise added after md_10, sigmoid_backward gone."""
    new = copy.deepcopy(base)
    cells = new["cells"]
    _cell(new, "md_03")["source"] = "## Through the activation (corrected)\n\nThe text the course corrected."
    check = _cell(new, "check_linear_backward")
    check["source"] = "# all three gradients, dA_prev, dW and db\n" + progress.source(check)
    gone = {"md_04", "ex_sigmoid_backward", "check_sigmoid_backward"}
    cells[:] = [c for c in cells if progress.grade_id(c) not in gone]
    exercise = copy.deepcopy(_cell(base, "ex_relu_backward"))
    exercise["source"] = "def relu_backward_again(dA, cache):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    exercise["id"] = "ex-relu-backward-again"
    exercise["metadata"]["nbgrader"]["grade_id"] = "ex_relu_backward_again"
    again = copy.deepcopy(_cell(base, "check_relu_backward"))
    again["source"] = "checks.relu_backward(relu_backward_again)"
    again["id"] = "check-relu-backward-again"
    again["metadata"]["nbgrader"]["grade_id"] = "check_relu_backward_again"
    at = cells.index(_cell(new, "md_10")) + 1
    cells[at:at] = [exercise, again]
    _released(cells)
    return new


def course_and_copy(tmp_path, base, mine, new):
    """A course folder whose learner version of 04 is ``new``, and my-work/ with ``mine`` made from ``base``."""
    course, my_work = tmp_path / "notebooks", tmp_path / "my-work"
    (course / "exercises").mkdir(parents=True)
    my_work.mkdir()
    (course / NAME).write_bytes((ROOT / "notebooks" / NAME).read_bytes())
    (course / "exercises" / NAME).write_text(course_update.to_text(new), encoding="utf-8")
    (my_work / NAME).write_text(course_update.to_text(mine), encoding="utf-8")
    course_update.write_record(my_work, {NAME: course_update.record_entry(course_update.to_text(base))})
    return course, my_work


def _block(cell):
    """The exact text of ``cell`` inside a notebook file, as nbformat and JupyterLab write it."""
    lines = course_update.to_text({"cells": [cell]}).splitlines(keepends=True)
    return "".join(lines[2:-2]).rstrip(",\n")


def test_the_merge_keeps_every_answer_and_added_cell_and_takes_every_course_cell(tmp_path):
    base, mine = learners_copy()
    new = course_change(base)
    course, my_work = course_and_copy(tmp_path, base, mine, new)
    before = (my_work / NAME).read_bytes()

    lines, code = course_update.update(course, my_work)

    assert code == 0
    assert lines == [
        "04_backward: 1 text cell and 1 check updated, 1 check and 1 exercise added, 1 text cell and 1 check "
        "removed, sigmoid_backward removed from the course, your answer kept at the end, your edits to 1 text cell "
        f"replaced by the course's (the backup has them), your {len(KEPT)} answers and 1 added cell kept",
        "Your copies as they were before: my-work/04_backward.before-update-1.ipynb.",
    ]
    assert (my_work / "04_backward.before-update-1.ipynb").read_bytes() == before
    text = (my_work / NAME).read_text()
    merged = json.loads(text)
    for cell in mine["cells"]:  # every answer and the added cell, byte for byte
        if progress.kind(cell) in ("exercise", None):
            assert _block(cell) in text
    for cell in new["cells"]:  # every course cell the new one; the new exercise blank
        kept = _cell(merged, progress.grade_id(cell))
        if progress.kind(cell) == "exercise" and progress.grade_id(cell) != "ex_relu_backward_again":
            assert kept == _cell(mine, progress.grade_id(cell))
        else:
            assert progress.source(kept) == progress.source(cell)
    ids = [progress.grade_id(c) for c in merged["cells"]]
    # The course's order, the added cell after the cell it followed, the removed exercise last under its heading.
    expected = [progress.grade_id(c) for c in new["cells"]]
    expected.insert(expected.index("check_relu_backward") + 1, None)
    assert ids == expected + [None, "ex_sigmoid_backward"]
    assert merged["cells"][-2]["metadata"] == {merging.REMOVED_KEY: "ex_sigmoid_backward"}
    assert "No longer in the course: `sigmoid_backward`" in progress.source(merged["cells"][-2])
    assert len({c["id"] for c in merged["cells"]}) == len(merged["cells"])
    nbformat.validate(nbformat.reads(text, as_version=4))  # what JupyterLab and nbgrader will read

    # Updated once: a second update finds nothing to do, and changes nothing.
    assert course_update.update(course, my_work) == (["04_backward: up to date"], 0)
    assert (my_work / NAME).read_text() == text
    assert not (my_work / "04_backward.before-update-2.ipynb").exists()


def test_a_copy_recorded_by_the_old_course_py_is_merged_from_its_own_checksums(tmp_path):
    # course.py used to record only the sha256 of what a copy was made from: the cells' base is then the
    # checksums the release wrote into the copy, and the merge says the same.
    base, mine = learners_copy()
    course, my_work = course_and_copy(tmp_path, base, mine, course_change(base))
    sha = course_update.record_entry(course_update.to_text(base))["sha256"]
    (my_work / ".copies.json").write_text(json.dumps({NAME: sha}))
    lines, code = course_update.update(course, my_work)
    assert code == 0 and lines[0].startswith("04_backward: 1 text cell and 1 check updated, 1 check and 1 exercise "
                                             "added, 1 text cell and 1 check removed, sigmoid_backward removed")
    assert lines[0].endswith("your edits to 1 text cell replaced by the course's (the backup has them), "
                             f"your {len(KEPT)} answers and 1 added cell kept")
    assert isinstance(json.loads((my_work / ".copies.json").read_text())[NAME]["cells"], dict)


def test_a_changed_def_line_keeps_the_answer_and_names_the_exercise():
    base, mine = learners_copy()
    helper = _cell(mine, "ex_relu_backward")  # a helper of the learner's own: its def line is no course's
    helper["source"] = "def _mask(Z):\n    return Z > 0\n\n\n" + progress.source(helper)
    new = copy.deepcopy(base)
    relu = _cell(new, "ex_relu_backward")
    relu["source"] = progress.source(relu).replace("Backward step of ReLU", "The backward step of ReLU")
    cell = _cell(new, "ex_linear_backward")
    cell["source"] = progress.source(cell).replace("(dZ, cache):", "(dZ, cache, m):")
    _released(new["cells"])
    merged, summary = merging.merge(mine, new, course_update.record_entry(course_update.to_text(base))["cells"])
    assert _cell(merged, "ex_linear_backward") == _cell(mine, "ex_linear_backward")
    assert _cell(merged, "ex_relu_backward") == helper
    assert summary.line("04_backward") == (
        "04_backward: the starting code of relu_backward, linear_backward changed under your answers, your edits to "
        "1 text cell "
        f"replaced by the course's (the backup has them), your {len(EXERCISES)} answers and 1 added cell kept; "
        "look at linear_backward: the course changed its def line")


def test_an_exercise_not_started_takes_the_new_starting_code_and_outputs_of_unchanged_cells_stay():
    base = json.loads((ROOT / "notebooks" / "exercises" / NAME).read_text())
    mine = copy.deepcopy(base)
    ran = _cell(mine, "code_04_flow")
    ran["outputs"], ran["execution_count"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}], 3
    new = copy.deepcopy(base)
    cell = _cell(new, "ex_relu_backward")
    cell["source"] = progress.source(cell).replace("# YOUR CODE HERE", "# YOUR CODE HERE (one line)")
    _released(new["cells"])
    merged, summary = merging.merge(mine, new)  # no record: the copy's own nbgrader checksums are its base
    assert _cell(merged, "ex_relu_backward") == _cell(new, "ex_relu_backward")
    assert _cell(merged, "code_04_flow") == ran
    assert summary.line("04_backward") == "04_backward: 1 exercise updated"


def test_the_checksum_is_nbgraders():
    from nbgrader.utils import compute_checksum

    for path in sorted((ROOT / "notebooks" / "exercises").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert progress.checksum(cell) == compute_checksum(cell) == cell.metadata.nbgrader.checksum


# ---------------------------------------------------------------- bad input: a message, and nothing changed


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class _Sessions(http.server.BaseHTTPRequestHandler):
    """A Jupyter server's sessions API, with 04_backward.ipynb open."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        ok = self.path == "/api/sessions" and self.headers.get("Authorization") == "token secret"
        body = json.dumps([{"path": NAME, "type": "notebook", "kernel": {"id": "k"}}]).encode()
        self.send_response(200 if ok else 403)
        self.end_headers()
        self.wfile.write(body if ok else b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def jupyter_lab(tmp_path, monkeypatch):
    """A Jupyter server serving tmp_path that has my-work/04_backward.ipynb open (its sessions API, and its file)."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Sessions)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (runtime / f"jpserver-{os.getpid()}.json").write_text(json.dumps(
        {"url": f"http://127.0.0.1:{server.server_port}/", "token": "secret", "pid": os.getpid(),
         "root_dir": str(tmp_path / "my-work")}))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    yield
    server.shutdown()


def _not_json(my_work):
    (my_work / NAME).write_text((my_work / NAME).read_text()[:5000])


def _pasted(my_work):
    nb = json.loads((my_work / NAME).read_text())
    for cell in nb["cells"]:
        cell["metadata"] = {}
    (my_work / NAME).write_text(course_update.to_text(nb))


def _read_only_folder(my_work):
    my_work.chmod(0o555)


def _read_only_copy(my_work):
    (my_work / NAME).chmod(0o444)


BAD = {
    "not JSON": (_not_json, "04_backward.ipynb is not a notebook: its JSON breaks off at line"),
    "pasted cells": (_pasted, f"the answer to {', '.join('ex_' + name for name in KEPT)} is in a cell without its "
                              "nbgrader metadata"),
    "read-only folder": (_read_only_folder, "my-work/ is read-only"),
    "read-only copy": (_read_only_copy, "my-work/04_backward.ipynb is read-only"),
    "open in JupyterLab": ("jupyter_lab", "my-work/04_backward.ipynb is open in JupyterLab (http://127.0.0.1:"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_gets_its_message_and_changes_nothing(case, tmp_path, request):
    base, mine = learners_copy()
    course, my_work = course_and_copy(tmp_path, base, mine, course_change(base))
    spoil, message = BAD[case]
    if isinstance(spoil, str):
        request.getfixturevalue(spoil)
    else:
        spoil(my_work)
    before = _snapshot(my_work)
    try:
        lines, code = course_update.update(course, my_work)
        assert code == 1
        assert lines[-1] == "Nothing was changed."
        assert any(message in line for line in lines), lines
        assert _snapshot(my_work) == before
    finally:
        my_work.chmod(0o755)
        (my_work / NAME).chmod(0o644)


# ---------------------------------------------------------------- course.py says so, and a merged copy runs


def _course_module():
    spec = importlib.util.spec_from_file_location("course_for_update", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_learner_line_says_what_changed_and_names_the_update_command(tmp_path, monkeypatch, capsys):
    base, mine = learners_copy()
    course, my_work = course_and_copy(tmp_path, base, mine, course_change(base))
    before = _snapshot(my_work)
    course_py = _course_module()
    monkeypatch.setattr(course_py, "COURSE", course)
    monkeypatch.setattr(course_py, "MY_WORK", my_work)
    course_py.report_copies()
    out = capsys.readouterr().out
    assert ("== 04_backward.ipynb has changed in the course since your copy was made: 1 text cell and 1 check "
            "updated, 1 check and 1 exercise added, 1 text cell and 1 check removed, sigmoid_backward removed from "
            "the course, your answer kept at the end. Your copy is untouched.") in out
    assert "python3 course.py update" in out
    assert _snapshot(my_work) == before  # told, not merged


def test_a_merged_copy_passes_its_checks_where_the_answers_were_right(tmp_path):
    base, mine = learners_copy()
    new = copy.deepcopy(base)  # the text and a check changed: the merged copy runs from top to bottom
    _cell(new, "md_03")["source"] = "## Through the activation (corrected)"
    check = _cell(new, "check_linear_backward")
    check["source"] = "# all three gradients\n" + progress.source(check)
    _released(new["cells"])
    course, my_work = course_and_copy(tmp_path, base, mine, new)
    assert course_update.update(course, my_work)[1] == 0
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    "--ExecutePreprocessor.record_timing=False", str(my_work / NAME)],
                   check=True, capture_output=True, cwd=my_work)
    ran = json.loads((my_work / NAME).read_text())
    from dl_utils import checks  # the exercises of the notebook, as the checks know them (a new one included)

    assert progress.exercises(ran) == [(name, "written", "passed") for name in checks.EXERCISE_NAMES
                                       if checks.exercise(name).notebook == NAME]
    added = next(c for c in ran["cells"] if c.get("id") == ADDED["id"])
    assert "".join(added["outputs"][0]["text"]) == "mine\n"


def test_the_update_command_runs_on_the_standard_library_alone(tmp_path):
    # -S: no site-packages, so no numpy: the system's Python of a learner's shell, outside the course's environment.
    base, mine = learners_copy()
    course, my_work = course_and_copy(tmp_path, base, mine, course_change(base))
    for path in [ROOT / "course.py", ROOT / "dl_utils" / "progress.py", *(ROOT / "course_update").glob("*.py")]:
        (tmp_path / path.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path.relative_to(ROOT)).write_bytes(path.read_bytes())
    result = subprocess.run([sys.executable, "-S", "course.py", "update", "04_backward"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("== 04_backward: 1 text cell and 1 check updated")
    assert (my_work / "04_backward.before-update-1.ipynb").exists()
