"""What the site's memory snapshot imports, and what a kernel restored from it does first.

lite/snapshot.mjs runs this module under Node, in the Pyodide whose memory it then writes out. There
it imports IPython and what the kernel (jupyterlite-pyodide-kernel's ``pyodide_kernel``) imports from
it: about 1.3-1.9 s of every kernel start under Node on this 2-core machine, done once by the build
instead (issue 28). The module stays in the snapshot, in ``sys.modules``, until ``restored`` removes it.

A snapshot holds Python's memory but no shared library (Pyodide 0.27 reloads none at a restore), and
IPython imports two modules built on one: ``sqlite3`` (``IPython.core.history``) and ``ssl``
(``http.client``, through ``urllib.request``). While the snapshot is taken they are placeholders that
refuse to be read; a restored kernel, once Pyodide has loaded their packages, imports the real
modules and puts them wherever a placeholder was bound (``restored``), so its state is the one a plain
start gives.

Two other costs of a start are paid here too: compiling the standard library's modules that the
kernel imports after the restore (``STDLIB_IMPORTS``), and rereading the standard library's zip once
per package imported from it as Pyodide loads the kernel's packages (``set_aside_folder_importers``).
And the snapshot's Pyodide unpacks a wheel with ``unpack_wheel``, which writes the files Pyodide's own
function writes, faster.
"""

import importlib
import io
import os
import random
import shutil
import sys
import types
import zipfile
import zipimport
from pathlib import Path

# Modules with a shared library that IPython imports, bound to placeholders in the snapshot (their
# packages' wheels are built for the platform: dl_instructor/lite.py's snapshot_wheels leaves them out).
AFTER_RESTORE = ("sqlite3", "ssl")
# What pyodide_kernel 0.6.1's own files import from IPython, traitlets and comm (pyodide_kernel itself
# is not imported: it reads pyodide_js as it is imported, a JavaScript object no snapshot can hold).
IMPORTS = (
    "IPython",
    "IPython.core.application",
    "IPython.core.completer",
    "IPython.core.displayhook",
    "IPython.core.displaypub",
    "IPython.core.getipython",
    "IPython.core.history",
    "IPython.core.inputtransformer2",
    "IPython.core.interactiveshell",
    "IPython.core.shellapp",
    "IPython.display",
    "IPython.utils.tokenutil",
    "comm",
    "traitlets",
    "traitlets.config",
)

# What a start imports from the standard library after the restore. Pyodide 0.27's standard library
# is sources only (python_stdlib.zip) and zipimport writes no bytecode, so each start compiled these
# from source, about 0.5 s of compiling under Node. Who imports them: Pyodide's loadPackage (tarfile,
# in pyodide/_package_loader.py's get_dynlibs), piplite (unittest.mock, in piplite/piplite.py),
# micropip (html.parser, in its vendored mousebender), pyodide_kernel (_strptime, in its jsonutil.py)
# and numpy (ctypes, in numpy/_core/_internal.py). Each is pure Python (the build fails if one loads
# a shared library) and reads nothing the start sets up; a plain start has them all imported once
# the kernel is up and numpy imported. getpass, which pyodide_kernel imports after mocking termios,
# and pyodide.http, which reads JavaScript, stay out.
STDLIB_IMPORTS = ("tarfile", "unittest.mock", "html.parser", "_strptime", "ctypes")
# zipimport's importers of the standard library's folders (/lib/python312.zip/email, .../json, one per
# package imported from the zip), out of sys.path_importer_cache from the snapshot until ``restored``.
SET_ASIDE = {}
# Pyodide's own pyodide._package_loader.unpack_buffer, which ``unpack_wheel`` replaces in the snapshot.
PYODIDE_UNPACK = None


class LoadedAfterRestore(types.ModuleType):
    """Stands for a module with a shared library while the snapshot is taken; reading it fails."""

    def __getattr__(self, attr):
        raise ImportError(
            f"{self.__name__}.{attr} was read while the site's snapshot was taken: {self.__name__} has a "
            "shared library, which no snapshot holds (lite/course_snapshot.py)"
        )


def take(wheels, site_packages):
    """Unpack ``wheels`` (paths of pure-Python wheels) into ``site_packages`` and import ``IMPORTS``.

    Returns the names of the modules imported, sorted.
    """
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            shared = [name for name in archive.namelist() if name.endswith(".so")]
            if shared:
                raise ValueError(f"{wheel} has shared libraries {shared}: no snapshot holds them")
            archive.extractall(site_packages)
    importlib.invalidate_caches()
    before = set(sys.modules)
    sys.modules.update({name: LoadedAfterRestore(name) for name in AFTER_RESTORE})
    for name in IMPORTS + STDLIB_IMPORTS:
        importlib.import_module(name)
    for name in AFTER_RESTORE:
        del sys.modules[name]
    set_aside_folder_importers()
    use_unpack_wheel()
    return sorted(set(sys.modules) - before)


def set_aside_folder_importers():
    """Move the importers of a zip's folders from ``sys.path_importer_cache`` to ``SET_ASIDE``.

    Python 3.12's ``importlib.invalidate_caches()``, which Pyodide's ``loadPackage`` calls once it has
    unpacked the kernel's packages, has each zipimporter reread its whole zip's directory: with
    IPython imported, 22 importers of /lib/python312.zip read it 22 times (0.2 s under Node, against
    0.015 s for the zip's own importer). ``restored`` puts them back once the packages are loaded;
    until then an import from such a folder would make its importer anew, from the zip's directory
    already read.
    """
    for path, finder in list(sys.path_importer_cache.items()):
        if isinstance(finder, zipimport.zipimporter) and path != finder.archive:
            SET_ASIDE[path] = sys.path_importer_cache.pop(path)


def use_unpack_wheel():
    """Have Pyodide's ``loadPackage`` unpack wheels with ``unpack_wheel`` (it looks the function up at each call)."""
    global PYODIDE_UNPACK
    package_loader = sys.modules["pyodide._package_loader"]
    if package_loader.unpack_buffer is not unpack_wheel:  # called twice, it would call itself
        PYODIDE_UNPACK = package_loader.unpack_buffer
        package_loader.unpack_buffer = unpack_wheel


def unpack_wheel(
    buffer, *, filename="", format=None, extract_dir=None, calculate_dynlibs=False, installer=None, source=None
):
    """Pyodide 0.27's ``pyodide._package_loader.unpack_buffer``, faster for a wheel; the snapshot's.

    Pyodide's ``loadPackage`` calls it for each package it loads, with the package file's bytes
    (``buffer``, a JavaScript Uint8Array). Pyodide's own function writes them to a temporary file,
    has ``shutil.unpack_archive`` extract it (for each member: ``os.path.isdir`` of its folder, the
    member read from that file in 64 KiB pieces, written through a buffered file) and opens the zip
    twice more. This one reads the zip from memory once and writes each member whole with
    ``os.write``: the same members skipped (absolute, or with ``..``), the same files and folders
    written, the same INSTALLER and PYODIDE_SOURCE, the same shared libraries returned, in the
    same order (tests/lite/boot_from_snapshot.mjs compares every file a restored start unpacks
    with a plain start's). Under Node, the kernel's 33 packages (3,922 files): 1.6-2.1 s in
    Pyodide's function, 1.1-1.3 s in this one. Anything but a wheel (a ``format``, a .zip or .tar
    of shared libraries) goes to Pyodide's own function.

    Parameters
    ----------
    buffer : pyodide.ffi.JsBuffer
        The package file's bytes.
    filename : str
        The package file's name or URL.
    format, extract_dir, calculate_dynlibs, installer, source
        As Pyodide's ``unpack_buffer``.

    Returns
    -------
    pyodide.ffi.JsArray of str or None
        With ``calculate_dynlibs``, the paths of the shared libraries unpacked.
    """
    package_loader = sys.modules["pyodide._package_loader"]
    name = filename.rpartition("/")[-1]
    if format is not None or not name.endswith(".whl"):
        return PYODIDE_UNPACK(
            buffer, filename=filename, format=format, extract_dir=extract_dir,
            calculate_dynlibs=calculate_dynlibs, installer=installer, source=source,
        )  # fmt: skip
    from pyodide.ffi import to_js

    target = Path(extract_dir or ".")
    target.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(io.BytesIO(buffer.to_bytes()))
    except zipfile.BadZipFile as error:
        raise shutil.ReadError(f"{name} is not a zip file") from error
    folders = set()
    with archive:
        for member in archive.infolist():
            if member.filename.startswith("/") or ".." in member.filename:
                continue  # as shutil's _unpack_zipfile
            path = os.path.join(target, *member.filename.split("/"))
            folder = os.path.dirname(path)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            if not member.filename.endswith("/"):
                data = memoryview(archive.read(member))
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
                try:
                    while data:
                        data = data[os.write(fd, data) :]
                finally:
                    os.close(fd)
        package_loader.set_wheel_installer(name, archive, target, installer, source)
        package_loader.install_datafiles(name, archive, target)
        if calculate_dynlibs:
            names = archive.namelist()
            return to_js([str((target / n).resolve()) for n in names if package_loader.should_load_dynlib(n)])
    return None


async def restored():
    """Make the restored snapshot's Python the one a plain start gives; it then leaves ``sys.modules``.

    Called once, by lite/course-pyodide.js, as soon as Pyodide has restored the snapshot and loaded
    the kernel's packages: loads the packages of ``AFTER_RESTORE`` that are not loaded yet (the site's
    kernel lists them: then none, and Pyodide logs no "already loaded" line), binds the real modules
    wherever a placeholder was bound, puts back the importers ``set_aside_folder_importers`` set
    aside, and reseeds ``random``, which the one boot that wrote the snapshot seeded from the build
    machine's entropy. Returns the names the modules were bound to, sorted.
    """
    from pyodide.ffi import to_js
    from pyodide_js import loadedPackages, loadPackage

    missing = [name for name in AFTER_RESTORE if getattr(loadedPackages, name, None) is None]
    if missing:
        await loadPackage(to_js(missing))
    real = {name: importlib.import_module(name) for name in AFTER_RESTORE}
    bound = []
    for module_name, module in list(sys.modules.items()):
        for attr, value in list(getattr(module, "__dict__", {}).items()):
            if isinstance(value, LoadedAfterRestore):
                setattr(module, attr, real[value.__name__])
                bound.append(f"{module_name}.{attr}")
    for path, finder in SET_ASIDE.items():
        sys.path_importer_cache.setdefault(path, finder)
    random.seed()
    del sys.modules[__name__]
    return sorted(bound)
