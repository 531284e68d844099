"""Mistakes in notebook 08's exercises, ``initialize_parameters_zeros`` and ``initialize_parameters_he``,
in the common catalogue.

He's answer is random: its checks recognise a wrong scale from the standard deviation of W
(:func:`he_scales`), the rest from the outputs, as for ``initialize_parameters_deep``.
"""

import numpy as np

from ._compare import OFF_BY_ONE
from .mistakes import CATALOGUE, EQUATIONS, Mistake, hint, mistake
from .mistakes_01_initialize import B_DRAWN, LEGACY_RNG, NOT_NORMAL_HINT, RNG_PER_LAYER, _centred_uniform, _init

ZEROS, HE = "initialize_parameters_zeros", "initialize_parameters_he"
B_ZERO = "b must start at exactly zero: b = np.zeros((n_l, 1))"
NOT_CENTRED = "W is not centred at 0: draw with rng.standard_normal, not rng.random (uniform on [0, 1))"
USE_SEED = hint("init_unseeded")  # the same words as for initialize_parameters_deep
XAVIER = ("W looks scaled by 1 / np.sqrt(n_prev), initialize_parameters_deep's scale: He's is np.sqrt(2 / n_prev), "
          "sqrt(2) times larger, for ReLU layers")
NO_SQRT = "W looks scaled by 2 / n_prev: the variance is 2 / n_prev, so the standard deviation is np.sqrt(2 / n_prev)"
FAN_OUT = "W looks scaled by np.sqrt(2 / n_l), this layer's size: He uses n_prev, the number of inputs of each unit"
UNSCALED = "W looks unscaled (std about 1): multiply the standard normal draw by np.sqrt(2 / n_prev)"


def he_scales(n_prev, n_l):
    """The standard deviations of W that the catalogued wrong scales give, with their hints and ids."""
    return [(1 / np.sqrt(n_prev), XAVIER, "he_xavier"), (2 / n_prev, NO_SQRT, "he_no_sqrt"),
            (np.sqrt(2 / n_l), FAN_OUT, "he_fan_out"), (1.0, UNSCALED, "he_unscaled")]


# -- initialize_parameters_zeros --------------------------------------------------------------------

@mistake(ZEROS, "W has shape (n_l, n_prev), the layer's size first: np.zeros((layers_dims[l], layers_dims[l - 1]))")
def zeros_W_transposed(layers_dims):
    return {f"{p}{l}": np.zeros((layers_dims[l - 1], layers_dims[l]) if p == "W" else (layers_dims[l], 1))
            for l in range(1, len(layers_dims)) for p in "Wb"}


@mistake(ZEROS, "b is a column of shape (n_l, 1): np.zeros((layers_dims[l], 1)), not np.zeros(layers_dims[l])")
def zeros_b_1d(layers_dims):
    return {f"{p}{l}": np.zeros((layers_dims[l], layers_dims[l - 1])) if p == "W" else np.zeros(layers_dims[l])
            for l in range(1, len(layers_dims)) for p in "Wb"}


@mistake(ZEROS, OFF_BY_ONE)
def zeros_keys_from_0(layers_dims):
    return {f"{p}{l - 1}": np.zeros((layers_dims[l], layers_dims[l - 1]) if p == "W" else (layers_dims[l], 1))
            for l in range(1, len(layers_dims)) for p in "Wb"}


@mistake(ZEROS, "the loop stops one layer early: there are L = len(layers_dims) - 1 layers, range(1, L + 1)")
def zeros_last_layer_missing(layers_dims):
    return {f"{p}{l}": np.zeros((layers_dims[l], layers_dims[l - 1]) if p == "W" else (layers_dims[l], 1))
            for l in range(1, len(layers_dims) - 1) for p in "Wb"}


@mistake(ZEROS, "every entry must be 0: np.zeros, not np.ones")
def zeros_ones(layers_dims):
    return {f"{p}{l}": np.ones((layers_dims[l], layers_dims[l - 1]) if p == "W" else (layers_dims[l], 1))
            for l in range(1, len(layers_dims)) for p in "Wb"}


# -- initialize_parameters_he: detected from statistics, not from outputs ---------------------------

def _he(**variant):
    # He's scale, np.sqrt(2 / n_prev), with one of initialize_parameters_deep's mistakes (mistakes_01_initialize).
    return _init(lambda n_prev: np.sqrt(2 / n_prev), **variant)


CATALOGUE += [
    Mistake("he_xavier", HE, XAVIER, _init(lambda n_prev: 1 / np.sqrt(n_prev))),
    Mistake("he_no_sqrt", HE, NO_SQRT, _init(lambda n_prev: 2 / n_prev)),
    Mistake("he_fan_out", HE, FAN_OUT, _init(lambda n: np.sqrt(2 / n), fan_out=True)),
    Mistake("he_unscaled", HE, UNSCALED, _init(lambda n_prev: 1.0)),
    Mistake("he_uniform", HE, NOT_CENTRED, _he(draw="random")),
    Mistake("he_b_random", HE, B_ZERO, _he(bias=True)),
    Mistake("he_unseeded", HE, USE_SEED, _he(seeded=False)),
    Mistake("he_fixed_seed", HE, USE_SEED, _he(fixed_seed=True)),
    Mistake("he_rng_per_layer", HE, RNG_PER_LAYER, _he(rng_per_layer=True)),
    Mistake("he_global_seed", HE, LEGACY_RNG, _he(legacy=True)),
    Mistake("he_b_drawn_times_0", HE, B_DRAWN, _he(b_drawn_times_0=True)),
    # He's uniform variant, U(-sqrt(6 / n_prev), sqrt(6 / n_prev)): the right spread, not the normal asked for.
    Mistake("he_uniform_same_std", HE, NOT_NORMAL_HINT, _centred_uniform(lambda n_prev: np.sqrt(2 / n_prev))),
]


EQUATIONS.update({
    ZEROS: "for l = 1, ..., L (L = len(layers_dims) - 1): Wl = np.zeros((n_l, n_prev)), bl = np.zeros((n_l, 1))",
    HE: "one rng = np.random.default_rng(seed), then for l = 1, ..., L in order: "
        "Wl = rng.standard_normal((n_l, n_prev)) * np.sqrt(2 / n_prev), bl = np.zeros((n_l, 1))",
})


@mistake(ZEROS, hint("zeros_ones"))
def zeros_ones_W(layers_dims):
    return {f"{p}{l}": np.ones((layers_dims[l], layers_dims[l - 1])) if p == "W" else np.zeros((layers_dims[l], 1))
            for l in range(1, len(layers_dims)) for p in "Wb"}


@mistake(ZEROS, "layers are numbered from 1: loop over range(1, L + 1), L = len(layers_dims) - 1; range(L) makes a W0 "
         "of layers_dims[-1] columns")
def zeros_range_from_0(layers_dims):
    return {f"{p}{l}": np.zeros((layers_dims[l], layers_dims[l - 1]) if p == "W" else (layers_dims[l], 1))
            for l in range(len(layers_dims)) for p in "Wb"}


@mistake(ZEROS, "[[0] * n] * m is a list of lists: make numpy arrays, np.zeros((n_l, n_prev))")
def zeros_list(layers_dims):
    return {f"{p}{l}": [[0] * layers_dims[l - 1]] * layers_dims[l] if p == "W" else np.zeros((layers_dims[l], 1))
            for l in range(1, len(layers_dims)) for p in "Wb"}


@mistake(ZEROS, "b is a column of shape (n_l, 1): np.zeros((layers_dims[l], 1)), not a row (1, n_l)")
def zeros_b_row(layers_dims):
    return {f"{p}{l}": np.zeros((layers_dims[l], layers_dims[l - 1]) if p == "W" else (1, layers_dims[l]))
            for l in range(1, len(layers_dims)) for p in "Wb"}
