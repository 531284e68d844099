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
import functools
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


@functools.lru_cache(maxsize=2048)
def _parsed(source):
    # For reading only: strip and deny parse their own trees, since they rewrite them.
    return ast.parse(source)


def _uses(sources):
    return _cached(_uses_of, sources)


def _cached(function, sources):
    return _memo(function, tuple(sources.items()))


@functools.lru_cache(maxsize=64)
def _memo(function, items):
    return function(dict(items))


def _uses_of(sources):
    uses = {}
    for source in sources.values():
        for node in _defs(_parsed(source)):
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
        if not (gone & {n.name for n in _defs(_parsed(source))} or (names and module in ENGINES)):
            out[path] = source
            continue
        tree = ast.parse(source)
        for node in _defs(tree):
            if node.name in gone or module in ENGINES:
                _empty(node, message(node.name, notebook))
        out[path] = ast.unparse(tree) + "\n"
    return out


# The body of an emptied function. While an exercise is judged, the harness binds what it may use, by name, in the
# library's modules (dl_utils.activations.relu: the staged dl_stage_N's function); a name the notebook took before
# (`from dl_utils import relu as g`, {"relu": relu}) still holds this one, which then calls what its module's name is
# bound to if that is a staged function, as the name itself would. Otherwise it raises, saying why.
FORWARD = """
bound = globals().get({name!r})
if getattr(bound, "__code__", None) is not __import__("sys")._getframe(0).f_code and \\
        str(getattr(bound, "__module__", "") or "").startswith("dl_stage_"):
    return bound(*args, **kwargs)
raise RuntimeError({text!r})
"""


def _empty(node, text, forward=False):
    """Make ``node`` raise ``text``; with ``forward`` (the grader's copies, :func:`deny`), a function forwards first."""
    if isinstance(node, ast.ClassDef):
        init = ast.parse(f"def __init__(self, *args, **kwargs):\n    raise RuntimeError({text!r})").body
        node.body, node.decorator_list, node.bases, node.keywords = init, [], [], []
    elif not forward:
        node.body, node.decorator_list = ast.parse(f"raise RuntimeError({text!r})").body, []
    else:
        node.body, node.decorator_list = ast.parse(FORWARD.format(name=node.name, text=text)).body, []
        node.args = ast.arguments(posonlyargs=[], args=[], vararg=ast.arg("args"), kwonlyargs=[], kw_defaults=[],
                                  kwarg=ast.arg("kwargs"), defaults=[])


# ---------------------------------------------------------------- deny by default

# The reviewed list: modules whose functions answer no exercise (loading data, plotting, checking arguments, reading
# files, the test functions of gradient checking) and which every sandbox may hold, with what they use. A function
# of these that calls an answer (plot_decision_boundary is handed a predict function, it calls none) is still
# emptied, by the rule below: nothing reached through an answer is held.
UTILITY_MODULES = ("data", "plots", "_validate", "_hdf5", "_threads", "_introspect", "_testfunctions")


def defined(sources):
    """``{name: module path}`` of every top-level function and class of the library (the checks' stand-in aside)."""
    return dict(_cached(_defined, sources))


def _defined(sources):
    out = {}
    for path, source in sources.items():
        if "/checks/" in path:
            continue
        for node in _defs(_parsed(source)):
            out.setdefault(node.name, path)
    return out


def utilities(sources):
    """The functions of :data:`UTILITY_MODULES`."""
    return {name for name, path in defined(sources).items() if Path(path).stem in UTILITY_MODULES}


def held(sources, uses, hidden, with_utilities=True):
    """What a sandbox may hold: ``uses`` and the utilities, and what they use, never through an answer in ``hidden``.

    Parameters
    ----------
    sources : dict of str to str
        The library (:func:`library_sources`).
    uses : iterable of str
        The library functions the exercise's text hands the learner (its record's ``uses``).
    hidden : iterable of str
        The exercises whose answers must stay out of reach (the judged one and those not yet judged).

    Returns
    -------
    set of str
        Top-level names of the library; a name that is, or uses, one of ``hidden`` never is one.
    """
    names = defined(sources)
    graph = _references(sources)
    bad = stripped_names(sources, set(hidden)) if hidden else set()
    todo = [n for n in set(uses) | (utilities(sources) if with_utilities else set()) if n in names and n not in bad]
    found = set()
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        todo += [n for n in graph.get(name, ()) if n in names and n not in bad and n not in found]
    return found


def _references(sources):
    return _cached(_references_of, sources)


def _references_of(sources):
    # The names each top-level function reads as plain names: the library imports what it calls by name
    # (from .forward import linear_forward), so an attribute (x.kind) is not a reference to a function kind.
    # A name the function assigns or takes as an argument (kind = ...) is its own, not the library's.
    refs = {}
    for source in sources.values():
        for node in _defs(_parsed(source)):
            names = [child for child in ast.walk(node) if isinstance(child, ast.Name)]
            own = {child.id for child in names if not isinstance(child.ctx, ast.Load)}
            own |= {a.arg for child in ast.walk(node) if isinstance(child, ast.arguments)
                    for a in child.posonlyargs + child.args + child.kwonlyargs + [child.vararg, child.kwarg] if a}
            refs.setdefault(node.name, set()).update(child.id for child in names
                                                     if child.id not in own and child.id != node.name)
    return refs


def deny_message(name, notebook, exercise=None, uses=(), handed=()):
    """Why ``dl_utils.<name>`` raises in the sandbox: what the judged exercise (or the notebook) may use instead.

    ``handed``: without ``exercise`` (the copy on disk), the notebook's exercises that may use it, if any.
    """
    if exercise is None and handed:
        why = f"of its exercises only {', '.join(handed)} may use it"
    elif exercise is None:
        why = "no exercise of it is handed it"
    else:
        why = f"{exercise} is handed {', '.join(uses) if uses else 'no library function'}"
    return (f"dl_utils.{name} is not available while {notebook} is graded: {why} (and the course's utilities: "
            "data, plots); write the rest yourself")


def deny(sources, keep, notebook, exercise=None, uses=(), handed=None):
    """``sources`` with every top-level function and class not in ``keep`` emptied (it raises, saying why).

    ``handed``: ``{name: exercises that may use it}``, for the copy on disk (no ``exercise``), named in the message.
    """
    out = {}
    for path, source in sources.items():
        tree = ast.parse(source)
        gone = [node for node in _defs(tree) if node.name not in keep]
        if "/checks/" in path or not gone:
            out[path] = source
            continue
        for node in gone:
            _empty(node, deny_message(node.name, notebook, exercise, uses, (handed or {}).get(node.name, ())),
                   forward=True)
        out[path] = ast.unparse(tree) + "\n"
    return out
