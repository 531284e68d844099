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
  reference functions of the exercises judged so far) and bind those names in the notebook's
  namespace, so that the next exercise calls the reference helpers.

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


def _interrupt_watcher():
    import _thread

    while os.read(_interrupts, 1):
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
_PID = os.getpid()


def reply(message):
    if os.getpid() != _PID:  # a child the learner forked, back in this loop: it must not answer, nor read requests
        os._exit(0)
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
        return {"ok": True}


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
        try:
            request = json.loads(line)
            answer = getattr(session, request["op"])(request)
        except KeyboardInterrupt:
            answer = {"interrupted": True}
        except Exception as e:  # noqa: BLE001 - a bad request, or the learner broke this program
            answer = {"harness_error": _error(e)}
        try:
            reply(answer)
        except KeyboardInterrupt:
            reply({"interrupted": True})


if __name__ == "__main__":
    main()
