"""The grades as the file an LMS imports: Canvas's gradebook CSV, or Moodle's grade import CSV.

``python -m dl_instructor.grade SUBMISSIONS --out REPORT --lms canvas --roster ROSTER.csv`` writes, beside
the report, ``REPORT.canvas.csv`` (``--lms moodle``: ``REPORT.moodle.csv``): one line per learner of the
roster, with the learner's total from the same rows as ``REPORT.json``'s ``totals``. The roster is the
LMS's own export of the class, which is what ties a submission folder to a person:

* **Canvas**: the gradebook's export (Grades > Export > CSV). Its columns are ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Section``, then one per assignment, ``Name (id)``; its second
  line may be ``Points Possible``. The file written has the same first five columns, then the
  assignment's column and a ``Points Possible`` line, the format Canvas's gradebook import reads:
  a column that names an assignment of the export (``ps1 (1234)``) updates that assignment, a new
  name makes a new one with the points possible of that line.
* **Moodle**: the grader report's export as a plain text file (Export > Plain text file), or the
  participants' list, with ``First name``, ``Last name``, ``Email address`` (and ``ID number``,
  ``Username`` when the export has them). The file written has ``First name``, ``Last name``,
  ``ID number``, ``Email address`` and the grade's column: Moodle's import (Import > CSV file)
  is told to identify the user by ``Email address`` (or ``ID number``) and to map the grade column
  to the grade item.

A submission folder is a learner of the roster when its name is one of that person's identifiers
(Canvas: the ``SIS Login ID``, ``SIS User ID`` or ``ID``; Moodle: the ``Email address``, ``Username``
or ``ID number``), which is what nbgrader's or an LMS's collected folders are named by. A folder that
matches no one, and a person with no folder, are named; the person's line is left without a grade
(an LMS import leaves an empty cell as it was) rather than given a 0 nobody decided. A roster that is
not the LMS's format, or two people with the same identifier, is refused with the reason.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .report import beside, csv_cell, totals

FORMATS = ("canvas", "moodle")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_KEYS = ("SIS Login ID", "SIS User ID", "ID")
MOODLE_COLUMNS = ("First name", "Last name", "ID number", "Email address")
MOODLE_KEYS = ("Email address", "Username", "ID number")
POINTS_POSSIBLE = "Points Possible"


class RosterError(ValueError):
    """The roster is not the LMS's export, or names two people alike."""


@dataclass
class Roster:
    lms: str
    header: list
    people: list  # one dict per person, the roster's columns
    keys: tuple  # the identifier columns, in the order they are tried
    by_key: dict = field(default_factory=dict)  # identifier -> index in people


@dataclass
class Export:
    path: Path
    column: str
    graded: int  # people of the roster given a grade
    unknown: list  # submission folders that are no one of the roster
    missing: list  # people of the roster with no submission folder (their display names)


def _rows(path):
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise RosterError(f"{path}: cannot be read as a CSV file ({e})") from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
    except csv.Error:
        dialect = csv.excel
    rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in r)]
    if not rows:
        raise RosterError(f"{path}: the roster is empty")
    return [cell.strip() for cell in rows[0]], rows[1:]


def read_roster(path, lms):
    """Read the LMS's export of its class list; raise RosterError if it is not one.

    Parameters
    ----------
    path : path
        Canvas's gradebook export, or Moodle's grade export or participants' list, as CSV.
    lms : {"canvas", "moodle"}

    Returns
    -------
    Roster
    """
    if lms not in FORMATS:
        raise RosterError(f"--lms must be one of {', '.join(FORMATS)}, not {lms!r}")
    header, body = _rows(path)
    needed = ("Student", "ID") if lms == "canvas" else ("First name", "Last name", "Email address")
    missing = [c for c in needed if c not in header]
    if missing:
        other = "moodle" if lms == "canvas" else "canvas"
        hint = (f" (it looks like a {other.capitalize()} export: use --lms {other})"
                if all(c in header for c in (("Student", "ID") if other == "canvas" else ("Email address",))) else "")
        raise RosterError(f"{path}: not a {lms.capitalize()} roster: it lacks the column(s) {', '.join(missing)}; "
                          f"its columns are {', '.join(header[:8]) or 'none'}{hint}")
    keys = tuple(k for k in (CANVAS_KEYS if lms == "canvas" else MOODLE_KEYS) if k in header)
    people = []
    for line in body:
        person = dict(zip(header, [c.strip() for c in line] + [""] * (len(header) - len(line)), strict=False))
        if lms == "canvas" and (person["Student"] == POINTS_POSSIBLE or person["Student"] == "Student, Test"):
            continue  # the points row, and the test student Canvas adds to every course
        people.append(person)
    roster = Roster(lms, header, people, keys)
    duplicates = {}
    for index, person in enumerate(people):
        for key in keys:
            value = person.get(key, "")
            if not value:
                continue
            other = roster.by_key.setdefault(value, index)
            if other != index:
                duplicates.setdefault(value, {other}).add(index)
    if duplicates:
        named = "; ".join(f"{value!r} for {' and '.join(_name(people[i], lms) for i in sorted(who))}"
                          for value, who in list(duplicates.items())[:5])
        raise RosterError(f"{path}: the same identifier names two people, so a submission folder of that name "
                          f"could be either: {named}. Correct the roster (or export it again) and retry")
    return roster


def _name(person, lms):
    if lms == "canvas":
        return person.get("Student") or person.get("ID", "?")
    return f"{person.get('First name', '')} {person.get('Last name', '')}".strip() or person.get("Email address", "?")


def _assignment_column(roster, name):
    """The roster's own column for assignment ``name`` (Canvas: ``name (id)``), else ``name`` (a new one)."""
    if roster.lms == "canvas":
        for column in roster.header[len(CANVAS_COLUMNS):]:
            if column == name or (column.endswith(")") and column.rsplit(" (", 1)[0] == name):
                return column
    return name


def _number(value):
    return f"{value:.10g}"


def export(rows, roster, basename, assignment):
    """Write ``basename.<lms>.csv``, each roster person's total points for ``assignment``.

    Parameters
    ----------
    rows : list of dict or grade.Row
        The report's rows (the totals are those of ``REPORT.json``).
    roster : Roster
        From :func:`read_roster`.
    basename : path
        The report's basename.
    assignment : str
        The LMS's name for the assignment (the grade item); a Canvas column ``assignment (id)`` of
        the roster is used as it is.

    Returns
    -------
    Export
    """
    from dataclasses import asdict, is_dataclass

    rows = [asdict(r) if is_dataclass(r) else r for r in rows]
    points = totals(rows)
    possible = max((t["max_points"] for t in points.values()), default=0.0)
    given = {}
    unknown = []
    for learner, t in points.items():
        index = roster.by_key.get(learner)
        if index is None:
            unknown.append(learner)
        else:
            given[index] = t["points"]
    column = _assignment_column(roster, assignment)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if roster.lms == "canvas":
        writer.writerow([*CANVAS_COLUMNS, column])
        writer.writerow([POINTS_POSSIBLE, "", "", "", "", _number(possible)])
        for index, person in enumerate(roster.people):
            writer.writerow([csv_cell(person.get(c, "")) for c in CANVAS_COLUMNS]
                            + [_number(given[index]) if index in given else ""])
    else:
        writer.writerow([*MOODLE_COLUMNS, column])
        for index, person in enumerate(roster.people):
            writer.writerow([csv_cell(person.get(c, "")) for c in MOODLE_COLUMNS]
                            + [_number(given[index]) if index in given else ""])
    path = beside(basename, f".{roster.lms}.csv")
    path.write_text(buffer.getvalue(), encoding="utf-8")
    missing = [_name(p, roster.lms) for i, p in enumerate(roster.people) if i not in given]
    return Export(path, column, len(given), unknown, missing)


def describe(result):
    """The lines printed after an export."""
    lines = [f"wrote {result.path}: {result.graded} learner(s) graded in the column {result.column!r}"]
    if result.unknown:
        lines.append(f"  {len(result.unknown)} submission folder(s) match no one of the roster (not in the file): "
                     + ", ".join(result.unknown))
    if result.missing:
        lines.append(f"  {len(result.missing)} learner(s) of the roster handed in nothing (their grade left empty): "
                     + ", ".join(result.missing))
    return lines
