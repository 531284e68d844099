"""Fixtures of the end-to-end test: a JupyterLab server on localhost and headless Chromium.

The server runs from the project's own environment (``python -m jupyterlab``) in a temporary
copy of the course (notebooks/, and dl_utils/ with its datasets), so the UI never touches the repository's
files. It listens on 127.0.0.1 on a free port, with a random token given through the
environment (never on a command line, never printed), with its own temporary config, data,
runtime and settings directories, and it is stopped, with every kernel it started, whatever
happens to the tests.

The browser is Debian's Chromium (/usr/bin/chromium) driven by Playwright's Python package;
no browser is downloaded. Without Chromium or Playwright the tests skip with the reason,
except under CI=true, where a missing browser is a failure.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The course tree under test: the repository, or another checkout to try the harness on.
COURSE = Path(os.environ.get("E2E_COURSE", REPO)).resolve()
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO / "artifacts" / "screenshots"
# What a learner's checkout holds that the notebooks need at run time.
COURSE_PARTS = ("notebooks", "dl_utils")
# The flags the sandbox needs for Chromium as root with no network beyond localhost.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# JupyterLab settings that keep the UI from reaching the internet (news feed, update check).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # No blank screen of padding after the last cell, so a screenshot can hold exactly the notebook.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"scrollPastEnd": False},
}


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end test in JupyterLab and headless Chromium (run by .ci/e2e.sh)")


def pytest_collection_modifyitems(config, items):
    """Leave the browser tests out of a plain `python -m pytest`: they run when asked for, `-m e2e`.

    The project's default run (unit tests and nbval) stays fast; .ci/e2e.sh selects these.
    """
    if config.getoption("markexpr"):
        return  # pytest's own -m selection decides
    e2e = [item for item in items if item.get_closest_marker("e2e")]
    if e2e:
        config.hook.pytest_deselected(items=e2e)
        items[:] = [item for item in items if not item.get_closest_marker("e2e")]


def _in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing_browser():
    """Why the browser test cannot run here, or None when it can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (install Debian's chromium: apt-get install chromium, or run .ci/e2e.sh)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-e2e.txt, or run .ci/e2e.sh)"
    return None


def require_browser():
    reason = _missing_browser()
    if reason is None:
        return
    if _in_ci():
        pytest.fail(f"CI=true but the browser test cannot run: {reason}", pytrace=False)
    pytest.skip(f"e2e skipped: {reason}")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid):
    """PIDs of every live descendant of ``pid`` (read from /proc; kernels run in their own sessions)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
        fields = text[text.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _die_with_parent():
    """In the server's process: have the kernel send SIGTERM if pytest itself dies (Linux prctl)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _kill(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@dataclass
class JupyterLab:
    """A running JupyterLab server; ``token`` is kept out of its repr so no failure message shows it."""

    base_url: str
    workdir: Path
    log_path: Path
    token: str = field(repr=False)

    def api(self, method, path, body=None):
        """Call the server's REST API with the token in a header; return the decoded JSON or None."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text else None

    def log_in(self, context):
        """Log a browser ``context`` in by the login form, as a person does (no token in any URL)."""
        page = context.new_page()
        page.goto(self.base_url + "/login")
        page.fill("input[type=password]", self.token)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url("**/lab**")
        page.close()

    def shutdown_kernels(self):
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def log(self):
        return self.log_path.read_text(errors="replace")


def _wait_until_up(lab, process, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{lab.log()[-3000:]}")
        try:
            lab.api("GET", "/api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{lab.log()[-3000:]}")


def _stop(process, lab):
    """Stop the server and every process it started, whatever state it is in."""
    if process.poll() is None:
        try:
            lab.shutdown_kernels()
        except (OSError, urllib.error.URLError, ValueError):
            pass
    # Kernels run in sessions of their own, so a signal to the server's group misses them: list them first.
    leftovers = _descendants(process.pid)
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    _kill(leftovers)


def _copy_course(src, dst):
    for part in COURSE_PARTS:
        if (src / part).is_dir():
            shutil.copytree(
                src / part,
                dst / part,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"),
            )


@pytest.fixture(scope="session")
def course_copy():
    """A throwaway copy of the course; the UI runs, edits and autosaves only this copy."""
    require_browser()
    with tempfile.TemporaryDirectory(prefix="course-e2e-") as tmp:
        root = Path(tmp)
        _copy_course(COURSE, root / "course")
        yield root


@pytest.fixture(scope="session")
def jupyterlab(course_copy):
    """JupyterLab started from this environment, on 127.0.0.1 and a free port, in the course copy."""
    root = course_copy
    workdir = root / "course"
    home = root / "jupyter"
    for sub in ("config", "data", "runtime", "lab-settings", "lab-workspaces"):
        (home / sub).mkdir(parents=True)
    for name, values in LAB_SETTINGS.items():
        path = home / "lab-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token = secrets.token_hex(24)
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
        "JUPYTER_PLATFORM_DIRS": "1",
        # Kernels inherit this: `import dl_utils` works from notebooks/ and notebooks/exercises/.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(workdir), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    }
    port = free_port()
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={workdir}",
        "--ServerApp.terminals_enabled=False",
        "--ServerApp.allow_root=True",  # CI and this sandbox run as root
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    log_path = root / "jupyterlab.log"
    lab = JupyterLab(base_url=f"http://127.0.0.1:{port}", workdir=workdir, log_path=log_path, token=token)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )  # fmt: skip
    try:
        _wait_until_up(lab, process)
        yield lab
    finally:
        _stop(process, lab)
        # Keep the server's log with the screenshots, for a failed run to be read.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log_path, ARTIFACTS / "jupyterlab.log")


@pytest.fixture(scope="session")
def playwright():
    """One Playwright for the session: its sync API runs an event loop, and a second one started
    while the first is open fails ("Sync API inside the asyncio loop")."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


def launch_chromium(playwright, profile):
    """Headless Chromium (Debian's) with a fresh profile folder ``profile``: its own cookies and cache."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
    )


@pytest.fixture(scope="session")
def browser_context(playwright, jupyterlab, course_copy):
    """Headless Chromium, logged in to the server once."""
    context = launch_chromium(playwright, course_copy / "chromium-profile")
    try:
        jupyterlab.log_in(context)
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def course_notebooks():
    """The course notebooks, found by glob, so a new notebook is covered without editing the test."""
    return sorted((COURSE / "notebooks").glob("*.ipynb"))


def pytest_generate_tests(metafunc):
    if "course_notebook" in metafunc.fixturenames:
        paths = course_notebooks()
        metafunc.parametrize(
            "course_notebook", [p.relative_to(COURSE).as_posix() for p in paths], ids=[p.stem for p in paths]
        )


@pytest.fixture(scope="session")
def course_root():
    """The course tree under test (the repository unless E2E_COURSE names another)."""
    return COURSE


@pytest.fixture(scope="session")
def chromium(playwright):
    """Headless Chromium (Debian's), for pages opened without JupyterLab."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
