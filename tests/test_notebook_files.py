"""The course notebooks as files: saved from one clean run, nothing on stderr, nbgrader metadata that holds together.

nbval re-executes the notebooks and compares outputs; these tests catch what it does not:
a notebook saved after cells were run out of order, a warning saved in an output, an
exercise without its check, a grade id used twice.
"""

import json
from pathlib import Path

import pytest

RERUN = "jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False"
NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_course_has_its_five_steps_in_order():
    names = [p.name for p in NOTEBOOKS]
    for i, step in enumerate(["initialize", "forward", "cost", "backward", "update"], start=1):
        assert f"{i:02d}_{step}.ipynb" in names, f"notebooks/{i:02d}_{step}.ipynb is missing; found {names}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_from_one_clean_run(path):
    counts = [c["execution_count"] for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1, 2, 3, ...: re-run it top to bottom with "
        f"`{RERUN} notebooks/{path.name}`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_timings_saved(path):
    # nbconvert stores when each cell ran in its metadata unless told not to: noise in every diff.
    timed = [i for i, cell in enumerate(load(path)["cells"]) if "execution" in cell.get("metadata", {})]
    assert not timed, (f"{path.name}, cells {timed}: execution timestamps are saved; re-run it with "
                       f"`{RERUN} notebooks/{path.name}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_errors_or_stderr_saved(path):
    for i, cell in enumerate(load(path)["cells"]):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}, cell {i}: an error is saved in the outputs"
            assert out.get("name") != "stderr", f"{path.name}, cell {i}: stderr (a warning?) is saved: {out['text']}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbgrader_metadata_holds_together(path):
    cells = load(path)["cells"]
    ids = []
    for i, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        assert meta is not None, f"{path.name}, cell {i}: no nbgrader metadata"
        assert meta.get("schema_version") == 3, f"{path.name}, cell {i}: nbgrader schema_version is not 3"
        ids.append(meta["grade_id"])
        source = "".join(cell["source"])
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source, (
                f"{path.name}, cell {i} ({meta['grade_id']}): a solution cell without BEGIN/END SOLUTION markers"
            )
            name = meta["grade_id"].removeprefix("ex_")
            following = cells[i + 1].get("metadata", {}).get("nbgrader", {}) if i + 1 < len(cells) else {}
            assert following.get("grade") and following.get("grade_id") == f"check_{name}", (
                f"{path.name}: exercise {name} is not followed by its check cell check_{name}"
            )
            assert f"checks.{name}({name})" in "".join(cells[i + 1]["source"])
        if meta.get("grade"):
            assert meta.get("points", 0) > 0 and meta.get("locked"), (
                f"{path.name}, cell {i}: a grade cell must be locked and carry points"
            )
        elif not meta.get("solution"):
            assert meta.get("locked"), f"{path.name}, cell {i}: text and set-up cells are locked"
    duplicated = sorted({g for g in ids if ids.count(g) > 1})
    assert not duplicated, f"{path.name}: grade ids used twice: {duplicated}"
