"""The fast training step the benchmark times: the course's mathematics, organised for speed.

The learner writes (and the notebooks teach) ``L_model_forward``, ``compute_cost``,
``L_model_backward`` and ``update_parameters``, and :func:`dl_utils.L_layer_model` is the
loop of those four. :func:`train` computes exactly what that loop computes, in the same
order of floating point operations wherever it matters, one :class:`TrainingStep` per
iteration, so its parameters and costs equal the plain loop's (``tests/test_train_fast.py``
proves it). What changes is only how the work is laid out:

- **Nothing is allocated per iteration.** Every array (activations, gradients, parameters) is
  allocated once, in :class:`TrainingStep`, and written with ``out=`` arguments; the
  parameters are updated in place in the step's own copies, never in the caller's arrays.
- **The forward pass keeps only what the backward pass needs.** A hidden layer keeps
  ``A = relu(Z)`` and not ``Z``: ``Z`` is computed into ``A``'s buffer and rectified in place,
  and the ReLU's slope ``1[Z > 0]`` equals ``1[A > 0]``.
- **The backward pass writes ``dA_prev`` over ``A_prev``.** Once ``dW = dZ A_prev^T / m`` is
  computed and the mask ``A_prev > 0`` saved, ``A_prev`` is dead, so ``W^T dZ`` goes into its
  buffer and is masked there: the gradients need no activation-sized memory of their own.
- **``dA0 = W1^T dZ1`` is not computed.** Nobody uses the gradient with respect to the input;
  for a wide input (12288 features) it would be a third of the iteration's work.
- **Each layer is updated as soon as its gradient is known.** ``W_l`` is last used to compute
  ``dA_prev``; it is updated right after, while ``dW_l`` is still in cache.
- **The ReLU's slope is a byte mask, applied with a bitwise AND.** ``np.where(Z > 0, dA, 0)``
  (``relu_backward``) keeps or zeroes each number; ``dA & mask``, with the mask all ones where
  ``A > 0``, does the same bit for bit, NaN and inf included, without a branch per element
  (``np.copyto(dA, 0, where=...)`` on a random mask is five to ten times slower).
- **Large element-wise work runs on all cores, in cache-sized blocks of rows.** numpy runs a
  ufunc on one thread, and OpenBLAS's multiplications use them all; for layers of at least
  ``PARALLEL_MIN_SIZE`` numbers, the bias and ReLU of the forward pass, and the mask, its
  application with the sums of ``db`` in the same pass, and the update of the backward pass, run
  on ``threads`` threads (numpy lets go of the GIL), each over blocks of about 512 KiB of rows,
  the bias added and the ReLU taken while the block is in cache. Each number is computed by the
  same operation as in one call, so the result is the same to the bit.
- **A wide ``X`` is used in the layout it comes in.** Examples contiguous (column-major
  ``(n_x, m)``, as :func:`dl_utils.load_dataset` returns it, and as PyTorch stores ``(m, n_x)``)
  is where OpenBLAS multiplies it fastest; a wide ``X`` in the other layout is copied once,
  costing its size in memory, because that makes both of its products 20 to 30% faster.
- **OpenBLAS's threads only where they pay, and never spinning at a barrier.** A network whose
  products are all small (below ``SPLIT_MIN_PRODUCT`` multiply-adds, the digits) runs on one BLAS
  thread (:meth:`TrainingStep.blas_threads`, the rule of ``dl_utils._threads``); a wide ``X``'s two
  products are shared out by columns over the step's own threads, each on one BLAS thread
  (:meth:`TrainingStep._split_matmul`). OpenBLAS's threads spin while they wait, and each of its
  products ends in a barrier: on a machine whose cores other processes also want, that made the
  two-thread step lose to PyTorch (docs/benchmark.md). Each number is still one dot product, so
  the results agree with the loop to rounding.
- **No validation.** The step trusts its arguments (the benchmark makes them); checking a learner's
  is :func:`dl_utils.L_layer_model`'s work.
- **The output layer** starts from ``dZ = AL - Y`` as ``L_model_backward`` does, and its cost is
  ``compute_cost``'s formula without the input checks.

Everything follows the dtype of ``X`` (float32 stays float32 end to end).
"""

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np

from dl_utils import initialize_parameters_deep

PARALLEL_MIN_SIZE = 1 << 20  # numbers in an array from which element-wise work is split over threads
_BLOCK_BYTES = 1 << 19  # rows taken together: about 512 KiB of an array, half of a 1 MiB L2 cache
_BITS = {np.dtype(np.float64): np.int64, np.dtype(np.float32): np.int32}
_POOLS = {}
SPLIT_MIN_PRODUCT = 1 << 25  # multiply-adds of a wide X's product from which our threads share it (see _split)
_CONTROLLER = []


def available_cores():
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_threads():
    """Threads for large element-wise work: :func:`available_cores`, or fewer if
    ``OPENBLAS_NUM_THREADS`` or ``OMP_NUM_THREADS`` asks for fewer (as they do of the BLAS)."""
    n = available_cores()
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        try:
            n = min(n, int(os.environ[name]))
        except (KeyError, ValueError):
            pass
    return max(1, n)


def _blas_controller():
    """threadpoolctl's controller of numpy's BLAS, made once; None without threadpoolctl."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _CONTROLLER.append(None)
        else:
            _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


def _bias_relu(Z, b):
    """A hidden layer's ``A = relu(Z + b)``, in place in ``Z``."""
    Z += b
    np.maximum(Z, 0, out=Z)


def _relu_mask(A, mask):
    """``mask`` (int8) = -1, all bits set, where ``A > 0`` (where the ReLU's slope is 1), else 0."""
    np.greater(A, 0, out=mask.view(bool))
    np.negative(mask, out=mask)


def _apply_mask(dA, mask):
    """``dZ = dA & mask`` in place: ``dA`` where the mask is set, else +0, as ``np.where(Z > 0, dA, 0)``."""
    bits = dA.view(_BITS[dA.dtype])
    np.bitwise_and(bits, mask, out=bits)


def _descend(W, dW, m, learning_rate):
    """``dW = dW / m`` (``linear_backward``), then ``W -= learning_rate * dW`` (``update_parameters``), in place."""
    dW /= m
    dW *= learning_rate
    W -= dW


def _row_sums(dZ, db):
    np.sum(dZ, axis=1, keepdims=True, out=db)


def _relu_backward(dA, mask, db):
    """``dZ = dA & mask`` in place, and ``db`` = the row sums of ``dZ`` (not yet divided by ``m``)."""
    _apply_mask(dA, mask)
    _row_sums(dA, db)


def _outer_relu_backward(A, w, mask, db, dz):
    """Over ``A``'s buffer: the mask of ``A > 0``, then ``dA = w dz`` (``w`` a column, ``dz`` a row), then
    :func:`_relu_backward`."""
    _relu_mask(A, mask)
    np.multiply(w, dz, out=A)
    _relu_backward(A, mask, db)


class TrainingStep:
    """Full-batch gradient descent on an L-layer network, one iteration per call, in preallocated memory.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Inputs, float32 or float64; its dtype is the dtype of every array of the step.
    Y : ndarray of shape (1, m)
        Labels, 0 or 1.
    parameters : dict
        ``W1, b1, ..., WL, bL`` of ``X``'s dtype; copied, never modified.
    threads : int, optional
        Threads for the element-wise work on layers of at least ``PARALLEL_MIN_SIZE`` numbers;
        default :func:`default_threads`.

    Notes
    -----
    Memory kept between iterations: the parameters and one gradient buffer of each
    parameter's shape, the activations ``A1 .. A{L-1}`` (each ``(n_l, m)``), three ``(1, m)``
    rows for the output layer, and one byte mask ``(max n_l, m)`` for the ReLU slopes.
    """

    def __init__(self, X, Y, parameters, threads=None):
        if X.shape[0] > X.shape[1] and not X.flags.f_contiguous:
            # A wide input (more features than examples, like 12288 pixels for 209 images): the two
            # products with X, W1 X and dZ1 X^T, are most of the work, and OpenBLAS runs both faster
            # with the examples of X contiguous (column-major X), most of all on two threads. One copy.
            X = np.asfortranarray(X)
        self.X = X
        self.dtype = X.dtype
        self.m = X.shape[1]
        self.L = len(parameters) // 2
        self.W = [None] + [np.array(parameters[f"W{l}"], dtype=self.dtype, order="C") for l in range(1, self.L + 1)]
        self.b = [None] + [np.array(parameters[f"b{l}"], dtype=self.dtype, order="C") for l in range(1, self.L + 1)]
        self.dW = [None] + [np.empty_like(W) for W in self.W[1:]]
        self.db = [None] + [np.empty_like(b) for b in self.b[1:]]
        # A[0] is X; A[l] for 1 <= l < L holds relu(Z_l), later dA_l then dZ_l of the backward pass.
        self.A = [X] + [np.empty((W.shape[0], self.m), dtype=self.dtype) for W in self.W[1 : self.L]]
        hidden = [W.shape[0] for W in self.W[1 : self.L]]
        self._mask = np.empty((max(hidden, default=0), self.m), dtype=np.int8)
        self.threads = default_threads() if threads is None else max(1, int(threads))
        # The output layer: Z_L, then AL in place; E for the sigmoid; dZ_L = AL - Y.
        self.Y = Y
        self._Yd = Y.astype(self.dtype)
        self.AL = np.empty((1, self.m), dtype=self.dtype)
        self._E = np.empty_like(self.AL)
        self._T = np.empty_like(self.AL)
        self._dZ = np.empty_like(self.AL)
        zero, one = self.dtype.type(0), self.dtype.type(1)
        self._lo, self._hi = np.nextafter(zero, one), np.nextafter(one, zero)
        self._one_minus_Y = 1 - Y
        # A wide X's two products, W1 X and dZ1 X^T, shared out by columns over our threads, each running
        # the BLAS on one thread: see _split.
        self._split = (
            self.threads > 1
            and X.shape[0] > X.shape[1]
            and self.W[1].shape[0] * X.shape[0] * X.shape[1] >= SPLIT_MIN_PRODUCT
            and _blas_controller() is not None
        )

    def blas_threads(self):
        """A context in which to run iterations: one BLAS thread if every product of the network is small.

        The rule of :mod:`dl_utils._threads` (the course's trainers): below ``SPLIT_MIN_PRODUCT``
        multiply-adds, a product split over OpenBLAS's threads costs as much in handing work over and
        spinning at the barrier as it saves, and on a busy machine many times more. Without threadpoolctl,
        or when a product is large, the BLAS is left as it is.
        """
        largest = max(W.shape[0] * W.shape[1] * self.m for W in self.W[1:])
        if largest >= SPLIT_MIN_PRODUCT or _blas_controller() is None:
            return contextlib.nullcontext()
        from threadpoolctl import threadpool_limits

        # A controller of its own, made now: the cached one knows only the BLAS libraries loaded when it was
        # made, and a library loaded since (scipy's OpenBLAS, say) would keep its threads. Once per run, not
        # per iteration, so the scan costs nothing that matters.
        return threadpool_limits(limits=1, user_api="blas")

    def parameters(self):
        """Return the current parameters as a new dict of new arrays ``W1, b1, ..., WL, bL``."""
        out = {}
        for l in range(1, self.L + 1):
            out[f"W{l}"], out[f"b{l}"] = self.W[l].copy(), self.b[l].copy()
        return out

    def forward(self):
        """Forward pass and cost; returns the cost as a Python float (nan or inf if training diverged)."""
        with np.errstate(over="ignore", invalid="ignore"):
            A = self.X
            for l in range(1, self.L):
                Z = self.A[l]
                if l == 1 and self._split:
                    self._split_matmul(self.W[1], A, Z)
                else:
                    np.matmul(self.W[l], A, out=Z)
                self._by_rows(_bias_relu, Z, self.b[l])
                A = Z
            AL = self.AL
            np.matmul(self.W[self.L], A, out=AL)
            AL += self.b[self.L]
            return self._sigmoid_and_cost(AL)

    def _sigmoid_and_cost(self, Z):
        # activations._sigmoid, in place: AL = 1/(1+E) where Z >= 0, else E/(1+E), E = exp(-|Z|).
        E, T = self._E, self._T
        pos = Z >= 0
        np.abs(Z, out=E)
        np.negative(E, out=E)
        np.exp(E, out=E)
        np.add(E, 1, out=T)
        np.divide(E, T, out=Z)
        np.divide(1, T, out=T)
        np.copyto(Z, T, where=pos)
        # compute_cost, without its checks: A clipped to the open interval (0, 1).
        np.clip(Z, self._lo, self._hi, out=E)
        np.log1p(-E, out=T)
        np.log(E, out=E)
        m = self.m
        return float(-(np.sum(self.Y * E) + np.sum(self._one_minus_Y * T)) / m)

    def backward_update(self, learning_rate):
        """Backward pass from the last forward pass, each layer updated in place as soon as its gradient is known.

        Parameters
        ----------
        learning_rate : float
            Step size of gradient descent.
        """
        try:
            lr = float(learning_rate)
        except (TypeError, ValueError):
            # update_parameters' message: the straightforward loop raises it at the same point.
            raise ValueError(f"learning_rate must be a number, got {learning_rate!r}") from None
        m, L = self.m, self.L
        with np.errstate(over="ignore", invalid="ignore"):
            dZ = np.subtract(self.AL, self._Yd, out=self._dZ)
            _row_sums(dZ, self.db[L])
            self.db[L] /= m
            for l in range(L, 0, -1):
                A_prev, W, dW, db = self.A[l - 1], self.W[l], self.dW[l], self.db[l]
                if l == 1 and self._split:
                    self._split_matmul(dZ, A_prev.T, dW)
                else:
                    np.matmul(dZ, A_prev.T, out=dW)
                if l > 1:
                    # dZ_prev = relu_backward(W^T dZ, Z_prev) over A_prev's buffer, and its row sums, the
                    # next layer's db, in the same pass. The slope 1[Z > 0] is 1[A > 0], saved before
                    # dA_prev overwrites A_prev.
                    mask, db_prev = self._mask[: A_prev.shape[0]], self.db[l - 1]
                    if W.shape[0] == 1:
                        # An outer product (the sigmoid layer's): a GEMM with k = 1 is several times
                        # slower than the broadcast product, which computes the same w * dz exactly;
                        # the mask, the product, the mask applied and the sums, block by block.
                        self._by_rows(partial(_outer_relu_backward, dz=dZ), A_prev, W.T, mask, db_prev)
                    else:
                        self._by_rows(_relu_mask, A_prev, mask)
                        np.matmul(W.T, dZ, out=A_prev)
                        self._by_rows(_relu_backward, A_prev, mask, db_prev)
                    db_prev /= m
                    dZ = A_prev
                # update_parameters: W - learning_rate * dW, written over W once W is no longer needed.
                self._by_rows(partial(_descend, m=m, learning_rate=lr), W, dW)
                db *= lr
                self.b[l] -= db

    def _split_matmul(self, A, B, out):
        """``out = A @ B``, its columns shared out over the threads, each product on one BLAS thread.

        OpenBLAS's own threads wait for their work spinning, and every product ends in a barrier where the
        first thread done spins until the last is: on a machine whose cores other processes also want, a
        thread of a two-thread product is often off its core, and the product waits a time slice. Our
        threads instead sleep until they have work; each computes whole dot products of ``out``'s columns.
        """
        cols = out.shape[1]
        step = -(-cols // self.threads)
        parts = [(lo, min(lo + step, cols)) for lo in range(0, cols, step)]
        if self.threads not in _POOLS:
            _POOLS[self.threads] = ThreadPoolExecutor(self.threads, thread_name_prefix="dl_bench")

        def run(part):
            with np.errstate(over="ignore", invalid="ignore"):  # the error state is per thread
                np.matmul(A, B[:, part[0] : part[1]], out=out[:, part[0] : part[1]])

        with _blas_controller().limit(limits=1, user_api="blas"):
            list(_POOLS[self.threads].map(run, parts))

    def _by_rows(self, fn, *arrays):
        """``fn(*arrays)``, or, for arrays of at least ``PARALLEL_MIN_SIZE`` numbers, ``fn`` on blocks of
        their rows (the arrays have the same number of rows), the blocks shared out over the threads."""
        rows, cols = arrays[0].shape
        if self.threads == 1 or rows * cols < PARALLEL_MIN_SIZE:
            fn(*arrays)
            return
        size = max(1, _BLOCK_BYTES // (cols * arrays[0].itemsize))
        blocks = [(lo, min(lo + size, rows)) for lo in range(0, rows, size)]

        def run(mine):
            with np.errstate(over="ignore", invalid="ignore"):  # the error state is per thread
                for lo, hi in mine:
                    fn(*(a[lo:hi] for a in arrays))

        if self.threads not in _POOLS:
            _POOLS[self.threads] = ThreadPoolExecutor(self.threads, thread_name_prefix="dl_bench")
        list(_POOLS[self.threads].map(run, [blocks[t :: self.threads] for t in range(self.threads)]))


def train(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, seed=0):
    """:func:`dl_utils.L_layer_model` (without ``print_cost``) on :class:`TrainingStep`: the same
    initialization, iterations and recorded costs; a float32 ``X`` trains in float32, any other in float64.

    Returns
    -------
    parameters : dict
        The trained ``W1, b1, ..., WL, bL``.
    costs : list of float
        The cost at iterations 0, 100, ... and at the last one.

    Raises
    ------
    FloatingPointError
        If the cost stops being a finite number, naming the iteration.
    """
    X, Y = np.asarray(X), np.asarray(Y)
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    X = X.astype(dtype, copy=False)
    step = TrainingStep(X, Y, initialize_parameters_deep(layers_dims, seed=seed, dtype=dtype))
    costs = []
    with step.blas_threads():
        for i in range(num_iterations):
            cost = step.forward()
            if not np.isfinite(cost):
                raise FloatingPointError(f"training diverged: the cost became {cost} at iteration {i}")
            if i % 100 == 0 or i == num_iterations - 1:
                costs.append(cost)
            step.backward_update(learning_rate)
    return step.parameters(), costs
