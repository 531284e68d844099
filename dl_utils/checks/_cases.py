"""The inputs every check runs on: one case computed by hand, then random cases.

The hand-computed cases use small integers and ln 3 (sigmoid(ln 3) = 3/4, sigmoid(0) =
1/2, sigmoid(-ln 3) = 1/4, sigmoid(2 ln 3) = 9/10) so each expected value can be checked
on paper; the arithmetic is in the comments. The random cases are internally consistent
(a cache really comes from a forward pass, gradients from a backward pass), seeded with
``numpy.random.default_rng``, and their expected values come from the reference library.

Each exercise is one :class:`Exercise` record: its reference, how its inputs are made, how its
result is compared, its hand-computed cases and its random ones. The core's records are
:data:`EXERCISES`; notebooks 07 to 11 write theirs the same way, in their own modules.
"""

import copy
from dataclasses import dataclass

import numpy as np

from .. import activations, backward, cost, forward, initialize, update
from . import _exercises
from ._compare import tolerance_for
from ._engine import Case, name_check, run

LN3 = np.log(3.0)


def _a(rows):
    return np.array(rows, dtype=np.float64)


# linear_forward, linear_activation_forward(..., "relu"): A_prev (3, 2), W (2, 3), b (2, 1).
# Z = W A_prev + b:
#   Z[0] = [1*1 + 2*2 + 0*0 + 2, 1*(-1) + 2*0 + 0*3 + 2] = [7, 1]
#   Z[1] = [0*1 - 1*2 + 1*0 - 2, 0*(-1) - 1*0 + 1*3 - 2] = [-4, 1]
# relu(Z) = [[7, 1], [0, 1]]
A_PREV, W, B = _a([[1, -1], [2, 0], [0, 3]]), _a([[1, 2, 0], [0, -1, 1]]), _a([[2], [-2]])
Z = _a([[7, 1], [-4, 1]])
# linear_activation_forward(..., "sigmoid"): Z = [1, 1] A + 0 = [ln3 + 0, 1 - 1, 0 - ln3] = [ln3, 0, -ln3]
# and sigmoid(Z) = [3/4, 1/2, 1/4].
A_PREV_S, W_S, B_S = _a([[LN3, 1, 0], [0, -1, -LN3]]), _a([[1, 1]]), _a([[0]])
Z_S = _a([[LN3, 0, -LN3]])

# L_model_forward, L_model_backward: X (2, 2), layers [2, 2, 1].
#   Z1 = W1 X + b1 = [[1 + 0, 2 - 1], [1 - 0 - 2, 2 + 1 - 2]] = [[1, 1], [-1, 1]], A1 = relu(Z1) = [[1, 1], [0, 1]]
#   Z2 = W2 A1 = [ln3 * (1 + 0), ln3 * (1 + 1)] = [ln3, 2 ln3], AL = sigmoid(Z2) = [3/4, 9/10]
X = _a([[1, 2], [0, -1]])
PARAMS = {"W1": _a([[1, 1], [1, -1]]), "b1": _a([[0], [-2]]), "W2": _a([[LN3, LN3]]), "b2": _a([[0]])}
Z1, A1, Z2, AL = _a([[1, 1], [-1, 1]]), _a([[1, 1], [0, 1]]), _a([[LN3, 2 * LN3]]), _a([[0.75, 0.9]])
CACHES = [((X, PARAMS["W1"], PARAMS["b1"]), Z1), ((A1, PARAMS["W2"], PARAMS["b2"]), Z2)]
# Backward with Y = [1, 0], m = 2:
#   dZ2 = AL - Y = [-1/4, 9/10]; dW2 = dZ2 A1.T / 2 = [(-0.25 + 0.9) / 2, (0 + 0.9) / 2] = [0.325, 0.45]
#   db2 = (-0.25 + 0.9) / 2 = 0.325; dA1 = W2.T dZ2 = ln3 * [[-0.25, 0.9], [-0.25, 0.9]]
#   dZ1 = dA1 * (Z1 > 0) = ln3 * [[-0.25, 0.9], [0, 0.9]]
#   dW1 = dZ1 X.T / 2 = ln3 * [[(-0.25 + 1.8) / 2, -0.9 / 2], [1.8 / 2, -0.9 / 2]]
#       = ln3 * [[0.775, -0.45], [0.9, -0.45]]
#   db1 = ln3 * [[0.65 / 2], [0.9 / 2]] = ln3 * [[0.325], [0.45]]
#   dA0 = W1.T dZ1 = ln3 * [[-0.25 + 0, 0.9 + 0.9], [-0.25 - 0, 0.9 - 0.9]] = ln3 * [[-0.25, 1.8], [-0.25, 0]]
Y = _a([[1, 0]])
GRADS = {"dA1": LN3 * _a([[-0.25, 0.9], [-0.25, 0.9]]), "dW2": _a([[0.325, 0.45]]), "db2": _a([[0.325]]),
         "dA0": LN3 * _a([[-0.25, 1.8], [-0.25, 0]]), "dW1": LN3 * _a([[0.775, -0.45], [0.9, -0.45]]),
         "db1": LN3 * _a([[0.325], [0.45]])}


def _hand(args, expected, label="the hand-computed case"):
    return Case(label, args, expected, tolerance_for())


def _normal(rng, shape, dtype, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(dtype)


def _with_zeros(rng, Z):
    # About one entry in four exactly 0, where ReLU's slope is 0 by the course's definition: a mask Z >= 0 shows.
    Z[rng.random(Z.shape) < 0.25] = 0
    Z.flat[0] = 0
    return Z


def layer_inputs(rng, dtype, n_prev, n_l, m):
    """The inputs of one layer's forward step: A_prev (n_prev, m), W (n_l, n_prev), b (n_l, 1)."""
    # b is drawn too, not zero, so that a forgotten b shows.
    return {"A_prev": _normal(rng, (n_prev, m), dtype), "W": _normal(rng, (n_l, n_prev), dtype, 1 / np.sqrt(n_prev)),
            "b": _normal(rng, (n_l, 1), dtype, 0.5)}


def network(rng, dtype, layers_dims, m):
    """``(X, parameters)`` of a network of ``layers_dims``, with non-zero biases, for ``m`` examples."""
    parameters = initialize.initialize_parameters_deep(layers_dims, seed=rng, dtype=dtype)
    for l in range(1, len(layers_dims)):
        parameters[f"b{l}"] = _normal(rng, (layers_dims[l], 1), dtype, 0.5)
    return _normal(rng, (layers_dims[0], m), dtype), parameters


def backward_pass(rng, dtype, layers_dims, m):
    """``(parameters, inputs of L_model_backward)``: AL and caches of a real forward pass, random labels Y."""
    X, parameters = network(rng, dtype, layers_dims, m)
    AL, caches = forward.L_model_forward(X, parameters)
    Y = rng.integers(0, 2, size=(1, m)).astype(dtype)
    return parameters, {"AL": AL, "Y": Y, "caches": caches}


def update_inputs(rng, dtype, layers_dims, m):
    """The inputs of update_parameters: a network's parameters and the grads of a real backward pass."""
    parameters, args = backward_pass(rng, dtype, layers_dims, m)
    return {"parameters": parameters, "grads": backward.L_model_backward(**args), "learning_rate": 0.1}


def case_rng(seed, secret=None):
    """The generator of the random case numbered ``seed``: ``default_rng(seed)``, or ``default_rng([secret, seed])``.

    The grader draws a fresh ``secret`` for each run and never stores it, so no submission can know the
    random cases' inputs, or their expected results, in advance. Without it (in the notebooks) the cases
    are the seeded, repeatable ones.
    """
    return np.random.default_rng(seed if secret is None else [int(secret), seed])


def made_case(make, reference, seed, sizes, dtype=np.float64, secret=None):
    """A random case: inputs ``make(case_rng(seed, secret), dtype, *sizes)``, expected ``reference(*inputs)``.

    Shared by the case tables of every notebook's checks.
    """
    args = make(case_rng(seed, secret), dtype, *sizes)
    expected = reference(*copy.deepcopy(list(args.values())))
    label = f"random case (seed {seed}{', float32' if dtype == np.float32 else ''})"
    return Case(label, args, expected, tolerance_for(*_arrays(args)))


def _arrays(value):
    if isinstance(value, np.ndarray):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else []
    return [a for item in items for a in _arrays(item)]




@dataclass(frozen=True)
class Exercise:
    """One exercise's check in one record: its reference, its cases, and how its result is compared.

    Attributes
    ----------
    name : str
        The exercise's name, that of the learner's function.
    reference : callable
        The course's function: it gives the expected result of every random case.
    make : callable
        ``make(rng, dtype, *sizes)`` gives the inputs of a random case, by argument name.
    compare : callable
        ``compare(got, case)`` raises :class:`~._compare.Mismatch` at the first difference.
    hand : list of Case
        The hand-computed cases (the arithmetic in comments), first of the visible ones.
    visible, hidden, diagnostic : list
        The random cases, ``(seed, sizes)``, ``(seed, sizes, dtype)`` or ``(seed, sizes, dtype, make)``
        (inputs made otherwise), or a :class:`Case` as it is. The diagnostic ones tell mistakes apart
        where the others fail with an exception (square matrices, where a missing transpose still runs).
    hidden_doc : str, optional
        What the hidden cases are, in the check's docstring, if not the core's.
    notebook : str
        The course notebook whose cells hold the exercise, e.g. ``"04_backward.ipynb"``.
    uses : tuple of str
        The functions of ``dl_utils`` that the notebook's text hands the learner for this exercise
        (``L_model_forward`` calls ``linear_activation_forward``). When graded, the exercise's sandbox holds
        these and nothing else of the library that answers an exercise (``dl_instructor``).
    """

    name: str
    reference: object
    make: object
    compare: object
    hand: list
    visible: list
    hidden: list
    diagnostic: list = ()
    hidden_doc: str = None
    notebook: str = None
    uses: tuple = ()

    def cases(self, which="visible", secret=None):
        """The cases ``which`` is ``"visible"`` (the hand-computed ones first), ``"hidden"`` or ``"diagnostic"``;
        the random ones drawn under the grader's ``secret``, if given (see :func:`case_rng`)."""
        specs = (list(self.hand) if which == "visible" else []) + list(getattr(self, which))
        return [spec if isinstance(spec, Case) else self._random(*spec, secret=secret) for spec in specs]

    def _random(self, seed, sizes, dtype=np.float64, make=None, secret=None):
        return made_case(make or self.make, self.reference, seed, sizes, dtype, secret)

    def check(self):
        """The public check, ``check(fn, hidden=False, *, call=None, secret=None)``."""

        def check(fn, hidden=False, *, call=None, secret=None):
            __tracebackhide__ = True  # the learner sees their cell and the message, not the checks' frames
            run(self.name, fn, self.cases("hidden" if hidden else "visible", secret), self.compare,
                self.cases("diagnostic", secret), hidden, call)

        return name_check(check, self.name, self.hidden_doc)


def sized(visible, hidden, diagnostic=(), float32=()):
    """The random cases of the usual plan, as :class:`Exercise`'s keyword arguments, from their sizes.

    Visible: one case per size, seeds 1, 2, ...; then ``float32`` sizes in float32 (seeds 30, ...).
    Hidden: the visible sizes again in float32 (seeds 10, ...), then the ``hidden`` sizes (seeds 20, ...).
    Diagnostic: seed 99.
    """
    return {"visible": [(seed, s) for seed, s in enumerate(visible, start=1)]
            + [(30 + i, s, np.float32) for i, s in enumerate(float32)],
            "hidden": [(10 + i, s, np.float32) for i, s in enumerate(visible)]
            + [(20 + i, s) for i, s in enumerate(hidden)],
            "diagnostic": [(99, s) for s in diagnostic]}


# The sizes of the random cases, as the arguments of make after (rng, dtype). Visible: a few shapes where
# no two sizes are equal, so a missing transpose cannot pass. Hidden: one example, a single unit, float32,
# and a deeper or wider net. Diagnostic: square.
LAYER_SIZES = ([(4, 3, 5), (3, 5, 2)], [(4, 3, 1), (1, 1, 3), (6, 1, 4), (30, 20, 50)], [(3, 3, 3)])
LAYER = sized(*LAYER_SIZES)
WITH_ACTIVATION = sized(*([d + (a,) for d in sizes for a in ("relu", "sigmoid")] for sizes in LAYER_SIZES))
NET_DIMS = ([([4, 3, 1], 5), ([5, 4, 3, 1], 6)],
            [([3, 1], 4), ([4, 3, 1], 1), ([2, 1, 1, 1], 3), ([6, 8, 7, 5, 4, 1], 10), ([20, 30, 10, 1], 40)])
UNITS = sized([(3, 5), (4, 2)], [(1, 1), (1, 7), (20, 30)], [(3, 3)])


EXERCISES = {exercise.name: exercise for exercise in [
    Exercise("linear_forward", forward.linear_forward, layer_inputs, _exercises.linear_forward,
             [_hand({"A_prev": A_PREV, "W": W, "b": B}, (Z, (A_PREV, W, B)))], **LAYER,
             notebook="02_forward.ipynb", uses=()),
    Exercise("linear_activation_forward", forward.linear_activation_forward,
             lambda rng, dtype, n_prev, n_l, m, activation: {**layer_inputs(rng, dtype, n_prev, n_l, m),
                                                             "activation": activation},
             _exercises.linear_activation_forward,
             [_hand({"A_prev": A_PREV, "W": W, "b": B, "activation": "relu"},
                    (_a([[7, 1], [0, 1]]), ((A_PREV, W, B), Z))),
              _hand({"A_prev": A_PREV_S, "W": W_S, "b": B_S, "activation": "sigmoid"},
                    (_a([[0.75, 0.5, 0.25]]), ((A_PREV_S, W_S, B_S), Z_S)))], **WITH_ACTIVATION,
             notebook="02_forward.ipynb", uses=("linear_forward", "relu", "sigmoid")),
    Exercise("L_model_forward", forward.L_model_forward,
             lambda rng, dtype, layers_dims, m: dict(zip(("X", "parameters"), network(rng, dtype, layers_dims, m),
                                                         strict=True)),
             _exercises.L_model_forward, [_hand({"X": X, "parameters": PARAMS}, (AL, CACHES))],
             **sized(*NET_DIMS, [([3, 3, 3, 3], 3)]),
             notebook="02_forward.ipynb", uses=("linear_activation_forward",)),
    # AL = [1/2, 1/4, 3/4, 1/2], Y = [1, 0, 1, 0]: the losses are -ln(1/2), -ln(3/4), -ln(3/4), -ln(1/2),
    # so J = (2 ln 2 + 2 ln(4/3)) / 4 = ln(8/3) / 2 = 0.490415...
    Exercise("compute_cost", cost.compute_cost,
             lambda rng, dtype, m: {"AL": rng.uniform(0.05, 0.95, (1, m)).astype(dtype),
                                    "Y": rng.integers(0, 2, (1, m)).astype(dtype)},
             _exercises.compute_cost,
             [_hand({"AL": _a([[0.5, 0.25, 0.75, 0.5]]), "Y": _a([[1, 0, 1, 0]])}, np.log(8 / 3) / 2)],
             **sized([(5,), (8,)], [(1,), (200,)], [(1,)]),
             notebook="03_cost.ipynb", uses=()),
    # dZ = dA where Z > 0, else 0; at Z = 0 exactly the slope is 0 too (so dZ[1, 2] = 0, not 6).
    Exercise("relu_backward", activations.relu_backward,
             lambda rng, dtype, n, m: {"dA": _normal(rng, (n, m), dtype),
                                       "cache": _with_zeros(rng, _normal(rng, (n, m), dtype))},
             _exercises.relu_backward,
             [_hand({"dA": _a([[1, 2, -3], [4, -5, 6]]), "cache": _a([[0.5, -1, 2], [-2, 3, 0]])},
                    _a([[1, 0, -3], [0, -5, 0]]))], **UNITS,
             notebook="04_backward.ipynb", uses=()),
    # sigma'(Z) = s (1 - s): at 0, 1/2 * 1/2 = 1/4; at +-ln3, 3/4 * 1/4 = 3/16. dZ = [2/4, 4 * 3/16, -8 * 3/16].
    Exercise("sigmoid_backward", activations.sigmoid_backward,
             lambda rng, dtype, n, m: {"dA": _normal(rng, (n, m), dtype), "cache": _normal(rng, (n, m), dtype, 2.0)},
             _exercises.sigmoid_backward,
             [_hand({"dA": _a([[2, 4, -8]]), "cache": _a([[0, LN3, -LN3]])}, _a([[0.5, 0.75, -1.5]]))], **UNITS,
             notebook="04_backward.ipynb", uses=("sigmoid",)),
    # dZ = [[1, 2], [-1, 1]], m = 2, A_prev and W as above.
    #   dW = dZ A_prev.T / 2 = [[1 - 2, 2 + 0, 0 + 6], [-1 - 1, -2 + 0, 0 + 3]] / 2 = [[-0.5, 1, 3], [-1, -1, 1.5]]
    #   db = [[1 + 2], [-1 + 1]] / 2 = [[1.5], [0]]
    #   dA_prev = W.T dZ = [[1, 2], [2 + 1, 4 - 1], [0 - 1, 0 + 1]] = [[1, 2], [3, 3], [-1, 1]]
    Exercise("linear_backward", backward.linear_backward,
             lambda rng, dtype, n_prev, n_l, m: {
                 "dZ": _normal(rng, (n_l, m), dtype),
                 "cache": forward.linear_forward(**layer_inputs(rng, dtype, n_prev, n_l, m))[1]},
             _exercises.linear_backward,
             [_hand({"dZ": _a([[1, 2], [-1, 1]]), "cache": (A_PREV, W, B)},
                    (_a([[1, 2], [3, 3], [-1, 1]]), _a([[-0.5, 1, 3], [-1, -1, 1.5]]), _a([[1.5], [0]])))], **LAYER,
             notebook="04_backward.ipynb", uses=()),
    Exercise("linear_activation_backward", backward.linear_activation_backward,
             lambda rng, dtype, n_prev, n_l, m, activation: {
                 "dA": _normal(rng, (n_l, m), dtype),
                 "cache": forward.linear_activation_forward(**layer_inputs(rng, dtype, n_prev, n_l, m),
                                                            activation=activation)[1],
                 "activation": activation},
             _exercises.linear_activation_backward, [
                 # relu: dA = [[1, 2], [-1, 1]], Z = [[7, 1], [-4, 1]] so dZ = [[1, 2], [0, 1]];
                 #   dW = dZ A_prev.T / 2 = [[-1, 2, 6], [0 - 1, 0 + 0, 0 + 3]] / 2 = [[-0.5, 1, 3], [-0.5, 0, 1.5]]
                 #   db = [[3], [1]] / 2; dA_prev = W.T dZ = [[1, 2], [2 - 0, 4 - 1], [0, 1]] = [[1, 2], [2, 3], [0, 1]]
                 _hand({"dA": _a([[1, 2], [-1, 1]]), "cache": ((A_PREV, W, B), Z), "activation": "relu"},
                       (_a([[1, 2], [2, 3], [0, 1]]), _a([[-0.5, 1, 3], [-0.5, 0, 1.5]]), _a([[1.5], [0.5]]))),
                 # sigmoid: dA = [16, 4, -16], Z = [ln3, 0, -ln3] so dZ = [16 * 3/16, 4 / 4, -16 * 3/16] = [3, 1, -3],
                 # m = 3; dW = [3 ln3 + 1 + 0, 0 - 1 + 3 ln3] / 3 = [ln3 + 1/3, ln3 - 1/3]; db = (3 + 1 - 3) / 3 = 1/3
                 #   dA_prev = W.T dZ = [[3, 1, -3], [3, 1, -3]]
                 _hand({"dA": _a([[16, 4, -16]]), "cache": ((A_PREV_S, W_S, B_S), Z_S), "activation": "sigmoid"},
                       (_a([[3, 1, -3], [3, 1, -3]]), _a([[LN3 + 1 / 3, LN3 - 1 / 3]]), _a([[1 / 3]])))],
             **WITH_ACTIVATION,
             notebook="04_backward.ipynb", uses=("relu_backward", "sigmoid_backward", "linear_backward")),
    Exercise("L_model_backward", backward.L_model_backward,
             lambda rng, dtype, layers_dims, m: backward_pass(rng, dtype, layers_dims, m)[1],
             _exercises.L_model_backward, [_hand({"AL": AL, "Y": Y, "caches": CACHES}, GRADS)],
             **sized(*NET_DIMS, [([3, 3, 3, 1], 3)]),
             notebook="04_backward.ipynb", uses=("linear_backward", "linear_activation_backward")),
    # learning_rate 0.5: W1 = [[1 - 0.5, 2 - 0], [3 + 1, 4 - 2]], b1 = [[1 - 0.25], [-1 - 0.5]],
    # W2 = [[0.5 - 0.5, -0.5 - 0.5]], b2 = [[2 + 2]]. The grads also hold dA0, dA1, to be ignored.
    # A float32 case among the visible ones too, since a float32 network must stay float32.
    Exercise("update_parameters", update.update_parameters,
             update_inputs,
             _exercises.update_parameters, [_hand(
                 {"parameters": {"W1": _a([[1, 2], [3, 4]]), "b1": _a([[1], [-1]]), "W2": _a([[0.5, -0.5]]),
                                 "b2": _a([[2]])},
                  "grads": {"dW1": _a([[1, 0], [-2, 4]]), "db1": _a([[0.5], [1]]), "dW2": _a([[1, 1]]),
                            "db2": _a([[-4]]), "dA0": _a([[1, 1], [1, 1]]), "dA1": _a([[1], [1]])},
                  "learning_rate": 0.5},
                 {"W1": _a([[0.5, 2], [4, 2]]), "b1": _a([[0.75], [-1.5]]), "W2": _a([[0, -1]]), "b2": _a([[4]])})],
             **sized(*NET_DIMS, [([3, 3, 3, 1], 3)], float32=[([4, 3, 1], 5)]),
             notebook="05_update.ipynb", uses=()),
]}
