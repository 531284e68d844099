"""Read a learner's submitted notebook and rebuild the notebook the grader runs.

nbgrader's autograde trusts nothing a learner can edit: it restores every locked cell
and every check cell from the instructor's source (``OverwriteCells``) and adds back
the check cells a learner deleted. This module does the same without nbgrader's
gradebook database, matching cells by their nbgrader ``grade_id``:

* the notebook that runs has the cells of the *source*, in the source's order, so a
  deleted, edited or moved text, setup or check cell (hidden tests included) is put back
  as the instructor wrote it;
* each exercise cell (an nbgrader solution cell) holds the learner's code, found by its
  ``grade_id``, or failing that (metadata stripped by another editor) by its ``def`` line;
  an exercise cell missing from the submission is run as the blank learner version, so
  its check fails;
* cells the learner added (no nbgrader ``grade_id`` of the source) are kept, after the
  source cell they followed in the submission, as nbgrader keeps them.

Nothing here executes code; everything works on copies.
"""

import gc
import json
import re
from dataclasses import dataclass, field

import nbformat

from .jsonshape import json_shape

MAX_NOTEBOOK_BYTES = 50_000_000


class InvalidSubmission(Exception):
    """The submitted file is not a notebook the grader can read."""


@dataclass
class Exercise:
    """One graded exercise of a source notebook: its check cell and its exercise (solution) cell."""

    name: str  # the check cell's grade_id without "check_"
    check_id: str
    points: float
    solution_id: str | None  # grade_id of the exercise cell, None if the source has none


@dataclass
class Assembled:
    """The notebook to run, and what the grader had to repair to build it."""

    nb: object
    index_of: dict  # grade_id -> index of that source cell in ``nb``
    notes: dict = field(default_factory=dict)  # exercise name -> list of notes


def too_large(size, limit=MAX_NOTEBOOK_BYTES):
    """The InvalidSubmission for a file of ``size`` bytes, over ``limit``."""
    return InvalidSubmission(f"the file is {size / 1e6:.0f} MB, over the grader's limit of {limit / 1e6:.0f} MB")


def read_submission(data):
    """Parse the bytes of a submitted file into its cells, or raise InvalidSubmission.

    Raises nothing else, whatever the bytes: a file over ``MAX_NOTEBOOK_BYTES``, not UTF-8,
    not JSON, JSON nested deeper than ``MAX_JSON_DEPTH`` (``[[[[...``, which would exhaust
    Python's recursion limit) or of more than ``MAX_JSON_VALUES`` values (the grader's
    memory), or JSON that is not a notebook gets an InvalidSubmission that says which. Lone
    UTF-16 surrogates (``"\\ud800"``, valid JSON but not encodable as UTF-8, so neither
    runnable nor writable in a report) are replaced by U+FFFD in every string. Notebooks of
    nbformat 1 to 3 are converted to nbformat 4 by nbformat's own converter.

    Returns
    -------
    list of dict
        One ``{"cell_type", "source", "metadata"}`` per code, markdown or raw cell, in order.
    """
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise too_large(len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidSubmission(f"the file is not UTF-8 text ({e.reason} at byte {e.start})") from None
    raw = _parse_json(data, text)
    version = raw.get("nbformat") if isinstance(raw, dict) else None
    if type(version) is int and version in (1, 2, 3):  # no cells of their own: nbformat 3 has worksheets
        raw = _upgraded(raw, version)
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        if type(version) is int and version > 4:
            raise InvalidSubmission(f"nbformat {version} notebook: a format newer than the grader reads (4), "
                                    "and it has no list of cells")
        raise InvalidSubmission("the file is JSON but not a Jupyter notebook (it has no list of cells)")
    cells = []
    for cell in raw["cells"]:
        # Be lenient with cells that other editors or hand edits left incomplete.
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        metadata = cell.get("metadata")
        cells.append({"cell_type": cell["cell_type"], "source": str(source),
                      "metadata": metadata if isinstance(metadata, dict) else {}})
    return cells


MAX_JSON_DEPTH = 100  # lists and objects inside one another; the course's notebooks have at most 7
MAX_JSON_VALUES = 2_000_000  # numbers, strings, lists...; the course's notebooks have at most 935
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # the only way a surrogate gets into a UTF-8 text
_SURROGATE = re.compile("[\ud800-\udfff]")  # after json.loads, any left is a lone one


def _parse_json(data, text):
    """``json.loads(text)`` (``data`` decoded), if not too deep nor too large; lone surrogates mended.

    The shape is measured before parsing: 100 000 nested lists would exhaust Python's
    recursion limit, and 12 million empty lists (36 MB) take 750 MB once parsed.
    """
    too_deep = InvalidSubmission(f"the file is JSON nested more than {MAX_JSON_DEPTH} lists or objects deep, "
                                 "which no notebook needs: it was not read further")
    depth, values = json_shape(data)
    if depth > MAX_JSON_DEPTH:
        raise too_deep
    if values > MAX_JSON_VALUES:
        raise InvalidSubmission(f"the file is JSON of more than {MAX_JSON_VALUES} values (numbers, strings, lists), "
                                "which no notebook needs: it was not read further")
    collecting = gc.isenabled()
    gc.disable()  # each thousand lists or dicts made would start a collection, for nothing
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidSubmission(f"the file is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno}): "
                                "was it saved from Jupyter, and not edited as text?") from None
    except RecursionError:  # json's parser recurses once per level; json_shape should have said so
        raise too_deep from None
    except ValueError as e:  # a number of more than 4300 digits (sys.get_int_max_str_digits())
        raise InvalidSubmission(f"the file is not valid JSON for the grader ({str(e).split(';')[0]})") from None
    finally:
        if collecting:
            gc.enable()
    if _SURROGATE_ESCAPE.search(text):
        raw = _mend_all(raw)
    return raw


# What a byte outside strings does: +1 opens a list or an object, -1 closes one, 2 (a comma) ends a value.
def _mend_all(raw):
    """``raw`` with every lone surrogate, in keys and values, replaced by U+FFFD (in place where it can)."""
    if isinstance(raw, str):
        return _mended(raw)
    stack = [raw]
    while stack:  # no recursion: the depth is bounded, but the stack need not be used
        node = stack.pop()
        if isinstance(node, dict):
            if not all(key.isascii() for key in node):
                items = [(_mended(key), value) for key, value in node.items()]
                node.clear()
                node.update(items)
            items = node.items()
        else:
            items = enumerate(node)
        for key, value in items:  # replacing a value while iterating is safe: no key is added
            if type(value) is str:
                node[key] = _mended(value)
            elif type(value) is dict or type(value) is list:
                stack.append(value)
    return raw


def _mended(text):
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _upgraded(raw, version):
    """An nbformat 1 to 3 notebook, as a plain dict of nbformat 4, by nbformat's own converter."""
    try:
        nb = nbformat.versions[version].to_notebook_json(raw, minor=raw.get("nbformat_minor", 0))
        nb = nbformat.convert(nb, 4)
        cells = nb["cells"]
        if not isinstance(cells, list):
            raise TypeError(f"its cells are a {type(cells).__name__}, not a list")
    except Exception as e:  # nbformat's converters assume a well-formed notebook
        raise InvalidSubmission(f"nbformat {version} notebook: it could not be converted to nbformat 4 "
                                f"({type(e).__name__}: {e}); open it in Jupyter and save it again") from None
    return nb


def grade_id(cell):
    """The nbgrader grade_id of a cell (dict or NotebookNode), or None."""
    meta = cell.get("metadata", {}).get("nbgrader")
    if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
        return meta["grade_id"]
    return None


def _nbgrader(cell):
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def exercises(source_nb):
    """The graded exercises of a source notebook, in order: one per nbgrader grade cell."""
    solution_ids = [grade_id(c) for c in source_nb.cells if _nbgrader(c).get("solution")]
    found = []
    for cell in source_nb.cells:
        meta = _nbgrader(cell)
        if not meta.get("grade"):
            continue
        gid = meta["grade_id"]
        name = gid.removeprefix("check_")
        solution_id = f"ex_{name}" if f"ex_{name}" in solution_ids else None
        found.append(Exercise(name=name, check_id=gid, points=float(meta.get("points", 0)), solution_id=solution_id))
    return found


def _defines(source, name):
    return re.search(rf"^def\s+{re.escape(name)}\s*\(", source, flags=re.MULTILINE) is not None


def _moved(sequence):
    """The items of ``sequence`` (distinct numbers) outside one longest increasing subsequence."""
    best = []  # best[i]: longest increasing subsequence ending at sequence[i]
    for i, x in enumerate(sequence):
        prev = max((best[j] for j in range(i) if sequence[j] < x), key=len, default=[])
        best.append(prev + [x])
    keep = set(max(best, key=len, default=[]))
    return {x for x in sequence if x not in keep}


def assemble(source_nb, blank_nb, submitted_cells):
    """Build the notebook to run from the source notebook and a learner's cells.

    Each source cell comes from the course, except the exercise cells, which are the learner's
    (or blank if missing); the learner's own cells follow the course cell they followed in the
    submission. What had to be repaired is noted per exercise.

    Parameters
    ----------
    source_nb : nbformat.NotebookNode
        The instructor's source notebook (solutions, hidden tests).
    blank_nb : nbformat.NotebookNode
        Its learner version (solutions cleared), used for an exercise cell that is missing.
    submitted_cells : list of dict
        The learner's cells, as returned by :func:`read_submission`.

    Returns
    -------
    Assembled
    """
    source_ids = [grade_id(c) for c in source_nb.cells]
    position = {gid: i for i, gid in enumerate(source_ids) if gid is not None}
    solution_ids = {grade_id(c) for c in source_nb.cells if _nbgrader(c).get("solution")}
    by_exercise = {ex.solution_id: ex.name for ex in exercises(source_nb) if ex.solution_id}
    by_exercise.update({ex.check_id: ex.name for ex in exercises(source_nb)})
    notes = _Notes(by_exercise)
    matched = _matched(submitted_cells, position, solution_ids, by_exercise, notes)
    after = _learner_cells_after(len(submitted_cells), {i: position[gid] for gid, i in matched.items()})

    cells, index_of = _learner_cells(submitted_cells, after.get(-1, [])), {}
    for k, (source_cell, blank_cell) in enumerate(zip(source_nb.cells, blank_nb.cells, strict=True)):
        gid = source_ids[k]
        submitted = submitted_cells[matched[gid]] if gid in matched else None
        cells.append(_course_cell(source_cell, blank_cell, gid, submitted, gid in solution_ids, notes))
        if gid is not None:
            index_of[gid] = len(cells) - 1
        cells += _learner_cells(submitted_cells, after.get(k, []))
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    nb = nbformat.v4.new_notebook(cells=cells, metadata=nbformat.from_dict(source_nb.metadata))
    return Assembled(nb=nb, index_of=index_of, notes=dict(notes))


class _Notes(dict):
    """Exercise name -> the notes on it; a note on a cell that belongs to no exercise is dropped."""

    def __init__(self, by_exercise):
        super().__init__()
        self.by_exercise = by_exercise

    def add(self, gid, text):
        if gid in self.by_exercise:
            self.setdefault(self.by_exercise[gid], []).append(text)


def _matched(submitted_cells, position, solution_ids, by_exercise, notes):
    """Source grade_id -> index of the submitted cell that stands for it; notes where that took repair."""
    matched, extra = {}, []  # extra: the indices of the learner's own cells
    for i, cell in enumerate(submitted_cells):
        gid = grade_id(cell)
        if gid in position and gid not in matched:
            matched[gid] = i
        else:
            extra.append(i)
    # Exercise cells whose metadata was lost: the learner cell that defines the function.
    for gid in sorted(solution_ids - set(matched), key=position.get):
        name = by_exercise.get(gid, gid.removeprefix("ex_"))
        candidates = [i for i in extra if submitted_cells[i]["cell_type"] == "code"
                      and _defines(submitted_cells[i]["source"], name)]
        if candidates:
            matched[gid] = candidates[0]
            extra.remove(candidates[0])
            notes.add(gid, f"the exercise cell had lost its nbgrader metadata; the cell that defines {name}() was used")
    moved = _moved([position[gid] for gid, _ in sorted(matched.items(), key=lambda kv: kv[1])])
    for gid in matched:
        if position[gid] in moved:
            notes.add(gid, "this exercise's cells were moved in the submission; they were run in the course's order")
    return matched


def _learner_cells_after(count, matched_at):
    """Source index (-1 for the top) -> the learner's own cells that followed that source cell in the submission.

    ``matched_at``: submitted index -> source index, for the submitted cells that stand for source cells.
    """
    after, anchor = {}, -1
    for i in range(count):
        if i in matched_at:
            anchor = matched_at[i]
        else:
            after.setdefault(anchor, []).append(i)
    return after


def _learner_cells(submitted_cells, indices):
    """New cells with the source of the learner's own cells at ``indices``, marked as the learner's."""
    cells = []
    for i in indices:
        cell = submitted_cells[i]
        new = (nbformat.v4.new_code_cell if cell["cell_type"] == "code" else nbformat.v4.new_markdown_cell)(
            cell["source"])
        new.metadata["dl_utils_grade"] = {"learner_cell": True}
        cells.append(new)
    return cells


def _course_cell(source_cell, blank_cell, gid, submitted, is_solution, notes):
    """The source cell as it is run: an exercise cell with the learner's source (or blank), any other the course's."""
    cell = nbformat.from_dict(source_cell)
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    if is_solution:
        if submitted is not None:
            cell.source = submitted["source"]
        else:
            cell.source = blank_cell.source
            notes.add(gid, "the exercise cell is missing from the submission (deleted?), so it was run blank")
    elif submitted is not None:
        if submitted["source"] not in (blank_cell.source, source_cell.source):
            notes.add(gid, "the check cell had been edited; it was restored from the course notebook")
    elif gid is not None:
        notes.add(gid, "the check cell was missing from the submission; it was restored from the course notebook")
    cell.pop("id", None)
    return cell
