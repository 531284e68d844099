"""The grade equals the notebook's verdict: every answer the checks' tests know, judged both ways.

Issue 24, point 3. Every valid alternative answer of the checks' tests (``CORRECT`` of
tests/test_checks_answers.py and its kin, one per notebook), every catalogued mistake
(``dl_utils.checks.mistakes.CATALOGUE``) and every wrong answer as a learner typed it
(tests/wrong_answers.py) is judged twice, with the same secret seed:

- as the notebook's check cell judges it: the course's check, visible and hidden, calling the
  function in this process;
- as the grader judges it: the function's source defined in a sandbox of the course notebook
  (the library stripped as when that notebook is graded), its calls sent over the wire, in a
  copy of the sandbox's process of its own, with the references of the exercises before it
  staged, the check run here (:class:`dl_instructor.judge.NotebookRun`, as ``grade`` runs it).

The verdicts (passed or not) must be the same. All the answers of one notebook are defined in
one sandbox, so the whole comparison is one sandbox per notebook. A function the test cannot
carry into a sandbox as source (none today) is counted and named, never silently dropped.
"""

import ast
import base64
import contextlib
import importlib
import inspect
import io
import marshal
import textwrap
import types
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest
import wrong_answers
from sandboxed import require_sandbox

import dl_utils
from dl_instructor import grade, sandbox
from dl_instructor.judge import NotebookRun
from dl_instructor.release import SOURCE_DIR
from dl_instructor.submission import grade_id
from dl_utils import checks
from dl_utils.checks import mistakes

require_sandbox()

ANSWER_MODULES = ("test_checks_answers", "test_checks_gradient", "test_checks_init", "test_checks_multiclass",
                  "test_checks_optimization", "test_checks_regularization")
SECRET = 20261206  # the same secret seed on both sides


# ---------------------------------------------------------------- the answers, as source a notebook cell can hold


def answers():
    """``[(exercise, label, fn)]``: every right answer of the checks' tests, then every catalogued mistake."""
    out = []
    for module_name in ANSWER_MODULES:
        module = importlib.import_module(module_name)
        for exercise, fns in module.CORRECT.items():
            # The reference itself is not a learner's answer: by design it scores 0 when graded, and its check in
            # the notebook says so (tests/answers.py leaves it out the same way).
            out += [(exercise, f"{module_name}.{fn.__name__}", fn) for fn in fns
                    if fn is not getattr(dl_utils, exercise, None)]
    out += [(m.exercise, f"mistake {m.id}", m.fn) for m in mistakes.CATALOGUE]
    out += [(w.exercise, f"wrong {w.id}", WrittenAnswer(w)) for w in wrong_answers.WRONG]
    return out


class WrittenAnswer:
    """A wrong answer of tests/wrong_answers.py: a learner's cell as typed, called as the notebook would call it."""

    def __init__(self, entry):
        self.entry = entry
        self.fn = wrong_answers.learner_function(entry)
        self.__name__ = entry.exercise

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def source(self, unique):
        # The notebook's names (its setup's imports, the global A some answers read), then the cell, in a scope.
        body = textwrap.indent(self.entry.source, "    ")
        return (f"A = np.ones((3, 4))\nfrom dl_utils import {', '.join(wrong_answers.HELPERS)}\n\n\n"
                f"def _make_{unique}():\n{body}\n    return {self.entry.exercise}\n\n\n{unique} = _make_{unique}()\n")


def _names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _is_reference(value):
    module = getattr(value, "__module__", "") or ""
    return module.startswith("dl_utils") and not module.startswith("dl_utils.checks")


def _own_source(fn, as_name):
    """``fn``'s own definition, without decorators; a lambda found in its file by its code, bound to ``as_name``."""
    code = fn.__code__
    if code.co_name != "<lambda>":
        node = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
        node.decorator_list = []
        return ast.unparse(node) + (f"\n{as_name} = {code.co_name}" if as_name not in (None, code.co_name) else "")
    lines, _ = inspect.findsource(fn)
    found = [node for node in ast.walk(ast.parse("".join(lines)))
             if isinstance(node, ast.Lambda) and node.lineno == code.co_firstlineno]
    for node in found:
        text = ast.unparse(node)
        made = next(c for c in compile(text, "<lambda>", "eval").co_consts if isinstance(c, types.CodeType))
        if len(found) == 1 or (made.co_varnames, made.co_names) == (code.co_varnames, code.co_names):
            return f"{as_name} = {text}"
    raise ValueError(f"the lambda of line {code.co_firstlineno} was not found")


def _literal(value):
    """Python source that makes ``value`` (an array, a number, a string, or a dict, list or tuple of them)."""
    if isinstance(value, np.ndarray):
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        data = base64.b64encode(buffer.getvalue())
        return f"np.load(__import__('io').BytesIO(__import__('base64').b64decode({data!r})))"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return ("[" if isinstance(value, list) else "(") + "".join(f"{_literal(v)}, " for v in value) + (
            "]" if isinstance(value, list) else ")")
    if isinstance(value, (int, float, str, bytes, type(None))) and eval(repr(value)) == value:  # noqa: S307
        return repr(value)
    raise ValueError(f"a {type(value).__name__} cannot be carried")


def _definitions(fn, lines, data, seen, scope, as_name=None, own=True):
    """Lines that define what ``fn`` uses from its module (helpers, modules), then ``fn`` itself; its data in ``data``.

    The data it reads (arrays, dicts, constants) are the notebook's globals, as in the module it came from.
    """
    if fn in seen:
        return
    seen.add(fn)
    closure = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__ or ()), strict=True))
    for name in sorted(_names(fn.__code__) | set(closure)):
        if name in scope:
            continue
        value = closure[name] if name in closure else fn.__globals__.get(name, inspect.Parameter.empty)
        if value is inspect.Parameter.empty or name == fn.__code__.co_name or not name.isidentifier():
            continue  # (pytest's assertion rewriting adds names such as @py_builtins)
        scope.add(name)
        if isinstance(value, types.ModuleType):
            lines.append(f"import {value.__name__} as {name}")
        elif _is_reference(value):
            # A reference of the course's: whatever the notebook's name stands for when called (the staged
            # reference of an exercise judged before, else what the sandbox's library holds).
            data.append(f"from dl_utils import {value.__name__}")
            if name != value.__name__:
                lines.append(f"def {name}(*args, **kwargs):\n    return {value.__name__}(*args, **kwargs)")
        elif isinstance(value, types.FunctionType) and not value.__module__.startswith(("numpy", "scipy")):
            _definitions(value, lines, data, seen, scope, as_name=name)
        elif callable(value) and getattr(value, "__module__", None):
            lines.append(f"from {value.__module__} import {value.__qualname__} as {name}")
        elif name in closure:
            lines.append(f"{name} = {_literal(value)}")
        else:
            data.append(f"{name} = {_literal(value)}")
    if own:
        lines.append(_own_source(fn, as_name))


def _marshalled(fn, as_name):
    # A function made from a string (its source is nowhere): its code object, which the sandbox's Python reads.
    code = marshal.dumps(fn.__code__)
    return f"{as_name} = __import__('types').FunctionType(__import__('marshal').loads({code!r}), globals())"


def as_source(fn, unique):
    """Source defining ``unique`` as ``fn``, each answer's helpers in a scope of its own."""
    if isinstance(fn, WrittenAnswer):
        return fn.source(unique)
    lines, data = [], []
    try:
        inspect.getsource(fn)
    except OSError:  # made by exec from a string: its globals are the notebook's, and so is it
        _definitions(fn, data, data, set(), set(), own=False)
        return "\n".join([*data, _marshalled(fn, unique)]) + "\n"
    _definitions(fn, lines, data, set(), set())
    body = textwrap.indent("\n".join(lines), "    ")
    return "\n".join(data) + (f"\n\n\ndef _make_{unique}():\n{body}\n    return {fn.__code__.co_name}\n\n\n"
                               f"{unique} = _make_{unique}()\n")


# ---------------------------------------------------------------- both verdicts


def in_kernel(exercise, fn):
    """Whether the notebook's check cell says the answer passes (visible and hidden)."""
    check = getattr(checks, exercise)
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            check(fn, secret=SECRET)
            check(fn, hidden=True, secret=SECRET)
        except AssertionError:
            return False
    return True


def graded(notebook, items):
    """``{label: (passed, message)}`` for ``items`` ([(exercise, label, fn)]), judged by the grader's path."""
    course = grade.course_for(SOURCE_DIR, "dl_utils.checks")
    real = course[notebook]
    order = [ex.function for ex in real.exercises]
    check_of = {ex.function: ex.check for ex in real.exercises}
    source = nbformat.read(SOURCE_DIR / f"{notebook}.ipynb", as_version=4)
    setup = next(c for c in source.cells if grade_id(c) == "setup")
    exercises, cells, uncarried = [], [setup.source], {}
    for k, (exercise, label, fn) in enumerate(items):
        unique = f"answer_{k}"
        try:
            cells.append(as_source(fn, unique))
        except (ValueError, OSError, TypeError) as e:
            uncarried[label] = str(e)
            continue
        exercises.append((exercise, label, grade.GradedExercise(label, "", "", 1.0, unique, check_of[exercise])))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    exercise_of = {g.function: exercise for exercise, _, g in exercises}
    course_nb = SimpleNamespace(exercises=[g for _, _, g in exercises], library_dir=real.library_dir,
                                data_dir=real.data_dir, function_names=lambda: [g.function for _, _, g in exercises],
                                stage_request=lambda judged, unique: real.stage_request(judged, exercise_of[unique]))
    options = grade.Options(timeout=60, isolate=True, limits=sandbox.Limits(), secret=SECRET, budget=10_000)
    run = NotebookRun(course_nb, SimpleNamespace(nb=nb, index_of={}, notes={}), options)
    out = {}
    try:
        run.execute()
        for index, result in run.cells.items():  # an answer whose source did not run in the sandbox
            if result.status != "ok":
                label = exercises[index - 1][1] if index else "the setup cell"
                uncarried[label] = f"{result.status}: {str(result.error.get('text'))[-300:]}"
        # In the course's order of the exercises, as the grader judges a notebook (each exercise's answers in
        # their order): an exercise's stage then follows the one before it, and the sandbox is replaced only where
        # a graded notebook's would be (given in any order, 35 replacements replayed every cell: 43 of 126 s).
        for exercise, label, g in sorted(exercises, key=lambda e: order.index(e[0])):
            if label in uncarried:
                continue
            run.judged = order[:order.index(exercise)]  # the references staged, as after the exercises before it
            verdict = run.judge(g)
            out[label] = (verdict.status == "passed", verdict.message)
    finally:
        run.close()
    return out, uncarried


@pytest.fixture(scope="module")
def verdicts():
    course = grade.course_for(SOURCE_DIR, "dl_utils.checks")
    notebook_of = {ex.function: name for name in course.names for ex in course[name].exercises}
    by_notebook = {}
    for exercise, label, fn in answers():
        by_notebook.setdefault(notebook_of[exercise], []).append((exercise, label, fn))
    rows, uncarried = [], {}
    for notebook, items in by_notebook.items():
        grader, skipped = graded(notebook, items)
        uncarried.update(skipped)
        for exercise, label, fn in items:
            if label in grader:
                rows.append((notebook, exercise, label, in_kernel(exercise, getattr(fn, "fn", fn)), *grader[label]))
    return rows, uncarried


def test_every_answer_and_mistake_gets_the_same_verdict_in_the_notebook_and_from_the_grader(verdicts):
    rows, uncarried = verdicts
    differ = [(label, f"notebook {'passed' if kernel else 'failed'}, grader {'passed' if passed else 'failed'}: "
               f"{message[:300]}") for _, _, label, kernel, passed, message in rows if kernel != passed]
    exercises = {exercise for _, exercise, *_ in rows}
    right = sum(1 for _, _, label, *_ in rows if not label.startswith(("mistake", "wrong")))
    typed = sum(1 for _, _, label, *_ in rows if label.startswith("wrong"))
    print(f"\n{len(rows)} answers ({right} right, {len(rows) - right - typed} catalogued mistakes, {typed} wrong "
          f"answers as typed) x their "
          f"{len(exercises)} exercises, judged in the notebook and by the grader: {len(differ)} differences; "
          f"{len(uncarried)} not carried into a sandbox")
    assert uncarried == {}
    assert differ == []


def test_the_comparison_covers_every_exercise_and_both_verdicts(verdicts):
    rows, _ = verdicts
    assert {exercise for _, exercise, *_ in rows} >= {m.exercise for m in mistakes.CATALOGUE}
    assert any(kernel for *_, kernel, _, _ in rows) and not all(kernel for *_, kernel, _, _ in rows)
    assert len(rows) >= 200
