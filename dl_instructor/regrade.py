"""What a regrade changed: whose points moved, on which exercise, with the old and the new message.

``python -m dl_instructor.grade SUBMISSIONS --out NEW --compare-to OLD.json`` grades as usual,
then compares the new rows with those of an earlier report of the same assignment (a check was
corrected mid-term, a submission was re-collected) and prints and writes every row whose points
changed, so that the instructor can announce it: ``NEW.changes.csv`` and ``NEW.changes.json``.
A row that is in only one of the two reports (a learner who handed in only since) is a change
too, its missing side left empty. Statuses or messages that changed while the points did not are
counted but not listed: they are no news for a learner's grade.

The old report must be of the same assignment: the same notebooks graded. A report of another
assignment, or a file that is not a grader's report, is refused with the reason.
"""

import csv
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .report import beside, csv_cell

COLUMNS = ("learner", "notebook", "exercise", "old_points", "new_points", "max_points", "old_status", "new_status",
           "old_message", "new_message")
_NEEDED = {"learner", "notebook", "exercise", "points", "max_points", "status", "message"}


class NotComparable(ValueError):
    """The old report cannot be compared with this run: not a grader's report, or of another assignment."""


@dataclass
class Change:
    """One learner's exercise whose points differ between the old report and the new one."""

    learner: str
    notebook: str
    exercise: str
    old_points: float | None  # None: not in the old report
    new_points: float | None  # None: not in the new report
    max_points: float
    old_status: str
    new_status: str
    old_message: str
    new_message: str


def load(path):
    """The rows of the grader's JSON report at ``path``, as dicts; NotComparable if it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise NotComparable(f"{path}: cannot be read as the grader's JSON report ({e})") from None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) and _NEEDED <= set(r) for r in rows):
        raise NotComparable(f"{path}: not a report of dl_instructor.grade (it needs \"rows\", each with "
                            f"{', '.join(sorted(_NEEDED))}); give the REPORT.json the grader wrote")
    return rows


def _as_dicts(rows):
    return [r if isinstance(r, dict) else asdict(r) for r in rows]


def same_assignment(old_rows, new_rows, old_name="the old report"):
    """Raise NotComparable unless both sets of rows graded the same notebooks."""
    old_nbs = sorted({r["notebook"] for r in _as_dicts(old_rows)})
    new_nbs = sorted({r["notebook"] for r in _as_dicts(new_rows)})
    if old_nbs != new_nbs:
        raise NotComparable(f"{old_name} is of another assignment: it graded {', '.join(old_nbs) or 'nothing'}, "
                            f"this run grades {', '.join(new_nbs) or 'nothing'}")


def compare(old_rows, new_rows, old_name="the old report"):
    """Every learner's exercise whose points changed from ``old_rows`` to ``new_rows``, in the new report's order.

    Parameters
    ----------
    old_rows, new_rows : list of dict or grade.Row
        The rows of two reports of the same assignment.

    Returns
    -------
    list of Change

    Raises
    ------
    NotComparable
        The reports graded different notebooks.
    """
    old_rows, new_rows = _as_dicts(old_rows), _as_dicts(new_rows)
    same_assignment(old_rows, new_rows, old_name)

    def key(r):
        return r["learner"], r["notebook"], r["exercise"]

    old = {key(r): r for r in old_rows}
    new = {key(r): r for r in new_rows}
    changes = []
    for k in [*new, *(k for k in old if k not in new)]:
        before, after = old.get(k), new.get(k)
        if before is not None and after is not None and float(before["points"]) == float(after["points"]):
            continue
        either = after or before
        changes.append(Change(*k, None if before is None else float(before["points"]),
                              None if after is None else float(after["points"]), float(either["max_points"]),
                              before["status"] if before else "", after["status"] if after else "",
                              before["message"] if before else "", after["message"] if after else ""))
    return changes


def _points(p):
    return "-" if p is None else f"{p:g}"


def describe(changes, old_name="the old report"):
    """The lines printed after a regrade: one per change, learners in order, and how many learners moved."""
    if not changes:
        return [f"regrade: no learner's points changed since {old_name}"]
    learners = list(dict.fromkeys(c.learner for c in changes))
    lines = [f"regrade: {len(changes)} exercise(s) of {len(learners)} learner(s) changed points since {old_name}:"]
    for c in changes:
        lines.append(f"  {c.learner} {c.notebook} {c.exercise}: {_points(c.old_points)} -> {_points(c.new_points)} "
                     f"/ {c.max_points:g} ({c.old_status or 'not in the old report'} -> "
                     f"{c.new_status or 'not in this run'})")
        if c.new_message != c.old_message:
            lines.append(f"      was: {c.old_message[:200]}")
            lines.append(f"      now: {c.new_message[:200]}")
    return lines


def write(changes, basename, old_path):
    """Write ``basename.changes.csv`` and ``basename.changes.json``; return their paths."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([csv_cell("" if v is None else v) for v in asdict(c).values()] for c in changes)
    csv_path, json_path = beside(basename, ".changes.csv"), beside(basename, ".changes.json")
    csv_path.write_text(buffer.getvalue(), encoding="utf-8", errors="backslashreplace")
    json_path.write_text(json.dumps({"compared_to": str(old_path), "columns": list(COLUMNS),
                                     "learners": list(dict.fromkeys(c.learner for c in changes)),
                                     "changes": [asdict(c) for c in changes]}, indent=1, ensure_ascii=True) + "\n",
                         encoding="ascii")
    return csv_path, json_path
