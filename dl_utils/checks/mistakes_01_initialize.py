"""Mistakes in notebook 01's exercise, ``initialize_parameters_deep``, in the common catalogue.

Detected from statistics, not from outputs.
"""

import numpy as np

from ._compare import OFF_BY_ONE
from .mistakes import CATALOGUE, EQUATIONS, Mistake, mistake


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


EQUATIONS[INIT] = ("one rng = np.random.default_rng(seed), then for l = 1, ..., L in order: "
                   "Wl = (rng.standard_normal((n_l, n_prev)) / np.sqrt(n_prev)).astype(dtype), "
                   "bl = np.zeros((n_l, 1), dtype=dtype)")
