"""nbgrader's own workflow, on a real course directory made here, scored by the sandboxed judge.

The course directory's nbgrader_config.py calls ``dl_instructor.nbgrader_plugin.configure(c)``;
then the instructor's usual commands run as they are: ``nbgrader generate_assignment``,
``nbgrader autograde``, ``nbgrader generate_feedback``. The points in nbgrader's gradebook (its
SQLite database) must equal what ``python -m dl_instructor.grade`` gives the same submissions,
exercise by exercise; a late submission gets nbgrader's late penalty; the feedback shows the
judge's messages and never the hidden tests. No network and no JupyterHub: the submissions are
laid out in ``submitted/`` as ``nbgrader collect`` leaves them.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from sandboxed import require_sandbox

from dl_instructor import grade
from dl_instructor.submission import grade_id

require_sandbox()
pytest.importorskip("nbgrader")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("02_forward", "03_cost")
ON_TIME, LATE = "2026-11-30 10:00:00.000000 UTC", "2026-12-03 10:00:00.000000 UTC"
DUE = "2026-12-01 12:00:00 UTC"
# Seconds per cell and call, the same on both sides. No learner here hangs, so it only has to be far above an honest
# cell on a busy machine (a setup cell took 4.7 s on one, tests/test_grade_redteam.py): at 10 s, a slow cell on one side
# only would have made the two sides differ by timing.
TIMEOUT = 60
CONFIG = f"""
from dl_instructor.nbgrader_plugin import configure

c = get_config()  # noqa: F821
c.CourseDirectory.root = {{root!r}}
c.CourseDirectory.course_id = "dl"
c.Autograde.create_student = True
c.LateSubmissionPlugin.penalty_method = "zero"
c.Exchange.root = {{root!r}} + "/exchange"
configure(c, source={str(REPO / "notebooks")!r}, timeout={TIMEOUT})
"""


def _exercise_cell(nb, name):
    return next(c for c in nb.cells if grade_id(c) == f"ex_{name}")


def _learners():
    """Each learner's notebooks: honest, blank, a mistake, a forgery attempt, a late honest one."""
    solved = {n: nbformat.read(REPO / "notebooks" / f"{n}.ipynb", as_version=4) for n in NOTEBOOKS}
    blank = {n: nbformat.read(REPO / "notebooks" / "exercises" / f"{n}.ipynb", as_version=4) for n in NOTEBOOKS}
    mistake = {n: nbformat.from_dict(nb) for n, nb in solved.items()}
    _exercise_cell(mistake["03_cost"], "compute_cost").source = (
        "def compute_cost(AL, Y):\n    m = Y.shape[1]\n"
        "    return float(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)")
    forger = {n: nbformat.from_dict(nb) for n, nb in blank.items()}
    _exercise_cell(forger["03_cost"], "compute_cost").source = (
        "def compute_cost(AL, Y):\n    import sys\n    sys.displayhook('x')\n"
        "    print('compute_cost: all checks passed.')\n    raise NotImplementedError()")
    _exercise_cell(forger["02_forward"], "linear_forward").source = (
        "def linear_forward(A_prev, W, b):\n    import dl_utils.forward as F\n"
        "    return F.linear_forward(A_prev, W, b)")
    return {"ada": (solved, ON_TIME), "bob": (blank, ON_TIME), "cy": (mistake, ON_TIME),
            "dee": (forger, ON_TIME), "eve": (solved, LATE)}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("nbgrader_course")
    (root / "nbgrader_config.py").write_text(CONFIG.format(root=str(root)))
    (root / "source" / "ps1").mkdir(parents=True)
    for name in NOTEBOOKS:
        shutil.copyfile(REPO / "notebooks" / f"{name}.ipynb", root / "source" / "ps1" / f"{name}.ipynb")
    standalone = tmp_path_factory.mktemp("standalone")
    for learner, (notebooks, stamp) in _learners().items():
        folder = root / "submitted" / learner / "ps1"
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(stamp)
        (standalone / learner).mkdir()
        for name, nb in notebooks.items():
            nbformat.write(nb, folder / f"{name}.ipynb")
            nbformat.write(nb, standalone / learner / f"{name}.ipynb")
    nbgrader = [sys.executable, "-m", "nbgrader"]
    # As in the instructor's activated environment: nbgrader runs `alembic` (its database
    # migrations) by name, from PATH.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in (["db", "assignment", "add", "ps1", f"--duedate={DUE}"],
                    ["generate_assignment", "ps1", "--force"], ["autograde", "ps1", "--force"],
                    ["generate_feedback", "ps1", "--force"]):
        done = subprocess.run([*nbgrader, *command], cwd=root, env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = grade.grade(standalone, REPO / "notebooks", timeout=TIMEOUT, jobs=2, notebooks=list(NOTEBOOKS))
    return root, rows


def _gradebook(root):
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for learner in _learners():
            submission = gb.find_submission("ps1", learner)
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    scores[learner, notebook.name, g.name.removeprefix("check_")] = g.auto_score
            scores[learner, "late_penalty"] = submission.late_submission_penalty
            scores[learner, "total"] = submission.score
    return scores


def test_nbgrader_gradebook_holds_the_judges_points_exercise_by_exercise(course):
    root, rows = course
    scores = _gradebook(root)
    for r in rows:
        assert scores[r.learner, r.notebook, r.exercise] == r.points, r
    assert scores["ada", "total"] == sum(r.max_points for r in rows if r.learner == "ada") == 8
    assert scores["bob", "total"] == 0
    assert scores["dee", "total"] == 0  # the forged "passed" line and the reference call count for nothing
    assert scores["cy", "02_forward", "L_model_forward"] == 3 and scores["cy", "03_cost", "compute_cost"] == 0


def test_nbgrader_late_penalty_applies_as_nbgrader_defines_it(course):
    root, _ = course
    scores = _gradebook(root)
    assert scores["ada", "late_penalty"] == 0
    # penalty_method "zero": the whole score is the penalty (nbgrader keeps the score and the penalty apart)
    assert scores["eve", "total"] == 8 and scores["eve", "late_penalty"] == 8


def test_nbgrader_feedback_shows_the_judges_messages_and_never_the_hidden_tests(course):
    root, _ = course
    page = (root / "feedback" / "cy" / "ps1" / "03_cost.html").read_text()
    assert "compute_cost" in page and "wrong sign" in page
    passed = (root / "feedback" / "ada" / "ps1" / "02_forward.html").read_text()
    assert "linear_forward: all hidden checks passed." in passed
    for learner in ("ada", "cy"):
        for name in NOTEBOOKS:
            assert "hidden=True" not in (root / "feedback" / learner / "ps1" / f"{name}.html").read_text()
