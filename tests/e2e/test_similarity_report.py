"""The class report's similarity section opens in headless Chromium with its side-by-side view (a screenshot).

A class of notebook 03 made here without running the grader (eight learners who write
``compute_cost`` each in a style of their own, one who hands in another's (unique) work renamed, one who
pastes the library's reference): what is tested is the page the grader writes, and that its two
functions of a pair stand side by side.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

from dl_instructor import grade, similarity, synthetic_class

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _class(folder):
    nb = nbformat.read(ROOT / "notebooks" / "03_cost.ipynb", as_version=4)
    answer = synthetic_class._cell(nb, "ex_compute_cost").source
    rows, own = [], {}
    for k in range(8):
        own[k] = synthetic_class.restyled(answer, np.random.default_rng(100 + k))
    cells = {f"learner_{k}": source for k, source in own.items()}
    cells["learner_8"] = synthetic_class.renamed(own[7], "all mine")  # learner_7's code is its own alone
    cells["learner_9"] = synthetic_class.renamed(synthetic_class.reference_source("compute_cost"), "my answer")
    for learner, source in cells.items():
        copy = nbformat.from_dict(nb)
        synthetic_class._cell(copy, "ex_compute_cost").source = source
        (folder / learner).mkdir(parents=True)
        nbformat.write(copy, folder / learner / "03_cost.ipynb")
        rows.append(grade.Row(learner, "03_cost", "compute_cost", 2.0, 2.0, "passed", "compute_cost: passed.", 0.1))
    return rows


def test_the_similarity_section_shows_each_pair_side_by_side(tmp_path, chromium, screenshots):
    rows = _class(tmp_path / "submissions")
    grade.write_report(rows, tmp_path / "report")
    results, seconds = similarity.analyse(tmp_path / "submissions", ROOT / "notebooks", ["03_cost"],
                                          lambda f: Path(f).stem if Path(f).stem == "03_cost" else None)
    similarity.attach(results, seconds, tmp_path / "report")
    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto((tmp_path / "report.html").as_uri() + "#similarity")
        assert "Similar submissions" in page.inner_text("#similarity")
        assert "not a verdict" in page.inner_text("body")
        pair = page.locator(".similar").first
        left, right = (pair.locator("pre").nth(i).bounding_box() for i in range(2))
        assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2  # side by side
        assert "learner_8" in page.inner_text("body") and "dl_utils.cost.compute_cost" in page.inner_text("body")
        page.locator("#similarity").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / "similarity.png"))
    finally:
        page.close()
