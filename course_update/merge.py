"""Merge the course's new version of a notebook into the learner's copy, cell by cell, keyed on nbgrader's grade_id.

Every cell the course writes has a ``grade_id`` (nbgrader's cell metadata, kept in the learner's
copy). Which cells are whose:

* the course's text, setup, demo and check cells: the new version's. A cell the course did not
  change keeps the learner's copy of it, saved outputs included (a check that passed still shows it);
* the learner's exercise cells: theirs, the whole cell as it is, unless they never changed it, in
  which case it takes the course's new starting code. An exercise new in the course arrives blank at
  its place; one the course removed stays, under a marked heading, at the end;
* the cells the learner added (no grade_id): theirs, each after the course cell it followed.

What the copy was made from, cell by cell, is ``base``: nbgrader's checksum of each cell of the
version it was copied from (``.copies.json``); without it, the checksums nbgrader wrote into the
copy's own cells when the learner version was made. A cell whose checksum differs from its base was
changed by the learner; a new version's cell whose checksum differs from it was changed by the course.
"""

import re
from collections import Counter

from . import progress

LABELS = {"text": "text cell", "setup": "setup cell", "code": "demo cell", "check": "check", "exercise": "exercise"}
# The heading the merge puts before an exercise the course removed; found again by this metadata on the next merge.
REMOVED_KEY = "dl_course_removed"
DEF_LINE = re.compile(r"^def .*$", re.M)


class PastedCells(ValueError):
    """The copy's exercises are in cells without nbgrader metadata: where they go cannot be told."""


def _plural(n, label):
    if n == 1:
        return f"1 {label}"
    return f"{n} {'checks' if label == 'check' else label + 's'}"


def _counts(counter):
    parts = [_plural(counter[key], LABELS[key]) for key in LABELS if counter[key]]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class Summary:
    """What a merge did to one notebook, and the one line that says it."""

    def __init__(self):
        self.updated, self.added, self.removed, self.edits_undone = Counter(), Counter(), Counter(), Counter()
        self.answers = self.own_cells = 0
        self.removed_kept, self.answered_changed, self.look = [], [], []

    @property
    def changed(self):
        """True if the course's version differs from what the copy was made from."""
        return bool(self.updated or self.added or self.removed or self.removed_kept or self.answered_changed)

    def course_changes(self):
        """What the course changed, as the summary line says it: ``3 text cells and 1 check updated``."""
        parts = [f"{_counts(counter)} {verb}" for counter, verb in
                 ((self.updated, "updated"), (self.added, "added"), (self.removed, "removed")) if counter]
        if self.answered_changed:
            answer = "answer" if len(self.answered_changed) == 1 else "answers"
            parts.append(f"the starting code of {', '.join(self.answered_changed)} changed under your {answer}")
        if self.removed_kept:
            answer = "answer" if len(self.removed_kept) == 1 else "answers"
            parts.append(f"{', '.join(self.removed_kept)} removed from the course, your {answer} kept at the end")
        return ", ".join(parts)

    def line(self, stem):
        """The summary line: ``02_forward: 3 text cells and 1 check updated, your 3 answers kept``."""
        if not self.changed:
            return f"{stem}: up to date"
        parts = [self.course_changes()] if self.course_changes() else []
        if self.edits_undone:
            parts.append(f"your edits to {_counts(self.edits_undone)} replaced by the course's (the backup has them)")
        kept = [_plural(n, label) for n, label in ((self.answers, "answer"), (self.own_cells, "added cell")) if n]
        if kept:
            parts.append("your " + " and ".join(kept) + " kept")
        line = f"{stem}: " + ", ".join(parts)
        if self.look:
            line += "; look at " + ", ".join(self.look) + ": the course changed its def line"
        return line


def _kind(cell, setup_id):
    kind = progress.kind(cell)
    return "setup" if kind == "code" and progress.grade_id(cell) == setup_id else kind


def _is_marker(cell):
    return isinstance(cell.get("metadata"), dict) and REMOVED_KEY in cell["metadata"]


def _marker(grade_id):
    name = grade_id.removeprefix("ex_")
    return {"cell_type": "markdown", "id": f"removed-{grade_id}".replace("_", "-"), "metadata": {REMOVED_KEY: grade_id},
            "source": f"## No longer in the course: `{name}`\n\nAn update of the course removed this exercise and its "
                      "check. Your answer is kept below; nothing of the course uses it any more."}


def _pasted(mine, new):
    """The exercises of ``new`` whose answer sits in a cell of ``mine`` without metadata (pasted), by name."""
    have = {progress.grade_id(cell) for cell in mine}
    loose = [progress.source(cell) for cell in mine if progress.kind(cell) is None and not _is_marker(cell)]
    lost = []
    for cell in new:
        gid = progress.grade_id(cell)
        defs = DEF_LINE.findall(progress.source(cell))
        if progress.kind(cell) == "exercise" and gid not in have and defs and any(defs[0] in text for text in loose):
            lost.append(gid)
    return lost


def merge(mine, new, base=None):
    """The learner's copy ``mine`` with the course's new version ``new`` merged in, and a :class:`Summary`.

    Parameters
    ----------
    mine, new : dict
        Notebooks as read from their JSON (nbformat 4); neither is changed.
    base : dict of str to str, optional
        ``{grade_id: checksum}`` of the version ``mine`` was made from (default: the checksums stored in
        ``mine``'s own cells).

    Returns
    -------
    merged : dict
    summary : Summary

    Raises
    ------
    PastedCells
        If an exercise of ``new`` is missing from ``mine`` but its ``def`` line is in a cell of ``mine``
        without nbgrader metadata: the answer cannot be placed, so nothing is merged.
    """
    lost = _pasted(mine["cells"], new["cells"])
    if lost:
        raise PastedCells(", ".join(lost))
    new_cells = new["cells"]
    setup_id = next((progress.grade_id(c) for c in new_cells if progress.kind(c) == "code"), None)
    new_ids = {progress.grade_id(cell) for cell in new_cells}
    summary = Summary()

    def base_of(cell):
        return base.get(progress.grade_id(cell)) if base else progress.nbgrader(cell).get("checksum")

    def learners(cell):  # changed by the learner since the copy was made (an unknown base: assume it was)
        return base_of(cell) != progress.checksum(cell)

    # The learner's cells by grade_id (the first of each), and the cells they added after each (None: at the top).
    theirs, after, removed_kept = {}, {None: []}, []
    marked = {cell["metadata"][REMOVED_KEY] for cell in mine["cells"] if _is_marker(cell)}  # removed before
    anchor = None
    for cell in mine["cells"]:
        gid = progress.grade_id(cell)
        if _is_marker(cell):
            continue
        if gid is None or gid in theirs:
            after[anchor].append(cell)
            summary.own_cells += 1
            continue
        theirs[gid] = cell
        if gid in new_ids:
            anchor = gid
        elif progress.kind(cell) == "exercise" and learners(cell):
            anchor = gid
            removed_kept.append(cell)
            if gid not in marked:
                summary.removed_kept.append(gid.removeprefix("ex_"))
        else:
            summary.removed[_kind(cell, setup_id)] += 1
            continue
        after[anchor] = []

    cells = list(after[None])
    for cell in new_cells:
        gid, kind = progress.grade_id(cell), _kind(cell, setup_id)
        old = theirs.get(gid)
        if old is None:
            if not (base and gid in base):  # else a course cell the learner deleted: back, but not the course's change
                summary.added[kind] += 1
            cells.append(cell)
        elif kind == "exercise" and learners(old):
            summary.answers += 1
            cells.append(old)
            theirs_defs = set(DEF_LINE.findall(progress.source(old)))  # their own helpers' def lines do not count
            new_def = any(line not in theirs_defs for line in DEF_LINE.findall(progress.source(cell)))
            if base_of(old) != progress.checksum(cell) if base_of(old) is not None else new_def:
                summary.answered_changed.append(gid.removeprefix("ex_"))
                if new_def:
                    summary.look.append(gid.removeprefix("ex_"))
        elif progress.checksum(old) == progress.checksum(cell):
            cells.append(old)  # unchanged on both sides: the learner's, with its saved outputs
        else:  # the course's new cell; counted as the course's change, the learner's edit, or both
            if base_of(old) != progress.checksum(cell):
                summary.updated[kind] += 1
            if base_of(old) not in (None, progress.checksum(old)):
                summary.edits_undone[kind] += 1
            cells.append(cell)
        cells.extend(after.get(gid, []))
    for cell in removed_kept:
        cells.extend([_marker(progress.grade_id(cell)), cell] + after.get(progress.grade_id(cell), []))
    merged = dict(new, metadata={**mine.get("metadata", {}), **new.get("metadata", {})},
                  cells=_unique_ids(cells, mine["cells"]))
    return merged, summary


def _unique_ids(cells, own):
    """``cells``, each course cell whose id one of the learner's ``own`` cells has taken given a fresh one.

    nbformat 4.5 wants every cell's id unique; the learner's cells keep theirs, byte for byte.
    """
    own_ids = {id(cell) for cell in own}
    seen = {cell.get("id") for cell in cells if id(cell) in own_ids}
    out = []
    for cell in cells:
        cid = cell.get("id")
        if id(cell) not in own_ids and cid is not None:
            n = 1
            while (cid if n == 1 else f"{cid}-{n}") in seen:
                n += 1
            if n > 1:
                cell = dict(cell, id=f"{cid}-{n}")
            seen.add(cell["id"])
        out.append(cell)
    return out
