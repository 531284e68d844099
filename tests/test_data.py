"""load_dataset: shapes, dtypes, ranges and labels of the shipped files, and its errors;
predict and the divergence error of L_layer_model on the digits the application trains on."""

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from dl_utils import L_layer_model, load_dataset, predict
from dl_utils.data import DATASETS, dataset_names

PACKAGED = Path(__file__).resolve().parent.parent / "dl_utils" / "datasets"  # the committed files

EVEN = (0, 2, 4, 6, 8)


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


@pytest.fixture(scope="module")
def spiral():
    return load_dataset("spiral")


def splits(d):
    return [(d.train_x, d.train_y), (d.val_x, d.val_y), (d.test_x, d.test_y)]


def test_digits_shapes_dtypes_and_ranges(digits):
    sizes = []
    for X, Y in splits(digits):
        assert X.dtype == np.float64 and Y.dtype == np.int64
        assert X.shape[0] == 64 and Y.shape == (1, X.shape[1])
        assert X.min() == 0.0 and X.max() == 1.0
        # pixels were integers 0..16 scaled by 1/16: every value is a multiple of 1/16
        np.testing.assert_array_equal(X * 16, np.round(X * 16))
        assert set(np.unique(Y)) == {0, 1}
        sizes.append(X.shape[1])
    assert sizes == [1079, 359, 359] and sum(sizes) == 1797
    assert digits.classes == ("odd", "even")
    assert digits.image_shape == (8, 8)


def test_digits_labels_say_even(digits):
    for (_, Y), D in zip(splits(digits), (digits.train_digit, digits.val_digit, digits.test_digit), strict=True):
        assert D.shape == Y.shape and D.dtype == np.int64
        np.testing.assert_array_equal(Y, np.isin(D, EVEN).astype(np.int64))


def test_digits_splits_are_stratified_and_disjoint(digits):
    for D in (digits.train_digit, digits.val_digit, digits.test_digit):
        counts = np.bincount(D[0], minlength=10)
        share = counts / counts.sum()
        assert np.all(np.abs(share - 0.1) < 0.01), f"digit shares {share} are not about 1/10 each"
    # no image appears in two splits (the UCI test partition holds no exact duplicates across our splits)
    rows = [set(map(bytes, (X.T * 16).astype(np.uint8))) for X, _ in splits(digits)]
    assert not (rows[0] & rows[1]) and not (rows[0] & rows[2]) and not (rows[1] & rows[2])


def test_digit_image_is_row_major(digits):
    # The average 7 has its bar along the top row and no ink in the left column; read column-major
    # (transposed), the bar would be in the left column.
    seven = digits.train_x[:, digits.train_digit[0] == 7].mean(axis=1).reshape(digits.image_shape)
    assert seven[0, 2:7].mean() > 0.5 and seven[:, 0].max() < 0.05


def test_spiral_shapes_dtypes_and_balance(spiral):
    for X, Y in splits(spiral):
        assert X.dtype == np.float64 and Y.dtype == np.int64
        assert X.shape == (2, Y.shape[1]) and np.abs(X).max() <= 1.2
        assert np.sum(Y == 1) == np.sum(Y == 0)
    assert [X.shape[1] for X, _ in splits(spiral)] == [240, 80, 80]
    assert spiral.image_shape is None and spiral.train_digit is None and len(spiral.classes) == 2


def test_unknown_name_lists_the_datasets():
    with pytest.raises(ValueError, match=r"'digits', 'spiral'.*python data/build_datasets.py.*got 'mnist'"):
        load_dataset("mnist")
    assert dataset_names() == ["digits", "spiral"]


def test_missing_file_says_how_to_rebuild(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"does not exist.*'digits', 'spiral'.*python data/build_datasets.py"):
        load_dataset("digits", data_dir=tmp_path)


def test_damaged_file_fails_its_checksum(tmp_path):
    filename, expected = DATASETS["spiral"]
    shutil.copy(PACKAGED / filename, tmp_path / filename)
    assert load_dataset("spiral", data_dir=tmp_path).train_x.shape == (2, 240)  # the intact copy loads
    data = bytearray((tmp_path / filename).read_bytes())
    data[-1] ^= 0xFF
    (tmp_path / filename).write_bytes(bytes(data))
    with pytest.raises(ValueError, match=rf"damaged.*expected {expected}.*python data/build_datasets.py"):
        load_dataset("spiral", data_dir=tmp_path)


def test_data_dir_accepts_a_string(tmp_path):
    filename, _ = DATASETS["spiral"]
    shutil.copy(PACKAGED / filename, tmp_path / filename)
    np.testing.assert_array_equal(load_dataset("spiral", data_dir=str(tmp_path)).test_y, load_dataset("spiral").test_y)


def test_checks_import_without_h5py():
    # h5py is imported where a dataset is read, so the checks (and grading) work without it.
    # pyfive blocked too: it reads the datasets where h5py is absent (the lite requirements install it), so with
    # it the dataset would load and the second run could not show that the blocking works.
    block = "import sys; sys.modules['h5py'] = None; sys.modules['pyfive'] = None"
    code = f"{block}; import dl_utils.checks"
    result = subprocess.run([sys.executable, "-c", code], cwd=PACKAGED.parent.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    blocked = f"{block}; import dl_utils; dl_utils.load_dataset('spiral')"
    result = subprocess.run([sys.executable, "-c", blocked], cwd=PACKAGED.parent.parent, capture_output=True, text=True)
    # the blocking works: reading a dataset needs h5py, or where it is absent (the JupyterLite site) pyfive
    assert "needs h5py (pip install h5py) or, where h5py is not available, pyfive" in result.stderr


def test_predict_thresholds_the_output_at_one_half():
    # One sigmoid unit with W = [[1, 0]], b = 0: AL = sigmoid(x0), so the prediction is 1 exactly when x0 > 0.
    X = np.array([[-2.0, -1e-9, 0.0, 1e-9, 3.0], [5.0, -5.0, 5.0, -5.0, 0.0]])
    parameters = {"W1": np.array([[1.0, 0.0]]), "b1": np.zeros((1, 1))}
    predictions = predict(X, parameters)
    assert predictions.shape == (1, 5) and predictions.dtype == np.int64
    np.testing.assert_array_equal(predictions, [[0, 0, 0, 1, 1]])


def test_predict_on_digits_after_a_short_training(digits):
    parameters, _ = L_layer_model(digits.train_x, digits.train_y, [64, 8, 1], learning_rate=0.5, num_iterations=100)
    predictions = predict(digits.val_x, parameters)
    assert predictions.shape == digits.val_y.shape and set(np.unique(predictions)) <= {0, 1}
    assert np.mean(predictions == digits.val_y) > 0.75  # chance is about 0.5


def test_divergence_stops_with_a_clear_error(digits):
    # With a sigmoid output and the cross-entropy cost the gradients stay bounded, so only an absurd
    # learning rate overflows the weights of a deep stack to inf and the cost to nan. numpy warns about
    # the overflow on its way (RuntimeWarning); what is tested here is the error that stops training.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(FloatingPointError, match=r"diverged: the cost became nan.*smaller learning rate"):
            L_layer_model(digits.train_x, digits.train_y, [64, 16, 16, 1], learning_rate=1e100, num_iterations=10)
