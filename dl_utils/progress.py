"""Where you stand: each exercise of your notebooks, whether it is written and whether its check passed.

In a notebook, one line at its top shows the whole course, this notebook marked::

    from dl_utils.progress import show; show()

and ``python3 course.py progress`` prints the same table in a shell. Both read the notebooks as
they were last **saved**: a check's verdict is the output its cell had then (``linear_forward: all
checks passed.``, or the error it raised), so save before you look.

This module uses Python's standard library only, and no other module of ``dl_utils``: ``course.py``
runs with the system's own Python, outside the course's environment, and loads this file by its
path. It also holds what that command's update reads in a notebook: a cell's nbgrader ``grade_id``,
its kind, and nbgrader's own checksum of it.
"""

import hashlib
import json
import os
import re
import textwrap
from pathlib import Path

# The course's notebooks are NN_<name>.ipynb; backups (NN_<name>.before-update-1.ipynb) and others are not read.
NOTEBOOK = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")
# What nbgrader's ClearSolutions leaves in an exercise cell for the learner to replace.
NOT_WRITTEN = "raise NotImplementedError()"


def source(cell):
    """A cell's source as one string (a notebook file may store it as a list of lines)."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def nbgrader(cell):
    """The cell's nbgrader metadata, ``{}`` if it has none (a cell the learner added, or pasted)."""
    meta = cell.get("metadata")
    found = meta.get("nbgrader") if isinstance(meta, dict) else None
    return found if isinstance(found, dict) and isinstance(found.get("grade_id"), str) else {}


def grade_id(cell):
    """The nbgrader ``grade_id`` that names a course cell, or None for a cell the course did not write."""
    return nbgrader(cell).get("grade_id")


def kind(cell):
    """``"exercise"`` (the learner's answer), ``"check"``, ``"text"``, ``"code"`` (setup or demo), or None.

    None is a cell without nbgrader metadata: one the learner added.
    """
    meta = nbgrader(cell)
    if not meta:
        return None
    if meta.get("solution"):
        return "exercise"
    if meta.get("grade"):
        return "check"
    return "text" if cell.get("cell_type") == "markdown" else "code"


def checksum(cell):
    """nbgrader's checksum of a course cell (``nbgrader.utils.compute_checksum``, the same bytes hashed).

    A learner version stores it in each cell's metadata when it is made, so it names the version
    of the cell the learner's copy started from: a copy's cell whose checksum no longer matches
    its own source was edited by the learner.
    """
    meta = nbgrader(cell)
    solution, grade = bool(meta.get("solution")), bool(meta.get("grade"))
    locked = False if solution else (True if grade else bool(meta.get("locked", False)))
    digest = hashlib.md5()
    for part in (source(cell), cell.get("cell_type", ""), str(grade), str(solution), str(locked), meta["grade_id"]):
        digest.update(part.encode("utf-8"))
    if grade:
        digest.update(str(float(meta["points"])).encode("utf-8"))
    return digest.hexdigest()


def read(path):
    """The notebook at ``path`` as a dict; ValueError saying what is wrong if it is not a notebook."""
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{path.name} is not a notebook: it is not text ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not a notebook: its JSON breaks off at line {error.lineno}, "
                         f"column {error.colno} ({error.msg})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) \
            or not all(isinstance(cell, dict) for cell in nb["cells"]):
        raise ValueError(f"{path.name} is not a notebook: it has no list of cells")
    return nb


def _text(output):
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else str(text)


def check_verdict(cell, name):
    """``"passed"``, ``"failed"`` or ``"not run"``: what the check cell's saved outputs say of ``name``."""
    outputs = cell.get("outputs") or []
    if any(output.get("output_type") == "error" for output in outputs):
        return "failed"
    if any(f"{name}: all checks passed." in _text(output) for output in outputs):
        return "passed"
    return "not run"


def exercises(nb):
    """One ``(name, written, check)`` per exercise of the notebook ``nb``, in its order.

    ``written`` is ``"not started"`` (the cell as the course gave it), ``"started"`` (changed, but it
    still raises NotImplementedError) or ``"written"``. ``check`` is :func:`check_verdict` of the
    check cell, ``"run it again"`` when the exercise cell ran after its check, or ``"no check"``.
    """
    cells = nb["cells"]
    checks = {grade_id(cell): cell for cell in cells if kind(cell) == "check"}
    found = []
    for cell in cells:
        if kind(cell) != "exercise":
            continue
        name = grade_id(cell).removeprefix("ex_")
        if NOT_WRITTEN not in source(cell):
            written = "written"
        elif nbgrader(cell).get("checksum") in (None, checksum(cell)):
            written = "not started"
        else:
            written = "started"
        check = checks.get("check_" + name)
        verdict = "no check" if check is None else check_verdict(check, name)
        ran, checked = cell.get("execution_count"), None if check is None else check.get("execution_count")
        if verdict != "not run" and isinstance(ran, int) and isinstance(checked, int) and ran > checked:
            verdict = "run it again"
        found.append((name, written, verdict))
    return found


def table(folder, names=None, current=None):
    """The progress table of the notebooks in ``folder``, as lines of text, and the exercises left.

    Parameters
    ----------
    folder : str or Path
        The learner's notebooks (``my-work/``).
    names : list of str, optional
        The notebooks to list, in order (default: every ``NN_<name>.ipynb`` of ``folder``); one
        missing from ``folder`` is listed as not copied yet.
    current : str, optional
        The notebook to mark with ``<-`` (the one that calls :func:`show`).

    Returns
    -------
    lines : list of str
    left : list of (str, str)
        ``(notebook, exercise)`` for each exercise whose check has not passed.
    """
    folder = Path(folder)
    if names is None:
        names = sorted(p.name for p in folder.glob("*.ipynb") if NOTEBOOK.match(p.name))
    rows, left = [], []
    for name in names:
        stem = name.removesuffix(".ipynb")
        mark = "  <-" if name == current else ""
        if not (folder / name).exists():
            rows.append((stem, "(no copy yet)", "", "", mark))
            continue
        try:
            found = exercises(read(folder / name))
        except ValueError as error:
            rows.append((stem, f"(cannot be read: {error})", "", "", mark))
            continue
        if not found:
            rows.append((stem, "(no exercises)", "", "", mark))
        for i, (exercise, written, verdict) in enumerate(found):
            rows.append((stem if i == 0 else "", exercise, written, verdict, mark if i == 0 else ""))
            if verdict != "passed":
                left.append((stem, exercise))
    header = ("notebook", "exercise", "written", "check", "")
    table_rows = [header] + [row for row in rows if row[2]]  # the notes ("(no copy yet)") do not widen the columns
    widths = [max(len(row[i]) for row in table_rows) for i in range(3)]
    lines = []
    for row in [header] + rows:
        cells = [row[0].ljust(widths[0])] + ([row[1]] if not row[2] else [row[1].ljust(widths[1]),
                                                                           row[2].ljust(widths[2]), row[3]])
        lines.append("  ".join(cells).rstrip() + row[4])
    total = sum(1 for row in rows if row[2])
    lines.append("")
    lines.append(f"{total - len(left)} of {total} exercises passed their check when last run.")
    if left:
        by_notebook = {}
        for stem, exercise in left:
            by_notebook.setdefault(stem, []).append(exercise)
        left_text = "Left: " + "; ".join(f"{stem} {', '.join(names)}" for stem, names in by_notebook.items()) + "."
        lines += textwrap.wrap(left_text, 100, subsequent_indent="  ", break_on_hyphens=False)
    return lines, left


def show(folder=None):
    """Print the progress table of the notebooks beside the running one, marking the running one.

    Parameters
    ----------
    folder : str or Path, optional
        The learner's notebooks; default: the working directory, which in Jupyter is the notebook's own folder.
    """
    folder = Path.cwd() if folder is None else Path(folder)
    session = os.environ.get("JPY_SESSION_NAME")  # the notebook's path, which Jupyter gives its kernel
    current = Path(session).name if session else None
    lines, _ = table(folder, current=current)
    print(f"Your notebooks in {folder.name}/, as last saved:")
    print("\n".join(lines))
