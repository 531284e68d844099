"""The grade command's options for the instructor's term: a regrade's diff, and the LMS's grade file.

:func:`add_arguments` adds ``--compare-to``, ``--lms``, ``--roster`` and ``--lms-column`` to the grade
command; :func:`before` reads the old report and the roster before anything is graded, so that a
wrong file costs no grading run; :func:`after` compares and exports once the report is written.
"""

from pathlib import Path

import nbformat

from . import lms, regrade
from .release import course_notebooks, has_exercises


def add_arguments(parser):
    parser.add_argument("--compare-to", type=Path, default=None, metavar="OLD_REPORT.json",
                        help="an earlier REPORT.json of this assignment: print and write (OUT.changes.csv, "
                             "OUT.changes.json) every learner's exercise whose points changed")
    parser.add_argument("--lms", choices=lms.FORMATS, default=None,
                        help="also write OUT.<lms>.csv, the grade file that LMS imports (needs --roster)")
    parser.add_argument("--roster", type=Path, default=None, metavar="FILE",
                        help="the LMS's own export of the class list (Canvas: the gradebook's CSV export; "
                             "Moodle: the grades' plain-text export or the participants' list)")
    parser.add_argument("--lms-column", default=None, metavar="NAME",
                        help="the assignment's name in the LMS (default: OUT's file name)")


def _assigned(args):
    if args.notebooks:
        return sorted(args.notebooks)
    return sorted(p.stem for p in course_notebooks(args.source) if has_exercises(nbformat.read(p, as_version=4)))


def before(parser, args):
    """Check the old report and the roster; return what :func:`after` needs. Calls ``parser.error`` on bad input."""
    state = {}
    if args.compare_to is not None:
        try:
            old = regrade.load(args.compare_to)
            regrade.same_assignment(old, [{"notebook": n} for n in _assigned(args)], str(args.compare_to))
        except regrade.NotComparable as e:
            parser.error(str(e))
        state["old"] = old
    if (args.lms is None) != (args.roster is None):
        parser.error("--lms and --roster go together: the LMS's format and its export of the class list")
    if args.lms is not None:
        try:
            state["roster"] = lms.read_roster(args.roster, args.lms)
        except lms.RosterError as e:
            parser.error(str(e))
    return state


def after(args, rows, state):
    """Compare with the old report and write the LMS's file, as ``before`` prepared; print what was done."""
    out = Path(args.out)
    if out.suffix in (".csv", ".json"):
        out = out.with_suffix("")
    if "old" in state:
        changes = regrade.compare(state["old"], rows, str(args.compare_to))
        for line in regrade.describe(changes, str(args.compare_to)):
            print(line)
        csv_path, _ = regrade.write(changes, out, args.compare_to)
        print(f"wrote the changes to {csv_path} and {csv_path.with_suffix('.json')}")
    if "roster" in state:
        result = lms.export(rows, state["roster"], out, args.lms_column or out.name)
        for line in lms.describe(result):
            print(line)
