"""Rebuild every dataset of the course, byte for byte, into the package data of dl_utils.

Run from anywhere::

    python data/build_datasets.py            # writes dl_utils/datasets/*.h5 and dl_utils/datasets/SHA256SUMS
    python data/build_datasets.py --out DIR  # writes them to DIR instead

The same command gives the same bytes (the same sha256) on every run and in any
directory: every split is drawn from a fixed seed with ``numpy.random.default_rng``,
and the HDF5 files carry no timestamps (``track_times=False``), no variable-length
data and a fixed file format (``libver=("earliest", "v110")``).

scikit-learn is needed here only, for the UCI digits it bundles; the course's loader
(``dl_utils.load_dataset``) needs numpy and h5py alone.
"""

import argparse
import hashlib
from pathlib import Path

import h5py
import numpy as np

# Where dl_utils.load_dataset finds them: the package data of dl_utils, in this checkout.
OUT_DIR = Path(__file__).resolve().parent.parent / "dl_utils" / "datasets"
SEED = 2026
# Fractions of each digit (or class) held out for validation and for test.
VAL_FRACTION = 0.2
TEST_FRACTION = 0.2
# The binary task on the digits, chosen on the validation split (see data/README.md).
POSITIVE_DIGITS = (0, 2, 4, 6, 8)
DIGITS_CLASSES = ("odd", "even")  # names of label 0 and label 1
SPIRAL_CLASSES = ("arm A", "arm B")
SPIRAL_PER_CLASS = 200
HDF5_LIBVER = ("earliest", "v110")


def stratified_split(groups, seed, val_fraction=VAL_FRACTION, test_fraction=TEST_FRACTION):
    """Split example indices into train, validation and test, the same fractions within every group.

    Parameters
    ----------
    groups : ndarray of int of shape (m,)
        The group of each example (the digit, or the class).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same split.

    Returns
    -------
    train, val, test : ndarray of int
        Sorted, disjoint indices that together cover ``range(m)``.
    """
    rng = np.random.default_rng(seed)
    parts = ([], [], [])
    for g in np.unique(groups):
        idx = rng.permutation(np.flatnonzero(groups == g))
        n_test = round(test_fraction * idx.size)
        n_val = round(val_fraction * idx.size)
        parts[2].append(idx[:n_test])
        parts[1].append(idx[n_test:n_test + n_val])
        parts[0].append(idx[n_test + n_val:])
    return tuple(np.sort(np.concatenate(p)) for p in parts)


def load_uci_digits():
    """Return the UCI digits bundled with scikit-learn: pixels (1797, 64) uint8 in 0..16, digits (1797,)."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    pixels = bunch.data.astype(np.uint8)
    if not np.array_equal(pixels, bunch.data) or pixels.max() != 16:
        raise RuntimeError("scikit-learn's digits are no longer integers in 0..16: check data/README.md")
    return pixels, bunch.target.astype(np.uint8)


def make_spiral(per_class, seed):
    """Two interleaved spiral arms in the plane, with a little noise.

    Arm ``k`` (k = 0, 1) is the curve :math:`r(\\cos(\\theta + k\\pi), \\sin(\\theta + k\\pi))` with
    :math:`r = t` and :math:`\\theta = 3\\pi t` for ``t`` spread over (0.1, 1], plus Gaussian
    noise of standard deviation 0.04 on each coordinate.

    Returns
    -------
    points : ndarray of float32 of shape (2 * per_class, 2)
        Coordinates, all within [-1.2, 1.2].
    labels : ndarray of uint8 of shape (2 * per_class,)
        The arm, 0 or 1.
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0.1, 1.0, per_class)
    points, labels = [], []
    for k in (0, 1):
        theta = 3 * np.pi * t + k * np.pi
        xy = np.stack([t * np.cos(theta), t * np.sin(theta)], axis=1)
        points.append(xy + 0.04 * rng.standard_normal(xy.shape))
        labels.append(np.full(per_class, k, dtype=np.uint8))
    return np.concatenate(points).astype(np.float32), np.concatenate(labels)


def write_h5(path, arrays, attrs):
    """Write ``arrays`` (name -> ndarray) and ``attrs`` (name -> str or int) to an HDF5 file, reproducibly."""
    with h5py.File(path, "w", libver=HDF5_LIBVER, track_order=False) as f:
        for key, value in attrs.items():
            f.attrs[key] = np.bytes_(value) if isinstance(value, str) else value
        for key, value in arrays.items():
            f.create_dataset(key, data=value, track_times=False)


def build_digits(out_dir):
    """Write digits.h5: the UCI digits, split 60/20/20 within each digit, labelled even (1) or odd (0)."""
    pixels, digits = load_uci_digits()
    arrays = {}
    for split, idx in zip(("train", "val", "test"), stratified_split(digits, SEED), strict=True):
        arrays[f"{split}_x"] = pixels[idx]
        arrays[f"{split}_y"] = np.isin(digits[idx], POSITIVE_DIGITS).astype(np.uint8)
        arrays[f"{split}_digit"] = digits[idx]
    arrays["classes"] = np.array([c.encode() for c in DIGITS_CLASSES], dtype="S8")
    attrs = {
        "title": "UCI optical recognition of handwritten digits (test partition, as bundled by scikit-learn)",
        "task": "label 1 if the digit is even (0, 2, 4, 6, 8), 0 if it is odd",
        "source": "Alpaydin, E. and Kaynak, C. (1998). UCI Machine Learning Repository. doi:10.24432/C50P49",
        "license": "CC BY 4.0",
        "layout": "*_x: (m, 64) uint8 pixels 0..16, row-major 8x8 images; *_y: (m,) uint8 0/1; *_digit: (m,) uint8",
        "pixel_max": 16,
        "image_height": 8,
        "image_width": 8,
    }
    path = Path(out_dir) / "digits.h5"
    write_h5(path, arrays, attrs)
    return path


def build_spiral(out_dir):
    """Write spiral.h5: two spiral arms in 2-D, split 60/20/20 within each arm."""
    points, labels = make_spiral(SPIRAL_PER_CLASS, SEED)
    arrays = {}
    for split, idx in zip(("train", "val", "test"), stratified_split(labels, SEED), strict=True):
        arrays[f"{split}_x"] = points[idx]
        arrays[f"{split}_y"] = labels[idx]
    arrays["classes"] = np.array([c.encode() for c in SPIRAL_CLASSES], dtype="S8")
    attrs = {
        "title": "Two spiral arms in the plane, generated from a seed",
        "task": "label 0 or 1: the arm a point lies on",
        "source": f"data/build_datasets.py, make_spiral({SPIRAL_PER_CLASS}, seed={SEED})",
        "license": "CC0 1.0 (generated for this course)",
        "layout": "*_x: (m, 2) float32 coordinates; *_y: (m,) uint8 0/1",
    }
    path = Path(out_dir) / "spiral.h5"
    write_h5(path, arrays, attrs)
    return path


def sha256(path):
    """Return the hex sha256 of the file at ``path``."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build_all(out_dir=OUT_DIR):
    """Build every dataset into ``out_dir`` and write ``SHA256SUMS`` there; return {file name: sha256}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sums = {p.name: sha256(p) for p in (build_digits(out_dir), build_spiral(out_dir))}
    (out_dir / "SHA256SUMS").write_text("".join(f"{h}  {name}\n" for name, h in sums.items()))
    return sums


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT_DIR), help="directory to write to (default: dl_utils/datasets/)")
    args = parser.parse_args()
    for name, digest in build_all(args.out).items():
        print(f"{digest}  {name}")


if __name__ == "__main__":
    main()
