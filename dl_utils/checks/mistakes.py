"""The catalogue of mistakes learners of this material really make, one record each.

Each :class:`Mistake` names the exercise, gives the hint a learner should read, and
carries a small function that makes the mistake. The checks run these functions on
the inputs a learner's function failed on: when one of them gives the same wrong
answer (or the same error, or changes the arguments the same way), and does what the
learner's function does on the check's other cases too, its hint is the likely cause.
The tests run every one of them through its check and require the hint in the message,
so a new record is tested automatically.

A few mistakes cannot be recognised by their output (random parameters, a mutated
argument, a global read instead of an argument); the checks detect those directly and
quote the same hint, taken from :data:`HINTS`.
"""

from dataclasses import dataclass

import numpy as np

from .. import activations as act
from .. import backward as bwd
from .. import forward as fwd
from ._compare import OFF_BY_ONE


@dataclass(frozen=True)
class Mistake:
    """One mistake: where it happens, what to tell the learner, and a function that makes it.

    Parameters
    ----------
    id : str
        Short unique name, e.g. ``"lb_dW_no_1_over_m"``.
    exercise : str
        Name of the exercise function it belongs to.
    hint : str
        The likely cause, as the learner reads it in the failure message.
    fn : callable
        Same signature as the exercise, makes the mistake and nothing else.
    """

    id: str
    exercise: str
    hint: str
    fn: object


CATALOGUE = []
READS_GLOBAL = "reads a global variable instead of its argument"


def mistake(exercise, hint, id=None):
    """Decorator: add the decorated function to :data:`CATALOGUE` as a mistake in ``exercise``."""

    def register(fn):
        CATALOGUE.append(Mistake(id or fn.__name__, exercise, hint, fn))
        return fn

    return register


def _from_source(source, name, **globals_):
    # A learner's notebook function reading a notebook global: built with its own globals.
    namespace = {"np": np, "act": act, "fwd": fwd, "bwd": bwd, **globals_}
    exec(source, namespace)  # noqa: S102 - fixed source written here, not input
    return namespace[name]


def _sigmoid(Z):
    return act.sigmoid(Z)[0]


# -- 01 initialize_parameters_deep: detected from statistics, not from outputs -------------------

def _init(scale, bias=False, draw="standard_normal", seeded=True, first=1, rng_per_layer=False, legacy=False,
          b_drawn_times_0=False, keep_dtype=True, fixed_seed=False, fan_out=False):
    # legacy: the global generator after np.random.seed(seed), as a RandomState(seed) of its own, which
    # draws the very same numbers without touching the global state of the process that runs the check.
    # fan_out: scale(n_l), the layer's own size, instead of scale(n_prev).
    def new_rng(seed):
        if legacy:
            return np.random.RandomState(seed)  # noqa: NPY002 - the mistake is this generator
        return np.random.default_rng(0 if fixed_seed else seed if seeded else None)

    def initialize_parameters_deep(layers_dims, seed=0, dtype=np.float64):
        rng = new_rng(seed)
        parameters = {}
        for l in range(1, len(layers_dims)):
            n, n_prev = layers_dims[l], layers_dims[l - 1]
            if rng_per_layer:
                rng = new_rng(seed)
            W = (rng.randn(n, n_prev) if legacy else getattr(rng, draw)((n, n_prev))) * scale(n if fan_out else n_prev)
            b = rng.standard_normal((n, 1)) if bias else np.zeros((n, 1))
            if b_drawn_times_0:
                b = rng.standard_normal((n, 1)) * 0
            parameters[f"W{l - 1 + first}"] = W.astype(dtype) if keep_dtype else W
            parameters[f"b{l - 1 + first}"] = b.astype(dtype) if keep_dtype else b
        return parameters

    return initialize_parameters_deep


def _centred_uniform(std):
    def initialize(layers_dims, seed=0, dtype=np.float64):
        rng = np.random.default_rng(seed)
        parameters = {}
        for l in range(1, len(layers_dims)):
            n, n_prev = layers_dims[l], layers_dims[l - 1]
            # A uniform draw on [-a, a] has standard deviation a / sqrt(3): the right scale, the wrong distribution.
            a = std(n_prev) * np.sqrt(3)
            parameters[f"W{l}"] = rng.uniform(-a, a, (n, n_prev)).astype(dtype)
            parameters[f"b{l}"] = np.zeros((n, 1), dtype=dtype)
        return parameters

    return initialize


RNG_PER_LAYER = ("make one rng = np.random.default_rng(seed) before the loop: a new generator in every layer draws "
                 "the same numbers again")
LEGACY_RNG = ("draw from rng = np.random.default_rng(seed), as the exercise says: np.random.seed and np.random.randn "
              "(or RandomState) are the legacy generator, which draws other numbers and, through np.random.seed, "
              "changes a global state that other code shares")
B_DRAWN = ("make b with np.zeros((n_l, 1)), not by drawing and multiplying by 0: that draw uses up numbers of rng, "
           "so every later W differs from the exercise's")
NOT_NORMAL_HINT = ("W must be drawn from a normal distribution: rng.standard_normal, not a uniform draw of the same "
                   "spread")
IGNORES_DTYPE = "convert every array to the dtype argument: W.astype(dtype), np.zeros((n_l, 1), dtype=dtype)"


INIT = "initialize_parameters_deep"
CATALOGUE += [
    Mistake("init_0.01", INIT, "W looks scaled by 0.01 (the shallow-network recipe): divide by np.sqrt(n_prev) "
            "instead", _init(lambda n: 0.01)),
    Mistake("init_he", INIT, "W looks scaled by np.sqrt(2 / n_prev) (He initialization): this course uses "
            "1 / np.sqrt(n_prev)", _init(lambda n: np.sqrt(2 / n))),
    Mistake("init_no_scale", INIT, "W looks unscaled (std about 1): divide by np.sqrt(n_prev)", _init(lambda n: 1.0)),
    Mistake("init_over_n", INIT, "W looks divided by n_prev: divide by np.sqrt(n_prev), the square root",
            _init(lambda n: 1 / n)),
    Mistake("init_uniform", INIT, "W is not centred at 0: draw with rng.standard_normal (randn), not rng.random "
            "(rand, uniform on [0, 1))", _init(lambda n: 1 / np.sqrt(n), draw="random")),
    Mistake("init_b_random", INIT, "b must start at exactly zero: b = np.zeros((n_l, 1))",
            _init(lambda n: 1 / np.sqrt(n), bias=True)),
    Mistake("init_unseeded", INIT, "use the seed argument: rng = np.random.default_rng(seed)",
            _init(lambda n: 1 / np.sqrt(n), seeded=False)),
    Mistake("init_keys_from_0", INIT, OFF_BY_ONE, _init(lambda n: 1 / np.sqrt(n), first=0)),
]


@mistake(INIT, "use the seed argument: rng = np.random.default_rng(seed)")
def init_fixed_seed(layers_dims, seed=0, dtype=np.float64):
    return _init(lambda n: 1 / np.sqrt(n))(layers_dims, seed=0, dtype=dtype)


CATALOGUE += [
    Mistake("init_rng_per_layer", INIT, RNG_PER_LAYER, _init(lambda n: 1 / np.sqrt(n), rng_per_layer=True)),
    Mistake("init_global_seed", INIT, LEGACY_RNG, _init(lambda n: 1 / np.sqrt(n), legacy=True)),
    Mistake("init_b_drawn_times_0", INIT, B_DRAWN, _init(lambda n: 1 / np.sqrt(n), b_drawn_times_0=True)),
    Mistake("init_uniform_same_std", INIT, NOT_NORMAL_HINT, _centred_uniform(lambda n: 1 / np.sqrt(n))),
    Mistake("init_ignores_dtype", INIT, IGNORES_DTYPE, _init(lambda n: 1 / np.sqrt(n), keep_dtype=False)),
]


# -- 02 forward ------------------------------------------------------------------------------------

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


# -- 03 compute_cost -------------------------------------------------------------------------------

def _terms(AL, Y):
    return np.sum(Y * np.log(AL)), np.sum((1 - Y) * np.log(1 - AL))


@mistake("compute_cost", "the -1/m multiplies only the first term: put both terms in the brackets, "
         "-1/m * (term1 + term2) (the lecture notes have this bug)")
def cost_notes_bug(AL, Y):
    m = Y.shape[1]
    return float(np.squeeze((-1 / m) * np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)))


@mistake("compute_cost", "the cost must be positive: did you drop the minus sign in -1/m?")
def cost_no_minus(AL, Y):
    return float(sum(_terms(AL, Y)) / Y.shape[1])


@mistake("compute_cost", "the cost is m times too large: did you forget the 1/m (sum instead of mean), or take "
         "m = Y.shape[0], which is 1, instead of Y.shape[1]?")
def cost_no_1_over_m(AL, Y):
    return float(-sum(_terms(AL, Y)))


@mistake("compute_cost", "log(AL) goes with Y and log(1 - AL) with (1 - Y): are they swapped?")
def cost_logs_swapped(AL, Y):
    return float(-np.sum(Y * np.log(1 - AL) + (1 - Y) * np.log(AL)) / Y.shape[1])


@mistake("compute_cost", "the cross-entropy uses the natural log np.log, not np.log10")
def cost_log10(AL, Y):
    return float(-np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL)) / Y.shape[1])


@mistake("compute_cost", "the cross-entropy has two terms: Y log(AL) + (1 - Y) log(1 - AL); the second one is "
         "what penalises wrong predictions on the examples with label 0")
def cost_one_term(AL, Y):
    return float(-np.sum(Y * np.log(AL)) / Y.shape[1])


@mistake("compute_cost", "use float(cost) or np.squeeze(cost)")
def cost_shape_11(AL, Y):
    return -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / Y.shape[1]


OUTSIDE_SUM = ("the second term, (1 - Y) * np.log(1 - AL), stayed outside np.sum (an array, one value per example, "
               "which float() or np.squeeze() cannot make one number): put both terms in the sum and the -1/m in "
               "front of it all, -1/m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) (the lecture notes' "
               "bracket is in the wrong place)")


def _outside_sum(AL, Y):
    return -1 / Y.shape[1] * np.sum(Y * np.log(AL)) + (1 - Y) * np.log(1 - AL)


@mistake("compute_cost", OUTSIDE_SUM)
def cost_notes_elementwise(AL, Y):
    return _outside_sum(AL, Y)


@mistake("compute_cost", OUTSIDE_SUM)
def cost_notes_elementwise_float(AL, Y):
    return float(_outside_sum(AL, Y))


@mistake("compute_cost", OUTSIDE_SUM)
def cost_notes_elementwise_squeezed(AL, Y):
    return np.squeeze(_outside_sum(AL, Y))


# -- 04 backward -----------------------------------------------------------------------------------

ELEMENTWISE = "np.dot is a matrix product: here you need the elementwise product `*`"


@mistake("relu_backward", ELEMENTWISE)
def rb_dot(dA, cache):
    return np.dot(dA, (cache > 0).astype(dA.dtype))


@mistake("relu_backward", "dZ = dA gives the same array a second name, it does not copy it: start from "
         "np.array(dA, copy=True), or compute a new array such as dA * (Z > 0)")
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


# -- 05 update_parameters: the two mutations are detected by comparing the arguments -------------

UP = "update_parameters"


@mistake(UP, "parameters.copy() copies the dict, not the arrays")
def up_shallow_copy(parameters, grads, learning_rate):
    updated = parameters.copy()
    for key in updated:
        updated[key] -= learning_rate * grads["d" + key]
    return updated


@mistake(UP, "return a new dict and leave the argument unchanged")
def up_notes_mutation(parameters, grads, learning_rate):
    for l in range(len(parameters) // 2):
        for p in "Wb":
            parameters[f"{p}{l + 1}"] = parameters[f"{p}{l + 1}"] - learning_rate * grads[f"d{p}{l + 1}"]
    return parameters


@mistake(UP, "gradient descent steps against the gradient: W = W - learning_rate * dW (a minus)")
def up_plus(parameters, grads, learning_rate):
    return {k: v + learning_rate * grads["d" + k] for k, v in parameters.items()}


@mistake(UP, "len(parameters) counts both W and b: the number of layers is L = len(parameters) // 2")
def up_len_parameters(parameters, grads, learning_rate):
    L = len(parameters)
    return {f"{p}{l}": parameters[f"{p}{l}"] - learning_rate * grads[f"d{p}{l}"] for l in range(1, L + 1) for p in "Wb"}


@mistake(UP, "layers are numbered from 1: loop over range(1, L + 1), or use 'W' + str(l + 1)")
def up_range_from_0(parameters, grads, learning_rate):
    L = len(parameters) // 2
    return {f"{p}{l}": parameters[f"{p}{l}"] - learning_rate * grads[f"d{p}{l}"] for l in range(L) for p in "Wb"}


@mistake(UP, "b must be updated too: b = b - learning_rate * db")
def up_forgets_b(parameters, grads, learning_rate):
    return {k: v - learning_rate * grads["d" + k] if k[0] == "W" else v.copy() for k, v in parameters.items()}


@mistake(UP, "parameters[key] -= ... changes the caller's arrays: return a new dict of new arrays, "
         "{key: parameters[key] - learning_rate * grads['d' + key] ...}")
def up_in_place(parameters, grads, learning_rate):
    for key in parameters:
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters


GRADS_KEYS = ("grads also holds dA0 .. dA{L-1}, which are not parameters: loop over the parameters, for key in "
              "parameters, and take grads['d' + key]")


@mistake(UP, GRADS_KEYS)
def up_loops_over_grads(parameters, grads, learning_rate):
    return {key[1:]: parameters[key[1:]] - learning_rate * value for key, value in grads.items()}


@mistake(UP, GRADS_KEYS)
def up_loops_over_grads_get(parameters, grads, learning_rate):
    return {key[1:]: parameters.get(key[1:], 0) - learning_rate * value for key, value in grads.items()}


@mistake(UP, "keep the parameters' dtype: float32 parameters must stay float32 (a float64 copy doubles the memory "
         "and the time of every step); W - learning_rate * dW keeps it, np.array(..., dtype=float) or "
         ".astype(np.float64) does not")
def up_float64(parameters, grads, learning_rate):
    return {k: (v - learning_rate * grads["d" + k]).astype(np.float64) for k, v in parameters.items()}


CATALOGUE += [Mistake("up_reads_global", UP, READS_GLOBAL, _from_source(
    "def update_parameters(parameters, gradients, learning_rate):\n"
    "    return {k: v - learning_rate * grads['d' + k] for k, v in parameters.items()}\n",
    "update_parameters", grads={f"d{p}{l}": np.zeros((1, 1)) for l in (1, 2, 3) for p in "Wb"}))]


HINTS = {m.id: m.hint for m in CATALOGUE}


def for_exercise(name):
    """Return the mistakes catalogued for the exercise ``name``, in catalogue order."""
    return [m for m in CATALOGUE if m.exercise == name]
