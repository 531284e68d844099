"""Grade one submitted notebook: run it in a sandbox, call its functions from outside, judge what comes back.

The learner's notebook (rebuilt from the course's source, :mod:`dl_instructor.submission`)
runs cell by cell in a sandbox (:mod:`dl_instructor.sandbox`), check cells left out. Then,
for each exercise in the notebook's order, the course's own check (``dl_utils.checks``) runs
*here*, in the grader's process: every time it calls the learner's function, the call is
sent to the sandbox as plain data and the result comes back as plain data
(:mod:`dl_instructor.wire`). The inputs of the random cases are drawn for this run from a
secret seed; the expected results, the references and the catalogue of mistakes never enter
the sandbox. The points are the check's verdict and nothing else: no cell output, no file,
nothing the learner's process says about itself counts.

No answer is within the learner's reach while it is judged: the sandbox's library lacks the
reference of every exercise of this notebook and of the later ones (:mod:`dl_instructor.strip`).
Each exercise is still judged alone, as in the notebook: once an exercise has been judged,
the next stage of the library, holding its reference, is loaded into the sandbox and bound to
its name, so a later exercise that calls it (``L_model_forward`` calls
``linear_activation_forward``) calls the reference, whatever the learner's own version did.
And each exercise is judged in state as in inputs: its calls are made in a fresh copy
(``os.fork`` inside the sandbox) of the notebook's process as it stood after the cells ran,
ended after its check, so nothing a call changes (a patched ``np.abs``, a counter, a cache
of inputs, a thread) reaches another exercise.
"""

import builtins
import contextlib
import io
import time
from dataclasses import dataclass, field

from dl_utils._testfunctions import Cubic
from dl_utils.checks._runner import Outcome, mutations

from . import wire
from .sandbox import START_TIMEOUT, Sandbox, SandboxError

WIRE_TYPES = {Cubic: "Cubic"}
READ_TYPES = {name: cls for cls, name in WIRE_TYPES.items()}
MAX_RESTARTS = 3  # new sandboxes per notebook after one was stopped or died
TOTAL_TIMEOUTS = 20  # a notebook's whole time in the grader, in timeouts (the default of --budget)


class Abort(BaseException):  # noqa: N818 - not an error of the check's: the sandbox stopped answering
    """A call of the learner's function did not come back: ``status`` is ``timeout`` or ``crashed``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Verdict:
    """What the judge says of one exercise."""

    points: float
    status: str
    message: str
    seconds: float = 0.0
    mistake: str = ""  # the catalogued mistake the check named (CheckFailed.mistake), if any


@dataclass
class CellResult:
    """How one cell ran in the sandbox."""

    status: str  # ok, error, timeout, crashed, not_run
    output: str = ""
    error: dict = field(default_factory=dict)


def rebuild_error(info):
    """An exception standing for the one the learner's code raised in the sandbox (from its name and text)."""
    if not isinstance(info, dict):
        return RuntimeError("the sandbox reported an error it did not describe")
    name = info.get("name") if isinstance(info.get("name"), str) else "Exception"
    text = info.get("text") if isinstance(info.get("text"), str) else ""
    cls = getattr(builtins, name, None) if info.get("module") == "builtins" else None
    if isinstance(cls, type) and issubclass(cls, Exception):
        args = info.get("args")
        if isinstance(args, list) and all(isinstance(a, (str, int, float, bool, type(None))) for a in args):
            with contextlib.suppress(Exception):
                error = cls(*args)
                if str(error) == text:
                    return error
        with contextlib.suppress(Exception):
            error = cls(text)
            if str(error) == text:
                return error
    safe = "".join(ch for ch in name[:60] if ch.isalnum() or ch == "_") or "Exception"
    return type(safe, (Exception,), {"__str__": lambda self: text})()


class Remote:
    """The learner's function ``name`` in the sandbox, as the checks call it (see ``checks._runner.call``)."""

    def __init__(self, run, name):
        self.run, self.__name__ = run, name
        self.globals_read = []

    def call_outcome(self, args, kwargs):
        reply = self.run.call(self.__name__, args, kwargs)
        outcome = Outcome()
        try:
            outcome.value = wire.decode(reply.get("value"), READ_TYPES)
        except wire.WireError as e:
            outcome.value = wire.opaque("unreadable_value")
            outcome.warnings.append(f"the returned value could not be read: {e}")
        if reply.get("error") is not None:
            outcome.error = rebuild_error(reply["error"])
        said = reply.get("warnings") if isinstance(reply.get("warnings"), list) else []
        outcome.warnings += [w[:300] for w in said[:20] if isinstance(w, str)]
        outcome.mutations = self._mutations(args, reply)
        names = reply.get("globals")
        names = names if isinstance(names, list) else []
        outcome.globals_read = self.globals_read = [g for g in names[:20] if isinstance(g, str) and g.isidentifier()]
        return outcome

    @staticmethod
    def _mutations(args, reply):
        try:
            after = wire.decode(reply.get("args_after"), READ_TYPES)
        except wire.WireError:
            after = None
        if not isinstance(after, dict) or list(after) != list(args):
            return ["its arguments could not be read back after the call"]
        replaced = reply.get("replaced") if isinstance(reply.get("replaced"), dict) else {}
        ids = {}
        for name, value in after.items():
            if isinstance(value, dict):
                gone = replaced.get(name) if isinstance(replaced.get(name), list) else []
                ids[name] = {k: (-1 if k in gone else id(v)) for k, v in value.items()}
        return mutations(args, after, ids)


class OutOfTime(Exception):  # noqa: N818 - the notebook's budget is spent, not an error
    """The notebook has used its whole time in the grader (:data:`TOTAL_TIMEOUTS` timeouts)."""


class NotebookRun:
    """One submitted notebook, run in a sandbox and judged exercise by exercise.

    Parameters
    ----------
    graded : CourseNotebook
        The course notebook: its exercises, its checks, its library stages (``dl_instructor.grade``).
    assembled : submission.Assembled
        The notebook to run.
    options : Options
        Timeout, limits, whether to isolate, the secret.

    Everything the notebook costs, its cells, the calls of its functions, the replays after a
    sandbox was replaced and the new sandboxes' start, comes out of one budget of
    ``options.budget * options.timeout`` seconds (``--budget``, :data:`TOTAL_TIMEOUTS` by default),
    counted here, outside the sandbox: no request is given longer than what is left. Once it is
    spent, the exercises not yet judged get 0 points and the status ``out_of_time``; those judged
    keep their verdicts.
    """

    def __init__(self, graded, assembled, options):
        self.graded, self.assembled, self.options = graded, assembled, options
        nb = assembled.nb
        check_cells = {assembled.index_of.get(ex.check_id) for ex in graded.exercises}
        self.code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and i not in check_cells]
        self.cells = {}  # index -> CellResult
        self.sandbox, self.restarts, self.problem = None, 0, None
        self.timeouts = getattr(options, "budget", TOTAL_TIMEOUTS)
        self.budget = self.timeouts * options.timeout
        self.deadline = time.monotonic() + self.budget
        self.judged, self.found = [], {}
        self.copy_seq = None  # the request that made the copy of the harness judging the current exercise
        self.out_of_time = False
        self.in_copy = False  # whether the exercise being judged is judged in a copy
        self.given = set()
        self.replaced_clean = 0  # sandboxes replaced because an earlier exercise was handed more (see _judge)

    # -------------------------------------------------------- the budget

    def _left(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.out_of_time = True
            raise OutOfTime(self.spent_message())
        return left

    def spent_message(self):
        return (f"out of time: this notebook used its {self.budget:g} s in the grader ({self.timeouts:g} times the "
                f"{self.options.timeout:g} s timeout: cells, calls, and restarts of its sandbox) before this "
                "exercise was judged")

    def _request(self, message, in_copy=False):
        """A request to the sandbox, given the timeout or what is left of the budget, whichever is less."""
        timeout = min(self.options.timeout, self._left())
        if in_copy:
            return self.sandbox.request({**message, "in_copy": True}, timeout, copy_seq=self.copy_seq)
        return self.sandbox.request(message, timeout)

    def _spent(self):
        return self.deadline - time.monotonic() <= 0

    # -------------------------------------------------------- the sandbox's life

    def _start(self):
        if self.restarts > MAX_RESTARTS:
            raise SandboxError("not_run", f"{MAX_RESTARTS + 1} sandboxes were stopped in this notebook, "
                                          "the grader gave up")
        start_timeout = min(START_TIMEOUT, self._left())
        self.sandbox = Sandbox(self.graded.library_dir, self.graded.data_dir, self.options.limits,
                               isolate=self.options.isolate, start_timeout=start_timeout)
        self.copy_seq = None
        self.given = set()  # every library function sent into this sandbox by a stage (see _judge)

    def _replace(self, counted=True):
        """A new sandbox in the state of the old one after the cells ran: the cells that ran replayed, the probe.

        ``counted``: a sandbox stopped or dead (:data:`MAX_RESTARTS` of them per notebook); a sandbox replaced
        because it was sent more of the library than the next exercise may hold is not counted.
        """
        if self.sandbox is not None:
            self.sandbox.kill()
        self.restarts += counted
        self.replaced_clean += not counted
        self._start()
        for index in self.code:
            if self.cells.get(index, CellResult("not_run")).status in ("ok", "error"):
                self._request({"op": "run", "index": index, "code": self.assembled.nb.cells[index].source})
        self._request({"op": "probe", "names": self.graded.function_names()})

    def close(self):
        if self.sandbox is not None:
            self.sandbox.kill()

    # -------------------------------------------------------- running the cells

    def execute(self):
        """Run every code cell but the checks, in order; a cell that hangs or kills the sandbox costs only itself."""
        self._start()
        position = 0
        while position < len(self.code):
            index = self.code[position]
            position += 1
            if self._spent():
                self.out_of_time = True
                self.problem = self.spent_message()
                return
            mark = self.sandbox.output_mark()
            try:
                reply = self._request({"op": "run", "index": index, "code": self.assembled.nb.cells[index].source})
            except SandboxError as e:
                self.cells[index] = CellResult(e.status, error={"name": e.status, "text": str(e)})
                try:
                    self._replace()
                except OutOfTime:
                    self.problem = self.spent_message()
                    return
                continue
            except OutOfTime:
                self.problem = self.spent_message()
                return
            output, cut = self.sandbox.output_since(mark, reply.get("written"))
            if cut:
                output += f"\n[grader: output cut after {len(output)} characters]\n"
            if reply.get("interrupted"):
                self.cells[index] = CellResult("timeout", output, {"name": "timeout", "text": (
                    f"the cell ran longer than {self.options.timeout:g} s and was interrupted")})
            elif reply.get("ok"):
                self.cells[index] = CellResult("ok", output)
            else:
                error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
                self.cells[index] = CellResult("error", output, error)
        try:
            self.found = self._request({"op": "probe", "names": self.graded.function_names()}).get("found", {})
        except OutOfTime:
            self.problem = self.spent_message()

    # -------------------------------------------------------- judging

    def call(self, name, args, kwargs):
        """One call of the learner's ``name`` in the sandbox (in the exercise's copy): its reply, or Abort."""
        if self.sandbox is None or self.sandbox.closed:
            raise Abort("crashed", "the sandbox had stopped")
        request = {"op": "call", "name": name, "args": wire.encode(args, WIRE_TYPES),
                   "kwargs": wire.encode(kwargs, WIRE_TYPES)}
        try:
            reply = self._request(request, in_copy=self.copy_seq is not None)
        except SandboxError as e:
            raise Abort(e.status, f"{name} {_what(e)}") from None
        except OutOfTime as e:
            raise Abort("out_of_time", str(e)) from None
        if "child_ended" in reply:
            self.copy_seq = None
            raise Abort("crashed", f"{name} stopped the sandbox (the copy of the notebook's process it ran in ended, "
                                   f"exit status {reply['child_ended']})")
        if reply.get("interrupted"):
            if self._spent():
                raise Abort("out_of_time", self.spent_message())
            raise Abort("timeout", f"{name} did not return within {self.options.timeout:g} s and was interrupted "
                                   "(an endless loop?)")
        if "harness_error" in reply:
            raise Abort("crashed", f"{name} could not be called: the program in the sandbox failed "
                                   f"({_error_text(reply['harness_error'])}); did the notebook replace it?")
        return reply

    def _copy(self):
        """Make the copy of the notebook's process, as it stood after its cells ran, that judges one exercise."""
        reply = self._request({"op": "fork"})
        self.in_copy = bool(reply.get("forked"))
        if self.in_copy:
            self.copy_seq = self.sandbox.seq
        elif "child_ended" in reply:  # the copy was made and is gone already
            raise SandboxError("crashed", f"the copy of the notebook's process ended at once ({reply['child_ended']})")
        # fork_failed (the notebook's own processes fill the limit): judged in the notebook's process itself

    def _end_copy(self):
        """End the exercise's copy; if it does not end, the whole sandbox."""
        if self.copy_seq is None or self.sandbox is None or self.sandbox.closed:
            self.copy_seq = None
            return
        try:
            reply = self.sandbox.request({"op": "end", "in_copy": True}, min(self.options.timeout, 10),
                                         copy_seq=self.copy_seq)
            if "child_ended" not in reply:
                self.sandbox.kill()
        except SandboxError:
            pass
        self.copy_seq = None

    def judge(self, exercise):
        """The verdict on ``exercise``: its check, run here on what its copy of the notebook's process sends back."""
        started = time.monotonic()
        try:
            verdict = self._judge(exercise)
        except OutOfTime as e:
            if self.sandbox is not None:
                self.sandbox.kill()
            verdict = Verdict(0.0, "out_of_time", str(e))
        except SandboxError as e:
            verdict = Verdict(0.0, "not_run", f"not run: {e}")
        self.judged.append(exercise.function)
        verdict.seconds = time.monotonic() - started
        return verdict

    def _judge(self, exercise):
        if self.out_of_time:
            return Verdict(0.0, "out_of_time", self.spent_message())
        found = self.found.get(exercise.function, {}) if isinstance(self.found, dict) else {}
        if not (isinstance(found, dict) and found.get("defined")):
            return Verdict(0.0, "failed", f"{exercise.function} is not defined in the notebook: keep the "
                                           f"exercise's def line as it is (NameError)")
        stage = self.graded.stage_request(self.judged, exercise.function)
        if self.sandbox is None or self.sandbox.closed:
            self._replace()
        elif self.given - set(stage["allowed"]):
            # An earlier exercise's copy held a function this one may not: whatever it left behind (a file in the
            # scratch folder, /tmp or /dev/shm, shared memory or a pipe made by a cell before the fork, a thread
            # of the notebook's process that read its stage) could hand it over. Nothing of that sandbox survives.
            self._replace(counted=False)
        self._copy()
        try:
            self.given |= set(stage["allowed"])
            self._request(stage, in_copy=self.copy_seq is not None)
            fn = Remote(self, exercise.function) if found.get("callable") else wire.opaque(found.get("type", "?"))
            return self._run_check(exercise, fn)
        finally:
            self._end_copy()

    def _run_check(self, exercise, fn):
        printed = io.StringIO()
        try:
            hook = {"call": fn.call_outcome if isinstance(fn, Remote) else None, "secret": self.options.secret}
            with contextlib.redirect_stdout(printed):
                exercise.check(fn, **hook)
                exercise.check(fn, hidden=True, **hook)
        except AssertionError as e:  # checks.CheckFailed: with the id of the catalogued mistake it names, if any
            return Verdict(0.0, "failed", str(e), mistake=getattr(e, "mistake", None) or "")
        except Abort as e:
            if self.sandbox is not None and (not self.in_copy or e.status == "out_of_time"):
                self.sandbox.kill()  # judged in the notebook's process itself (no copy could be made), or time is up
            return Verdict(0.0, e.status, e.message)
        except Exception as e:  # noqa: BLE001 - the check broke on what came back: this exercise, not the notebook
            return Verdict(0.0, "grader_error", f"{exercise.name}: the course's check failed on what "
                                                f"{exercise.function} returned ({type(e).__name__}: {e}); "
                                                "tell your instructor")
        lines = [line for line in printed.getvalue().splitlines() if line.strip()]
        return Verdict(exercise.points, "passed", " | ".join(lines) or "passed")


def _what(error):
    return {"timeout": "did not return in time, and did not stop when interrupted, so its sandbox was stopped",
            "crashed": f"stopped the sandbox ({error})"}.get(error.status, str(error))


def _error_text(info):
    if not isinstance(info, dict):
        return "?"
    return f"{str(info.get('name', 'Error'))[:60]}: {str(info.get('text', ''))[:300]}"

