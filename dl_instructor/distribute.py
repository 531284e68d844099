"""The course as the learners of a graded class get it: no solutions, and no reference of an exercise still to grade.

Usage, from the repository's root::

    python -m dl_instructor.distribute --out DIR [--held 02_forward 03_cost ...]
    python -m dl_instructor.distribute --out DIR --due 02_forward=2026-10-05 03_cost=2026-10-12 ... [--today DATE]

writes into ``DIR`` (a folder to push to the learners' repository, for nbgitpuller or repo2docker):

* ``notebooks/exercises/``: the learner versions (:mod:`dl_instructor.release`: no solution, no hidden
  test), and the course notebooks that have no exercise (``06_application``) as they are;
* ``dl_utils/``: the course library, in which every function that answers an exercise of the
  ``--held`` notebooks (the exercises still to be graded; default: every notebook with exercises),
  and every library function that uses one, keeps its name and signature but raises
  ``RuntimeError: dl_utils.linear_forward is not available while 02_forward is graded: ... write your
  own``; their bodies and docstrings are gone from the source. This is the sandbox's own stripping
  (:func:`dl_instructor.strip.strip`), so a learner holds exactly what a graded notebook may see.
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


def held_functions(source_dir, held):
    """The names of the exercises of the ``held`` notebooks (the functions their check cells judge)."""
    names = set()
    for notebook in held:
        nb = nbformat.read(Path(source_dir) / f"{notebook}.ipynb", as_version=4)
        names |= {ex.name for ex in _submission.exercises(nb)}
    return names


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
    """Write the class's copy of the course into ``out``; return the stripped function names.

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
    names = held_functions(source_dir, held)
    package = Path(dl_utils.__file__).resolve().parent
    sources = strip.library_sources(package)
    sources["dl_utils/checks/__init__.py"] = CHECKS_STAND_IN
    stripped = strip.strip(sources, names, ", ".join(held))
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
    return sorted(strip.stripped_names(sources, names))


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
    print(f"wrote {args.out}: the learner versions, the datasets, and dl_utils without {len(gone)} functions "
          f"({', '.join(gone)}); push it to the learners' repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())
