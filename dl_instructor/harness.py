"""The program that runs a learner's notebook inside the sandbox, and calls its functions when asked.

Started by :mod:`dl_instructor.sandbox` as ``python -I harness.py``, with this folder and the
course's (stripped) library on ``sys.path``. It reads one JSON request a line on file
descriptor 0 and answers each with one JSON line on the descriptor named by its first argument; the second carries
interrupts (one byte each: a ``KeyboardInterrupt`` in whatever the learner's code is doing).
The learner's own output goes to descriptors 1 and 2, which the grader reads, capped.

Requests (``op``):

- ``run``: execute one cell's code in the notebook's namespace; answer ``ok`` or the error.
- ``probe``: for each exercise name, what the notebook defines under it; the functions are
  kept as they are now, so that a later cell or a later stage cannot swap them.
- ``call``: call one of the kept functions on the arguments sent (:mod:`dl_instructor.wire`);
  answer what it returned or raised, its warnings, its arguments after the call, and the
  global variables it reads.
- ``stage``: import a further copy of the course library (sent as source, holding the
  reference functions of the exercises judged so far and what the exercise may use that the
  copy on disk lacks) and bind those names in the notebook's namespace and the library's modules,
  so that the next exercise calls the reference helpers; every other library function there raises.
- ``fork``: make a copy of this process as it stands (``os.fork``), in which one exercise is
  judged: the copy answers this request and every request after it until ``end``, when it
  exits; meanwhile this process waits, and answers ``child_ended`` (with the copy's exit
  status, under the ``fork`` request's ``seq``) once the copy is gone, however it went, having
  killed whatever the copy started. So nothing an exercise's calls change (a patched
  ``np.abs``, a counter, a thread, a child process) reaches the next exercise. A copy that
  cannot be made (no process left under the limit) is answered ``fork_failed``.

Every reply carries its request's ``seq``, so the grader can tell a late reply from the one it waits for.

Everything here runs in the learner's process and can be rewritten by the learner's code:
nothing it says is trusted. The grader only ever reads plain data from it, judges that data
itself, and keeps every expected result and every reference of an exercise not yet judged out
of this process.
"""

import builtins
import copy
import importlib
import importlib.abc
import importlib.util
import io
import json
import os
import signal
import sys
import threading
import traceback
import warnings

# -I leaves this folder and the library off the path: put them first, before the imports below.
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), os.environ.get("DL_GRADE_LIBRARY", "")]

import numpy as np  # noqa: E402
import wire  # noqa: E402

from dl_utils._introspect import globals_read  # noqa: E402
from dl_utils._testfunctions import Cubic  # noqa: E402

TYPES = {"Cubic": Cubic}
PRIMITIVE = (str, int, float, bool, type(None))
_requests = os.fdopen(os.dup(0), "rb")
_replies = os.fdopen(int(sys.argv[1]), "wb")
_interrupts = int(sys.argv[2])


_child = None  # the copy of this process judging an exercise, while there is one (see Session.fork)
# Only in bubblewrap's PID namespace may the harness end every process an exercise started (read before any cell runs).
_OWN_PID_NAMESPACE = os.environ.get("DL_GRADE_PID_NAMESPACE") == "1"


def _interrupt_watcher():
    import _thread

    while os.read(_interrupts, 1):
        if _child is not None:  # the copy is the one at work (the watcher thread does not survive a fork)
            try:
                os.kill(_child, signal.SIGINT)
            except OSError:
                pass
        else:
            _thread.interrupt_main()


def _error(e):
    args = list(e.args) if all(isinstance(a, PRIMITIVE) for a in e.args) and len(e.args) <= 4 else None
    text = _safe(lambda: str(e), "?")
    tb = _safe(lambda: "".join(traceback.format_exception_only(type(e), e)), text)
    return {"name": type(e).__name__, "module": type(e).__module__, "args": args, "text": text[:4000],
            "traceback": tb[-4000:]}


def _safe(get, default):
    try:
        return get()
    except Exception:  # noqa: BLE001 - a learner's object whose str() itself fails
        return default


class _Counted(io.RawIOBase):
    """A descriptor that counts what Python writes to it, so the grader knows how much output to wait for."""

    written = 0

    def __init__(self, fd):
        self.fd = fd

    def writable(self):
        return True

    def write(self, data):
        n = os.write(self.fd, data)
        _Counted.written += n
        return n


def _counted_streams():
    for name, fd in (("stdout", 1), ("stderr", 2)):
        setattr(sys, name, io.TextIOWrapper(io.BufferedWriter(_Counted(fd)), encoding="utf-8",
                                            errors="backslashreplace", line_buffering=True))
_PID = _MAIN_PID = os.getpid()


def reply(message):
    if os.getpid() != _PID:  # a child the learner forked, back in this loop: it must not answer, nor read requests
        os._exit(0)
    if _child is not None:  # a thread of the notebook's, while a copy serves: only the copy answers
        return
    sys.stdout.flush()
    sys.stderr.flush()
    message["written"] = _Counted.written
    _replies.write(json.dumps(message, allow_nan=True).encode("utf-8", "surrogatepass") + b"\n")
    _replies.flush()


class Session:
    """The notebook's namespace and the learner's functions as the probe found them."""

    def __init__(self):
        self.ns = {"__name__": "__main__", "__builtins__": builtins}
        self.functions = {}

    def run(self, request):
        code = request["code"]
        try:
            exec(compile(code, f"<cell {request.get('index', '?')}>", "exec"), self.ns)  # noqa: S102
        except KeyboardInterrupt:
            return {"ok": False, "interrupted": True}
        except BaseException as e:  # noqa: BLE001 - SystemExit too: the learner's code stops, the run goes on
            return {"ok": False, "error": _error(e)}
        return {"ok": True}

    def probe(self, request):
        found = {}
        for name in request["names"]:
            value = self.ns.get(name)
            if value is not None:
                self.functions[name] = value
            found[name] = {"defined": name in self.ns, "callable": callable(value), "type": type(value).__name__}
        return {"found": found}

    def call(self, request):
        fn = self.functions.get(request["name"])
        args = wire.decode(request["args"], TYPES)
        kwargs = wire.decode(request["kwargs"], TYPES)
        ids = {name: {k: id(v) for k, v in value.items()} for name, value in args.items() if isinstance(value, dict)}
        result, error = None, None
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            try:
                result = fn(*copy.copy(list(args.values())), **kwargs)
            except KeyboardInterrupt:
                return {"interrupted": True}
            except Exception as e:  # noqa: BLE001 - every error of the learner's code is reported
                error = _error(e)
        replaced = {name: [k for k, v in args[name].items() if k in before and id(v) != before[k]]
                    for name, before in ids.items() if isinstance(args[name], dict)}
        return {"value": wire.encode(result, {Cubic: "Cubic"}), "error": error,
                "warnings": list(dict.fromkeys(_safe(lambda w=w: f"{w.category.__name__}: {w.message}", "?")
                                               for w in caught))[:20],
                "args_after": wire.encode(args, {Cubic: "Cubic"}), "replaced": replaced,
                "globals": _safe(lambda: globals_read(fn), [])}

    def fork(self, request):
        global _PID, _child
        sys.stdout.flush()
        sys.stderr.flush()
        before = _processes()
        try:
            pid = os.fork()
        except OSError as e:
            return {"fork_failed": _error(e)}
        if pid == 0:
            _PID = os.getpid()
            os.setpgid(0, 0)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            return {"ok": True, "forked": True}
        _child = pid
        status = None
        try:
            while status is None:
                try:
                    status = os.waitpid(pid, 0)[1]
                except KeyboardInterrupt:
                    continue
                except ChildProcessError:
                    status = -1
        finally:
            _child = None
        _end_all_but(before, pid)
        return {"child_ended": os.waitstatus_to_exitcode(status) if status >= 0 else None}

    def end(self, request):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    def stage(self, request):
        # Imported from memory, not from files: a learner who filled /tmp must still get the reference helpers.
        sys.meta_path.insert(0, _MemoryFinder(request["files"], os.environ.get("DL_GRADE_LIBRARY", "/")))
        package = importlib.import_module(request["package"])
        for name in request["names"]:
            self.ns[name] = getattr(package, name)
            # dl_utils.linear_forward, or F.linear_forward after `import dl_utils.forward as F`, is the
            # judged reference now too (a name imported from them before stays what it was).
            for module_name, module in list(sys.modules.items()):
                if module_name.split(".")[0] == "dl_utils" and callable(getattr(module, name, None)):
                    setattr(module, name, getattr(package, name))
        # What this exercise may use that the copy on disk lacks (it holds only what every exercise of the
        # notebook may use): the staged functions, wherever the notebook reaches the disk's stand-in of them.
        for name in request.get("extras", ()):
            staged = None
            for module_name, module in list(sys.modules.items()):
                if _library_module(module_name) and name in vars(module):
                    staged = _rebind(module, name, _twin(request["package"], module_name)) or staged
            # The notebook's own name for it, if it is the library's (or an earlier stage's stand-in, when the
            # exercises are judged in this process itself because no copy could be made).
            value = self.ns.get(name)
            if staged is not None and (getattr(value, "_dl_stand_in", False) or _library_module(
                    str(getattr(value, "__module__", "") or ""))):
                self.ns[name] = staged
        if "allowed" in request:
            _deny(self.ns, set(request["library"]) - set(request["allowed"]), request["denied"])
        return {"ok": True}


def _library_module(module_name):
    parts = module_name.split(".")
    return parts[0] == "dl_utils" and parts[:2] != ["dl_utils", "checks"]


def _twin(package, module_name):
    """The staged package's module standing for the library's ``module_name`` (dl_utils.forward: dl_stage_0.forward)."""
    try:
        return importlib.import_module(package + module_name[len("dl_utils"):])
    except Exception:  # noqa: BLE001 - a module of the library the stage lacks, or the learner broke importing
        return None


def _rebind(module, name, twin):
    if twin is not None and name in vars(twin) and not isinstance(vars(module)[name], type(sys)):
        setattr(module, name, vars(twin)[name])
        return vars(twin)[name]
    return None


def _denied(name, text):
    def stand_in(*args, **kwargs):
        raise RuntimeError(text)

    stand_in.__name__ = stand_in.__qualname__ = name
    stand_in._dl_stand_in = True
    return stand_in


def _deny(ns, names, message):
    """Every function of the library in ``names``, wherever the notebook reaches it by name, raises ``message``."""
    stand_ins = {name: _denied(name, message.replace("{name}", name)) for name in names}
    for module_name, module in list(sys.modules.items()):
        if module_name.split(".")[0] == "dl_utils" and module_name.split(".")[:2] != ["dl_utils", "checks"]:
            for name in names & set(vars(module)):
                if not isinstance(vars(module)[name], type(sys)):
                    setattr(module, name, stand_ins[name])
    for name in names & set(ns):
        value = ns[name]
        if str(getattr(value, "__module__", "") or "").split(".")[0] == "dl_utils" or \
                str(getattr(value, "__module__", "") or "").startswith("dl_stage_"):
            ns[name] = stand_ins[name]


def _processes():
    try:
        return {int(p) for p in os.listdir("/proc") if p.isdigit()}
    except OSError:
        return set()


def _end_all_but(before, group):
    """Kill what an exercise's copy started: its process group, and in the sandbox every process that is new."""
    try:
        os.killpg(group, signal.SIGKILL)
    except OSError:
        pass
    if not _OWN_PID_NAMESPACE:  # --no-sandbox: /proc shows the machine's processes, not ours alone
        return
    for _ in range(3):  # a fork loop may still be making new ones
        new = _processes() - before - {os.getpid()}
        if not new:
            break
        for pid in new:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in new:
            try:
                os.waitpid(pid, os.WNOHANG)
            except OSError:
                pass


class _MemoryFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports modules from ``{"package/module.py": source}``, as if they sat in ``root``."""

    def __init__(self, files, root):
        self.files, self.root = dict(files), root

    def find_spec(self, name, path=None, target=None):
        relative = name.replace(".", "/")
        for candidate, package in ((f"{relative}/__init__.py", True), (f"{relative}.py", False)):
            if candidate in self.files:
                spec = importlib.util.spec_from_loader(name, self, origin=os.path.join(self.root, candidate),
                                                       is_package=package)
                spec.has_location = True  # __file__: the library finds its datasets next to itself
                spec.cached = None
                spec._relative = candidate
                return spec
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        spec = module.__spec__
        module.__file__ = spec.origin
        exec(compile(self.files[spec._relative], spec.origin, "exec"), module.__dict__)  # noqa: S102


def main():
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # the learner's input() reads nothing
    _counted_streams()
    threading.Thread(target=_interrupt_watcher, daemon=True).start()
    session = Session()
    reply({"ready": True})
    for line in _requests:
        seq = None
        try:
            request = json.loads(line)
            seq = request.get("seq")
            if request.get("in_copy") and os.getpid() == _MAIN_PID:  # meant for a copy that is gone: not here
                answer = {"no_copy": True}
            else:
                answer = getattr(session, request["op"])(request)
        except KeyboardInterrupt:
            answer = {"interrupted": True}
        except Exception as e:  # noqa: BLE001 - a bad request, or the learner broke this program
            answer = {"harness_error": _error(e)}
        try:
            reply({**answer, "seq": seq})
        except KeyboardInterrupt:
            reply({"interrupted": True, "seq": seq})


if __name__ == "__main__":
    main()
