"""Fixtures of the JupyterLite test: the built site on a localhost web server, headless Chromium.

The site is the one ``python -m dl_instructor.lite build --pyodide DIR`` makes, with a local
Pyodide assembled by tests/lite/local_pyodide.py (every file checked against the official
release's hashes), so nothing is fetched from outside this machine. .ci/lite.sh builds it and
names it in ``LITE_SITE``; without it the fixture assembles and builds one itself.

The server is Python's own, on 127.0.0.1 and a free port, with the MIME types a browser needs
for WebAssembly and JavaScript modules; it counts the bytes it sends and the files it serves, so a
test can tell what a cold load of the site costs. The browser is Debian's Chromium driven by Playwright (no browser
download); the JupyterLab fixtures of tests/e2e are reused for the reference measurements.

These tests run when asked for (``-m lite``, as .ci/lite.sh does), never in a plain
``python -m pytest``. Without Chromium or Playwright they skip, except under CI=true, where
they fail; a missing registry package is always an error.
"""

import functools
import http.server
import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "lite"

# The JupyterLab fixtures of the browser test (a server in a copy of the course, Chromium logged
# in), loaded under a name of their own so that test module and conftest are not collected twice.
_spec = importlib.util.spec_from_file_location("_e2e_conftest", REPO / "tests" / "e2e" / "conftest.py")
_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_e2e)
# Fixtures, found by pytest under these names in this conftest.
course_copy, jupyterlab, playwright = _e2e.course_copy, _e2e.jupyterlab, _e2e.playwright
CHROMIUM, CHROMIUM_ARGS, require_browser = _e2e.CHROMIUM, _e2e.CHROMIUM_ARGS, _e2e.require_browser
launch_chromium = _e2e.launch_chromium


def pytest_configure(config):
    config.addinivalue_line("markers", "lite: end-to-end test of the JupyterLite site (run by .ci/lite.sh)")


def pytest_collection_modifyitems(config, items):
    """Leave the site's tests out of a plain `python -m pytest`: they run with `-m lite`."""
    if config.getoption("markexpr"):
        return
    lite = [item for item in items if item.get_closest_marker("lite")]
    if lite:
        config.hook.pytest_deselected(items=lite)
        items[:] = [item for item in items if not item.get_closest_marker("lite")]


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".whl": "application/octet-stream",
        ".zip": "application/zip",
        ".ipynb": "application/json",
    }

    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data)
        with self.server.lock:
            self.server.bytes_sent += len(data)
            self.server.requests += 1
            if self.path.startswith("/static/pyodide/"):
                self.server.pyodide_bytes_sent += len(data)

    def log_message(self, *args):
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, directory):
        super().__init__(("127.0.0.1", 0), functools.partial(_Handler, directory=str(directory)))
        self.lock = threading.Lock()
        self.bytes_sent = self.pyodide_bytes_sent = self.requests = 0
        self.base_url = f"http://127.0.0.1:{self.server_port}"

    def reset_count(self):
        with self.lock:
            self.bytes_sent = self.pyodide_bytes_sent = self.requests = 0


def _build_site(root):
    pyodide, site = root / "pyodide", root / "site"
    subprocess.run(
        [sys.executable, str(REPO / "tests" / "lite" / "local_pyodide.py"), "--out", str(pyodide)], check=True
    )
    subprocess.run(
        [sys.executable, "-m", "dl_instructor.lite", "build", "--out", str(site), "--pyodide", str(pyodide)],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return site


@pytest.fixture(scope="session")
def lite_site():
    """The built site's folder: LITE_SITE, or one built here with a verified local Pyodide."""
    require_browser()
    if os.environ.get("LITE_SITE"):
        site = Path(os.environ["LITE_SITE"])
        assert (site / "jupyter-lite.json").is_file(), f"LITE_SITE={site} is not a built JupyterLite site"
        yield site
        return
    with tempfile.TemporaryDirectory(prefix="lite-site-") as tmp:
        yield _build_site(Path(tmp))


@pytest.fixture(scope="session")
def site_server(lite_site):
    server = SiteServer(lite_site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def lite_context(playwright, tmp_path):
    """A fresh Chromium profile for each test: a cold load, no cache, no saved work."""
    context = launch_chromium(playwright, tmp_path / "chromium-profile")
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def lite_artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def course_root():
    return REPO
