"""The learner versions in notebooks/exercises/ are what `python -m dl_instructor.release` makes now.

As in nbdev's CI, the generated files are regenerated and compared: they can never drift
from the course notebooks. The other tests check what the generation does (nbgrader's
ClearSolutions, ClearHiddenTests, ClearOutput, LockCells, ComputeChecksums) on a small
source notebook of our own, tests/fixtures/course/notebooks/01_tiny.ipynb.
"""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from dl_instructor import release

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks"
EXERCISES = SOURCE / "exercises"
FIXTURE_SOURCE = Path(__file__).parent / "fixtures" / "course" / "notebooks"
TINY = FIXTURE_SOURCE / "01_tiny.ipynb"


def test_committed_learner_versions_are_up_to_date():
    problems = release.stale(SOURCE, EXERCISES)
    assert problems == [], "notebooks/exercises/ is stale; run `python -m dl_instructor.release`:\n" + "\n".join(
        f"  {name}: {reason}" for name, reason in problems
    )


def test_every_course_notebook_with_exercises_has_a_learner_version():
    with_exercises = [p.name for p in release.course_notebooks(SOURCE) if release.has_exercises(nbformat.read(p, 4))]
    assert with_exercises, "no course notebook has an nbgrader solution cell"
    released = sorted(p.name for p in release.course_notebooks(EXERCISES))
    assert released == with_exercises


@pytest.fixture(scope="module")
def tiny():
    source = nbformat.read(TINY, as_version=4)
    return source, release.learner_version(source)


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.nbgrader.grade_id == grade_id)


def test_solutions_are_replaced_by_the_stub_keeping_signature_and_docstring(tiny):
    _, learner = tiny
    source = cell(learner, "ex_add").source
    assert source == 'def add(a, b):\n    """Return a + b."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'
    text = release.to_text(learner)
    assert "BEGIN SOLUTION" not in text and "return a + b" not in text and "float(np.mean(x))" not in text


def test_hidden_tests_are_removed_and_visible_checks_kept(tiny):
    source, learner = tiny
    assert "hidden=True" in cell(source, "check_add").source
    assert cell(learner, "check_add").source == "checks.add(add)"
    assert cell(learner, "check_mean_of").source == "checks.mean_of(mean_of)"
    assert "HIDDEN TESTS" not in release.to_text(learner)


def test_outputs_and_run_metadata_are_cleared(tiny):
    source, _ = tiny
    run = nbformat.from_dict(source)
    demo = cell(run, "demo")
    demo.outputs = [nbformat.v4.new_output("stream", name="stdout", text="add(2, 3) = 5\n")]
    demo.execution_count = 7
    demo.metadata["execution"] = {"iopub.execute_input": "2026-11-28T04:05:27.302066Z"}
    learner = release.learner_version(run)
    for c in learner.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
        assert "execution" not in c.metadata


def test_cells_are_locked_and_checksummed_as_nbgrader_does(tiny):
    source, learner = tiny
    assert [c.cell_type for c in learner.cells] == [c.cell_type for c in source.cells]
    for c in learner.cells:
        meta = c.metadata.nbgrader
        assert meta["checksum"] and meta["cell_type"] == c.cell_type
        if meta["solution"]:
            assert c.metadata["deletable"] is False and "editable" not in c.metadata
        else:  # text, setup and check cells: read-only
            assert c.metadata["deletable"] is False and c.metadata["editable"] is False
    assert cell(learner, "check_mean_of").metadata.nbgrader.points == 2


def test_the_source_notebook_is_left_unchanged(tiny):
    source, _ = tiny
    assert release.to_text(source) == release.to_text(nbformat.read(TINY, as_version=4))


def test_generation_is_deterministic_text():
    first, second = release.render(FIXTURE_SOURCE), release.render(FIXTURE_SOURCE)
    assert first == second and list(first) == ["01_tiny.ipynb"]
    text = first["01_tiny.ipynb"]
    assert text.endswith("}\n") and json.loads(text)["nbformat"] == 4


def test_check_names_the_stale_files_and_write_fixes_them(tmp_path, capsys):
    source = tmp_path / "notebooks"
    shutil.copytree(FIXTURE_SOURCE, source)
    exercises = source / "exercises"

    assert release.main(["--source", str(source), "--check"]) == 1
    assert "01_tiny.ipynb: missing" in capsys.readouterr().out

    assert release.main(["--source", str(source)]) == 0
    assert release.main(["--source", str(source), "--check"]) == 0
    capsys.readouterr()

    learner = exercises / "01_tiny.ipynb"
    learner.write_text(learner.read_text().replace("raise NotImplementedError()", "return a + b"))
    (exercises / "02_gone.ipynb").write_text("{}")
    assert release.main(["--source", str(source), "--check"]) == 1
    out = capsys.readouterr().out
    assert "01_tiny.ipynb: differs" in out and "02_gone.ipynb: has no course notebook" in out

    assert release.main(["--source", str(source)]) == 0
    assert not (exercises / "02_gone.ipynb").exists()
    assert release.main(["--source", str(source), "--check"]) == 0


def test_a_notebook_without_exercises_gets_no_learner_version(tmp_path):
    nb = nbformat.read(TINY, as_version=4)
    nb.cells = [c for c in nb.cells if not c.metadata.nbgrader.solution and not c.metadata.nbgrader.grade]
    nbformat.write(nb, tmp_path / "06_application.ipynb")
    assert release.render(tmp_path) == {}


@pytest.mark.parametrize(
    "grade_id, broken, reason",
    [
        ("demo", "x = 1\n### BEGIN SOLUTION\nx = 2\n### END SOLUTION", "non-solution cell"),
        ("ex_add", "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b", "no end solution"),
        ("check_add", "check_add(add)\n### BEGIN HIDDEN TESTS\ncheck_add(add, hidden=True)", "No end hidden tests"),
    ],
    ids=["solution-outside-solution-cell", "unterminated-solution", "unterminated-hidden-tests"],
)
def test_malformed_markers_are_an_error_naming_the_file(tmp_path, capsys, grade_id, broken, reason):
    nb = nbformat.read(TINY, as_version=4)
    cell(nb, grade_id).source = broken
    nbformat.write(nb, tmp_path / "01_tiny.ipynb")
    assert release.main(["--source", str(tmp_path), "--check"]) == 2
    err = capsys.readouterr().err
    assert "01_tiny.ipynb" in err and reason in err


def test_outside_the_course_it_says_where_to_run_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # the defaults are relative to the working directory, not to the package
    assert release.main(["--check"]) == 2
    assert "run this from the course repository's root" in capsys.readouterr().err


def test_from_the_course_root_the_defaults_find_the_course(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert release.main(["--check"]) == 0
    assert "the learner versions are up to date" in capsys.readouterr().out
