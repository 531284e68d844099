"""The learner's copies in ``my-work/`` follow the course: ``python3 course.py update`` merges a changed notebook in.

``course.py`` runs with the system's own Python, outside the course's virtual environment, so
this package uses the standard library only, like ``course.py`` itself. It sits beside
``course.py`` (the folder a script's imports are found in) and is not installed with the
library: it works on a checkout of the course, as ``course.py`` does. What it reads in a
notebook (grade_id, a cell's kind, nbgrader's checksum, a check's saved verdict) is
``dl_utils/progress.py``'s, which the learner's notebooks import too: it is loaded from its file
here, as ``course_update.progress``, because ``import dl_utils`` needs numpy.

An update, notebook by notebook: read the copy and the course's new learner version, merge them
(:mod:`course_update.merge`), and if anything changed keep the copy as
``NN_<name>.before-update-<n>.ipynb`` beside it, then replace it. Before anything is written,
every notebook is read and merged and every obstacle found (a copy that is not a notebook, one
whose cells lost their metadata, one open in JupyterLab, a read-only folder or file): if there is
one, each is said and nothing is changed.
"""

import hashlib
import importlib.util
import json
import os
import stat
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ".copies.json"


def _load_progress():
    name = __name__ + ".progress"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "dl_utils" / "progress.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


progress = _load_progress()

from . import jupyter, merge  # noqa: E402  (after progress, which merge imports from this package)


def to_text(nb):
    """A notebook as nbformat and JupyterLab write it: sorted keys, one-space indent, a final newline."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def released(course, name):
    """The text of the version of ``name`` a learner's copy is made from, and from which file.

    The learner version ``notebooks/exercises/NAME``; for a notebook without exercises (06), the
    course notebook without its outputs.
    """
    exercise = Path(course) / "exercises" / name
    if exercise.exists():
        return exercise.read_text(encoding="utf-8"), exercise
    source = Path(course) / name
    nb = json.loads(source.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n", source


def record_entry(text):
    """What ``.copies.json`` keeps of the version a copy was made from: its sha256, and each cell's checksum."""
    nb = json.loads(text)
    cells = {progress.grade_id(c): progress.checksum(c) for c in nb["cells"] if progress.grade_id(c)}
    return {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "cells": cells}


def read_record(my_work):
    path = Path(my_work) / RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def write_record(my_work, record):
    _replace(Path(my_work) / RECORD, json.dumps(record, indent=1, sort_keys=True) + "\n")


def _base(entry):
    """The cell checksums a record entry holds; None for an old entry (a sha256 only) or none."""
    return entry.get("cells") if isinstance(entry, dict) and isinstance(entry.get("cells"), dict) else None


def _sha(entry):
    return entry.get("sha256") if isinstance(entry, dict) else entry


def plan(course, my_work, name, record):
    """Merge the course's version of ``name`` into the copy in ``my_work`` without writing anything.

    Returns ``(text of the new version, merged notebook, summary)``; ValueError if the copy cannot be merged.
    """
    text, _ = released(course, name)
    new = json.loads(text)
    mine = progress.read(Path(my_work) / name)
    try:
        merged, summary = merge.merge(mine, new, _base(record.get(name)))
    except merge.PastedCells as lost:
        raise ValueError(
            f"{name}: the answer to {lost} is in a cell without its nbgrader metadata (pasted from another "
            "notebook?), so the update cannot tell where it goes") from None
    return text, merged, summary


def pending(course, my_work, record):
    """``(name, summary)`` for each copy in ``my_work`` whose course version changed since it was made."""
    changed = []
    for name in sorted(p.name for p in Path(course).glob("[0-9][0-9]_*.ipynb")):
        if not (Path(my_work) / name).exists():
            continue
        text, _ = released(course, name)
        if _sha(record.get(name)) == hashlib.sha256(text.encode("utf-8")).hexdigest():
            continue
        try:
            _, _, summary = plan(course, my_work, name, record)
        except ValueError:
            summary = None  # the update will say what is wrong with the copy
        if summary is None or summary.changed:
            changed.append((name, summary))
    return changed


def _read_only(path):
    """True if ``path`` cannot be written: its mode says so (even to root), or writing a file there fails."""
    if not os.stat(path).st_mode & stat.S_IWUSR:
        return True
    if path.is_dir():
        try:
            tempfile.TemporaryFile(dir=path).close()
        except OSError:
            return True
    return False


def _replace(path, text):
    """Write ``text`` to ``path`` through a temporary file beside it: the file is whole before or after, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        if path.exists():
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _stamp(path):
    status = os.stat(path)
    return status.st_mtime_ns, status.st_size


def backup_path(copy):
    n = 1
    while copy.with_name(f"{copy.stem}.before-update-{n}.ipynb").exists():
        n += 1
    return copy.with_name(f"{copy.stem}.before-update-{n}.ipynb")


def obstacles(my_work, names):
    """What stops an update of the copies ``names`` in ``my_work``: read-only places, notebooks open in Jupyter."""
    my_work = Path(my_work)
    found = []
    if _read_only(my_work):
        found.append(f"{my_work.name}/ is read-only: the update writes the merged notebooks and their backups there. "
                     f"Make it writable (chmod u+w {my_work}), then run the update again.")
    for name in names:
        if _read_only(my_work / name):
            found.append(f"{my_work.name}/{name} is read-only: make it writable (chmod u+w), then run the update "
                         "again.")
    opened, unknown = jupyter.open_notebooks(my_work)
    for name in names:
        url = opened.get((my_work / name).resolve())
        if url:
            found.append(f"{my_work.name}/{name} is open in JupyterLab ({url}); changes not yet saved there would be "
                         "lost. Save it, close its tab (File > Close and Shut Down Notebook), then run the update "
                         "again.")
    for url, reason in unknown:
        found.append(f"a Jupyter server at {url} serves {my_work.name}/ but did not say which notebooks are open "
                     f"({reason}). Save and close your notebooks, stop it (Ctrl+C where it runs, or File > Shut "
                     "Down), then run the update again.")
    return found


def update(course, my_work, names=None):
    """Merge the course's changed notebooks into the copies in ``my_work``; return the lines to print and 0 or 1.

    ``names``: only these notebooks (file names, with or without ``.ipynb``); default: every copy.
    """
    course, my_work = Path(course), Path(my_work)
    record = read_record(my_work)
    all_names = sorted(p.name for p in course.glob("[0-9][0-9]_*.ipynb"))
    wanted = [n if n.endswith(".ipynb") else n + ".ipynb" for n in names] if names else all_names
    unknown = [n for n in wanted if n not in all_names]
    if unknown:
        return [f"No course notebook is called {', '.join(unknown)}; the course's are: {', '.join(all_names)}."], 1
    copies = [n for n in wanted if (my_work / n).exists()]
    if not copies:
        return [f"You have no copy of {', '.join(wanted) if names else 'any notebook'} in {my_work.name}/ to update: "
                "python3 course.py copies makes them."], 1
    problems, plans = [], {}
    stamps = {name: _stamp(my_work / name) for name in copies}
    for name in copies:
        try:
            plans[name] = plan(course, my_work, name, record)
        except ValueError as error:
            problems.append(f"{my_work.name}/{error}. Nothing of it can be merged: rename it, run "
                            "`python3 course.py copies` for a fresh copy, and carry your answers over by hand.")
    changed = [name for name in copies if name in plans and plans[name][2].changed]
    problems += obstacles(my_work, changed) if changed else []
    if problems:
        return problems + ["Nothing was changed."], 1
    lines, backups = [], []
    for name in copies:
        text, merged, summary = plans[name]
        copy = my_work / name
        if summary.changed:
            if _stamp(copy) != stamps[name]:
                lines.append(f"{name.removesuffix('.ipynb')}: not updated: it was saved while the update ran. "
                             "Run the update again.")
                continue
            backup = backup_path(copy)
            try:
                backup.write_bytes(copy.read_bytes())
                _replace(copy, to_text(merged))
            except OSError as error:  # e.g. Windows, where a file another program holds open cannot be replaced
                lines.append(f"{name.removesuffix('.ipynb')}: not updated: {error}. Run the update again.")
                continue
            backups.append(backup.name)
        record[name] = record_entry(text)
        lines.append(summary.line(name.removesuffix(".ipynb")))
    try:
        if backups or record != read_record(my_work):
            write_record(my_work, record)
    except OSError:  # nothing merged into a read-only my-work/; the next update reads the copies' own checksums
        pass
    code = 1 if any(line.endswith("Run the update again.") for line in lines) else 0
    missing = [n for n in wanted if n not in copies]
    if missing:
        lines.append(f"Not copied yet (python3 course.py copies makes them): {', '.join(missing)}.")
    if backups:
        lines.append(f"Your copies as they were before: {my_work.name}/" + f", {my_work.name}/".join(backups) + ".")
    return lines, code
