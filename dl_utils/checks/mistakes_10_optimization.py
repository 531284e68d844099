"""Mistakes in notebook 10's exercises (mini-batches, momentum, Adam), in the common catalogue.

An optimizer state updated in place (``v[key] = ...`` on the dict passed in, or ``v[key] *= beta``) is not
listed: the runner reports any change to an argument by itself, before the values are compared.
"""

import numpy as np

from .mistakes import EQUATIONS, mistake

MB, MOM, ADAM = "random_mini_batches", "update_parameters_with_momentum", "update_parameters_with_adam"


def _batches(X, Y, size, permutation_X, permutation_Y, keep_last=True):
    m = X.shape[1]
    X, Y = X[:, permutation_X], Y[:, permutation_Y]
    stop = m if keep_last else m - m % size
    return [(X[:, k:k + size], Y[:, k:k + size]) for k in range(0, stop, size)]


@mistake(MB, "shuffle first: permutation = rng.permutation(m) with rng = np.random.default_rng(seed), then "
         "X[:, permutation] and Y[:, permutation]")
def mb_no_shuffle(X, Y, mini_batch_size=64, seed=0):
    order = np.arange(X.shape[1])
    return _batches(X, Y, mini_batch_size, order, order)


@mistake(MB, "shuffle Y with the same permutation as X, Y[:, permutation], or the labels no longer belong to "
         "their examples")
def mb_y_not_shuffled(X, Y, mini_batch_size=64, seed=0):
    permutation = np.random.default_rng(seed).permutation(X.shape[1])
    return _batches(X, Y, mini_batch_size, permutation, np.arange(X.shape[1]))


@mistake(MB, "keep the last, smaller mini-batch: when m is not a multiple of mini_batch_size, the "
         "m % mini_batch_size examples left over form one more mini-batch")
def mb_drops_last(X, Y, mini_batch_size=64, seed=0):
    permutation = np.random.default_rng(seed).permutation(X.shape[1])
    return _batches(X, Y, mini_batch_size, permutation, permutation, keep_last=False)


@mistake(MB, "use the seed argument: rng = np.random.default_rng(seed)")
def mb_fixed_seed(X, Y, mini_batch_size=64, seed=0):
    permutation = np.random.default_rng(0).permutation(X.shape[1])
    return _batches(X, Y, mini_batch_size, permutation, permutation)


def _momentum(parameters, grads, v, beta, learning_rate, new_v, step):
    out_p, out_v = {}, {}
    for key, value in parameters.items():
        d = "d" + key
        out_v[d] = new_v(v[d], grads[d], beta)
        out_p[key] = value - learning_rate * step(out_v[d], v[d], grads[d])
    return out_p, out_v


@mistake(MOM, "the velocity is an average of the gradients: v = beta * v + (1 - beta) * dW, with the (1 - beta)")
def mom_no_one_minus_beta(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, lambda v, g, b: b * v + g, lambda nv, v, g: nv)


@mistake(MOM, "beta weighs the old velocity: v = beta * v + (1 - beta) * dW, not (1 - beta) * v + beta * dW")
def mom_beta_swapped(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, lambda v, g, b: (1 - b) * v + b * g,
                     lambda nv, v, g: nv)


@mistake(MOM, "step along the new velocity, W = W - learning_rate * v, not along the gradient dW")
def mom_step_with_grad(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, lambda v, g, b: b * v + (1 - b) * g,
                     lambda nv, v, g: g)


@mistake(MOM, "update v first, then step with the NEW v: the step used the velocity of the previous iteration")
def mom_old_velocity(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, lambda v, g, b: b * v + (1 - b) * g,
                     lambda nv, v, g: v)


def _step(v_hat, s_hat, epsilon):
    return v_hat / (np.sqrt(s_hat) + epsilon)


def _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, correct_v=None, correct_s=None,
          betas=None, store_corrected=False, step=None):
    b1, b2 = betas(beta1, beta2) if betas else (beta1, beta2)
    step = step or _step
    correct_v = correct_v or (lambda x: x / (1 - beta1**t))
    correct_s = correct_s or (lambda x: x / (1 - beta2**t))
    out_p, out_v, out_s = {}, {}, {}
    for key, value in parameters.items():
        d = "d" + key
        new_v = b1 * v[d] + (1 - b1) * grads[d]
        new_s = b2 * s[d] + (1 - b2) * grads[d] ** 2
        v_hat, s_hat = correct_v(new_v), correct_s(new_s)
        out_p[key] = value - learning_rate * step(v_hat, s_hat, epsilon)
        out_v[d], out_s[d] = (v_hat, s_hat) if store_corrected else (new_v, new_s)
    return out_p, out_v, out_s


@mistake(ADAM, "correct the bias of both estimates: v_hat = v / (1 - beta1**t) and s_hat = s / (1 - beta2**t), "
         "and step with v_hat / (np.sqrt(s_hat) + epsilon)")
def adam_no_bias_correction(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, lambda x: x, lambda x: x)


@mistake(ADAM, "s is corrected with beta2: s_hat = s / (1 - beta2**t), not 1 - beta1**t")
def adam_beta1_in_s_correction(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                               epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                 correct_s=lambda x: x / (1 - beta1**t))


@mistake(ADAM, "t is the number of this step and counts from 1: the correction is 1 - beta**t, not 1 - beta**(t - 1) "
         "(at the first step that is 1 - beta**0 = 0, a division by zero)")
def adam_t_minus_1(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    with np.errstate(divide="ignore", invalid="ignore"):
        return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                     lambda x: x / (1 - beta1 ** (t - 1)), lambda x: x / (1 - beta2 ** (t - 1)))


@mistake(ADAM, "v uses beta1 and s uses beta2: v = beta1 * v + (1 - beta1) * dW, s = beta2 * s + (1 - beta2) * dW**2")
def adam_betas_swapped(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, betas=lambda b1, b2: (b2, b1))


@mistake(ADAM, "return the uncorrected v and s (the running averages) for the next step; v_hat and s_hat are only "
         "for this step's update")
def adam_stores_corrected(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, store_corrected=True)


@mistake(ADAM, "use the epsilon argument: a constant such as 1e-8 written in the formula ignores the epsilon "
         "the caller passes")
def adam_hard_coded_epsilon(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, 1e-8)


@mistake(ADAM, "t is the number of this step, counted from 1: the correction is 1 - beta**t, not 1 - beta**(t + 1)")
def adam_t_plus_1(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                 lambda x: x / (1 - beta1 ** (t + 1)), lambda x: x / (1 - beta2 ** (t + 1)))


@mistake(ADAM, "the correction is 1 - beta**t, beta to the power t, not (1 - beta)**t: v_hat = v / (1 - beta1**t), "
         "s_hat = s / (1 - beta2**t)")
def adam_one_minus_beta_to_t(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                 lambda x: x / (1 - beta1) ** t, lambda x: x / (1 - beta2) ** t)


@mistake(ADAM, "s averages the squared gradients: s = beta2 * s + (1 - beta2) * dW**2 (np.square(dW)), not dW")
def adam_s_not_squared(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    out_p, out_v, out_s = {}, {}, {}
    for key, value in parameters.items():
        d = "d" + key
        out_v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        out_s[d] = beta2 * s[d] + (1 - beta2) * grads[d]
        with np.errstate(invalid="ignore"):
            step = out_v[d] / (1 - beta1**t) / (np.sqrt(out_s[d] / (1 - beta2**t)) + epsilon)
        out_p[key] = value - learning_rate * step
    return out_p, out_v, out_s


@mistake(ADAM, "the step goes against the gradient's average: W = W - learning_rate * v_hat / (np.sqrt(s_hat) + "
         "epsilon), a minus")
def adam_plus(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, step=lambda a, b, e: -_step(a, b, e))


EPSILON_OUTSIDE = ("epsilon belongs in the denominator, beside the square root: v_hat / (np.sqrt(s_hat) + epsilon); "
                   "v_hat / np.sqrt(s_hat) + epsilon divides by zero where s_hat is 0")


@mistake(ADAM, EPSILON_OUTSIDE)
def adam_epsilon_outside(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    # W - learning_rate * v_hat / np.sqrt(s_hat) + epsilon
    with np.errstate(divide="ignore", invalid="ignore"):
        return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                     step=lambda v_hat, s_hat, e: v_hat / np.sqrt(s_hat) - e / learning_rate)


@mistake(ADAM, EPSILON_OUTSIDE)
def adam_epsilon_outside_step(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    # W - learning_rate * (v_hat / np.sqrt(s_hat) + epsilon)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                     step=lambda v_hat, s_hat, e: v_hat / np.sqrt(s_hat) + e)


@mistake(ADAM, "correct v as well as s: v_hat = v / (1 - beta1**t), and step with v_hat, not v")
def adam_v_uncorrected(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, correct_v=lambda x: x)


@mistake(ADAM, "correct s as well as v: s_hat = s / (1 - beta2**t), and step with np.sqrt(s_hat), not np.sqrt(s)")
def adam_s_uncorrected(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, correct_s=lambda x: x)


EQUATIONS.update({
    MB: "permutation = np.random.default_rng(seed).permutation(m); X[:, permutation] and Y[:, permutation] cut into "
        "columns k, ..., k + mini_batch_size - 1 for k = 0, mini_batch_size, ...; the last batch holds what is left",
    MOM: "v = beta * v + (1 - beta) * dW, then W = W - learning_rate * v with the new v (b likewise); e.g. beta = "
         "0.9, v = 0, dW = 1: v = 0.1, and W moves by -0.1 * learning_rate",
    ADAM: "v = beta1 * v + (1 - beta1) * dW, s = beta2 * s + (1 - beta2) * dW**2, v_hat = v / (1 - beta1**t), "
          "s_hat = s / (1 - beta2**t), W = W - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon); at t = 1 from "
          "v = s = 0: v_hat = dW and s_hat = dW**2, so W moves by about -learning_rate * sign(dW)",
})


@mistake(ADAM, "np.power(beta1, t) is a NumPy float64 number, which turns float32 arrays into float64: write beta1**t, "
         "a Python number (the same for beta2)")
def adam_np_power(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                 lambda x: x / (1 - np.power(beta1, t)), lambda x: x / (1 - np.power(beta2, t)))


@mistake(MB, "the examples are the columns: shuffle them with X[:, permutation] and Y[:, permutation]; X[permutation] "
         "shuffles the rows, the features")
def mb_rows_permuted(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    X, Y = X[permutation, :], Y[:, permutation]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


@mistake(MB, "shuffle Y with the same permutation as X, Y[:, permutation]: a second rng.permutation(m) is another "
         "order, and the labels no longer belong to their examples")
def mb_two_permutations(X, Y, mini_batch_size=64, seed=0):
    rng = np.random.default_rng(seed)
    permutation_X = rng.permutation(X.shape[1])
    return _batches(X, Y, mini_batch_size, permutation_X, rng.permutation(X.shape[1]))


@mistake(MOM, "this course's momentum averages the gradients, v = beta * v + (1 - beta) * dW, then steps W = W - "
         "learning_rate * v; v = beta * v + learning_rate * dW with W = W - v is another convention, other numbers")
def mom_other_convention(parameters, grads, v, beta, learning_rate):
    new_v = {d: beta * v[d] + learning_rate * grads[d] for d in v}
    return {k: p - new_v["d" + k] for k, p in parameters.items()}, new_v


@mistake(MOM, "return the new v with the new parameters, (parameters, v): the next step starts from the new velocity")
def mom_returns_old_v(parameters, grads, v, beta, learning_rate):
    new_v = {d: beta * v[d] + (1 - beta) * grads[d] for d in v}
    return {k: p - learning_rate * new_v["d" + k] for k, p in parameters.items()}, {d: x.copy() for d, x in v.items()}


@mistake(MOM, "the step goes against the velocity: W = W - learning_rate * v, a minus")
def mom_plus(parameters, grads, v, beta, learning_rate):
    new_v = {d: beta * v[d] + (1 - beta) * grads[d] for d in v}
    return {k: p + learning_rate * new_v["d" + k] for k, p in parameters.items()}, new_v
