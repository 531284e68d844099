"""Mistakes in notebook 02's exercises, ``linear_forward``, ``linear_activation_forward`` and
``L_model_forward``, in the common catalogue."""

import numpy as np

from .. import activations as act
from .. import forward as fwd
from .mistakes import CATALOGUE, EQUATIONS, READS_GLOBAL, Mistake, _from_source, _sigmoid, mistake


@mistake("linear_forward", "Z = W A_prev + b: did you transpose W (W.T @ A_prev)?")
def lf_W_transposed(A_prev, W, b):
    return W.T @ A_prev + b, (A_prev, W, b)


@mistake("linear_forward", "Z = W A_prev + b, W on the left: A_prev @ W multiplies in the wrong order")
def lf_wrong_order(A_prev, W, b):
    return A_prev @ W + b, (A_prev, W, b)


@mistake("linear_forward", "`*` multiplies entry by entry: Z = W A_prev + b needs the matrix product W @ A_prev")
def lf_elementwise(A_prev, W, b):
    return W * A_prev + b, (A_prev, W, b)


@mistake("linear_forward", "Z = W A_prev + b: did you forget to add b?")
def lf_no_bias(A_prev, W, b):
    return W @ A_prev, (A_prev, W, b)


@mistake("linear_forward", "return Z and the cache: did you forget to return the cache?")
def lf_no_cache(A_prev, W, b):
    return W @ A_prev + b


@mistake("linear_forward", "return Z, cache in that order: Z first, then the cache (A_prev, W, b)")
def lf_return_swapped(A_prev, W, b):
    return (A_prev, W, b), W @ A_prev + b


B_COLUMN = ("b is a column of shape (n_l, 1): add it as it is, W @ A_prev + b; b.T or b.ravel() is a row, which "
            "numpy adds across the examples instead of the units (or cannot add at all)")


@mistake("linear_forward", B_COLUMN)
def lf_b_transposed(A_prev, W, b):
    return W @ A_prev + b.T, (A_prev, W, b)


@mistake("linear_forward", B_COLUMN)
def lf_b_ravel(A_prev, W, b):
    return W @ A_prev + b.ravel(), (A_prev, W, b)


CATALOGUE += [Mistake("lf_reads_global", "linear_forward", READS_GLOBAL, _from_source(
    "def linear_forward(A_prev, W, b):\n    return W @ A + b, (A_prev, W, b)\n",
    "linear_forward", A=np.arange(12.0).reshape(3, 4) / 10))]


@mistake("linear_activation_forward", "the activation cache must be Z (what relu and sigmoid return as their "
         "cache), not the activation A")
def laf_cache_A(A_prev, W, b, activation):
    A, (linear_cache, _) = fwd.linear_activation_forward(A_prev, W, b, activation)
    return A, (linear_cache, A)


@mistake("linear_activation_forward", "relu and sigmoid are swapped: activation == 'sigmoid' must call sigmoid")
def laf_swapped(A_prev, W, b, activation):
    return fwd.linear_activation_forward(A_prev, W, b, {"relu": "sigmoid", "sigmoid": "relu"}[activation])


@mistake("linear_activation_forward", "the cache must be (linear_cache, activation_cache), in that order")
def laf_cache_order(A_prev, W, b, activation):
    A, (linear_cache, Z) = fwd.linear_activation_forward(A_prev, W, b, activation)
    return A, (Z, linear_cache)


@mistake("linear_activation_forward", "relu(Z) and sigmoid(Z) return a pair (A, activation_cache): unpack it, "
         "A, activation_cache = sigmoid(Z)")
def laf_not_unpacked(A_prev, W, b, activation):
    Z, linear_cache = fwd.linear_forward(A_prev, W, b)
    return {"relu": act.relu, "sigmoid": act.sigmoid}[activation](Z), (linear_cache, Z)


@mistake("linear_activation_forward", "the output is the activation A = g(Z): did you return Z?")
def laf_returns_Z(A_prev, W, b, activation):
    _, (linear_cache, Z) = fwd.linear_activation_forward(A_prev, W, b, activation)
    return Z, (linear_cache, Z)


def _forward(X, parameters, L, activation_of, append_last=True):
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = fwd.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation_of(l, L))
        if l < L or append_last:
            caches.append(cache)
    return A, caches


@mistake("L_model_forward", "the output layer L must use sigmoid, not ReLU")
def lmf_last_relu(X, parameters):
    return _forward(X, parameters, len(parameters) // 2, lambda l, L: "relu")


@mistake("L_model_forward", "the hidden layers 1..L-1 use ReLU; only the output layer L uses sigmoid")
def lmf_all_sigmoid(X, parameters):
    return _forward(X, parameters, len(parameters) // 2, lambda l, L: "sigmoid")


@mistake("L_model_forward", "len(parameters) counts both W and b: the number of layers is L = len(parameters) // 2")
def lmf_len_parameters(X, parameters):
    L = len(parameters)
    A, caches = _forward(X, parameters, L - 1, lambda l, L: "relu")
    AL, cache = fwd.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [cache]


@mistake("L_model_forward", "the loop range(1, L + 1) ran layer L as ReLU too: loop over range(1, L), then do layer "
         "L with sigmoid after the loop")
def lmf_loop_too_far(X, parameters):
    L = len(parameters) // 2
    A, caches = _forward(X, parameters, L, lambda l, L: "relu")
    AL, cache = fwd.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [cache]


@mistake("L_model_forward", "the sigmoid was applied twice: linear_activation_forward(..., 'sigmoid') already "
         "returns sigmoid(Z)")
def lmf_sigmoid_twice(X, parameters):
    AL, caches = fwd.L_model_forward(X, parameters)
    return _sigmoid(AL), caches


@mistake("L_model_forward", "did you forget caches.append(cache) after the output layer?")
def lmf_last_cache_missing(X, parameters):
    return _forward(X, parameters, len(parameters) // 2, lambda l, L: "relu" if l < L else "sigmoid", False)


@mistake("L_model_forward", "the output layer L is missing: after the loop over the hidden layers, run layer L "
         "with sigmoid and append its cache")
def lmf_no_output_layer(X, parameters):
    L = len(parameters) // 2
    return _forward(X, parameters, L - 1, lambda l, L: "relu")


@mistake("L_model_forward", "layers are numbered from 1: parameters has W1..WL, so loop over range(1, L)")
def lmf_range_from_0(X, parameters):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(L - 1):
        A, cache = fwd.linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = fwd.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [cache]


@mistake("L_model_forward", "return AL and the caches: did you forget to return caches?")
def lmf_no_caches(X, parameters):
    return fwd.L_model_forward(X, parameters)[0]


X_EVERY_LAYER = ("each layer takes the previous layer's output: A, cache = linear_activation_forward(A, ...) with A "
                 "starting at X, not X in every layer")


@mistake("L_model_forward", X_EVERY_LAYER)
def lmf_X_every_hidden_layer(X, parameters):
    L, A, caches = len(parameters) // 2, X, []
    for l in range(1, L):
        A, cache = fwd.linear_activation_forward(X, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = fwd.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [cache]


@mistake("L_model_forward", X_EVERY_LAYER)
def lmf_X_every_layer(X, parameters):
    L, caches = len(parameters) // 2, []
    for l in range(1, L + 1):
        A, cache = fwd.linear_activation_forward(X, parameters[f"W{l}"], parameters[f"b{l}"],
                                                 "relu" if l < L else "sigmoid")
        caches.append(cache)
    return A, caches


@mistake("L_model_forward", "read the parameters with parameters[f'W{l}']: parameters.pop(...) takes them out of "
         "the caller's dict, so the next call (the next training iteration) finds them gone")
def lmf_pop(X, parameters):
    L, A, caches = len(parameters) // 2, X, []
    for l in range(1, L + 1):
        A, cache = fwd.linear_activation_forward(A, parameters.pop(f"W{l}"), parameters.pop(f"b{l}"),
                                                 "relu" if l < L else "sigmoid")
        caches.append(cache)
    return A, caches


CATALOGUE += [Mistake("lmf_reads_global", "L_model_forward", READS_GLOBAL, _from_source(
    "def L_model_forward(X, params):\n    return fwd.L_model_forward(X, parameters)\n",
    "L_model_forward", parameters={"W1": np.ones((1, 3)), "b1": np.zeros((1, 1))}))]


# Issue 25: the cache's arrays in another order were named a transpose of A_prev.
@mistake("linear_forward", "the cache is the tuple (A_prev, W, b), in that order: linear_backward unpacks it as "
         "A_prev, W, b = cache")
def lf_cache_order(A_prev, W, b):
    return W @ A_prev + b, (W, A_prev, b)


@mistake("L_model_forward", "the loop range(1, L - 1) stops one layer early: the hidden layers are 1..L-1, so loop "
         "over range(1, L), then run layer L with sigmoid")
def lmf_loop_stops_early(X, parameters):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L - 1):
        A, cache = fwd.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = fwd.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [cache]


EQUATIONS.update({
    "linear_forward": "Z = W @ A_prev + b, (n_l, n_prev) @ (n_prev, m) + (n_l, 1) -> (n_l, m), cache = (A_prev, W, b); "
                      "e.g. W = [[1, 2]], A_prev = [[1], [1]], b = [[3]] give Z = [[1 + 2 + 3]] = [[6]]",
    "linear_activation_forward": "Z, linear_cache = linear_forward(A_prev, W, b); A, activation_cache = relu(Z) "
                                 "(or sigmoid(Z)); return A, (linear_cache, activation_cache)",
    "L_model_forward": "A = X; for l in range(1, L): A, cache = linear_activation_forward(A, Wl, bl, 'relu'); then "
                       "AL, cache = linear_activation_forward(A, WL, bL, 'sigmoid'); caches holds the L caches, "
                       "layer 1's first; L = len(parameters) // 2",
})


def _laf(sigmoid, relu):
    def linear_activation_forward(A_prev, W, b, activation):
        Z, linear_cache = fwd.linear_forward(A_prev, W, b)
        return (sigmoid(Z) if activation == "sigmoid" else relu(Z)), (linear_cache, Z)

    return linear_activation_forward


CATALOGUE += [
    Mistake("laf_sigmoid_sign", "linear_activation_forward", "the sigmoid is 1 / (1 + np.exp(-Z)), with a minus: "
            "1 / (1 + np.exp(Z)) is 1 - sigmoid(Z)", _laf(lambda Z: 1 / (1 + np.exp(Z)), lambda Z: np.maximum(0, Z))),
    Mistake("laf_np_max", "linear_activation_forward", "ReLU is np.maximum(0, Z), entry by entry: np.max(0, Z) "
            "takes Z as an axis", _laf(lambda Z: 1 / (1 + np.exp(-Z)), lambda Z: np.max(0, Z))),
]


@mistake("L_model_forward", X_EVERY_LAYER)
def lmf_X_every_hidden_layer_A_unset(X, parameters):
    # Without A = X before the loop: a network of one layer never sets A (an UnboundLocalError), as the learner's.
    L, caches = len(parameters) // 2, []
    for l in range(1, L):
        A, cache = fwd.linear_activation_forward(X, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = fwd.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")  # noqa: F821
    return AL, caches + [cache]
