"""The course as the grader sees it: its notebooks, their exercises and checks, and what each sandbox may hold.

:class:`Course` reads the course's source notebooks; :class:`CourseNotebook` is one notebook's
grading set-up (its exercises, the library copy its sandbox mounts, deny by default, the stages
loaded into each exercise's copy of the process). :class:`Row` is one line of the report, and
:func:`zero_rows` the rows of a notebook none of whose exercises was judged.
"""

import atexit
import importlib
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat

import dl_utils
from dl_utils.data import DATASETS_PACKAGE_DIR

from . import sandbox, strip
from . import submission as _submission
from .judge import TOTAL_TIMEOUTS
from .release import SOURCE_DIR, course_notebooks, has_exercises, learner_version

COLUMNS = ("learner", "notebook", "exercise", "points", "max_points", "status", "message", "seconds", "mistake")
MAX_MESSAGE = 600  # characters of a message in the report
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CHECK_CALL = re.compile(r"^\s*checks\.([A-Za-z_]\w*)\(\s*([A-Za-z_]\w*)\s*[,)]", re.MULTILINE)


@dataclass
class Row:
    """One line of the report."""

    learner: str
    notebook: str
    exercise: str
    points: float
    max_points: float
    status: str
    message: str
    seconds: float = 0.0
    mistake: str = ""  # the id of the catalogued mistake the check named, if any (dl_utils.checks.mistakes)


@dataclass
class Options:
    """How the submissions are run: the timeout per cell and per call, the sandbox, this run's secret."""

    timeout: float = 30
    isolate: bool = True
    limits: sandbox.Limits = None
    secret: int = 0
    budget: float = TOTAL_TIMEOUTS  # a notebook's whole time in the grader, in timeouts


@dataclass
class GradedExercise:
    """One exercise of a course notebook, as the judge needs it."""

    name: str  # the check cell's grade_id without "check_"
    check_id: str
    solution_id: str
    points: float
    function: str  # the learner's function the check is called on
    check: object  # the course's check, a callable check(fn, hidden=False); None if the cell is not one
    uses: tuple = ()  # the library functions the exercise's text hands the learner (its record's ``uses``)




def _uses(checks, function):
    """The library functions the exercise ``function``'s text hands the learner, from its record; () if none is."""
    try:
        return tuple(checks.exercise(function).uses)
    except (AttributeError, KeyError, LookupError, TypeError):
        return ()


class CourseNotebook:
    """A course notebook with exercises: its cells, its checks, and the library its sandbox may see."""

    def __init__(self, name, source_nb, blank_nb, checks, later_functions, library, workdir):
        self.name, self.source_nb, self.blank_nb = name, source_nb, blank_nb
        self.exercises = []
        cells = {_submission.grade_id(c): c for c in source_nb.cells}
        for ex in _submission.exercises(source_nb):
            call = _CHECK_CALL.search(cells[ex.check_id].source)
            check = getattr(checks, call.group(1), None) if call else None
            function = call.group(2) if call else ex.name
            self.exercises.append(GradedExercise(ex.name, ex.check_id, ex.solution_id, ex.points, function, check,
                                                 _uses(checks, function)))
        self.hidden = set(later_functions)  # the answers out of reach while this notebook is graded
        self.library = library
        self.library_dir = Path(workdir) / name
        # Deny by default: the copy on disk, which every exercise's copy of the process can reload or read, holds
        # only what EVERY exercise of this notebook may use (the utilities, and what all are handed); each
        # exercise's copy of the process is then sent the rest of what that exercise may use (stage_request).
        self.held = {ex.function: strip.held(library, ex.uses, self.hidden) for ex in self.exercises}
        self.on_disk = set.intersection(*self.held.values()) if self.held else strip.held(library, (), self.hidden)
        # Which exercises may use each function when judged (the exercises before them judged: what those use too),
        # for the message of the copy on disk's stand-ins.
        order = [ex.function for ex in self.exercises]
        staged = [(ex.function, self.holds(ex, order[:k])) for k, ex in enumerate(self.exercises)]
        handed = {f: tuple(e for e, holds in staged if f in holds) for _, holds in staged for f in holds}
        self._write(self.library_dir, strip.deny(strip.strip(library, self.hidden, name), self.on_disk, name,
                                                 handed=handed))
        # The datasets (package data of dl_utils): mounted read-only where the library copy looks for them.
        self.data_dir = Path(dl_utils.__file__).resolve().parent / DATASETS_PACKAGE_DIR
        (self.library_dir / "dl_utils" / DATASETS_PACKAGE_DIR).mkdir(parents=True, exist_ok=True)
        self._stages = {}

    @staticmethod
    def _write(folder, sources):
        for relative, text in sources.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def holds(self, ex, judged):
        """What the exercise ``ex``'s sandbox holds once the exercises ``judged`` have been: its uses, and theirs."""
        return strip.held(self.library, ex.uses, self.hidden - set(judged))

    def function_names(self):
        return [ex.function for ex in self.exercises]

    def stage_request(self, judged, function):
        """The request that makes the library of the copy judging ``function`` hold only what it may use.

        It loads a copy of the library holding the references of the ``judged`` exercises that
        ``function`` may use (and what they use), binds the judged names to it, binds the functions
        ``function`` may use that the copy on disk lacks (``extras``) wherever the notebook reaches the
        library's stand-in of them, and turns every other function of the library, wherever the
        notebook can reach it by name (its namespace, the modules of ``dl_utils``), into one that
        raises the message saying why. Its ``allowed`` is everything the sandbox holds once it is
        applied: the judge replaces a sandbox that was sent more than the next exercise may hold.
        """
        key = (tuple(judged), function)
        if key not in self._stages:
            ex = next(e for e in self.exercises if e.function == function)
            hidden = self.hidden - set(judged)
            keep = self.holds(ex, judged)
            package = f"dl_stage_{len(self._stages)}"
            files = strip.deny(strip.strip(self.library, hidden, self.name), keep, self.name, function, ex.uses)
            self._stages[key] = {"op": "stage", "package": package, "names": list(judged),
                                 "files": {package + rel[rel.index("/"):]: text for rel, text in files.items()
                                           if rel.startswith("dl_utils/")},
                                 "library": sorted(strip.defined(self.library)), "allowed": sorted(keep),
                                 "extras": sorted(keep - self.on_disk - set(judged)),
                                 "denied": strip.deny_message("{name}", self.name, function, ex.uses)}
        return self._stages[key]


class Course:
    """The source notebooks the submissions are graded against, and the checks that judge them.

    A notebook's grading set-up (:class:`CourseNotebook`) is made the first time it is asked for.
    """

    def __init__(self, source_dir=SOURCE_DIR, checks_module="dl_utils.checks"):
        self.source_dir = Path(source_dir).resolve()
        self.checks = importlib.import_module(checks_module)
        self._checks_module = checks_module
        self._workdir = tempfile.mkdtemp(prefix="dl_instructor_grade_")
        atexit.register(shutil.rmtree, self._workdir, True)
        self._library = None
        self._sources = {p.stem: p for p in course_notebooks(self.source_dir)}
        self._read = {}
        self._made = {}
        self._lock = threading.Lock()
        later = set()  # the exercises of each notebook and of those after it
        self._later = {}
        for name in sorted(self._sources, reverse=True):
            nb = self._nb(name)
            if has_exercises(nb):
                later |= {m.group(2) for m in _CHECK_CALL.finditer("\n".join(
                    c.source for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")))}
                self._later[name] = set(later)
        self.names = sorted(self._later)

    def _nb(self, name):
        if name not in self._read:
            self._read[name] = nbformat.read(self._sources[name], as_version=4)
        return self._read[name]

    def __contains__(self, name):
        return name in self._later

    def __getitem__(self, name):
        with self._lock:
            if name not in self._made:
                if self._library is None:
                    self._library = strip.library_sources(Path(dl_utils.__file__).resolve().parent, self._checks_module)
                nb = self._nb(name)
                self._made[name] = CourseNotebook(name, nb, self._blank(name, nb), self.checks, self._later[name],
                                                  self._library, self._workdir)
            return self._made[name]

    def _blank(self, name, nb):
        # The committed learner version (tests/test_release.py keeps it in step), else made now.
        committed = self.source_dir / "exercises" / f"{name}.ipynb"
        return nbformat.read(committed, as_version=4) if committed.is_file() else learner_version(nb)

    def close(self):
        shutil.rmtree(self._workdir, ignore_errors=True)

    def match(self, filename):
        """The course notebook a submitted file is, by its name: exact, else by its ``NN_`` prefix."""
        stem = Path(filename).stem
        if stem in self._later:
            return stem
        prefix = re.match(r"^(\d\d)[_ -]", stem)
        if prefix:
            candidates = [name for name in self.names if name.startswith(prefix.group(1) + "_")]
            if len(candidates) == 1:
                return candidates[0]
        return None



def zero_rows(graded, learner, notebook, status, message):
    """A row of 0 points, with ``status`` and ``message``, for every exercise of ``graded`` (a CourseNotebook)."""
    return [Row(learner, notebook, ex.name, 0.0, ex.points, status, _clip(message)) for ex in graded.exercises]


def _clip(text, limit=MAX_MESSAGE):
    text = _ANSI.sub("", str(text)).strip()
    text = re.sub(r"\s*\n\s*", " | ", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_COURSES = {}  # (source_dir, checks_module) -> Course, one per process (a Dask worker keeps its own)
_COURSES_LOCK = threading.Lock()


def course_for(source_dir, checks_module):
    """The process's :class:`Course` for these arguments, made once."""
    key = (str(Path(source_dir).resolve()), checks_module)
    with _COURSES_LOCK:
        if key not in _COURSES:
            _COURSES[key] = Course(source_dir, checks_module)
        return _COURSES[key]
