"""One BLAS thread for the course's small matrices, so that training stays fast on a busy machine.

numpy hands every matrix product to its BLAS (OpenBLAS in numpy's wheels), which splits a
product of more than about 260 000 multiply-adds over a thread per core. The course's products
are a little above that (``W1 @ X`` on the digits is 32 x 64 x 1257, 2.6 million): split in two,
each half takes microseconds, and the threads spend as long handing work over and waiting for
each other as working. On a quiet machine one thread is as fast or faster; on a busy one (a
shared JupyterHub node, a test run beside the notebook) every product waits for its slowest
thread, and an idle BLAS thread spins on a core that another process needs: ``L_layer_model``
on the digits, on 2 cores beside two busy processes, ran 12 times slower on two BLAS threads
than on one (issue 13; ``python -m dl_bench.threads`` measures it).

So the library's trainers run on one BLAS thread while their largest product is small, and
leave the BLAS alone (a thread per core) when it is large. The limit holds while a trainer
runs and is undone after it, with `threadpoolctl <https://github.com/joblib/threadpoolctl>`_,
the library scikit-learn uses for the same purpose. One thread or two, the trained parameters
agree to rounding (tests/test_threads.py).
"""

import functools
import inspect

import numpy as np

# Multiply-adds of one product from which a trainer leaves the BLAS its threads. The course's
# largest is 2.6 million; the benchmark's image-size (51 million) and GEMM-bound (4.3 billion)
# networks are above it and keep their threads, as when they were measured (docs/maintainer.md, Speed).
# Where between the two one thread stops paying on a quiet machine has not been measured.
SMALL_PRODUCT = 1 << 25  # about 33.5 million

def _threadpools():
    """A controller of the BLAS libraries loaded now; None without threadpoolctl.

    Made at each call, not once: a BLAS loaded after the first training (scipy's, PyTorch's) is
    limited too. Making one reads the process's loaded libraries (10 ms measured on a busy 2-core
    machine), once per training. In the browser (the JupyterLite site, Pyodide) numpy's BLAS runs on the page's one
    thread: there is nothing to limit, and the site does not ship threadpoolctl.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def largest_product(X, layers_dims):
    """Multiply-adds of the largest ``W_l @ A_{l-1}`` a network of ``layers_dims`` computes on ``X``:
    ``max_l n_l * n_{l-1} * m``. None if the sizes cannot be read (the trainer will say why)."""
    try:
        m = int(np.shape(X)[1])
        dims = [int(n) for n in layers_dims]
    except (IndexError, TypeError, ValueError):
        return None
    return max((a * b * m for a, b in zip(dims[1:], dims[:-1], strict=True)), default=0)


def small_blas(trainer):
    """Run ``trainer(X, Y, layers_dims, ...)`` with one BLAS thread if its largest product is small.

    Only the speed changes: the results agree with the unbounded trainer's to rounding.
    """
    signature = inspect.signature(trainer)

    @functools.wraps(trainer)
    def bounded(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs).arguments
            work = largest_product(bound["X"], bound["layers_dims"])
        except (TypeError, KeyError):  # wrong arguments: let the trainer itself say what is wrong
            work = None
        pools = None if work is None or work >= SMALL_PRODUCT else _threadpools()
        if pools is None:
            return trainer(*args, **kwargs)
        with pools.limit(limits=1, user_api="blas"):
            return trainer(*args, **kwargs)

    return bounded
