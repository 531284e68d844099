"""The README's two commands, and the learner's own copies of the notebooks (course.py).

The README opens with two lines, one that sets up and opens the course and one that sets up and
runs the tests. ``.ci/run`` runs the test line as written, with Debian's own Python first on
PATH; the learner's line is run here, as written, in a fresh copy of the repository, by
``test_the_learner_line_opens_the_course``, when ``DL_README_LINES=1`` (``.ci/run`` sets it: the
test makes a virtual environment, minutes). The other tests run always: the learner's copies
are made once and never overwritten, and a saved answer survives ``git pull``, a release and the
test command, which never read it.
"""

import ast
import importlib.util
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ANSWER = "MY SAVED ANSWER"


def _course_module(root=ROOT):
    spec = importlib.util.spec_from_file_location("course", root / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = _course_module()


def readme_lines():
    """The lines of the README's first code block: what a learner is told to type first."""
    text = README.read_text()
    match = re.search(r"^```[^\n]*\n(.*?)^```", text, re.S | re.M)
    assert match, "README.md has no code block"
    return text[: match.start()], [line for line in match.group(1).splitlines() if line.strip()]


def test_the_readme_opens_with_the_two_commands():
    before, lines = readme_lines()
    title = [line for line in before.splitlines() if line.strip()]
    assert title == ["# Deep neural networks from scratch, step by step"]  # no explanation first
    assert len(lines) == 2, lines
    learner, tests = lines
    assert learner.split() == ["python3", "course.py"]
    assert tests.split() == ["python3", "course.py", "test"]


def test_course_py_runs_on_old_pythons_far_enough_to_say_it_needs_a_newer_one():
    # macOS's own python3 is 3.9: the script must parse there, and say what to do.
    ast.parse((ROOT / "course.py").read_text(), "course.py", feature_version=(3, 6))
    assert course.MINIMUM_PYTHON == (3, 10)


def test_too_old_a_python_is_told_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(course, "MINIMUM_PYTHON", (sys.version_info[0] + 1, 0))
    with pytest.raises(SystemExit) as stopped:
        course.main([])
    assert stopped.value.code == 1
    assert "python.org" in capsys.readouterr().err


# ---------------------------------------------------------------- the learner's copies


def _git(cwd, *args):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd,
                          capture_output=True, text=True, check=True).stdout


def _repository_files():
    """The repository's files as a fresh clone has them, with this worktree's uncommitted changes."""
    out = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return [p for p in out.split("\0") if p and (ROOT / p).is_file()]


def copy_repository(dest):
    for name in _repository_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    return dest


def test_every_course_notebook_is_copied_once_and_a_copy_is_never_overwritten(tmp_path):
    my_work = tmp_path / "my-work"
    made, changed = course.learner_copies(ROOT / "notebooks", my_work)
    course_names = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert made == course_names and changed == []
    for name in made:
        released = ROOT / "notebooks" / "exercises" / name
        if released.exists():
            assert (my_work / name).read_bytes() == released.read_bytes()
        else:  # no exercises (06): the course notebook, outputs cleared
            nb = json.loads((my_work / name).read_text())
            code = [c for c in nb["cells"] if c["cell_type"] == "code"]
            assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    mine = my_work / "01_initialize.ipynb"
    mine.write_text(mine.read_text().replace("raise NotImplementedError()", ANSWER, 1))
    (my_work / "05_update.ipynb").unlink()
    made, changed = course.learner_copies(ROOT / "notebooks", my_work)
    assert made == ["05_update.ipynb"] and changed == []
    assert ANSWER in mine.read_text()


def test_a_course_update_is_reported_and_the_learners_copy_kept(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    my_work = tmp_path / "my-work"
    course.learner_copies(notebooks, my_work)
    mine = (my_work / "02_forward.ipynb").read_bytes()
    updated = notebooks / "exercises" / "02_forward.ipynb"
    updated.write_text(updated.read_text().replace("linear_forward", "linear_forward_v2"))
    assert course.learner_copies(notebooks, my_work) == ([], ["02_forward.ipynb"])
    assert (my_work / "02_forward.ipynb").read_bytes() == mine


def test_a_saved_answer_survives_git_pull_a_release_and_the_test_command(tmp_path):
    upstream = copy_repository(tmp_path / "upstream")
    _git(upstream, "init", "-q", "-b", "main")
    _git(upstream, "add", "-A")
    _git(upstream, "commit", "-qm", "course")
    learner = tmp_path / "learner"
    _git(tmp_path, "clone", "-q", str(upstream), str(learner))

    # The learner's set-up makes their copies; they write an answer (one ruff would object to) and save.
    subprocess.run([sys.executable, "-c", "import course; course.learner_copies()"], cwd=learner, check=True)
    mine = learner / "my-work" / "01_initialize.ipynb"
    nb = json.loads(mine.read_text())
    cell = next(c for c in nb["cells"] if "raise NotImplementedError()" in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace("raise NotImplementedError()", f"import os  # {ANSWER}")
    mine.write_text(json.dumps(nb, indent=1))
    saved = mine.read_bytes()
    assert _git(learner, "status", "--porcelain") == ""  # git does not see it

    # The course changes the first exercise's text, and releases the learner versions again.
    source = upstream / "notebooks" / "01_initialize.ipynb"
    nb = json.loads(source.read_text())
    first_text = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    first_text["source"] = "".join(first_text["source"]) + "\n\n(Updated by the course.)"
    source.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    subprocess.run([sys.executable, "-m", "dl_instructor.release"], cwd=upstream, check=True, capture_output=True)
    assert "Updated by the course" in (upstream / "notebooks" / "exercises" / "01_initialize.ipynb").read_text()
    _git(upstream, "commit", "-qam", "course update")

    _git(learner, "pull", "-q", "--ff-only")
    assert "Updated by the course" in (learner / "notebooks" / "exercises" / "01_initialize.ipynb").read_text()
    assert mine.read_bytes() == saved

    # The test command: its release check and ruff pass, and it collects nothing in my-work/.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "OPENBLAS", "OMP_"))}
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0"], cwd=learner,
                               env=env, capture_output=True, text=True)
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    assert "notebooks/01_initialize.ipynb" in collected.stdout and "my-work" not in collected.stdout
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "tests/test_lint.py",
                            "tests/test_release.py::test_committed_learner_versions_are_up_to_date"],
                           cwd=learner, env=env, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    assert "2 passed" in tests.stdout
    assert mine.read_bytes() == saved
    made, changed = _course_module(learner).learner_copies(learner / "notebooks", learner / "my-work")
    assert made == [] and changed == ["01_initialize.ipynb"]  # told, and kept
    assert mine.read_bytes() == saved


# ---------------------------------------------------------------- the learner's line, as written

needs_readme_lines = pytest.mark.skipif(
    os.environ.get("DL_README_LINES") != "1",
    reason="makes a virtual environment in a fresh copy (minutes): .ci/run runs it with DL_README_LINES=1")


def _line_env(tmp_path):
    """A learner's shell: Debian's own Python first on PATH, no virtual environment, no test variables."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "DL_README_LINES")
           and not k.startswith(("PYTEST_", "OPENBLAS", "OMP_", "MKL_"))}
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(["/usr/bin", "/bin"] + [p for p in env.get("PATH", "").split(os.pathsep)
                                                          if p and p != venv_bin])
    env["BROWSER"] = "true"  # Python's webbrowser runs `true URL`: no browser on a CI machine
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        env[name] = str(tmp_path / "jupyter-home" / name.lower())  # none of this machine's own settings
    return env


class Line:
    """The README line ``line`` running in ``cwd`` (a shell, as a learner types it), stopped on exit."""

    def __init__(self, line, cwd, env, log):
        self.line, self.cwd, self.env, self.log = line, cwd, env, log

    def __enter__(self):
        self.out = open(self.log, "w")
        self.proc = subprocess.Popen(self.line, shell=True, cwd=self.cwd, env=self.env, stdout=self.out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def text(self):
        return self.log.read_text(errors="replace")

    def wait_for_url(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(r"(http://(?:localhost|127\.0\.0\.1):\d+)/lab\S*\?token=(\w+)", self.text())
            if found:
                return found.group(1), found.group(2)
            if self.proc.poll() is not None:
                pytest.fail(f"`{self.line}` ended with {self.proc.returncode} before JupyterLab answered:\n"
                            + self.text()[-4000:])
            time.sleep(1)
        pytest.fail(f"no JupyterLab URL after {timeout} s:\n" + self.text()[-4000:])

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.out.close()


def _api(base, token, path, method="GET"):
    request = urllib.request.Request(base + path, method=method, headers={"Authorization": f"token {token}"},
                                     data=b"{}" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        return json.loads(body) if body else None


def _run_in_kernel(connection_file, timeout=120):
    """What ``print(2 + 2)`` prints in the kernel of ``connection_file``, reached with its own keys."""
    from jupyter_client import BlockingKernelClient

    deadline = time.monotonic() + timeout
    while not connection_file.exists():
        assert time.monotonic() < deadline, f"no connection file {connection_file}"
        time.sleep(0.5)
    info = json.loads(connection_file.read_text())
    assert info["transport"] == "tcp" and info.get("curve_publickey"), "the kernel's traffic is not encrypted"
    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels()
    try:
        # A SUB socket gets only what is published after its subscription reached the kernel: an execute
        # sent at once can have its output published before, and lost (it was, under pytest's capture with
        # CI=true, every time). So ask for kernel_info until the iopub channel hears something (the kernel's
        # iopub_welcome, or the status of a kernel_info). Not wait_for_ready: it wants a heartbeat, which
        # may not beat yet.
        while True:
            client.kernel_info()
            try:
                client.get_iopub_msg(timeout=1)
                break
            except queue.Empty:
                assert time.monotonic() < deadline, f"the kernel's iopub channel stayed silent for {timeout} s"
        out = []
        client.execute_interactive("print(2 + 2)", timeout=timeout, output_hook=lambda msg: out.append(
            msg["content"].get("text", "") if msg["msg_type"] == "stream" else ""))
        return "".join(out)
    finally:
        client.stop_channels()


@needs_readme_lines
def test_the_learner_line_opens_the_course(tmp_path):
    _, (line, _) = readme_lines()
    repo = copy_repository(tmp_path / "course")
    env = _line_env(tmp_path)
    assert shutil.which("python3", path=env["PATH"]) == "/usr/bin/python3"

    with Line(line, repo, env, tmp_path / "first.log") as lab:
        base, token = lab.wait_for_url(timeout=1200)
        assert _api(base, token, "/api/status")["kernels"] == 0
        contents = {item["name"] for item in _api(base, token, "/api/contents")["content"]}
        assert "01_initialize.ipynb" in contents and "exercises" not in contents  # the root is my-work/
        extensions = json.dumps(_api(base, token, "/lab/api/extensions"))
        assert "nbgrader" not in extensions.lower()  # no instructor menus in a learner's lab
        kernel = _api(base, token, "/api/kernels", method="POST")
        assert _run_in_kernel(Path(env["JUPYTER_RUNTIME_DIR"]) / f"kernel-{kernel['id']}.json") == "4\n"
        _api(base, token, f"/api/kernels/{kernel['id']}", method="DELETE")
    first = lab.text()
    assert "installing into .venv" in first and "your own copies, in my-work/" in first
    lab_log = first[first.index("starting JupyterLab"):]  # (pip's own notices about this machine's indexes: before)
    assert "without encryption" not in lab_log and "WARNING" not in lab_log, lab_log[-4000:]
    nbgrader = subprocess.run([str(repo / ".venv/bin/python"), "-c", "import nbgrader"], capture_output=True)
    assert nbgrader.returncode != 0, "nbgrader is installed in the learner's environment"

    # Again, after the learner saved an answer: nothing is installed again, nothing of theirs is overwritten.
    mine = repo / "my-work" / "01_initialize.ipynb"
    mine.write_text(mine.read_text().replace("raise NotImplementedError()", ANSWER, 1))
    saved = mine.read_bytes()
    with Line(line, repo, env, tmp_path / "second.log") as lab:
        lab.wait_for_url(timeout=300)
    second = lab.text()
    assert "installing" not in second and "your own copies" not in second, second[-4000:]
    assert mine.read_bytes() == saved


# ---------------------------------------------------------------- the course's JupyterLab, first open


def test_the_course_jupyterlab_asks_no_news_question_opens_notebook_01_and_culls_idle_kernels(tmp_path):
    # What course.py copies into an environment, read by a JupyterLab started as course.py starts it the
    # first time (this environment's JupyterLab, pointed at the copies instead of its own settings).
    venv = tmp_path / "venv"
    course.write_jupyter_settings(venv)
    settings = venv / "share" / "jupyter" / "lab" / "settings"
    overrides = json.loads((settings / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    my_work = tmp_path / "my-work"
    my_work.mkdir()
    shutil.copy(ROOT / "notebooks" / "exercises" / "01_initialize.ipynb", my_work)
    env = _line_env(tmp_path)
    env["JUPYTER_CONFIG_PATH"] = str(venv / "etc" / "jupyter")  # where jupyter_server_config.json went
    import shlex
    import socket

    with socket.socket() as s:  # a free port on this shared machine
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    line = shlex.join([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                       f"--LabApp.app_settings_dir={settings}", *course.FIRST_OPEN]
                      + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []))  # as course.py
    with Line(line, my_work, env, tmp_path / "lab.log") as lab:
        base, token = lab.wait_for_url(timeout=120)
        printed = re.search(r"http://127\.0\.0\.1:\d+(/\S*)\?token=", lab.text()).group(1)
        assert printed == "/lab/tree/01_initialize.ipynb", lab.text()[-3000:]  # a URL that opens the notebook
        with urllib.request.urlopen(f"{base}{printed}?token={token}", timeout=30) as page:
            assert page.status == 200
        news = _api(base, token, "/lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert news["schema"]["properties"]["fetchNews"]["default"] == "false"  # no "Would you like ... news?"
        kernel = _api(base, token, "/api/kernels", method="POST")  # the culler starts with the first kernel
        deadline = time.monotonic() + 60
        while "Culling kernels with idle durations" not in lab.text() and time.monotonic() < deadline:
            time.sleep(0.5)
        _api(base, token, f"/api/kernels/{kernel['id']}", method="DELETE")
    log = lab.text()
    assert "Culling kernels with idle durations > 3600 seconds at 300 second intervals" in log, log[-3000:]
    assert "Culling kernels even with connected clients" in log
