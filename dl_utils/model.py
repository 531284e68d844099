"""The whole loop: initialize, then forward, cost, backward, update, repeated; and prediction."""

import numpy as np

from . import replay
from ._threads import small_blas
from ._validate import as_matrix, same_shape
from ._validate import layers_dims as _check_layers_dims
from .backward import L_model_backward
from .cost import compute_cost
from .forward import L_model_forward
from .initialize import initialize_parameters_deep
from .update import update_parameters


@small_blas
@replay.replayable(unless="print_cost")  # in the browser only: a training the site's build recorded (replay.py)
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False, seed=0):
    """Train an L-layer network (ReLU hidden layers, sigmoid output) by full-batch gradient descent.

    One iteration is :func:`L_model_forward`, :func:`compute_cost`, :func:`L_model_backward` and
    :func:`update_parameters`: the loop of notebook 05.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Training inputs, one example per column. Its float dtype (float32 or float64)
        is the dtype of the parameters, caches and gradients.
    Y : ndarray of shape (1, m)
        Training labels, 0 or 1.
    layers_dims : list of int
        ``[n_x, n_1, ..., n_L]``, with ``n_x == X.shape[0]`` and ``n_L == 1``.
    learning_rate : float, default 0.0075
        Step size of gradient descent.
    num_iterations : int, default 3000
        Number of gradient steps.
    print_cost : bool, default False
        Print the cost every 100 iterations and after the last one.
    seed : int or numpy.random.Generator, default 0
        Randomness of the initialization.

    Returns
    -------
    parameters : dict
        The trained ``W1, b1, ..., WL, bL``.
    costs : list of float
        The cost every 100 iterations (iteration 0, 100, ...) and after the last one.

    Raises
    ------
    FloatingPointError
        If the cost stops being a finite number (training diverged).
    """
    X, Y, dims = _model_inputs(X, Y, layers_dims)
    if dims[-1] != 1:
        raise ValueError(f"layers_dims must end with 1 (one sigmoid output), got {dims}")
    same_shape("Y", Y, "the network's output (1, m)", np.empty((1, X.shape[1])))
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    X = X.astype(dtype, copy=False)
    parameters = initialize_parameters_deep(dims, seed=seed, dtype=dtype)
    costs = []
    for i in range(num_iterations):
        # A diverging run overflows on its way to a cost of nan: _record_cost stops it with an
        # error that says what to do, instead of numpy's overflow warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            AL, caches = L_model_forward(X, parameters)
            cost = compute_cost(AL, Y)
            _record_cost(costs, cost, i, num_iterations, learning_rate, print_cost)
            grads = L_model_backward(AL, Y, caches)
            parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs


def predict(X, parameters):
    """Predict labels: 1 where the network's output is above 0.5, else 0.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Examples to label, one per column, with the n_x features the network was trained on.
    parameters : dict
        Trained ``W1, b1, ..., WL, bL``, e.g. from :func:`L_layer_model`, with one output unit
        (``WL`` of shape (1, n_{L-1})).

    Returns
    -------
    predictions : ndarray of int of shape (1, m)
        0 or 1 for each example.
    """
    AL, _ = L_model_forward(X, parameters)
    return (AL > 0.5).astype(np.int64)


def _model_inputs(X, Y, layers_dims):
    """The checks a training loop starts with: ``X`` and ``Y`` as matrices, ``layers_dims`` valid
    and starting with ``X``'s number of rows; returns ``X, Y, dims``."""
    X, Y = as_matrix("X", X), as_matrix("Y", Y)
    dims = _check_layers_dims(layers_dims)
    if dims[0] != X.shape[0]:
        raise ValueError(f"layers_dims[0] is {dims[0]} but X has {X.shape[0]} rows (features)")
    return X, Y, dims


def _record_cost(costs, cost, iteration, num_iterations, learning_rate, print_cost):
    """Stop a diverged training loop; keep (and print) the cost at iterations 0, 100, ... and the last."""
    if not np.isfinite(cost):
        raise FloatingPointError(
            f"Training diverged: the cost became {cost} at iteration {iteration} with learning_rate="
            f"{learning_rate}. Try a smaller learning rate, e.g. learning_rate={learning_rate / 10:g}."
        )
    if iteration % 100 == 0 or iteration == num_iterations - 1:
        costs.append(cost)
        if print_cost:
            print(f"Cost after iteration {iteration}: {cost:.6f}")
