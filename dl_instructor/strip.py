"""The course library as a graded notebook may see it: without the answers it is being judged on.

While a notebook is graded, the sandbox holds a copy of ``dl_utils`` in which every function
that answers an exercise not yet judged (the reference of that exercise, and every library
function that calls one, directly or through others: ``predict`` calls ``L_model_forward``)
keeps its name and signature but raises instead of computing; and which has no checks (they
hold the references and the mistakes catalogue): ``dl_utils.checks`` is a stand-in whose
checks do nothing, since the grader runs the real ones outside. The modules that re-implement
the whole network for speed (``ENGINES``) lose every function while anything is stripped.

The copy is made from the source, by rewriting its syntax tree: the stripped functions' bodies
and docstrings are gone from the text a learner could read, not merely hidden.
"""

import ast
from pathlib import Path

ENGINES = ("_train", "bench")  # modules that compute the whole network their own way
CHECKS_STUB = '''"""The checks run outside this notebook while it is graded: here each one does nothing."""


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)

    def check(fn=None, hidden=False):
        return None

    check.__name__ = name
    return check
'''


def message(name, notebook):
    return (f"dl_utils.{name} is not available while {notebook} is graded: it is the course's answer to an "
            f"exercise (or uses one); write your own")


def library_sources(package_dir, checks_module="dl_utils.checks"):
    """``{path relative to the package's parent: source}`` of every module of the library, checks excluded.

    ``checks_module`` (``dl_utils.checks``, or a course's own module) is there as a stand-in whose checks do nothing.
    """
    package_dir = Path(package_dir)
    out = {}
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(package_dir.parent)
        if "checks" in relative.parts[1:-1] or relative.parts[1:2] == ("checks",) or "__pycache__" in relative.parts:
            continue
        out[relative.as_posix()] = path.read_text(encoding="utf-8")
    parts = checks_module.split(".")
    out["/".join(parts) + ("/__init__.py" if parts[0] == package_dir.name else ".py")] = CHECKS_STUB
    return out


def _defs(tree):
    return [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def _names_used(node):
    used = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            used.add(child.id)
        elif isinstance(child, ast.Attribute):
            used.add(child.attr)
    return used


def _uses(sources):
    uses = {}
    for source in sources.values():
        for node in _defs(ast.parse(source)):
            uses.setdefault(node.name, set()).update(_names_used(node) - {node.name})
    return uses


def stripped_names(sources, names):
    """Every top-level function or class name of ``sources`` that is in ``names`` or uses one, transitively."""
    uses = _uses(sources)
    found = set(names)
    grew = True
    while grew:
        grew = False
        for name, used in uses.items():
            if name not in found and used & found:
                found.add(name)
                grew = True
    return found


def strip(sources, names, notebook):
    """``sources`` with the functions answering ``names`` (and their users, and the engines) emptied.

    Parameters
    ----------
    sources : dict of str to str
        From :func:`library_sources`.
    names : iterable of str
        The exercises whose answers must not be within reach.
    notebook : str
        The graded notebook, for the message the emptied functions raise.

    Returns
    -------
    dict of str to str
        The same paths, the rewritten sources.
    """
    names = set(names)
    gone = stripped_names(sources, names) if names else set()
    out = {}
    for path, source in sources.items():
        module = Path(path).stem
        if not (gone & {n.name for n in _defs(ast.parse(source))} or (names and module in ENGINES)):
            out[path] = source
            continue
        tree = ast.parse(source)
        for node in _defs(tree):
            if node.name in gone or module in ENGINES:
                _empty(node, message(node.name, notebook))
        out[path] = ast.unparse(tree) + "\n"
    return out


def _empty(node, text):
    body = ast.parse(f"raise RuntimeError({text!r})").body
    if isinstance(node, ast.ClassDef):
        init = ast.parse(f"def __init__(self, *args, **kwargs):\n    raise RuntimeError({text!r})").body
        node.body, node.decorator_list, node.bases, node.keywords = init, [], [], []
    else:
        node.body, node.decorator_list = body, []
