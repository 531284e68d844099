"""A failed check shows its message and the learner's own frames, never the checks' machinery.

Where a learner meets a failed check: in JupyterLab (IPython renders the failure with
``_render_traceback_``), in a plain ``python`` run (``sys.excepthook``), under pytest
(``__tracebackhide__``). Each runs here in a process of its own, as the learner runs it.
"""

import ast
import inspect
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from dl_utils import checks
from dl_utils.checks import CheckFailed, _engine, mistakes
from dl_utils.checks._failure import WIDTH, wrapped

ROOT = Path(__file__).resolve().parent.parent

# The learner's cell: a mistake the catalogue names, one that raises inside their own function, a stub.
FORGOT_B = '''
def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev)
    return Z, (A_prev, W, b)
'''
RAISES = '''
def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + bias
    return Z, (A_prev, W, b)
'''
STUB = '''
def linear_forward(A_prev, W, b):
    raise NotImplementedError()
'''
CALL = "checks.linear_forward(linear_forward)"


def script(cell):
    return f"import numpy as np\nfrom dl_utils import checks\n{textwrap.dedent(cell)}\n{CALL}\n"


def run(args, tmp_path, env_extra=None):
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TERM": "dumb",
           **(env_extra or {})}
    done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    return done.stdout + done.stderr


def assert_only_the_learners(shown, cell):
    """What ``shown`` must hold: the message, wrapped at words, and no line of the checks' machinery."""
    assert "_engine.py" not in shown and "dl_utils/checks" not in shown, shown
    assert "check_case" not in shown and "<listcomp>" not in shown, shown
    if cell is FORGOT_B:
        assert "Likely cause: Z = W A_prev + b: did you forget to add b?" in " ".join(shown.split()), shown
    if cell is RAISES:  # the learner's frame and line, as Python shows it
        assert "Z = np.dot(W, A_prev) + bias" in shown and "linear_forward raised NameError" in shown, shown
    if cell is STUB:
        assert "not implemented yet" in shown and "raise NotImplementedError()" in shown, shown


@pytest.mark.parametrize("cell", [FORGOT_B, RAISES, STUB], ids=["mistake", "raises", "stub"])
def test_plain_python_shows_the_learners_call_and_the_message(cell, tmp_path):
    (tmp_path / "learner.py").write_text(script(cell))
    shown = run([sys.executable, "learner.py"], tmp_path)
    assert_only_the_learners(shown, cell)
    assert shown.startswith("Traceback (most recent call last):") and CALL in shown, shown
    message = shown[shown.index("CheckFailed: linear_forward"):]
    assert max(len(line) for line in message.splitlines()) <= WIDTH, shown


@pytest.mark.parametrize("cell", [FORGOT_B, RAISES, STUB], ids=["mistake", "raises", "stub"])
def test_ipython_renders_the_message_and_the_learners_frame(cell, tmp_path):
    pytest.importorskip("IPython")
    (tmp_path / "learner.py").write_text(script(cell))
    shown = run([sys.executable, "-m", "IPython", "--colors=NoColor", "--no-banner", "learner.py"], tmp_path)
    assert_only_the_learners(shown, cell)
    assert "skipping hidden" not in shown, shown
    message = shown[shown.index("CheckFailed: "):]
    assert max(len(line) for line in message.splitlines()) <= WIDTH, shown
    if cell is not RAISES:
        assert CALL not in shown and "Traceback" not in shown, shown  # the message alone


@pytest.mark.parametrize("cell", [FORGOT_B, RAISES], ids=["mistake", "raises"])
def test_pytest_hides_the_checks_frames(cell, tmp_path):
    (tmp_path / "test_learner.py").write_text(script(cell).replace(CALL, f"\ndef test_it():\n    {CALL}\n"))
    shown = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "-o",
                 "addopts=", "test_learner.py"], tmp_path)
    assert "1 failed" in shown, shown
    assert_only_the_learners(shown, cell)


def test_the_message_wraps_at_words_and_keeps_the_indent():
    text = ("f: the -1/m multiplies only the first term: put both terms in the brackets, -1/m * (term1 + term2) "
            "(the lecture notes have this bug).\n  Inputs: the hand-computed case: AL (1, 4), Y (1, 4).")
    lines = wrapped(text, 40)
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(" ".join(lines).split()) == " ".join(text.split())  # no word cut
    assert lines[0].startswith("f: ") and all(line.startswith("  ") for line in lines[1:])


def test_the_failure_keeps_its_words_for_the_grader():
    # str() is what the grader and the tests read: one line per sentence, not wrapped.
    failure = CheckFailed("x" * 200, "linear_forward", "lf_no_bias")
    assert str(failure) == "x" * 200 and failure.exercise == "linear_forward" and failure.mistake == "lf_no_bias"
    assert "x" * 200 in "\n".join(failure._render_traceback_())  # a word longer than a line stays whole


def test_in_a_notebook_session_a_mistake_made_again_gets_its_equation(tmp_path):
    pytest.importorskip("IPython")
    (tmp_path / "learner.py").write_text(script(FORGOT_B).replace(CALL, f"try:\n    {CALL}\nexcept AssertionError:\n"
                                                                       f"    pass\n{CALL}"))
    shown = run([sys.executable, "-m", "IPython", "--colors=NoColor", "--no-banner", "learner.py"], tmp_path)
    assert "did you forget to add b?" in shown and "worked out: Z = W @ A_prev + b" in " ".join(shown.split()), shown


def test_a_mistake_made_again_gets_its_equation_once_told(monkeypatch):
    namespace = {"np": np}
    exec(compile(textwrap.dedent(FORGOT_B), "<cell>", "exec"), namespace)  # noqa: S102 - the test's own cell
    check = checks.linear_forward
    assert _engine.TOLD["mistakes"] is None  # outside IPython every failure is told alone, the same every time
    assert "worked out" not in str(pytest.raises(AssertionError, check, namespace["linear_forward"]).value)
    assert "worked out" not in str(pytest.raises(AssertionError, check, namespace["linear_forward"]).value)
    monkeypatch.setitem(_engine.TOLD, "mistakes", set())  # a notebook's session
    first = str(pytest.raises(AssertionError, check, namespace["linear_forward"]).value)
    again = str(pytest.raises(AssertionError, check, namespace["linear_forward"]).value)
    assert "worked out" not in first
    assert f"The same mistake as before; worked out: {mistakes.EQUATIONS['linear_forward']}" in again
    # The grader passes call=: it judges many learners in one process, and never adds it.
    entry = next(m for m in mistakes.CATALOGUE if m.id == "lf_no_bias")
    assert _engine.second_hint(entry, call=lambda args, kwargs: None) is None


def test_each_equation_uses_only_arguments_the_learners_function_has():
    # The equations are shown to learners: an argument of the library's function (dtype) that the notebook's
    # exercise does not have would send them looking for it.
    for name in checks.EXERCISE_NAMES:
        record = checks.exercise(name)
        cells = json.loads((ROOT / "notebooks" / record.notebook).read_text())["cells"]
        source = next("".join(c["source"]) for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id")
                      == f"ex_{name}")
        learner = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
        theirs = {a.arg for a in learner.args.args}
        library_only = set(inspect.signature(record.reference).parameters) - theirs
        # As code: an argument or a value in a call, `dtype=dtype`, `astype(dtype)` (not "the output layer").
        used = {arg for arg in library_only
                if re.search(rf"[(=,]\s*{arg}\b|\b{arg}\s*[(),=]", mistakes.EQUATIONS[name])}
        assert not used, (name, used, mistakes.EQUATIONS[name])


def test_every_exercise_has_its_equation_for_the_second_hint():
    assert set(mistakes.EQUATIONS) == set(checks.EXERCISE_NAMES)
    assert all(len(text) > 40 for text in mistakes.EQUATIONS.values())
