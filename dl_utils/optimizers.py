"""Notebook 10: mini-batches, momentum, RMSProp, Adam and learning-rate decay for the L-layer network.

Every update is pure: it returns new dicts of new arrays and leaves ``parameters``, ``grads`` and the
optimizer's state (``v``, ``s``) as they were. The state dicts have the keys of the gradients,
``dW1, db1, ..., dWL, dbL``, each of the shape of its parameter.

With :math:`g` the gradient of one parameter at step :math:`t = 1, 2, \\dots`:

* momentum: :math:`v \\leftarrow \\beta v + (1 - \\beta) g`, :math:`\\theta \\leftarrow \\theta - \\alpha v`;
* RMSProp: :math:`s \\leftarrow \\beta_2 s + (1 - \\beta_2) g^2`,
  :math:`\\theta \\leftarrow \\theta - \\alpha g / (\\sqrt{s} + \\varepsilon)`;
* Adam: both, with bias correction :math:`\\hat v = v / (1 - \\beta_1^t)`, :math:`\\hat s = s / (1 - \\beta_2^t)`,
  :math:`\\theta \\leftarrow \\theta - \\alpha \\hat v / (\\sqrt{\\hat s} + \\varepsilon)`.
"""


import numpy as np

from ._threads import small_blas
from ._validate import as_choice, as_matrix, as_number, num_layers, same_shape


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle the examples (X and Y together) and cut them into mini-batches; the last one may be smaller.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    mini_batch_size : int, default 64
    seed : int or numpy.random.Generator, default 0
        ``permutation = np.random.default_rng(seed).permutation(m)``.

    Returns
    -------
    mini_batches : list of (mini_batch_X, mini_batch_Y)
        ``ceil(m / mini_batch_size)`` pairs, shapes ``(n_x, k)`` and ``(1, k)``; ``k = mini_batch_size``
        except for the last, which holds the ``m % mini_batch_size`` examples left over (if any).
    """
    X, Y = as_matrix("X", X), as_matrix("Y", Y)
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"Y has {Y.shape[1]} examples (columns) but X has {X.shape[1]}")
    mini_batch_size = as_number("mini_batch_size", mini_batch_size, 1, whole=True)
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


def initialize_velocity(parameters):
    """Zeros of the shape of every parameter, keyed like the gradients: ``dW1, db1, ..., dWL, dbL``.

    Parameters
    ----------
    parameters : dict
        ``W1, b1, ..., WL, bL``: the velocity takes their shapes and dtypes.

    Returns
    -------
    v : dict
        ``{"dW1": zeros like W1, "db1": zeros like b1, ...}``.
    """
    L = num_layers(parameters)
    return {f"d{p}{l}": np.zeros_like(as_matrix(f"{p}{l}", parameters[f"{p}{l}"]))
            for l in range(1, L + 1) for p in "Wb"}


def initialize_adam(parameters):
    """The two moment estimates of Adam, zeros keyed like the gradients.

    Returns
    -------
    v, s : dict, dict
        Each ``dW1, db1, ..., dWL, dbL``, of the parameters' shapes.
    """
    return initialize_velocity(parameters), initialize_velocity(parameters)



def _pairs(parameters, grads, *states):
    """Yield (key, parameter, gradient, state arrays...) for ``W1, b1, ..., WL, bL``, after checking shapes."""
    L = num_layers(parameters)
    for name, d in (("grads", grads),) + tuple((n, s) for n, s in states):
        if not isinstance(d, dict):
            raise ValueError(f"{name} must be a dict with keys dW1, db1, ..., dW{L}, db{L}, got {type(d).__name__}")
    for l in range(1, L + 1):
        for p in "Wb":
            key, dkey = f"{p}{l}", f"d{p}{l}"
            value = as_matrix(key, parameters[key])
            arrays = []
            for name, d in (("grads", grads),) + tuple(states):
                if dkey not in d:
                    raise ValueError(f"{name} has no {dkey}: expected dW1, db1, ..., dW{L}, db{L}, got {sorted(d)}")
                a = as_matrix(f"{name}['{dkey}']", d[dkey])
                same_shape(f"{name}['{dkey}']", a, key, value)
                arrays.append(a)
            yield key, dkey, value, arrays


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """One step of gradient descent with momentum.

    .. math::
        v_{dW} \\leftarrow \\beta v_{dW} + (1 - \\beta) dW, \\quad W \\leftarrow W - \\alpha v_{dW}
        \\quad \\text{(and the same for every } b \\text{)}

    Parameters
    ----------
    parameters : dict
        ``W1, b1, ..., WL, bL``.
    grads : dict
        ``dW1, db1, ..., dWL, dbL`` (other keys, e.g. ``dA0``, are ignored).
    v : dict
        The velocity, ``dW1, db1, ...``, from :func:`initialize_velocity` or the previous step.
    beta : float in [0, 1)
        The momentum.
    learning_rate : float

    Returns
    -------
    parameters, v : dict, dict
        New dicts of new arrays; the arguments are left unchanged.
    """
    beta = as_number("beta", beta, 0, 1, high_open=True)
    learning_rate = as_number("learning_rate", learning_rate, 0)
    new_parameters, new_v = {}, {}
    for key, dkey, value, (g, velocity) in _pairs(parameters, grads, ("v", v)):
        new_v[dkey] = beta * velocity + (1 - beta) * g
        new_parameters[key] = value - learning_rate * new_v[dkey]
    return new_parameters, new_v


def update_parameters_with_rmsprop(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    """One step of RMSProp: each parameter's step is divided by a running root mean square of its gradient.

    .. math::
        s_{dW} \\leftarrow \\beta_2 s_{dW} + (1 - \\beta_2) dW^2, \\quad
        W \\leftarrow W - \\alpha \\frac{dW}{\\sqrt{s_{dW}} + \\varepsilon}

    Parameters
    ----------
    parameters, grads : dict
    s : dict
        Running mean of the squared gradients, ``dW1, db1, ...``.
    beta2 : float in [0, 1)
    learning_rate : float
    epsilon : float, default 1e-8

    Returns
    -------
    parameters, s : dict, dict
    """
    beta2 = as_number("beta2", beta2, 0, 1, high_open=True)
    learning_rate, epsilon = as_number("learning_rate", learning_rate, 0), as_number("epsilon", epsilon, 0)
    new_parameters, new_s = {}, {}
    for key, dkey, value, (g, square) in _pairs(parameters, grads, ("s", s)):
        new_s[dkey] = beta2 * square + (1 - beta2) * np.square(g)
        new_parameters[key] = value - learning_rate * g / (np.sqrt(new_s[dkey]) + epsilon)
    return new_parameters, new_s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    """One step of Adam (adaptive moment estimation), with bias correction.

    .. math::
        v \\leftarrow \\beta_1 v + (1 - \\beta_1) dW, \\quad s \\leftarrow \\beta_2 s + (1 - \\beta_2) dW^2, \\quad
        \\hat v = \\frac{v}{1 - \\beta_1^t}, \\quad \\hat s = \\frac{s}{1 - \\beta_2^t}, \\quad
        W \\leftarrow W - \\alpha \\frac{\\hat v}{\\sqrt{\\hat s} + \\varepsilon}

    Parameters
    ----------
    parameters, grads : dict
    v, s : dict
        First and second moment estimates (uncorrected), from :func:`initialize_adam` or the previous step.
    t : int >= 1
        The number of this step, counted from 1 (``1 - beta1**0`` would divide by zero).
    learning_rate : float, default 0.01
    beta1 : float in [0, 1), default 0.9
    beta2 : float in [0, 1), default 0.999
    epsilon : float, default 1e-8

    Returns
    -------
    parameters, v, s : dict, dict, dict
        New dicts of new arrays; ``v`` and ``s`` are the uncorrected estimates, for the next step.
    """
    t = as_number("t", t, 1, whole=True, what="the step number, a whole number >= 1 (counted from 1)")
    beta1 = as_number("beta1", beta1, 0, 1, high_open=True)
    beta2 = as_number("beta2", beta2, 0, 1, high_open=True)
    learning_rate, epsilon = as_number("learning_rate", learning_rate, 0), as_number("epsilon", epsilon, 0)
    new_parameters, new_v, new_s = {}, {}, {}
    for key, dkey, value, (g, first, second) in _pairs(parameters, grads, ("v", v), ("s", s)):
        new_v[dkey] = beta1 * first + (1 - beta1) * g
        new_s[dkey] = beta2 * second + (1 - beta2) * np.square(g)
        v_hat = new_v[dkey] / (1 - beta1**t)
        s_hat = new_s[dkey] / (1 - beta2**t)
        new_parameters[key] = value - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return new_parameters, new_v, new_s


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Inverse-time decay in steps, the learning rate divided by 1 + decay_rate * (epoch_num // time_interval).

    .. math::
        \\alpha = \\frac{\\alpha_0}{1 + r \\lfloor e / T \\rfloor}, \\quad r = \\text{decay\\_rate},\\;
        e = \\text{epoch\\_num},\\; T = \\text{time\\_interval}

    Parameters
    ----------
    learning_rate0 : float
        The learning rate at epoch 0.
    epoch_num : int
        The current epoch, from 0.
    decay_rate : float >= 0
    time_interval : int, default 1000
        The learning rate changes every ``time_interval`` epochs.

    Returns
    -------
    learning_rate : float
    """
    learning_rate0, decay_rate = as_number("learning_rate0", learning_rate0, 0), as_number("decay_rate", decay_rate, 0)
    time_interval = as_number("time_interval", time_interval, 1, whole=True)
    return learning_rate0 / (1 + decay_rate * (int(epoch_num) // time_interval))


@small_blas
def train_with_optimizer(X, Y, layers_dims, optimizer="gd", learning_rate=0.01, num_epochs=100, mini_batch_size=64,
                         beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8, decay_rate=0.0, time_interval=1000, seed=0):
    """Train the L-layer network by mini-batch gradient descent with one of the optimizers.

    Epoch ``e`` (from 0) shuffles with ``random_mini_batches(X, Y, mini_batch_size, seed=seed + e)``, so two runs
    with the same ``seed`` see the same mini-batches in the same order whatever the optimizer; the
    initialization is ``initialize_parameters_deep(layers_dims, seed=seed)``.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    layers_dims : list of int
    optimizer : {"gd", "momentum", "rmsprop", "adam"}
    learning_rate : float
        The initial learning rate, decayed by :func:`schedule_lr_decay` if ``decay_rate > 0``.
    num_epochs : int
    mini_batch_size : int
    beta, beta1, beta2, epsilon : float
        ``beta`` for momentum; ``beta2`` and ``epsilon`` for RMSProp; ``beta1``, ``beta2``, ``epsilon`` for Adam.
    decay_rate : float, default 0
    time_interval : int, default 1000
    seed : int, default 0

    Returns
    -------
    parameters : dict
    costs : list of float
        The cost over the whole training set after each epoch.
    """
    from .backward import L_model_backward
    from .cost import compute_cost
    from .forward import L_model_forward
    from .initialize import initialize_parameters_deep
    from .update import update_parameters

    as_choice("optimizer", optimizer, ("gd", "momentum", "rmsprop", "adam"))
    parameters = initialize_parameters_deep(layers_dims, seed=seed)
    v, s = initialize_adam(parameters)
    t, costs = 0, []
    for epoch in range(num_epochs):
        lr = schedule_lr_decay(learning_rate, epoch, decay_rate, time_interval) if decay_rate else learning_rate
        for mini_X, mini_Y in random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch):
            AL, caches = L_model_forward(mini_X, parameters)
            grads = L_model_backward(AL, mini_Y, caches)
            t += 1  # Adam's step counter starts at 1
            if optimizer == "gd":
                parameters = update_parameters(parameters, grads, lr)
            elif optimizer == "momentum":
                parameters, v = update_parameters_with_momentum(parameters, grads, v, beta, lr)
            elif optimizer == "rmsprop":
                parameters, s = update_parameters_with_rmsprop(parameters, grads, s, beta2, lr, epsilon)
            else:
                parameters, v, s = update_parameters_with_adam(parameters, grads, v, s, t, lr, beta1, beta2, epsilon)
        costs.append(compute_cost(L_model_forward(X, parameters)[0], Y))
    return parameters, costs
