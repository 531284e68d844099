"""How conftest.py shares the tests between the workers: its lists name what exists, and no unit of work
it takes out of a file shares a module-scoped fixture with the rest of that file (which would then be
built twice, once on each worker, or give the file's tests a fixture in another state)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def conftest(request):
    """The root conftest.py as pytest loaded it (``import conftest`` may give tests/lite's or tests/e2e's,
    whichever pytest imported last under that name)."""
    path = ROOT / "conftest.py"
    return next(plugin for plugin in request.config.pluginmanager.get_plugins()
                if getattr(plugin, "__file__", None) and Path(plugin.__file__).resolve() == path)


def _fixtures_and_tests(path):
    """``(module_fixtures, uses)``: the module-scoped fixtures of a test file, and what each function there asks for."""
    module_fixtures, uses = set(), {}
    for node in ast.parse((ROOT / path).read_text()).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        uses[node.name] = {a.arg for a in node.args.args}
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.fixture" and any(
                    k.arg == "scope" and ast.literal_eval(k.value) in ("module", "package", "session")
                    for k in decorator.keywords):
                module_fixtures.add(node.name)
    return module_fixtures, uses


def _needs(name, uses, module_fixtures, seen=()):
    """The module-scoped fixtures ``name`` needs, through the file's other fixtures too."""
    out = set()
    for arg in uses.get(name, ()):
        if arg in uses and arg not in seen:
            out |= ({arg} & module_fixtures) | _needs(arg, uses, module_fixtures, (*seen, name))
    return out


def test_the_slow_files_and_units_exist(conftest):
    units = set(conftest.UNIT_OF.values())
    assert [key for key in conftest.SLOW_FIRST if key not in units and not (ROOT / key).is_file()] == []


def test_each_unit_of_its_own_names_tests_that_exist_and_keeps_its_module_fixtures_to_itself(conftest):
    files = {nodeid.split("::")[0] for nodeid in conftest.UNIT_OF}
    assert files
    for path in files:
        module_fixtures, uses = _fixtures_and_tests(path)
        tests = [name for name in uses if name.startswith("test_")]
        missing = [nodeid for nodeid in conftest.UNIT_OF if nodeid.startswith(f"{path}::")
                   and nodeid.split("::")[1] not in tests]
        assert missing == [], f"conftest.UNIT_OF names tests that {path} does not have"
        units_of_fixture = {}
        for name in tests:
            unit = conftest.UNIT_OF.get(f"{path}::{name}", path)
            for fixture in _needs(name, uses, module_fixtures):
                units_of_fixture.setdefault(fixture, set()).add(unit)
        shared = {fixture: units for fixture, units in units_of_fixture.items() if len(units) > 1}
        assert shared == {}, f"{path}: a module-scoped fixture used by more than one unit of work"
        assert {conftest.UNIT_OF.get(f"{path}::{name}", path) for name in tests} - {path}, path


def test_the_slowest_units_are_collected_first_and_a_units_tests_keep_their_order(conftest):
    from types import SimpleNamespace

    budget = next(nodeid for nodeid, unit in conftest.UNIT_OF.items() if unit == "red team: the budget")
    nodeids = ["tests/test_lint.py::test_a", "notebooks/01_initialize.ipynb::Cell 0", budget,
               "tests/test_grade_redteam.py::test_case_gets_exactly_its_points[x]", "tests/test_distribute.py::test_b",
               "tests/test_distribute.py::test_a"]
    items = [SimpleNamespace(nodeid=nodeid) for nodeid in nodeids]
    conftest.pytest_collection_modifyitems(None, items)
    # The named units in SLOW_FIRST's order, each unit's tests in their own order (test_b before test_a),
    # then the notebooks SLOW_FIRST does not name, then the other files.
    units = {"tests/test_distribute.py": ["tests/test_distribute.py::test_b", "tests/test_distribute.py::test_a"],
             "tests/test_grade_redteam.py": ["tests/test_grade_redteam.py::test_case_gets_exactly_its_points[x]"],
             "red team: the budget": [budget]}
    named = [nodeid for unit in sorted(units, key=conftest.SLOW_FIRST.index) for nodeid in units[unit]]
    rest = ["notebooks/01_initialize.ipynb::Cell 0", "tests/test_lint.py::test_a"]
    assert [item.nodeid for item in items] == named + rest
