"""Deny by default: while an exercise is judged, its sandbox's library holds only what the exercise may use.

Issue 24, point 1. What an exercise may use is declared once, next to its record
(``checks.exercise(name).uses``: the library functions its text hands the learner), and the
reviewed utilities that answer no exercise (:data:`REVIEWED`: loading data, plotting, checking
arguments) are listed here. Every other function of the library keeps its name and raises the
message that says why (``dl_instructor.strip.deny``), on disk (the notebook's copy holds what some
exercise of the notebook may use) and in the exercise's copy of the process (the names the
notebook can reach). The first tests list what each sandbox holds; the last grades notebook 09
with the issue's example, ``compute_cost_with_regularization`` written as ``compute_cost + l2_penalty``.
"""

from pathlib import Path

import nbformat
import pytest
from sandboxed import require_sandbox

import dl_utils
from dl_instructor import grade, strip
from dl_instructor.submission import grade_id
from dl_utils import checks

COURSE = Path(__file__).resolve().parents[1] / "notebooks"
# The reviewed list: every function of dl_instructor.strip.UTILITY_MODULES. A function added to one of those
# modules fails the first test until it is reviewed here (does it answer, or help answer, an exercise?).
REVIEWED = {
    "data": {"dataset_names", "load_dataset", "_read", "_listing"},
    "plots": {"cost_iterations", "plot_costs", "plot_examples", "plot_decision_boundary", "plot_network_flow"},
    "_validate": {"as_matrix", "same_shape", "as_number", "_number_kind", "as_choice", "activation_name",
                  "layers_dims", "num_layers"},
    "_hdf5": {"open_hdf5"},
    "_threads": {"_threadpools", "small_blas", "largest_product"},
    "_introspect": {"globals_read"},
    "_testfunctions": {"Cubic"},
}


def library():
    return strip.library_sources(Path(dl_utils.__file__).resolve().parent)


def sandboxes():
    """``[(notebook, exercise, uses, holds)]``: each exercise's sandbox, the exercises before it judged."""
    course = grade.course_for(COURSE, "dl_utils.checks")
    lib, out = library(), []
    for notebook in course.names:
        graded = course[notebook]
        order = [ex.function for ex in graded.exercises]
        for k, ex in enumerate(graded.exercises):
            hidden = graded.hidden - set(order[:k])
            out.append((notebook, ex.function, ex.uses, strip.held(lib, ex.uses, hidden), hidden))
    return out


def test_the_utilities_are_the_reviewed_list_and_reach_no_answer():
    lib = library()
    names = strip.defined(lib)
    found = {module: {n for n, path in names.items() if Path(path).stem == module} for module in strip.UTILITY_MODULES}
    assert found == REVIEWED
    answers = strip.stripped_names(lib, set(checks.EXERCISE_NAMES))  # the references, and what calls one
    assert strip.held(lib, (), set()) & answers == set()


def test_each_exercise_sandbox_holds_only_what_it_is_handed_and_the_utilities():
    lib = library()
    utilities = strip.held(lib, (), set())
    lines, wrong = [], []
    for notebook, exercise, uses, holds, hidden in sandboxes():
        handed = strip.held(lib, uses, hidden, with_utilities=False)  # its uses, and what they use
        lines.append(f"{notebook} {exercise}: {len(holds)} = {len(handed)} handed {sorted(handed)} "
                     f"+ {len(holds - handed)} utilities")
        wrong += [(exercise, name) for name in holds - handed - utilities]
        assert exercise not in holds and not holds & hidden, (exercise, holds & (hidden | {exercise}))
        assert set(uses) <= holds, (exercise, set(uses) - holds)
    print("\n" + "\n".join(lines))
    assert wrong == []
    assert len(lines) == len(checks.EXERCISE_NAMES)


def test_l2_penalty_is_not_held_while_compute_cost_with_regularization_is_judged():
    holds = {exercise: h for _, exercise, _, h, _ in sandboxes()}
    assert "compute_cost" in holds["compute_cost_with_regularization"]
    assert "l2_penalty" not in holds["compute_cost_with_regularization"]
    assert "l2_penalty" in strip.defined(library())



def _working_on_disk(folder):
    """The top-level functions and classes of the library copy in ``folder`` whose body is not a stand-in's.

    A stand-in raises; the grader's may first call what its module's name is bound to, if that is a staged function
    (a dl_stage_N's, bound while an exercise that may use it is judged): its only return is that call.
    """
    import ast

    def stand_in(body):
        returns = [n for n in ast.walk(ast.Module(body=body, type_ignores=[])) if isinstance(n, ast.Return)]
        staged_only = all(isinstance(r.value, ast.Call) and ast.unparse(r.value.func) == "bound" for r in returns)
        binds = [n for n in body if isinstance(n, ast.Assign)]
        return isinstance(body[-1], ast.Raise) and staged_only and all(
            "dl_stage_" in ast.unparse(n) for n in body if isinstance(n, ast.If)) and all(
            ast.unparse(n.value).startswith("globals().get(") for n in binds)

    found = set()
    for path in (folder / "dl_utils").rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                body = node.body[0].body if isinstance(node, ast.ClassDef) and len(node.body) == 1 and \
                    isinstance(node.body[0], ast.FunctionDef) else node.body
                if not stand_in(body):
                    found.add(node.name)
    return found


def test_the_library_on_disk_holds_only_what_every_exercise_of_the_notebook_may_use():
    # A reload, a read of the file or an import of it under another name finds what is on disk, whichever exercise
    # is judged: so it holds no more than every exercise's sandbox holds (the rest is sent to each copy in memory).
    course = grade.course_for(COURSE, "dl_utils.checks")
    holds = {}
    for notebook, _, _, h, _ in sandboxes():
        holds.setdefault(notebook, []).append(h)
    for notebook, sets in holds.items():
        graded = course[notebook]
        disk = _working_on_disk(graded.library_dir) - {"__getattr__"}  # the checks' stand-in
        assert disk == graded.on_disk and all(disk <= h for h in sets), (notebook, disk - set.intersection(*sets))
    assert "relu" not in course["02_forward"].on_disk and "compute_cost" not in course["09_regularization"].on_disk


# ---------------------------------------------------------------- the example, graded


CCR = "def compute_cost_with_regularization(AL, Y, parameters, lambd):\n"


@pytest.fixture(scope="module")
def report_09(tmp_path_factory):
    require_sandbox()
    folder = tmp_path_factory.mktemp("deny")
    attempts = {
        "library_sum": CCR + "    return compute_cost(AL, Y) + l2_penalty(parameters, lambd, Y.shape[1])\n",
        "library_sum_by_module": CCR + (
            "    import dl_utils.regularization as R\n"
            "    return compute_cost(AL, Y) + R.l2_penalty(parameters, lambd, Y.shape[1])\n"),
        "library_reloaded": CCR + (
            "    import importlib, dl_utils.regularization as R\n    R = importlib.reload(R)\n"
            "    return compute_cost(AL, Y) + R.l2_penalty(parameters, lambd, Y.shape[1])\n"),
    }
    for learner, source in attempts.items():
        nb = nbformat.read(COURSE / "09_regularization.ipynb", as_version=4)
        next(c for c in nb.cells if grade_id(c) == "ex_compute_cost_with_regularization").source = source
        setup = next(k for k, c in enumerate(nb.cells) if grade_id(c) == "setup")
        nb.cells.insert(setup + 1, nbformat.v4.new_code_cell("from dl_utils import l2_penalty"))
        (folder / learner).mkdir()
        nbformat.write(nb, folder / learner / "09_regularization.ipynb")
    (folder / "solved").mkdir()
    (folder / "solved" / "09_regularization.ipynb").write_bytes((COURSE / "09_regularization.ipynb").read_bytes())
    rows = grade.grade(folder, COURSE, timeout=60, jobs=2, notebooks=["09_regularization"])
    return {(r.learner, r.exercise): r for r in rows}


@pytest.mark.parametrize("learner", ["library_sum", "library_sum_by_module", "library_reloaded"])
def test_compute_cost_plus_l2_penalty_scores_zero(report_09, learner):
    r = report_09[learner, "compute_cost_with_regularization"]
    assert (r.points, r.status) == (0.0, "failed"), r
    assert "dl_utils.l2_penalty is not available while 09_regularization is graded" in r.message, r
    others = [row for (lr, ex), row in report_09.items() if lr == learner and ex != "compute_cost_with_regularization"]
    assert others and all((row.points, row.status) == (row.max_points, "passed") for row in others), others


def test_the_solved_notebook_09_still_scores_full_marks(report_09):
    solved = [r for (lr, _), r in report_09.items() if lr == "solved"]
    assert len(solved) == 4 and all((r.points, r.status) == (r.max_points, "passed") for r in solved), solved


# ---------------------------------------------------------------- a handed function under another name, graded

# Right answers that reach a function their exercise is handed through a name the notebook took before the grader
# staged it: an alias, a dict of functions. They pass in the learner's kernel; the grader must agree (one verdict).
LAF = "def linear_activation_forward(A_prev, W, b, activation):\n"
ALIASED = {
    ("02_forward", "linear_activation_forward"): {
        "alias": "from dl_utils import relu as g_relu, sigmoid as g_sigmoid\n\n" + LAF + (
            "    Z, linear_cache = linear_forward(A_prev, W, b)\n"
            "    A, activation_cache = g_relu(Z) if activation == 'relu' else g_sigmoid(Z)\n"
            "    return A, (linear_cache, activation_cache)\n"),
        "dict": "ACTIVATIONS = {'relu': relu, 'sigmoid': sigmoid}\n\n" + LAF + (
            "    Z, linear_cache = linear_forward(A_prev, W, b)\n"
            "    A, activation_cache = ACTIVATIONS[activation](Z)\n"
            "    return A, (linear_cache, activation_cache)\n"),
    },
    ("04_backward", "sigmoid_backward"): {
        "alias": "from dl_utils import sigmoid as _sig\n\ndef sigmoid_backward(dA, cache):\n"
                 "    s, _ = _sig(cache)\n    return dA * s * (1 - s)\n",
    },
    ("09_regularization", "compute_cost_with_regularization"): {
        "alias": "cross_entropy = compute_cost\n\n" + CCR + (
            "    m = Y.shape[1]\n"
            "    squares = sum(np.sum(np.square(parameters[f'W{l}'])) for l in range(1, len(parameters) // 2 + 1))\n"
            "    return float(cross_entropy(AL, Y) + lambd / (2 * m) * squares)\n"),
    },
}


# And one that reaches, under another name, a function its exercise is not handed (linear_forward is handed
# nothing): the name still raises, saying why.
NOT_HANDED = ("from dl_utils import relu as g_relu\n\n"
              "def linear_forward(A_prev, W, b):\n    Z = W @ A_prev + b\n    g_relu(Z)\n"
              "    return Z, (A_prev, W, b)\n")


@pytest.fixture(scope="module")
def report_aliased(tmp_path_factory):
    require_sandbox()
    folder = tmp_path_factory.mktemp("aliased")
    for (notebook, exercise), answers in ALIASED.items():
        for way, source in answers.items():
            nb = nbformat.read(COURSE / f"{notebook}.ipynb", as_version=4)
            next(c for c in nb.cells if grade_id(c) == f"ex_{exercise}").source = source
            (folder / f"{exercise}_{way}").mkdir()
            nbformat.write(nb, folder / f"{exercise}_{way}" / f"{notebook}.ipynb")
    nb = nbformat.read(COURSE / "02_forward.ipynb", as_version=4)
    next(c for c in nb.cells if grade_id(c) == "ex_linear_forward").source = NOT_HANDED
    (folder / "not_handed").mkdir()
    nbformat.write(nb, folder / "not_handed" / "02_forward.ipynb")
    rows = grade.grade(folder, COURSE, timeout=60, jobs=2, notebooks=sorted({n for n, _ in ALIASED}))
    return {(r.learner, r.exercise): r for r in rows}


@pytest.mark.parametrize("exercise, way", [(e, w) for (_, e), answers in ALIASED.items() for w in answers])
def test_a_handed_function_under_another_name_scores_as_in_the_notebook(report_aliased, exercise, way):
    notebook = next(n for n, e in ALIASED if e == exercise)
    namespace = {}
    exec("import numpy as np\nfrom dl_utils import *\n" + ALIASED[notebook, exercise][way], namespace)  # noqa: S102
    getattr(checks, exercise)(namespace[exercise], hidden=True)  # the learner's kernel: passes
    r = report_aliased[f"{exercise}_{way}", exercise]
    assert (r.points, r.status) == (r.max_points, "passed"), r


def test_a_function_not_handed_stays_out_of_reach_under_another_name(report_aliased):
    r = report_aliased["not_handed", "linear_forward"]
    assert (r.points, r.status) == (0.0, "failed"), r
    assert "dl_utils.relu is not available while 02_forward is graded" in r.message, r
    assert report_aliased["not_handed", "linear_activation_forward"].status == "passed"


def test_the_copy_on_disk_says_which_exercises_are_handed_a_function():
    course = grade.course_for(COURSE, "dl_utils.checks")
    source = (course["02_forward"].library_dir / "dl_utils" / "activations.py").read_text()
    # linear_activation_forward is handed relu; L_model_forward is handed linear_activation_forward, which uses it.
    assert "of its exercises only linear_activation_forward, L_model_forward may use it" in source
