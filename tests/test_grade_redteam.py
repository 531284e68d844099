"""The grader against hostile submissions: what a learner who wants points without solving tries.

Issue 11, point 5. Every case below is a learner folder holding one notebook of the real course
(02_forward, 03_cost or 04_backward), made from the solved course notebook (or its learner
version) with one or more exercise cells replaced, or learner cells added; each states the points
and the status each exercise must get. They are graded together, in one run of the command an
instructor types (``python -m dl_instructor.grade``, ``--jobs 2``, a short ``--timeout``), in a
child process. After the run, nothing outside the grader's temporary folders may have changed
(the course's notebooks, library, data and grader, and every submission: sha256 before and
after), and no process of the run may be alive.

Printing 200 MB is graded in a run of its own, whose peak memory (VmHWM of the grader's
process) is measured. The attacks on the files themselves (a FIFO, a symlink to /dev/zero,
100 000 nested brackets, odd folder names, formula injection, nbformat 3) are graded in runs of
their own too, since today some of them stop the grader: those tests are expected to fail
until dl_instructor/files.py and report.py are wired in.

Attacks that reach for a path (the report, another learner's file, the course's notebooks) are
given the real one: the worst case is a learner who knows the grader's layout.
"""

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from dl_instructor.submission import grade_id

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "notebooks"
TIMEOUT = 10  # seconds per cell and per call: the setup cell (matplotlib) took 4.7 s on a busy 2-core machine
WATCHED = ("notebooks", "dl_utils", "data", "dl_instructor")  # hashed before and after the batch


def _points(notebook):
    """``{exercise: points}`` of ``notebook``, as its check cells' nbgrader metadata gives them."""
    cells = json.loads((COURSE / f"{notebook}.ipynb").read_text())["cells"]
    return {c["metadata"]["nbgrader"]["grade_id"].removeprefix("check_"): float(c["metadata"]["nbgrader"]["points"])
            for c in cells if c["metadata"].get("nbgrader", {}).get("grade")}


POINTS = {notebook: _points(notebook) for notebook in ("02_forward", "03_cost", "04_backward")}
def FILES_XFAIL(test):  # noqa: N802 - was an xfail until dl_instructor/files.py and report.py were wired in
    return test


# ---------------------------------------------------------------- building submissions


def course_nb(notebook, blank=False):
    return nbformat.read((COURSE / "exercises" if blank else COURSE) / f"{notebook}.ipynb", as_version=4)


def cell_of(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


def submission(notebook, blank=False, after=None, **exercises):
    """The solved (or blank) course notebook, with exercise cells replaced (``name=source``), and
    learner cells added after the cell whose grade_id is each key of ``after`` (``{gid: [sources]}``)."""
    nb = course_nb(notebook, blank)
    for name, source in exercises.items():
        cell_of(nb, f"ex_{name}").source = source
    for gid, sources in (after or {}).items():
        at = nb.cells.index(cell_of(nb, gid)) + 1
        nb.cells[at:at] = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


@dataclass
class Case:
    notebook: str
    nb: object
    expected: dict  # exercise -> (points, status)
    words: dict  # exercise -> text its message must contain


CASES = {}


def case(learner, notebook, nb, words=None, **expected):
    """Register a learner; every exercise not in ``expected`` must get full marks, ``passed``."""
    full = {ex: (pts, "passed") for ex, pts in POINTS[notebook].items()}
    assert set(expected) <= set(full), expected
    CASES[learner] = Case(notebook, nb, {**full, **expected}, words or {})


def src(text):
    """Attack source; ``@REPO@``, ``@SUBS@`` and ``@REPORT@`` are filled in with the real paths when written."""
    return text


def fill(text, paths):
    for token, path in paths.items():
        text = text.replace(token, str(path))
    return text

COST = "def compute_cost(AL, Y):\n"
BLANK_COST = COST + "    raise NotImplementedError()\n"
GOOD_COST = COST + "    m = Y.shape[1]\n    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)\n"
LF = "def linear_forward(A_prev, W, b):\n"
ZERO = (0.0, "failed")


def cost_case(learner, body=None, cells=None, expected=ZERO, words=None, blank_cell=BLANK_COST):
    """A 03_cost submission: ``body`` is the compute_cost cell's source, ``cells`` learner cells after it."""
    nb = submission("03_cost", after={"ex_compute_cost": [src(c) for c in cells]} if cells else None,
                    compute_cost=src(body) if body is not None else blank_cell)
    case(learner, "03_cost", nb, {"compute_cost": words} if words else None, compute_cost=expected)


def make_cases():
    # ---------------------------------------------------------- the slow ones first (the grader goes in name order)
    cost_case("00_swallows_keyboard_interrupt", COST + (
        "    import time\n    while True:\n        try:\n            time.sleep(0.05)\n"
        "        except BaseException:\n            pass\n"), expected=(0.0, "timeout"),
        words="did not stop when interrupted")
    cost_case("00_stops_itself", COST + "    import os, signal\n    os.kill(os.getpid(), signal.SIGSTOP)\n",
              expected=(0.0, "timeout"))
    cost_case("01_ten_thousand_pass_cells", GOOD_COST, cells=["pass"] * 10_000, expected=(2.0, "passed"))
    # ---------------------------------------------------------- a verdict forged from inside
    cost_case("displayhook", COST + "    import sys\n    sys.displayhook('x')\n    raise NotImplementedError()\n",
              words="not implemented yet")
    cost_case("patch_checks_engine", cells=[
        "import dl_utils.checks._engine as E\nE.check_case = lambda *a, **k: None",
        "from dl_utils import checks\nchecks.compute_cost = lambda fn, hidden=False: None"])
    cost_case("fake_checks_in_sys_modules", cells=[
        "import sys, types\nfake = types.ModuleType('dl_utils.checks')\n"
        "fake.__getattr__ = lambda name: (lambda fn=None, hidden=False: print(name + ': all checks passed.'))\n"
        "sys.modules['dl_utils.checks'] = fake\nimport dl_utils\ndl_utils.checks = fake"])
    cost_case("patch_numpy_comparisons", COST + "    return 0.5\n", cells=[
        "import numpy as np, math\n"
        "np.isclose = lambda a, *r, **k: np.ones(np.shape(a), bool)\n"
        "np.allclose = np.array_equal = lambda *a, **k: True\nmath.isclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None"])
    cost_case("inspect_stack_for_expected", COST + (
        "    import inspect\n"
        "    for info in inspect.stack():\n"
        "        for key, value in info.frame.f_locals.items():\n"
        "            case = value if hasattr(value, 'expected') else None\n"
        "            if case is not None:\n                return case.expected\n"
        "            if key in ('expected', 'want', 'reference'):\n                return value\n"
        "    return 0.0\n"))
    cost_case("gc_scan_for_expected", COST + (
        "    import gc\n"
        "    for obj in gc.get_objects():\n"
        "        if hasattr(obj, 'expected') or (isinstance(obj, dict) and 'expected' in obj):\n"
        "            return getattr(obj, 'expected', None) or obj['expected']\n"
        "    floats = [o for o in gc.get_objects() if type(o) is float and 0.01 < o < 5]\n"
        "    return floats[-1] if floats else 0.0\n"))
    cost_case("ndarray_subclass_lies", COST + (
        "    class Liar(np.ndarray):\n"
        "        def __eq__(self, other):\n            return np.ones(np.shape(other), bool)\n"
        "        def __array_function__(self, func, types, args, kwargs):\n            return True\n"
        "        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):\n"
        "            return np.ones(np.broadcast(*inputs).shape, bool)\n"
        "        def __float__(self):\n            return 0.6931471805599453\n"
        "    return np.asarray(0.0).view(Liar)\n"))
    cost_case("ndarray_subclass_whose_view_lies", COST + (
        "    class Liar(np.ndarray):\n        def view(self, *a, **k):\n            return object()\n"
        "        def __array_function__(self, func, types, args, kwargs):\n            return True\n"
        "    return np.zeros((1, 1)).view(Liar)\n"), words="cost is an array of shape (1, 1)")
    # ---------------------------------------------------------- the course's own answer, reached for
    cost_case("reference_imported_in_setup", COST + "    return reference_compute_cost(AL, Y)\n",
              words="not available while 03_cost is graded")
    cost_case("reference_rebound_in_later_cell", cells=["from dl_utils import compute_cost"],
              words="not available while 03_cost is graded")
    cost_case("reference_by_importlib", COST + (
        "    import importlib\n    return importlib.import_module('dl_utils.cost').compute_cost(AL, Y)\n"),
        words="not available while 03_cost is graded")
    cost_case("reference_source_by_inspect", COST + (
        "    import inspect, dl_utils.cost as C\n    ns = {'__name__': 'dl_utils.cost', '__package__': 'dl_utils'}\n"
        "    exec(inspect.getsource(C), ns)\n    return ns['compute_cost'](AL, Y)\n"),
        words="not available while 03_cost is graded")
    cost_case("reference_found_on_disk", COST + (
        "    import os, sys, numpy\n"
        "    import time\n    start = time.monotonic()\n"
        "    roots = ['/course', '/tmp', '@REPO@', '/work', '/root'] + [p for p in sys.path if os.path.isdir(p)]\n"
        "    for root in roots:\n"
        "        for folder, dirs, files in os.walk(root):\n"
        "            if time.monotonic() - start > 2:\n                raise NotImplementedError('nothing found')\n"
        "            for name in files:\n"
        "                wanted = name.startswith('dl_') and name.endswith('.py')\n"
        "                if name not in ('cost.py', '03_cost.ipynb') and not wanted:\n"
        "                    continue\n"
        "                try:\n                    text = open(os.path.join(folder, name)).read()\n"
        "                except Exception:\n                    continue\n"
        "                if 'def compute_cost(' not in text or 'np.log' not in text:\n                    continue\n"
        "                if name.endswith('.ipynb'):\n"
        "                    import json\n"
        "                    sources = [''.join(c['source']) for c in json.loads(text)['cells']]\n"
        "                    text = '\\n'.join(s for s in sources if 'def compute_cost(' in s)\n"
        "                ns = {'np': numpy, '__name__': 'found'}\n"
        "                try:\n                    exec(text, ns)\n"
        "                    return ns['compute_cost'](AL, Y)\n"
        "                except Exception:\n                    continue\n"
        "    raise NotImplementedError('nothing found')\n"))
    cost_case("reads_the_course_notebook", COST + (
        "    import json\n"
        "    for path in ('@REPO@/notebooks/03_cost.ipynb', '/course/notebooks/03_cost.ipynb', '../03_cost.ipynb',\n"
        "                 '03_cost.ipynb', '/proc/1/root@REPO@/notebooks/03_cost.ipynb'):\n"
        "        try:\n            cells = json.load(open(path))['cells']\n"
        "        except Exception:\n            continue\n"
        "        ns = {'np': np}\n"
        "        exec(next(''.join(c['source']) for c in cells if 'def compute_cost(' in ''.join(c['source'])), ns)\n"
        "        return ns['compute_cost'](AL, Y)\n"
        "    raise NotImplementedError('not found')\n"), words="not implemented yet")
    cost_case("reads_another_submission", COST + (
        "    import glob, json\n"
        "    found = glob.glob('@SUBS@/*/03_cost.ipynb') + glob.glob('/tmp/**/*.ipynb', recursive=True)\n"
        "    for root in ('/course', '/work', '/root', '/home', '/srv', '/mnt', '/var'):\n"
        "        found += glob.glob(root + '/**/*.ipynb', recursive=True)\n"
        "    for path in found:\n"
        "        try:\n            cells = json.load(open(path))['cells']\n"
        "            ns = {'np': np}\n"
        "            sources = [''.join(c['source']) for c in cells]\n"
        "            exec(next(s for s in sources if 'def compute_cost(' in s), ns)\n"
        "            return ns['compute_cost'](AL, Y)\n"
        "        except Exception:\n            continue\n"
        "    raise NotImplementedError('not found')\n"), words="not implemented yet")
    # ---------------------------------------------------------- reaching out of the sandbox
    cost_case("proc_cmdline_and_writes", cells=[
        "import os, glob\nfound = []\n"
        "for pid in ['self', str(os.getppid()), '1'] + [p for p in os.listdir('/proc') if p.isdigit()]:\n"
        "    for what in ('cmdline', 'environ'):\n"
        "        try:\n            found += open(f'/proc/{pid}/{what}', 'rb').read().split(b'\\0')\n"
        "        except OSError:\n            pass\n"
        "paths = {p.decode(errors='ignore') for p in found if p.startswith(b'/')}\n"
        "targets = paths | {'@REPO@/dl_utils/checks/__init__.py', '@REPO@/notebooks/03_cost.ipynb',\n"
        "                   '/course/lib/dl_utils/checks/__init__.py', '/course/lib/dl_utils/cost.py',\n"
        "                   '/course/grader/harness.py', '/course/grader/wire.py', '@REPORT@.csv', '@REPORT@.json'}\n"
        "targets |= set(glob.glob('@SUBS@/*/*.ipynb'))\n"
        "for path in targets:\n"
        "    for mode in ('a', 'w'):\n"
        "        try:\n            open(path, mode).write('hacked')\n"
        "        except OSError:\n            pass\n"
        "print(len(paths), 'paths seen')"])
    cost_case("setsid_child_rewrites_report", cells=[
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', '''\n"
        "import time, json\n"
        "for _ in range(60):\n"
        "    time.sleep(0.5)\n"
        "    for path in ('@REPORT@.json', '@REPORT@.csv', '@REPO@/dl_utils/checks/__init__.py'):\n"
        "        try:\n            open(path, 'w').write('forged')\n"
        "        except OSError:\n            pass\n"
        "'''], start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,\n"
        "                 stderr=subprocess.DEVNULL)\n"
        "import os\npid = os.fork()\n"
        "if pid == 0:\n    os.setsid()\n    import time\n    time.sleep(60)\n    os._exit(0)"])
    cost_case("thread_left_running", cells=[
        "import threading, time, builtins\n"
        "def meddle():\n"
        "    while True:\n"
        "        time.sleep(0.01)\n"
        "        g = globals()\n"
        "        g['compute_cost'] = lambda AL, Y: 0.6931471805599453\n"
        "        np.isclose = lambda *a, **k: True\n"
        "        for path in ('@REPORT@.json', '@REPO@/notebooks/03_cost.ipynb'):\n"
        "            try:\n                open(path, 'w').write('forged')\n"
        "            except OSError:\n                pass\n"
        "threading.Thread(target=meddle).start()"])
    cost_case("settrace_reads_frames", cells=[
        "import sys\nseen = {}\n"
        "def tracer(frame, event, arg):\n"
        "    for key in ('expected', 'case', 'reference', 'secret'):\n"
        "        if key in frame.f_locals:\n            seen[key] = frame.f_locals[key]\n"
        "    if event == 'return' and frame.f_code.co_name == 'encode':\n"
        "        frame.f_locals['value'] = 0.6931471805599453\n"
        "    return tracer\n"
        "sys.settrace(tracer)\nimport threading\nthreading.settrace(tracer)"],
        body=COST + "    return seen.get('expected', 0.0)\n")
    cost_case("setprofile_meddles", cells=[
        "import sys, json\n"
        "def profiler(frame, event, arg):\n"
        "    if event == 'c_call' and getattr(arg, '__name__', '') == 'dumps':\n"
        "        frame.f_locals.update(message={'value': 0.6931471805599453})\n"
        "sys.setprofile(profiler)"])
    cost_case("import_hook_serves_fakes", cells=[
        "import sys, types, importlib.abc, importlib.machinery\n"
        "class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.startswith(('dl_', 'wire')):\n"
        "            return importlib.machinery.ModuleSpec(name, self, is_package=True)\n"
        "    def create_module(self, spec):\n        return None\n"
        "    def exec_module(self, module):\n"
        "        module.__path__ = []\n"
        "        module.__getattr__ = lambda name: (lambda *a, **k: None)\n"
        "sys.meta_path.insert(0, Finder())\n"
        "for name in [n for n in sys.modules if n.startswith(('dl_utils', 'wire'))]:\n    del sys.modules[name]"])
    cost_case("atexit_forges", cells=[
        "import atexit, time\n"
        "def forge():\n"
        "    print('compute_cost: all checks passed.')\n"
        "    for path in ('@REPORT@.json', '@REPORT@.csv'):\n"
        "        try:\n            open(path, 'w').write('forged')\n"
        "        except OSError:\n            pass\n"
        "    time.sleep(60)\n"
        "atexit.register(forge)"])
    cost_case("ctypes_segfault", COST + "    import ctypes\n    return ctypes.string_at(0)\n",
              expected=(0.0, "crashed"))
    cost_case("ctypes_syscalls_then_solves", GOOD_COST, cells=[
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "results = [libc.unshare(0x00020000), libc.mount(b'none', b'/course', b'tmpfs', 0, None),\n"
        "           libc.setuid(0), libc.ptrace(16, 1, None, None), libc.kill(1, 9), libc.chroot(b'/tmp')]\n"
        "print(results)"], expected=(2.0, "passed"))
    cost_case("signals_then_solves", GOOD_COST, cells=[
        "import os, signal\nos.kill(os.getppid(), signal.SIGTERM)",
        "import os, signal\nos.kill(1, signal.SIGKILL)",
        "import os, signal\nos.kill(-1, signal.SIGKILL)"], expected=(2.0, "passed"))
    cost_case("fork_bomb_in_a_cell_then_solves", GOOD_COST, cells=[
        "import os, time\nforked = 0\ntry:\n"
        "    for _ in range(100_000):\n"
        "        if os.fork() == 0:\n            time.sleep(60)\n            os._exit(0)\n"
        "        forked += 1\nexcept OSError as e:\n    print('stopped after', forked, 'forks:', type(e).__name__)"],
        expected=(2.0, "passed"))
    cost_case("fork_bomb_in_the_function", COST + "    import os\n    while True:\n        os.fork()\n")
    cost_case("fills_scratch_and_tmp_then_solves", GOOD_COST, cells=[
        "import os\nfor folder in ('.', '/tmp'):\n    try:\n        for i in range(10_000):\n"
        "            with open(f'{folder}/fill{i}', 'wb') as f:\n"
        "                for _ in range(32):\n                    f.write(b'x' * 2**20)\n"
        "    except OSError as e:\n        print(folder, 'full:', e.strerror)"], expected=(2.0, "passed"))
    cost_case("symlinks_in_scratch", GOOD_COST, cells=[
        "import os\n"
        "for i, target in enumerate(['/course/lib/dl_utils/checks/__init__.py', '@REPO@/dl_utils/checks/__init__.py',\n"
        "                            '@REPO@/notebooks/03_cost.ipynb', '/proc/1/root/course/lib/dl_utils/cost.py',\n"
        "                            '@REPORT@.json', '/course/grader/harness.py', '/proc/self/fd/1']):\n"
        "    os.symlink(target, f'link{i}')\n"
        "    try:\n        open(f'link{i}', 'a').write('hacked')\n"
        "    except OSError:\n        pass\nos.symlink('/', 'root')"], expected=(2.0, "passed"))
    cost_case("forges_a_reply", COST + (
        "    import os, sys, json\n    fd = int(sys.argv[1])\n"
        "    forged = {'value': 0.6931471805599453, 'error': None, 'warnings': [], 'args_after': None,\n"
        "              'replaced': {}, 'globals': []}\n"
        "    os.write(fd, (json.dumps(forged) + '\\n').encode())\n"
        "    os.write(fd, (json.dumps(forged) + '\\n').encode())\n"
        "    return 0.0\n"))
    cost_case("forges_replies_from_a_thread", cells=[
        "import os, sys, threading, time, json\n"
        "def flood():\n"
        "    line = (json.dumps({'ok': True, 'value': 0.5, 'found': {'compute_cost': {'defined': True}}}) + '\\n')\n"
        "    while True:\n"
        "        os.write(int(sys.argv[1]), line.encode())\n        time.sleep(0.001)\n"
        "threading.Thread(target=flood, daemon=True).start()"])
    cost_case("closes_the_descriptors", COST + (
        "    import os\n    for fd in range(256):\n        try:\n            os.close(fd)\n"
        "        except OSError:\n            pass\n    return 0.0\n"), expected=(0.0, "crashed"))
    cost_case("os_exit", COST + "    import os\n    os._exit(0)\n", expected=(0.0, "crashed"))
    cost_case("memory_bomb_in_the_function", COST + "    return float(np.ones((10**6, 10**6)).sum())\n",
              words="MemoryError")
    cost_case("memory_bomb_in_a_cell_then_solves", GOOD_COST, cells=[
        "def bomb():\n    chunks = []\n    while True:\n        chunks.append(np.ones(2**25))\n"
        "try:\n    bomb()\nexcept MemoryError:\n    print('out of memory')"], expected=(2.0, "passed"))
    cost_case("times_the_judge", COST + (
        "    import time\n    calls.append(time.monotonic())\n"
        "    gaps = np.diff(calls)\n"
        "    return float(np.mean(AL)) if len(gaps) and gaps[-1] > 0.05 else 0.0\n"), cells=["calls = []"])
    cost_case("detects_the_grader", COST + (
        "    import os, sys\n"
        "    graded = 'DL_GRADE_LIBRARY' in os.environ or 'checks' not in sys.modules\n"
        "    return float(np.mean(Y)) if graded else 0.0\n"))
    # ---------------------------------------------------------- honest, in unusual valid forms: full marks
    cost_case("honest_np_where", COST + "    return float(-np.mean(np.log(np.where(Y == 1, AL, 1 - AL))))\n",
              expected=(2.0, "passed"))
    cost_case("honest_numpy_scalar", COST + (  # np.float64, not float: it crossed the wire as a 1-element array
        "    return -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1]\n"), expected=(2.0, "passed"))
    cost_case("honest_0d_array", COST + (
        "    return np.squeeze(-(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / Y.shape[1])\n"),
        expected=(2.0, "passed"))
    cost_case("honest_loop_and_dot", COST + (
        "    import math\n    m = Y.shape[1]\n    total = 0.0\n"
        "    for a, y in zip(AL[0], Y[0]):\n"
        "        total += math.log(a) if y == 1 else math.log(1 - a)\n"
        "    check = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)).item() / m\n"
        "    return -total / m if abs(check + total / m) < 1e-9 else check\n"), expected=(2.0, "passed"))
    case("honest_solved_course_notebook", "03_cost", course_nb("03_cost"))
    nb = course_nb("03_cost", blank=True)  # the learner version, with an output holding a lone surrogate
    cell_of(nb, "ex_compute_cost").source = GOOD_COST
    cell_of(nb, "ex_compute_cost").outputs = [nbformat.v4.new_output("stream", name="stdout", text="\ud800 caf\u00e9")]
    case("honest_with_a_lone_surrogate_in_an_output", "03_cost", nb)

    # ---------------------------------------------------------- 02_forward
    wrong_lf = LF + "    return W @ A_prev, (A_prev, W, b)\n"
    case("forward_reference_as_module", "02_forward", submission("02_forward", linear_forward=(
        LF + "    import dl_utils.forward as F\n    return F.linear_forward(A_prev, W, b)\n")),
        words={"linear_forward": "not available while 02_forward is graded"}, linear_forward=ZERO)
    case("forward_all_rebound_from_dl_utils", "02_forward", submission("02_forward", blank=True, after={
        "check_L_model_forward": ["from dl_utils import linear_forward, linear_activation_forward, L_model_forward"]}),
        words={"L_model_forward": "not available while 02_forward is graded"},
        linear_forward=ZERO, linear_activation_forward=(0.0, "failed"), L_model_forward=(0.0, "failed"))
    case("forward_copies_staged_reference", "02_forward", submission("02_forward", blank=True, after={
        "ex_L_model_forward": [
            "def L_model_forward(X, parameters):\n    import sys, glob, importlib\n"
            "    for name in sorted(n for n in sys.modules if n.startswith('dl_stage')):\n"
            "        return sys.modules[name].L_model_forward(X, parameters)\n"
            "    for path in glob.glob('/tmp/stage_*'):\n        sys.path.insert(0, path)\n"
            "    return importlib.import_module('dl_utils').L_model_forward(X, parameters)\n"]}),
        linear_forward=ZERO, linear_activation_forward=(0.0, "failed"), L_model_forward=(0.0, "failed"))
    case("forward_liar_subclass", "02_forward", submission("02_forward", linear_forward=(
        LF + "    class Liar(np.ndarray):\n"
        "        def __eq__(self, other):\n            return np.ones(np.shape(other), bool)\n"
        "        def __array_function__(self, func, types, args, kwargs):\n            return True\n"
        "    return np.zeros((W.shape[0], A_prev.shape[1])).view(Liar), (A_prev, W, b)\n")),
        linear_forward=ZERO)
    case("forward_wrong_helper_fills_tmp", "02_forward", submission("02_forward", linear_forward=wrong_lf, after={
        "ex_linear_forward": [
            "import os\nfor folder in ('.', '/tmp'):\n    try:\n        for i in range(10_000):\n"
            "            with open(f'{folder}/fill{i}', 'wb') as f:\n"
            "                for _ in range(32):\n                    f.write(b'x' * 2**20)\n"
            "    except OSError as e:\n        pass\n"
            "for i in range(100_000):\n    try:\n        open(f'/tmp/small{i}', 'w').write('x')\n"
            "    except OSError:\n        break"]}),
        linear_forward=ZERO)
    case("honest_forward_einsum_maximum_list_caches", "02_forward", submission(
        "02_forward",
        linear_forward=LF + "    Z = np.einsum('ij,jk->ik', W, A_prev) + b\n    return Z, tuple([A_prev, W, b])\n",
        linear_activation_forward=(
            "def linear_activation_forward(A_prev, W, b, activation):\n"
            "    Z, linear_cache = linear_forward(A_prev, W, b)\n"
            "    if activation == 'relu':\n        A = np.maximum(0, Z)\n"
            "    elif activation == 'sigmoid':\n        A = 1 / (1 + np.exp(-np.clip(Z, -500, 500)))\n"
            "    else:\n        raise ValueError(f'unknown activation {activation!r}')\n"
            "    return A, (linear_cache, Z)\n"),
        L_model_forward=(
            "def L_model_forward(X, parameters):\n    L = len(parameters) // 2\n"
            "    A, caches = X, []\n"
            "    for l in range(1, L + 1):\n"
            "        A, cache = linear_activation_forward(A, parameters['W' + str(l)], parameters['b' + str(l)],\n"
            "                                             'relu' if l < L else 'sigmoid')\n"
            "        caches = caches + [cache]\n"
            "    return A, list(caches)\n")))
    case("honest_forward_loops_where_matmul", "02_forward", submission(
        "02_forward",
        linear_forward=LF + (
            "    n, m = W.shape[0], A_prev.shape[1]\n    Z = np.zeros((n, m), dtype=np.result_type(W, A_prev))\n"
            "    for i in range(n):\n        for j in range(m):\n"
            "            Z[i, j] = sum(W[i, k] * A_prev[k, j] for k in range(W.shape[1])) + b[i, 0]\n"
            "    return Z, (A_prev, W, b)\n"),
        linear_activation_forward=(
            "def linear_activation_forward(A_prev, W, b, activation):\n"
            "    Z = np.matmul(W, A_prev) + b\n"
            "    if activation == 'relu':\n        A = np.where(Z > 0, Z, 0.0)\n"
            "    elif activation == 'sigmoid':\n        A = 0.5 * (1 + np.tanh(Z / 2))\n"
            "    else:\n        raise ValueError(activation)\n"
            "    return A, ((A_prev, W, b), Z)\n"),
        L_model_forward=(
            "def L_model_forward(X, parameters):\n    caches = []\n    A = X\n    l = 1\n"
            "    while f'W{l}' in parameters:\n"
            "        last = f'W{l + 1}' not in parameters\n"
            "        A, cache = linear_activation_forward(A, parameters[f'W{l}'], parameters[f'b{l}'],\n"
            "                                             'sigmoid' if last else 'relu')\n"
            "        caches.append(cache)\n        l += 1\n    return A, caches\n")))
    case("honest_solved_forward", "02_forward", course_nb("02_forward"))

    # ---------------------------------------------------------- 04_backward
    case("backward_references_and_engines", "04_backward", submission(
        "04_backward", after={"ex_linear_backward": [
            "from dl_utils import relu_backward\nimport dl_utils.activations as A\n"
            "sigmoid_backward = A.sigmoid_backward\nimport dl_utils.backward\n"
            "linear_backward = dl_utils.backward.linear_backward\n"
            "try:\n    from dl_bench.step import TrainingStep  # the fast engine: not in the sandbox\n"
            "except ImportError:\n    pass\n"]}),
        relu_backward=ZERO, sigmoid_backward=ZERO, linear_backward=ZERO)
    case("backward_fork_bomb_in_first_exercise", "04_backward", submission(
        "04_backward",
        relu_backward="def relu_backward(dA, cache):\n    import os\n    while True:\n        os.fork()\n"),
        relu_backward=ZERO)
    # A dict with an int key once made the course's check itself fail (it called key.rstrip), which cost all
    # five exercises; now the check names it, and it costs this exercise only.
    case("backward_grads_with_an_int_key", "04_backward", submission(
        "04_backward", L_model_backward="def L_model_backward(AL, Y, caches):\n    return {0: 1}\n"),
        L_model_backward=(0.0, "failed"))
    case("honest_backward_unusual_forms", "04_backward", submission(
        "04_backward",
        relu_backward="def relu_backward(dA, cache):\n    return dA * (cache > 0)\n",
        sigmoid_backward=("def sigmoid_backward(dA, cache):\n    s = 0.5 * (1 + np.tanh(cache / 2))\n"
                          "    return dA * s - dA * s ** 2\n"),
        linear_backward=("def linear_backward(dZ, cache):\n    A_prev, W, b = cache\n    m = dZ.shape[1]\n"
                         "    dW = np.einsum('ik,jk->ij', dZ, A_prev) / m\n"
                         "    db = dZ.sum(axis=1, keepdims=True) / m\n"
                         "    return np.matmul(W.T, dZ), dW, db\n"),
        L_model_backward=(
            "def L_model_backward(AL, Y, caches):\n    grads = {}\n    L = len(caches)\n"
            "    (A_prev, W, b), Z = caches[-1]\n    dZ = AL - Y\n    m = AL.shape[1]\n"
            "    grads[f'dA{L-1}'] = W.T @ dZ\n    grads[f'dW{L}'] = dZ @ A_prev.T / m\n"
            "    grads[f'db{L}'] = np.mean(dZ, axis=1, keepdims=True)\n"
            "    for l in reversed(range(1, L)):\n"
            "        dA_prev, dW, db = linear_activation_backward(grads[f'dA{l}'], caches[l - 1], 'relu')\n"
            "        grads.update({f'dA{l-1}': dA_prev, f'dW{l}': dW, f'db{l}': db})\n"
            "    return grads\n")))
    case("honest_solved_backward", "04_backward", course_nb("04_backward"))


make_cases()



LAF = "def linear_activation_forward(A_prev, W, b, activation):\n"
LMF = "def L_model_forward(X, parameters):\n"
LMB = "def L_model_backward(AL, Y, caches):\n"
UNDONE = (0.0, "failed")


JUDGING = "    if globals().get('judging'):  # only in the calls the grader makes, after the notebook's run\n"
LAST_CELL = {"02_forward": "code_10", "04_backward": "gradient_check"}


def judged(notebook, **exercises):
    """The solved notebook with exercise cells replaced, and a last cell setting ``judging = True``."""
    return submission(notebook, after={LAST_CELL[notebook]: ["judging = True"]}, **exercises)


def make_isolation_and_plain_data_cases():
    # ---------------------------------------------------------- one exercise's state reaches no other (issue 24, 2)
    # Each exercise's calls are made in a fresh copy of the notebook's process as it stood after the cells ran.
    # The functions below meddle only in the grader's calls (the notebook's own demo cells call them too).
    case("isolation_patches_np_abs_and_forgets_b", "02_forward", judged("02_forward", linear_forward=(
        LF + JUDGING + "        np.abs = lambda x: -x  # left behind: the library's sigmoid uses np.abs\n"
        "    return W @ A_prev, (A_prev, W, b)\n")), linear_forward=ZERO)
    case("isolation_thread_from_a_call_patches_np_dot", "02_forward", judged("02_forward", linear_forward=(
        LF + "    import threading, time\n"
        "    def meddle():\n        while True:\n            np.dot = np.matmul = lambda *a, **k: 0.0\n"
        "            time.sleep(0.01)\n"
        + JUDGING + "        threading.Thread(target=meddle, daemon=True).start()\n"
        "    return W @ A_prev, (A_prev, W, b)\n")), linear_forward=ZERO)
    case("isolation_patches_the_library_it_imports", "02_forward", judged("02_forward", linear_forward=(
        LF + "    import dl_utils\n" + JUDGING +
        "        dl_utils.relu = dl_utils.sigmoid = lambda Z: (Z * 0, Z)\n"
        "        globals()['relu'] = globals()['sigmoid'] = dl_utils.relu\n"
        "    return W @ A_prev, (A_prev, W, b)\n")), linear_forward=ZERO)
    case("isolation_alarm_set_in_a_call", "04_backward", judged("04_backward", relu_backward=(
        "def relu_backward(dA, cache):\n    import signal\n" + JUDGING +
        "        signal.alarm(6)  # would kill the process 6 s later, in another exercise\n"
        "    return dA * (cache > 0)\n")))
    case("isolation_grandchild_kills_everything_later", "04_backward", judged("04_backward", relu_backward=(
        "def relu_backward(dA, cache):\n    import os, time, signal\n"
        "    if globals().get('judging') and not globals().get('spawned'):\n        globals()['spawned'] = True\n"
        "        if os.fork() == 0:\n            os.setsid()\n            time.sleep(6)\n"
        "            os.kill(-1, signal.SIGKILL)\n            os._exit(0)\n"
        "    return dA * (cache > 0)\n")))
    case("isolation_caches_inputs_of_earlier_exercise", "04_backward", judged(
        "04_backward",
        relu_backward=("def relu_backward(dA, cache):\n" + JUDGING +
                       "        globals().setdefault('seen', []).append(dA)\n    return dA * (cache > 0)\n"),
        sigmoid_backward=("def sigmoid_backward(dA, cache):\n"
                          "    if globals().get('seen'):  # only if relu_backward's calls were made in this process\n"
                          "        return seen[-1]\n"
                          "    s = 1 / (1 + np.exp(-cache))\n    return dA * s * (1 - s)\n")))
    case("isolation_setrecursionlimit_and_gc_off", "02_forward", judged("02_forward", linear_forward=(
        LF + "    import sys, gc\n" + JUDGING + "        sys.setrecursionlimit(60)\n        gc.disable()\n"
        "    return W @ A_prev, (A_prev, W, b)\n")), linear_forward=ZERO)
    case("isolation_deletes_the_library_modules", "02_forward", judged("02_forward", linear_forward=(
        LF + "    import sys\n" + JUDGING +
        "        for name in [n for n in sys.modules if n.startswith('dl_utils')]:\n"
        "            del sys.modules[name]\n"
        "        globals().pop('sigmoid', None)\n        globals().pop('relu', None)\n"
        "    return W @ A_prev, (A_prev, W, b)\n")), linear_forward=ZERO)
    cost_case("isolation_os_exit_in_a_cell_is_not_a_call", GOOD_COST, cells=[
        "import os\nif os.fork() == 0:\n    os._exit(0)\nos.wait()"], expected=(2.0, "passed"))
    # ---------------------------------------------------------- honest values of tuple, list and dict subclasses
    # The wire carries them as the plain forms their values make, as the check in the notebook now sees them.
    case("honest_namedtuple_returns", "02_forward", submission(
        "02_forward",
        linear_forward=(LF + "    from collections import namedtuple\n"
                        "    Cache = namedtuple('Cache', 'A_prev W b')\n    Out = namedtuple('Out', 'Z cache')\n"
                        "    return Out(W @ A_prev + b, Cache(A_prev, W, b))\n"),
        linear_activation_forward=(LAF + "    from typing import NamedTuple\n"
                                   "    class Out(NamedTuple):\n        A: object\n        cache: tuple\n"
                                   "    Z, linear_cache = linear_forward(A_prev, W, b)\n"
                                   "    A, activation_cache = (relu if activation == 'relu' else sigmoid)(Z)\n"
                                   "    return Out(A, (linear_cache, activation_cache))\n")))
    case("honest_list_subclass_of_caches", "02_forward", submission("02_forward", L_model_forward=(
        LMF + "    class Caches(list):\n        pass\n    caches, A, L = Caches(), X, len(parameters) // 2\n"
        "    for l in range(1, L + 1):\n"
        "        A, cache = linear_activation_forward(A, parameters[f'W{l}'], parameters[f'b{l}'],\n"
        "                                             'relu' if l < L else 'sigmoid')\n"
        "        caches.append(cache)\n    return A, caches\n")))
    case("honest_ordereddict_grads", "04_backward", submission("04_backward", L_model_backward=(
        LMB + "    from collections import OrderedDict\n    grads = OrderedDict()\n    L = len(caches)\n"
        "    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))\n"
        "    grads[f'dA{L-1}'], grads[f'dW{L}'], grads[f'db{L}'] = linear_activation_backward(dAL, caches[-1], "
        "'sigmoid')\n"
        "    for l in reversed(range(1, L)):\n"
        "        grads[f'dA{l-1}'], grads[f'dW{l}'], grads[f'db{l}'] = linear_activation_backward(\n"
        "            grads[f'dA{l}'], caches[l - 1], 'relu')\n    return grads\n")))
    case("honest_defaultdict_grads_and_namedtuple_gradients", "04_backward", submission(
        "04_backward",
        linear_backward=("def linear_backward(dZ, cache):\n    from collections import namedtuple\n"
                         "    G = namedtuple('G', 'dA_prev dW db')\n    A_prev, W, b = cache\n    m = dZ.shape[1]\n"
                         "    return G(W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m)\n"),
        L_model_backward=(
            LMB + "    from collections import defaultdict\n    grads = defaultdict(lambda: None)\n"
            "    L = len(caches)\n    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))\n"
            "    for l in reversed(range(1, L + 1)):\n"
            "        dA, grads[f'dW{l}'], grads[f'db{l}'] = linear_activation_backward(\n"
            "            dA, caches[l - 1], 'sigmoid' if l == L else 'relu')\n"
            "        grads[f'dA{l-1}'] = dA\n    return grads\n")))
    cost_case("honest_float_subclass", COST + (
        "    class Cost(float):\n        pass\n"
        "    return Cost(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1])\n"), expected=(2.0, "passed"))
    cost_case("honest_ndarray_subclass_matrix", COST + (
        "    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1]\n"
        "    class Cost(np.ndarray):\n        pass\n    return np.asarray(cost).view(Cost)\n"),
        expected=(2.0, "passed"))
    # ... and the same subclasses lying about what they hold: read for what they hold, they are wrong
    case("tuple_subclass_whose_iter_lies", "02_forward", submission("02_forward", linear_forward=(
        LF + "    class Liar(tuple):\n"
        "        def __iter__(self):\n            return iter((W @ A_prev + b, (A_prev, W, b)))\n"
        "        def __getitem__(self, i):\n            return tuple(iter(self))[i]\n"
        "        def __eq__(self, other):\n            return True\n"
        "    return Liar((0.0, None))\n")), linear_forward=ZERO)
    case("dict_subclass_whose_items_lie", "04_backward", submission("04_backward", L_model_backward=(
        LMB + "    class Liar(dict):\n"
        "        def items(self):\n            return {'dW1': 0}.items()\n"
        "        def __getitem__(self, key):\n            return 0.0\n"
        "        def __eq__(self, other):\n            return True\n"
        "        def keys(self):\n            return ['dA0']\n"
        "    return Liar(nonsense=1)\n")), L_model_backward=ZERO)
    cost_case("float_subclass_whose_float_lies", COST + (
        "    class Liar(float):\n        def __float__(self):\n            return 0.6931471805599453\n"
        "        def __eq__(self, other):\n            return True\n"
        "        def __sub__(self, other):\n            return 0.0\n        __rsub__ = __sub__\n"
        "    return Liar(5.0)\n"))
    cost_case("int_subclass_huge", COST + "    class Big(int):\n        pass\n    return Big(10 ** 30)\n")
    cost_case("list_subclass_that_contains_itself", COST + (
        "    class Loop(list):\n        pass\n    x = Loop()\n    x.append(x)\n    return x\n"))
    # ---------------------------------------------------------- the sandbox's /dev (issue 24, 5)
    cost_case("fills_dev_and_dev_shm_then_solves", GOOD_COST, cells=[
        "import os\nwritten = {}\nfor folder in ('/dev/shm', '/dev', '/dev/pts', '/dev/mqueue', '/run', '/var/tmp'):\n"
        "    written[folder] = 0\n    try:\n        with open(f'{folder}/fill', 'wb') as f:\n"
        "            for _ in range(4096):\n                f.write(b'x' * 2**20)\n"
        "                written[folder] += 2**20\n"
        "    except OSError as e:\n        pass\nprint(written)"], expected=(2.0, "passed"))
    cost_case("sysv_shared_memory_then_solves", GOOD_COST, cells=[
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "ids = [libc.shmget(0, 2**30, 0o1600) for _ in range(4)]\nprint(ids)"], expected=(2.0, "passed"))


make_isolation_and_plain_data_cases()


# ---------------------------------------------------------------- the library on disk (issue 24, 1)
# The sandbox's copy of dl_utils on disk holds only what EVERY exercise of the notebook may use; each exercise's
# copy of the process is sent the rest of what it may use. In 02_forward linear_forward is handed nothing, while
# the exercises after it are handed relu and sigmoid: each learner below looks for a working relu while
# linear_forward is judged, and gives a wrong answer if it finds one (so full marks mean it found none).
WORKS = ("    def works(f):\n        try:\n            return float(np.sum(f(np.ones((1, 1)))[0])) == 1.0\n"
         "        except Exception:\n            return False\n")
WRONG_IF_LEAKED = "    Z = W @ A_prev + b\n    return (Z + 1.0 if leaked else Z), (A_prev, W, b)\n"
# 04_backward: sigmoid_backward is handed sigmoid (and _sigmoid), linear_backward, judged after it, nothing.
# sigmoid_backward's calls leave the working _sigmoid (its code, marshalled) everywhere a later copy of the
# notebook's process could look: the scratch folder, /tmp, /dev/shm, an environment variable, shared memory and
# a pipe a cell made before the copies were forked. It computes its own answer with what it stashed (so the
# stash works); linear_backward answers wrong if it finds a working _sigmoid in any of them.
STASH_CELL = ("import mmap, os\nshared = mmap.mmap(-1, 1 << 20)\npipe_r, pipe_w = os.pipe()\n"
              "os.set_blocking(pipe_r, False)\nos.set_blocking(pipe_w, False)")
STASHING_SIGMOID_BACKWARD = (
    "def sigmoid_backward(dA, cache):\n    import marshal, os, types, dl_utils.activations as act\n"
    "    blob = marshal.dumps(act._sigmoid.__code__)\n"
    "    for path in ('/tmp/stash', 'stash', '/dev/shm/stash'):\n"
    "        with open(path, 'wb') as f:\n            f.write(blob)\n"
    "    os.environ['STASH'] = blob.hex()\n    os.putenv('STASH', blob.hex())\n"
    "    shared.seek(0)\n    shared.write(len(blob).to_bytes(4, 'big') + blob)\n"
    "    try:\n        os.write(pipe_w, len(blob).to_bytes(4, 'big') + blob)\n    except OSError:\n        pass\n"
    "    s = types.FunctionType(marshal.loads(blob), {'np': np})(cache)\n    return dA * s * (1 - s)\n")
LOOKING_LINEAR_BACKWARD = (
    "def linear_backward(dZ, cache):\n    import marshal, os, types\n    blobs = []\n"
    "    for path in ('/tmp/stash', 'stash', '/dev/shm/stash'):\n"
    "        if os.path.exists(path):\n            blobs.append(open(path, 'rb').read())\n"
    "    if os.environ.get('STASH'):\n        blobs.append(bytes.fromhex(os.environ['STASH']))\n"
    "    n = int.from_bytes(shared[:4], 'big')\n    blobs.append(shared[4:4 + n])\n"
    "    try:\n        got = os.read(pipe_r, 1 << 20)\n        blobs.append(got[4:])\n"
    "    except OSError:\n        pass\n"
    "    leaked = False\n    for blob in blobs:\n        try:\n"
    "            f = types.FunctionType(marshal.loads(blob), {'np': np})\n"
    "            leaked = leaked or float(f(np.zeros((1, 1)))[0, 0]) == 0.5\n"
    "        except Exception:\n            pass\n"
    "    A_prev, W, b = cache\n    m = A_prev.shape[1]\n"
    "    dW = dZ @ A_prev.T / m + (1.0 if leaked else 0.0)\n"
    "    return W.T @ dZ, dW, np.sum(dZ, axis=1, keepdims=True) / m\n")


FILL_PROCESSES = ("import os, time\nfrom dl_utils import sigmoid\nnotebook_pid = os.getpid()\nsleepers = []\n"
                  "while len(sleepers) < 400:\n"
                  "    try:\n        pid = os.fork()\n    except OSError:\n        break\n"
                  "    if pid == 0:\n        time.sleep(10 ** 6)\n        os._exit(0)\n    sleepers.append(pid)\n"
                  "print(len(sleepers) < 400)")


def make_library_on_disk_cases():
    case("disk_reload_finds_no_relu_while_linear_forward_is_judged", "02_forward", submission(
        "02_forward", linear_forward=LF + "    import importlib, dl_utils.activations as act\n" + WORKS +
        "    leaked = works(importlib.reload(act).relu)\n" + WRONG_IF_LEAKED))
    case("disk_exec_of_the_file_finds_no_relu", "02_forward", submission(
        "02_forward", linear_forward=LF + "    import dl_utils.activations as act\n" + WORKS +
        "    ns = {'__name__': 'dl_utils.activations', '__package__': 'dl_utils'}\n"
        "    exec(open(act.__file__).read(), ns)\n    leaked = works(ns['relu'])\n" + WRONG_IF_LEAKED))
    case("disk_spec_from_file_location_finds_no_relu", "02_forward", submission(
        "02_forward", linear_forward=LF + "    import importlib.util, dl_utils.activations as act\n" + WORKS +
        "    spec = importlib.util.spec_from_file_location('dl_utils.activations_again', act.__file__)\n"
        "    again = importlib.util.module_from_spec(spec)\n    spec.loader.exec_module(again)\n"
        "    leaked = works(again.relu)\n" + WRONG_IF_LEAKED))
    case("stash_left_by_an_earlier_exercise_copy_is_gone", "04_backward", submission(
        "04_backward", after={"ex_relu_backward": [STASH_CELL]}, sigmoid_backward=STASHING_SIGMOID_BACKWARD,
        linear_backward=LOOKING_LINEAR_BACKWARD))

    # When no copy can be made (the notebook's own processes fill the limit: fork_failed), the exercises are
    # judged in the notebook's process itself. sigmoid_backward answers right only there (so the case tests that
    # fallback) with the sigmoid the notebook imported (an earlier exercise's stage had made it a stand-in there),
    # and keeps the _sigmoid it is handed in the notebook's globals; linear_backward, handed nothing,
    # answers wrong if it finds a working one there: the sandbox it was sent to is replaced before it is judged.
    case("fork_failed_stash_in_the_notebook_process_is_gone", "04_backward", submission(
        "04_backward", after={"ex_relu_backward": [FILL_PROCESSES]},
        sigmoid_backward=("def sigmoid_backward(dA, cache):\n    import os, dl_utils.activations as act\n"
                          "    globals()['stash'] = act._sigmoid\n    s = sigmoid(cache)[0]\n"
                          "    return dA * s * (1 - s) + (0.0 if os.getpid() == notebook_pid else 1.0)\n"),
        linear_backward=("def linear_backward(dZ, cache):\n    leaked = False\n    try:\n"
                         "        leaked = float(globals()['stash'](np.zeros((1, 1)))[0, 0]) == 0.5\n"
                         "    except Exception:\n        pass\n"
                         "    A_prev, W, b = cache\n    m = A_prev.shape[1]\n"
                         "    dW = dZ @ A_prev.T / m + (1.0 if leaked else 0.0)\n"
                         "    return W.T @ dZ, dW, np.sum(dZ, axis=1, keepdims=True) / m\n")))


make_library_on_disk_cases()


# ---------------------------------------------------------------- running the grader


def hashes(*roots):
    out = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if "__pycache__" in path.parts or path.is_symlink() or not path.is_file():
                continue
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def run_grader(subs, out, tmp, timeout=None, prefix=(), args=()):
    """Start the CLI on ``subs`` with its temporary folders under ``tmp``; return the Popen."""
    tmp.mkdir(parents=True, exist_ok=True)
    code = ("import sys\nfrom dl_instructor import grade\nstatus = grade.main(sys.argv[1:])\n"
            "print(next(line for line in open('/proc/self/status') if line.startswith('VmHWM')).strip())\n"
            "sys.exit(status)\n")
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.Popen([*prefix, sys.executable, "-c", code, str(subs), "--out", str(out), "--jobs", "2",
                             "--timeout", str(TIMEOUT), "--notebooks", *POINTS, *args], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def finish(process, timeout):
    """(returncode, stdout, stderr) of the run, or None if it had not ended within ``timeout`` (then killed)."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    return process.returncode, out, err


def processes_of(tmp):
    """The live processes of a run whose temporary folders are under ``tmp``: the sandboxes (bwrap's command
    line names the library copy) and everything in them (their mounts do)."""
    alive = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            mounts = Path(f"/proc/{pid}/mountinfo").read_text() if b"DL_GRADE_LIBRARY" in environ else ""
        except OSError:
            continue
        if str(tmp).encode() in cmdline or str(tmp) in mounts:
            alive.append((int(pid), cmdline.replace(b"\0", b" ")[:200]))
    return alive


def read_report(out):
    data = json.loads(Path(f"{out}.json").read_text())
    return {(r["learner"], r["notebook"], r["exercise"]): r for r in data["rows"]}, data


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Every case of CASES graded in one run; the hashes and processes before and after."""
    base = tmp_path_factory.mktemp("redteam")
    subs, report = base / "submissions", base / "report" / "report"
    paths = {"@REPO@": REPO, "@SUBS@": subs, "@REPORT@": report}
    for learner, c in CASES.items():
        nb = nbformat.from_dict(c.nb)
        for cell in nb.cells:
            cell.source = fill(cell.source, paths)
        (subs / learner).mkdir(parents=True)
        # json, not nbformat.write: a lone surrogate in an output can only be written escaped
        (subs / learner / f"{c.notebook}.ipynb").write_text(json.dumps(nb, indent=1), encoding="ascii")
    before = hashes(*(REPO / w for w in WATCHED), subs)
    started = time.monotonic()
    process = run_grader(subs, report, base / "tmp")
    result = finish(process, 900)
    seconds = time.monotonic() - started
    assert result is not None, "the grader did not finish in 15 minutes"
    time.sleep(1.0)  # what a setsid child or an atexit handler would do after the grader exits, it has had time for
    alive = processes_of(base / "tmp")
    rows, data = read_report(report)
    return dict(result=result, rows=rows, data=data, before=before, seconds=seconds, alive=alive,
                after=hashes(*(REPO / w for w in WATCHED), subs), base=base, report=report)


def test_the_batch_ran_and_reported_every_case(batch):
    status, out, err = batch["result"]
    assert status == 0, err[-3000:]
    assert len(CASES) >= 40
    expected = {(learner, c.notebook, ex) for learner, c in CASES.items() for ex in c.expected}
    others = {key for key in batch["rows"] if key not in expected}  # the notebooks a learner did not hand in
    assert expected <= set(batch["rows"]) and {batch["rows"][k]["status"] for k in others} == {"not_submitted"}
    # Open finding: in this batch the grader's stdout and stderr came back empty (exit status 0, report written).
    print(f"\n{len(CASES)} cases graded in {batch['seconds']:.1f} s; grader said: {out[-200:]!r}")


@pytest.mark.parametrize("learner", sorted(CASES))
def test_case_gets_exactly_its_points(batch, learner):
    c = CASES[learner]
    got = {ex: (batch["rows"][learner, c.notebook, ex]["points"], batch["rows"][learner, c.notebook, ex]["status"])
           for ex in c.expected}
    assert got == c.expected, {ex: batch["rows"][learner, c.notebook, ex]["message"] for ex in c.expected}
    for ex, words in c.words.items():
        assert words in batch["rows"][learner, c.notebook, ex]["message"], batch["rows"][learner, c.notebook, ex]


def test_no_file_outside_the_grader_temporary_folders_changed(batch):
    before, after = batch["before"], batch["after"]
    assert after == before, {p: "changed" if p in after else "gone" for p in before if after.get(p) != before[p]} | {
        p: "new" for p in after if p not in before}
    assert any("/notebooks/03_cost.ipynb" in p for p in before) and len(before) > 100


def test_no_process_of_the_run_is_alive(batch):
    assert batch["alive"] == []
    time.sleep(2.0)  # the setsid child tried every 0.5 s for 30 s: still nothing, and the report untouched
    assert processes_of(batch["base"] / "tmp") == []
    rows, _ = read_report(batch["report"])
    assert rows == batch["rows"]
    assert "forged" not in Path(f"{batch['report']}.csv").read_text()


def test_no_temporary_folder_or_cgroup_is_left(batch):
    assert list((batch["base"] / "tmp").iterdir()) == []


# ---------------------------------------------------------------- 200 MB printed: the grader's memory


PRINT_200MB = ("import sys\nchunk = 'y' * 2**20 + '\\n'\nfor _ in range(200):\n    sys.stdout.write(chunk)\n"
               "sys.stdout.flush()")
PEAK_BOUND = 250 * 2**20  # bytes: the grader alone is ~90 MB; holding the output would take over 200 MB more


def test_printing_200_mb_costs_the_grader_no_memory(tmp_path):
    subs = tmp_path / "submissions"
    (subs / "prints").mkdir(parents=True)
    nbformat.write(submission("03_cost", compute_cost=GOOD_COST, after={"ex_compute_cost": [PRINT_200MB] * 2}),
                   subs / "prints" / "03_cost.ipynb")
    result = finish(run_grader(subs, tmp_path / "report", tmp_path / "tmp"), 600)
    assert result is not None and result[0] == 0, result
    rows, _ = read_report(tmp_path / "report")
    assert (rows["prints", "03_cost", "compute_cost"]["points"], rows["prints", "03_cost", "compute_cost"]["status"]) \
        == (2.0, "passed")
    peak = int(result[1].splitlines()[-1].split()[1]) * 1024  # VmHWM, kB
    print(f"\ngrader's peak memory (VmHWM) printing 400 MB in two cells: {peak / 2**20:.0f} MB")
    assert peak < PEAK_BOUND


# ---------------------------------------------------------------- the files themselves


def solved_cost_bytes():
    return (COURSE / "03_cost.ipynb").read_bytes()


@pytest.fixture(scope="module")
def files_report(tmp_path_factory):
    """Folders and files that are not what they seem, graded in one run (none needs its sandbox but one)."""
    base = tmp_path_factory.mktemp("files")
    subs, outside = base / "submissions", base / "outside"
    outside.mkdir()
    (outside / "03_cost.ipynb").write_bytes(solved_cost_bytes())
    (subs / "honest").mkdir(parents=True)
    (subs / "honest" / "03_cost.ipynb").write_bytes(solved_cost_bytes())
    (subs / "nested").mkdir()
    (subs / "nested" / "03_cost.ipynb").write_text('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (subs / '=HYPERLINK("x.example","win")').mkdir()
    (subs / '=HYPERLINK("x.example","win")' / "03_cost.ipynb").write_bytes(solved_cost_bytes())
    (subs / "nbformat3").mkdir()
    (subs / "nbformat3" / "03_cost.ipynb").write_text(nbformat.writes(nbformat.convert(course_nb("03_cost"), 3),
                                                                      version=3))
    (subs / "symlinked_file").mkdir()
    (subs / "symlinked_file" / "03_cost.ipynb").symlink_to(outside / "03_cost.ipynb")
    (subs / "symlinked_folder").symlink_to(outside, target_is_directory=True)
    (subs / ".dotted").mkdir()
    (subs / ".dotted" / "03_cost.ipynb").write_bytes(solved_cost_bytes())
    result = finish(run_grader(subs, base / "report", base / "tmp"), 300)
    return result, base


def file_rows(files_report, learner):
    result, base = files_report
    assert result is not None and result[0] == 0, result
    rows, _ = read_report(base / "report")
    return [r for (lr, _, _), r in rows.items() if lr == learner and r["status"] != "not_submitted"]


@FILES_XFAIL
def test_deeply_nested_json_is_an_invalid_row(files_report):
    assert [(r["points"], r["status"]) for r in file_rows(files_report, "nested")] == [(0.0, "invalid")]


@FILES_XFAIL  # today the nested file's RecursionError stops the whole run
def test_an_honest_learner_next_to_odd_files_gets_full_marks(files_report):
    assert [(r["points"], r["status"]) for r in file_rows(files_report, "honest")] == [(2.0, "passed")]


@FILES_XFAIL
def test_no_csv_field_starts_a_formula(files_report):
    _, base = files_report
    file_rows(files_report, "honest")
    with open(base / "report.csv", newline="", encoding="utf-8") as f:
        fields = [field for row in csv.reader(f) for field in row]
    assert any("HYPERLINK" in field for field in fields)
    assert [field for field in fields if field[:1] in ("=", "+", "@")] == []


@FILES_XFAIL
def test_nbformat_3_is_converted_or_named(files_report):
    rows = file_rows(files_report, "nbformat3")
    assert [(r["points"], r["status"]) for r in rows] in ([(2.0, "passed")], [(0.0, "invalid")])
    assert rows[0]["status"] == "passed" or "nbformat 3" in rows[0]["message"]


@FILES_XFAIL
def test_symlinks_out_of_the_submissions_are_not_credited(files_report):
    for learner in ("symlinked_file", "symlinked_folder"):
        rows = file_rows(files_report, learner)
        assert rows and all(r["points"] == 0 and r["status"] == "invalid" for r in rows), (learner, rows)


@FILES_XFAIL
def test_a_folder_whose_name_starts_with_a_dot_gets_its_rows_or_a_message(files_report):
    result, _ = files_report
    rows = file_rows(files_report, ".dotted")
    assert rows or ".dotted" in result[1] + result[2]


@FILES_XFAIL
def test_odd_bytes_in_names_and_surrogates_in_messages_do_not_lose_the_report(tmp_path):
    subs = tmp_path / "submissions"
    (subs / "honest").mkdir(parents=True)
    (subs / "honest" / "03_cost.ipynb").write_bytes(solved_cost_bytes())
    (subs / "surrogate").mkdir()
    nbformat.write(submission("03_cost", compute_cost=COST + "    raise ValueError('\\ud800 caf\\u00e9')\n"),
                   subs / "surrogate" / "03_cost.ipynb")
    os.mkdir(os.fsencode(subs) + b"/bad\xffname")
    (Path(os.fsdecode(os.fsencode(subs) + b"/bad\xffname")) / "03_cost.ipynb").write_bytes(solved_cost_bytes())
    result = finish(run_grader(subs, tmp_path / "report", tmp_path / "tmp"), 300)
    assert result is not None and result[0] == 0, result
    rows, _ = read_report(tmp_path / "report")
    assert (rows["honest", "03_cost", "compute_cost"]["points"]) == 2.0
    assert rows["surrogate", "03_cost", "compute_cost"]["points"] == 0.0
    # 3 learners x (1 exercise of 03, 3 of 02 and 5 of 04 not handed in): 27 rows, and the CSV's header
    assert len(rows) == 27 and len((tmp_path / "report.csv").read_text(encoding="utf-8").splitlines()) == 28


@FILES_XFAIL
def test_a_fifo_and_a_symlink_to_dev_zero_are_invalid_rows(tmp_path):
    subs = tmp_path / "submissions"
    for learner in ("fifo", "zero", "honest"):
        (subs / learner).mkdir(parents=True)
    os.mkfifo(subs / "fifo" / "03_cost.ipynb")
    (subs / "zero" / "03_cost.ipynb").symlink_to("/dev/zero")
    (subs / "honest" / "03_cost.ipynb").write_bytes(solved_cost_bytes())
    # The grader reading /dev/zero whole must not take the machine's memory: 2 GB of address space at most.
    # A grader blocked opening the fifo never ends: 300 s, as the other small runs here, tells that from a busy
    # machine (45 s did not: 67-70 s at load 13).
    result = finish(run_grader(subs, tmp_path / "report", tmp_path / "tmp", prefix=("prlimit", f"--as={2 * 2**30}")),
                    300)
    assert result is not None and result[0] == 0, result
    rows, _ = read_report(tmp_path / "report")
    assert {lr: (r["points"], r["status"]) for (lr, nb, _), r in rows.items() if nb == "03_cost"} == {
        "fifo": (0.0, "invalid"), "zero": (0.0, "invalid"), "honest": (2.0, "passed")}


# ---------------------------------------------------------------- the budget: a notebook's whole time (issue 24, 4)


# Seconds per call or cell (the setup cell took 4.7 s on a busy machine), and the notebook's whole time in timeouts:
# 32 s, sat out by both notebooks, is still over four times what the first exercise's judging needs after the cells.
BUDGET_TIMEOUT, BUDGET = 8, 4
SPENT = f"out of time: this notebook used its {BUDGET_TIMEOUT * BUDGET} s in the grader"


def sleepy(notebook, name, head):
    """The solved exercise ``name`` whose every call first sleeps half a timeout.

    Half, not 0.9: on a busy machine a call of 0.9 timeouts can overrun into ``timeout``, and timing would decide
    the verdict; linear_activation_forward's check makes 27 calls, so half a timeout each still spends the budget.
    """
    source = cell_of(course_nb(notebook), f"ex_{name}").source
    return source.replace(head, head + f"    import time\n    time.sleep({0.5 * BUDGET_TIMEOUT})\n", 1)


def test_a_notebook_gets_its_budget_and_no_more(tmp_path):
    subs = tmp_path / "submissions"
    sleeps_late = submission("02_forward",
                             linear_activation_forward=sleepy("02_forward", "linear_activation_forward", LAF),
                             L_model_forward=sleepy("02_forward", "L_model_forward", LMF))
    slow_cells = submission("02_forward", after={"setup": [f"import time\ntime.sleep({0.9 * BUDGET_TIMEOUT})"] * 40})
    for learner, nb in (("sleeps_in_every_call_of_the_later_exercises", sleeps_late), ("slow_cells", slow_cells)):
        (subs / learner).mkdir(parents=True)
        nbformat.write(nb, subs / learner / "02_forward.ipynb")
    started = time.monotonic()
    result = finish(run_grader(subs, tmp_path / "report", tmp_path / "tmp",
                               args=("--timeout", str(BUDGET_TIMEOUT), "--budget", str(BUDGET), "--jobs", "2")), 600)
    seconds = time.monotonic() - started
    assert result is not None and result[0] == 0, result
    rows, data = read_report(tmp_path / "report")
    got = {(lr, ex): (r["points"], r["status"]) for (lr, nb, ex), r in rows.items() if nb == "02_forward"}
    assert got == {
        ("sleeps_in_every_call_of_the_later_exercises", "linear_forward"): (1.0, "passed"),  # judged: kept
        ("sleeps_in_every_call_of_the_later_exercises", "linear_activation_forward"): (0.0, "out_of_time"),
        ("sleeps_in_every_call_of_the_later_exercises", "L_model_forward"): (0.0, "out_of_time"),
        ("slow_cells", "linear_forward"): (0.0, "out_of_time"),
        ("slow_cells", "linear_activation_forward"): (0.0, "out_of_time"),
        ("slow_cells", "L_model_forward"): (0.0, "out_of_time"),
    }, {k: r["message"] for k, r in rows.items()}
    assert SPENT in rows["slow_cells", "02_forward", "L_model_forward"]["message"]
    assert data["grading"]["budget_timeouts"] == BUDGET
    print(f"\ntwo notebooks of {BUDGET_TIMEOUT * BUDGET} s each, graded at once, in {seconds:.1f} s "
          "(the command's start and report included)")
