"""nbgrader's own workflow, scored by the course's sandboxed judge instead of by the learner's kernel.

An instructor who runs nbgrader keeps every command they know (``generate_assignment``,
``release_assignment``, ``collect``, ``autograde``, ``generate_feedback``, the formgrader,
late penalties, the gradebook). The course directory's ``nbgrader_config.py`` says::

    from dl_instructor.nbgrader_plugin import configure
    configure(c)  # optional: source="path/to/notebooks", timeout=30, isolate=True

and ``nbgrader autograde`` then runs, in place of nbgrader's ``Execute`` (which runs the check
cells in the learner's kernel, where the learner's code can rewrite them), the
:class:`SandboxedJudge` preprocessor: the notebook nbgrader has just restored from the
instructor's version (``OverwriteCells``) runs in a sandbox, and each exercise is judged from
outside by the course's checks, exactly as ``python -m dl_instructor.grade`` does
(:mod:`dl_instructor.judge`). The verdicts are written into the check cells as outputs that
nbgrader's own rule (``determine_grade``) scores: the check's words on a pass, an error output
with the check's message otherwise. So the points land in nbgrader's gradebook through its
``SaveAutoGrades``, ``AssignLatePenalties`` applies its penalties, and ``generate_feedback``
shows the judge's messages. The hidden tests are removed from the check cells of the autograded
notebook, so feedback never shows them.
"""

import re
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Unicode

from .release import SOURCE_DIR

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.MULTILINE | re.DOTALL)


class SandboxedJudge(NbGraderPreprocessor):
    """Run the notebook in the grader's sandbox and write each exercise's verdict into its check cell."""

    source = Unicode(str(SOURCE_DIR), help="The course's source notebooks (with solutions and checks).").tag(
        config=True)
    checks_module = Unicode("dl_utils.checks", help="The module of the checks the check cells call.").tag(config=True)
    timeout = Float(30.0, help="Seconds a cell, or one call of a learner's function, may run.").tag(config=True)
    isolate = Bool(True, help="Run the learner's notebook in a bubblewrap sandbox (False: a plain process, "
                              "for trusted work only).").tag(config=True)

    def preprocess(self, nb, resources):
        import secrets

        import nbformat

        from . import grade, sandbox
        from . import submission as _submission

        notebook = resources["nbgrader"]["notebook"]
        course = grade.course_for(self.source, self.checks_module)
        if notebook not in course:
            raise ValueError(f"{notebook} is not a course notebook with exercises in {self.source}")
        why = sandbox.available() if self.isolate else None
        if why:
            raise RuntimeError(f"no sandbox can be made here: {why} (set SandboxedJudge.isolate = False only for "
                               "trusted work)")
        options = grade.Options(timeout=self.timeout, isolate=self.isolate, limits=sandbox.Limits(),
                                secret=secrets.randbits(63))
        data = nbformat.writes(nb).encode("utf-8")
        rows, _ = grade.grade_notebook(course, resources["nbgrader"]["student"], notebook, data, options)
        by_check = {f"check_{r.exercise}": r for r in rows}
        for cell in nb.cells:
            row = by_check.get(_submission.grade_id(cell))
            if row is None or cell.cell_type != "code":
                continue
            cell.source = HIDDEN.sub("", cell.source).rstrip("\n")
            if row.status == "passed":
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=row.message.replace(" | ", "\n")
                                                       + "\n")]
            else:
                cell.outputs = [nbformat.v4.new_output("error", ename=f"{row.status}", evalue=row.message,
                                                       traceback=[f"{row.status}: {row.message}"])]
            self.log.info("%s: %s %g / %g", row.exercise, row.status, row.points, row.max_points)
        return nb, resources


def configure(c, source=None, checks_module=None, timeout=None, isolate=None):
    """Make ``nbgrader autograde`` score with :class:`SandboxedJudge`: call it in ``nbgrader_config.py`` with ``c``."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, LimitOutput, SaveAutoGrades

    c.Autograde.autograde_preprocessors = [SandboxedJudge, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
                                           AssignLatePenalties, CheckCellMetadata]
    for name, value in (("source", source), ("checks_module", checks_module), ("timeout", timeout),
                        ("isolate", isolate)):
        if value is not None:
            setattr(c.SandboxedJudge, name, str(Path(value).resolve()) if name == "source" else value)
    return c
