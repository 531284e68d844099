"""Wrong answers a learner really writes, one per entry, with the words its check's message must contain.

Each entry is the learner's exercise cell as they typed it (numpy as ``np``, the course's helpers
imported as in the notebooks) and the words that name the mistake: the message passes when it
holds every one of them. Issue 25 tried 44 of these on notebooks 01-05; the rest are the answers
each exercise most often gets wrong (the lecture notes' versions, off-by-ones, a transpose
missing, a dtype widened, an argument changed).

``tests/test_wrong_answers.py`` runs each through its check; ``python tests/wrong_answers.py``
prints the share whose message names the mistake, per exercise.
"""

import linecache
import textwrap
import warnings
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Wrong:
    """One wrong answer: its id, the exercise, the learner's cell, and the words the message must contain."""

    id: str
    exercise: str
    source: str
    words: tuple


WRONG = []


def wrong(exercise, id, words, source):
    """Add the learner's ``source`` for ``exercise`` to :data:`WRONG`, named ``id``, with the ``words`` to find."""
    WRONG.append(Wrong(id, exercise, textwrap.dedent(source).strip() + "\n", tuple(words)))


# -- 01 initialize_parameters_deep -------------------------------------------------------------------

INIT = "initialize_parameters_deep"
_INIT = """
def initialize_parameters_deep(layers_dims, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    parameters = {{}}
    L = len(layers_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = ({W}).astype(dtype)
        parameters["b" + str(l)] = ({b}).astype(dtype)
    return parameters
"""
_W = "rng.standard_normal((layers_dims[l], layers_dims[l - 1]))"
_B = "np.zeros((layers_dims[l], 1))"
wrong(INIT, "init_0.01", ["0.01"], _INIT.format(W=_W + " * 0.01", b=_B))
wrong(INIT, "init_he", ["He"], _INIT.format(W=_W + " * np.sqrt(2 / layers_dims[l - 1])", b=_B))
wrong(INIT, "init_unscaled", ["unscaled"], _INIT.format(W=_W, b=_B))
wrong(INIT, "init_over_n", ["square root"], _INIT.format(W=_W + " / layers_dims[l - 1]", b=_B))
wrong(INIT, "init_rand", ["rng.standard_normal"],
      _INIT.format(W="rng.random((layers_dims[l], layers_dims[l - 1])) / np.sqrt(layers_dims[l - 1])", b=_B))
wrong(INIT, "init_b_random", ["b must start at exactly zero"],
      _INIT.format(W=_W + " / np.sqrt(layers_dims[l - 1])", b="rng.standard_normal((layers_dims[l], 1))"))
wrong(INIT, "init_legacy_seed", ["legacy"], """
def initialize_parameters_deep(layers_dims, seed=0, dtype=np.float64):
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        W = np.random.randn(layers_dims[l], layers_dims[l - 1]) / np.sqrt(layers_dims[l - 1])
        parameters["W" + str(l)] = W.astype(dtype)
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1), dtype=dtype)
    return parameters
""")
wrong(INIT, "init_rng_in_loop", ["before the loop"], """
def initialize_parameters_deep(layers_dims, seed=0, dtype=np.float64):
    parameters = {}
    for l in range(1, len(layers_dims)):
        rng = np.random.default_rng(seed)
        W = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) / np.sqrt(layers_dims[l - 1])
        parameters["W" + str(l)] = W.astype(dtype)
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1), dtype=dtype)
    return parameters
""")
wrong(INIT, "init_ignores_dtype", ["dtype"], """
def initialize_parameters_deep(layers_dims, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        W = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) / np.sqrt(layers_dims[l - 1])
        parameters["W" + str(l)] = W
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters
""")
wrong(INIT, "init_unseeded", ["seed"], """
def initialize_parameters_deep(layers_dims, seed=0, dtype=np.float64):
    rng = np.random.default_rng()
    parameters = {}
    for l in range(1, len(layers_dims)):
        W = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) / np.sqrt(layers_dims[l - 1])
        parameters["W" + str(l)] = W.astype(dtype)
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1), dtype=dtype)
    return parameters
""")
wrong(INIT, "init_W_transposed", ["(n_l, n_prev)"],
      _INIT.format(W="rng.standard_normal((layers_dims[l - 1], layers_dims[l])) / np.sqrt(layers_dims[l - 1])",
                   b=_B))
wrong(INIT, "init_b_1d", ["np.zeros((n_l, 1))"], _INIT.format(W=_W + " / np.sqrt(layers_dims[l - 1])",
                                                              b="np.zeros(layers_dims[l])"))
# Issue 25: a float32 draw is rejected, but the message only restated the draw.
wrong(INIT, "init_float32_draw", ["float64", ".astype"], """
def initialize_parameters_deep(layers_dims, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        W = rng.standard_normal((layers_dims[l], layers_dims[l - 1]), dtype=dtype)
        parameters["W" + str(l)] = W / np.sqrt(layers_dims[l - 1]).astype(dtype)
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1), dtype=dtype)
    return parameters
""")


# -- 02 linear_forward -----------------------------------------------------------------------------

LF = "linear_forward"
wrong(LF, "lf_no_bias", ["add b"], """
def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev)
    return Z, (A_prev, W, b)
""")
wrong(LF, "lf_W_T", ["transpose"], """
def linear_forward(A_prev, W, b):
    Z = np.dot(W.T, A_prev) + b
    return Z, (A_prev, W, b)
""")
wrong(LF, "lf_order", ["wrong order"], """
def linear_forward(A_prev, W, b):
    Z = np.dot(A_prev, W) + b
    return Z, (A_prev, W, b)
""")
wrong(LF, "lf_star", ["matrix product"], """
def linear_forward(A_prev, W, b):
    Z = W * A_prev + b
    return Z, (A_prev, W, b)
""")
wrong(LF, "lf_cache_missing_b", ["(A_prev, W, b)"], """
def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b
    cache = (A_prev, W)
    return Z, cache
""")
wrong(LF, "lf_only_Z", ["cache"], """
def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b
    return Z
""")
wrong(LF, "lf_cache_first", ["Z first"], """
def linear_forward(A_prev, W, b):
    cache = (A_prev, W, b)
    return cache, np.dot(W, A_prev) + b
""")
wrong(LF, "lf_b_T", ["column"], """
def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b.T
    return Z, (A_prev, W, b)
""")
wrong(LF, "lf_reads_A", ["global"], """
def linear_forward(A_prev, W, b):
    Z = np.dot(W, A) + b
    return Z, (A_prev, W, b)
""")
# Issue 25: named a transpose ("rows and columns are swapped"), not the tuple's order.
wrong(LF, "lf_cache_W_first", ["(A_prev, W, b)", "order"], """
def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b
    cache = (W, A_prev, b)
    return Z, cache
""")


# -- 02 linear_activation_forward ------------------------------------------------------------------

LAF = "linear_activation_forward"
_LAF = """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        {sigmoid}
    elif activation == "relu":
        {relu}
    return {ret}
"""
wrong(LAF, "laf_cache_A", ["activation cache must be Z"], _LAF.format(
    sigmoid="A, _ = sigmoid(Z)", relu="A, _ = relu(Z)", ret="A, (linear_cache, A)"))
wrong(LAF, "laf_swapped", ["swapped"], _LAF.format(
    sigmoid="A, activation_cache = relu(Z)", relu="A, activation_cache = sigmoid(Z)",
    ret="A, (linear_cache, activation_cache)"))
wrong(LAF, "laf_not_unpacked", ["unpack"], _LAF.format(
    sigmoid="A = sigmoid(Z)", relu="A = relu(Z)", ret="A, (linear_cache, Z)"))
wrong(LAF, "laf_returns_Z", ["activation A"], _LAF.format(
    sigmoid="A, activation_cache = sigmoid(Z)", relu="A, activation_cache = relu(Z)",
    ret="Z, (linear_cache, activation_cache)"))
wrong(LAF, "laf_cache_order", ["(linear_cache, activation_cache)"], _LAF.format(
    sigmoid="A, activation_cache = sigmoid(Z)", relu="A, activation_cache = relu(Z)",
    ret="A, (activation_cache, linear_cache)"))
wrong(LAF, "laf_always_sigmoid", ["relu"], """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = sigmoid(Z)
    return A, (linear_cache, activation_cache)
""")
wrong(LAF, "laf_maximum_cache_A", ["activation cache must be Z"], '''
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A = 1 / (1 + np.exp(-Z))
    else:
        A = np.maximum(0, Z)
    return A, (linear_cache, A)
''')
wrong(LAF, "laf_linear_cache_only", ["(linear_cache, activation_cache)"], '''
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    else:
        A, activation_cache = relu(Z)
    return A, linear_cache
''')
wrong(LAF, "laf_sigmoid_sign", ["np.exp(-Z)"], '''
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A = 1 / (1 + np.exp(Z))
    else:
        A = np.maximum(0, Z)
    return A, (linear_cache, Z)
''')
wrong(LAF, "laf_np_max", ["np.maximum"], '''
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A = 1 / (1 + np.exp(-Z))
    else:
        A = np.max(0, Z)
    return A, (linear_cache, Z)
''')


# -- 02 L_model_forward ----------------------------------------------------------------------------

LMF = "L_model_forward"
_LMF = """
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = {L}
    for l in {loop}:
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "{hidden}")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "{output}")
    {append}
    return {ret}
"""


def _lmf(L="len(parameters) // 2", loop="range(1, L)", hidden="relu", output="sigmoid", append="caches.append(cache)",
         ret="AL, caches"):
    return _LMF.format(L=L, loop=loop, hidden=hidden, output=output, append=append, ret=ret)


wrong(LMF, "lmf_last_relu", ["sigmoid"], _lmf(output="relu"))
wrong(LMF, "lmf_all_sigmoid", ["ReLU"], _lmf(hidden="sigmoid"))
wrong(LMF, "lmf_len_parameters", ["len(parameters) // 2"], _lmf(L="len(parameters)"))
wrong(LMF, "lmf_range_1_L_plus_1", ["range(1, L)"], _lmf(loop="range(1, L + 1)"))
wrong(LMF, "lmf_no_last_append", ["caches.append(cache)"], _lmf(append="pass"))
wrong(LMF, "lmf_range_0", ["numbered from 1"], _lmf(loop="range(L - 1)"))
wrong(LMF, "lmf_no_caches", ["caches"], _lmf(ret="AL"))
wrong(LMF, "lmf_X_every_layer", ["previous layer's output"], """
def L_model_forward(X, parameters):
    caches = []
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(X, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches
""")
wrong(LMF, "lmf_sigmoid_twice", ["sigmoid was applied twice"], """
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return 1 / (1 + np.exp(-AL)), caches
""")
# Issue 25: no cause at all.
wrong(LMF, "lmf_range_1_L_minus_1", ["range(1, L)"], _lmf(loop="range(1, L - 1)"))


# -- 03 compute_cost -------------------------------------------------------------------------------

CC = "compute_cost"
wrong(CC, "cost_notes_bug", ["lecture notes"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (-1 / m) * np.sum(Y * np.log(AL)) + np.sum((1 - Y) * np.log(1 - AL))
    return float(np.squeeze(cost))
""")
wrong(CC, "cost_no_minus", ["minus"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
""")
wrong(CC, "cost_no_1_over_m", ["1/m"], """
def compute_cost(AL, Y):
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
""")
wrong(CC, "cost_m_rows", ["Y.shape[1]"], """
def compute_cost(AL, Y):
    m = Y.shape[0]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
""")
# A number returned as text, as True/False or as a longdouble: float() takes the first two, so the check judged the
# number inside and passed them; the grader's wire carries no longdouble (issue 25: one rule per class of answer).
wrong(CC, "cost_as_text", ["is a str", "not text made from it"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return f"{float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m):.10f}"
""")
wrong(CC, "cost_as_bool", ["is a bool", "True/False"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m > 0
""")
wrong(CC, "cost_as_longdouble", ["dtype float128", "return float(...)"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return np.longdouble(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
""")
wrong(CC, "cost_logs_swapped", ["swapped"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(1 - AL) + (1 - Y) * np.log(AL)) / m)
""")
wrong(CC, "cost_log10", ["np.log10"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL)) / m)
""")
wrong(CC, "cost_one_term", ["two terms"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL)) / m)
""")
wrong(CC, "cost_shape_11", ["float(cost)"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
""")
# Issue 25: "6.24 times the expected value".
wrong(CC, "cost_Y_T_times", ["Y.T"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y.T * np.log(AL) + (1 - Y).T * np.log(1 - AL))
    return float(cost)
""")
# Issue 25: numpy's ValueError only.
wrong(CC, "cost_dot_no_T", ["np.log(AL).T"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * (np.dot(Y, np.log(AL)) + np.dot(1 - Y, np.log(1 - AL)))
    return float(np.squeeze(cost))
""")
wrong(CC, "cost_integer_division", ["//"], """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(-1 // m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
""")


# -- 04 relu_backward ------------------------------------------------------------------------------

RB = "relu_backward"
wrong(RB, "rb_times_Z", ["not by Z itself"], """
def relu_backward(dA, cache):
    Z = cache
    return dA * Z
""")
wrong(RB, "rb_mask_dA", ["from Z"], """
def relu_backward(dA, cache):
    return np.maximum(dA, 0)
""")
wrong(RB, "rb_alias", ["second name"], """
def relu_backward(dA, cache):
    Z = cache
    dZ = dA
    dZ[Z <= 0] = 0
    return dZ
""")
wrong(RB, "rb_ge", ["Z > 0"], """
def relu_backward(dA, cache):
    Z = cache
    return dA * (Z >= 0)
""")
wrong(RB, "rb_inverted", ["inverted"], """
def relu_backward(dA, cache):
    Z = cache
    return dA * (Z < 0)
""")
wrong(RB, "rb_dot", ["elementwise"], """
def relu_backward(dA, cache):
    Z = cache
    return np.dot(dA, (Z > 0).astype(float))
""")
wrong(RB, "rb_no_dA", ["multiply by dA"], """
def relu_backward(dA, cache):
    Z = cache
    return (Z > 0).astype(float)
""")
# Issue 25: no cause at all.
wrong(RB, "rb_times_relu", ["relu(Z)"], """
def relu_backward(dA, cache):
    Z = cache
    return dA * relu(Z)
""")
# Issue 25: right about the change, wrong about the cause ("dZ = dA", which the learner did not write).
wrong(RB, "rb_in_place_dA", ["dA[", "in place", "dA.copy()"], """
def relu_backward(dA, cache):
    Z = cache
    dA[Z <= 0] = 0
    return dA
""")
# Issue 25: a float32 network turned into float64 passed.
wrong(RB, "rb_float64_mask", ["float32", "astype(float)"], """
def relu_backward(dA, cache):
    Z = cache
    return dA * (Z > 0).astype(float)
""")


# -- 04 sigmoid_backward ---------------------------------------------------------------------------

SB = "sigmoid_backward"
wrong(SB, "sb_Z_as_A", ["cache holds Z"], """
def sigmoid_backward(dA, cache):
    s = cache
    return dA * s * (1 - s)
""")
wrong(SB, "sb_not_unpacked", ["unpack"], """
def sigmoid_backward(dA, cache):
    s = sigmoid(cache)
    return dA * s * (1 - s)
""")
wrong(SB, "sb_no_dA", ["multiply by dA"], """
def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return s * (1 - s)
""")
wrong(SB, "sb_dot", ["elementwise"], """
def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return np.dot(dA, s * (1 - s))
""")
wrong(SB, "sb_sign", ["sign"], """
def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * (s - 1)
""")
wrong(SB, "sb_twice", ["applied twice"], """
def sigmoid_backward(dA, cache):
    s, _ = sigmoid(cache)
    s, _ = sigmoid(s)
    return dA * s * (1 - s)
""")
wrong(SB, "sb_no_one_minus_s", ["1 - s"], """
def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s
""")
wrong(SB, "sb_returns_pair", ["(value, cache)"], '''
def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * (1 - s), cache
''')
wrong(SB, "sb_no_s", ["s * (1 - s)"], '''
def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * (1 - s)
''')
wrong(SB, "sb_dA_squared", ["s * (1 - s)"], '''
def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * s
''')


# -- 04 linear_backward ----------------------------------------------------------------------------

LB = "linear_backward"
_LB = """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = {m}
    dW = {dW}
    db = {db}
    dA_prev = {dA}
    return {ret}
"""


def _lb(m="A_prev.shape[1]", dW="1 / m * np.dot(dZ, A_prev.T)", db="1 / m * np.sum(dZ, axis=1, keepdims=True)",
        dA="np.dot(W.T, dZ)", ret="dA_prev, dW, db"):
    return _LB.format(m=m, dW=dW, db=db, dA=dA, ret=ret)


wrong(LB, "lb_dW_no_m", ["dW is m times too large"], _lb(dW="np.dot(dZ, A_prev.T)"))
wrong(LB, "lb_db_no_m", ["db is m times too large"], _lb(db="np.sum(dZ, axis=1, keepdims=True)"))
wrong(LB, "lb_m_rows", ["A_prev.shape[1]"], _lb(m="A_prev.shape[0]"))
wrong(LB, "lb_dA_over_m", ["dA_prev has no 1/m"], _lb(dA="1 / m * np.dot(W.T, dZ)"))
wrong(LB, "lb_no_keepdims", ["keepdims=True"], _lb(db="1 / m * np.sum(dZ, axis=1)"))
wrong(LB, "lb_sum_all", ["axis=1"], _lb(db="1 / m * np.sum(dZ)"))
wrong(LB, "lb_axis0", ["axis=1"], _lb(db="1 / m * np.sum(dZ, axis=0, keepdims=True)"))
wrong(LB, "lb_A_prev_no_T", ["A_prev.T"], _lb(dW="1 / m * np.dot(dZ, A_prev)"))
wrong(LB, "lb_W_no_T", ["W.T"], _lb(dA="np.dot(W, dZ)"))
wrong(LB, "lb_notes_order", ["in that order"], _lb(ret="dW, db, dA_prev"))
wrong(LB, "lb_integer_division", ["integer division"], _lb(dW="1 // m * np.dot(dZ, A_prev.T)",
                                                         db="1 // m * np.sum(dZ, axis=1, keepdims=True)"))

# -- 04 linear_activation_backward -----------------------------------------------------------------

LAB = "linear_activation_backward"
_LAB = """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = {relu}
    elif activation == "sigmoid":
        dZ = {sigmoid}
    {unpack} = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db
"""


def _lab(relu="relu_backward(dA, activation_cache)", sigmoid="sigmoid_backward(dA, activation_cache)",
         unpack="dA_prev, dW, db"):
    return _LAB.format(relu=relu, sigmoid=sigmoid, unpack=unpack)


wrong(LAB, "lab_swapped", ["swapped"], _lab(relu="sigmoid_backward(dA, activation_cache)",
                                            sigmoid="relu_backward(dA, activation_cache)"))
wrong(LAB, "lab_no_activation", ["through the activation"], _lab(relu="dA", sigmoid="dA"))
wrong(LAB, "lab_notes_unpack", ["in that order"], _lab(unpack="dW, db, dA_prev"))
wrong(LAB, "lab_cache_swapped", ["(linear_cache, activation_cache)"], """
def linear_activation_backward(dA, cache, activation):
    activation_cache, linear_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)
""")
wrong(LAB, "lab_linear_cache_to_activation", ["activation_cache"], _lab(
    relu="relu_backward(dA, linear_cache)", sigmoid="sigmoid_backward(dA, linear_cache)"))
wrong(LAB, "lab_returns_dZ", ["dA_prev"], """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dZ, dW, db
""")
wrong(LAB, "lab_always_relu", ["sigmoid_backward"], _lab(sigmoid="relu_backward(dA, activation_cache)"))
wrong(LAB, "lab_order_reversed", ["through the activation"], """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    dA_prev, dW, db = linear_backward(dA, linear_cache)
    if activation == "relu":
        dA_prev = relu_backward(dA_prev, activation_cache)
    else:
        dA_prev = sigmoid_backward(dA_prev, activation_cache)
    return dA_prev, dW, db
""")
wrong(LAB, "lab_whole_cache", ["activation_cache"], _lab(relu="relu_backward(dA, cache)",
                                                        sigmoid="sigmoid_backward(dA, cache)"))


# -- 04 L_model_backward ---------------------------------------------------------------------------

LMB = "L_model_backward"
_LMB = """
def L_model_backward(AL, Y, caches):
    grads = {{}}
    L = len(caches)
    dAL = {dAL}
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(
        dAL, current_cache, "{output}")
    for l in {loop}:
        current_cache = caches[{cache}]
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "{hidden}")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads
"""


def _lmb(dAL="-(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))", output="sigmoid", loop="reversed(range(L - 1))",
         cache="l", hidden="relu"):
    return _LMB.format(dAL=dAL, output=output, loop=loop, cache=cache, hidden=hidden)


wrong(LMB, "lmb_dAL_sign", ["wrong sign"], _lmb(dAL="np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)"))
wrong(LMB, "lmb_last_relu", ["sigmoid"], _lmb(output="relu"))
wrong(LMB, "lmb_all_sigmoid", ["ReLU"], _lmb(hidden="sigmoid"))
wrong(LMB, "lmb_dAL_over_m", ["no 1/m"], _lmb(dAL="-(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)) / AL.shape[1]"))
wrong(LMB, "lmb_dZ_as_dA", ["already dZL"], _lmb(dAL="AL - Y"))
wrong(LMB, "lmb_cache_l_plus_1", ["caches[l - 1]"], _lmb(cache="l + 1"))
wrong(LMB, "lmb_forward_order", ["from the output down"], _lmb(loop="range(L - 1)"))
wrong(LMB, "lmb_loop_too_far", ["output layer L is done before"], _lmb(loop="reversed(range(L))"))
wrong(LMB, "lmb_keys_from_0", ["off by one"], """
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(
        dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l + 1)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_activation_backward(
            grads["dA" + str(l + 2)], caches[l], "relu")
    return grads
""")
# Issue 25: the loop stopping early gave only the missing keys.
wrong(LMB, "lmb_loop_stops_early", ["reversed(range(L - 1))"], _lmb(loop="reversed(range(1, L - 1))"))


# -- 05 update_parameters --------------------------------------------------------------------------

UP = "update_parameters"
_UP = """
def update_parameters(parameters, grads, learning_rate):
    new = {{}}
    L = {L}
    for l in {loop}:
        new["W" + str(l)] = parameters["W" + str(l)] {sign} learning_rate * grads["dW" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] {sign} learning_rate * grads["db" + str(l)]
    return new
"""


def _up(L="len(parameters) // 2", loop="range(1, L + 1)", sign="-"):
    return _UP.format(L=L, loop=loop, sign=sign)


wrong(UP, "up_len_parameters", ["len(parameters) // 2"], _up(L="len(parameters)"))
# Issue 25: a bare KeyError: 'dW0'.
wrong(UP, "up_range_0", ["numbered from 1"], _up(loop="range(L)"))
wrong(UP, "up_plus", ["minus"], _up(sign="+"))
wrong(UP, "up_in_place", ["changes the caller's arrays"], """
def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return parameters
""")
wrong(UP, "up_shallow_copy", ["copies the dict, not the arrays"], """
def update_parameters(parameters, grads, learning_rate):
    new = parameters.copy()
    for key in new:
        new[key] -= learning_rate * grads["d" + key]
    return new
""")
wrong(UP, "up_notes", ["new dict"], """
def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters
""")
wrong(UP, "up_forgets_b", ["b must be updated too"], """
def update_parameters(parameters, grads, learning_rate):
    new = {}
    for key in parameters:
        new[key] = parameters[key] - learning_rate * grads["d" + key] if key.startswith("W") else parameters[key]
    return new
""")
wrong(UP, "up_float64", ["float32"], """
def update_parameters(parameters, grads, learning_rate):
    return {key: np.array(value - learning_rate * grads["d" + key], dtype=float) for key, value in parameters.items()}
""")
wrong(UP, "up_over_grads", ["loop over the parameters"], """
def update_parameters(parameters, grads, learning_rate):
    new = {}
    for key, value in grads.items():
        new[key[1:]] = parameters[key[1:]] - learning_rate * value
    return new
""")
# Issue 25: the hint spoke of len(parameters).
wrong(UP, "up_len_grads", ["len(grads)"], _up(L="len(grads) // 2"))
# Issue 25: the key list only.
wrong(UP, "up_range_1_L", ["range(1, L + 1)"], _up(loop="range(1, L)"))


# -- 07 centered_difference ------------------------------------------------------------------------

CD = "centered_difference"
_CD = """
def centered_difference(J, theta, epsilon=1e-6):
    gradapprox = np.zeros(theta.shape)
    for i in range(theta.shape[0]):
        theta_plus = theta.copy()
        theta_minus = theta.copy()
        theta_plus[i, 0] = theta_plus[i, 0] + epsilon
        theta_minus[i, 0] = theta_minus[i, 0] - epsilon
        gradapprox[i, 0] = {value}
    return gradapprox
"""
wrong(CD, "cd_forward", ["one-sided"], _CD.format(value="(J(theta_plus) - J(theta)) / epsilon"))
wrong(CD, "cd_over_epsilon", ["2 * epsilon"], _CD.format(value="(J(theta_plus) - J(theta_minus)) / epsilon"))
wrong(CD, "cd_minus_first", ["wrong sign"], _CD.format(value="(J(theta_minus) - J(theta_plus)) / (2 * epsilon)"))
wrong(CD, "cd_all_at_once", ["one entry at a time"], """
def centered_difference(J, theta, epsilon=1e-6):
    return np.full(theta.shape, (J(theta + epsilon) - J(theta - epsilon)) / (2 * epsilon))
""")
wrong(CD, "cd_copies_outside", ["fresh copies"], """
def centered_difference(J, theta, epsilon=1e-6):
    gradapprox = np.zeros(theta.shape)
    theta_plus = theta.copy()
    theta_minus = theta.copy()
    for i in range(theta.shape[0]):
        theta_plus[i, 0] += epsilon
        theta_minus[i, 0] -= epsilon
        gradapprox[i, 0] = (J(theta_plus) - J(theta_minus)) / (2 * epsilon)
    return gradapprox
""")
wrong(CD, "cd_nudges_theta", ["changed in place"], """
def centered_difference(J, theta, epsilon=1e-6):
    gradapprox = np.zeros(theta.shape)
    for i in range(theta.shape[0]):
        theta[i, 0] += epsilon
        plus = J(theta)
        theta[i, 0] -= 2 * epsilon
        minus = J(theta)
        gradapprox[i, 0] = (plus - minus) / (2 * epsilon)
    return gradapprox
""")
# Issue 25: the other one-sided difference gave values only.
wrong(CD, "cd_backward", ["one-sided"], _CD.format(value="(J(theta) - J(theta_minus)) / epsilon"))
wrong(CD, "cd_precedence", ["2 * epsilon"], _CD.format(value="(J(theta_plus) - J(theta_minus)) / 2 * epsilon"))
wrong(CD, "cd_list", ["np.array"], """
def centered_difference(J, theta, epsilon=1e-6):
    gradapprox = []
    for i in range(theta.shape[0]):
        plus, minus = theta.copy(), theta.copy()
        plus[i, 0] += epsilon
        minus[i, 0] -= epsilon
        gradapprox.append([(J(plus) - J(minus)) / (2 * epsilon)])
    return gradapprox
""")
wrong(CD, "cd_alias_not_copy", ["copy"], """
def centered_difference(J, theta, epsilon=1e-6):
    gradapprox = np.zeros(theta.shape)
    for i in range(theta.shape[0]):
        theta_plus = theta
        theta_plus[i, 0] = theta_plus[i, 0] + epsilon
        theta_minus = theta
        theta_minus[i, 0] = theta_minus[i, 0] - epsilon
        gradapprox[i, 0] = (J(theta_plus) - J(theta_minus)) / (2 * epsilon)
    return gradapprox
""")


# -- 07 relative_error -----------------------------------------------------------------------------

RE = "relative_error"
_RE = """
def relative_error(grad, gradapprox):
    if not np.any(grad) and not np.any(gradapprox):
        return 0.0
    {body}
"""
wrong(RE, "re_no_denominator", ["divide by the size"],
      _RE.format(body="return float(np.linalg.norm(grad - gradapprox))"))
wrong(RE, "re_zero_over_zero", ["both gradients are exactly zero"], """
def relative_error(grad, gradapprox):
    return float(np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox)))
""")
# Issue 25: shape (1,), told to np.squeeze, which gives a 0-d array, not a float.
wrong(RE, "re_shape_1", ["float("], """
def relative_error(grad, gradapprox):
    if not np.any(grad) and not np.any(gradapprox):
        return 0.0
    numerator = np.linalg.norm(grad - gradapprox, axis=0)
    denominator = np.linalg.norm(grad, axis=0) + np.linalg.norm(gradapprox, axis=0)
    return numerator / denominator
""")
wrong(RE, "re_norm_of_sum", ["not the norm of the sum"], _RE.format(
    body="return float(np.linalg.norm(grad - gradapprox) / np.linalg.norm(grad + gradapprox))"))
wrong(RE, "re_grad_only", ["alone"], _RE.format(
    body="return float(np.linalg.norm(grad - gradapprox) / np.linalg.norm(grad))"))
wrong(RE, "re_squared", ["square root"], _RE.format(
    body="return float(np.sum((grad - gradapprox) ** 2) / (np.sum(grad ** 2) + np.sum(gradapprox ** 2)))"))
# Issue 25: the L1 norm, the max norm: values only.
wrong(RE, "re_l1", ["np.linalg.norm", "L1"], _RE.format(
    body="return float(np.sum(np.abs(grad - gradapprox)) / (np.sum(np.abs(grad)) + np.sum(np.abs(gradapprox))))"))
wrong(RE, "re_max", ["np.linalg.norm", "max"], _RE.format(
    body="return float(np.max(np.abs(grad - gradapprox)) / (np.max(np.abs(grad)) + np.max(np.abs(gradapprox))))"))
wrong(RE, "re_entry_by_entry", ["one number"], _RE.format(
    body="return np.abs(grad - gradapprox) / (np.abs(grad) + np.abs(gradapprox))"))
wrong(RE, "re_max_of_norms", ["sum of the two norms"], _RE.format(
    body="return float(np.linalg.norm(grad - gradapprox) / max(np.linalg.norm(grad), np.linalg.norm(gradapprox)))"))


# -- 08 initialize_parameters_zeros ----------------------------------------------------------------

ZEROS = "initialize_parameters_zeros"
_ZEROS = """
def initialize_parameters_zeros(layers_dims):
    parameters = {{}}
    L = len(layers_dims)
    for l in {loop}:
        parameters["W" + str({key})] = {W}
        parameters["b" + str({key})] = {b}
    return parameters
"""


def _zeros(loop="range(1, L)", key="l", W="np.zeros((layers_dims[l], layers_dims[l - 1]))",
           b="np.zeros((layers_dims[l], 1))"):
    return _ZEROS.format(loop=loop, key=key, W=W, b=b)


wrong(ZEROS, "zeros_W_T", ["(n_l, n_prev)"], _zeros(W="np.zeros((layers_dims[l - 1], layers_dims[l]))"))
# Issue 25: "keepdims=True, or .reshape", which has nothing to do with np.zeros.
wrong(ZEROS, "zeros_b_1d", ["np.zeros((layers_dims[l], 1))"], _zeros(b="np.zeros(layers_dims[l])"))
wrong(ZEROS, "zeros_keys_from_0", ["off by one"], _zeros(key="l - 1"))
wrong(ZEROS, "zeros_stops_early", ["one layer early"], _zeros(loop="range(1, L - 1)"))
wrong(ZEROS, "zeros_ones", ["np.ones"], _zeros(W="np.ones((layers_dims[l], layers_dims[l - 1]))"))
wrong(ZEROS, "zeros_no_b", ["b1"], """
def initialize_parameters_zeros(layers_dims):
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))
    return parameters
""")
wrong(ZEROS, "zeros_int", ["dtype=int"], _zeros(W="np.zeros((layers_dims[l], layers_dims[l - 1]), dtype=int)",
                                   b="np.zeros((layers_dims[l], 1), dtype=int)"))
wrong(ZEROS, "zeros_range_from_0", ["range(1, L + 1)"], _zeros(loop="range(L)"))
wrong(ZEROS, "zeros_list", ["np.zeros"], _zeros(W="[[0] * layers_dims[l - 1]] * layers_dims[l]"))
wrong(ZEROS, "zeros_b_row", ["(n_l, 1)"], _zeros(b="np.zeros((1, layers_dims[l]))"))


# -- 08 initialize_parameters_he -------------------------------------------------------------------

HE = "initialize_parameters_he"
_HE = """
def initialize_parameters_he(layers_dims, seed=0, dtype=np.float64):
    rng = np.random.default_rng({seed})
    parameters = {{}}
    for l in range(1, len(layers_dims)):
        W = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * {scale}
        parameters["W" + str(l)] = W.astype(dtype)
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1), dtype=dtype)
    return parameters
"""


def _he(scale="np.sqrt(2 / layers_dims[l - 1])", seed="seed"):
    return _HE.format(scale=scale, seed=seed)


wrong(HE, "he_xavier", ["np.sqrt(2 / n_prev)"], _he(scale="np.sqrt(1 / layers_dims[l - 1])"))
wrong(HE, "he_no_sqrt", ["variance"], _he(scale="2 / layers_dims[l - 1]"))
wrong(HE, "he_fan_out", ["n_prev"], _he(scale="np.sqrt(2 / layers_dims[l])"))
wrong(HE, "he_unscaled", ["unscaled"], _he(scale="1"))
wrong(HE, "he_unseeded", ["seed"], _he(seed=""))
wrong(HE, "he_fixed_seed", ["seed"], _he(seed="0"))
wrong(HE, "he_precedence", ["np.sqrt(2 / n_prev)"], _he(scale="np.sqrt(2) / layers_dims[l - 1]"))
wrong(HE, "he_legacy", ["legacy"], """
def initialize_parameters_he(layers_dims, seed=0):
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters
""")
wrong(HE, "he_b_random", ["b must start at exactly zero"], """
def initialize_parameters_he(layers_dims, seed=0):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        scale = np.sqrt(2 / layers_dims[l - 1])
        parameters["W" + str(l)] = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * scale
        parameters["b" + str(l)] = rng.standard_normal((layers_dims[l], 1)) * scale
    return parameters
""")
wrong(HE, "he_uniform", ["rng.standard_normal"], _he().replace("rng.standard_normal((", "rng.random(("))


# -- 09 compute_cost_with_regularization -----------------------------------------------------------

CR = "compute_cost_with_regularization"
_CR = """
def compute_cost_with_regularization(AL, Y, parameters, lambd):
    m = Y.shape[1]
    L = len(parameters) // 2
    cross_entropy_cost = compute_cost(AL, Y)
    squares = 0
    for l in range(1, L + 1):
        squares += {square}
    return {ret}
"""


def _cr(square='np.sum(np.square(parameters["W" + str(l)]))', ret="cross_entropy_cost + lambd / (2 * m) * squares"):
    return _CR.format(square=square, ret=ret)


wrong(CR, "cr_lambd_over_m", ["lambd / (2 * m)"], _cr(ret="cross_entropy_cost + lambd / m * squares"))
wrong(CR, "cr_no_m", ["divided by m"], _cr(ret="cross_entropy_cost + lambd / 2 * squares"))
wrong(CR, "cr_not_squared", ["squares"], _cr(square='np.sum(parameters["W" + str(l)])'))
wrong(CR, "cr_norm", ["np.linalg.norm"], _cr(square='np.linalg.norm(parameters["W" + str(l)])'))
wrong(CR, "cr_penalty_only", ["PLUS"], _cr(ret="lambd / (2 * m) * squares"))
wrong(CR, "cr_biases", ["only the weights"], """
def compute_cost_with_regularization(AL, Y, parameters, lambd):
    m = Y.shape[1]
    penalty = sum(np.sum(np.square(value)) for value in parameters.values())
    return compute_cost(AL, Y) + lambd / (2 * m) * penalty
""")
wrong(CR, "cr_square_of_sum", ["square of the sum"], _cr(square='np.sum(parameters["W" + str(l)]) ** 2'))
# Issue 25: the spectral norm: values only.
wrong(CR, "cr_spectral_norm", ["np.sum(np.square(W))"], _cr(square='np.linalg.norm(parameters["W" + str(l)], 2) ** 2'))
wrong(CR, "cr_m_rows", ["divided by m"], _cr(ret="cross_entropy_cost + lambd / (2 * Y.shape[0]) * squares"))
wrong(CR, "cr_mean_of_squares", ["np.sum"], _cr(square='np.mean(np.square(parameters["W" + str(l)]))'))


# -- 09 backward_propagation_with_regularization ---------------------------------------------------

BR = "backward_propagation_with_regularization"
_BR = """
def backward_propagation_with_regularization(AL, Y, caches, lambd):
    grads = L_model_backward(AL, Y, caches)
    m = AL.shape[1]
    for l in range(1, len(caches) + 1):
        (A_prev, W, b), Z = caches[l - 1]
        grads["dW" + str(l)] = grads["dW" + str(l)] {term}
    return grads
"""
wrong(BR, "br_over_2m", ["the 2 cancels"], _BR.format(term="+ lambd / (2 * m) * W"))
wrong(BR, "br_2_lambd", ["the 2 of the square"], _BR.format(term="+ 2 * lambd / m * W"))
wrong(BR, "br_no_m", ["divide by m"], _BR.format(term="+ lambd * W"))
wrong(BR, "br_minus", ["a plus"], _BR.format(term="- lambd / m * W"))
wrong(BR, "br_biases", ["only the weights"], """
def backward_propagation_with_regularization(AL, Y, caches, lambd):
    grads = L_model_backward(AL, Y, caches)
    m = AL.shape[1]
    for l in range(1, len(caches) + 1):
        (A_prev, W, b), Z = caches[l - 1]
        grads["dW" + str(l)] = grads["dW" + str(l)] + lambd / m * W
        grads["db" + str(l)] = grads["db" + str(l)] + lambd / m * b
    return grads
""")
wrong(BR, "br_last_only", ["every layer"], """
def backward_propagation_with_regularization(AL, Y, caches, lambd):
    grads = L_model_backward(AL, Y, caches)
    L = len(caches)
    (A_prev, W, b), Z = caches[L - 1]
    grads["dW" + str(L)] = grads["dW" + str(L)] + lambd / AL.shape[1] * W
    return grads
""")
wrong(BR, "br_over_m_squared", ["lambd / m * W"], _BR.format(term="+ lambd / m ** 2 * W"))
wrong(BR, "br_replaces_dW", ["the gradients of L_model_backward"], _BR.format(term="* 0 + lambd / m * W"))
wrong(BR, "br_W_squared", ["lambd / m * W"], _BR.format(term="+ lambd / m * W ** 2"))
wrong(BR, "br_lambd_times_dW", ["lambd / m * W"], _BR.format(term="* (1 + lambd / m)"))


# -- 09 forward_propagation_with_dropout -----------------------------------------------------------

DF = "forward_propagation_with_dropout"
_DF = """
def forward_propagation_with_dropout(X, parameters, keep_prob, seed, output="sigmoid"):
    rng = np.random.default_rng(seed)
    L = len(parameters) // 2
    A = X
    caches = []
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        D = {D}
        A = {A}
        caches.append((cache, D))
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append((cache, None))
    return AL, caches
"""
wrong(DF, "df_no_scale", ["keep_prob"], _DF.format(D="rng.random(A.shape) < keep_prob", A="A * D"))
wrong(DF, "df_times_keep_prob", ["divide by keep_prob"], _DF.format(D="rng.random(A.shape) < keep_prob",
                                                                   A="A * D * keep_prob"))
wrong(DF, "df_rng_per_layer", ["before the loop"], _DF.format(
    D="np.random.default_rng(seed).random(A.shape) < keep_prob", A="A * D / keep_prob"))
wrong(DF, "df_drop_prob", ["KEEPING"], _DF.format(D="rng.random(A.shape) > keep_prob", A="A * D / keep_prob"))
wrong(DF, "df_float_mask", ["float32", ".astype(float)"], _DF.format(
    D="(rng.random(A.shape) < keep_prob).astype(float)", A="A * D / keep_prob"))
wrong(DF, "df_legacy_rng", ["rng"], _DF.format(D="np.random.rand(A.shape[0], A.shape[1]) < keep_prob",
                                              A="A * D / keep_prob"))
wrong(DF, "df_cache_without_D", ["D"], _DF.format(D="rng.random(A.shape) < keep_prob", A="A * D / keep_prob").replace(
    "caches.append((cache, D))", "caches.append(cache)"))
wrong(DF, "df_scalar_mask", ["rng.random(A.shape)"], _DF.format(D="rng.random() < keep_prob", A="A * D / keep_prob"))
wrong(DF, "df_mask_before_relu", ["mask"], """
def forward_propagation_with_dropout(X, parameters, keep_prob, seed, output="sigmoid"):
    rng = np.random.default_rng(seed)
    L = len(parameters) // 2
    A = X
    caches = []
    for l in range(1, L):
        Z, linear_cache = linear_forward(A, parameters["W" + str(l)], parameters["b" + str(l)])
        D = rng.random(Z.shape) < keep_prob
        Z = Z * D / keep_prob
        A = np.maximum(0, Z)
        caches.append(((linear_cache, Z), D))
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append((cache, None))
    return AL, caches
""")


# -- 09 backward_propagation_with_dropout ----------------------------------------------------------

DB = "backward_propagation_with_dropout"
_DB = """
def backward_propagation_with_dropout(AL, Y, caches, keep_prob):
    grads = {{}}
    L = len(caches)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(1, L + 1)):
        cache, _ = caches[l - 1]
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(
            dA, cache, "sigmoid" if l == L else "relu")
        if l > 1:
            D = caches[l - 2][1]
            dA = {dA}
        grads["dA" + str(l - 1)] = dA
    return grads
"""
wrong(DB, "db_no_scale", ["dA * D / keep_prob"], _DB.format(dA="dA * D"))
wrong(DB, "db_no_mask", ["mask D"], _DB.format(dA="dA / keep_prob"))
wrong(DB, "db_times_keep_prob", ["not multiply"], _DB.format(dA="dA * D * keep_prob"))
wrong(DB, "db_mask_of_layer_below", ["Dl"], _DB.replace(
    "D = caches[l - 2][1]", "D = caches[l - 1][1] if caches[l - 1][1] is not None else 1").format(
    dA="dA * D / keep_prob"))
wrong(DB, "db_all_relu", ["sigmoid"], _DB.replace('"sigmoid" if l == L else "relu"', '"relu"').format(
    dA="dA * D / keep_prob"))
wrong(DB, "db_mask_after_storing", ["as soon as"], """
def backward_propagation_with_dropout(AL, Y, caches, keep_prob):
    grads = {}
    L = len(caches)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(1, L + 1)):
        cache, _ = caches[l - 1]
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(
            dA, cache, "sigmoid" if l == L else "relu")
        grads["dA" + str(l - 1)] = dA
        if l > 1:
            dA = dA * caches[l - 2][1] / keep_prob
    return grads
""")
wrong(DB, "db_plain_backward", ["mask D"], """
def backward_propagation_with_dropout(AL, Y, caches, keep_prob):
    return L_model_backward(AL, Y, [cache for cache, D in caches])
""")


# -- 10 random_mini_batches ------------------------------------------------------------------------

MB = "random_mini_batches"
_MB = """
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    rng = np.random.default_rng({seed})
    permutation = {permutation}
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, {y_permutation}]
    mini_batches = []
    for k in range(0, {stop}, mini_batch_size):
        mini_batches.append((shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size]))
    return mini_batches
"""


def _mb(seed="seed", permutation="rng.permutation(m)", y_permutation="permutation", stop="m"):
    return _MB.format(seed=seed, permutation=permutation, y_permutation=y_permutation, stop=stop)


wrong(MB, "mb_no_shuffle", ["shuffle first"], _mb(permutation="np.arange(m)"))
wrong(MB, "mb_Y_not_shuffled", ["same permutation"], _mb(y_permutation=":"))
wrong(MB, "mb_drops_last", ["last, smaller mini-batch"], _mb(stop="m - m % mini_batch_size"))
wrong(MB, "mb_fixed_seed", ["seed"], _mb(seed="0"))
wrong(MB, "mb_unseeded", ["seed"], _mb(seed=""))
wrong(MB, "mb_legacy", ["rng"], _mb(permutation="list(np.random.RandomState(seed).permutation(m))"))
wrong(MB, "mb_m_rows", ["m"], _mb().replace("m = X.shape[1]", "m = X.shape[0]"))
wrong(MB, "mb_k_times_size", ["last, smaller mini-batch"], """
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    X, Y = X[:, permutation], Y[:, permutation]
    return [(X[:, k * mini_batch_size:(k + 1) * mini_batch_size], Y[:, k * mini_batch_size:(k + 1) * mini_batch_size])
            for k in range(m // mini_batch_size)]
""")
wrong(MB, "mb_rows_permuted", ["X[:, permutation]"], _mb().replace("X[:, permutation]", "X[permutation, :]"))
wrong(MB, "mb_two_permutations", ["same permutation"], _mb(y_permutation="rng.permutation(m)"))


# -- 10 update_parameters_with_momentum ------------------------------------------------------------

MOM = "update_parameters_with_momentum"
_MOM = """
def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    new_parameters, new_v = {{}}, {{}}
    for key in parameters:
        d = "d" + key
        new_v[d] = {v}
        new_parameters[key] = parameters[key] - learning_rate * {step}
    return new_parameters, new_v
"""


def _mom(v="beta * v[d] + (1 - beta) * grads[d]", step="new_v[d]"):
    return _MOM.format(v=v, step=step)


wrong(MOM, "mom_no_one_minus_beta", ["(1 - beta)"], _mom(v="beta * v[d] + grads[d]"))
wrong(MOM, "mom_beta_swapped", ["beta weighs the old velocity"], _mom(v="(1 - beta) * v[d] + beta * grads[d]"))
wrong(MOM, "mom_step_with_grad", ["new velocity"], _mom(step="grads[d]"))
wrong(MOM, "mom_old_velocity", ["NEW v"], _mom(step="v[d]"))
wrong(MOM, "mom_in_place", ["unchanged"], """
def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    for key in parameters:
        v["d" + key] = beta * v["d" + key] + (1 - beta) * grads["d" + key]
        parameters[key] = parameters[key] - learning_rate * v["d" + key]
    return parameters, v
""")
# Issue 25: a float32 network turned float64 passed.
wrong(MOM, "mom_float64_beta", ["float32"], _mom(v="np.float64(beta) * v[d] + (1 - np.float64(beta)) * grads[d]"))
wrong(MOM, "mom_returns_parameters_only", ["(parameters, v)"], """
def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    new = {}
    for key in parameters:
        velocity = beta * v["d" + key] + (1 - beta) * grads["d" + key]
        new[key] = parameters[key] - learning_rate * velocity
    return new
""")
# Another convention of momentum (v = beta v + lr dW, W = W - v), not this course's.
wrong(MOM, "mom_lr_in_v", ["v = beta * v + (1 - beta) * dW"], _mom(v="beta * v[d] + learning_rate * grads[d]",
                                                                   step="new_v[d] / learning_rate"))
wrong(MOM, "mom_returns_old_v", ["new v"], """
def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    new_parameters = {}
    for key in parameters:
        velocity = beta * v["d" + key] + (1 - beta) * grads["d" + key]
        new_parameters[key] = parameters[key] - learning_rate * velocity
    return new_parameters, v
""")
wrong(MOM, "mom_plus", ["learning_rate * v"], _mom().replace("parameters[key] - learning_rate",
                                                             "parameters[key] + learning_rate"))


# -- 10 update_parameters_with_adam ----------------------------------------------------------------

ADAM = "update_parameters_with_adam"
_ADAM = """
def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    new_parameters, new_v, new_s = {{}}, {{}}, {{}}
    for key in parameters:
        d = "d" + key
        new_v[d] = {v}
        new_s[d] = {s}
        v_hat = new_v[d] / ({v_corr})
        s_hat = new_s[d] / ({s_corr})
        new_parameters[key] = parameters[key] - learning_rate * v_hat / (np.sqrt(s_hat) + {eps})
    return new_parameters, new_v, new_s
"""


def _adam(v="beta1 * v[d] + (1 - beta1) * grads[d]", s="beta2 * s[d] + (1 - beta2) * np.square(grads[d])",
          v_corr="1 - beta1 ** t", s_corr="1 - beta2 ** t", eps="epsilon"):
    return _ADAM.format(v=v, s=s, v_corr=v_corr, s_corr=s_corr, eps=eps)


wrong(ADAM, "adam_no_correction", ["correct the bias"], _adam(v_corr="1", s_corr="1"))
wrong(ADAM, "adam_beta1_in_s", ["beta2"], _adam(s_corr="1 - beta1 ** t"))
wrong(ADAM, "adam_t_minus_1", ["1 - beta**t"], _adam(v_corr="1 - beta1 ** (t - 1)", s_corr="1 - beta2 ** (t - 1)"))
wrong(ADAM, "adam_betas_swapped", ["v uses beta1"], _adam(v="beta2 * v[d] + (1 - beta2) * grads[d]",
                                                          s="beta1 * s[d] + (1 - beta1) * np.square(grads[d])"))
wrong(ADAM, "adam_eps_1e8", ["epsilon argument"], _adam(eps="1e-8"))
# Issue 25: "1.028 times the expected value", no hint.
wrong(ADAM, "adam_t_plus_1", ["1 - beta**t", "t + 1"], _adam(v_corr="1 - beta1 ** (t + 1)",
                                                          s_corr="1 - beta2 ** (t + 1)"))
wrong(ADAM, "adam_one_minus_beta_to_t", ["1 - beta**t", "(1 - beta)**t"], _adam(v_corr="(1 - beta1) ** t",
                                                                               s_corr="(1 - beta2) ** t"))
wrong(ADAM, "adam_s_not_squared", ["dW**2"], _adam(s="beta2 * s[d] + (1 - beta2) * grads[d]"))
# Float32 in, float32 out: a NumPy float64 number widens a float32 network.
wrong(ADAM, "adam_np_power", ["float32", "np.power"], _adam(v_corr="1 - np.power(beta1, t)",
                                                          s_corr="1 - np.power(beta2, t)"))
wrong(ADAM, "adam_efficient_np_sqrt", ["float32", "np.sqrt"], """
def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    step = learning_rate * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    v = {d: beta1 * v[d] + (1 - beta1) * grads[d] for d in v}
    s = {d: beta2 * s[d] + (1 - beta2) * grads[d] ** 2 for d in s}
    return {k: p - step * v["d" + k] / (np.sqrt(s["d" + k]) + epsilon) for k, p in parameters.items()}, v, s
""")


# -- 11 softmax ------------------------------------------------------------------------------------

SM = "softmax"
wrong(SM, "sm_axis1", ["axis=0"], """
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True), Z
""")
wrong(SM, "sm_no_shift", ["overflows"], """
def softmax(Z):
    E = np.exp(Z)
    return E / np.sum(E, axis=0, keepdims=True), Z
""")
wrong(SM, "sm_sum_all", ["its own sum"], """
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E), Z
""")
wrong(SM, "sm_global_max", ["own max"], """
def softmax(Z):
    E = np.exp(Z - np.max(Z))
    return E / np.sum(E, axis=0, keepdims=True), Z
""")
wrong(SM, "sm_no_cache", ["return the pair"], """
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)
""")
wrong(SM, "sm_cache_A", ["the cache is Z"], """
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    A = E / np.sum(E, axis=0, keepdims=True)
    return A, A
""")
wrong(SM, "sm_min_shift", ["own max"], """
def softmax(Z):
    E = np.exp(Z - np.min(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True), Z
""")
wrong(SM, "sm_mean_shift", ["own max"], """
def softmax(Z):
    E = np.exp(Z - np.mean(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True), Z
""")
wrong(SM, "sm_over_max", ["its own sum"], """
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.max(E, axis=0, keepdims=True), Z
""")
wrong(SM, "sm_sigmoid", ["np.exp"], """
def softmax(Z):
    return 1 / (1 + np.exp(-Z)), Z
""")


# -- 11 compute_cost_softmax -----------------------------------------------------------------------

CS = "compute_cost_softmax"
_CS = """
def compute_cost_softmax(ZL, Y):
    m = Y.shape[1]
    shifted = ZL - np.max(ZL, axis=0, keepdims=True)
    log_A = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    return {ret}
"""
wrong(CS, "cs_no_m", ["m times too large"], _CS.format(ret="float(-np.sum(Y * log_A))"))
wrong(CS, "cs_mean", ["C classes"], _CS.format(ret="float(-np.mean(Y * log_A))"))
wrong(CS, "cs_per_example", ["average them over the examples"], _CS.format(ret="-np.sum(Y * log_A, axis=0)"))
wrong(CS, "cs_log_logits", ["softmax first"], """
def compute_cost_softmax(ZL, Y):
    return float(-np.sum(Y * np.log(ZL)) / Y.shape[1])
""")
wrong(CS, "cs_binary", ["binary cross-entropy"], """
def compute_cost_softmax(ZL, Y):
    A, _ = softmax(ZL)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / Y.shape[1])
""")
wrong(CS, "cs_no_shift", ["overflows"], """
def compute_cost_softmax(ZL, Y):
    E = np.exp(ZL)
    return float(-np.sum(Y * np.log(E / np.sum(E, axis=0, keepdims=True))) / Y.shape[1])
""")
wrong(CS, "cs_no_minus", ["minus"], _CS.format(ret="float(np.sum(Y * log_A) / m)"))
wrong(CS, "cs_no_log", ["log"], """
def compute_cost_softmax(ZL, Y):
    A, _ = softmax(ZL)
    return float(-np.sum(Y * A) / Y.shape[1])
""")
wrong(CS, "cs_m_rows", ["Y.shape[1]"], _CS.format(ret="float(-np.sum(Y * log_A) / Y.shape[0])"))
wrong(CS, "cs_per_class", ["one number"], _CS.format(ret="-np.sum(Y * log_A, axis=1) / m"))


# -- 11 one_hot ------------------------------------------------------------------------------------

OH = "one_hot"
wrong(OH, "oh_transposed", ["transpose"], """
def one_hot(y, num_classes):
    return np.eye(num_classes)[y.ravel()]
""")
wrong(OH, "oh_not_flattened", ["y[0]"], """
def one_hot(y, num_classes):
    return np.eye(num_classes)[y].T
""")
wrong(OH, "oh_max_plus_1", ["num_classes"], """
def one_hot(y, num_classes):
    C = int(np.max(y)) + 1
    return np.eye(C)[:, y.ravel()]
""")
wrong(OH, "oh_minus_one", ["no -1"], """
def one_hot(y, num_classes):
    return np.eye(num_classes)[:, y.ravel() - 1]
""")
# Issue 25: passed every visible case, failed a hidden one (m = 1).
wrong(OH, "oh_squeeze", ["y[0]"], """
def one_hot(y, num_classes):
    return np.eye(num_classes)[:, y.squeeze()]
""")
# Issue 25: int and bool arrays passed, while notebook 11 asks for float.
wrong(OH, "oh_int", ["float"], """
def one_hot(y, num_classes):
    Y = np.zeros((num_classes, y.shape[1]), dtype=int)
    Y[y.ravel(), np.arange(y.shape[1])] = 1
    return Y
""")
wrong(OH, "oh_bool", [".astype(float)"], """
def one_hot(y, num_classes):
    return np.arange(num_classes).reshape(-1, 1) == y
""")
wrong(OH, "oh_loop_transposed", ["transpose"], """
def one_hot(y, num_classes):
    Y = np.zeros((y.shape[1], num_classes))
    for i in range(y.shape[1]):
        Y[i, y[0, i]] = 1
    return Y
""")
wrong(OH, "oh_compare_no_reshape", ["(C, m)"], """
def one_hot(y, num_classes):
    return (np.arange(num_classes) == y.T).astype(float)
""")
wrong(OH, "oh_eye_rows_by_C", ["num_classes"], """
def one_hot(y, num_classes):
    return np.eye(y.shape[1])[:, y.ravel()]
""")


# -- running them ----------------------------------------------------------------------------------

def learner_function(entry):
    """The learner's function of ``entry``, defined as the notebook's cell would define it."""
    import dl_utils

    filename = f"<wrong answer {entry.id}>"
    # linecache holds the source, so a traceback through the learner's code shows their lines.
    linecache.cache[filename] = (len(entry.source), None, entry.source.splitlines(True), filename)
    namespace = {"np": np, "__name__": "__main__", "A": np.ones((3, 4))}
    namespace.update({name: getattr(dl_utils, name) for name in HELPERS})
    exec(compile(entry.source, filename, "exec"), namespace)  # noqa: S102 - the corpus' own fixed source
    return namespace[entry.exercise]


# What the notebooks import from dl_utils before their exercises (a notebook's own exercise shadows its reference).
HELPERS = ["relu", "sigmoid", "relu_backward", "sigmoid_backward", "linear_forward", "linear_activation_forward",
           "linear_backward", "linear_activation_backward", "L_model_backward", "compute_cost", "softmax"]


def message(entry, hidden=False):
    """What the check of ``entry``'s exercise says about it: the failure's message, or None if it passed."""
    import contextlib
    import io

    from dl_utils import checks

    fn = learner_function(entry)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            getattr(checks, entry.exercise)(fn, hidden=hidden)
        except AssertionError as failure:
            return str(failure)
    return None


def names_the_mistake(entry, text):
    """Whether the message ``text`` holds every word of ``entry`` (None: the check passed, it does not)."""
    return text is not None and all(word in text for word in entry.words)


def main():
    """Print, per exercise, how many of the corpus' messages name the mistake, then the share of the whole."""
    from collections import defaultdict

    per_exercise = defaultdict(lambda: [0, 0])
    missed = []
    for entry in WRONG:
        text = message(entry)
        if text is None:
            text = message(entry, hidden=True)
        named = names_the_mistake(entry, text)
        per_exercise[entry.exercise][0] += named
        per_exercise[entry.exercise][1] += 1
        if not named:
            missed.append((entry, text))
    for exercise, (named, total) in per_exercise.items():
        print(f"{exercise:42s} {named:3d} / {total}")
    total_named = sum(n for n, _ in per_exercise.values())
    print(f"named the mistake: {total_named} / {len(WRONG)} ({100 * total_named / len(WRONG):.0f}%)")
    for entry, text in missed:
        print(f"\n-- {entry.id} ({entry.exercise}) wants {list(entry.words)}:\n{text}")


if __name__ == "__main__":
    main()
