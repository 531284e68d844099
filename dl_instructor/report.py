"""Write the grader's report, ``REPORT.csv`` and ``REPORT.json``, whole or not at all.

Every text in a report comes, one way or another, from a learner: a folder name, a
message their code printed. So before anything is written:

* a CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading ``'``, so a spreadsheet shows it as text instead of running it as a formula
  (``=HYPERLINK(...)``; OWASP's advice on CSV injection). The JSON keeps the text as it was;
* a lone UTF-16 surrogate (``"\\ud800"``, which no UTF-8 file can hold) becomes U+FFFD in
  both files, and the JSON is written ASCII-only.

Both files are first written in full to temporary files beside them, flushed to disk, and
only then put in place with ``os.replace``: a grader that fails or is stopped while writing
leaves the previous report (or none) as it was, never half a file. If the second file
cannot be put in place, the first is put back as it was.
"""

import csv
import dataclasses
import io
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value):
    return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) and not value.isascii() else value


def csv_cell(value):
    """``value`` as a CSV cell: a text that a spreadsheet would run as a formula gets a leading ``'``."""
    value = _text(value)
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _as_dict(row, columns):
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        row = dataclasses.asdict(row)
    if not isinstance(row, Mapping):
        raise TypeError(f"a report row must be a dataclass or a dict, not {type(row).__name__}")
    if set(row) != set(columns):
        raise ValueError(f"a report row has the keys {sorted(row)}, expected the columns {list(columns)}")
    return {name: _text(row[name]) for name in columns}


def totals(rows):
    """Each learner's points and maximum, summed over their rows: ``{learner: {"points", "max_points"}}``."""
    out = {}
    for r in rows:
        t = out.setdefault(r["learner"], {"points": 0.0, "max_points": 0.0})
        t["points"] += r["points"]
        t["max_points"] += r["max_points"]
    return out


def beside(basename, ending):
    """The report's file that ends in ``ending``: ``beside("out/R.json", ".canvas.csv")`` is ``out/R.canvas.csv``.

    ``basename`` is what ``--out`` was given: the report's name, with or without ``.csv`` or ``.json``.
    """
    basename = Path(basename)
    if basename.suffix in (".csv", ".json"):
        basename = basename.with_suffix("")
    return basename.with_name(basename.name + ending)


def write_report(rows, basename, columns, extra=None):
    """Write ``basename.csv`` and ``basename.json``, both or neither; return their paths.

    Parameters
    ----------
    rows : iterable of dataclass or dict
        The report's lines, each with exactly the keys ``columns`` (e.g. ``grade.Row``).
    basename : path
        Where to write; a ``.csv`` or ``.json`` suffix is dropped. Its folder is made if need be.
    columns : sequence of str
        The column names, in order; they must include ``learner``, ``points`` and ``max_points``.
    extra : dict, optional
        More keys for the JSON (how the run was made, the class's summary).

    Returns
    -------
    (Path, Path)
        The CSV and the JSON written. The JSON is ``{"columns": [...], "rows": [{...}, ...],
        "totals": {learner: {"points": p, "max_points": m}}}``.

    Raises
    ------
    ValueError, TypeError
        A row without the columns, or a number that is not finite (JSON has no NaN); nothing
        is written then. An OSError while writing leaves the previous files as they were.
    """
    columns = list(columns)
    if not {"learner", "points", "max_points"} <= set(columns):
        raise ValueError(f"the columns {columns} lack one of learner, points and max_points (for the totals)")
    rows = [_as_dict(r, columns) for r in rows]
    csv_path, json_path = beside(basename, ".csv"), beside(basename, ".json")
    folder = csv_path.parent

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([csv_cell(r[name]) for name in columns] for r in rows)
    report = {"columns": columns, "rows": rows, "totals": totals(rows), **(extra or {})}
    # allow_nan=False: a NaN or an infinity (not JSON) raises here, before any file is touched.
    contents = {csv_path: buffer.getvalue().encode("utf-8"),
                json_path: (json.dumps(report, indent=1, allow_nan=False) + "\n").encode("ascii")}

    folder.mkdir(parents=True, exist_ok=True)
    staged = {}  # final path -> temporary file holding its new contents
    backups = {}  # final path -> temporary copy of its previous contents
    replaced = []
    try:
        for path, data in contents.items():
            staged[path] = _staged(folder, path.name, data)
        for path in contents:
            if path.exists():
                backups[path] = _backup(folder, path)
        for path in contents:
            os.replace(staged[path], path)
            del staged[path]
            replaced.append(path)
        _sync_folder(folder)
    except BaseException:
        for path in replaced:  # put back what was there
            if path in backups:
                os.replace(backups.pop(path), path)
            else:
                path.unlink(missing_ok=True)
        raise
    finally:
        for temporary in [*staged.values(), *backups.values()]:
            Path(temporary).unlink(missing_ok=True)
    return csv_path, json_path


def _staged(folder, name, data):
    """A temporary file in ``folder`` holding ``data``, flushed to disk; its path.

    Its mode is the one ``open`` would give a new file (mkstemp makes it private), or that
    of the file it will replace.
    """
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        try:
            mode = stat.S_IMODE(os.stat(folder / name).st_mode)
        except OSError:
            umask = os.umask(0o22)
            os.umask(umask)
            mode = 0o666 & ~umask
        with os.fdopen(fd, "wb") as f:
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def _backup(folder, path):
    """A temporary copy of ``path``, to put back if the new report cannot be put in place."""
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".old")
    os.close(fd)
    try:
        shutil.copy2(path, temporary)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def _sync_folder(folder):
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # not possible on every system (Windows): the renames are still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
