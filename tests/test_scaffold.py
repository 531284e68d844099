"""The scaffold of a new exercise: three cells with nbgrader's metadata where asked, a record that runs."""

import importlib.util
import io
import shutil
import sys
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

import dl_utils
from dl_instructor import release, scaffold

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def course(tmp_path):
    """Copies of notebook 11 and its cases module, where log_softmax (a dl_utils function, not an exercise) goes."""
    shutil.copy(REPO / "notebooks" / "11_multiclass.ipynb", tmp_path)
    shutil.copy(REPO / "dl_utils" / "checks" / "cases_11_multiclass.py", tmp_path)
    return tmp_path / "11_multiclass.ipynb", tmp_path / "cases_11_multiclass.py"


def grade_ids(nb):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_three_cells_after_the_cell_asked_for_with_nbgrader_metadata_and_ids(course):
    notebook, cases = course
    before = nbformat.read(notebook, as_version=4)
    at = scaffold.scaffold(notebook, cases, "log_softmax", after="check_softmax", points=2)
    nb = nbformat.read(notebook, as_version=4)
    assert 'Exercise("softmax"' in cases.read_text().split('Exercise("log_softmax"')[0]  # after softmax's record
    assert 'Exercise("one_hot"' in cases.read_text().split('Exercise("log_softmax"')[1]
    assert at == grade_ids(before).index("check_softmax") + 1
    assert grade_ids(nb) == grade_ids(before)[:at] + ["md_log_softmax", "ex_log_softmax", "check_log_softmax"] \
        + grade_ids(before)[at:]
    text, code, check = nb.cells[at:at + 3]
    assert [c.cell_type for c in (text, code, check)] == ["markdown", "code", "code"]
    assert [c.id for c in (text, code, check)] == ["md-log-softmax", "ex-log-softmax", "check-log-softmax"]
    assert text.metadata.nbgrader == {"grade": False, "grade_id": "md_log_softmax", "locked": True,
                                      "schema_version": 3, "solution": False, "task": False}
    assert code.metadata.nbgrader == {"grade": False, "grade_id": "ex_log_softmax", "locked": False,
                                      "schema_version": 3, "solution": True, "task": False}
    assert check.metadata.nbgrader == {"grade": True, "grade_id": "check_log_softmax", "locked": True, "points": 2,
                                       "schema_version": 3, "solution": False, "task": False}
    assert code.source.startswith("def log_softmax(Z):\n    \"\"\"Logarithm of the softmax")
    assert "    ### BEGIN SOLUTION\n    Z = as_matrix(\"Z\", Z)\n" in code.source
    assert code.source.endswith("### END SOLUTION")
    assert check.source == ("checks.log_softmax(log_softmax)\n### BEGIN HIDDEN TESTS\n"
                            "checks.log_softmax(log_softmax, hidden=True)\n### END HIDDEN TESTS")
    # nbgrader's own preprocessors accept the cells and make the learner's version of them
    learner = release.learner_version(nb)
    cleared = next(c for c in learner.cells if c.get("id") == "ex-log-softmax")
    assert "BEGIN SOLUTION" not in cleared.source and "raise NotImplementedError()" in cleared.source
    assert "hidden=True" not in next(c for c in learner.cells if c.get("id") == "check-log-softmax").source


def test_the_record_skeleton_imports_and_its_check_runs(course, monkeypatch):
    notebook, cases = course
    original = grade_ids(nbformat.read(notebook, as_version=4))
    scaffold.scaffold(notebook, cases, "log_softmax")
    spec = importlib.util.spec_from_file_location("dl_utils.checks._scaffolded", cases)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    # the records in the notebook's order: the new one after the record of the last check cell before its cells
    last_check = [g for g in original if g and g.startswith("check_")][-1].removeprefix("check_")
    names = [r.name for r in module.EXERCISES]
    assert names.index("log_softmax") == names.index(last_check) + 1
    record = replace(module.EXERCISES[names.index("log_softmax")], notebook="11_multiclass.ipynb")
    assert (record.name, record.reference, record.hand, record.uses) == ("log_softmax", dl_utils.log_softmax, [], ())
    printed = io.StringIO()
    with redirect_stdout(printed):
        record.check()(dl_utils.log_softmax)
        record.check()(dl_utils.log_softmax, hidden=True)
    assert printed.getvalue().splitlines()[0] == "log_softmax: all checks passed."
    assert "log_softmax: all hidden checks passed." in printed.getvalue()
    # by default the new cells come right after the notebook's last check cell
    last = max(i for i, g in enumerate(original) if g and g.startswith("check_")) + 1
    assert grade_ids(nbformat.read(notebook, as_version=4))[last:last + 3] == ["md_log_softmax", "ex_log_softmax",
                                                                                "check_log_softmax"]


@pytest.mark.parametrize(("name", "after", "says"), [
    ("softmax", None, "is an exercise already"),
    ("no_such_function", None, "dl_utils has no function no_such_function"),
    ("log_softmax", "check_nothing", "no cell has the grade_id 'check_nothing'"),
])
def test_refuses_and_changes_nothing(course, name, after, says):
    notebook, cases = course
    before = notebook.read_bytes(), cases.read_bytes()
    with pytest.raises(scaffold.ScaffoldError, match=says):
        scaffold.scaffold(notebook, cases, name, after=after)
    assert (notebook.read_bytes(), cases.read_bytes()) == before


def test_twice_is_refused(course):
    notebook, cases = course
    scaffold.scaffold(notebook, cases, "log_softmax")
    with pytest.raises(scaffold.ScaffoldError, match="already has the cells"):
        scaffold.scaffold(notebook, cases, "log_softmax")


def _function(name, module):
    def fn(dA, cache):
        return dA

    fn.__name__, fn.__qualname__, fn.__module__ = name, name, f"dl_utils.{module}"
    return fn


@pytest.mark.parametrize(("name", "module", "notebook"), [
    # names no exercise or library function has (tanh_backward would be exported once it is an exercise)
    ("example_backward", "activations", "04_backward.ipynb"),
    ("example_dropout_mask", "regularization", "09_regularization.ipynb"),
])
def test_a_reference_not_yet_exported_is_exported_in_its_notebooks_section(tmp_path, name, module, notebook):
    import ast

    package = tmp_path / "__init__.py"
    shutil.copy(REPO / "dl_utils" / "__init__.py", package)
    assert scaffold.export(package, _function(name, module), notebook)
    tree = ast.parse(package.read_text())
    imports = {a.name: n.module for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}
    assert imports[name] == module
    names = next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "__all__")
    assert [e.value for e in names.elts].count(name) == 1
    section = "# 01-06" if notebook < "06" else f"# {notebook[:2]}"
    text = package.read_text()
    after = text[text.index(section):]
    assert after.index(f'"{name}"') < (after.index("\n    #", 1) if "\n    #" in after[1:] else len(after))
    before = package.read_text()
    assert not scaffold.export(package, _function(name, module), notebook)  # once only
    assert package.read_text() == before
