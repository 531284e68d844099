"""The trainers run their small products on one BLAS thread, leave large ones their threads, and compute
the same numbers either way (dl_utils/_threads.py)."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import dl_utils
from dl_utils import _threads
from dl_utils._threads import SMALL_PRODUCT, largest_product, small_blas

TRAINERS = ("L_layer_model", "softmax_model", "train_regularized", "train_with_optimizer")


def blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_largest_product_is_the_largest_layer_times_m():
    X = np.zeros((64, 1257))
    assert largest_product(X, [64, 32, 16, 1]) == 64 * 32 * 1257
    assert largest_product(X, [64, 1]) == 64 * 1257
    assert largest_product(np.zeros((2, 5)), [2, 3, 7, 1]) == 3 * 7 * 5


@pytest.mark.parametrize("X, dims", [(np.zeros(5), [5, 1]), (np.zeros((2, 5)), "abc"), (None, [2, 1])])
def test_largest_product_of_unreadable_sizes_is_none(X, dims):
    assert largest_product(X, dims) is None


@pytest.mark.parametrize("name", TRAINERS)
def test_every_trainer_is_bounded(name):
    trainer = getattr(dl_utils, name)
    assert trainer.__wrapped__.__name__ == name and trainer.__doc__ == trainer.__wrapped__.__doc__


def test_one_blas_thread_for_small_products_the_default_for_large_ones_restored_after():
    # In a process of its own, where the BLAS has 2 threads to begin with (the tests' workers are given one).
    code = textwrap.dedent(
        f"""
        import numpy as np
        from threadpoolctl import threadpool_info, threadpool_limits
        from dl_utils._threads import small_blas

        def blas():
            return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

        @small_blas
        def trainer(X, Y, layers_dims, learning_rate=0.1):
            return blas()

        with threadpool_limits(limits=2, user_api="blas"):
            assert blas() == [2], blas()
            small = trainer(np.zeros((64, 1257)), None, [64, 32, 16, 1])
            after = blas()
            big = np.broadcast_to(0.0, (1024, 4096))  # no memory: only its shape is read
            large = trainer(big, None, layers_dims=[1024, {SMALL_PRODUCT // (1024 * 4096) + 1}, 1])
        print(small, after, large)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[1]", "[2]", "[2]"]


def test_wrong_arguments_reach_the_trainer_itself():
    @small_blas
    def trainer(X, Y, layers_dims):
        raise AssertionError("not reached")

    with pytest.raises(TypeError, match="layers_dims"):
        trainer(np.zeros((2, 3)), None)


def test_the_bound_changes_no_number():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 300))
    Y = (rng.random((1, 300)) > 0.5).astype(float)
    Y10 = dl_utils.one_hot(rng.integers(0, 10, (1, 300)), 10)
    runs = {
        "L_layer_model": ((X, Y, [64, 32, 16, 1]), {"learning_rate": 0.1, "num_iterations": 30}),
        "softmax_model": ((X, Y10, [64, 32, 10]), {"learning_rate": 0.1, "num_iterations": 30}),
        "train_regularized": ((X, Y, [64, 32, 16, 1], 0.1, 30), {"lambd": 0.1, "keep_prob": 0.8}),
        "train_with_optimizer": ((X, Y, [64, 32, 16, 1]), {"optimizer": "adam", "num_epochs": 3}),
    }
    assert largest_product(X, [64, 32, 16, 1]) < _threads.SMALL_PRODUCT
    before = blas_threads()
    for name, (args, kwargs) in runs.items():
        trainer = getattr(dl_utils, name)
        bounded = trainer(*args, **kwargs)
        with threadpool_limits(limits=2, user_api="blas"):
            free = trainer.__wrapped__(*args, **kwargs)
        for key in bounded[0]:
            np.testing.assert_allclose(bounded[0][key], free[0][key], rtol=1e-12, atol=1e-15, err_msg=f"{name} {key}")
    assert blas_threads() == before  # every limit was undone


def test_without_threadpoolctl_the_trainers_train_unbounded(monkeypatch):
    # The JupyterLite site (Pyodide) has no threadpoolctl: its numpy has no BLAS threads to limit.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 50))
    Y = (rng.random((1, 50)) > 0.5).astype(float)
    bounded, _ = dl_utils.L_layer_model(X, Y, [4, 3, 1], learning_rate=0.1, num_iterations=20)
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import threadpoolctl now raises ImportError
    assert _threads._threadpools() is None
    unbounded, _ = dl_utils.L_layer_model(X, Y, [4, 3, 1], learning_rate=0.1, num_iterations=20)
    for key in bounded:
        np.testing.assert_allclose(unbounded[key], bounded[key], rtol=1e-12, atol=1e-15, err_msg=key)
