"""data/build_datasets.py rebuilds the committed .h5 files (dl_utils/datasets/) byte for byte, wherever
it runs from, and the three records of their sha256 (the loader's table, dl_utils/datasets/SHA256SUMS,
data/README.md) agree."""

import hashlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dl_utils.data import DATASETS

if importlib.util.find_spec("sklearn") is None:  # found, not imported: the build imports it, in its own process
    pytest.skip("rebuilding the digits needs scikit-learn (requirements-dev.txt)", allow_module_level=True)

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "data" / "build_datasets.py"
PACKAGED = REPO / "dl_utils" / "datasets"  # the committed files, package data of dl_utils


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_script():
    spec = importlib.util.spec_from_file_location("build_datasets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """Build once, into a new folder, from a working directory that is neither the repository nor data/.

    The committed files were built by earlier runs, so matching them byte for byte shows that
    the build is reproducible, and that it does not depend on where it runs from.
    """
    cwd = tmp_path_factory.mktemp("elsewhere")
    out = cwd / "nested"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], cwd=cwd, check=True, capture_output=True)
    return out


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_rebuild_matches_the_committed_file_byte_for_byte(rebuilt, name):
    filename, expected = DATASETS[name]
    assert sha256(PACKAGED / filename) == expected, f"the committed {filename} is not the one dl_utils expects"
    assert sha256(rebuilt / filename) == expected, (
        f"a fresh build of {filename} differs from the committed one: did build_datasets.py, scikit-learn's "
        "digits or the HDF5 library change? (see data/README.md, 'Reproducibility')"
    )


def test_sha256sums_and_readme_agree_with_the_loader(rebuilt):
    listed = dict(line.split()[::-1] for line in (PACKAGED / "SHA256SUMS").read_text().splitlines())
    assert listed == {filename: digest for filename, digest in DATASETS.values()}
    assert (rebuilt / "SHA256SUMS").read_text() == (PACKAGED / "SHA256SUMS").read_text()
    readme = (REPO / "data" / "README.md").read_text()
    for filename, digest in DATASETS.values():
        assert f"`{digest}`" in readme, f"data/README.md does not give the sha256 of {filename}"


def test_stratified_split_is_a_partition_with_equal_shares():
    build = load_script()
    groups = np.repeat(np.arange(3), [50, 100, 31])
    train, val, test = build.stratified_split(groups, seed=1, val_fraction=0.2, test_fraction=0.2)
    together = np.concatenate([train, val, test])
    assert together.size == groups.size and np.array_equal(np.sort(together), np.arange(groups.size))
    np.testing.assert_array_equal(np.bincount(groups[test]), [10, 20, 6])  # round(0.2 * n) of each group
    np.testing.assert_array_equal(np.bincount(groups[val]), [10, 20, 6])
    again = build.stratified_split(groups, seed=1, val_fraction=0.2, test_fraction=0.2)
    other = build.stratified_split(groups, seed=2, val_fraction=0.2, test_fraction=0.2)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again, strict=True))
    assert not np.array_equal(test, other[2])


def test_the_build_writes_where_the_loader_reads():
    from importlib import resources

    assert load_script().OUT_DIR == PACKAGED
    assert Path(str(resources.files("dl_utils") / "datasets")).resolve() == PACKAGED
