"""The course as the learners of a graded class get it: no solutions, and no reference of an exercise still to grade.

Usage, from the repository's root::

    python -m dl_instructor.distribute --out DIR [--held 02_forward 03_cost ...]
    python -m dl_instructor.distribute --out DIR --due 02_forward=2026-10-05 03_cost=2026-10-12 ... [--today DATE]

writes into ``DIR`` (a folder to push to the learners' repository, for nbgitpuller or repo2docker):

* ``notebooks/exercises/``: the learner versions (:mod:`dl_instructor.release`: no solution, no hidden
  test), and the course notebooks that have no exercise (``06_application``) as they are;
* ``dl_utils/``: the course library, in which every function that answers an exercise of the
  ``--held`` notebooks (the exercises still to be graded; default: every notebook with exercises)
  keeps its name and signature, but its body and docstring are gone from the source (the sandbox's
  own stripping, :func:`dl_instructor.strip.strip`): it calls *the learner's own* function instead,
  the one defined in the running notebook, else the one in the learner's saved notebook of that step
  (``dl_utils/_your_own.py``), so that a later notebook that imports an earlier answer (04 imports
  ``L_model_forward``) runs with the learner's, as a graded class would expect; when the learner has
  not written it yet, it says so (``RuntimeError: dl_utils.L_model_forward is, while 02_forward is
  graded, your own L_model_forward of 02_forward.ipynb, which is not written yet: ...``). A library
  function that uses one (``L_layer_model``) keeps its source, and so runs on the learner's own
  functions too, unless one of its statements computes what a held answer computes (then it is
  emptied, and raises why).
  ``dl_utils.checks`` is a stand-in too (the checks compute their expected values with the references,
  and the catalogue of mistakes holds answers one edit away): a check cell says that the work is
  checked when it is graded, and the grader's ``--executed`` notebooks give the feedback;
* the datasets, and what installs it (``pyproject.toml``, ``requirements.txt``, ``runtime.txt``,
  ``constraints.txt``), so that ``pip install .`` there (or repo2docker) installs the stripped library.

It never writes the course notebooks' solutions, ``dl_instructor`` or the tests. Run it again with
fewer ``--held`` notebooks after each due date (or with ``--due``, each graded notebook's due date: the
notebooks due today or later are held): the references of the graded exercises come back.
"""

import argparse
import shutil
import sys
from pathlib import Path

import nbformat

from . import strip
from . import submission as _submission
from .release import SOURCE_DIR, course_notebooks, has_exercises, learner_version, to_text

ROOT = Path(__file__).resolve().parent.parent
YOUR_OWN = '''"""While an exercise is graded, dl_utils' function of that name is the learner's own.

The copy of the course a graded class gets does not hold the course's answers to the exercises still
to be graded. A notebook that uses an earlier step's function (04 uses ``L_model_forward``) gets the
learner's: the one the running notebook defines, else the one in the learner's saved notebook of
that step (its first code cell, the imports, and its exercise cells, run in a namespace of their own).
"""

import json
import sys
from pathlib import Path


_RUN = {}  # (notebook path, modification time) -> the namespace its cells made


def _from_notebook(name, notebook):
    for folder in (Path.cwd(), Path(__file__).resolve().parent.parent / "notebooks" / "exercises"):
        path = folder / f"{notebook}.ipynb"
        if path.is_file():
            break
    else:
        return None, f"{notebook}.ipynb is not in {Path.cwd()}"
    key = (str(path), path.stat().st_mtime_ns)  # run once per saved version, not at every call
    if key not in _RUN:
        cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        mine = cells[:1] + [c for c in cells[1:] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
        namespace = {"__name__": f"your_own_{notebook}"}
        for cell in mine:
            exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)  # the learner's own code
        _RUN[key] = namespace
    return _RUN[key].get(name), f"{path.name} defines no {name}"


def your_own(name, notebook):
    """The learner's ``name``: the running notebook's (``__main__``), else the one of ``notebook``'s saved copy."""
    stub = getattr(sys.modules.get("dl_utils"), name, None)
    main = getattr(sys.modules.get("__main__"), name, None)
    if callable(main) and main is not stub and not getattr(main, "__module__", "").startswith("dl_utils"):
        return _yours(main, name, notebook)
    try:
        found, why = _from_notebook(name, notebook)
    except Exception as error:  # noqa: BLE001 - the learner's notebook: say where it failed
        raise RuntimeError(f"dl_utils.{name} is, while {notebook} is graded, your own {name} of {notebook}.ipynb, "
                           f"and running that notebook's cells raised {type(error).__name__}: {error}") from error
    if not callable(found):
        raise RuntimeError(f"dl_utils.{name} is, while {notebook} is graded, your own {name} of {notebook}.ipynb: "
                           f"{why}; write it there and save the notebook")
    return _yours(found, name, notebook)


_WRAPPED = {}  # the learner's function -> the one the library calls (made once: a training loop calls it often)


def _yours(found, name, notebook):
    """``found``, called as the library calls it: the options the learner's exercise does not take are left out."""
    if (found, name) not in _WRAPPED:
        _WRAPPED[found, name] = _wrapped(found, name, notebook)
    return _WRAPPED[found, name]


def _wrapped(found, name, notebook):
    import inspect

    taken = inspect.signature(found).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in taken.values()):
        taken = set(taken)
    else:
        taken = None

    library = inspect.signature(getattr(sys.modules["dl_utils"], name)).parameters

    def yours(*args, **kwargs):
        if taken is not None:
            for option in [k for k in kwargs if k not in taken]:  # left out only when it asks for the default
                value, default = kwargs.pop(option), getattr(library.get(option), "default", None)
                if not (value is default or isinstance(value, (str, int, float)) and value == default):
                    raise RuntimeError(f"dl_utils.{name} is, while {notebook} is graded, your own {name} of "
                                       f"{notebook}.ipynb, which takes no {option}, and the library asked for "
                                       f"{option}={value!r}")
        if name in SATURATED:  # the library's promise kept: a saturated output's cost is finite
            args, kwargs = _clipped(args, kwargs, found)
        try:
            return found(*args, **kwargs)
        except NotImplementedError as error:
            raise RuntimeError(f"dl_utils.{name} is, while {notebook} is graded, your own {name} of "
                               f"{notebook}.ipynb, which is not written yet: write it there and save the "
                               "notebook") from error

    return yours


# The library's compute_cost keeps the cost of a saturated output (AL exactly 0 or 1, which the sigmoid gives for
# large |Z|) finite, AL clipped into the open interval (0, 1) (its docstring); the course's answer in 03 is the
# plain formula, so 0 * log(0) made the cost of a training that was fine nan, and L_layer_model stopped it as
# diverged (06, the spiral at learning rate 3). The copy clips as the library does: the same cost for 0 < AL < 1.
SATURATED = {"compute_cost"}


def _clipped(args, kwargs, found):
    import inspect

    import numpy as np

    signature = inspect.signature(found)
    bound = signature.bind_partial(*args, **kwargs)
    first = next(iter(signature.parameters), None)
    AL = bound.arguments.get(first)
    if isinstance(AL, np.ndarray) and np.issubdtype(AL.dtype, np.floating) and AL.size \
            and AL.min() >= 0 and AL.max() <= 1:  # probabilities: anything else reaches the learner's code as it is
        zero, one = AL.dtype.type(0), AL.dtype.type(1)
        bound.arguments[first] = np.clip(AL, np.nextafter(zero, one), np.nextafter(one, zero))
    return bound.args, bound.kwargs
'''
INSTALL_FILES = ("pyproject.toml", "requirements.txt", "runtime.txt", "constraints.txt")
CHECKS_STAND_IN = '''"""The checks of this graded copy of the course: each says the work is checked when graded.

The course's checks compute their expected values with the course's own answers, which this copy
does not have while the exercises are graded.
"""


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)

    def check(fn=None, hidden=False, **kwargs):
        print(f"{name}: not checked in this copy of the course while its exercises are graded; "
              "your function is checked when it is graded.")

    check.__name__ = name
    return check
'''


def held_by(source_dir, held):
    """``{exercise name: its notebook}`` of the ``held`` notebooks."""
    out = {}
    for notebook in held:
        nb = nbformat.read(Path(source_dir) / f"{notebook}.ipynb", as_version=4)
        out.update({ex.name: notebook for ex in _submission.exercises(nb)})
    return out


def _statements(node):
    """The statements of a function, each as Python writes it, that could carry an answer.

    Left out: the short ones, returns, raises, those that compute nothing (no arithmetic, no numpy:
    checking arguments), and plain calls, whose arguments are names, constants or items
    (``grads = L_model_backward(AL, Y, caches)``, ``linear_forward(A, parameters[f"W{l}"], ...)``): that
    a training loop or the softmax network calls a step is no answer to the step.
    """
    import ast

    def plain(a):
        if isinstance(a, ast.Subscript):
            return plain(a.value) and plain(a.slice)
        if isinstance(a, ast.JoinedStr):
            return all(isinstance(v, ast.Constant) or plain(v.value) for v in a.values)
        return isinstance(a, (ast.Name, ast.Constant, ast.Attribute))

    def plain_call(n):
        value = getattr(n, "value", None)
        arguments = value.args + [k.value for k in value.keywords] if isinstance(value, ast.Call) else [None]
        return isinstance(n, (ast.Assign, ast.Expr)) and all(plain(a) for a in arguments)

    def computes(n):  # arithmetic, or numpy: what an answer is made of (not checking arguments, not raising)
        return any(isinstance(m, (ast.BinOp, ast.UnaryOp)) or (isinstance(m, ast.Attribute) and isinstance(
            m.value, ast.Name) and m.value.id == "np") for m in ast.walk(n))

    return {ast.unparse(n) for n in ast.walk(node) if isinstance(n, ast.stmt) and not plain_call(n) and computes(n)
            and not isinstance(n, (ast.FunctionDef, ast.Return, ast.Pass, ast.Expr, ast.Raise))
            and len(ast.unparse(n)) > 20}


def your_own_instead(sources, stripped, where):
    """The stripped library, with each held exercise calling the learner's own, and each user of one given back.

    ``sources`` the library as it is, ``stripped`` as :func:`strip.strip` emptied it, ``where`` ``{exercise:
    notebook}``. A function the stripping emptied because it uses an exercise gets its source back unless
    one of its statements is one of a held reference's (then it stays emptied, and raises why). Returns
    the sources and the names of the functions whose source the copy does not hold.
    """
    import ast

    answers = set()
    originals = {}
    for path, source in sources.items():
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                originals[path, node.name] = node
                if node.name in where:
                    answers |= _statements(node)
    out, gone = {}, set()
    for path, text in stripped.items():
        if text == sources.get(path) or "/checks/" in path or Path(path).stem in strip.ENGINES:
            out[path] = text
            continue
        tree = ast.parse(text)
        for i, node in enumerate(tree.body):
            if not isinstance(node, ast.FunctionDef) or (path, node.name) not in originals:
                continue
            if node.name in where:
                positional = node.args.posonlyargs + node.args.args
                required = len(positional) - len(node.args.defaults)  # those with a default go by name
                call = ", ".join([a.arg for a in positional[:required]]
                                 + [f"{a.arg}={a.arg}" for a in positional[required:]]
                                 + ([f"*{node.args.vararg.arg}"] if node.args.vararg else [])
                                 + [f"{a.arg}={a.arg}" for a in node.args.kwonlyargs]
                                 + ([f"**{node.args.kwarg.arg}"] if node.args.kwarg else []))
                node.body = ast.parse(f"from dl_utils._your_own import your_own\n"
                                      f"return your_own({node.name!r}, {where[node.name]!r})({call})").body
                gone.add(node.name)
            elif ast.unparse(node) != ast.unparse(originals[path, node.name]):
                if _statements(originals[path, node.name]) & answers:
                    gone.add(node.name)
                else:
                    tree.body[i] = originals[path, node.name]
        out[path] = ast.unparse(tree) + "\n"
    return out, gone


def held_on(due, today):
    """The notebooks still held on ``today``: those whose due date (``{notebook: date}``) is today or later.

    A notebook's references come back the day after its due date (grade it first, then distribute again).
    """
    return sorted(name for name, date in due.items() if date >= today)


def parse_due(items):
    """``["02_forward=2026-10-05", ...]`` as ``{notebook: datetime.date}``; ValueError naming a bad item."""
    import datetime

    due = {}
    for item in items:
        name, _, date = item.partition("=")
        try:
            due[name] = datetime.date.fromisoformat(date)
        except ValueError:
            raise ValueError(f"--due {item!r}: expected NOTEBOOK=YYYY-MM-DD, e.g. 02_forward=2026-10-05") from None
    return due


def build(out, held=None, source_dir=SOURCE_DIR):
    """Write the class's copy of the course into ``out``; return the names of the functions it holds no source of.

    Parameters
    ----------
    out : path
        An empty or absent folder.
    held : list of str, optional
        The notebooks whose exercises are still to be graded (default: every one with exercises).
    source_dir : path
        The course notebooks.
    """
    import dl_utils

    out, source_dir = Path(out), Path(source_dir)
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"{out} is not empty: give a new folder (the class's copy is written whole)")
    notebooks = {p.stem: p for p in course_notebooks(source_dir)}
    with_exercises = [name for name, p in notebooks.items() if has_exercises(nbformat.read(p, as_version=4))]
    held = list(held) if held else with_exercises
    unknown = [name for name in held if name not in with_exercises]
    if unknown:
        raise ValueError(f"not course notebooks with exercises: {', '.join(unknown)} (the course has "
                         f"{', '.join(with_exercises)})")
    where = held_by(source_dir, held)
    names = set(where)
    package = Path(dl_utils.__file__).resolve().parent
    sources = strip.library_sources(package)
    sources["dl_utils/checks/__init__.py"] = CHECKS_STAND_IN
    stripped, gone = your_own_instead(sources, strip.strip(sources, names, ", ".join(held)), where)
    stripped["dl_utils/_your_own.py"] = YOUR_OWN
    for relative, text in stripped.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(package / "datasets", out / "dl_utils" / "datasets",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"), dirs_exist_ok=True)
    exercises = out / "notebooks" / "exercises"
    exercises.mkdir(parents=True)
    for name, path in notebooks.items():
        nb = nbformat.read(path, as_version=4)
        if name in with_exercises:
            (exercises / path.name).write_text(to_text(learner_version(nb)), encoding="utf-8")
        else:
            shutil.copyfile(path, out / "notebooks" / path.name)
    for name in INSTALL_FILES:
        if (ROOT / name).is_file():
            shutil.copyfile(ROOT / name, out / name)
    return sorted(gone)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dl_instructor.distribute",
                                     description="Write the course as a graded class gets it: no solutions, and "
                                                 "no reference of the exercises still to be graded.")
    parser.add_argument("--out", type=Path, required=True, help="a new folder")
    parser.add_argument("--held", nargs="+", default=None, metavar="NOTEBOOK",
                        help="the notebooks whose exercises are still to be graded (default: all with exercises)")
    parser.add_argument("--due", nargs="+", default=None, metavar="NOTEBOOK=DATE",
                        help="instead of --held: each graded notebook's due date (02_forward=2026-10-05 ...); "
                             "those due today or later are held, the others' references are given back")
    parser.add_argument("--today", default=None, metavar="DATE", help="the date to hold by (default: today)")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="the course notebooks (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        held = args.held
        if args.due is not None:
            import datetime

            if args.held:
                raise ValueError("--held and --due are two ways of saying the same: give one")
            today = datetime.date.fromisoformat(args.today) if args.today else datetime.date.today()
            held = held_on(parse_due(args.due), today)
            if not held:
                raise ValueError(f"every --due date is before {today}: nothing to hold (give no --due and "
                                 "--held NOTEBOOK... to say which, or hand out the repository itself)")
        gone = build(args.out, held, args.source)
    except ValueError as e:
        parser.error(str(e))
    print(f"wrote {args.out}: the learner versions, the datasets, and dl_utils without the source of {len(gone)} "
          f"functions ({', '.join(gone)}: a held exercise is the learner's own); push it to the learners' "
          "repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())
