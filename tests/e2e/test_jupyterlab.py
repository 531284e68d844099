"""The course as a learner meets it: in JupyterLab, in a real browser, driven through the UI.

For every course notebook (notebooks/*.ipynb): open it, Run > Run All Cells from the menu,
wait for the kernel, then read what the page shows: no cell shows an error or stderr, every
code cell ran, the equations were typeset by MathJax (no raw ``$$`` left), the figures are
images that loaded, and each check cell shows its ``<name>: all checks passed.`` line.

For a learner version (notebooks/exercises/): type a correct answer into an exercise cell,
run it and its check, and see the success line; type a known mistake and see the hint.

A screenshot of each notebook lands in artifacts/screenshots/.
"""

import json
import os
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

RUN_TIMEOUT_MS = int(os.environ.get("E2E_RUN_TIMEOUT_MS", 300_000))  # per notebook; 06_application trains a network
UI_TIMEOUT_MS = 60_000
MATHJAX_TIMEOUT_MS = 20_000
SUCCESS = "{name}: all checks passed."


def printed_lines(seen):
    """The lines a cell printed to stdout (not the traceback, which quotes the check's source)."""
    return [line.strip() for text in seen["stdout"] for line in text.splitlines()]


# The learner-version exercise the test types into, a correct body and a known mistake.
LEARNER_NOTEBOOK = "notebooks/exercises/02_forward.ipynb"
LEARNER_EXERCISE = "linear_forward"
CORRECT_ANSWER = '''def linear_forward(A_prev, W, b):
    """Typed by the end-to-end test: Z = W A_prev + b."""
    Z = np.dot(W, A_prev) + b
    cache = (A_prev, W, b)
    return Z, cache
'''
# Forgetting the bias: the check must fail and say what is wrong.
MISTAKE_ANSWER = '''def linear_forward(A_prev, W, b):
    """Typed by the end-to-end test: a learner who forgot + b."""
    Z = np.dot(W, A_prev)
    cache = (A_prev, W, b)
    return Z, cache
'''

# What the page shows for each cell of the current notebook, read in one pass. textContent, not
# innerText: JupyterLab skips laying out cells out of view (content-visibility), and innerText of
# an unrendered cell is empty.
READ_CELLS_JS = """
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  return cells.map((cell) => {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
    const markdown = cell.querySelector('.jp-RenderedMarkdown');
    return {
      kind: cell.classList.contains('jp-CodeCell') ? 'code'
          : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw',
      prompt: prompt ? prompt.textContent.trim() : '',
      outputText: outputs.map((o) => o.textContent).join('\\n'),
      stdout: outputs.filter((o) => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stdout')
                     .map((o) => o.textContent),
      stderr: outputs.filter((o) => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr')
                     .map((o) => o.textContent),
      images: [...cell.querySelectorAll('.jp-RenderedImage img')].map((img) => ({
        loaded: img.complete && img.naturalWidth > 0, width: img.naturalWidth, height: img.naturalHeight,
      })),
      markdownText: markdown ? markdown.textContent : null,
      // Rendered text without the typeset math, where raw TeX would still show if MathJax had not run.
      markdownTextOutsideMath: markdown ? (() => {
        const copy = markdown.cloneNode(true);
        copy.querySelectorAll('mjx-container').forEach((m) => m.remove());
        return copy.textContent;
      })() : null,
      mathjax: cell.querySelectorAll('mjx-container').length,
      mathjaxErrors: [...cell.querySelectorAll('mjx-merror')].map((e) => e.textContent),
    };
  });
}
"""

RUN_FINISHED_JS = """
({indices, before}) => {
  const dialog = document.querySelector('.jp-Dialog');
  if (dialog) throw new Error('JupyterLab shows a dialog: ' + dialog.innerText);
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  if (!indicator || indicator.getAttribute('data-status') !== 'idle') return false;
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  const prompts = indices.map((i) => (cells[i].querySelector('.jp-InputArea-prompt') || {}).textContent || '');
  if (prompts.some((p) => p.includes('*'))) return false;
  if (prompts.every((p, k) => /\\[\\d+\\]/.test(p) && p !== before[k])) return true;
  // Run All stops at a cell that raised: done too, and the assertions report which cell.
  return cells.some((c) => c.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'));
}
"""


def load_notebook(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def has_math(markdown):
    return "$" in markdown or "\\begin{" in markdown


def saved_images(cell):
    return sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # the fixtures skip (or fail under CI) with the reason
    PlaywrightTimeoutError = TimeoutError


# --- driving JupyterLab -------------------------------------------------------------------


def open_notebook(context, lab, relpath):
    """Open a notebook in a fresh workspace and wait until its kernel is idle."""
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    # ?reset starts from an empty workspace, so only this notebook opens and starts a kernel.
    page.goto(f"{lab.base_url}/lab/tree/{relpath}?reset")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    # The toolbar's indicator says 'idle' before a kernel is attached, and running cells then
    # asks for a kernel in a dialog: wait for the server to hold a running kernel for this
    # notebook and for the status bar to report it idle.
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while not any(s["path"] == relpath and s["kernel"] for s in lab.api("GET", "/api/sessions")):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no kernel started for {relpath}")
        time.sleep(0.25)
    page.wait_for_function("() => /\\| Idle\\b/.test(document.querySelector('#jp-main-statusbar').innerText)")
    page.wait_for_selector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status="idle"]')
    return page


class failure_screenshot:
    """On an exception inside the block, save what the page showed, for the failure to be read."""

    def __init__(self, page, path):
        self.page, self.path = page, path

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            try:
                self.page.screenshot(path=str(self.path))
            except Exception:  # noqa: BLE001 - the original failure is the one to report
                pass
        return False


def menu(page, top, item):
    """Click a menu bar entry, then one of its items, as a learner does."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$")).click()


def prompts(page, indices):
    return [cell_locator(page, i).locator(".jp-InputArea-prompt").inner_text().strip() for i in indices]


def run_and_wait(page, start, indices, timeout_ms=RUN_TIMEOUT_MS):
    """Call ``start`` (a UI action that runs cells) and wait until every cell in ``indices`` ran anew.

    A cell has run anew when its prompt shows an execution count other than the one it showed
    before; the wait also ends when a cell raised (Run All stops there) once nothing is queued.
    """
    before = prompts(page, indices)
    start()
    page.wait_for_function(RUN_FINISHED_JS, arg={"indices": indices, "before": before}, timeout=timeout_ms)


def cell_locator(page, index):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)


def replace_cell_source(page, index, text):
    """Click into a code cell's editor, select everything, and enter new text in its place.

    The text goes in through the editor's input handling (like a paste), not key by key, so
    CodeMirror's auto-indent does not indent the typed lines a second time.
    """
    editor = cell_locator(page, index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text.rstrip("\n"))
    shown = editor.inner_text()
    assert shown.split() == text.split(), f"the editor shows\n{shown}\nafter typing\n{text}"


def screenshot_whole_notebook(page, path, max_height=16000):
    """A screenshot tall enough to show every cell of the notebook, not only the first screen.

    The notebook scrolls inside its own panel, so a full-page screenshot alone shows one screen:
    the window grows until the panel holds the whole notebook, scrolled to the top.
    """
    measure = """() => {
      const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
      const scroller = panel.querySelector('.jp-WindowedPanel-outer') || panel.querySelector('.jp-Notebook');
      scroller.scrollTop = 0;
      return {content: scroller.scrollHeight, shown: scroller.clientHeight};
    }"""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    for _ in range(4):  # cells laid out once visible may change the height: measure again
        size = page.evaluate(measure)
        if size["content"] <= size["shown"] or height >= max_height:
            break
        height = min(height + size["content"] - size["shown"], max_height)
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
    page.wait_for_timeout(300)  # let the newly visible cells paint
    page.screenshot(path=str(path))


# --- the tests ----------------------------------------------------------------------------


def test_notebook_runs_clean_in_jupyterlab(course_notebook, course_root, jupyterlab, browser_context, screenshots):
    notebook = load_notebook(course_root / course_notebook)
    cells = notebook["cells"]
    code_indices = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and source(c).strip()]

    page = open_notebook(browser_context, jupyterlab, course_notebook)
    try:
        with failure_screenshot(page, screenshots / f"{Path(course_notebook).stem}_failure.png"):
            # Clear the saved outputs first, so every output checked below comes from this run.
            menu(page, "Edit", "Clear Outputs of All Cells")
            page.wait_for_function(
                "() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')"
            )
            run_and_wait(page, lambda: menu(page, "Run", "Run All Cells"), code_indices)
            math_cells = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and has_math(source(c))]
            if math_cells:
                # MathJax typesets asynchronously after the markdown renders. A cell it never
                # typesets is reported below, with the others' problems, rather than as a time-out.
                try:
                    page.wait_for_function(
                        """(indices) => {
                          const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
                          const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
                          return indices.every((i) => cells[i].querySelector('mjx-container'));
                        }""",
                        arg=math_cells,
                        timeout=MATHJAX_TIMEOUT_MS,
                    )
                except PlaywrightTimeoutError:
                    pass
            screenshot_whole_notebook(page, screenshots / f"{Path(course_notebook).stem}.png")
            shown = page.evaluate(READ_CELLS_JS)
    finally:
        page.close()
        jupyterlab.shutdown_kernels()

    assert len(shown) == len(cells), f"the page shows {len(shown)} cells, the file has {len(cells)}"
    problems = []
    for i, (cell, seen) in enumerate(zip(cells, shown, strict=True)):
        where = f"cell {i} ({grade_id(cell) or cell['cell_type']})"
        if cell["cell_type"] == "code" and i in code_indices:
            if not re.fullmatch(r"\[\d+\]:", seen["prompt"]):
                problems.append(f"{where} did not run: prompt {seen['prompt']!r}")
            if seen["stderr"]:
                problems.append(f"{where} shows an error or stderr:\n" + "\n".join(seen["stderr"])[-2000:])
            expected_images = saved_images(cell)
            loaded = [img for img in seen["images"] if img["loaded"]]
            if len(loaded) < expected_images:
                problems.append(
                    f"{where} shows {len(loaded)} loaded images of {len(seen['images'])}, "
                    f"the saved notebook has {expected_images} figures"
                )
            if grade_id(cell).startswith("check_"):
                name = grade_id(cell).removeprefix("check_")
                if SUCCESS.format(name=name) not in printed_lines(seen):
                    problems.append(f"{where} does not show {SUCCESS.format(name=name)!r}: {seen['outputText']!r}")
        if cell["cell_type"] == "markdown":
            if "$$" in seen["markdownTextOutsideMath"]:
                problems.append(f"{where} shows raw $$ (MathJax did not typeset it)")
            if has_math(source(cell)) and seen["mathjax"] == 0:
                problems.append(f"{where} has TeX in its source but no MathJax output on the page")
            if seen["mathjaxErrors"]:
                problems.append(f"{where} has MathJax errors: {seen['mathjaxErrors']}")
    assert not problems, f"{course_notebook} in JupyterLab:\n" + "\n".join(problems)
    if any(has_math(source(c)) for c in cells if c["cell_type"] == "markdown"):
        assert sum(s["mathjax"] for s in shown) > 0


def test_learner_types_an_answer_and_sees_the_check(course_root, jupyterlab, browser_context, screenshots):
    path = course_root / LEARNER_NOTEBOOK
    if not path.exists():
        message = f"{LEARNER_NOTEBOOK} not found: generate the learner versions with `python -m dl_instructor.release`"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    cells = load_notebook(path)["cells"]
    ids = [grade_id(c) for c in cells]
    exercise = ids.index(f"ex_{LEARNER_EXERCISE}")
    check = ids.index(f"check_{LEARNER_EXERCISE}")
    assert check == exercise + 1, "the check cell must come right after its exercise cell"
    assert "raise NotImplementedError" in source(cells[exercise]), "the learner version must hold the unsolved cell"
    above = [i for i, c in enumerate(cells[:exercise]) if c["cell_type"] == "code" and source(c).strip()]

    page = open_notebook(browser_context, jupyterlab, LEARNER_NOTEBOOK)
    try:
        with failure_screenshot(page, screenshots / f"exercises_{LEARNER_EXERCISE}_failure.png"):
            # The cells above the exercise (imports, setup), as a learner runs them before starting.
            cell_locator(page, exercise).locator(".jp-InputArea-prompt").click()
            run_and_wait(page, lambda: menu(page, "Run", "Run All Above Selected Cell"), above)

            def answer_and_check(text):
                replace_cell_source(page, exercise, text)

                def run_both():
                    page.keyboard.press("Shift+Enter")  # runs the exercise, selects its check cell
                    page.keyboard.press("Shift+Enter")  # runs the check

                run_and_wait(page, run_both, [exercise, check], timeout_ms=UI_TIMEOUT_MS)
                cell_locator(page, check).scroll_into_view_if_needed()
                return page.evaluate(READ_CELLS_JS)[check]

            right = answer_and_check(CORRECT_ANSWER)
            page.screenshot(path=str(screenshots / f"exercises_{LEARNER_EXERCISE}_correct.png"))
            wrong = answer_and_check(MISTAKE_ANSWER)
            page.screenshot(path=str(screenshots / f"exercises_{LEARNER_EXERCISE}_mistake.png"))
    finally:
        page.close()
        jupyterlab.shutdown_kernels()

    success = SUCCESS.format(name=LEARNER_EXERCISE)
    assert success in printed_lines(right) and not right["stderr"], f"correct answer, check shows: {right!r}"
    assert success not in printed_lines(wrong), f"the mistake passed the check: {wrong['outputText']!r}"
    hint = "\n".join(wrong["stderr"])
    assert "CheckFailed" in hint, f"the mistake should fail with the check's CheckFailed, the page shows: {hint!r}"
    assert re.search(r"\bb\b|bias", hint), f"the hint does not point at the missing bias b: {hint!r}"
    # The message, not the checks' machinery (issue 25: 22 lines of _engine.py's traceback before it).
    assert "_engine.py" not in hint and "dl_utils/checks" not in hint, f"the checks' own frames show: {hint!r}"
    assert len(hint.strip().splitlines()) <= 6, f"more than the message shows: {hint!r}"
