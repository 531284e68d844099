"""Generate the learner versions of the course notebooks, with nbgrader's own preprocessors.

Usage, from the repository's root::

    python -m dl_instructor.release            # rewrite notebooks/exercises/ from notebooks/
    python -m dl_instructor.release --check    # exit 1, naming each file that differs, if it is stale

Every course notebook ``notebooks/NN_<name>.ipynb`` that has at least one nbgrader
solution cell gets a learner version ``notebooks/exercises/NN_<name>.ipynb``, made by
the same preprocessors, in the same order, as ``nbgrader generate_assignment`` (less the
gradebook database, which only the full nbgrader course directory needs):

* ``CheckCellMetadata``: the nbgrader metadata of the source is valid;
* ``LockCells``: read-only and check cells cannot be edited or deleted in Jupyter;
* ``ClearSolutions``: the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  becomes ``# YOUR CODE HERE`` / ``raise NotImplementedError()``;
* ``ClearOutput``: no outputs, ``execution_count`` null, no execution timings;
* ``ComputeChecksums`` before and after ``ClearHiddenTests``, which removes the code
  between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``.

The output is deterministic (no timestamps, nbformat's own JSON layout), so a test can
regenerate the learner versions and fail on any difference, as nbdev's CI does.
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

# Relative to the working directory, the course repository's root: the tool works on a checkout of
# the course, wherever the package is installed (a plain `pip install .` puts it in site-packages).
SOURCE_DIR = Path("notebooks")
EXERCISES_DIR = SOURCE_DIR / "exercises"
# Course notebooks are named NN_<name>.ipynb; anything else in notebooks/ is not released.
COURSE_NOTEBOOK = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")
# Cell metadata that records how and when a cell last ran: meaningless for a learner,
# and different on every run, so it would make the generated files unstable.
RUN_METADATA = {"collapsed", "scrolled", "execution", "ExecuteTime"}


def _preprocessors():
    # Imported here: nbgrader is an instructor's tool (requirements-dev.txt), and importing
    # it costs seconds; `import dl_utils` must stay cheap for the learner.
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    # The order of nbgrader's GenerateAssignment.preprocessors, without the gradebook
    # steps (SaveCells) and without the features the course does not use (headers,
    # autotest templates, mark schemes).
    return [
        CheckCellMetadata(),
        LockCells(),
        ClearSolutions(),
        ClearOutput(remove_metadata_fields=RUN_METADATA),
        CheckCellMetadata(),
        ComputeChecksums(),
        ClearHiddenTests(),
        ComputeChecksums(),
        CheckCellMetadata(),
    ]


def has_exercises(nb):
    """True if the notebook has at least one nbgrader solution cell."""
    return any(cell.metadata.get("nbgrader", {}).get("solution", False) for cell in nb.cells)


def course_notebooks(source_dir=SOURCE_DIR):
    """The course notebooks ``NN_<name>.ipynb`` of ``source_dir``, in course order."""
    return sorted(p for p in Path(source_dir).glob("*.ipynb") if COURSE_NOTEBOOK.match(p.name))


def learner_version(nb):
    """Return the learner version of the source notebook ``nb`` (a new notebook; ``nb`` is left unchanged).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An nbgrader source notebook (nbformat 4).

    Returns
    -------
    nbformat.NotebookNode
        The notebook with solutions and hidden tests removed, outputs cleared, cells locked
        and nbgrader checksums recorded.

    Raises
    ------
    ValueError
        If the nbgrader metadata or the solution / hidden-test markers are malformed.
    """
    nb = nbformat.from_dict(nb)  # a deep copy
    resources = {}
    for preprocessor in _preprocessors():
        try:
            nb, resources = preprocessor.preprocess(nb, resources)
        except Exception as e:  # nbgrader raises RuntimeError or its own ValidationError
            raise ValueError(f"{type(preprocessor).__name__}: {e}") from e
    return nb


def to_text(nb):
    """The notebook as the exact text written to disk: nbformat's JSON layout and a final newline."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def render(source_dir=SOURCE_DIR):
    """Map each learner-version file name to its text, for every course notebook with exercises."""
    out = {}
    for path in course_notebooks(source_dir):
        nb = nbformat.read(path, as_version=4)
        if not has_exercises(nb):
            continue
        try:
            out[path.name] = to_text(learner_version(nb))
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from e
    return out


def stale(source_dir=SOURCE_DIR, exercises_dir=EXERCISES_DIR):
    """The learner-version files that differ from what :func:`render` makes now.

    Returns
    -------
    list of (str, str)
        ``(file name, reason)`` for each file that is missing, different, or has no source.
    """
    expected = render(source_dir)
    exercises_dir = Path(exercises_dir)
    problems = []
    for name, text in expected.items():
        path = exercises_dir / name
        if not path.exists():
            problems.append((name, "missing"))
        elif path.read_text(encoding="utf-8") != text:
            problems.append((name, "differs from what the release command generates"))
    for path in course_notebooks(exercises_dir):
        if path.name not in expected:
            problems.append((path.name, "has no course notebook with exercises in " + str(source_dir)))
    return problems


def write(source_dir=SOURCE_DIR, exercises_dir=EXERCISES_DIR):
    """Write every learner version, remove those whose source is gone; return the names written."""
    expected = render(source_dir)
    exercises_dir = Path(exercises_dir)
    exercises_dir.mkdir(parents=True, exist_ok=True)
    for path in course_notebooks(exercises_dir):
        if path.name not in expected:
            path.unlink()
    for name, text in expected.items():
        path = exercises_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return sorted(expected)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m dl_instructor.release",
        description="Generate the learner versions notebooks/exercises/NN_<name>.ipynb from the course notebooks.",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a learner version is stale")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="the course notebooks (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None, help="the learner versions (default: SOURCE/exercises)")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else args.source / "exercises"
    if not course_notebooks(args.source):
        print(f"error: no course notebook NN_<name>.ipynb in {args.source.resolve()}: run this from the course "
              "repository's root, or name the folder of the course notebooks with --source", file=sys.stderr)
        return 2
    try:
        if args.check:
            problems = stale(args.source, out)
            for name, reason in problems:
                print(f"{out / name}: {reason}")
            if problems:
                print("Regenerate them with: python -m dl_instructor.release")
                return 1
            print(f"{out}: the learner versions are up to date.")
            return 0
        for name in write(args.source, out):
            print(f"wrote {out / name}")
        return 0
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
