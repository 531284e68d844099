"""Mistakes in notebook 04's exercises, the backward steps, in the common catalogue."""

import numpy as np

from .. import activations as act
from .. import backward as bwd
from ._compare import OFF_BY_ONE
from .mistakes import EQUATIONS, _sigmoid, mistake

ELEMENTWISE = "np.dot is a matrix product: here you need the elementwise product `*`"


@mistake("relu_backward", ELEMENTWISE)
def rb_dot(dA, cache):
    return np.dot(dA, (cache > 0).astype(dA.dtype))


@mistake("relu_backward", "dA[Z <= 0] = 0 changes the caller's dA, and so does dZ[Z <= 0] = 0 after dZ = dA: "
         "dZ = dA gives the same array a second name, it does not copy it: start from a copy, dZ = dA.copy() (or "
         "np.array(dA, copy=True)), or compute a new array, dZ = dA * (Z > 0)")
def rb_no_copy(dA, cache):
    dZ = dA
    dZ[cache <= 0] = 0
    return dZ


@mistake("relu_backward", "multiply dA by the slope of ReLU (1 where Z > 0, else 0), not by Z itself")
def rb_times_Z(dA, cache):
    return dA * cache


@mistake("relu_backward", "the mask must come from Z (the cache), not from dA")
def rb_mask_from_dA(dA, cache):
    return np.maximum(dA, 0)


@mistake("relu_backward", "the slope is only half the answer: did you forget to multiply by dA?")
def rb_no_dA(dA, cache):
    return (cache > 0).astype(dA.dtype)


@mistake("relu_backward", "ReLU's slope is 1 where Z > 0 and 0 where Z < 0: is the mask inverted?")
def rb_mask_inverted(dA, cache):
    return dA * (cache < 0)


@mistake("relu_backward", "the slope of ReLU at Z = 0 is 0 in this course (a unit at exactly 0 passes nothing back): "
         "the mask is Z > 0, not Z >= 0")
def rb_mask_ge(dA, cache):
    return dA * (cache >= 0)


@mistake("sigmoid_backward", ELEMENTWISE)
def sb_dot(dA, cache):
    s = _sigmoid(cache)
    return np.dot(dA, s * (1 - s))


@mistake("sigmoid_backward", "the cache holds Z, not A: compute s = sigmoid(Z) first, then dA * s * (1 - s)")
def sb_Z_as_A(dA, cache):
    return dA * cache * (1 - cache)


@mistake("sigmoid_backward", "the sigmoid was applied twice: the cache is Z, so s = sigmoid(Z) once")
def sb_sigmoid_twice(dA, cache):
    s = _sigmoid(_sigmoid(cache))
    return dA * s * (1 - s)


@mistake("sigmoid_backward", "the slope is only half the answer: did you forget to multiply by dA?")
def sb_no_dA(dA, cache):
    s = _sigmoid(cache)
    return s * (1 - s)


@mistake("sigmoid_backward", "sigmoid(Z) returns the pair (A, cache): unpack it, s, _ = sigmoid(Z), or compute "
         "s = 1 / (1 + np.exp(-Z)) yourself")
def sb_not_unpacked(dA, cache):
    s = act.sigmoid(cache)
    return dA * s * (1 - s)


def _lb(dZ, cache, dW_scale=1.0, db_scale=1.0, dA_scale=1.0):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = dW_scale * (dZ @ A_prev.T) / m
    db = db_scale * np.sum(dZ, axis=1, keepdims=True) / m
    return dA_scale * (W.T @ dZ), dW, db


@mistake("linear_backward", "dW is m times too large: did you forget the 1/m?")
def lb_dW_no_1_over_m(dZ, cache):
    return _lb(dZ, cache, dW_scale=cache[0].shape[1])


@mistake("linear_backward", "db is m times too large: did you forget the 1/m?")
def lb_db_no_1_over_m(dZ, cache):
    return _lb(dZ, cache, db_scale=cache[0].shape[1])


@mistake("linear_backward", "m is the number of examples, the columns: m = A_prev.shape[1], not shape[0]")
def lb_m_from_rows(dZ, cache):
    n_prev, m = cache[0].shape
    return _lb(dZ, cache, dW_scale=m / n_prev, db_scale=m / n_prev)


@mistake("linear_backward", "dA_prev has no 1/m: with this course's convention the 1/m enters only dW and db")
def lb_dA_1_over_m(dZ, cache):
    return _lb(dZ, cache, dA_scale=1 / cache[0].shape[1])


@mistake("linear_backward", "db must keep its column shape (n_l, 1): np.sum(dZ, axis=1, keepdims=True)")
def lb_db_no_keepdims(dZ, cache):
    dA_prev, dW, db = _lb(dZ, cache)
    return dA_prev, dW, db[:, 0]


@mistake("linear_backward", "np.sum(dZ) adds up every entry into one number: sum over the examples only, "
         "np.sum(dZ, axis=1, keepdims=True)")
def lb_db_no_axis(dZ, cache):
    dA_prev, dW, _ = _lb(dZ, cache)
    return dA_prev, dW, np.sum(dZ) / dZ.shape[1]


@mistake("linear_backward", "db sums over the examples, the columns: axis=1, not axis=0")
def lb_db_axis0(dZ, cache):
    dA_prev, dW, _ = _lb(dZ, cache)
    return dA_prev, dW, np.sum(dZ, axis=0, keepdims=True) / dZ.shape[1]


@mistake("linear_backward", "did you multiply by A_prev instead of A_prev.T? dW = 1/m dZ A_prev.T")
def lb_dW_no_transpose(dZ, cache):
    A_prev, W, _ = cache
    dA_prev, _, db = _lb(dZ, cache)
    return dA_prev, dZ @ A_prev / A_prev.shape[1], db


@mistake("linear_backward", "did you multiply by W instead of W.T? dA_prev = W.T dZ")
def lb_dA_no_transpose(dZ, cache):
    _, dW, db = _lb(dZ, cache)
    return cache[1] @ dZ, dW, db


@mistake("linear_backward", "`*` multiplies entry by entry: dA_prev = W.T dZ needs the matrix product W.T @ dZ")
def lb_elementwise(dZ, cache):
    _, dW, db = _lb(dZ, cache)
    return cache[1].T * dZ, dW, db


@mistake("linear_backward", "return dA_prev, dW, db in that order (the lecture notes return dW, db, dA_prev)")
def lb_return_order(dZ, cache):
    dA_prev, dW, db = _lb(dZ, cache)
    return dW, db, dA_prev


INTEGER_DIVISION = "1 // m is integer division, 0 for every m > 1: write 1 / m, or divide by m"


@mistake("linear_backward", INTEGER_DIVISION)
def lb_integer_division(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, 1 // m * dZ @ A_prev.T, 1 // m * np.sum(dZ, axis=1, keepdims=True)


@mistake("linear_backward", INTEGER_DIVISION)
def lb_integer_division_dW(dZ, cache):
    dA_prev, _, db = _lb(dZ, cache)
    return dA_prev, 1 // cache[0].shape[1] * dZ @ cache[0].T, db


@mistake("linear_backward", INTEGER_DIVISION)
def lb_integer_division_db(dZ, cache):
    dA_prev, dW, _ = _lb(dZ, cache)
    return dA_prev, dW, 1 // cache[0].shape[1] * np.sum(dZ, axis=1, keepdims=True)


LAB = "linear_activation_backward"


@mistake(LAB, "relu and sigmoid are swapped: activation == 'sigmoid' must call sigmoid_backward")
def lab_swapped(dA, cache, activation):
    return bwd.linear_activation_backward(dA, cache, {"relu": "sigmoid", "sigmoid": "relu"}[activation])


@mistake(LAB, "dA must go through the activation first: dZ = relu_backward(dA, activation_cache) (or "
         "sigmoid_backward), then linear_backward(dZ, linear_cache)")
def lab_skips_activation(dA, cache, activation):
    return bwd.linear_backward(dA, cache[0])


@mistake(LAB, "linear_backward returns (dA_prev, dW, db): unpack it in that order (the lecture notes unpack "
         "it differently from how they return it)")
def lab_unpack_order(dA, cache, activation):
    dW, db, dA_prev = bwd.linear_activation_backward(dA, cache, activation)
    return dA_prev, dW, db


@mistake(LAB, "the layer cache is (linear_cache, activation_cache), in that order: unpack it as linear_cache, "
         "activation_cache = cache")
def lab_cache_swapped(dA, cache, activation):
    activation_cache, linear_cache = cache
    dZ = {"relu": act.relu_backward, "sigmoid": act.sigmoid_backward}[activation](dA, activation_cache)
    return bwd.linear_backward(dZ, linear_cache)


LMB = "L_model_backward"


def _backward(AL, Y, caches, dAL, activation_of, key=lambda kind, l: f"{kind}{l}"):
    grads, dA, L = {}, dAL, len(caches)
    for l in reversed(range(1, L + 1)):
        dA, dW, db = bwd.linear_activation_backward(dA, caches[l - 1], activation_of(l, L))
        grads[key("dA", l - 1)], grads[key("dW", l)], grads[key("db", l)] = dA, dW, db
    return grads


def _dAL(AL, Y):
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


def _relu_then_sigmoid(l, L):
    return "sigmoid" if l == L else "relu"


@mistake(LMB, OFF_BY_ONE, id="lmb_dA_keyed_by_current_layer")
def lmb_dA_keyed_by_current_layer(AL, Y, caches):
    return _backward(AL, Y, caches, _dAL(AL, Y), _relu_then_sigmoid,
                     lambda kind, l: f"dA{l + 1}" if kind == "dA" else f"{kind}{l}")


@mistake(LMB, OFF_BY_ONE, id="lmb_dW_from_0")
def lmb_dW_from_0(AL, Y, caches):
    return _backward(AL, Y, caches, _dAL(AL, Y), _relu_then_sigmoid,
                     lambda kind, l: f"dA{l}" if kind == "dA" else f"{kind}{l - 1}")


@mistake(LMB, "the output layer is a sigmoid: start with linear_activation_backward(dAL, caches[L-1], 'sigmoid')")
def lmb_last_relu(AL, Y, caches):
    return _backward(AL, Y, caches, _dAL(AL, Y), lambda l, L: "relu")


@mistake(LMB, "the hidden layers 1..L-1 are ReLU: use 'relu' in the loop")
def lmb_all_sigmoid(AL, Y, caches):
    return _backward(AL, Y, caches, _dAL(AL, Y), lambda l, L: "sigmoid")


@mistake(LMB, "dAL has the wrong sign: dAL = -(Y / AL - (1 - Y) / (1 - AL)), equivalently dZL = AL - Y")
def lmb_dAL_sign(AL, Y, caches):
    return _backward(AL, Y, caches, -_dAL(AL, Y), _relu_then_sigmoid)


@mistake(LMB, "no 1/m in dAL or dZL: with this course's convention the 1/m enters only dW and db")
def lmb_dAL_over_m(AL, Y, caches):
    return _backward(AL, Y, caches, _dAL(AL, Y) / AL.shape[1], _relu_then_sigmoid)


@mistake(LMB, "AL - Y is already dZL: pass it to linear_backward, not through the sigmoid's backward again "
         "(or start from dAL = -(Y / AL - (1 - Y) / (1 - AL)))")
def lmb_dZ_through_sigmoid(AL, Y, caches):
    return _backward(AL, Y, caches, AL - Y, _relu_then_sigmoid)


@mistake(LMB, "the loop must cover the hidden layers L-1, ..., 1 only: the output layer L is done before it "
         "(in the notes' indexing, reversed(range(L - 1)))")
def lmb_loop_too_far(AL, Y, caches):
    L = len(caches)
    grads = {}
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = bwd.linear_activation_backward(
        _dAL(AL, Y), caches[L - 1], "sigmoid")
    for l in reversed(range(L)):
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = bwd.linear_activation_backward(
            grads[f"dA{l + 1}"], caches[l], "relu")
    return grads


def _output_layer(AL, Y, caches):
    L = len(caches)
    grads = {}
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = bwd.linear_activation_backward(
        _dAL(AL, Y), caches[L - 1], "sigmoid")
    return grads


@mistake(LMB, "layer l's cache is caches[l - 1]: the list starts at index 0 with layer 1's cache")
def lmb_cache_off_by_one(AL, Y, caches):
    grads = _output_layer(AL, Y, caches)
    for l in reversed(range(1, len(caches))):
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = bwd.linear_activation_backward(
            grads[f"dA{l}"], caches[l], "relu")
    return grads


@mistake(LMB, "the backward pass goes from the output down: layer l needs dA{l}, which layer l + 1 computes, so "
         "loop over l = L-1, ..., 1, reversed(range(1, L)), not upwards")
def lmb_forward_order(AL, Y, caches):
    grads = _output_layer(AL, Y, caches)
    for l in range(1, len(caches)):
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = bwd.linear_activation_backward(
            grads[f"dA{l}"], caches[l - 1], "relu")
    return grads


@mistake("relu_backward", "relu(Z) is the activation, and returns a pair (A, cache) at that: multiply dA by the slope "
         "of ReLU, 1 where Z > 0 and 0 elsewhere, dZ = dA * (Z > 0)")
def rb_times_relu_pair(dA, cache):
    return dA * np.array(act.relu(cache))


@mistake("relu_backward", "multiply dA by the slope of ReLU, 1 where Z > 0 and 0 elsewhere, not by relu(Z), the "
         "activation itself: dZ = dA * (Z > 0)")
def rb_times_relu(dA, cache):
    return dA * act.relu(cache)[0]


@mistake("sigmoid_backward", "the slope of the sigmoid is s * (1 - s): dZ = dA * s * (1 - s); the (1 - s) is missing")
def sb_no_one_minus_s(dA, cache):
    return dA * _sigmoid(cache)


@mistake("L_model_backward", "the loop stops early: after the output layer L it must cover every hidden layer, "
         "L-1 down to 1, reversed(range(L - 1)) in the notes' indexing (l = L-2, ..., 0 for layers L-1, ..., 1)")
def lmb_loop_stops_early(AL, Y, caches):
    L = len(caches)
    grads = {}
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = bwd.linear_activation_backward(
        -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)), caches[L - 1], "sigmoid")
    for l in reversed(range(1, L - 1)):
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = bwd.linear_activation_backward(
            grads[f"dA{l + 1}"], caches[l], "relu")
    return grads


EQUATIONS.update({
    "relu_backward": "dZ = dA * g'(Z), g'(Z) = 1 where Z > 0 and 0 elsewhere, a new array; e.g. dA = [[2, 3]], "
                     "Z = [[-1, 4]] give dZ = [[0, 3]]",
    "sigmoid_backward": "dZ = dA * s * (1 - s), s = sigmoid(Z) = 1 / (1 + e^-Z); e.g. Z = 0 gives s = 0.5, so "
                        "dZ = 0.25 * dA",
    "linear_backward": "dW = 1/m dZ A_prev.T (shape of W), db = 1/m np.sum(dZ, axis=1, keepdims=True) (shape of b), "
                       "dA_prev = W.T dZ (shape of A_prev), m = A_prev.shape[1]; return dA_prev, dW, db",
    "linear_activation_backward": "linear_cache, activation_cache = cache; dZ = relu_backward(dA, activation_cache) "
                                  "(or sigmoid_backward); dA_prev, dW, db = linear_backward(dZ, linear_cache)",
    "L_model_backward": "dAL = -(Y / AL - (1 - Y) / (1 - AL)); layer L, 'sigmoid', caches[L - 1]: dA{L-1}, dW{L}, "
                        "db{L}; then for l = L-1 down to 1, 'relu', caches[l - 1], from dA{l}: dA{l-1}, dW{l}, db{l}",
})


@mistake("relu_backward", "(Z > 0).astype(float) is a float64 mask, which turns a float32 dA into float64: multiply by "
         "the bool mask as it is, dA * (Z > 0), or make it .astype(dA.dtype)")
def rb_float64_mask(dA, cache):
    return dA * (cache > 0).astype(float)


@mistake("sigmoid_backward", "the slope of the sigmoid is s * (1 - s): dZ = dA * s * (1 - s); the s is missing")
def sb_no_s(dA, cache):
    return dA * (1 - _sigmoid(cache))


@mistake("sigmoid_backward", "the slope of the sigmoid is s * (1 - s), not s * s: dZ = dA * s * (1 - s)")
def sb_s_squared(dA, cache):
    return dA * _sigmoid(cache) ** 2


@mistake(LAB, "activation == 'sigmoid' must call sigmoid_backward: relu_backward for every layer gets the output "
         "layer's slope wrong")
def lab_always_relu(dA, cache, activation):
    return bwd.linear_activation_backward(dA, cache, "relu")


@mistake(LAB, "dA must go through the activation first: dZ = relu_backward(dA, activation_cache) (or "
         "sigmoid_backward), then linear_backward(dZ, linear_cache), not linear_backward first")
def lab_order_reversed(dA, cache, activation):
    linear_cache, Z = cache
    dA_prev, dW, db = bwd.linear_backward(dA, linear_cache)
    return {"relu": act.relu_backward, "sigmoid": act.sigmoid_backward}[activation](dA_prev, Z), dW, db


@mistake(LAB, "relu_backward and sigmoid_backward take the activation_cache, Z, the second item of the layer cache: "
         "linear_cache, activation_cache = cache, not the whole cache")
def lab_whole_cache(dA, cache, activation):
    dZ = {"relu": act.relu_backward, "sigmoid": act.sigmoid_backward}[activation](dA, cache)
    return bwd.linear_backward(dZ, cache[0])
