"""Build the course as a JupyterLite site: the whole course in a browser tab, on Pyodide.

Usage, from the repository's root (``pip install -r requirements-lite.txt`` first)::

    python -m dl_instructor.lite build --out site/                 # for a static host, Pyodide from its CDN
    python -m dl_instructor.lite build --out site/ --pyodide DIR   # Pyodide served by the site itself

The folder ``site/`` is a static website: any web server, GitHub Pages included, serves it to any
number of learners, with no compute on the server; Python runs in each learner's browser and their
work is saved in the browser (docs/lite.md). The site holds, at the root of its file browser:

* ``README.md``: what the site is, where work is saved, and that grading is the instructor's;
* the learner versions of the course notebooks (``notebooks/exercises/``, as released by
  ``dl_instructor.release``), and the course notebooks that have no exercises (06), without
  their saved outputs, so a learner runs them;
* ``data/``: what of the checkout's ``data/`` describes the datasets (the datasets themselves are
  package data of ``dl_utils``).

The course's library, ``dl_utils`` with its datasets, is no folder of the file browser: the site
serves it as a wheel (``library_wheel``) that Pyodide installs as the kernel starts.

In the browser the kernel starts with numpy and matplotlib loaded (Pyodide loads a package on its
own only for an import written in the cell itself, not for one inside ``dl_utils``), with the
packages the kernel itself needs loaded at the same time (``KERNEL_PACKAGES``; in a site that serves
Pyodide itself the kernel's own wheels too, ``KERNEL_WHEELS``, so it installs nothing), and with pyfive, a
pure-Python HDF5 reader, which ``dl_utils`` reads the datasets with where h5py is absent: the site
never loads Pyodide's h5py (docs/lite.md says why). The site serves the few wheels it needs
beyond Pyodide's distribution itself (``SITE_WHEELS``, downloaded from the package index with their
sha256 checked), and the kernel never reaches the package index at run time.

Every page of the app loads the site's own scripts (``PAGE_SCRIPTS``): ``lite/storage.js`` asks
the browser for persistent storage, so the learner's work is not evicted, and tells the learner in
a notification whether the browser agreed and how to download their work; ``lite/start_kernel.js``
starts a notebook's kernel as soon as the notebook is opened. The settings overrides
(``OVERRIDES``) hide the menu entries that mean nothing without a server (File > Log Out, Shut
Down) and take "Clear Browser Data" out of the file browser's context menu (Help keeps it; it asks
before deleting anything).

A local Pyodide (``--pyodide``) is a folder with ``pyodide.js`` and ``pyodide-lock.json`` and the
package files; the site then needs no network at all, and serves matplotlib's wheel with a font
cache that matches it (``add_font_cache``), so no kernel start rebuilds it or prints that it does.
``tests/lite/local_pyodide.py`` assembles one from registry packages, every file checked against
the official release's hashes.

The kernel starts from bytecode where the site can serve it: with a local Pyodide, the packages
the kernel loads at start are compiled (``compile_pyodide_packages``) and so are the site's own
wheels (``compile_site_wheels``; ``--compile-with DIR`` does it for a site on the CDN's Pyodide),
by that Pyodide's own CPython under Node (``lite/py_compile.mjs``). A site that serves Pyodide
itself also boots it from a memory snapshot (``add_snapshot``): Pyodide as it is once booted and
IPython imported, taken by the build under Node (``lite/snapshot.mjs``, ``lite/course_snapshot.py``)
and restored in the browser by the site's loader (``lite/course-pyodide.js``, the kernel's
``pyodideUrl``), which skips CPython's start-up and most of the kernel's imports.
"""

import argparse
import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
import zipfile
from pathlib import Path

import nbformat

from .lite_replay import record_members

ROOT = Path(__file__).resolve().parent.parent
# The Pyodide release the site runs on. jupyterlite-pyodide-kernel 0.6.1 (requirements-lite.txt) is
# built for Pyodide 0.27; the offline test (tests/lite/local_pyodide.py) assembles this same release.
PYODIDE_VERSION = "0.27.7"
PYODIDE_CDN_URL = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/pyodide.js"
# Wheels from the package index that the site serves itself (its pypi/ folder), pinned by version
# and sha256: pyfive, the pure-Python HDF5 reader dl_utils reads the datasets with in the browser
# (numpy is its only dependency from 1.0 on; 1.3 adds numcodecs and fsspec), and comm, which the
# kernel installs as it starts and Pyodide's distribution lacks (without it in the site the kernel
# would fetch it from the package index at every start, or, offline, never start).
SITE_WHEELS = {
    "pyfive-1.0.1-py3-none-any.whl": "0c764606bb7dc75878de3a924d7d095bfef9f4fea86ded6898e38132bb93d4e8",
    "comm-0.2.3-py3-none-any.whl": "c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417",
}
PYFIVE_WHEEL = "pyfive-1.0.1-py3-none-any.whl"
# Pyodide packages loaded as the kernel starts: what dl_utils imports.
PRELOADED = ["numpy", "matplotlib"]
# What jupyterlite-pyodide-kernel 0.6.1's worker loads once Pyodide is up, one after another (its
# installer, then ssl, sqlite3, jedi, ipython), unless the name is in loadPyodideOptions.packages:
# listed there, Pyodide loads them at boot, in parallel with numpy and matplotlib.
KERNEL_PACKAGES = ["micropip", "ssl", "sqlite3", "jedi", "ipython"]
# The kernel's own wheels, which the same worker installs with micropip and piplite after those, one
# after another (piplite, then ipykernel, comm, pyodide_kernel), unless, again, the name is in
# loadPyodideOptions.packages. They are in no Pyodide lock: a site that serves Pyodide itself adds
# them to its own (``add_kernel_wheels``), so Pyodide loads them at boot too and the kernel installs
# nothing. For each, by the name the worker checks: where the build finds it (the kernel's extension
# or the site's SITE_WHEELS) and, for the lock, what it imports at the top level and depends on.
KERNEL_WHEELS = {
    "piplite": {"from": "extension", "imports": ["piplite"], "depends": ["micropip"]},
    "ipykernel": {"from": "extension", "imports": ["ipykernel"], "depends": ["comm"]},
    "comm": {"from": "site", "imports": ["comm"], "depends": []},
    "pyodide_kernel": {
        "from": "extension",
        "imports": ["pyodide_kernel"],
        "depends": ["ipython", "comm", "ipykernel", "piplite"],
    },
}
# The kernel's settings in jupyter-lite.json.
KERNEL_SETTINGS = "@jupyterlite/pyodide-kernel-extension:kernel"
# The kernel's worker script lives in extensions/@jupyterlite/pyodide-kernel-extension/static/, and
# Pyodide resolves a package given as a relative URL against it: four levels up is the site's root.
SITE_ROOT_FROM_WORKER = "../../../../"
# What of data/ is copied; the rest of it rebuilds the files (scikit-learn).
DATA_FILES = ("*.h5", "README.md", "SHA256SUMS")

LANDING = """\
# Deep neural networks from scratch, in your browser

This is the whole course, running in this browser tab: Python (Pyodide), numpy and matplotlib run
on your own computer, nothing is installed and no server computes for you. The first notebook you
open takes a little while to start (it downloads Python once; later visits reuse your browser's cache).

**Start with `01_initialize.ipynb`**, then go on in order: `02_forward`, `03_cost`, `04_backward`,
`05_update`, `06_application`, and beyond the first network `07` to `11`. Each exercise is followed
by a check cell: run it, and it prints `<name>: all checks passed.` or tells you what is wrong.
The course's library, `dl_utils` (the reference answers of earlier steps, the checks, the plots,
the datasets), is installed in this browser's Python, as numpy is: to read a function's code, run
`dl_utils.relu??` in a cell (after `import dl_utils`). Python would import a folder named `dl_utils`
next to your notebooks instead of it: do not make one.

**Your work is saved in this browser**, on this computer, when you save a notebook (Ctrl+S, or File >
Save): come back with the same browser and it is there. It is not saved anywhere else: another
browser, a private window or clearing this site's data will not have it. To keep a copy, or to hand
your work in, download the notebook (right-click it in the file browser > Download). The site asks
the browser to keep this storage (persistent storage); a notification says, each time the site
opens, whether the browser agreed. Help > Clear Browser Data deletes your work, after asking.

**Grading is your instructor's**: this site checks each answer as you go, but it does not score or
collect your work. Hand in the downloaded `.ipynb` files the way your instructor asks; they grade
them with the course's grading tool on their own machine.
"""
# Only a site whose Pyodide comes from the CDN (the official matplotlib wheel) prints this.
FONT_CACHE_LANDING = """
The first cell that imports matplotlib may print `Matplotlib is building the font cache; this may
take a moment.` each time a notebook starts: the matplotlib of the browser's Python ships a font
cache it cannot use (docs/lite.md). It is harmless.
"""


def learner_notebooks(source_dir, exercises_dir):
    """Map each file name of the site's notebooks to its content (a nbformat node).

    The learner versions as released in ``exercises_dir``, then each course notebook with no
    learner version (no exercises: 06) without its saved outputs, so the learner runs it.
    """
    from dl_instructor.release import course_notebooks, has_exercises

    notebooks = {}
    for path in course_notebooks(source_dir):
        nb = nbformat.read(path, as_version=4)
        if has_exercises(nb):
            learner = Path(exercises_dir) / path.name
            if not learner.is_file():
                raise FileNotFoundError(
                    f"{learner} is missing: generate the learner versions with `python -m dl_instructor.release`"
                )
            notebooks[path.name] = nbformat.read(learner, as_version=4)
        else:
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = []
                    cell.execution_count = None
            notebooks[path.name] = nb
    return notebooks


def stage_contents(contents, root=ROOT, font_cache_notice=False):
    """Write what the learner's file browser shows into the folder ``contents``.

    ``font_cache_notice``: the landing text says what matplotlib's font-cache line on stderr means
    (a site on the CDN's Pyodide, whose matplotlib rebuilds its font cache at each start).
    """
    contents.mkdir(parents=True)
    for name, nb in learner_notebooks(root / "notebooks", root / "notebooks" / "exercises").items():
        nbformat.write(nb, contents / name)
    data = root / "data"
    if data.is_dir():
        (contents / "data").mkdir()
        for pattern in DATA_FILES:
            for path in sorted(data.glob(pattern)):
                shutil.copy2(path, contents / "data" / path.name)
    (contents / "README.md").write_text(LANDING + (FONT_CACHE_LANDING if font_cache_notice else ""), encoding="utf-8")


# dl_utils reaches the kernel as a wheel the site serves, installed with Pyodide at boot, not as a
# folder of the file browser: the kernel read that folder file by file from the browser's storage,
# one request after another (39 of them, about 2.6 s before 02's first check, issue 28). Python
# looks in the notebook's folder first (sys.path starts with ''), so a dl_utils/ folder there would
# take the wheel's place: the file browser holds none, and the landing text says how to read the code.
LIBRARY = "dl_utils"


def library_wheel(dest, root=ROOT, extra=None):
    """Write ``dl_utils`` (its code and package data) as a pure-Python wheel into ``dest``; return its path.

    The same bytes for the same files: members in sorted order, a fixed timestamp. The name's build
    tag is ``0`` and the first 12 hex digits of the files' sha256, so a changed library gets a new
    URL: Pyodide checks no hash of a wheel given by URL, and a browser may keep the old one cached.
    (A query string would not do: Pyodide reads a package's name from a URL ending in ``.whl``.)
    """
    # The [project] table's own name and version lines (tomllib is Python 3.11's; the course runs on 3.10).
    pyproject = (root / "pyproject.toml").read_text()
    project = dict(re.findall(r'^(name|version) = "([^"]+)"$', pyproject.split("\n[", 2)[1], re.MULTILINE))
    if project.get("name") != LIBRARY or "version" not in project:
        raise ValueError(f"pyproject.toml's [project] table names no {LIBRARY} version: {project}")
    version = project["version"]
    dist_info = f"{LIBRARY}-{version}.dist-info"
    members = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted((root / LIBRARY).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    members.update(extra or {})  # files of the package the build makes: 06's replay record (lite_replay)
    members[f"{dist_info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {LIBRARY}\nVersion: {version}\n").encode()
    members[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: dl_instructor.lite\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = [
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}"
        for name, data in members.items()
    ]
    members[f"{dist_info}/RECORD"] = ("\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n").encode()
    build_tag = "0" + hashlib.sha256(members[f"{dist_info}/RECORD"]).hexdigest()[:12]
    dest.mkdir(parents=True, exist_ok=True)
    wheel = dest / f"{LIBRARY}-{version}-{build_tag}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return wheel


def download_wheels(dest):
    """Download the pinned ``SITE_WHEELS`` into ``dest`` with pip, refusing any other bytes."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "site-wheels.txt"
        lines = []
        for wheel, sha256 in SITE_WHEELS.items():
            name, version = wheel.split("-")[:2]
            lines.append(f"{name}=={version} --hash=sha256:{sha256}")
        requirements.write_text("\n".join(lines) + "\n")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--only-binary=:all:", "--require-hashes", "-r", str(requirements), "-d", str(dest)],
            check=True,
        )  # fmt: skip
    for wheel in SITE_WHEELS:
        if not (dest / wheel).is_file():
            raise FileNotFoundError(f"pip did not download {wheel} into {dest}")


def site_config(pyodide_url, library_wheel_name, pyfive_wheel_name=PYFIVE_WHEEL, kernel_wheels=False):
    """The settings of jupyter-lite.json: the kernel's Pyodide, what it preloads, no PyPI at run time.

    ``kernel_wheels``: the site's Pyodide lock has ``KERNEL_WHEELS`` (``add_kernel_wheels``), which
    the kernel then loads at boot by their names instead of installing them.
    """
    served = [SITE_ROOT_FROM_WORKER + "pypi/" + wheel for wheel in (pyfive_wheel_name, library_wheel_name)]
    own = list(KERNEL_WHEELS) if kernel_wheels else []
    kernel = {
        "loadPyodideOptions": {"packages": [*PRELOADED, *KERNEL_PACKAGES, *own, *served]},
        # %pip install finds only the wheels the site holds: the course needs nothing else.
        "disablePyPIFallback": True,
    }
    if pyodide_url is not None:
        kernel["pyodideUrl"] = pyodide_url
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Deep neural networks from scratch",
            # window.jupyterapp, which the site's own scripts (PAGE_SCRIPTS) reach the app through.
            "exposeAppInBrowser": "true",
            "litePluginSettings": {KERNEL_SETTINGS: kernel},
        },
    }


# JupyterLab settings for the site: a Markdown file (the landing README) opens rendered; every cell
# of a notebook is laid out once the browser is idle ("defer"), not only the cells in view ("full",
# JupyterLite's default); the UI does not fetch news from the internet. File > Log Out and Shut Down
# mean nothing without a server: hidden. "Clear Browser Data", which deletes the learner's work (after
# a dialog that says so), leaves the file browser's context menu, where it sat below "Download"; it
# stays in the Help menu.
HIDDEN_FILE_MENU_COMMANDS = ("filemenu:logout", "filemenu:shutdown")
CLEAR_BROWSER_DATA = "application:clear-browser-data"
OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "defer"},
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/mainmenu-extension:plugin": {
        "menus": [
            {
                "id": "jp-mainmenu-file",
                "items": [{"command": command, "disabled": True} for command in HIDDEN_FILE_MENU_COMMANDS],
            }
        ]
    },
    "@jupyterlab/application-extension:context-menu": {
        "contextMenu": [{"command": CLEAR_BROWSER_DATA, "selector": ".jp-BrowserStorageDrive", "disabled": True}]
    },
}
# The site's own scripts, added to every page of the app, by their file in the site: lite/storage.js
# asks the browser for persistent storage and tells the learner where their work lives and how to
# download it; lite/start_kernel.js starts a notebook's kernel as soon as the notebook is opened,
# not once its cells are laid out (docs/lite.md).
STORAGE_SCRIPT = ROOT / "lite" / "storage.js"
STORAGE_SCRIPT_NAME = "course-storage.js"
START_KERNEL_SCRIPT = ROOT / "lite" / "start_kernel.js"
START_KERNEL_SCRIPT_NAME = "course-start-kernel.js"
PAGE_SCRIPTS = {STORAGE_SCRIPT_NAME: STORAGE_SCRIPT, START_KERNEL_SCRIPT_NAME: START_KERNEL_SCRIPT}


def add_page_scripts(out, scripts=None):
    """Copy the site's scripts into the built site ``out`` and load them from every page of the app.

    ``scripts`` maps each script's name in the site to its file (default ``PAGE_SCRIPTS``). Returns
    the pages changed (each ``index.html`` holding the app's page config).
    """
    scripts = PAGE_SCRIPTS if scripts is None else scripts
    for name, script in scripts.items():
        shutil.copy2(script, out / name)
    pages = []
    for page in [out / "index.html", *sorted(out.glob("*/index.html"))]:
        html = page.read_text(encoding="utf-8")
        if 'id="jupyter-config-data"' not in html:
            continue
        up = "../" * (len(page.relative_to(out).parts) - 1)
        if html.count("</head>") != 1:
            raise ValueError(f"{page} has no single </head> to add the site's scripts before")
        tags = "".join(f'  <script src="{up}{name}"></script>\n' for name in scripts)
        page.write_text(html.replace("</head>", tags + "  </head>"), encoding="utf-8")
        pages.append(page)
    if not pages:
        raise ValueError(f"no page of {out} holds the app's config: is it a JupyterLite build?")
    return pages


# Pyodide 0.27.7's matplotlib 3.8.4 reads its font cache from matplotlib/fontlist.json, beside its
# code, but ships another machine's (cache version 390, a desktop's fonts) while it wants version
# 330: it rebuilt the cache at every kernel start, seconds of it, and printed "Matplotlib is building
# the font cache" on stderr in the learner's first cell. lite/font_cache.mjs makes the right file
# with that matplotlib in that Pyodide; a site that serves Pyodide itself (--pyodide) serves
# matplotlib's wheel with it, under a build tag of its own, and its lock gives the new sha256.
FONT_CACHE = ROOT / "lite" / "matplotlib-fontlist.json"
FONT_CACHE_MEMBER = "matplotlib/fontlist.json"
FONT_CACHE_MATPLOTLIB = "3.8.4"  # the matplotlib whose font_manager made FONT_CACHE


def sha256_file(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def content_build_tag(record, prefix="1"):
    """A wheel name's build tag from its RECORD: ``prefix`` and the first 12 hex digits of its sha256.

    A changed wheel gets a new name, so a browser never serves an old copy from its cache under it
    (Pyodide would refuse a lock file's package whose sha256 differs, and checks none for a URL).
    """
    return prefix + hashlib.sha256(record).hexdigest()[:12]


def record_line(member, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{member},sha256={digest},{len(data)}"


def rewrite_wheel(wheel, out_dir, replacements=None, added=None, removed=(), python_tag=None):
    """Copy ``wheel`` into ``out_dir`` with members replaced, added or removed, and its RECORD to match.

    The copy's name carries a build tag made from its content (``content_build_tag``; a build tag
    the name had is replaced), so it never shares a URL, and a browser's cache entry, with the
    official file or another build's. ``python_tag`` replaces the name's Python tag (``cp312`` for
    a wheel of bytecode, as pyodide-build's py-compile names it). Returns the copy's path.
    """
    replacements, added, removed = dict(replacements or {}), dict(added or {}), set(removed)
    name, version, *tags = Path(wheel).name[: -len(".whl")].split("-")
    if len(tags) == 4:
        tags = tags[1:]  # an earlier build tag: this copy gets its own
    if len(tags) != 3:
        raise ValueError(f"{Path(wheel).name} is no wheel name")
    if python_tag is not None:
        tags[0] = python_tag
    with zipfile.ZipFile(wheel) as source:
        names = source.namelist()
        missing = sorted((set(replacements) | removed) - set(names))
        if missing:
            raise ValueError(f"{Path(wheel).name} has no {missing}")
        present = sorted(set(added) & set(names))
        if present:
            raise ValueError(f"{Path(wheel).name} already has {present}")
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        lines = [line for line in source.read(record).decode().splitlines() if line.split(",")[0] not in removed]
        lines = [
            record_line(line.split(",")[0], replacements[line.split(",")[0]])
            if line.split(",")[0] in replacements
            else line
            for line in lines
        ]
        # New members are listed before the RECORD's own line, which stays last.
        own = [line for line in lines if line.split(",")[0] == record]
        lines = [line for line in lines if line.split(",")[0] != record]
        lines += [record_line(member, data) for member, data in added.items()] + own
        record_data = ("\n".join(lines) + "\n").encode()
        out = Path(out_dir) / ("-".join([name, version, content_build_tag(record_data), *tags]) + ".whl")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in source.infolist():
                if info.filename in removed:
                    continue
                if info.filename == record:
                    for member, data in added.items():
                        copy.writestr(zipfile.ZipInfo(member, date_time=info.date_time), data, zipfile.ZIP_DEFLATED)
                    data = record_data
                elif info.filename in replacements:
                    data = replacements[info.filename]
                else:
                    data = source.read(info)
                copy.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out


def read_lock(pyodide_dir):
    """The ``pyodide-lock.json`` of the Pyodide folder ``pyodide_dir``, as a dict."""
    return json.loads((Path(pyodide_dir) / "pyodide-lock.json").read_text())


def write_lock(pyodide_dir, lock):
    """Write ``lock``, a dict as ``read_lock`` returns it, as the ``pyodide-lock.json`` of ``pyodide_dir``."""
    (Path(pyodide_dir) / "pyodide-lock.json").write_text(json.dumps(lock))


def rewrite_lock_package(pyodide_dir, name, changes):
    """Replace the lock's package ``name`` in the Pyodide folder ``pyodide_dir`` by a rewritten copy.

    The wheel must be the one ``pyodide-lock.json`` names (its sha256); the copy,
    ``rewrite_wheel(wheel, pyodide_dir, **changes(wheel))``, takes its place in the folder and in
    the lock, which Pyodide checks each file against as it loads it. Returns the copy's path.
    """
    pyodide_dir = Path(pyodide_dir)
    lock = read_lock(pyodide_dir)
    entry = lock["packages"][name]
    official = pyodide_dir / entry["file_name"]
    if sha256_file(official) != entry["sha256"]:
        raise ValueError(f"{official} is not the file pyodide-lock.json names (sha256 differs)")
    wheel = rewrite_wheel(official, pyodide_dir, **changes(official))
    if wheel != official:
        official.unlink()
    entry["file_name"], entry["sha256"] = wheel.name, sha256_file(wheel)
    write_lock(pyodide_dir, lock)
    return wheel


def add_font_cache(pyodide_dir, font_cache=FONT_CACHE):
    """Give the site's Pyodide in ``pyodide_dir`` a matplotlib wheel holding ``font_cache``."""
    lock = read_lock(pyodide_dir)
    version = lock["packages"]["matplotlib"]["version"]
    if version != FONT_CACHE_MATPLOTLIB:
        raise ValueError(f"{font_cache} is matplotlib {FONT_CACHE_MATPLOTLIB}'s, the lock has {version}")
    data = Path(font_cache).read_bytes()
    return rewrite_lock_package(pyodide_dir, "matplotlib", lambda wheel: {"replacements": {FONT_CACHE_MEMBER: data}})


# Pyodide 0.27's lock makes pytz a dependency of matplotlib, which matplotlib 3.8.4 neither requires
# (its wheel's Requires-Dist) nor imports: 621 files unpacked at every kernel start, 0.23 s under Node.
# Left out of matplotlib's dependencies, pytz still loads where a cell imports it (the lock's imports).
# The list is chosen by reading; drop_unused_dependencies' checks catch a later wheel that uses one
# (not a package named outside the wheel's modules, as a backend may be: in matplotlibrc, MPLBACKEND).
UNUSED_DEPENDENCIES = {"matplotlib": ("pytz",)}


def code_without_comments(source):
    """The tokens of the Python module ``source`` (bytes) but its comments, joined by spaces."""
    tokens = tokenize.tokenize(io.BytesIO(source).readline)
    return " ".join(t.string for t in tokens if t.type not in (tokenize.COMMENT, tokenize.ENCODING))


def drop_unused_dependencies(pyodide_dir, unused=UNUSED_DEPENDENCIES):
    """Remove ``unused`` (package: dependencies) from the lock of the site's Pyodide in ``pyodide_dir``.

    Refuses a dependency the package's wheel requires (its METADATA's Requires-Dist) or whose import
    names (the lock's ``imports``) its modules' code holds anywhere but in a comment (an import, or a
    string such as a backend's ``module://`` name). Returns the lock's entries changed, {name: depends}.
    """
    lock = read_lock(pyodide_dir)
    changed = {}
    for name, dependencies in unused.items():
        entry = lock["packages"][name]
        with zipfile.ZipFile(Path(pyodide_dir) / entry["file_name"]) as z:
            metadata = next((n for n in z.namelist() if n.endswith(".dist-info/METADATA")), None)
            if metadata is None:
                raise ValueError(f"{entry['file_name']} has no .dist-info/METADATA: is it a wheel?")
            required = {
                lock_name(re.match(r"Requires-Dist: *([A-Za-z0-9._-]+)", line).group(1))
                for line in z.read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:")
            }
            code = {n: code_without_comments(z.read(n)) for n in z.namelist() if n.endswith(".py")}
        for dependency in dependencies:
            if lock_name(dependency) in required:
                raise ValueError(f"{entry['file_name']} requires {dependency} (Requires-Dist)")
            names = lock["packages"][lock_name(dependency)].get("imports", [])
            uses = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
            using = sorted(n for n, text in code.items() if names and uses.search(text))
            if using:
                raise ValueError(f"{entry['file_name']} uses {dependency} ({', '.join(names)}): {using}")
            entry["depends"] = [d for d in entry["depends"] if lock_name(d) != lock_name(dependency)]
        changed[name] = entry["depends"]
    write_lock(pyodide_dir, lock)
    return changed


def lock_name(name):
    """A package's name as Pyodide's lock keys it (and as Pyodide finds a name given to loadPackage)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def add_kernel_wheels(pyodide_dir, wheels):
    """Add the kernel's own wheels to the lock of the site's Pyodide in ``pyodide_dir``.

    ``wheels`` maps each name of ``KERNEL_WHEELS`` to its wheel file, copied into the folder and
    entered in ``pyodide-lock.json`` with its sha256, as Pyodide's own packages are.
    """
    pyodide_dir = Path(pyodide_dir)
    lock = read_lock(pyodide_dir)
    if sorted(wheels) != sorted(KERNEL_WHEELS):
        raise ValueError(f"the kernel's wheels are {sorted(KERNEL_WHEELS)}, not {sorted(wheels)}")
    for name, wheel in wheels.items():
        key = lock_name(name)
        if key in lock["packages"]:
            raise ValueError(f"{pyodide_dir}: the lock has {key} already")
        version = Path(wheel).name.split("-")[1]
        shutil.copy2(wheel, pyodide_dir / Path(wheel).name)
        lock["packages"][key] = {
            "name": key, "version": version, "file_name": Path(wheel).name, "install_dir": "site",
            "sha256": sha256_file(wheel), "package_type": "package", "imports": KERNEL_WHEELS[name]["imports"],
            "depends": [lock_name(d) for d in KERNEL_WHEELS[name]["depends"]], "unvendored_tests": False,
        }  # fmt: skip
    write_lock(pyodide_dir, lock)


# Bytecode. Nothing in the site ran from compiled bytecode: the wheels hold .py files only, and the
# kernel writes no .pyc, so every kernel start compiled IPython and the rest from source (issue 28
# measured `import pyodide_kernel` 2.1 s, 0.8 s from bytecode). A .pyc is read only by the CPython
# version that wrote it, 3.12 for Pyodide 0.27, which the build machine need not have:
# lite/py_compile.mjs compiles with Pyodide's own CPython under Node, from the site's Pyodide.
PY_COMPILE_SCRIPT = ROOT / "lite" / "py_compile.mjs"
PYTHON_TAG = "cp312"  # Pyodide 0.27's CPython, the only one that reads the .pyc files
# What of PRELOADED and KERNEL_PACKAGES's dependencies stays as Pyodide ships it: fontTools, 301
# modules (1.1 MB, 3.0 MB compiled with its sources kept) that neither a kernel start nor a plot
# shown in a notebook imports (only matplotlib's PDF, PS and SVG backends do).
NOT_COMPILED = ("fonttools",)


# What jedi 0.19.1 never reads in the site, about 40 % of its files, which every kernel start unpacked:
# typeshed's Python 2 stubs (jedi/inference/gradual/typeshed.py reads the "2and3", "3" and "3.N"
# folders in a Python 3 environment) and Django's stubs (read only where django imports: the site's
# lock has no Django). Another jedi version may read its folders otherwise: the build refuses it.
JEDI_VERSION = "0.19.1"
JEDI_UNREAD = (
    "jedi/third_party/typeshed/stdlib/2/",
    "jedi/third_party/typeshed/third_party/2/",
    "jedi/third_party/django-stubs/django-stubs/",
)


def drop_unread_stubs(pyodide_dir):
    """Replace the lock's jedi in ``pyodide_dir`` by a copy without ``JEDI_UNREAD``; return its path."""
    lock = read_lock(pyodide_dir)
    version = lock["packages"]["jedi"]["version"]
    if version != JEDI_VERSION:
        raise ValueError(f"the lock's jedi is {version}: check which stubs it reads before dropping any")
    django = sorted(name for name, entry in lock["packages"].items() if "django" in entry.get("imports", []))
    if django:
        raise ValueError(f"the lock has Django ({django}): jedi reads Django's stubs there")

    def unread(wheel):
        with zipfile.ZipFile(wheel) as z:
            return {"removed": [name for name in z.namelist() if name.startswith(JEDI_UNREAD)]}

    return rewrite_lock_package(pyodide_dir, "jedi", unread)


def compile_wheels(pyodide_dir, wheels):
    """Compile the .py members of wheels with the CPython of the Pyodide in ``pyodide_dir``.

    ``wheels`` maps each wheel's path to ``keep_source``. Returns, for each, the compiled members
    by their path in the wheel: ``__pycache__/NAME.cpython-312.pyc`` beside a source that stays,
    else ``NAME.pyc`` in its place. Every .pyc is UNCHECKED_HASH (lite/py_compile.mjs says why).
    """
    if shutil.which("node") is None:
        raise FileNotFoundError("node is needed to compile the site's wheels with Pyodide's CPython")
    with tempfile.TemporaryDirectory(prefix="lite-pyc-") as tmp:
        jobs = [
            {"wheel": str(wheel), "out": str(Path(tmp) / f"{i}.zip"), "keep_source": keep_source}
            for i, (wheel, keep_source) in enumerate(wheels.items())
        ]
        (Path(tmp) / "jobs.json").write_text(json.dumps(jobs))
        subprocess.run(["node", str(PY_COMPILE_SCRIPT), str(pyodide_dir), str(Path(tmp) / "jobs.json")], check=True)
        compiled = {}
        for wheel, job in zip(wheels, jobs, strict=True):
            with zipfile.ZipFile(job["out"]) as z:
                compiled[wheel] = {name: z.read(name) for name in z.namelist()}
        return compiled


def bytecode_changes(compiled, keep_source):
    """What ``rewrite_wheel`` does to a wheel given its compiled members (``compile_wheels``).

    With ``keep_source`` the .py files stay beside their ``__pycache__`` (the course's own wheels:
    learners read dl_utils's code with ``relu??``); without, each .py gives way to its .pyc and the
    name's Python tag becomes cp312, as pyodide-build's py-compile does for Pyodide's packages. Unlike
    py-compile, the RECORD lists the files the wheel holds.
    """
    if keep_source:
        return {"added": compiled}
    return {"added": compiled, "removed": [member[:-1] for member in compiled], "python_tag": PYTHON_TAG}


def kernel_packages_closure(lock, roots):
    """The lock's names of ``roots`` and of everything they depend on."""
    packages = lock["packages"]
    names = {lock_name(name): name for name in packages}
    seen, todo = set(), list(roots)
    while todo:
        name = names[lock_name(todo.pop())]
        if name not in seen:
            seen.add(name)
            todo.extend(packages[name]["depends"])
    return seen


def kernel_roots(lock):
    """What the kernel of a site with this Pyodide lock loads at start, by name."""
    return [*PRELOADED, *KERNEL_PACKAGES, *(name for name in KERNEL_WHEELS if lock_name(name) in lock["packages"])]


def compile_pyodide_packages(pyodide_dir):
    """Compile the site's Pyodide packages in ``pyodide_dir`` to bytecode; return the new wheels.

    What the kernel loads at start (``PRELOADED``, ``KERNEL_PACKAGES``, the ``KERNEL_WHEELS`` the lock
    has, and their dependencies), the wheels the lock names. The kernel's own (IPython, jedi,
    pyodide_kernel, ...) lose their sources, as
    pyodide-build's py-compile leaves them; the learner's (numpy, matplotlib and what they depend
    on) keep theirs beside the bytecode, so a traceback into them shows its lines.
    """
    pyodide_dir = Path(pyodide_dir)
    lock = read_lock(pyodide_dir)
    learners = kernel_packages_closure(lock, PRELOADED)
    packages = sorted(
        name
        for name in kernel_packages_closure(lock, kernel_roots(lock))
        if lock["packages"][name]["file_name"].endswith(".whl") and name not in NOT_COMPILED
    )
    wheels = {pyodide_dir / lock["packages"][name]["file_name"]: name in learners for name in packages}
    compiled = compile_wheels(pyodide_dir, wheels)
    return [
        rewrite_lock_package(pyodide_dir, name, lambda wheel, keep=keep: bytecode_changes(compiled[wheel], keep))
        for name, (wheel, keep) in zip(packages, wheels.items(), strict=True)
    ]


def compile_site_wheels(pyodide_dir, wheels):
    """Replace each of the site's own ``wheels`` (a list of paths) by a copy with bytecode beside its sources.

    Returns the copies' paths in the same order.
    """
    compiled = compile_wheels(pyodide_dir, {Path(wheel): True for wheel in wheels})
    copies = []
    for wheel in wheels:
        copy = rewrite_wheel(wheel, Path(wheel).parent, **bytecode_changes(compiled[Path(wheel)], keep_source=True))
        Path(wheel).unlink()
        copies.append(copy)
    return copies


# Booting Pyodide is CPython starting up and importing Pyodide's own modules, the same at every kernel
# start: 3.4-3.8 s under Node on this quiet 2-core machine, 0.4 s restored from a snapshot of its memory
# (issue 28; in the browser Pyodide loads the packages meanwhile, and the page's start showed no gain
# beyond the noise: docs/lite.md). A site that serves Pyodide itself serves such a snapshot, taken by the
# build (lite/snapshot.mjs, with that very Pyodide: a restore checks the build id), and its kernel's
# pyodideUrl is the site's loader (lite/course-pyodide.js), which restores it. The snapshot also holds
# IPython imported (lite/course_snapshot.py): the kernel's imports took 1.9 s of a start under Node,
# 0.4 s restored (tests/lite/boot_from_snapshot.mjs).
SNAPSHOT_SCRIPT = ROOT / "lite" / "snapshot.mjs"
PYODIDE_LOADER = ROOT / "lite" / "course-pyodide.js"
SNAPSHOT_NAME = "course-snapshot.bin.gz"  # the loader's SNAPSHOT
# Where `jupyter lite build` points the kernel of a site that serves Pyodide (static/pyodide/).
SERVED_PYODIDE_URL = "./static/pyodide/pyodide.js"


# The packages whose modules the snapshot imports (lite/course_snapshot.py): IPython's, jedi's for its
# completer, comm.
SNAPSHOT_ROOTS = ("ipython", "jedi", "comm")


def snapshot_wheels(lock):
    """The lock's wheels the snapshot unpacks: ``SNAPSHOT_ROOTS`` and what they depend on, pure Python only.

    A wheel built for the platform holds a shared library, which no snapshot holds: sqlite3's, whose
    module lite/course_snapshot.py binds after the restore. Returns their file names, sorted.
    """
    closure = kernel_packages_closure(lock, SNAPSHOT_ROOTS)
    files = (lock["packages"][name]["file_name"] for name in closure)
    return sorted(name for name in files if not name.endswith("_wasm32.whl"))


def add_snapshot(pyodide_dir):
    """Put the boot snapshot and the loader that restores it into the site's Pyodide folder ``pyodide_dir``."""
    if shutil.which("node") is None:
        raise FileNotFoundError("node is needed to take the snapshot of the site's Pyodide")
    pyodide_dir = Path(pyodide_dir)
    wheels = snapshot_wheels(read_lock(pyodide_dir))
    subprocess.run(
        ["node", str(SNAPSHOT_SCRIPT), str(pyodide_dir), str(pyodide_dir / SNAPSHOT_NAME), *wheels], check=True
    )
    shutil.copy2(PYODIDE_LOADER, pyodide_dir / PYODIDE_LOADER.name)


def use_pyodide_loader(out):
    """Point the kernel of the built site ``out`` at the site's loader instead of Pyodide's own."""
    path = Path(out) / "jupyter-lite.json"
    config = json.loads(path.read_text())
    kernel = config["jupyter-config-data"]["litePluginSettings"][KERNEL_SETTINGS]
    if kernel.get("pyodideUrl") != SERVED_PYODIDE_URL:
        raise ValueError(f"{path}: pyodideUrl is {kernel.get('pyodideUrl')!r}, not the served {SERVED_PYODIDE_URL}")
    kernel["pyodideUrl"] = SERVED_PYODIDE_URL.rsplit("/", 1)[0] + "/" + PYODIDE_LOADER.name
    path.write_text(json.dumps(config, indent=2))


# The one JupyterLab extension the site needs. Others installed in the same environment (nbgrader's
# needs its server, the notebook and widgets ones are unused) are left out of the site.
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"


def installed_extension():
    """The kernel's JupyterLab extension as pip installed it (requirements-lite.txt)."""
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / KERNEL_EXTENSION
    if not installed.is_dir():
        raise FileNotFoundError(f"{installed} is missing: pip install -r requirements-lite.txt")
    return installed


def kernel_wheel_files(site_pypi):
    """Each of ``KERNEL_WHEELS``'s files: the extension's own, or the site's in ``site_pypi``."""
    folders = {"extension": installed_extension() / "static" / "pypi", "site": Path(site_pypi)}
    files = {}
    for name, wheel in KERNEL_WHEELS.items():
        found = sorted(folders[wheel["from"]].glob(f"{name}-*-py3-none-any.whl"))
        if len(found) != 1:
            raise FileNotFoundError(f"{folders[wheel['from']]}: {len(found)} wheels of {name}, not one")
        files[name] = found[0]
    return files


def build_config(lite_dir):
    """jupyter_lite_config.json: only the kernel's extension, no source maps (a smaller site)."""
    extensions = lite_dir / "labextensions"
    shutil.copytree(installed_extension(), extensions / KERNEL_EXTENSION)
    return {
        "LiteBuildConfig": {"ignore_sys_prefix": ["federated_extensions"], "no_sourcemaps": True},
        "FederatedExtensionAddon": {"extra_labextensions_path": [str(extensions)]},
    }


def build(out, pyodide=None, root=ROOT, compile_with=None):
    """Build the site into the folder ``out`` (replaced if it exists) and return its path.

    Parameters
    ----------
    out : Path
        The site's folder.
    pyodide : Path, optional
        A local Pyodide distribution (``pyodide.js``, ``pyodide-lock.json``, the packages) for the
        site to serve itself; default: the kernel loads Pyodide ``PYODIDE_VERSION`` from its CDN.
    compile_with : Path, optional
        A local Pyodide ``PYODIDE_VERSION`` to compile the site's own wheels (dl_utils, pyfive, comm)
        to bytecode with, for a site whose Pyodide is the CDN's; default ``pyodide``. Without
        either, the site's wheels hold their sources only.
    """
    out = Path(out).resolve()
    compile_with = compile_with or pyodide
    if compile_with is not None:
        version = read_lock(compile_with)["info"]["version"]
        if version != PYODIDE_VERSION:
            raise ValueError(f"{compile_with} is Pyodide {version}, the site runs {PYODIDE_VERSION}")
    with tempfile.TemporaryDirectory(prefix="lite-build-") as tmp:
        lite_dir = Path(tmp) / "lite"
        lite_dir.mkdir()
        stage_contents(lite_dir / "contents", root, font_cache_notice=pyodide is None)
        download_wheels(lite_dir / "pypi")
        library = library_wheel(lite_dir / "pypi", root, extra=record_members(root))
        pyfive = lite_dir / "pypi" / PYFIVE_WHEEL
        if pyodide is not None:
            pyodide = Path(pyodide)
            for required in ("pyodide.js", "pyodide-lock.json"):
                if not (pyodide / required).is_file():
                    raise FileNotFoundError(f"--pyodide {pyodide} has no {required}")
            # jupyter lite build copies static/pyodide/ into the site and points pyodideUrl at it.
            shutil.copytree(pyodide, lite_dir / "static" / "pyodide")
            add_font_cache(lite_dir / "static" / "pyodide")
            drop_unused_dependencies(lite_dir / "static" / "pyodide")
            add_kernel_wheels(lite_dir / "static" / "pyodide", kernel_wheel_files(lite_dir / "pypi"))
            drop_unread_stubs(lite_dir / "static" / "pyodide")
            compile_pyodide_packages(lite_dir / "static" / "pyodide")
            add_snapshot(lite_dir / "static" / "pyodide")
        if compile_with is not None:
            site_wheels = [pyfive, library, *(lite_dir / "pypi" / w for w in SITE_WHEELS if w != PYFIVE_WHEEL)]
            pyfive, library, *_ = compile_site_wheels(compile_with, site_wheels)
        served = pyodide is not None
        config = site_config(None if served else PYODIDE_CDN_URL, library.name, pyfive.name, kernel_wheels=served)
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(config, indent=2))
        (lite_dir / "overrides.json").write_text(json.dumps(OVERRIDES, indent=2))
        (lite_dir / "jupyter_lite_config.json").write_text(json.dumps(build_config(lite_dir), indent=2))
        if out.exists():
            shutil.rmtree(out)  # always a clean build: an incremental one may drop pyodideUrl
        subprocess.run(
            [sys.executable, "-m", "jupyterlite_core", "build",
             "--lite-dir", str(lite_dir), "--contents", str(lite_dir / "contents"), "--output-dir", str(out)],
            cwd=lite_dir, check=True,
        )  # fmt: skip
    add_page_scripts(out)
    if pyodide is not None:
        use_pyodide_loader(out)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m dl_instructor.lite", description="Build the course as a JupyterLite site (docs/lite.md)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="build the site into a folder")
    build_parser.add_argument("--out", type=Path, required=True, help="the site's folder (replaced if it exists)")
    build_parser.add_argument(
        "--pyodide", type=Path, default=None,
        help="a local Pyodide distribution for the site to serve (default: Pyodide from its CDN)",
    )  # fmt: skip
    build_parser.add_argument(
        "--compile-with", type=Path, default=None,
        help="a local Pyodide to compile the site's own wheels with (default: --pyodide's; a CDN site's "
        "wheels are otherwise served as source)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    out = build(args.out, pyodide=args.pyodide, compile_with=args.compile_with)
    print(f"built {out}")


if __name__ == "__main__":
    main()
