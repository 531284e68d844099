"""The grade command's options for the instructor's term: similar submissions, a regrade's diff, the LMS's file.

:func:`add_arguments` adds ``--compare-to``, ``--lms``, ``--roster``, ``--lms-column`` and
``--no-similarity`` to the grade command; :func:`before` reads the old report and the roster before
anything is graded, so that a wrong file costs no grading run; :func:`after`, once the report is
written, adds the similarity section to it (:mod:`dl_instructor.similarity`), compares and exports.
"""

from pathlib import Path

import nbformat

from . import lms, regrade
from .release import course_notebooks, has_exercises
from .report import beside


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
    parser.add_argument("--no-similarity", action="store_true",
                        help="leave out the class report's section on similar submissions")


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
    out = beside(args.out, "")
    if not args.no_similarity:
        similar(args, out)
    if "old" in state:
        changes = regrade.compare(state["old"], rows, str(args.compare_to))
        for line in regrade.describe(changes, str(args.compare_to)):
            print(line)
        csv_path, json_path = regrade.write(changes, out, args.compare_to)
        print(f"wrote the changes to {csv_path} and {json_path}")
    if "roster" in state:
        result = lms.export(rows, state["roster"], out, args.lms_column or out.name)
        for line in lms.describe(result):
            print(line)


def similar(args, out):
    """Compare the class's functions per exercise and add the section to the report (copydetect is needed)."""
    try:
        import copydetect  # noqa: F401
    except ImportError:
        print("similarity: not computed (copydetect is not installed: pip install .[instructor])")
        return
    from . import grade, similarity

    results, seconds = similarity.analyse(args.submissions, args.source, _assigned(args),
                                          grade.course_for(args.source, args.checks).match)
    similarity.attach(results, seconds, out)
    print(f"similarity: {sum(len(r.flagged) for r in results)} pair(s) and {sum(len(r.reference) for r in results)} "
          f"match(es) of a course answer stand out, in {seconds:.1f} s (the class report's section "
          "'Similar submissions': evidence to read, not a verdict)")
