"""Start a new exercise: its three cells in a course notebook, and its record's skeleton in the checks.

Usage, from the repository's root, once the reference is written in its module of ``dl_utils``
(step 1 of docs/adding-an-exercise.md)::

    python -m dl_instructor.scaffold 04_backward tanh_backward --after check_sigmoid_backward --points 1

After the cell whose nbgrader ``grade_id`` is ``--after`` (by default the notebook's last check
cell) it inserts, with nbgrader's metadata and cell ids made as the course makes them (the
``grade_id`` with ``-`` for ``_``):

* the exercise's text, a read-only markdown cell ``md_<name>``: a heading, to be written;
* the exercise cell ``ex_<name>``, an nbgrader solution cell: the reference's signature and
  docstring, and its body between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, to be rewritten
  as the notebook teaches it (plain numpy, no ``dl_utils`` internals);
* the check cell ``check_<name>``, graded, read-only, worth ``--points``: ``checks.<name>(<name>)``,
  and the hidden call between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``.

It exports the reference from ``dl_utils/__init__.py``, if it is not yet (the import, and its name
in ``__all__`` among the names of its notebook), and adds the exercise's record to
``dl_utils/checks/cases_<notebook>.py``, among the records in the notebook's order: the reference,
random inputs of every argument as an ``(n, m)`` array, the result compared as an array, the usual
sizes, and no hand-computed case yet; tests/test_checks.py then fails, naming what the exercise still lacks (a
hand-computed case, catalogued mistakes, right answers written otherwise) until they are written.
"""

import argparse
import ast
import inspect
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

NOTEBOOKS = Path("notebooks")
CHECKS = Path("dl_utils") / "checks"
PACKAGE = Path("dl_utils") / "__init__.py"


class ScaffoldError(Exception):
    """The exercise cannot be scaffolded as asked; the message says why."""


def cell_id(grade_id):
    """The cell id the course gives the cell ``grade_id``: ``check_relu_backward`` -> ``check-relu-backward``."""
    return grade_id.replace("_", "-")


def _nbgrader(grade_id, solution=False, grade=False, locked=True, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def exercise_cells(name, reference, points):
    """The three cells of exercise ``name`` (text, exercise, check), the exercise's solution from ``reference``."""
    source = textwrap.dedent(inspect.getsource(reference))
    node = ast.parse(source).body[0]
    lines = source.splitlines()
    has_doc = isinstance(node.body[0], ast.Expr) and isinstance(getattr(node.body[0], "value", None), ast.Constant)
    head_end = node.body[0].end_lineno if has_doc else node.body[0].lineno - 1
    body = node.body[1:] if has_doc else node.body
    head = "\n".join(lines[:head_end])
    solution = "\n".join(lines[body[0].lineno - 1:node.end_lineno]) if body else "    return None"
    text = nbformat.v4.new_markdown_cell(f"## Exercise: `{name}`\n\n", metadata=_nbgrader(f"md_{name}"))
    code = nbformat.v4.new_code_cell(f"{head}\n    ### BEGIN SOLUTION\n{solution}\n    ### END SOLUTION",
                                     metadata=_nbgrader(f"ex_{name}", solution=True, locked=False))
    check = nbformat.v4.new_code_cell(f"checks.{name}({name})\n### BEGIN HIDDEN TESTS\n"
                                      f"checks.{name}({name}, hidden=True)\n### END HIDDEN TESTS",
                                      metadata=_nbgrader(f"check_{name}", grade=True, points=points))
    for cell in (text, code, check):
        cell.id = cell_id(cell.metadata.nbgrader.grade_id)
    return [text, code, check]


def insert_cells(nb, name, reference, after=None, points=1):
    """Insert the three cells of exercise ``name`` into the notebook ``nb`` after the cell ``after`` (a grade_id;
    by default the last check cell); return the index of the first."""
    grade_ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    taken = {f"{kind}_{name}" for kind in ("md", "ex", "check")} & set(grade_ids)
    taken |= {cell_id(g) for g in taken} & {c.get("id") for c in nb.cells}
    if taken:
        raise ScaffoldError(f"the notebook already has the cells {sorted(taken)}")
    if after is None:
        checks_at = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade")]
        if not checks_at:
            raise ScaffoldError("the notebook has no check cell: say where the exercise goes with --after")
        at = checks_at[-1] + 1
    elif after in grade_ids:
        at = grade_ids.index(after) + 1
    else:
        raise ScaffoldError(f"no cell has the grade_id {after!r}")
    nb.cells[at:at] = exercise_cells(name, reference, points)
    return at


def _returned(reference):
    # The name of the first value the numpydoc Returns section gives, e.g. "dZ".
    doc = inspect.getdoc(reference) or ""
    found = re.search(r"^Returns\n-+\n(\w+)", doc, flags=re.M)
    return found[1] if found else "the returned value"


def record_skeleton(name, reference, module):
    """The text of the exercise's record, as a line of a cases module's ``EXERCISES`` list; ``module``, the name
    the cases module gives the reference's module."""
    args = list(inspect.signature(reference).parameters)
    inputs = ", ".join(f'"{a}": normal(rng, (n, m), dtype)' for a in args)
    return (f"    # {name}: the hand-computed case, its arithmetic line by line; then by_hand(inputs, expected).\n"
            f"    Exercise(\"{name}\", {module}.{name},\n"
            f"             lambda rng, dtype, n, m: {{{inputs}}},\n"
            f"             returns_array(\"{_returned(reference)}\"),\n"
            f"             [],\n"
            f"             **sized([(3, 5), (4, 2)], [(1, 1), (1, 7), (20, 30)], [(3, 3)]), uses=()),\n")


IMPORTS = {"._engine": ("Exercise", "normal", "sized"), "._compare": ("returns_array",)}


def _record_line(tree, after):
    # The line after which the new record goes: after the record of the exercise ``after``, or first if None.
    listing = next((n.value for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.List)
                    and any(getattr(t, "id", None) == "EXERCISES" for t in n.targets)), None)
    if listing is None:
        raise ScaffoldError("there is no list EXERCISES = [...] to add the record to")
    names = [e.args[0].value if isinstance(e, ast.Call) and e.args and isinstance(e.args[0], ast.Constant) else None
             for e in listing.elts]
    if after is None:
        return listing.lineno
    if after not in names:
        raise ScaffoldError(f"there is no record of {after} to put the new one after")
    return listing.elts[names.index(after)].end_lineno


def add_record(cases_path, name, reference, after=None):
    """Add the record of exercise ``name`` to the ``EXERCISES`` list of the cases module ``cases_path``, after the
    record of the exercise ``after`` (first if None), and the imports it
    needs."""
    text = Path(cases_path).read_text()
    if re.search(rf'Exercise\(\s*"{name}"', text):
        raise ScaffoldError(f"{cases_path} has a record of {name} already")
    tree = ast.parse(text)
    try:
        line = _record_line(tree, after)
    except ScaffoldError as e:
        raise ScaffoldError(f"{cases_path}: {e}") from None
    module = reference.__module__.rsplit(".", 1)[-1]
    imported = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    module = next((a.asname or a.name for n in imported if n.level == 2 and n.module is None for a in n.names
                   if a.name == module), module)  # as the module already imports it: multiclass as mc
    rows = text.splitlines(keepends=True)
    text = "".join(rows[:line] + [record_skeleton(name, reference, module)] + rows[line:])
    needed = dict(IMPORTS, **{"..": (module,)})
    tree = ast.parse(text)
    have = {(f"{'.' * n.level}{n.module or ''}", a.asname or a.name) for n in tree.body
            if isinstance(n, ast.ImportFrom) for a in n.names}
    lines = [f"from {where} import {what}" for where, names in needed.items() for what in names
             if (where, what) not in have]
    if lines:
        last = max(n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))
        rows = text.splitlines(keepends=True)
        text = "".join(rows[:last] + [line + "\n" for line in lines] + rows[last:])
    Path(cases_path).write_text(text)
    # The imports in the project's order, if ruff is at hand (the lint test would ask for it).
    subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "I001", "--fix", "-q", str(cases_path)],
                   check=False, capture_output=True)


def find_reference(name):
    """The function ``name`` of ``dl_utils``: exported already, or defined in one of its modules."""
    import importlib
    import pkgutil

    import dl_utils

    if inspect.isfunction(getattr(dl_utils, name, None)):
        return getattr(dl_utils, name)
    for info in pkgutil.iter_modules(dl_utils.__path__):
        if not info.name.startswith("_") and not info.ispkg:
            found = getattr(importlib.import_module(f"dl_utils.{info.name}"), name, None)
            if inspect.isfunction(found) and found.__module__ == f"dl_utils.{info.name}":
                return found
    raise ScaffoldError(f"dl_utils has no function {name}: write the reference first, in its module of dl_utils")


def export(package_path, reference, notebook):
    """Export ``reference`` from the package's ``__init__.py`` at ``package_path``, if it is not yet: its name in
    the import from its module, and in ``__all__`` in the section of ``notebook`` (``# 07``, or ``# 01-06``)."""
    name, module = reference.__name__, reference.__module__.rsplit(".", 1)[-1]
    text = Path(package_path).read_text()
    tree = ast.parse(text)
    if any(isinstance(n, ast.ImportFrom) and any(a.name == name for a in n.names) for n in tree.body):
        return False
    into = next((n for n in tree.body if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module == module), None)
    rows = text.splitlines(keepends=True)
    if into is None:
        rows.insert(max(n.end_lineno for n in tree.body if isinstance(n, ast.ImportFrom)),
                    f"from .{module} import {name}\n")
    else:
        last = rows[into.end_lineno - 1]
        rows[into.end_lineno - 1] = (last.replace("\n", f", {name}\n") if into.lineno == into.end_lineno
                                     else last.replace(")", f"    {name},\n)"))
    text = "".join(rows)
    number = int(notebook[:2])
    sections = list(re.finditer(r"^    # (\d\d)(?:-(\d\d))?\b.*$", text, flags=re.M))
    section = next((s for s in sections if int(s[1]) <= number <= int(s[2] or s[1])), None)
    if section is None:
        raise ScaffoldError(f"{package_path}: __all__ has no section '# {notebook[:2]}' for {name}")
    end = text.find("\n    #", section.end())
    end = text.find("\n]", section.end()) if end < 0 else end
    text = text[:end] + f"\n    \"{name}\"," + text[end:]
    Path(package_path).write_text(text)
    subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "I001", "--fix", "-q", str(package_path)],
                   check=False, capture_output=True)
    return True


def scaffold(notebook_path, cases_path, name, after=None, points=1, package_path=None):
    """Insert exercise ``name``'s three cells into the course notebook ``notebook_path`` and its record's skeleton
    into ``cases_path``, and export the reference from ``package_path`` (``dl_utils/__init__.py``, if given);
    the reference is the function ``name`` of a module of ``dl_utils``, and ``name`` is not an exercise yet."""
    from dl_utils import checks

    if name in checks.EXERCISE_NAMES:
        raise ScaffoldError(f"{name} is an exercise already (checks.exercise({name!r}).notebook: "
                            f"{checks.exercise(name).notebook})")
    reference = find_reference(name)
    if not Path(cases_path).exists():
        raise ScaffoldError(f"{cases_path} does not exist: a notebook's checks live in cases_<notebook>.py")
    nb = nbformat.read(notebook_path, as_version=4)
    at = insert_cells(nb, name, reference, after, points)
    before = [g.removeprefix("check_") for g in (c.metadata.get("nbgrader", {}).get("grade_id", "") for c in
                                                  nb.cells[:at]) if g.startswith("check_")]
    add_record(cases_path, name, reference, before[-1] if before else None)
    nbformat.write(nb, notebook_path)
    if package_path is not None:
        export(package_path, reference, Path(notebook_path).name)
    return at


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dl_instructor.scaffold", description=__doc__.split("\n")[0])
    parser.add_argument("notebook", help="the course notebook, e.g. 04_backward (notebooks/04_backward.ipynb)")
    parser.add_argument("name", help="the exercise, the name of its reference in dl_utils, e.g. tanh_backward")
    parser.add_argument("--after", help="the grade_id of the cell to insert after (default: the last check cell)")
    parser.add_argument("--points", type=int, default=1, help="the exercise's points (default 1)")
    args = parser.parse_args(argv)
    stem = args.notebook.removesuffix(".ipynb")
    try:
        at = scaffold(NOTEBOOKS / f"{stem}.ipynb", CHECKS / f"cases_{stem}.py", args.name, args.after, args.points,
                      PACKAGE)
    except ScaffoldError as e:
        parser.exit(1, f"scaffold: {e}\n")
    print(f"notebooks/{stem}.ipynb: cells {at} to {at + 2} are md_{args.name}, ex_{args.name}, check_{args.name}\n"
          f"{CHECKS / f'cases_{stem}.py'}: the record of {args.name}, without its hand-computed case yet\n"
          "Next: docs/adding-an-exercise.md, steps 3 to 6.")


if __name__ == "__main__":
    main()
