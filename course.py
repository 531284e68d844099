"""Set up the course and open it, or run its tests: one command each, with nothing installed but Python.

    python3 course.py              set up, make your own copies of the notebooks, open JupyterLab
    python3 course.py test [ARGS]  set up the test environment and run the tests (ARGS go to pytest)
    python3 course.py copies       only make your copies of the notebooks (on a JupyterHub, say)
    python3 course.py update [NN_name ...]  merge the course's changes into your copies, keeping your answers
    python3 course.py progress     your exercises: written or not, checks passed, what is left
    python3 course.py lock         rewrite constraints.txt from a fresh install (for maintainers)

(On Windows type ``py`` instead of ``python3``.) Only Python's standard library is used here,
so the system's own Python runs it, externally managed or not (Debian, Ubuntu, Homebrew): it
never installs into that Python, but into a virtual environment of the course's own, made
the first time and reused after:

- ``.venv``: the learner's. The packages of requirements.txt, at the exact versions of
  constraints.txt, and the course's library ``dl_utils`` (``pip install -e .``). No
  instructor tooling (nbgrader, the test tools).
- ``.venv-test``: the tests'. requirements-dev.txt, at the versions of constraints.txt, and
  the project with its instructor tools (``pip install -e ".[instructor]"``).

An environment is reinstalled only when the requirements, the constraints or pyproject.toml
have changed (after a ``git pull``, say). Both get a Jupyter configuration that encrypts the
traffic between Jupyter and its kernels (CurveZMQ keys, ``KernelManager.transport_encryption``):
without it, every kernel of ipykernel 7 starts by warning that it runs over TCP unencrypted.

Your own copies of the exercise notebooks are made in ``my-work/``, which git ignores: a
``git pull``, ``python -m dl_instructor.release`` and the tests never read or write it, and
this command only ever adds the notebooks you do not have yet. To start a notebook afresh,
rename or delete your copy and run the command again. When the course corrects a notebook
you have a copy of, this command says so; ``python3 course.py update`` then merges the
course's new cells into your copy, cell by cell, keeping your answers and the cells you
added, your old copy kept beside it (``course_update/``, which also uses only the standard
library).
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LEARNER_VENV = ROOT / ".venv"
TEST_VENV = ROOT / ".venv-test"
CONSTRAINTS = ROOT / "constraints.txt"
MY_WORK = ROOT / "my-work"
COURSE = ROOT / "notebooks"
EXERCISES = COURSE / "exercises"
# What each environment installs: pip arguments after ``pip install -c constraints.txt``.
LEARNER_INSTALL = ["-r", "requirements.txt", "-e", "."]
TEST_INSTALL = ["-r", "requirements-dev.txt", "-e", ".[instructor]"]
# Read by every Jupyter application started from the environment (JupyterLab, nbconvert, nbgrader).
JUPYTER_CONFIG = {"KernelManager": {"transport_encryption": "auto"}}
# JupyterLab's settings and its server's for the course (no news question, idle kernels shut down), copied into
# each environment: jupyter_settings/README.md.
JUPYTER_SETTINGS = {"overrides.json": ("share", "jupyter", "lab", "settings"),
                    "jupyter_server_config.json": ("etc", "jupyter")}
# The first time, JupyterLab opens the first notebook, and prints its address rather than /lab's (no browser?).
FIRST_OPEN = ("01_initialize.ipynb", "--LabApp.default_url=/lab/tree/01_initialize.ipynb")
MINIMUM_PYTHON = (3, 10)
WINDOWS = os.name == "nt"


def say(text):
    print("== " + text, flush=True)


def fail(text):
    print("\n" + text, file=sys.stderr, flush=True)
    sys.exit(1)


def venv_python(venv):
    return venv / ("Scripts/python.exe" if WINDOWS else "bin/python")


def _works(python):
    try:
        return subprocess.run([str(python), "-c", "import sys"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def make_venv(venv):
    """Create the virtual environment ``venv`` with the Python running this script, unless it works already."""
    python = venv_python(venv)
    if _works(python):
        return python
    if venv.exists():
        say(f"{venv.name} does not work (made by another Python?): making it again")
        shutil.rmtree(venv)
    say(f"creating the virtual environment {venv.name} (once)")
    result = subprocess.run([sys.executable, "-m", "venv", str(venv)])
    if result.returncode != 0 or not _works(python):
        shutil.rmtree(venv, ignore_errors=True)
        fail("Could not create a virtual environment with " + sys.executable + ".\n"
             "On Debian or Ubuntu, install Python's venv module once, then run this command again:\n"
             "    sudo apt install python3-venv")
    return python


def _fingerprint(install):
    digest = hashlib.sha256(json.dumps([install, str(ROOT), sys.version]).encode())
    for name in ("requirements.txt", "requirements-dev.txt", "constraints.txt", "pyproject.toml"):
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def install(venv, args):
    """Install ``pip install -c constraints.txt ARGS`` into ``venv`` unless done already with these files."""
    python = make_venv(venv)
    write_jupyter_settings(venv)
    stamp = venv / ".course-installed"
    fingerprint = _fingerprint(args)
    if stamp.exists() and stamp.read_text() == fingerprint:
        return python
    say(f"installing into {venv.name}: pip install -c constraints.txt {' '.join(args)} (the first time: minutes)")
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", str(CONSTRAINTS)]
    if subprocess.run(command + args, cwd=ROOT).returncode != 0:
        fail(f"The installation into {venv.name} failed (pip's message is above). Check the network, "
             "then run the same command again.")
    write_jupyter_config(python, venv)
    stamp.write_text(fingerprint)
    return python


def write_jupyter_settings(venv):
    """Copy the course's JupyterLab settings into ``venv`` (every time: a copy is cheap, and follows a ``git pull``)."""
    for name, where in JUPYTER_SETTINGS.items():
        venv.joinpath(*where).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "jupyter_settings" / name, venv.joinpath(*where, name))


def write_jupyter_config(python, venv):
    """The environment's own Jupyter configuration (``<venv>/etc/jupyter``, read by every Jupyter app run from it)."""
    has_curve = subprocess.run([str(python), "-c", "import zmq, sys; sys.exit(not zmq.has('curve'))"])
    path = venv / "etc" / "jupyter" / "jupyter_config.json"
    if has_curve.returncode != 0:  # a pyzmq without CurveZMQ: nothing to encrypt with
        if path.exists():
            path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(JUPYTER_CONFIG, indent=2) + "\n")


def _course_update():
    """The package ``course_update/`` beside this file (standard library only, like this file)."""
    if str(ROOT) not in sys.path:  # this file imported by its path (the tests), not run as a script
        sys.path.insert(0, str(ROOT))
    import course_update

    return course_update


def learner_copies(course=COURSE, my_work=MY_WORK):
    """Copy each notebook of the course the learner does not have yet into ``my_work``; never touch one they have.

    A notebook's learner version (``notebooks/exercises/NN_name.ipynb``) is copied; a notebook
    without exercises (06) is copied from the course, without its outputs. ``my_work/.copies.json``
    records what each copy was made from (its sha256, and nbgrader's checksum of each cell), to tell
    the learner when the course's version has changed since, and to let ``update`` tell the
    learner's edits from the course's. Returns ``(made, changed)``: names copied now, and names
    whose course version differs from the one the learner's copy was made from (or last updated to).
    """
    update = _course_update()
    my_work.mkdir(exist_ok=True)
    record = update.read_record(my_work)
    made = []
    for notebook in sorted(course.glob("[0-9][0-9]_*.ipynb")):
        target = my_work / notebook.name
        if target.exists():
            continue
        text, source = update.released(course, notebook.name)
        if source == notebook:
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        record[notebook.name] = update.record_entry(text)
        made.append(notebook.name)
    update.write_record(my_work, record)
    return made, [name for name, _ in update.pending(course, my_work, record)]


def run(command, cwd):
    """Run ``command`` in place of this process (POSIX), or as a child whose exit code is ours (Windows)."""
    os.chdir(cwd)
    sys.stdout.flush()
    if WINDOWS:
        try:
            sys.exit(subprocess.call(command))
        except KeyboardInterrupt:
            sys.exit(130)
    os.execv(command[0], command)


def report_copies():
    made, changed = learner_copies(COURSE, MY_WORK)
    if made:
        say(f"your own copies, in my-work/: {', '.join(made)}")
    if changed:
        update = _course_update()
        for name, summary in update.pending(COURSE, MY_WORK, update.read_record(MY_WORK)):
            what = f": {summary.course_changes()}" if summary else ", and your copy is not a notebook it can read"
            say(f"{name} has changed in the course since your copy was made{what}. Your copy is untouched.")
        say("To take the course's changes, keeping your answers and your own cells: python3 course.py update")
    return made


def update_copies(names):
    if any(name.startswith("-") for name in names):
        print(__doc__.split("\n\n")[1])
        sys.exit(0 if names in (["-h"], ["--help"]) else 2)
    lines, code = _course_update().update(COURSE, MY_WORK, names)
    for line in lines:
        say(line)
    sys.exit(code)


def show_progress():
    progress = _course_update().progress
    names = sorted(p.name for p in COURSE.glob("[0-9][0-9]_*.ipynb"))
    lines, _ = progress.table(MY_WORK, names)
    print("Your notebooks in my-work/, as last saved:")
    print("\n".join(lines))


def open_course():
    python = install(LEARNER_VENV, LEARNER_INSTALL)
    made = report_copies()
    options = list(FIRST_OPEN) if "01_initialize.ipynb" in made else []
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # a container's root, or CI: JupyterLab refuses without it
        options.append("--allow-root")
    say("starting JupyterLab on my-work/ (stop it with Ctrl+C in this window)")
    run([str(python), "-m", "jupyterlab"] + options, cwd=MY_WORK)


def run_tests(pytest_args):
    python = install(TEST_VENV, TEST_INSTALL)
    say(" ".join(["python -m pytest"] + pytest_args))
    run([str(python), "-m", "pytest"] + pytest_args, cwd=ROOT)


def lock():
    """Rewrite constraints.txt: the versions a fresh install of the requirements resolves to today."""
    with tempfile.TemporaryDirectory(prefix="course-lock-") as tmp:
        python = make_venv(Path(tmp) / "venv")
        say("installing requirements-dev.txt and requirements-e2e.txt, newest allowed versions")
        pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
        if subprocess.run(pip + ["install", "--quiet", "-r", "requirements-dev.txt", "-r", "requirements-e2e.txt"],
                          cwd=ROOT).returncode != 0:
            fail("The installation failed (pip's message is above).")
        frozen = subprocess.run(pip + ["freeze", "--exclude-editable"], capture_output=True, text=True, check=True)
    pins = sorted(line for line in frozen.stdout.splitlines() if "==" in line)
    header = [
        "# The exact versions the course's notebooks, outputs and tests were made with: every package",
        "# requirements.txt, requirements-dev.txt and requirements-e2e.txt install. course.py and .ci/run",
        "# install with `-c constraints.txt`. Made by `python3 course.py lock` with Python "
        + ".".join(map(str, sys.version_info[:3])) + ";",
        "# after refreshing it, re-save the notebooks (docs/maintainer.md) and run the tests. Made with the Python",
        "# CI and the README's lines use, Debian 12's /usr/bin/python3, so that it installs there: on a newer",
        "# Python a fresh install may resolve newer versions (soupsieve 4 needs Python 3.11.5).",
    ]
    CONSTRAINTS.write_text("\n".join(header + pins) + "\n")
    say(f"wrote {CONSTRAINTS.name}: {len(pins)} packages")


def main(argv):
    if sys.version_info < MINIMUM_PYTHON:
        fail("The course needs Python {}.{} or newer; this is {} ({}).\n"
             "Install a newer one (python.org, or `brew install python` on macOS), and run this with it."
             .format(*MINIMUM_PYTHON, sys.version.split()[0], sys.executable))
    if argv[:1] == ["test"]:
        run_tests(argv[1:])
    elif argv == ["copies"]:
        report_copies()
    elif argv[:1] == ["update"]:
        update_copies(argv[1:])
    elif argv == ["progress"]:
        show_progress()
    elif argv == ["lock"]:
        lock()
    elif argv in ([], ["lab"]):
        open_course()
    else:
        print(__doc__.split("\n\n")[1])
        sys.exit(0 if argv[:1] in (["-h"], ["--help"]) else 2)


if __name__ == "__main__":
    main(sys.argv[1:])
