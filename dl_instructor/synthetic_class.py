"""A synthetic class, graded both ways: the standalone grader and nbgrader's own workflow with the judge.

Usage, from the repository's root::

    python -m dl_instructor.synthetic_class --out DIR [--notebooks 02_forward 03_cost 04_backward]
                                            [--jobs 2] [--no-nbgrader] [--scheduler ADDRESS]

It makes a class from the course itself: learners who hand in the solved notebooks, one who hands in
the blank learner versions, one learner for each catalogued mistake of the assigned exercises
(``dl_utils.checks.mistakes``: the mistake's own code in the exercise cell, the rest solved), and a
few hostile ones; grades it with ``python -m dl_instructor.grade`` (the report, with its class page,
lands in ``DIR/standalone``), then, unless ``--no-nbgrader``, in an nbgrader course directory
(``DIR/nbgrader``) with ``generate_assignment`` and ``autograde`` through
:mod:`dl_instructor.nbgrader_plugin`, and compares the points of every learner and exercise. It
prints the class's size, each path's time, and every difference (there should be none).
"""

import argparse
import inspect
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("02_forward", "03_cost", "04_backward")
PRELUDE = ("import numpy as np\nimport dl_utils.activations as act\nimport dl_utils.forward as fwd\n"
           "import dl_utils.backward as bwd\nfrom dl_utils import relu, sigmoid\n")
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


def _helpers(fn, seen):
    """The sources of the catalogue's own helper functions that ``fn`` uses, helpers first (transitively)."""
    import ast

    module = sys.modules[fn.__module__]
    out = []
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(fn)))):
        name = node.id if isinstance(node, ast.Name) else None
        helper = getattr(module, name, None) if name else None
        if name and name not in seen and inspect.isfunction(helper) and helper.__module__ == module.__name__ \
                and name.startswith("_"):
            seen.add(name)
            out += _helpers(helper, seen) + [textwrap.dedent(inspect.getsource(helper))]
    return out


def mistake_source(entry):
    """The catalogued mistake as a learner's exercise cell (its code, and its helpers, under the exercise's name).

    None for a mistake that cannot be written out so, or that calls the course's own answer to its
    exercise (the grader's sandbox has none).
    """
    try:
        source = textwrap.dedent(inspect.getsource(entry.fn))
        helpers = _helpers(entry.fn, set())
    except (OSError, TypeError, KeyError):
        return None
    if re.search(rf"\b(act|fwd|bwd)\.{entry.exercise}\b", source + "".join(helpers)):
        return None
    lines = source.splitlines()
    while lines and lines[0].lstrip().startswith("@"):
        lines.pop(0)
    if not lines or not lines[0].startswith("def "):
        return None
    lines[0] = re.sub(r"^def \w+\(", f"def {entry.exercise}(", lines[0])
    return PRELUDE + "\n".join(helpers) + "\n" + "\n".join(lines)


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

    for k in range(honest):
        hand_in(f"honest_{k}", "honest", solved)
    hand_in("blank", "blank", blank)
    for entry in mistakes.CATALOGUE:
        notebook = where.get(f"ex_{entry.exercise}")
        source = mistake_source(entry) if notebook else None
        if source is None:
            continue
        nb = nbformat.from_dict(solved[notebook])
        _cell(nb, f"ex_{entry.exercise}").source = source
        hand_in(f"mistake_{entry.id}", f"mistake {entry.id}", {notebook: nb})
    for learner, (exercise, source) in HOSTILE.items():
        notebook = where.get(f"ex_{exercise}")
        if notebook:
            nb = nbformat.from_dict(blank[notebook])
            _cell(nb, f"ex_{exercise}").source = source
            hand_in(learner, "hostile", {notebook: nb})
    return kinds


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
          f"{sum(k == 'honest' for k in kinds.values())} honest, 1 blank, "
          f"{sum(k.startswith('mistake') for k in kinds.values())} with one catalogued mistake each, "
          f"{sum(k == 'hostile' for k in kinds.values())} hostile")
    started = time.perf_counter()
    rows = grade.grade(folder, ROOT / "notebooks", timeout=args.timeout, jobs=args.jobs, notebooks=args.notebooks,
                       scheduler=args.scheduler)
    standalone = time.perf_counter() - started
    grade.write_report(rows, args.out / "standalone" / "report", {"sandbox": "bubblewrap"})
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
