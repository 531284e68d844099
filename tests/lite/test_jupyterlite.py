"""The course as the JupyterLite site serves it: Python in the browser, no server, no network.

The site is built by ``python -m dl_instructor.lite build`` with a local, verified Pyodide
(tests/lite/conftest.py). In headless Chromium, each test on a fresh profile (a cold load):

* the landing text is in the file browser, with the notebooks and the data, and no dl_utils folder
  (the library is a wheel the kernel installs);
* the site asks the browser for persistent storage (lite/storage.js) and tells the learner what it
  got: with the permission granted the storage is persistent; refused, as headless Chromium does for
  a site it has no history with, the learner is told the browser may delete the work; both say how
  to download it;
* the File menu offers no Log Out or Shut Down, the file browser's context menu has Download but no
  Clear Browser Data, and Help > Clear Browser Data asks first (cancelled, nothing is deleted);
* a notebook opened by its URL or from the file browser runs on the one kernel the site's script
  started as it opened (lite/start_kernel.js);
* in a learner version, the cells run as the kernel starts (matplotlib imported) show nothing on
  stderr, a right answer typed into an exercise shows the check's success line, a known mistake
  shows its hint, and the work saved (Ctrl+S) is there after a reload;
* 06_application runs to the end: no traceback, every figure of the saved notebook, the
  equations typeset, and the same printed lines (accuracies, costs) as the saved notebook; in
  the site, each cell that trains also prints one line saying its trainings were replayed from
  the site's build (dl_utils.replay), and no other cell does.

It records what a cold load costs (bytes the server sent, time to the first output, time to
06's end) in artifacts/lite/metrics.json, beside the same measured in JupyterLab
(tests/e2e's server) by the last test. Screenshots land in artifacts/lite/.
"""

import importlib.util
import json
import re
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.lite

# The helpers that read and drive a notebook in JupyterLab: JupyterLite's UI is JupyterLab's.
_spec = importlib.util.spec_from_file_location("_e2e_jupyterlab", REPO / "tests" / "e2e" / "test_jupyterlab.py")
lab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab)

KERNEL_TIMEOUT_MS = 600_000  # Pyodide and its packages load before the kernel is idle: slow on a busy machine
RUN_TIMEOUT_MS = 1_800_000  # 06 trains about 70 networks: in WebAssembly if its replay fails
# The line a cell of 06 that replayed trainings prints in the site (dl_utils/replay.py, _notice);
# the cells that train.
REPLAY_NOTICE = re.compile(r"\(In the browser: \d+ trainings? of this cell replayed from the site's build, .*\)")
TRAINS = re.compile(r"\b(L_layer_model|validation_curve)\(")
NOTEBOOK_06 = "06_application.ipynb"
METRICS = {}
ALL_CELLS_SHOWN_JS = """
(n) => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').length === n
"""


def open_in_lite(context, base_url, name, n_cells):
    """Open a notebook of the site, wait until its ``n_cells`` cells are laid out and its kernel is idle."""
    page = context.new_page()
    page.set_default_timeout(lab.UI_TIMEOUT_MS)
    started = time.monotonic()
    page.goto(f"{base_url}/lab/index.html?path={name}")
    page.wait_for_function(ALL_CELLS_SHOWN_JS, arg=n_cells)
    wait_for_idle_kernel(page)
    return page, started


def wait_for_idle_kernel(page):
    page.wait_for_function(
        "() => /\\| Idle\\b/.test(document.querySelector('#jp-main-statusbar').innerText)", timeout=KERNEL_TIMEOUT_MS
    )
    page.wait_for_selector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status="idle"]')


def code_cells(cells):
    return [i for i, c in enumerate(cells) if c["cell_type"] == "code" and lab.source(c).strip()]


def saved_stdout(cell):
    text = "".join(
        "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
        for o in cell.get("outputs", [])
        if o["output_type"] == "stream" and o["name"] == "stdout"
    )
    return [line.strip() for line in text.splitlines()]


def test_landing_text_and_the_course_in_the_file_browser(site_server, lite_context, lite_artifacts):
    page = lite_context.new_page()
    page.set_default_timeout(lab.UI_TIMEOUT_MS)
    page.goto(f"{site_server.base_url}/lab/index.html")
    # Opened from the file browser, as a learner does, the landing text shows rendered (overrides.json).
    page.locator(".jp-DirListing-itemText", has_text="README.md").dblclick()
    heading = page.wait_for_selector(".jp-RenderedMarkdown h1").inner_text()
    page.wait_for_timeout(500)
    page.screenshot(path=str(lite_artifacts / "landing.png"))
    text = page.locator(".jp-RenderedMarkdown").first.inner_text()
    listing = page.locator(".jp-DirListing-itemText").all_inner_texts()
    page.close()
    assert "in your browser" in heading
    for claim in ("saved in this browser", "Download", "Grading is your instructor's"):
        assert claim in text, f"the landing text does not say {claim!r}"
    expected = ["data", "README.md", NOTEBOOK_06] + [p.name for p in (REPO / "notebooks/exercises").glob("*.ipynb")]
    missing = sorted(set(expected) - set(listing))
    assert not missing, f"the file browser lacks {missing}; it shows {listing}"
    # dl_utils is installed from the site's wheel: a dl_utils folder beside the notebooks would be
    # imported instead (the notebook's folder comes first on sys.path), so there is none.
    assert "dl_utils" not in listing, listing


# What lite/start_kernel.js did, the kernel of the notebook in view, and every kernel and session running.
KERNELS_JS = """() => {
  const app = window.jupyterapp;
  const manager = app.serviceManager;
  return {
    status: window.dlCourseKernelStart,
    kernel: app.shell.currentWidget.sessionContext.session.kernel.id,
    kernels: Array.from(manager.kernels.running(), (kernel) => kernel.id),
    sessions: Array.from(manager.sessions.running(), (session) => session.kernel.id),
  };
}"""
STORAGE_STATUS_JS = "() => window.dlCourseStorage && window.dlCourseStorage.told !== null"
NOTIFICATION = ".Toastify__toast"


def open_lab_and_read_storage_status(context, base_url):
    """Open the site's lab page; wait until its storage script asked the browser and told the learner."""
    page = context.new_page()
    page.set_default_timeout(lab.UI_TIMEOUT_MS)
    page.goto(f"{base_url}/lab/index.html")
    page.wait_for_function(STORAGE_STATUS_JS, timeout=KERNEL_TIMEOUT_MS)  # the app is up: slow on a busy machine
    status = page.evaluate("() => window.dlCourseStorage")
    toast = page.locator(NOTIFICATION, has_text=status["told"][:40])
    toast.wait_for()
    page.wait_for_timeout(1000)  # the notification slides in: screenshot it in place
    told = toast.inner_text()
    return page, status, told


def test_the_site_asks_to_keep_the_work_and_the_browser_grants_it(site_server, lite_context, lite_artifacts):
    # Headless Chromium refuses persistent storage to a site it has no history with (the next test);
    # with the permission granted, as a browser does for a site it deems important, the site's
    # request makes its storage persistent, and the learner is told so.
    cdp = lite_context.new_cdp_session(lite_context.pages[0] if lite_context.pages else lite_context.new_page())
    cdp.send("Browser.grantPermissions", {"origin": site_server.base_url, "permissions": ["durableStorage"]})
    page, status, told = open_lab_and_read_storage_status(lite_context, site_server.base_url)
    persisted = page.evaluate("() => navigator.storage.persisted()")
    page.screenshot(path=str(lite_artifacts / "storage_granted.png"))
    page.close()
    assert status["requested"] is True and status["error"] is None, status
    assert status["persisted"] is True and persisted is True, (status, persisted)
    assert status["told"] in told, f"the notification shows {told!r}, not the whole of {status['told']!r}"
    assert "kept in this browser" in told and "Download" in told, told


def test_the_site_says_when_the_browser_may_delete_the_work(site_server, lite_context, lite_artifacts):
    page, status, told = open_lab_and_read_storage_status(lite_context, site_server.base_url)
    persisted = page.evaluate("() => navigator.storage.persisted()")
    page.screenshot(path=str(lite_artifacts / "storage_refused.png"))
    page.close()
    assert status["requested"] is True and status["error"] is None, status
    assert status["persisted"] is False and persisted is False, (status, persisted)
    assert status["told"] in told, f"the notification shows {told!r}, not the whole of {status['told']!r}"
    assert "may delete it" in told and "Download" in told, told


def menu_items(page, top):
    """The labels of a menu bar entry's items, read with the menu open, then closed again."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).click()
    labels = page.locator(".lm-Menu:visible .lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    return [label.strip() for label in labels]


def test_menus_hold_no_entry_that_does_nothing_and_clearing_asks_first(site_server, lite_context, lite_artifacts):
    page = lite_context.new_page()
    page.set_default_timeout(lab.UI_TIMEOUT_MS)
    page.goto(f"{site_server.base_url}/lab/index.html")
    page.locator(".jp-DirListing-itemText", has_text=NOTEBOOK_06).wait_for()
    file_menu = menu_items(page, "File")
    help_menu = menu_items(page, "Help")
    page.locator(".jp-DirListing-itemText", has_text=NOTEBOOK_06).click(button="right")
    context_menu = [t.strip() for t in page.locator(".lm-Menu:visible .lm-Menu-itemLabel").all_inner_texts()]
    page.screenshot(path=str(lite_artifacts / "file_browser_context_menu.png"))
    page.keyboard.press("Escape")
    lab.menu(page, "Help", "Clear Browser Data")
    dialog = page.locator(".jp-Dialog").inner_text()
    page.screenshot(path=str(lite_artifacts / "clear_browser_data_asks.png"))
    page.locator(".jp-Dialog .jp-mod-reject").click()
    page.locator(".jp-Dialog").wait_for(state="detached")
    still_listed = page.locator(".jp-DirListing-itemText", has_text=NOTEBOOK_06).count()
    page.close()
    assert "Save Notebook" in file_menu or "Save" in " ".join(file_menu), f"the File menu did not open: {file_menu}"
    for nothing in ("Log Out", "Shut Down"):
        assert nothing not in file_menu, f"the File menu offers {nothing!r}: {file_menu}"
    assert "Download" in context_menu, f"the file browser's context menu lacks Download: {context_menu}"
    assert "Clear Browser Data" not in context_menu, f"Clear Browser Data sits beside Download: {context_menu}"
    assert "Clear Browser Data" in help_menu, help_menu
    assert "cannot be undone" in dialog, f"Clear Browser Data does not ask first: {dialog!r}"
    assert still_listed == 1, "cancelling Clear Browser Data deleted the course's files"


UNSAVED_TAB_JS = "!!document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')"


def test_learner_types_an_answer_sees_the_check_and_keeps_the_work(site_server, lite_context, lite_artifacts):
    name = Path(lab.LEARNER_NOTEBOOK).name
    cells = lab.load_notebook(REPO / lab.LEARNER_NOTEBOOK)["cells"]
    ids = [lab.grade_id(c) for c in cells]
    exercise, check = ids.index(f"ex_{lab.LEARNER_EXERCISE}"), ids.index(f"check_{lab.LEARNER_EXERCISE}")
    assert check == exercise + 1 and "raise NotImplementedError" in lab.source(cells[exercise])
    above = [i for i in code_cells(cells[:exercise])]

    page, _ = open_in_lite(lite_context, site_server.base_url, name, len(cells))
    with lab.failure_screenshot(page, lite_artifacts / "exercise_failure.png"):
        opened_by_url = page.evaluate(KERNELS_JS)
        lab.cell_locator(page, exercise).locator(".jp-InputArea-prompt").click()
        lab.run_and_wait(page, lambda: lab.menu(page, "Run", "Run All Above Selected Cell"), above, RUN_TIMEOUT_MS)
        # The kernel's start: the first cell imports matplotlib, which rebuilt its font cache and printed
        # "Matplotlib is building the font cache" in a red stderr box there until the site served its
        # matplotlib with a font cache that matches (dl_instructor/lite.py, add_font_cache).
        started = page.evaluate(lab.READ_CELLS_JS)
        start_stderr = {i: started[i]["stderr"] for i in above if started[i]["stderr"]}

        def answer_and_check(text):
            lab.replace_cell_source(page, exercise, text)

            def run_both():
                page.keyboard.press("Shift+Enter")
                page.keyboard.press("Shift+Enter")

            lab.run_and_wait(page, run_both, [exercise, check], timeout_ms=RUN_TIMEOUT_MS)
            lab.cell_locator(page, check).scroll_into_view_if_needed()
            return page.evaluate(lab.READ_CELLS_JS)[check]

        right = answer_and_check(lab.CORRECT_ANSWER)
        page.screenshot(path=str(lite_artifacts / "exercise_correct.png"))
        wrong = answer_and_check(lab.MISTAKE_ANSWER)
        page.screenshot(path=str(lite_artifacts / "exercise_mistake.png"))
        # Saving keeps the work in the browser: after a reload the notebook holds the typed cell.
        # JupyterLab marks an unsaved document on its tab (the title's jp-mod-dirty), not inside the panel: wait
        # for the mark, save, then wait for it to go, or the reload can come before the save is stored.
        lab.cell_locator(page, exercise).locator(".cm-content").click()
        page.wait_for_function(f"() => {UNSAVED_TAB_JS}", timeout=lab.UI_TIMEOUT_MS)
        page.keyboard.press("Control+s")
        page.wait_for_function(f"() => !{UNSAVED_TAB_JS}", timeout=lab.UI_TIMEOUT_MS)
        page.reload()  # the lab opens empty: open the notebook from the file browser, as a learner does
        page.locator(".jp-DirListing-itemText", has_text=name).dblclick()
        page.wait_for_function(ALL_CELLS_SHOWN_JS, arg=len(cells))
        kept = lab.cell_locator(page, exercise).locator(".cm-content").inner_text()
        page.screenshot(path=str(lite_artifacts / "exercise_saved_after_reload.png"))
        wait_for_idle_kernel(page)
        opened_by_click = page.evaluate(KERNELS_JS)
    page.close()

    # Opened by its URL or from the file browser, the notebook's kernel is the one the site's script
    # started as the notebook opened (lite/start_kernel.js), and it is the only one.
    for opened in (opened_by_url, opened_by_click):
        started = opened["status"]["prestarted"]
        assert opened["status"]["errors"] == [] and opened["status"]["skipped"] == [], opened
        assert [s["path"] for s in started] == [name], opened
        assert opened["kernels"] == opened["sessions"] == [started[0]["kernel"]] == [opened["kernel"]], opened

    assert not start_stderr, f"the cells run at the kernel's start show stderr: {start_stderr}"
    success = lab.SUCCESS.format(name=lab.LEARNER_EXERCISE)
    assert success in lab.printed_lines(right) and not right["stderr"], f"correct answer, check shows: {right!r}"
    assert success not in lab.printed_lines(wrong), f"the mistake passed the check: {wrong['outputText']!r}"
    hint = "\n".join(wrong["stderr"])
    assert "CheckFailed" in hint, f"the mistake should fail with the check's CheckFailed, the page shows: {hint!r}"
    assert "_engine.py" not in hint, f"the checks' own frames show: {hint!r}"
    assert re.search(r"\bb\b|bias", hint), f"the hint does not point at the missing bias b: {hint!r}"
    assert kept.split() == lab.MISTAKE_ANSWER.split(), f"after saving and reloading, the exercise cell shows\n{kept}"


def run_all_measured(page, started, cells):
    """Run All in the open notebook; return (seconds to the first output, seconds to the end) since load."""
    indices = code_cells(cells)
    first_output = {}

    def start():
        lab.menu(page, "Run", "Run All Cells")

    before = lab.prompts(page, indices)
    start()
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output", timeout=RUN_TIMEOUT_MS)
    first_output["s"] = time.monotonic() - started
    page.wait_for_function(lab.RUN_FINISHED_JS, arg={"indices": indices, "before": before}, timeout=RUN_TIMEOUT_MS)
    return first_output["s"], time.monotonic() - started


def check_whole_notebook(page, cells, where, screenshot, replays=False):
    """What test_jupyterlab checks of a notebook run, and its printed lines against the saved ones.

    With ``replays``, each cell that trains must print one line more than the saved notebook, the
    replay notice (REPLAY_NOTICE), and no other cell may print it; without, no cell may.
    """
    math_cells = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and lab.has_math(lab.source(c))]
    if math_cells:
        try:
            page.wait_for_function(
                """(indices) => {
                  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
                  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
                  return indices.every((i) => cells[i].querySelector('mjx-container'));
                }""",
                arg=math_cells,
                timeout=lab.MATHJAX_TIMEOUT_MS,
            )
        except lab.PlaywrightTimeoutError:
            pass  # reported below, cell by cell
    lab.screenshot_whole_notebook(page, screenshot)
    shown = page.evaluate(lab.READ_CELLS_JS)
    assert len(shown) == len(cells), f"the page shows {len(shown)} cells, the file has {len(cells)}"
    problems = []
    for i, (cell, seen) in enumerate(zip(cells, shown, strict=True)):
        at = f"{where} cell {i}"
        if cell["cell_type"] == "code" and lab.source(cell).strip():
            if not re.fullmatch(r"\[\d+\]:", seen["prompt"]):
                problems.append(f"{at} did not run: prompt {seen['prompt']!r}")
            stderr = [line for text in seen["stderr"] for line in text.splitlines() if line.strip()]
            if stderr or "Traceback" in seen["outputText"]:
                problems.append(f"{at} shows an error or stderr:\n" + "\n".join(seen["stderr"])[-2000:])
            loaded = [img for img in seen["images"] if img["loaded"]]
            if len(loaded) < lab.saved_images(cell):
                problems.append(
                    f"{at} shows {len(loaded)} loaded figures, the saved notebook has {lab.saved_images(cell)}"
                )
            printed = [line for line in lab.printed_lines(seen) if not REPLAY_NOTICE.fullmatch(line)]
            notices = len(lab.printed_lines(seen)) - len(printed)
            expected = 1 if replays and TRAINS.search(lab.source(cell)) else 0
            if notices != expected:
                problems.append(f"{at} printed the replay notice {notices} times, expected {expected}")
            if saved_stdout(cell) and printed != saved_stdout(cell):
                problems.append(f"{at} printed {printed}, the saved notebook {saved_stdout(cell)}")
        if cell["cell_type"] == "markdown":
            if "$$" in seen["markdownTextOutsideMath"]:
                problems.append(f"{at} shows raw $$ (MathJax did not typeset it)")
            if lab.has_math(lab.source(cell)) and seen["mathjax"] == 0:
                problems.append(f"{at} has TeX in its source but no MathJax output on the page")
            if seen["mathjaxErrors"]:
                problems.append(f"{at} has MathJax errors: {seen['mathjaxErrors']}")
    assert not problems, "\n".join(problems)


def test_06_runs_to_the_end_in_the_browser(site_server, lite_site, lite_context, lite_artifacts):
    saved = lab.load_notebook(REPO / "notebooks" / NOTEBOOK_06)["cells"]
    site_server.reset_count()
    page, started = open_in_lite(lite_context, site_server.base_url, NOTEBOOK_06, len(saved))
    kernel_idle = time.monotonic() - started
    with lab.failure_screenshot(page, lite_artifacts / "06_failure.png"):
        first_output, end = run_all_measured(page, started, saved)
        cold_load_bytes, pyodide_bytes = site_server.bytes_sent, site_server.pyodide_bytes_sent
        check_whole_notebook(page, saved, NOTEBOOK_06, lite_artifacts / "06_application.png", replays=True)
    page.close()
    METRICS["jupyterlite"] = {
        "site": site_size(lite_site),
        "cold_load_bytes_until_06_end": cold_load_bytes,
        "of_which_pyodide_bytes": pyodide_bytes,
        "seconds_to_idle_kernel": round(kernel_idle, 1),
        "seconds_to_first_output": round(first_output, 1),
        "seconds_to_06_end": round(end, 1),
    }
    write_metrics(lite_artifacts)


def test_06_reference_timings_in_jupyterlab(jupyterlab, lite_context, lite_artifacts):
    """The same run in JupyterLab on this machine (tests/e2e's server), for the comparison.

    Cold too: a fresh browser profile logs in (the login page, then JupyterLab's own files) and
    opens 06; the clock and the byte count start before the login page.
    """
    saved = lab.load_notebook(REPO / "notebooks" / NOTEBOOK_06)["cells"]
    received = []
    lite_context.on("requestfinished", lambda request: received.append(request.sizes()["responseBodySize"]))
    started = time.monotonic()
    jupyterlab.log_in(lite_context)
    page = lab.open_notebook(lite_context, jupyterlab, f"notebooks/{NOTEBOOK_06}")
    kernel_idle = time.monotonic() - started
    try:
        with lab.failure_screenshot(page, lite_artifacts / "06_jupyterlab_failure.png"):
            lab.menu(page, "Edit", "Clear Outputs of All Cells")
            page.wait_for_function(
                "() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')"
            )
            first_output, end = run_all_measured(page, started, saved)
            check_whole_notebook(page, saved, f"{NOTEBOOK_06} (JupyterLab)", lite_artifacts / "06_jupyterlab.png")
    finally:
        page.close()
        jupyterlab.shutdown_kernels()
    METRICS["jupyterlab"] = {
        "cold_load_bytes_until_06_end": sum(received),
        "seconds_to_idle_kernel": round(kernel_idle, 1),
        "seconds_to_first_output": round(first_output, 1),
        "seconds_to_06_end": round(end, 1),
    }
    write_metrics(lite_artifacts)


def site_size(site):
    """Bytes and files of the built site, and how much of it is Pyodide (static/pyodide/)."""
    files = [p for p in Path(site).rglob("*") if p.is_file()]
    return {
        "bytes": sum(p.stat().st_size for p in files),
        "files": len(files),
        "pyodide_bytes": sum(p.stat().st_size for p in files if "static/pyodide" in p.as_posix()),
    }


def write_metrics(folder):
    path = folder / "metrics.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    known.update(METRICS)
    path.write_text(json.dumps(known, indent=2) + "\n")
