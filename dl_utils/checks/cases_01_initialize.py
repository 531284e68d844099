"""The checks of the initializations: ``initialize_parameters_deep``, and notebook 08's
``initialize_parameters_zeros`` and ``initialize_parameters_he``.

Zeros has one right answer, checked on the common engine. Deep's and He's answers are random but
seeded, and the exercise prescribes the draw: one ``rng = np.random.default_rng(seed)``, then
``rng.standard_normal((n_l, n_prev))`` times the exercise's scale (``1 / np.sqrt(n_prev)``, He's
``np.sqrt(2 / n_prev)``) for ``W1, W2, ..., WL`` in that order, nothing else drawn, ``b`` zeros,
converted to ``dtype``. So the check first asks what every draw of the right distribution shares
(keys, shapes, dtype, b exactly zero, W with mean about 0, the standard deviation of the scale and
the tails of a normal in a large network, no layer repeating another's draws, the same parameters
for the same seed and others for another seed), which names a wrong scale or distribution, and then
compares the values with the reference's draw from the same seed, which catches what the statistics
cannot: the legacy global generator (``np.random.seed``), a ``b`` drawn and multiplied by 0 (which
uses up numbers of the stream), a generator per layer.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from .. import initialize as reference
from ._compare import FLOAT32, FLOAT64, Mismatch, check_array, check_keys
from ._engine import Case, Exercise, call_learner, check_case, name_check, print_success, require_function
from ._failure import CheckFailed  # noqa: F401 - public: what a failed check raises
from .mistakes import hint

# By hand: layers_dims [3, 2, 1] gives W1 (n_1, n_0) = (2, 3), b1 (2, 1), W2 (n_2, n_1) = (1, 2), b2 (1, 1).
VISIBLE = [[3, 2, 1], [5, 4, 3, 1]]
HIDDEN = [[1, 1], [4, 1], [6, 8, 7, 5, 4, 1], [2, 30, 1]]
# Layers of 10,000 to 40,000 weights: the standard error of the sample standard deviation is
# at most 0.7%, so the 5% tolerance is 7 standard errors, and the mean is allowed 6. Measured over
# 1000 seeds x 3 layers of the reference: std within 2.7% (He's: 2.6%), mean within 4.1 standard errors.
# 0.01 scaling, He's sqrt(2/n) and Glorot's sqrt(2/(n_prev + n)) (1.26 times too large in layer 1) all
# land outside deep's; for He's, 1/sqrt(n_prev) is 29% too small, sqrt(2 / n_l) (fan-out) 50% too small in
# layer 1. W2 and W3 have the same shape, so a generator made anew in each layer shows.
STATS_DIMS = [400, 100, 100, 100]
STD_TOLERANCE = 0.05
# The kurtosis E[(W - mean)^4] / std^4 of a normal is 3, of a uniform 1.8; its standard error over 10,000
# draws is sqrt(24 / 10,000) = 0.05, so 0.5 is 10 standard errors. Measured over 300 seeds x 3 layers of the
# reference: |kurtosis - 3| at most 0.16.
KURTOSIS_TOLERANCE = 0.5
SCALES = {"init_0.01": lambda n: 0.01, "init_he": lambda n: np.sqrt(2 / n), "init_no_scale": lambda n: 1.0,
          "init_over_n": lambda n: 1 / n}
DRAW = ("rng = np.random.default_rng(seed) made once, then Wl = rng.standard_normal((n_l, n_prev)) {scale} for "
        "l = 1, ..., L in that order, and nothing else drawn from rng (b is np.zeros): the check compares your "
        "parameters with that draw from the same seed")
FLOAT32_DRAW = ("; a float32 draw, rng.standard_normal(shape, dtype=np.float32), is another algorithm that gives "
                "other numbers: draw in float64, as for any dtype, then convert, W.astype(dtype)")
SHAPES = {"W": "Wl has shape (n_l, n_prev), the layer's own size first: (layers_dims[l], layers_dims[l - 1])",
          "b": "bl is a column of shape (n_l, 1): np.zeros((n_l, 1)), not np.zeros(n_l)"}


def check_parameter_shape(key, got, expected):
    """Raise Mismatch unless ``parameters[key]`` is an array of ``expected``'s shape; a wrong shape is told how W
    and b are shaped (shared by the initializers of 01 and 08)."""
    try:
        check_array(f"parameters['{key}']", got, expected, None)
    except Mismatch as mismatch:
        if isinstance(got, np.ndarray) and got.shape != expected.shape:
            raise Mismatch(f"{mismatch}: {SHAPES[key[0]]}") from None
        raise


NOT_NORMAL = ("W does not look normal (its tails are those of a uniform draw: kurtosis {k:.2f}, a normal's is 3): "
              "draw from the normal distribution, rng.standard_normal, not rng.uniform or rng.random")
SHARED_DRAWS = ("{later} repeats the random numbers of {earlier}: every layer made a new generator with the same "
                "seed; make one rng = np.random.default_rng(seed) before the loop and draw every layer from it")


def network_case(dims, make, dtype=None):
    """The case of a network ``dims`` drawn with seed 1 (and ``dtype``, a string, if given): expected, ``make``'s."""
    kwargs = {"seed": 1} if dtype is None else {"seed": 1, "dtype": dtype}
    label = "a network" if dtype is None else f"a network in {dtype}"
    return Case(label, {"layers_dims": dims}, make(dims, **kwargs), FLOAT64 if dtype is None else FLOAT32, kwargs)


@dataclass(frozen=True)
class SeededExercise(Exercise):
    """A seeded random initialization: its cases are networks drawn with seed 1 (the large one first, so that a
    wrong scale is named from its statistics before any value is compared), and its check compares what every
    draw of the right distribution shares, then the seed, then the values (:func:`run_draw_check`).

    ``draw``: the standard deviation W must have, and in words; the scale as the exercise writes it; the
    catalogued wrong scales, ``wrong(n_prev, n_l)`` giving (standard deviation, hint, mistake id) triples; the
    hint when none of them matches; the hint for a b that is not zero; whether a float32 network is among the
    cases; and the ids of the catalogued mistakes its statistics and its seed test recognise.
    """

    draw: dict = None

    def check(self):
        """The public check, ``check(fn, hidden=False, *, call=None, secret=None)``."""

        def check(fn, hidden=False, *, call=None, secret=None):  # noqa: ARG001 - drawn with seed 1: no secret
            require_function(self.name, fn, call)
            cases = self.cases("hidden" if hidden else "visible")
            print_success(self.name, hidden, run_draw_check(self.name, fn, cases, self.draw, call))

        return name_check(check, self.name, self.hidden_doc)


def seeded_exercise(name, draw, hidden_doc=None, uses=()):
    """The record of the seeded exercise ``name``, whose draw is ``draw`` (see :class:`SeededExercise`)."""
    make = getattr(reference, name)
    visible, hidden = ([network_case(d, make) for d in [STATS_DIMS] + dims] for dims in (VISIBLE, HIDDEN))
    if draw["float32"]:
        visible.append(network_case([4, 3, 1], make, "float32"))
        hidden.append(network_case([6, 5, 4, 1], make, "float32"))
    return SeededExercise(name, make, None, partial(compare_draw, draw=draw), [], visible, hidden,
                          hidden_doc=hidden_doc, uses=uses, draw=draw)


def run_draw_check(name, fn, cases, draw, call=None):
    """Check ``fn`` on each case in three passes: what every draw of the right distribution shares, then the
    seed (same seed, same draw; other seed, other draw), then the values of the draw itself.

    The hints are confirmed on all the cases, as the common engine does; ``call``, as in :func:`~._engine.run`.
    """
    for case in cases:
        check_case(name, fn, case, lambda parameters, case: compare_draw(parameters, case, draw, False),
                   confirm=cases, call=call)
    _check_seed(fn, name, draw["ids"], call)
    return [check_case(name, fn, case, lambda parameters, case: compare_draw(parameters, case, draw), confirm=cases,
                       call=call) for case in cases]


def compare_draw(parameters, case, draw, values=True):
    """Compare a seeded draw of parameters with ``case.expected``, the reference's draw: structure, statistics and,
    if ``values``, the values."""
    dims, expected = case.args["layers_dims"], case.expected
    dtype = np.dtype(case.kwargs.get("dtype", "float64"))
    L = len(dims) - 1
    check_keys("parameters", parameters, expected, exact=True)
    for l in range(1, L + 1):
        for key in (f"W{l}", f"b{l}"):
            check_parameter_shape(key, parameters[key], expected[key])
            if parameters[key].dtype != dtype:
                asked = "dtype" in case.kwargs
                convert = f": convert with .astype(dtype), the dtype asked for ({dtype})" if asked else ""
                raise Mismatch(f"parameters['{key}'] has dtype {parameters[key].dtype}, expected {dtype}{convert}")
        if np.any(parameters[f"b{l}"] != 0):
            raise Mismatch(f"parameters['b{l}'] is not all zeros: {draw['b_hint']}", draw["ids"]["b"])
        W = parameters[f"W{l}"]
        if W.size >= 5000:
            _check_centred_and_normal(f"parameters['W{l}']", W, draw["ids"])
            _check_scale(f"parameters['W{l}']", W, dims[l - 1], dims[l], draw)
    _check_no_shared_draws(parameters, L)
    for l in range(1, L + 1 if values else 1):
        W = parameters[f"W{l}"]
        if not np.allclose(W, expected[f"W{l}"], rtol=case.tol.rtol, atol=case.tol.atol):
            raise Mismatch(f"parameters['W{l}'] has the right shape and size but other values than the draw the "
                           f"exercise asks for: {DRAW.format(scale=draw['scale'])}"
                           + (FLOAT32_DRAW if dtype == np.float32 else ""))


def _check_centred_and_normal(label, W, ids):
    values = W.astype(np.float64)
    mean, std = float(values.mean()), float(values.std())
    if abs(mean) > 6 * std / np.sqrt(W.size):
        raise Mismatch(f"{label} has mean {mean:.4f}, expected about 0 (within {6 * std / np.sqrt(W.size):.4f}): "
                       f"{hint('init_uniform')}", ids["not_centred"])
    kurtosis = float(np.mean((values - mean) ** 4) / std**4) if std > 0 else 0.0
    if abs(kurtosis - 3) > KURTOSIS_TOLERANCE:
        raise Mismatch(f"{label}: {NOT_NORMAL.format(k=kurtosis)}", ids["not_normal"])


def _check_scale(label, W, n_prev, n_l, draw):
    std, target = float(W.std()), draw["std"](n_prev)
    if abs(std / target - 1) > STD_TOLERANCE:
        found = [(words, id) for scale, words, id in draw["wrong"](n_prev, n_l)
                 if abs(std / scale - 1) <= STD_TOLERANCE]
        raise Mismatch(f"{label} has standard deviation {std:.4f}, expected about {draw['says']} = {target:.4f} "
                       f"(n_prev = {n_prev}): {found[0][0] if found else draw['otherwise']}",
                       found[0][1] if found else None)


def _check_no_shared_draws(parameters, L):
    # A generator made anew in each layer starts every layer on the same numbers: W_k's first entries are
    # W_l's, times the ratio of the layers' scales. Independent draws never agree on 8 entries.
    heads = {l: parameters[f"W{l}"].ravel()[:8].astype(np.float64) for l in range(1, L + 1)}
    for k in range(2, L + 1):
        for l in range(1, k):
            a, b = heads[l], heads[k]
            n = min(a.size, b.size)
            if n >= 4 and np.all(a[:n] != 0):
                ratio = b[:n] / a[:n]
                if np.allclose(ratio, ratio[0], rtol=1e-6) and ratio[0] > 0:
                    raise Mismatch(SHARED_DRAWS.format(later=f"parameters['W{k}']", earlier=f"parameters['W{l}']"))


def _check_seed(fn, name, ids, call=None):
    outcomes = [call_learner(fn, Case("", {"layers_dims": STATS_DIMS}, None, None, {"seed": s}), call)
                for s in (1, 1, 2)]
    for seed, outcome in zip((1, 1, 2), outcomes, strict=True):
        if outcome.error is not None:
            raise CheckFailed(f"{name} raised {type(outcome.error).__name__} with seed={seed}: {outcome.error}",
                              name) from outcome.error
    first, again, other = (outcome.value for outcome in outcomes)
    if not np.array_equal(first["W1"], again["W1"]):
        raise CheckFailed(f"{name}: two calls with seed=1 gave different W1: the result must depend only on "
                          f"the seed; {hint('init_unseeded')}.", name, ids["unseeded"])
    if np.array_equal(first["W1"], other["W1"]):
        raise CheckFailed(f"{name}: seed=1 and seed=2 gave the same W1: {hint('init_fixed_seed')}.", name,
                          ids["fixed_seed"])


SCALES = {"init_0.01": lambda n: 0.01, "init_he": lambda n: np.sqrt(2 / n), "init_no_scale": lambda n: 1.0,
          "init_over_n": lambda n: 1 / n}
EXERCISES = [
    seeded_exercise("initialize_parameters_deep", {
        "std": lambda n_prev: 1 / np.sqrt(n_prev), "says": "1/sqrt(n_prev)", "scale": "/ np.sqrt(n_prev)",
        "wrong": lambda n_prev, n_l: [(scale(n_prev), hint(key), key) for key, scale in SCALES.items()],
        "otherwise": "scale W by 1 / np.sqrt(n_prev)", "b_hint": hint("init_b_random"), "float32": True,
        "ids": {"b": "init_b_random", "not_centred": "init_uniform", "not_normal": "init_uniform_same_std",
                "unseeded": "init_unseeded", "fixed_seed": "init_fixed_seed"}}),
]
