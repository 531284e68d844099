"""The sandbox's writable places are the documented ones, of the documented sizes, whoever runs the grader.

Issue 24, point 5. A sandbox is made (``dl_instructor.sandbox.Sandbox``, as the grader makes
it) and a cell inside writes as much as it can into every place it might: its scratch folder,
``/tmp``, ``/dev/shm``, ``/dev``, ``/var/tmp``, ``/run``, ``/course`` (the library, the grader's
program). The sizes hold with no cgroup: they are the tmpfs's own (``--size``) and the file size
limit (``RLIMIT_FSIZE``). The same probe runs as root (the grader as CI runs it) and, when this
machine lets an unprivileged user make user namespaces, as user ``nobody`` (``setpriv``), with no
cgroup at all. Here and on CI the test environment's Python lives under ``/root/.pyenv`` (mode 700),
which user ``nobody`` cannot read: that run uses the system's ``/usr/bin/python3`` instead, in a
virtual environment made in a world-readable temporary folder holding links to (or copies of) the
packages the probe and the sandbox import from the test environment; nothing of root's is chmod-ed.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sandboxed import require_sandbox

REPO = Path(__file__).resolve().parents[1]
MiB = 2**20
PLACES = ("/dev/shm", "/dev", "/var/tmp", "/run", "/course", "/course/lib/dl_utils", "/course/grader", "/tmp", ".")
SCRATCH = ("/tmp", ".")  # the documented writable folders (256 MB each)
FILL = """
import json, os
written = {}
for folder in %r:
    total, largest = 0, 0
    for i in range(8):
        size = 0
        try:
            with open(os.path.join(folder, f"fill{i}"), "wb") as f:
                for _ in range(80):
                    f.write(b"x" * 2**20)
                    f.flush()
                    size += 2**20
        except OSError:
            pass
        total, largest = total + size, max(largest, size)
        if size < 80 * 2**20:
            break
    written[folder] = [total, largest]
print("WRITTEN" + json.dumps(written))
""" % (PLACES,)


def probe():
    """Run in a process of its own (as root or as nobody): the bytes each place took, as JSON on stdout."""
    import dl_utils
    from dl_instructor import sandbox, strip

    folder = Path(tempfile.mkdtemp(prefix="dl_limits_"))
    os.chmod(folder, 0o755)
    try:
        for relative, text in strip.library_sources(Path(dl_utils.__file__).resolve().parent).items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text)
        for path in folder.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        box = sandbox.Sandbox(folder, None, sandbox.Limits())
        try:
            mark = box.output_mark()
            box.request({"op": "run", "index": 0, "code": FILL}, 300)
            output, _ = box.output_since(mark)
        finally:
            box.kill()
        line = next(x for x in output.splitlines() if x.startswith("WRITTEN"))
        print(line)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_probe(prefix=(), python=sys.executable, root=REPO):
    """Run :func:`probe` as ``prefix`` says (as nobody, or as we are), with the course's packages of ``root``."""
    done = subprocess.run([*prefix, python, str(root / "tests" / Path(__file__).name), "--probe"], cwd=root,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root), "TMPDIR": "/tmp"},
                          timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRITTEN"))
    return json.loads(line.removeprefix("WRITTEN"))


def check(written):
    from dl_instructor.sandbox import Limits

    limits = Limits()
    assert written["/dev/shm"][0] <= limits.shm and written["/dev/shm"][0] > 0, written
    for place in ("/dev", "/var/tmp", "/run", "/course", "/course/lib/dl_utils", "/course/grader"):
        assert written[place] == [0, 0], (place, written)
    for place in SCRATCH:
        assert 0 < written[place][1] <= limits.file_size and written[place][0] <= limits.scratch, (place, written)
    outside = max(largest for place, (_, largest) in written.items() if place not in SCRATCH)
    print(f"\nlargest file outside the scratch folders: {outside / MiB:.0f} MiB; {written}")
    assert outside <= limits.shm


def test_the_writable_places_and_their_sizes_as_root():
    require_sandbox()
    if os.geteuid() != 0:
        pytest.skip("runs as root (the next test runs as the user it is)")
    check(run_probe())


def test_the_writable_places_and_their_sizes_as_a_normal_user_without_a_cgroup():
    require_sandbox()
    prefix = ()
    if os.geteuid() == 0:
        prefix = ("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups")
        probe_userns = subprocess.run([*prefix, "bwrap", "--unshare-all", "--ro-bind", "/", "/", "true"],
                                      capture_output=True, text=True)
        if probe_userns.returncode != 0:
            pytest.skip(f"this machine does not let user nobody make a sandbox: {probe_userns.stderr.strip()}")
        stat = "import os, sys; os.stat(os.path.realpath(sys.executable))"
        sees = subprocess.run([*prefix, sys.executable, "-c", stat], capture_output=True, text=True)
        with readable_course(prefix) as root:
            if sees.returncode != 0:  # a Python under /root/.pyenv, mode 700: a normal user's grader needs its own
                with readable_python() as python:
                    check(run_probe(prefix, python, root))
                return
            check(run_probe(prefix, root=root))
            return
    check(run_probe(prefix))


@contextlib.contextmanager
def readable_course(prefix):
    """The checkout if ``prefix`` (user nobody) can read it; else a copy that user can read of what the probe runs.

    A checkout in a folder of mode 700 (``mktemp -d``, as a fresh clone for CI often is) is closed to user
    nobody: the probe, the library and the grader's program are then copied into a world-readable folder, as
    an instructor installs the grader where its user can read it.
    """
    probe_file = REPO / "tests" / Path(__file__).name
    if subprocess.run([*prefix, "test", "-r", str(probe_file)], capture_output=True).returncode == 0:
        yield REPO
        return
    folder = Path(tempfile.mkdtemp(prefix="dl_limits_course_", dir="/tmp"))
    try:
        for package in ("dl_utils", "dl_instructor"):
            shutil.copytree(REPO / package, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
        (folder / "tests").mkdir()
        for name in (probe_file.name, "sandboxed.py"):
            shutil.copy2(REPO / "tests" / name, folder / "tests" / name)
        for path in [folder, *folder.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


IMPORTED = ("import sys, sysconfig\nimport pytest, dl_utils, dl_instructor.sandbox, dl_instructor.strip\n"
            "purelib = sysconfig.get_paths()['purelib']\n"
            "print(purelib)\nprint(*sorted({m.__file__[len(purelib) + 1:].split('/')[0]\n"
            "              for m in list(sys.modules.values())\n"
            "              if (getattr(m, '__file__', None) or '').startswith(purelib + '/')}), sep='\\n')\n")


@contextlib.contextmanager
def readable_python():
    """The system's Python in a virtual environment user ``nobody`` can read, with the test environment's packages
    that the probe and the sandbox import (and their ``.libs`` folders of shared libraries), linked or copied."""
    system = shutil.which("python3", path="/usr/bin")
    if system is None:
        pytest.skip("user nobody cannot read this Python (under /root), and there is no /usr/bin/python3 to use")
    version = subprocess.run([system, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
    if version.stdout.strip() != str(tuple(sys.version_info[:2])):
        pytest.skip(f"user nobody cannot read this Python (under /root), and /usr/bin/python3 is "
                    f"{version.stdout.strip()}, not {tuple(sys.version_info[:2])}: the test environment's compiled "
                    "packages would not load in it")
    folder = Path(tempfile.mkdtemp(prefix="dl_limits_python_", dir="/tmp"))
    try:
        subprocess.run([system, "-m", "venv", "--without-pip", str(folder / "venv")], check=True, capture_output=True)
        listed = subprocess.run([sys.executable, "-c", IMPORTED], cwd=REPO, check=True, capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(REPO)}).stdout.split()
        purelib, names = Path(listed[0]), listed[1:]
        target = Path(subprocess.run([str(folder / "venv" / "bin" / "python"), "-c",
                                      "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                     check=True, capture_output=True, text=True).stdout.strip())
        names += [p.name for p in purelib.glob("*.libs") if p.name.removesuffix(".libs") in names]
        for name in names:
            if name.startswith("__editable__") or name.endswith(".pth"):
                continue  # the course's packages come from the repository (PYTHONPATH), as the grader's do
            source = purelib / name
            if source.is_dir():
                shutil.copytree(source, target / name, copy_function=_link_or_copy)
            else:
                _link_or_copy(source, target / name)
        for path in [folder, *folder.rglob("*")]:
            if not path.is_symlink():
                os.chmod(path, 0o755 if path.is_dir() else (path.stat().st_mode | 0o444))
        yield str(folder / "venv" / "bin" / "python")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _link_or_copy(source, target):
    try:
        os.link(source, target)  # same file system: no copy, and the file's own mode (readable by all) holds
    except OSError:
        shutil.copy2(source, target)


if __name__ == "__main__" and sys.argv[1:] == ["--probe"]:
    probe()
