"""Run a learner's notebook in a sandbox made with bubblewrap, and talk to it in plain data.

One sandbox per notebook run (a new one after a crash). It is made with ``bwrap``
(Debian's ``bubblewrap``, the tool Flatpak uses), and holds:

- **no network** and private PID, IPC, UTS, user and cgroup namespaces (``--unshare-all``):
  nothing it starts sees the machine's processes, and everything it started dies with it
  (its PID namespace ends when the grader kills it or exits, ``--die-with-parent``);
  ``--new-session`` keeps it off the grader's terminal;
- a **read-only** view of the system's programs and libraries, of the Python environment,
  of the course's datasets, and of the library copy the grader made for this notebook
  (:mod:`dl_instructor.strip`); nothing else of the machine: not the submissions, the
  course's notebooks, the grader's files or the report;
- one **writable scratch** folder, the notebook's working directory, and ``/tmp``, both
  memory-backed and of fixed size (``--size``), gone with the sandbox; a ``/dev`` of its own
  (``--dev``: null, zero, random, ...) that is **read-only**, but for ``/dev/shm``, a small
  memory-backed folder of fixed size too (``Limits.shm``), which Python's multiprocessing needs;
- **limits**: address space, CPU seconds, file size and open files (``setrlimit``), and,
  when the grader runs as root on a machine whose cgroups it may write, a cgroup with a
  memory limit and a process limit (``pids.max``); otherwise the process limit is
  ``RLIMIT_NPROC``, which the kernel applies to users other than root;
- its **output** read as it arrives and kept up to a cap, so printing a gigabyte costs the
  grader no more memory than printing a megabyte.

The grader talks to :mod:`dl_instructor.harness` inside it over pipes: one JSON line a
request, one a reply, each reply capped in size. Where ``bwrap`` cannot run (macOS,
Windows, a Linux without user namespaces), :func:`available` says why, and the grader
refuses untrusted work unless told ``--no-sandbox``, which :class:`Sandbox` then runs as
a plain child process with the same limits it can set.
"""

import hashlib
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .jsonshape import json_shape

HARNESS_DIR = Path(__file__).resolve().parent
MAX_OUTPUT = 100_000  # bytes of the learner's output kept per notebook run
MAX_REPLY = 64 * 2**20  # bytes of one reply
# JSON values of one reply, counted before it is parsed: a reply holds a value and the arguments after the call, each
# at most wire.MAX_ITEMS items of about 3 values; 60 MB of "{}," (20 million dicts) took 1.7 GB once parsed.
MAX_REPLY_VALUES = 1_000_000
MAX_REPLY_DEPTH = 80  # lists and objects inside one another: wire.MAX_DEPTH (32) for each of a value's levels and more
START_TIMEOUT = 60  # seconds for the sandbox to start and import numpy


@dataclass
class Limits:
    """What one sandbox may use."""

    memory: int = 4 * 2**30  # bytes of address space (RLIMIT_AS), and the cgroup's memory limit
    cpu_seconds: int = 600  # of CPU time in all (RLIMIT_CPU)
    processes: int = 64  # pids.max, or RLIMIT_NPROC
    file_size: int = 64 * 2**20  # bytes of one file it writes (RLIMIT_FSIZE)
    scratch: int = 256 * 2**20  # bytes of its writable folders (tmpfs --size)
    shm: int = 16 * 2**20  # bytes of /dev/shm (tmpfs --size); the rest of /dev is read-only
    open_files: int = 256


class SandboxError(Exception):
    """The sandbox stopped answering: it died, or was killed for running too long. ``status`` says which."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def available():
    """None if sandboxes can be made here, else the reason why not."""
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux (bubblewrap); this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)"
    probe = subprocess.run(["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return f"bubblewrap cannot make a sandbox here: {probe.stderr.strip()[:300]}"
    return None


def _python_paths():
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent.parent}
    return sorted({p.resolve() for p in paths if _visible(p)})


def _visible(path):
    # A normal user may not see a prefix that root's environment names (/root/.pyenv): then it is not needed.
    try:
        return path.exists()
    except OSError:
        return False


def _installed_copies():
    # A non-editable install of the course's packages holds their full source: hidden in the sandbox.
    import importlib.util

    found = []
    for name in ("dl_utils", "dl_instructor", "dl_bench"):
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            path = Path(location).resolve()
            if any(path.is_relative_to(p) for p in _python_paths()):
                found.append(path)
    return found


def bwrap_command(course_dir, data_dir, limits, cwd="/course/notebooks", in_tmp=()):
    """The ``bwrap`` command line that runs the harness on ``course_dir`` (holding the library copy).

    ``in_tmp``: bwrap arguments that put something in the sandbox's ``/tmp`` (:func:`font_list`).
    """
    cmd = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
           "--clearenv"]
    if os.geteuid() == 0:
        cmd += ["--uid", "65534", "--gid", "65534"]
    for top in ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/lib32", "/libx32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.shm), "--tmpfs", "/dev/shm",
            "--size", str(limits.scratch), "--tmpfs", "/tmp", *in_tmp]
    # After /tmp's tmpfs, so that a Python environment under /tmp (a CI clone) is not hidden by it.
    for path in _python_paths():
        if not str(path).startswith("/usr/"):
            cmd += ["--ro-bind", str(path), str(path)]
    for path in _installed_copies():
        cmd += ["--tmpfs", str(path)]
    cmd += ["--dir", "/course", "--ro-bind", str(course_dir), "/course/lib",
            "--ro-bind", str(HARNESS_DIR / "harness.py"), "/course/grader/harness.py",
            "--ro-bind", str(HARNESS_DIR / "wire.py"), "/course/grader/wire.py",
            "--size", str(limits.scratch), "--tmpfs", cwd]
    if data_dir is not None and Path(data_dir).is_dir():
        cmd += ["--ro-bind", str(data_dir), f"/course/lib/dl_utils/{Path(data_dir).name}"]
    cmd += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", cwd]  # not recursive: /dev/shm, /tmp stay
    for key, value in {**_environment("/course/lib", "/tmp"), "DL_GRADE_PID_NAMESPACE": "1"}.items():
        cmd += ["--setenv", key, value]
    return cmd + [sys.executable, "-I", "/course/grader/harness.py"]  # + the reply and interrupt descriptors


def _environment(library, home):
    return {"HOME": home, "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/matplotlib", "PYTHONDONTWRITEBYTECODE": "1",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "LANG": "C.UTF-8",
            "PATH": "/usr/bin:/bin", "DL_GRADE_LIBRARY": library, "PYTHONWARNINGS": "ignore"}


# ---------------------------------------------------------------- matplotlib's font list


FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")  # what a sandbox's matplotlib scans (its HOME is /tmp)
MPL_DIR = "/tmp/matplotlib"  # MPLCONFIGDIR in the sandbox (_environment)
_FONTS = {}  # "key": this process's key; key -> path of the font list, or None (made once, or read from the cache)
_FONTS_LOCK = threading.Lock()


def font_list(course_dir, data_dir, limits):
    """The path of matplotlib's font list (``fontlist-v*.json``) as a sandbox builds it, or None.

    A sandbox's ``/tmp`` starts empty, so each notebook's ``import matplotlib`` would scan the fonts
    and build the list again (0.3 s, a tenth of grading a notebook). It is built once instead, by
    the grader's own code (``import matplotlib.font_manager``) in a sandbox no learner's code ran
    in, kept in ``~/.cache/dl_instructor`` (``$XDG_CACHE_HOME``) under a key of the Python, the
    matplotlib and the fonts it saw, and each sandbox gets a writable copy of its own in
    ``/tmp/matplotlib``. Where it cannot be made or kept, None: each sandbox builds its own, as before.
    """
    with _FONTS_LOCK:
        if "key" not in _FONTS:  # the fonts and the Python, looked at once per process
            _FONTS["key"] = _fonts_key()
        key = _FONTS["key"]
        if key not in _FONTS:
            _FONTS[key] = _cached_font_list(key) or _build_font_list(key, course_dir, data_dir, limits)
        return _FONTS[key]


def _fonts_key():
    import importlib.metadata
    import importlib.util

    try:
        spec = importlib.util.find_spec("matplotlib")
        seen = [os.path.realpath(sys.executable), importlib.metadata.version("matplotlib"), spec.origin]
    except (ImportError, ValueError, AttributeError):
        return None
    for top in FONT_DIRS:
        for folder, _, names in sorted(os.walk(top)):
            for name in sorted(names):
                try:
                    info = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                seen.append(f"{folder}/{name} {info.st_size} {info.st_mtime_ns}")
    return hashlib.sha256("\n".join(map(str, seen)).encode()).hexdigest()[:20]


def _cache_dir():
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dl_instructor"


def _cached_font_list(key):
    if key is None:
        return None
    try:
        found = sorted(_cache_dir().glob(f"{key}-fontlist-v*.json"))
    except (OSError, RuntimeError):
        return None
    return found[-1] if found else None


def _build_font_list(key, course_dir, data_dir, limits):
    if key is None:
        return None
    folder = Path(tempfile.mkdtemp(prefix="dl_fonts_"))
    try:
        folder.chmod(0o777)  # the sandbox's user (nobody, when the grader is root) writes the list there
        cmd = bwrap_command(course_dir, data_dir, limits, in_tmp=("--bind", str(folder), MPL_DIR))
        cmd = cmd[:-1] + ["-c", "import matplotlib.font_manager"]  # the grader's code, not the harness
        subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=START_TIMEOUT,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        built = sorted(folder.glob("fontlist-v*.json"))
        if len(built) != 1 or not json.loads(built[0].read_text()):
            return None
        target = _cache_dir() / f"{key}-{built[0].name}"
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        shutil.copyfile(built[0], partial)
        os.replace(partial, target)  # whole, or not there: two graders may build it at once
        return target
    except (OSError, ValueError, RuntimeError, subprocess.SubprocessError):
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- cgroups


class _Cgroup:
    """A cgroup (v1 or v2) with a memory and a process limit, where this process may make one; else inert."""

    def __init__(self, limits):
        self.dirs, self.applied = [], []
        if os.geteuid() != 0:
            return
        name = f"dl_grade_{uuid.uuid4().hex[:12]}"
        own = self._own()
        if "" in own and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):  # cgroup v2 alone
            self._make(Path("/sys/fs/cgroup") / own[""].lstrip("/") / name,
                       {"memory.max": limits.memory, "pids.max": limits.processes})
            return
        for controller, settings in (("pids", {"pids.max": limits.processes}),
                                     ("memory", {"memory.limit_in_bytes": limits.memory})):
            if controller in own:
                self._make(Path("/sys/fs/cgroup") / controller / own[controller].lstrip("/") / name, settings)

    @staticmethod
    def _own():
        own = {}
        try:
            for line in Path("/proc/self/cgroup").read_text().splitlines():
                _, controllers, path = line.split(":", 2)
                for c in controllers.split(",") if controllers else [""]:
                    own[c] = path
        except OSError:
            pass
        return own

    def _make(self, path, settings):
        try:
            path.mkdir()
        except OSError:
            return
        self.dirs.append(path)
        for key, value in settings.items():
            try:
                (path / key).write_text(str(value))
                self.applied.append(key)
            except OSError:
                pass

    def enter(self):
        """Move the calling process (a child, just before exec) into the cgroup."""
        for path in self.dirs:
            try:
                (path / "cgroup.procs").write_text(str(os.getpid()))
            except OSError:
                pass

    def remove(self):
        for path in self.dirs:
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)


# ---------------------------------------------------------------- one sandbox


@dataclass
class _Pipes:
    replies: queue.Queue = field(default_factory=queue.Queue)
    output: bytearray = field(default_factory=bytearray)
    output_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)  # held while a chunk is read and kept
    closed: bool = False


class Sandbox:
    """One running harness: in bubblewrap (``isolate``), or as a plain child process (``--no-sandbox``)."""

    def __init__(self, course_dir, data_dir, limits=None, isolate=True, start_timeout=START_TIMEOUT):
        self.limits = limits or Limits()
        self.seq = 0
        self.isolate = isolate
        self.cgroup = _Cgroup(self.limits) if isolate else None
        requests_r, self._requests = os.pipe()
        replies_r, replies_w = os.pipe()
        self._interrupt_r, self._interrupt = os.pipe()
        output_r, output_w = os.pipe()
        fonts = font_list(course_dir, data_dir, self.limits) if isolate else None
        try:
            fonts_r = os.open(fonts, os.O_RDONLY) if fonts else None
        except OSError:
            fonts_r = None
        if isolate:
            in_tmp = () if fonts_r is None else ("--perms", "0777", "--dir", MPL_DIR, "--perms", "0666",
                                                 "--file", str(fonts_r), f"{MPL_DIR}/{fonts.name.split('-', 1)[1]}")
            cmd = bwrap_command(course_dir, data_dir, self.limits, in_tmp=in_tmp)
            env, cwd = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, None
        else:
            self._scratch = Path(tempfile.mkdtemp(prefix="scratch_", dir=Path(course_dir).parent))
            cmd = [sys.executable, "-I", str(HARNESS_DIR / "harness.py")]
            env = {**_environment(str(course_dir), str(self._scratch)), "PATH": os.environ.get("PATH", "")}
            if data_dir is not None:  # the library finds the datasets inside itself
                link = Path(course_dir) / "dl_utils" / Path(data_dir).name
                if link.is_dir() and not any(link.iterdir()):
                    link.rmdir()
                if not link.exists():
                    link.symlink_to(data_dir)
            cwd = self._scratch
        cmd = cmd + [str(replies_w), str(self._interrupt_r)]  # the harness's reply and interrupt descriptors
        self.process = subprocess.Popen(
            self._launcher() + cmd, stdin=requests_r, stdout=output_w, stderr=output_w, env=env, cwd=cwd,
            pass_fds=(replies_w, self._interrupt_r) + (() if fonts_r is None else (fonts_r,)), start_new_session=True)
        for fd in (requests_r, replies_w, output_w) + (() if fonts_r is None else (fonts_r,)):
            os.close(fd)
        self._pipes = _Pipes()
        self._output_fd = output_r
        self._reader = threading.Thread(target=self._read_replies, args=(replies_r,), daemon=True)
        self._drainer = threading.Thread(target=self._drain_output, args=(output_r,), daemon=True)
        self._reader.start()
        self._drainer.start()
        self.closed = False
        try:
            reply = self._wait(start_timeout)
        except TimeoutError:
            self.kill()
            raise SandboxError("not_run", f"the sandbox did not start within {start_timeout:g} s") from None
        if not reply.get("ready"):
            self.kill()
            raise SandboxError("not_run", f"the sandbox did not start: {self.last_words()}")

    def _launcher(self):
        # prlimit sets the limits, and a shell joins the cgroup before it becomes the sandbox (exec):
        # no preexec_fn, which is unsafe while the grader runs other notebooks in threads.
        limits = self.limits
        import resource

        hard = resource.getrlimit(resource.RLIMIT_AS)[1]  # never more than the grader itself may have
        memory = limits.memory if hard == resource.RLIM_INFINITY else min(limits.memory, hard)
        cmd = ["prlimit", f"--as={memory}", f"--cpu={limits.cpu_seconds}", f"--fsize={limits.file_size}",
               f"--nofile={limits.open_files}", "--core=0"]
        if os.geteuid() != 0:
            cmd.append(f"--nproc={limits.processes}")
        cmd.append("--")
        procs = [str(d / "cgroup.procs") for d in (self.cgroup.dirs if self.cgroup else [])]
        if procs:
            joins = " && ".join(f'echo $$ > "{p}"' for p in procs)
            cmd += ["/bin/sh", "-c", f'{joins}; exec "$@"', "sh"]
        return cmd

    def applied_limits(self):
        """The limits in force, in words, for the report."""
        words = ["address space", "CPU time", "file size", "open files"]
        if self.cgroup is not None and self.cgroup.applied:
            words += [{"pids.max": "processes (cgroup)", "memory.max": "memory (cgroup)",
                       "memory.limit_in_bytes": "memory (cgroup)"}[k] for k in self.cgroup.applied]
        elif os.geteuid() != 0:
            words.append("processes (RLIMIT_NPROC)")
        return words

    # -------------------------------------------------------- the pipes

    def _read_replies(self, fd):
        buffer = b""
        while True:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                self._pipes.replies.put(self._parse(line))
            if len(buffer) > MAX_REPLY:
                self._pipes.replies.put({"protocol_error": f"a reply over {MAX_REPLY // 2**20} MB"})
                buffer = b""
                break
        os.close(fd)
        self._pipes.replies.put(None)  # end of the replies: the harness is gone

    @staticmethod
    def _parse(line):
        depth, values = json_shape(line)
        if depth > MAX_REPLY_DEPTH or values > MAX_REPLY_VALUES:
            return {"protocol_error": f"a reply of {values} JSON values nested {depth} deep, not read (the grader "
                                      f"reads at most {MAX_REPLY_VALUES} values, {MAX_REPLY_DEPTH} deep)"}
        try:
            message = json.loads(line.decode("utf-8", "replace"))
        except (ValueError, RecursionError):
            return {"protocol_error": "a reply that is not JSON"}
        return message if isinstance(message, dict) else {"protocol_error": "a reply that is not a JSON object"}

    @staticmethod
    def _readable(fd, timeout):
        poll = select.poll()  # not select.select, which fails on descriptors over 1023
        poll.register(fd, select.POLLIN)
        return bool(poll.poll(timeout))

    def _drain_output(self, fd):
        while True:
            try:
                self._readable(fd, None)
            except OSError:
                break
            with self._pipes.lock:  # output_since may have read it meanwhile: read only if still there
                if self._readable(fd, 0) and not self._read_output(fd):
                    break
        with self._pipes.lock:
            self._pipes.closed = True
            os.close(fd)

    def _read_output(self, fd):
        """Read one chunk of the learner's output that is there to read (the lock held); False at its end."""
        pipes = self._pipes
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            return False
        if not chunk:
            return False
        pipes.output_bytes += len(chunk)
        room = MAX_OUTPUT - len(pipes.output)
        if room > 0:
            pipes.output += chunk[:room]
        return True

    def output_mark(self):
        """A position in the learner's output, for :meth:`output_since`."""
        return len(self._pipes.output), self._pipes.output_bytes

    def output_since(self, mark, written=None):
        """The learner's output since ``mark``, as text, and whether some of it was cut."""
        # The harness flushed its output before replying: read here what the drain thread has not yet read
        # (no fixed pause: 10 000 cells of `pass` took 5 ms each), a bounded amount in case threads still print.
        with self._pipes.lock:
            for _ in range(64):
                if self._pipes.closed or not self._readable(self._output_fd, 0):
                    break
                if not self._read_output(self._output_fd):
                    break
        kept, total = self._pipes.output[mark[0]:], self._pipes.output_bytes - mark[1]
        return kept.decode("utf-8", "replace"), total > len(kept)

    def last_words(self):
        text = self._pipes.output[-2000:].decode("utf-8", "replace").strip().splitlines()
        return text[-1] if text else f"exit status {self.process.poll()}"

    # -------------------------------------------------------- requests

    def _wait(self, timeout, accept=None):
        # The first reply that ``accept`` takes; the others (late replies to earlier requests) are dropped.
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = self._pipes.replies.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError from None
            if reply is None:
                self._pipes.replies.put(None)
                self.process.wait(timeout=10)
                raise SandboxError("crashed", f"the sandbox stopped (exit status {self.process.returncode}; "
                                              f"its last words: {self.last_words()})")
            if "protocol_error" in reply:
                self.kill()
                raise SandboxError("crashed", f"the sandbox broke the grader's protocol: {reply['protocol_error']}")
            if accept is None or accept(reply):
                return reply

    def request(self, message, timeout, copy_seq=None):
        """Send ``message``; return the reply. On ``timeout``, interrupt; if that fails, kill (SandboxError).

        The reply is the one that carries this request's ``seq``, or, while a copy of the harness
        made by the request numbered ``copy_seq`` serves (``fork``), the news that it ended.
        """
        if self.closed:
            raise SandboxError("crashed", "the sandbox was stopped before")
        self.seq += 1
        seq = self.seq

        def accept(reply):
            return reply.get("seq") == seq or (copy_seq is not None and "child_ended" in reply
                                               and reply.get("seq") == copy_seq)

        data = json.dumps({**message, "seq": seq}, allow_nan=True).encode() + b"\n"
        writer = threading.Thread(target=self._write, args=(data,), daemon=True)
        writer.start()
        try:
            return self._wait(timeout, accept)
        except TimeoutError:
            pass
        try:
            os.write(self._interrupt, b"!")
        except OSError:
            pass
        try:
            reply = self._wait(min(4.0, timeout), accept)
            reply.setdefault("interrupted", True)
            return reply
        except TimeoutError:
            self.kill()
            raise SandboxError("timeout", f"it ran longer than {timeout:g} s and did not stop when interrupted, "
                                          "so its sandbox was stopped") from None

    def _write(self, data):
        try:
            os.write(self._requests, data) if len(data) < 65536 else self._write_all(data)
        except OSError:
            pass

    def _write_all(self, data):
        view = memoryview(data)
        while view:
            written = os.write(self._requests, view)
            view = view[written:]

    def kill(self):
        """Stop the sandbox and everything in it; idempotent."""
        if not self.closed:
            self.closed = True
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for fd in (self._requests, self._interrupt, self._interrupt_r):
                try:
                    os.close(fd)
                except OSError:
                    pass
            if self.cgroup is not None:
                self.cgroup.remove()
            if not self.isolate:
                shutil.rmtree(self._scratch, ignore_errors=True)

    close = kill
