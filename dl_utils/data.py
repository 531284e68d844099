"""The course's datasets: load one as ``(n_x, m)`` features and ``(1, m)`` labels.

The .h5 files are package data, in ``dl_utils/datasets/``: installed with the package, found
with ``importlib.resources`` wherever it is installed.
"""

import hashlib
from collections import namedtuple
from importlib import resources
from pathlib import Path

import numpy as np

from ._hdf5 import open_hdf5

DATASETS_PACKAGE_DIR = "datasets"  # inside the dl_utils package
REBUILD = "python data/build_datasets.py"
HOW_TO_REBUILD = (
    f"rebuild them with `{REBUILD}` from the course's root folder (it needs scikit-learn), and reinstall "
    "dl_utils (`pip install .`) unless it was installed in place (`pip install -e .`)"
)

# name -> (file in dl_utils/datasets/, its sha256). data/build_datasets.py writes these exact bytes;
# tests/test_build_datasets.py checks that this table, dl_utils/datasets/SHA256SUMS and a fresh build agree.
DATASETS = {
    "digits": ("digits.h5", "f28ec5e1e33cbc0388a5d1758289732ddb0d008719a3c7dc6c3f98314be5cff8"),
    "spiral": ("spiral.h5", "556d7801504c1c4d56ae7d0af158ce43e8e22122344317f2b5df42ac9f688496"),
}

Dataset = namedtuple(
    "Dataset",
    "name train_x train_y val_x val_y test_x test_y classes image_shape train_digit val_digit test_digit",
)
Dataset.__doc__ = """A dataset split into train, validation and test sets, examples as columns.

Fields
------
name : str
train_x, val_x, test_x : ndarray of float64 of shape (n_x, m)
    Features. digits: the 64 pixels of an 8x8 image, row by row, scaled from 0..16 to [0, 1].
    spiral: the 2 coordinates of a point, within [-1.2, 1.2].
train_y, val_y, test_y : ndarray of int64 of shape (1, m)
    Labels, 0 or 1.
classes : tuple of str
    ``classes[k]`` is the name of label ``k``.
image_shape : tuple of int or None
    ``(8, 8)`` for digits (show example ``i`` with ``X[:, i].reshape(image_shape)``), None for spiral.
train_digit, val_digit, test_digit : ndarray of int64 of shape (1, m) or None
    digits: the digit 0..9 each image shows; None for spiral.
"""


def dataset_names():
    """Return the names ``load_dataset`` accepts, sorted."""
    return sorted(DATASETS)


def load_dataset(name, data_dir=None):
    """Load one of the course's datasets after checking its file's sha256.

    Parameters
    ----------
    name : str
        ``"digits"`` (UCI handwritten digits, label 1 if even, 0 if odd) or ``"spiral"``
        (two spiral arms in the plane, for decision-boundary pictures).
    data_dir : str or Path, optional
        Where the .h5 files are; default the ones installed with ``dl_utils`` (``dl_utils/datasets/``).

    Returns
    -------
    Dataset
        A named tuple with ``train_x, train_y, val_x, val_y, test_x, test_y`` (features
        ``(n_x, m)`` float64, labels ``(1, m)`` int64 0/1), ``classes``, ``image_shape`` and,
        for digits, the digit of each example. See ``help(Dataset)``.

    Raises
    ------
    ValueError
        If ``name`` is not a dataset, or its file's sha256 is not the expected one.
    FileNotFoundError
        If the file is missing.
    """
    if name not in DATASETS:
        raise ValueError(f"name must be one of {_listing()} (rebuilt by `{REBUILD}`), got {name!r}")
    filename, expected = DATASETS[name]
    if data_dir is not None:
        return _read(name, Path(data_dir) / filename, expected)
    with resources.as_file(resources.files(__package__) / DATASETS_PACKAGE_DIR / filename) as path:
        return _read(name, path, expected)


def _read(name, path, expected):
    """The dataset ``name`` from the file at ``path``, after checking that its sha256 is ``expected``."""
    if not path.is_file():
        raise FileNotFoundError(
            f"dataset {name!r} needs the file {path}, which does not exist. The datasets are {_listing()}: "
            f"{HOW_TO_REBUILD}."
        )
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ValueError(
            f"the file {path} is damaged or out of date: its sha256 is {actual}, expected {expected}. "
            f"The datasets are {_listing()}: {HOW_TO_REBUILD}."
        )
    with open_hdf5(path, data) as f:  # h5py, imported only here (not by `import dl_utils.checks`), or pyfive
        scale = float(f.attrs.get("pixel_max", 1))
        splits = {}
        for split in ("train", "val", "test"):
            splits[f"{split}_x"] = f[f"{split}_x"][()].T.astype(np.float64) / scale
            splits[f"{split}_y"] = f[f"{split}_y"][()].astype(np.int64).reshape(1, -1)
            key = f"{split}_digit"
            splits[key] = f[key][()].astype(np.int64).reshape(1, -1) if key in f else None
        classes = tuple(c.decode() for c in f["classes"][()])
        image_shape = (int(f.attrs["image_height"]), int(f.attrs["image_width"])) if "image_height" in f.attrs else None
    return Dataset(name=name, classes=classes, image_shape=image_shape, **splits)


def _listing():
    return ", ".join(repr(n) for n in dataset_names())
