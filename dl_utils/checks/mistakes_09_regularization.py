"""Mistakes in notebook 09's exercises (L2 regularization, inverted dropout), in the common catalogue."""

import numpy as np

from .. import backward as bwd
from .. import cost as cst
from .. import forward as fwd
from .mistakes import EQUATIONS, mistake

COST, L2 = "compute_cost_with_regularization", "backward_propagation_with_regularization"
DF, DB = "forward_propagation_with_dropout", "backward_propagation_with_dropout"


def _weights(parameters):
    return [parameters[f"W{l}"] for l in range(1, len(parameters) // 2 + 1)]


def _squares(arrays):
    return sum(float(np.sum(np.square(a))) for a in arrays)


# -- compute_cost_with_regularization ---------------------------------------------------------------

@mistake(COST, "only the weights are regularized: sum the squares of W1..WL, not of the biases b1..bL")
def cost_biases(AL, Y, parameters, lambd):
    return cst.compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * _squares(parameters.values())


@mistake(COST, "the L2 term is lambd / (2 * m) times the sum of squares, not lambd / m (the 2 cancels in the "
         "gradient, not in the cost)")
def cost_lambd_over_m(AL, Y, parameters, lambd):
    return cst.compute_cost(AL, Y) + lambd / Y.shape[1] * _squares(_weights(parameters))


@mistake(COST, "the L2 term is divided by m too: lambd / (2 * m) times the sum of squares")
def cost_no_m(AL, Y, parameters, lambd):
    return cst.compute_cost(AL, Y) + lambd / 2 * _squares(_weights(parameters))


@mistake(COST, "square the weights: np.sum(np.square(W)); np.linalg.norm(W) is the square root of that")
def cost_norm_not_squared(AL, Y, parameters, lambd):
    norms = sum(float(np.linalg.norm(W)) for W in _weights(parameters))
    return cst.compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * norms


@mistake(COST, "sum the squares of the weights, np.sum(np.square(W)), not the weights themselves")
def cost_not_squared(AL, Y, parameters, lambd):
    return cst.compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * sum(float(np.sum(W)) for W in _weights(parameters))


@mistake(COST, "square each weight, then add them up: np.sum(np.square(W)), not np.sum(W) ** 2, the square of the sum")
def cost_square_of_sum(AL, Y, parameters, lambd):
    squares = sum(float(np.sum(W)) ** 2 for W in _weights(parameters))
    return cst.compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * squares


@mistake(COST, "every layer's weights are regularized: loop over W1..WL, not only the last layer's")
def cost_last_layer_only(AL, Y, parameters, lambd):
    return cst.compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * _squares(_weights(parameters)[-1:])


@mistake(COST, "every layer's weights are regularized, the last one too: loop over W1..WL, range(1, L + 1) with "
         "L = len(parameters) // 2; range(1, L) stops before WL")
def cost_last_layer_skipped(AL, Y, parameters, lambd):
    return cst.compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * _squares(_weights(parameters)[:-1])


@mistake(COST, "lambd / 2 * m is (lambd / 2) * m, m times too large rather than divided by it: write "
         "lambd / (2 * m), with the brackets")
def cost_precedence(AL, Y, parameters, lambd):
    return cst.compute_cost(AL, Y) + lambd / 2 * Y.shape[1] * _squares(_weights(parameters))


@mistake(COST, "the L2 term is missing (it came out 0): add lambd / (2 * m) times the sum of the squares of the "
         "weights; lambd // (2 * m), floor division, is 0 whenever lambd < 2 * m")
def cost_no_l2(AL, Y, parameters, lambd):
    return cst.compute_cost(AL, Y)


@mistake(COST, "the regularized cost is the cross-entropy cost PLUS the L2 term: add compute_cost(AL, Y)")
def cost_penalty_only(AL, Y, parameters, lambd):
    return lambd / (2 * Y.shape[1]) * _squares(_weights(parameters))


# -- backward_propagation_with_regularization -------------------------------------------------------

def _l2_grads(AL, Y, caches, lambd, scale, biases=False):
    grads = bwd.L_model_backward(AL, Y, caches)
    m = AL.shape[1]
    for l, ((_, W, b), _) in enumerate(caches, start=1):
        grads[f"dW{l}"] = grads[f"dW{l}"] + scale(lambd, m) * W
        if biases:
            grads[f"db{l}"] = grads[f"db{l}"] + scale(lambd, m) * b
    return grads


@mistake(L2, "only the weights are regularized: add lambd / m * W to dW, and leave db as it is")
def l2_biases(AL, Y, caches, lambd):
    return _l2_grads(AL, Y, caches, lambd, lambda lambd, m: lambd / m, biases=True)


@mistake(L2, "the derivative of lambd / (2 * m) * W**2 is lambd / m * W: the 2 cancels, so add lambd / m * W, "
         "not lambd / (2 * m) * W")
def l2_over_2m(AL, Y, caches, lambd):
    return _l2_grads(AL, Y, caches, lambd, lambda lambd, m: lambd / (2 * m))


@mistake(L2, "the derivative of lambd / (2 * m) * W**2 is lambd / m * W: the 2 of the square cancels the 1/2, so add "
         "lambd / m * W, not 2 * lambd / m * W")
def l2_2_lambd_over_m(AL, Y, caches, lambd):
    return _l2_grads(AL, Y, caches, lambd, lambda lambd, m: 2 * lambd / m)


@mistake(L2, "the term added to dW is lambd / m * W: did you forget to divide by m?")
def l2_no_m(AL, Y, caches, lambd):
    return _l2_grads(AL, Y, caches, lambd, lambda lambd, m: lambd)


@mistake(L2, "the L2 term is added to the cost, so its gradient is added to dW: dW + lambd / m * W, a plus")
def l2_minus(AL, Y, caches, lambd):
    return _l2_grads(AL, Y, caches, lambd, lambda lambd, m: -lambd / m)


@mistake(L2, "every layer's dW gets its own lambd / m * W: loop over the layers 1..L, not only the last one")
def l2_last_layer_only(AL, Y, caches, lambd):
    grads = bwd.L_model_backward(AL, Y, caches)
    L = len(caches)
    grads[f"dW{L}"] = grads[f"dW{L}"] + lambd / AL.shape[1] * caches[-1][0][1]
    return grads


# -- forward_propagation_with_dropout ---------------------------------------------------------------

def _dropout_forward(X, parameters, keep_prob, seed, keep=lambda U, p: U < p, scale=lambda A, p: A / p,
                     on_input=False, on_output=False, rng_per_layer=False):
    L = len(parameters) // 2
    rng = np.random.default_rng(seed)
    A, caches = X, []
    if on_input:
        A = scale(A * keep(rng.random(A.shape), keep_prob), keep_prob)
    for l in range(1, L + 1):
        A, cache = fwd.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                                 "relu" if l < L else "sigmoid")
        if l < L or on_output:
            if rng_per_layer:
                rng = np.random.default_rng(seed)
            D = keep(rng.random(A.shape), keep_prob)
            A = scale(A * D, keep_prob)
            caches.append((cache, D))
        else:
            caches.append((cache, None))
    return A, caches


@mistake(DF, "inverted dropout divides what is kept by keep_prob, A = A * D / keep_prob, so the expected "
         "activation stays the same")
def df_no_scale(X, parameters, keep_prob, seed):
    return _dropout_forward(X, parameters, keep_prob, seed, scale=lambda A, p: A)


@mistake(DF, "divide by keep_prob, A = A * D / keep_prob; multiplying by it shrinks the activations instead")
def df_times_keep_prob(X, parameters, keep_prob, seed):
    return _dropout_forward(X, parameters, keep_prob, seed, scale=lambda A, p: A * p)


@mistake(DF, "keep_prob is the probability of KEEPING a unit: D = rng.random(A.shape) < keep_prob")
def df_drop_prob(X, parameters, keep_prob, seed):
    return _dropout_forward(X, parameters, keep_prob, seed, keep=lambda U, p: U < 1 - p)


@mistake(DF, "no dropout on the output layer: only the hidden layers 1..L-1 get a mask, the sigmoid output AL is "
         "left whole (and its cache holds None for D)")
def df_on_output(X, parameters, keep_prob, seed):
    return _dropout_forward(X, parameters, keep_prob, seed, on_output=True)


@mistake(DF, "no dropout on the input X: the first mask is drawn for A1, after layer 1")
def df_on_input(X, parameters, keep_prob, seed):
    return _dropout_forward(X, parameters, keep_prob, seed, on_input=True)


@mistake(DF, "make one rng = np.random.default_rng(seed) before the loop: a new generator in every layer draws "
         "the same numbers again")
def df_rng_per_layer(X, parameters, keep_prob, seed):
    return _dropout_forward(X, parameters, keep_prob, seed, rng_per_layer=True)


# -- backward_propagation_with_dropout --------------------------------------------------------------

NO_MASK = "the units dropped in the forward pass get no gradient: multiply dA by the mask D stored in the cache"


def _dropout_backward(AL, Y, caches, keep_prob, mask=lambda D, l: D, scale=lambda dA, p: dA / p):
    L = len(caches)
    grads = {}
    (linear_cache, _), _ = caches[L - 1]
    dA, grads[f"dW{L}"], grads[f"db{L}"] = bwd.linear_backward(AL - Y, linear_cache)
    for l in reversed(range(1, L)):
        layer_cache, D = caches[l - 1]
        dA = scale(dA * mask(D, l), keep_prob)
        grads[f"dA{l}"] = dA
        dA, grads[f"dW{l}"], grads[f"db{l}"] = bwd.linear_activation_backward(dA, layer_cache, "relu")
    grads["dA0"] = dA
    return grads


@mistake(DB, "the backward pass scales like the forward pass: dA = dA * D / keep_prob")
def db_no_scale(AL, Y, caches, keep_prob):
    return _dropout_backward(AL, Y, caches, keep_prob, scale=lambda dA, p: dA)


@mistake(DB, NO_MASK)
def db_no_mask(AL, Y, caches, keep_prob):
    return _dropout_backward(AL, Y, caches, keep_prob, mask=lambda D, l: 1)


@mistake(DB, NO_MASK)
def db_plain_backward(AL, Y, caches, keep_prob):
    return bwd.L_model_backward(AL, Y, [cache for cache, _ in caches])


@mistake(DB, "divide by keep_prob, dA = dA * D / keep_prob, as in the forward pass; not multiply")
def db_times_keep_prob(AL, Y, caches, keep_prob):
    return _dropout_backward(AL, Y, caches, keep_prob, scale=lambda dA, p: dA * p)


@mistake(COST, "np.linalg.norm(W, 2) is the spectral norm, W's largest singular value: the L2 term adds up the "
         "squares of all the entries, np.sum(np.square(W)) (the Frobenius norm squared)")
def cost_spectral_norm(AL, Y, parameters, lambd):
    norms = sum(float(np.linalg.norm(W, 2)) ** 2 for W in _weights(parameters))
    return cst.compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * norms


@mistake(DF, "keep_prob is the probability of KEEPING a unit: D = rng.random(A.shape) < keep_prob; with > a unit is "
         "kept with probability 1 - keep_prob")
def df_greater_than_keep_prob(X, parameters, keep_prob, seed):
    return _dropout_forward(X, parameters, keep_prob, seed, keep=lambda U, p: U > p)


EQUATIONS.update({
    COST: "J = compute_cost(AL, Y) + lambd / (2 * m) * (np.sum(np.square(W1)) + ... + np.sum(np.square(WL))), the "
          "weights only",
    "backward_propagation_with_regularization": "the gradients of L_model_backward, with dWl + lambd / m * Wl in "
                                                "place of each dWl; db and dA unchanged",
    DF: "one rng = np.random.default_rng(seed); for each hidden layer l: A = relu(...), D = rng.random(A.shape) < "
        "keep_prob, A = A * D / keep_prob, cache (cache, D); the output layer has no mask (cache, None)",
    DB: "for each hidden layer l, as soon as dA{l} is computed: dA{l} = dA{l} * Dl / keep_prob, the forward pass's "
        "mask and scale, before it enters layer l's backward step",
})


@mistake(DF, "(rng.random(A.shape) < keep_prob).astype(float) is a float64 mask, which turns float32 activations into "
         "float64: keep the bool mask D = rng.random(A.shape) < keep_prob as it is, or make it .astype(A.dtype)")
def df_float64_mask(X, parameters, keep_prob, seed):
    return _dropout_forward(X, parameters, keep_prob, seed, keep=lambda U, p: (U < p).astype(float))


@mistake(COST, "the L2 term adds up the squares, np.sum(np.square(W)): np.mean also divides by the number of weights")
def cost_mean_of_squares(AL, Y, parameters, lambd):
    return cst.compute_cost(AL, Y) + lambd / (2 * Y.shape[1]) * sum(float(np.mean(np.square(W)))
                                                                   for W in _weights(parameters))


def _l2_term(AL, Y, caches, lambd, new_dW):
    grads = bwd.L_model_backward(AL, Y, caches)
    for l, ((_, W, _), _) in enumerate(caches, start=1):
        grads[f"dW{l}"] = new_dW(grads[f"dW{l}"], W, lambd, AL.shape[1])
    return grads


@mistake(L2, "add the L2 term to the gradients of L_model_backward, dW + lambd / m * W: the term alone leaves out "
         "the cross-entropy's gradient")
def l2_replaces_dW(AL, Y, caches, lambd):
    return _l2_term(AL, Y, caches, lambd, lambda dW, W, lambd, m: lambd / m * W)


@mistake(L2, "the derivative of lambd / (2 * m) * W**2 is lambd / m * W, not lambd / m * W**2")
def l2_W_squared(AL, Y, caches, lambd):
    return _l2_term(AL, Y, caches, lambd, lambda dW, W, lambd, m: dW + lambd / m * W**2)


@mistake(L2, "add lambd / m * W to dW: multiplying dW by (1 + lambd / m) scales the gradient instead")
def l2_scales_dW(AL, Y, caches, lambd):
    return _l2_term(AL, Y, caches, lambd, lambda dW, W, lambd, m: dW * (1 + lambd / m))


@mistake(L2, "the term added to dW is lambd / m * W, divided by m once, not lambd / m**2 * W")
def l2_over_m_squared(AL, Y, caches, lambd):
    return _l2_term(AL, Y, caches, lambd, lambda dW, W, lambd, m: dW + lambd / m**2 * W)


def _dropout_variant(X, parameters, keep_prob, seed, layer):
    # layer(A_prev, W, b, rng) -> (A, cache, D) for each hidden layer; the output layer as the exercise has it.
    rng, L, A, caches = np.random.default_rng(seed), len(parameters) // 2, X, []
    for l in range(1, L):
        A, cache, D = layer(A, parameters[f"W{l}"], parameters[f"b{l}"], rng, keep_prob)
        caches.append((cache, D))
    AL, cache = fwd.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches + [(cache, None)]


def _scalar_mask(A_prev, W, b, rng, keep_prob):
    A, cache = fwd.linear_activation_forward(A_prev, W, b, "relu")
    D = rng.random() < keep_prob
    return A * D / keep_prob, cache, D


def _mask_on_Z(A_prev, W, b, rng, keep_prob):
    Z, linear_cache = fwd.linear_forward(A_prev, W, b)
    D = rng.random(Z.shape) < keep_prob
    Z = Z * D / keep_prob
    return np.maximum(0, Z), (linear_cache, Z), D


@mistake(DF, "draw one number per unit and example, D = rng.random(A.shape) < keep_prob: rng.random() is a single "
         "number, which keeps or drops the whole layer")
def df_scalar_mask(X, parameters, keep_prob, seed):
    return _dropout_variant(X, parameters, keep_prob, seed, _scalar_mask)


@mistake(DF, "the mask goes on the activation, after the ReLU: A = relu(Z), then D = rng.random(A.shape) < "
         "keep_prob and A = A * D / keep_prob; the cache keeps Z as linear_activation_forward returns it")
def df_mask_on_Z(X, parameters, keep_prob, seed):
    return _dropout_variant(X, parameters, keep_prob, seed, _mask_on_Z)


def _backward_loop(AL, Y, caches, keep_prob, output="sigmoid", mask_of=lambda l: l - 1, store_unmasked=False):
    # backward_propagation_with_dropout as a learner writes it, L_model_backward's loop from dAL with dA{l-1}
    # masked by layer l-1's mask (caches[l - 2][1]): each mistake below changes one of the three choices.
    grads, L = {}, len(caches)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(1, L + 1)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = bwd.linear_activation_backward(
            dA, caches[l - 1][0], output if l == L else "relu")
        masked = dA
        if l > 1:
            D = caches[mask_of(l) - 1][1]
            masked = dA * (1 if D is None else D) / keep_prob
        grads[f"dA{l - 1}"] = dA if store_unmasked else masked
        dA = masked
    return grads


@mistake(DB, "dA{l} takes layer l's own mask Dl, stored with layer l's cache in caches[l - 1]: another layer's mask "
         "drops other units")
def db_mask_of_layer_above(AL, Y, caches, keep_prob):
    return _backward_loop(AL, Y, caches, keep_prob, mask_of=lambda l: l)


@mistake(DB, "the output layer is a sigmoid: its step is linear_activation_backward(dAL, caches[L - 1][0], 'sigmoid'); "
         "relu is for the hidden layers")
def db_all_relu(AL, Y, caches, keep_prob):
    return _backward_loop(AL, Y, caches, keep_prob, output="relu")


@mistake(DB, "apply the mask as soon as dA{l} is computed, before it is stored: grads['dA' + str(l)] holds "
         "dA * Dl / keep_prob, the gradient the forward pass's masked A receives")
def db_mask_after_storing(AL, Y, caches, keep_prob):
    return _backward_loop(AL, Y, caches, keep_prob, store_unmasked=True)
