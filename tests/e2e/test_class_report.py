"""The grader's class report opens in headless Chromium and shows its plots (a screenshot in artifacts/).

The rows are a class of 30 learners as the grader reports them (passed, failed with a catalogued
mistake, a timeout), made here without running the grader: what is tested is the page.
"""

import pytest

from dl_instructor import grade
from dl_utils.checks import mistakes

pytestmark = pytest.mark.e2e

EXERCISES = {"linear_forward": 1, "linear_activation_forward": 2, "L_model_forward": 3}


def _class():
    rows = []
    for k in range(30):
        for n, (exercise, points) in enumerate(EXERCISES.items()):
            known = [m for m in mistakes.CATALOGUE if m.exercise == exercise]
            if (k + n) % 3 == 0:
                m = known[(k // 3) % min(3, len(known))]
                rows.append(grade.Row(f"learner_{k:02d}", "02_forward", exercise, 0.0, points, "failed",
                                      f"{exercise}: wrong values. Likely cause: {m.hint}", 0.2, m.id))
            elif k == 29 and n == 2:
                rows.append(grade.Row(f"learner_{k:02d}", "02_forward", exercise, 0.0, points, "timeout",
                                      f"{exercise} did not return within 30 s", 30.0))
            else:
                rows.append(grade.Row(f"learner_{k:02d}", "02_forward", exercise, points, points, "passed",
                                      f"{exercise}: all checks passed.", 0.3))
    return rows


def test_the_class_report_shows_its_plots_in_a_browser(tmp_path, chromium, screenshots):
    grade.write_report(_class(), tmp_path / "report")
    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto((tmp_path / "report.html").as_uri())
        widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
        assert len(widths) == 3 and all(w > 300 for w in widths), widths
        assert "The class: 30 learners" in page.inner_text("h1")
        assert page.locator("table").first.inner_text().count("linear_forward") >= 1
        page.screenshot(path=str(screenshots / "class_report.png"), full_page=True)
        page.click("text=learner_00")
        assert "learner_00:" in page.inner_text("h1")
        page.screenshot(path=str(screenshots / "class_report_learner.png"), full_page=True)
    finally:
        page.close()
