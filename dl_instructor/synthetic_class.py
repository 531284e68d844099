"""A synthetic class, graded both ways: the standalone grader and nbgrader's own workflow with the judge.

Usage, from the repository's root::

    python -m dl_instructor.synthetic_class --out DIR [--notebooks 02_forward 03_cost 04_backward]
                                            [--jobs 2] [--no-nbgrader] [--scheduler ADDRESS]

It makes a class from the course itself: learners who hand in the solved notebooks, one who hands in
the blank learner versions, one learner for each catalogued mistake of the assigned exercises
(``dl_utils.checks.mistakes``: the mistake's own code in the exercise cell, the rest solved), and a
few hostile ones. A mistake made by a factory is handed in when its code can be written out as a cell
would hold it (the notebook global it reads, the lambdas its factory was given, as helpers); the
mistakes left out, and why, are printed. On 02-04 that is 10 of 96, each of which calls the course's
own answer to its exercise (``fwd.linear_activation_forward(..., swapped activation)``): the grader's
sandbox strips that answer, so such a learner would fail for another reason than the mistake. It then
grades the class with ``python -m dl_instructor.grade`` (the report, with its class page, lands in
``DIR/standalone``), then, unless ``--no-nbgrader``, in an nbgrader course directory (``DIR/nbgrader``)
with ``generate_assignment`` and ``autograde`` through :mod:`dl_instructor.nbgrader_plugin`, and compares
the points of every learner and exercise. It prints the class's size, each path's time,
and every difference (there should be none).
"""

import argparse
import ast
import inspect
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("02_forward", "03_cost", "04_backward")
PRELUDE = ("import numpy as np\nimport dl_utils.activations as act\nimport dl_utils.forward as fwd\n"
           "import dl_utils.backward as bwd\nfrom dl_utils import relu, sigmoid\n")
PRELUDE_NAMES = {"np", "act", "fwd", "bwd", "relu", "sigmoid"}
HOSTILE = {
    "hostile_displayhook": ("compute_cost", "def compute_cost(AL, Y):\n    import sys\n    sys.displayhook('x')\n"
                                            "    raise NotImplementedError()"),
    "hostile_reference": ("linear_forward", "def linear_forward(A_prev, W, b):\n    import dl_utils.forward as F\n"
                                            "    return F.linear_forward(A_prev, W, b)"),
    "hostile_patch_checks": ("relu_backward", "import dl_utils.checks as c\nc.relu_backward = lambda *a, **k: None\n"
                                              "def relu_backward(dA, cache):\n    raise NotImplementedError()"),
    "hostile_exit": ("sigmoid_backward", "def sigmoid_backward(dA, cache):\n    import os\n    os._exit(0)"),
}


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _helpers(fn, seen, source=None):
    """The sources of the catalogue's own helper functions that ``fn`` uses, helpers first (transitively)."""
    out = []
    source = source if source is not None else textwrap.dedent(inspect.getsource(fn))
    for node in ast.walk(ast.parse(source)):
        name = node.id if isinstance(node, ast.Name) else None
        helper = fn.__globals__.get(name) if name else None
        # The catalogue's helpers: the module's own, and those it imports from its siblings (mistakes._sigmoid).
        if name and name not in seen and inspect.isfunction(helper) and name.startswith("_") \
                and helper.__module__.startswith("dl_utils.checks.mistakes"):
            seen.add(name)
            out += _helpers(helper, seen) + [textwrap.dedent(inspect.getsource(helper))]
    return out


# Why a catalogued mistake is not handed in by a synthetic learner (the reasons written_out gives).
CALLS_ITS_ANSWER = "calls the course's own answer to its exercise, which the grader's sandbox strips"
NO_TEXT = "made at run time, and no call in the catalogue's text makes it from code a cell could hold"
SETTINGS = ("made by a factory whose settings or inner functions (flags, a helper of its own) are not code a "
            "learner's cell holds as written")


def _catalogue_calls():
    """``{id: (module, call)}``: the catalogue's ``Mistake("id", exercise, hint, fn)`` calls, as written (ast)."""
    found = {}
    for name, module in sorted(sys.modules.items()):
        if not name.startswith("dl_utils.checks.mistakes"):
            continue
        try:
            tree = ast.parse(inspect.getsource(module))
        except (OSError, TypeError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Mistake" \
                    and node.args and isinstance(node.args[0], ast.Constant):
                found[node.args[0].value] = (module, node)
    return found


def _made_by(entry, calls):
    """``(module, the expression that makes entry.fn in its catalogue call)``: ``_laf(...)``, ``_from_source(...)``."""
    module, call = calls.get(entry.id, (None, None))
    if call is None:
        return None, None
    made = call.args[3] if len(call.args) > 3 else next((k.value for k in call.keywords if k.arg == "fn"), None)
    return module, made if isinstance(made, ast.Call) and isinstance(made.func, ast.Name) else None


def _from_factory(entry, calls):
    """A factory-made mistake's code: ``(def source, lines before the def, helpers in its body, names given)``.

    Two kinds are written out as a learner would have them: a function read from a string, which reads a
    notebook global (``_from_source``: the global's assignment comes first, as in the learner's notebook),
    and an inner function whose free variables the factory's call sets to lambdas or constants (``_laf``:
    each becomes a helper ``def`` or an assignment at the top of the function). Returns a reason (str)
    for any other.
    """
    module, made = _made_by(entry, calls)
    if made is None:
        return NO_TEXT
    factory = getattr(module, made.func.id, None)
    if made.func.id == "_from_source" and made.args and isinstance(made.args[0], ast.Constant):
        before = [f"{k.arg} = {ast.unparse(k.value)}" for k in made.keywords]
        return textwrap.dedent(made.args[0].value), before, [], {k.arg for k in made.keywords}
    if not inspect.isfunction(factory):
        return NO_TEXT
    try:
        bound = inspect.signature(factory).bind(*made.args, **{k.arg: k.value for k in made.keywords})
    except TypeError:
        return NO_TEXT
    inside, unwritten = [], []
    for name in sorted(inspect.getclosurevars(entry.fn).nonlocals):
        value = bound.arguments.get(name)
        if isinstance(value, ast.Lambda):
            inside.append(f"def {name}({ast.unparse(value.args)}):\n    return {ast.unparse(value.body)}")
        elif isinstance(value, ast.Constant):
            inside.append(f"{name} = {value.value!r}")
        else:
            unwritten.append(name)
    if unwritten:
        return SETTINGS
    return textwrap.dedent(inspect.getsource(entry.fn)), [], inside, set(bound.arguments)


def written_out(entry, calls=None):
    """The catalogued mistake as a learner's exercise cell, or why it cannot be: ``(source, None)`` or ``(None, why)``.

    The cell holds the mistake's code under the exercise's name, the catalogue's helpers it uses and the
    imports its module made. A mistake that calls the course's own answer to its exercise is left out
    (the grader's sandbox has none); so is a factory-made one whose settings no cell holds as written.
    """
    calls = _catalogue_calls() if calls is None else calls
    try:
        source, before, inside, given = textwrap.dedent(inspect.getsource(entry.fn)), [], [], set()
        if inspect.getclosurevars(entry.fn).nonlocals:
            raise OSError("a closure")
    except (OSError, TypeError):
        made = _from_factory(entry, calls)
        if isinstance(made, str):
            return None, made
        source, before, inside, given = made
    helpers = _helpers(entry.fn, set(), source)
    imports = _imports(entry.fn, given)
    if imports is None:
        return None, SETTINGS
    if re.search(rf"\b\w+\.{entry.exercise}\b|import {entry.exercise}\b", source + "".join(helpers) + imports):
        return None, CALLS_ITS_ANSWER
    tree = ast.parse(source)
    node = next((n for n in tree.body if isinstance(n, ast.FunctionDef)), None)
    if node is None:
        return None, NO_TEXT
    # From the def line (ast's lineno: the decorators, however many lines they span, come before it) to the end.
    lines = source.splitlines()
    body_at = node.body[0].lineno - 1
    indent = re.match(r"\s*", lines[body_at]).group()
    inserted = [indent + line for helper in inside for line in helper.splitlines()]
    lines = lines[node.lineno - 1:body_at] + inserted + lines[body_at:node.end_lineno]
    lines[0] = re.sub(r"^def \w+\(", f"def {entry.exercise}(", lines[0])
    return PRELUDE + imports + "".join(line + "\n" for line in before) + "\n".join(helpers) + "\n" + \
        "\n".join(lines), None


def mistake_source(entry):
    """The catalogued mistake as a learner's exercise cell; None when it cannot be written out (:func:`written_out`)."""
    return written_out(entry)[0]


def _imports(fn, given=frozenset()):
    """The lines that give the mistake the course's modules and names its catalogue module imported (``cst``).

    ``given``: names the cell sets itself (a factory's arguments, a notebook global). None when the code
    uses any other variable of an enclosing function.
    """
    seen, lines, todo = set(given), [], [fn]
    while todo:
        f = todo.pop()
        found = inspect.getclosurevars(f)
        for name, value in found.nonlocals.items():
            if name not in given:
                return None
            if inspect.isfunction(value):
                todo.append(value)  # a lambda written out as a helper: what it uses comes too
        for name, value in found.globals.items():
            if name in seen or name in PRELUDE_NAMES:
                continue
            seen.add(name)
            if inspect.ismodule(value):
                lines.append(f"import {value.__name__} as {name}")
            elif inspect.isfunction(value) and (value.__module__ or "").startswith("dl_utils.checks.mistakes") \
                    and name.startswith("_"):
                todo.append(value)  # a helper (its source comes with _helpers): what it uses comes too
            elif inspect.isfunction(value) and value.__module__ \
                    and not value.__module__.startswith("dl_utils.checks"):
                lines.append(f"from {value.__module__} import {value.__name__} as {name}")
            elif isinstance(value, (int, float, str)):
                lines.append(f"{name} = {value!r}")
    return "".join(line + "\n" for line in sorted(lines))


class _Style(ast.NodeTransformer):
    """One learner's way of writing the course's answer: the same computation, their own spelling of it.

    Each choice is made once per learner (``rng``): ``np.dot(a, b)`` or ``a @ b``, ``x.T`` or
    ``np.transpose(x)``, ``np.sum(x, ...)`` or ``x.sum(...)``, ``a / m`` or ``a * (1 / m)``, keys as
    f-strings or concatenated, the result returned at once or through a variable; and their own names
    for the local variables (the parameters keep theirs: the checks call by name).
    """

    def __init__(self, rng, rename=True):
        self.dot, self.transpose, self.method, self.inverse, self.concat, self.through = rng.random(6) < 0.5
        self.swap, self.index, self.split = rng.random(3) < 0.5
        self.rename = rename
        self.names = {}

    def local(self, name):
        return self.names.get(name, name)

    def visit_FunctionDef(self, node):
        params = {a.arg for a in node.args.args}
        if self.rename:
            stored = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            self.names = {n: f"{n}_value" for n in sorted(stored - params)}  # L and l stay two names
        self.generic_visit(node)
        last = node.body[-1] if node.body else None
        if self.through and isinstance(last, ast.Return) and last.value is not None \
                and not isinstance(last.value, ast.Name):
            node.body[-1:] = [ast.Assign([ast.Name("result", ast.Store())], last.value, lineno=0),
                              ast.Return(ast.Name("result", ast.Load()))]
        return node

    def visit_If(self, node):
        """``if a == x: ... elif a == y: ...`` with its two first branches the other way round."""
        self.generic_visit(node)
        inner = node.orelse[0] if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) else None
        if self.swap and inner is not None:
            return ast.If(inner.test, inner.body, [ast.If(node.test, node.body, inner.orelse)])
        return node

    def visit_Assign(self, node):
        """``a, b = t`` as ``a = t[0]``, ``b = t[1]``; ``z = x @ y + c`` through a variable of its own."""
        self.generic_visit(node)
        target = node.targets[0]
        if self.index and isinstance(target, ast.Tuple) and isinstance(node.value, ast.Name):
            return [ast.Assign([t], ast.Subscript(ast.Name(node.value.id, ast.Load()), ast.Constant(i), ast.Load()),
                               lineno=0) for i, t in enumerate(target.elts)]
        if self.split and isinstance(target, ast.Name) and isinstance(node.value, ast.BinOp) \
                and isinstance(node.value.left, (ast.BinOp, ast.Call)):
            part = target.id + "_part"
            return [ast.Assign([ast.Name(part, ast.Store())], node.value.left, lineno=0),
                    ast.Assign([target], ast.BinOp(ast.Name(part, ast.Load()), node.value.op, node.value.right),
                               lineno=0)]
        return node

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(self.local(node.id), node.ctx), node)

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if self.dot and isinstance(node.op, ast.MatMult):
            return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), "dot", ast.Load()), [node.left, node.right], [])
        if self.inverse and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Name):
            return ast.BinOp(node.left, ast.Mult(), ast.BinOp(ast.Constant(1), ast.Div(), node.right))
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if self.transpose and node.attr == "T" and isinstance(node.ctx, ast.Load):
            return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), "transpose", ast.Load()), [node.value], [])
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if self.method and isinstance(f, ast.Attribute) and f.attr == "sum" and isinstance(f.value, ast.Name) \
                and f.value.id == "np" and node.args:
            return ast.Call(ast.Attribute(node.args[0], "sum", ast.Load()), node.args[1:], node.keywords)
        return node

    def visit_JoinedStr(self, node):
        if not self.concat:
            self.generic_visit(node)
            return node
        parts = [ast.Constant(v.value) if isinstance(v, ast.Constant)
                 else ast.Call(ast.Name("str", ast.Load()), [self.visit(v.value)], []) for v in node.values]
        out = parts[0]
        for part in parts[1:]:
            out = ast.BinOp(out, ast.Add(), part)
        return out


def restyled(cell_source, rng, rename=True, comment=None):
    """The exercise cell with its functions rewritten in one learner's style (see :class:`_Style`)."""
    tree = ast.parse(cell_source)
    tree = ast.fix_missing_locations(_Style(rng, rename).visit(tree))
    text = ast.unparse(tree)
    return (f"# {comment}\n" if comment else "") + text


def renamed(cell_source, comment):
    """The same function with every local variable renamed and a comment of the copier's: a disguised copy."""
    style = _Style(np.random.default_rng(0), rename=True)
    style.dot = style.transpose = style.method = style.inverse = style.concat = style.through = False
    style.swap = style.index = style.split = False
    tree = ast.fix_missing_locations(style.visit(ast.parse(cell_source)))
    return f"# {comment}\n" + ast.unparse(tree).replace("_value", "_mine")


def reference_source(exercise):
    """The course library's reference for ``exercise``, without its docstring (what a copier would paste)."""
    import dl_utils

    fn = getattr(dl_utils, exercise)
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    node = tree.body[0]
    if isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
        node.body = node.body[1:]
    imports = [f"from {fn.__module__} import *", "import numpy as np"]
    return "\n".join(imports) + "\n" + ast.unparse(tree)


def catalogue_of(notebooks=NOTEBOOKS):
    """The catalogued mistakes of the exercises of ``notebooks``: ``({id: cell source}, [(id, why it is left out)])``.

    Every mistake is in one of the two: handed in by a learner of its own, or left out with a reason.
    """
    from dl_utils.checks import mistakes

    exercises = {ex.removeprefix("ex_") for n in notebooks
                 for c in nbformat.read(ROOT / "notebooks" / f"{n}.ipynb", as_version=4).cells
                 if (ex := c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")).startswith("ex_")}
    calls = _catalogue_calls()
    written, left_out = {}, []
    for entry in mistakes.CATALOGUE:
        if entry.exercise in exercises:
            source, why = written_out(entry, calls)
            if source is None:
                left_out.append((entry.id, why))
            else:
                written[entry.id] = source
    return written, left_out


def make_class(folder, notebooks=NOTEBOOKS, honest=3):
    """Write the class into ``folder`` (one folder per learner); return ``{learner: kind}``."""
    from dl_utils.checks import mistakes

    solved = {n: nbformat.read(ROOT / "notebooks" / f"{n}.ipynb", as_version=4) for n in notebooks}
    blank = {n: nbformat.read(ROOT / "notebooks" / "exercises" / f"{n}.ipynb", as_version=4) for n in notebooks}
    where = {ex: n for n, nb in solved.items() for c in nb.cells
             if (ex := c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")).startswith("ex_")}
    kinds = {}

    def hand_in(learner, kind, notebooks_):
        (Path(folder) / learner).mkdir(parents=True)
        for name, nb in notebooks_.items():
            nbformat.write(nb, Path(folder) / learner / f"{name}.ipynb")
        kinds[learner] = kind

    def own(learner, seed, nbs=solved):
        """The solved notebooks, each exercise written in this learner's own style (the same answers)."""
        rng = np.random.default_rng(seed)
        out = {}
        for name, nb in nbs.items():
            nb = nbformat.from_dict(nb)
            for ex in [e for e, n in where.items() if n == name]:
                _cell(nb, ex).source = restyled(_cell(nb, ex).source, rng)
            out[name] = nb
        return out

    for k in range(honest):
        hand_in(f"honest_{k}", "honest", own(f"honest_{k}", k))
    hand_in("blank", "blank", blank)
    written, _ = catalogue_of(notebooks)
    for i, entry in enumerate(mistakes.CATALOGUE):
        notebook, source = where.get(f"ex_{entry.exercise}"), written.get(entry.id)
        if source is None:
            continue
        nb = own(f"mistake_{entry.id}", 1000 + i, {notebook: solved[notebook]})[notebook]
        _cell(nb, f"ex_{entry.exercise}").source = source
        hand_in(f"mistake_{entry.id}", f"mistake {entry.id}", {notebook: nb})
    # Copies: two learners hand in another's work disguised (every local renamed, a comment of their own);
    # one pastes the library's reference, renamed so; one hands in the course notebook's solution as it is.
    for k in range(min(2, honest)):
        copied = {}
        for name in notebooks:
            nb = nbformat.read(Path(folder) / f"honest_{k}" / f"{name}.ipynb", as_version=4)
            for ex in [e for e, n in where.items() if n == name]:
                _cell(nb, ex).source = renamed(_cell(nb, ex).source, "my solution")
            copied[name] = nb
        hand_in(f"copy_of_honest_{k}", f"copy of honest_{k}", copied)
    pasted = {}
    for name in notebooks:
        nb = nbformat.from_dict(solved[name])
        for ex in [e for e, n in where.items() if n == name]:
            _cell(nb, ex).source = renamed(reference_source(ex.removeprefix("ex_")), "worked it out")
        pasted[name] = nb
    hand_in("copy_of_reference", "copy of the library's reference", pasted)
    hand_in("solution_as_shipped", "the course notebook's solution", solved)
    for learner, (exercise, source) in HOSTILE.items():
        notebook = where.get(f"ex_{exercise}")
        if notebook:
            nb = nbformat.from_dict(blank[notebook])
            _cell(nb, f"ex_{exercise}").source = source
            hand_in(learner, "hostile", {notebook: nb})
    return kinds


COPIERS = ("solution_as_shipped", "copy_of_reference")  # who copy the course's answers; copy_of_<peer> copy a peer


def copies_ranked(folder, notebooks=NOTEBOOKS):
    """Per exercise, how far the copies' scores rank above every honest pair's (similarity, on this class).

    The copies: each ``copy_of_honest_k`` with ``honest_k``, ``copy_of_reference`` with the library's
    reference, ``solution_as_shipped`` with the course's answers. The honest pairs: every other two
    learners, and every other learner with the course's answers. A copy of code that an honest learner
    also wrote token for token (names set aside), or of the course's own answer, is the same text as
    honest work: no comparison of text can tell the two apart, so such copies are counted apart
    (``indistinguishable``) and the margin is over the others. Returns one dict per exercise:
    ``lowest_copy``, ``highest_honest``, ``margin`` (the first less the second: above 0, every such copy
    ranks above every honest pair) and the honest pair that came closest.
    """
    from . import similarity

    def copier(who):
        return who in COPIERS or who.startswith("copy_of_")

    out = []
    for notebook, exercise, functions, references, starter in similarity.collect(
            folder, ROOT / "notebooks", notebooks, lambda f: Path(f).stem if Path(f).stem in notebooks else None):
        pairs, with_answers, _, bare = similarity.scores(functions, references, starter)
        # The code as compared (names written V, no comments, one layout): the same token for token, or not.
        text = {who: similarity._fingerprint(f[1]).filtered_code for who, f in {**functions, **references}.items()}
        honest_texts = [text[who] for who in functions if not copier(who)]
        canonical = {text[name] for name in references}
        copies, indistinguishable = [], []
        for (a, b), s in pairs.items():
            if a == f"copy_of_{b}" or b == f"copy_of_{a}":
                original = b if a == f"copy_of_{b}" else a
                alike = honest_texts.count(text[original]) > 1 or text[original] in canonical
                (indistinguishable if alike else copies).append(s)
        for learner in COPIERS:
            if learner in functions and references:
                s = max(s for (who, _), s in with_answers.items() if who == learner)
                (indistinguishable if text[learner] in honest_texts else copies).append(s)
        honest = {k: s for k, s in pairs.items() if not any(map(copier, k))}
        honest.update({k: s for k, s in with_answers.items() if not copier(k[0])})
        closest = max(honest, key=honest.get) if honest else None
        lowest = min(copies) if copies else None
        highest = honest[closest] if closest else None
        out.append({"notebook": notebook, "exercise": exercise, "learners": len(functions),
                    "copies": len(copies), "indistinguishable_copies": len(indistinguishable),
                    "lowest_copy": None if lowest is None else round(lowest, 4),
                    "highest_honest": None if highest is None else round(highest, 4),
                    "margin": None if lowest is None or highest is None else round(lowest - highest, 4),
                    "closest_honest_pair": closest, "honest_pairs": len(honest),
                    "identical_honest_pairs": sum(text[a] == text[b] for a, b in honest),
                    "only_common_code": len(bare)})
    return out


def copies_ranked_across(folder, notebooks=NOTEBOOKS):
    """How the copiers rank among the pairs of the report's "over all exercises" table (:func:`similarity.across`).

    Returns ``{"copies": [(a, b, evidence, exercises)], "honest": [...], "lowest_copy", "highest_honest",
    "margin"}``: a copier with whom they copied (a peer, or a course answer), and every pair of two
    learners who copy no one, with their evidence over all exercises (:func:`similarity.evidence`, summed).
    """
    from . import similarity

    results, _ = similarity.analyse(folder, ROOT / "notebooks", notebooks,
                                    lambda f: Path(f).stem if Path(f).stem in notebooks else None)
    ranked = similarity.across(results)

    def copier(who):
        return who in COPIERS or who.startswith("copy_of_")

    copies = [r for r in ranked if r[0] == f"copy_of_{r[1]}" or r[1] == f"copy_of_{r[0]}"
              or (r[0] in COPIERS and r[1] == similarity.COURSE)]
    honest = [r for r in ranked if not copier(r[0]) and not copier(r[1])]
    lowest = min((r[2] for r in copies), default=None)
    highest = max((r[2] for r in honest), default=None)
    return {"copies": copies, "honest": honest, "lowest_copy": lowest, "highest_honest": highest,
            "margin": None if lowest is None or highest is None else round(lowest - highest, 4)}


def nbgrader_points(root, folder, notebooks, timeout):
    """Grade ``folder`` with nbgrader's workflow in a course directory at ``root``; ``{(learner, nb, ex): points}``."""
    root = Path(root)
    (root / "source" / "ps1").mkdir(parents=True)
    for name in notebooks:
        shutil.copyfile(ROOT / "notebooks" / f"{name}.ipynb", root / "source" / "ps1" / f"{name}.ipynb")
    (root / "nbgrader_config.py").write_text(
        "from dl_instructor.nbgrader_plugin import configure\n\nc = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(root)!r}\nc.Autograde.create_student = True\n"
        f"configure(c, source={str(ROOT / 'notebooks')!r}, timeout={timeout})\n")
    for learner_dir in sorted(Path(folder).iterdir()):
        target = root / "submitted" / learner_dir.name / "ps1"
        shutil.copytree(learner_dir, target)
    for command in (["generate_assignment", "ps1", "--force"], ["autograde", "ps1", "--force"]):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *command], cwd=root, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"nbgrader {command[0]} failed:\n{done.stderr[-3000:]}")
    from nbgrader.api import Gradebook

    points = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for learner_dir in sorted(Path(folder).iterdir()):
            submission = gb.find_submission("ps1", learner_dir.name)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    points[learner_dir.name, notebook.name, grade.name.removeprefix("check_")] = grade.auto_score
    return points


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dl_instructor.synthetic_class", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--notebooks", nargs="+", default=list(NOTEBOOKS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--no-nbgrader", action="store_true")
    args = parser.parse_args(argv)
    from . import grade

    if args.out.exists():
        shutil.rmtree(args.out)
    folder = args.out / "submissions"
    kinds = make_class(folder, args.notebooks)
    submitted = sum(len(list((folder / learner).glob("*.ipynb"))) for learner in kinds)
    print(f"{len(kinds)} learners, {submitted} notebooks: "
          f"{sum(k == 'honest' for k in kinds.values())} honest (each in a style of their own), 1 blank, "
          f"{sum(k.startswith(('copy', 'the course')) for k in kinds.values())} who copy (a peer, the reference), "
          f"{sum(k.startswith('mistake') for k in kinds.values())} with one catalogued mistake each, "
          f"{sum(k == 'hostile' for k in kinds.values())} hostile")
    _, left_out = catalogue_of(args.notebooks)
    print(f"{len(left_out)} catalogued mistakes of these exercises left out:")
    for why in sorted(set(why for _, why in left_out)):
        ids = [i for i, w in left_out if w == why]
        print(f"  {len(ids)} {why}: {', '.join(ids)}")
    started = time.perf_counter()
    rows = grade.grade(folder, ROOT / "notebooks", timeout=args.timeout, jobs=args.jobs, notebooks=args.notebooks,
                       scheduler=args.scheduler)
    standalone = time.perf_counter() - started
    grade.write_report(rows, args.out / "standalone" / "report", {"sandbox": "bubblewrap"})
    from . import similarity

    results, seconds = similarity.analyse(folder, ROOT / "notebooks", args.notebooks,
                                          grade.course_for(ROOT / "notebooks", "dl_utils.checks").match)
    similarity.attach(results, seconds, args.out / "standalone" / "report")
    print(f"similarity: {seconds:.1f} s for {len(kinds)} learners; how far the copies rank above every honest pair:")
    for r in copies_ranked(folder, args.notebooks):
        print(f"  {r['notebook']} {r['exercise']}: lowest copy {r['lowest_copy']} ({r['copies']} copies), highest "
              f"honest pair {r['highest_honest']} {r['closest_honest_pair']}, margin {r['margin']}; "
              f"{r['indistinguishable_copies']} copies of code honest learners also wrote (no text tells them "
              f"apart), {r['identical_honest_pairs']} of {r['honest_pairs']} honest pairs the same code, "
              f"{r['only_common_code']} of {r['learners']} functions only the class's common code")
    over = copies_ranked_across(folder, args.notebooks)
    print(f"  over all exercises (-log10 of the share of the class's pairs as alike, summed): lowest copy "
          f"{over['lowest_copy']}, "
          f"highest honest pair {over['highest_honest']}, margin {over['margin']}")
    for a, b, evidence, exercises in over["copies"] + over["honest"][:3]:
        print(f"    {a} with {b}: {evidence} over {len(exercises)} exercise(s)")
    print(f"standalone grader: {standalone:.1f} s ({60 * submitted / standalone:.1f} notebooks per minute); "
          f"report and class page in {args.out / 'standalone'}")
    named = sum(1 for r in rows if r.mistake)
    caught = sum(1 for r in rows if r.learner.startswith("mistake_") and r.status == "failed")
    print(f"mistakes: {caught} failed rows among the mistaken learners, {named} of them with the catalogued mistake "
          "named")
    if args.no_nbgrader:
        return 0
    started = time.perf_counter()
    theirs = nbgrader_points(args.out / "nbgrader", folder, args.notebooks, args.timeout)
    print(f"nbgrader generate_assignment + autograde: {time.perf_counter() - started:.1f} s")
    differences = [(r.learner, r.notebook, r.exercise, r.points, theirs.get((r.learner, r.notebook, r.exercise)))
                   for r in rows if r.status != "not_submitted"
                   and theirs.get((r.learner, r.notebook, r.exercise)) != r.points]
    print(f"points per learner and exercise: {len(differences)} differences between the two paths")
    for d in differences[:20]:
        print("  ", d)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
