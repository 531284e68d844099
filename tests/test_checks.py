"""The checks: the reference passes them silently but for one line, and each kind of failure
(None returned, a wrong type, an exception, NotImplementedError, NaN, a mutated argument,
a global read) gets its own message."""

import copy
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from answers import known_right_answers

import dl_utils
from dl_utils import checks
from dl_utils.checks import mistakes
from dl_utils.checks._compare import FLOAT32, same

EXERCISES = checks.EXERCISE_NAMES
# The core course's exercises, notebooks 01 to 05 (notebooks 07-11 test their own).
CORE = [name for name in EXERCISES if checks.exercise(name).notebook < "06"]
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MIN_MISTAKES = 3  # catalogued mistakes an exercise needs at the least (the fewest any has: dropout's backward)
MIN_RIGHT = 2  # right answers written otherwise than the reference


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_and_is_told_it_scores_0_when_graded(name, hidden, capsys):
    # The reference itself, and any function that calls it, is right, but is not the learner's own answer:
    # the grader's sandbox has no reference of the exercise it judges (docs/grading.md).
    reference = getattr(dl_utils, name)

    def wrapper(*args, **kwargs):
        return reference(*args, **kwargs)

    for fn in (reference, wrapper):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert getattr(checks, name)(fn, hidden=hidden) is None
        assert [str(w.message) for w in caught] == []
        out, err = capsys.readouterr()
        assert out.splitlines() == [f"{name}: all {'hidden ' if hidden else ''}checks passed.",
                                    f"{name}: note: your function calls dl_utils.{name}, the course's own answer: "
                                    "fine to compare your result with, but when graded that function is not there, "
                                    "and this exercise scores 0."]
        assert err == ""


def test_from_dl_utils_import_checks_gives_the_package():
    from dl_utils import checks as imported

    assert imported is checks
    assert all(callable(getattr(checks, name)) for name in EXERCISES)
    assert list(EXERCISES) == checks.__all__


@pytest.mark.parametrize("name", [n for n in CORE if n != "initialize_parameters_deep"])
def test_hand_computed_values_agree_with_the_reference(name):
    # The hand arithmetic of the cases modules and the reference library are independent: each checks the other.
    exercise = checks.exercise(name)
    assert exercise.reference is getattr(dl_utils, name)
    for case in exercise.hand:
        got = exercise.reference(*copy.deepcopy(list(case.args.values())))
        assert same(got, case.expected, case.tol), case.args


@pytest.mark.parametrize("name", [n for n in CORE if n != "initialize_parameters_deep"])
def test_random_cases_are_seeded(name):
    first, again = checks.exercise(name).cases(), checks.exercise(name).cases()
    assert all(same(a.args, b.args, a.tol) for a, b in zip(first, again, strict=True))
    # The hidden cases differ from the visible ones in values, never in the classes of input they test (one
    # example, float32): "all checks passed" in the notebook means a right function passes the hidden ones too.
    hidden = checks.exercise(name).cases("hidden")
    assert not any(same(h.args, v.args, h.tol) for h in hidden for v in first)
    for kind in (lambda case: case.m == 1, lambda case: case.tol == FLOAT32):
        assert {kind(case) for case in hidden} <= {kind(case) for case in first}


def failure(check, fn, **kwargs):
    with pytest.raises(AssertionError) as info:
        check(fn, **kwargs)
    return info.value


def test_none_returned_asks_about_return():
    def linear_forward(A_prev, W, b):
        Z = W @ A_prev + b  # noqa: F841 - the forgotten return is the point

    message = str(failure(checks.linear_forward, linear_forward))
    assert "is None" in message and "did you forget `return Z, cache`?" in message


def test_none_returned_by_cost():
    message = str(failure(checks.compute_cost, lambda AL, Y: None))
    assert "cost is None" in message and "did you forget `return`?" in message


def test_tuple_of_wrong_length():
    message = str(failure(checks.linear_backward, lambda dZ, cache: dl_utils.linear_backward(dZ, cache)[:2]))
    assert "tuple of 2 values, expected 3: the tuple (dA_prev, dW, db)" in message


def test_list_instead_of_ndarray():
    message = str(failure(checks.relu_backward, lambda dA, cache: (dA * (cache > 0)).tolist()))
    assert "dZ is a list, expected a numpy array of shape (2, 3)" in message and "np.array" in message


def test_wrong_shape_says_expected_and_got():
    message = str(failure(checks.linear_backward, lambda dZ, cache: (
        *dl_utils.linear_backward(dZ, cache)[:2], np.sum(dZ, axis=1, keepdims=True).T / dZ.shape[1])))
    assert "db has shape (1, 2), expected (2, 1)" in message


def test_wrong_value_names_the_key_and_the_entry():
    def L_model_backward(AL, Y, caches):
        grads = dl_utils.L_model_backward(AL, Y, caches)
        grads["db1"] = grads["db1"] + np.array([[0.0], [1.0]])
        return grads

    message = str(failure(checks.L_model_backward, L_model_backward))
    assert "grads['db1'] has wrong values: 1 of 2 entries differ, e.g. at index (1, 0)" in message
    assert "the hand-computed case" in message


def test_exception_is_the_cause_and_is_described():
    def linear_forward(A_prev, W, b):
        raise KeyError("W1")

    error = failure(checks.linear_forward, linear_forward)
    assert isinstance(error.__cause__, KeyError)
    assert "linear_forward raised KeyError: 'W1'" in str(error)


def test_the_learners_own_assert_is_reported_as_theirs():
    def compute_cost(AL, Y):
        cost = np.dot(Y, np.log(AL).T)
        assert cost.shape == ()
        return cost

    error = failure(checks.compute_cost, compute_cost)
    assert isinstance(error.__cause__, AssertionError) and "compute_cost raised AssertionError" in str(error)


@pytest.mark.parametrize("name", EXERCISES)
def test_not_implemented(name):
    def unsolved(*args, **kwargs):
        raise NotImplementedError()

    message = str(failure(getattr(checks, name), unsolved))
    assert message == f"{name}: not implemented yet: replace `raise NotImplementedError()` with your code."


def test_nan_output_is_named_with_numpys_warning(capsys):
    def sigmoid_backward(dA, cache):
        return dA * np.log(cache - cache)

    message = str(failure(checks.sigmoid_backward, sigmoid_backward))
    assert "dZ contains NaN or inf (first at index (0, 0): -inf)" in message
    assert "numpy warned: RuntimeWarning: divide by zero encountered in log" in message
    assert capsys.readouterr() == ("", "")


def test_warnings_of_a_correct_answer_stay_silent(capsys):
    def relu_backward(dA, cache):
        np.log(np.zeros(1))  # a warning, with no effect on the result
        return dA * (cache > 0)

    checks.relu_backward(relu_backward)
    assert capsys.readouterr() == ("relu_backward: all checks passed.\n", "")


def test_mutated_array_argument_is_named():
    def relu_backward(dA, cache):
        dA[cache <= 0] = 0
        return dA

    message = str(failure(checks.relu_backward, relu_backward))
    assert "relu_backward changed its arguments: dA was changed in place" in message


def test_mutated_cache_is_named():
    def L_model_backward(AL, Y, caches):
        grads = dl_utils.L_model_backward(AL, Y, caches)
        caches.pop()
        return grads

    assert "caches was changed from 2 to 1 entries" in str(failure(checks.L_model_backward, L_model_backward))


def test_shallow_copy_mutation_names_the_key_and_the_reason():
    def update_parameters(parameters, grads, learning_rate):
        parameters = parameters.copy()
        parameters["W1"] -= learning_rate * grads["dW1"]
        parameters["b1"] = parameters["b1"] - learning_rate * grads["db1"]
        parameters["W2"] = parameters["W2"] - learning_rate * grads["dW2"]
        parameters["b2"] = parameters["b2"] - learning_rate * grads["db2"]
        return parameters

    message = str(failure(checks.update_parameters, update_parameters))
    assert ("parameters['W1'] was changed in place: the dict returned is a copy of parameters that shares its arrays "
            "(parameters.copy() or dict(...) copies the dict, not the arrays)") in message
    assert "Likely cause" not in message  # not up_shallow_copy: that one changes every array, this answer only W1


def test_the_checks_inputs_are_not_touched_by_the_learner():
    case = checks.exercise("relu_backward").cases()[0]
    before = copy.deepcopy(case.args)

    def relu_backward(dA, cache):
        dA *= cache > 0
        return dA

    failure(checks.relu_backward, relu_backward)
    assert same(checks.exercise("relu_backward").cases()[0].args, before, case.tol)


def test_global_read_is_named():
    namespace = {"np": np, "A": np.ones((3, 2))}
    exec("def linear_forward(A_prev, W, b):\n    return W @ A + b, (A_prev, W, b)\n", namespace)
    message = str(failure(checks.linear_forward, namespace["linear_forward"]))
    assert "reads a global variable instead of its argument: it uses the notebook's global variable(s) A" in message


def test_passing_a_result_instead_of_the_function():
    message = str(failure(checks.linear_forward, (np.zeros((1, 1)), ())))
    assert "expected a function, got tuple" in message and "without calling it" in message


@pytest.mark.parametrize("returned", [np.float64(0.5), np.array(0.5), 0.5], ids=["numpy scalar", "0-d", "float"])
def test_cost_accepts_any_scalar(returned):
    def compute_cost(AL, Y):
        value = dl_utils.compute_cost(AL, Y)
        return type(returned)(value) if not isinstance(returned, np.ndarray) else np.array(value)

    checks.compute_cost(compute_cost)


# Every exercise whose result is one number, and the ways of returning something float() would still take.
ONE_NUMBER = ["compute_cost", "relative_error", "compute_cost_with_regularization", "compute_cost_softmax"]
NOT_NUMBERS = {
    "str": (str, "is a str ("),
    "f-string": (lambda value: f"{float(value):.10f}", "is a str ("),
    "numpy str": (np.str_, "is a str_ ("),
    "bool": (lambda value: bool(value), "is a bool ("),
    "numpy bool": (lambda value: np.bool_(value), "is a bool ("),
    "0-d bool array": (lambda value: np.array(value > 0), "is an ndarray ("),
}


@pytest.mark.parametrize("name", ONE_NUMBER)
@pytest.mark.parametrize("returned", NOT_NUMBERS, ids=list(NOT_NUMBERS))
def test_a_number_returned_as_text_or_true_false_fails_saying_so(name, returned):
    # float("0.19") and float(True) work: judged by float() alone these passed (or got a value message), and the
    # notebook's next line (difference < 1e-7, costs.append(cost)) then broke on them.
    convert, said = NOT_NUMBERS[returned]
    reference = checks.exercise(name).reference

    def answer(*args, **kwargs):
        return convert(reference(*args, **kwargs))

    message = str(failure(getattr(checks, name), answer, hidden=True))
    assert said in message and "expected a number (a float)" in message, message
    assert ("not text made from it" in message) == (returned in ("str", "f-string", "numpy str")), message
    assert ("True/False" in message) == (returned in ("bool", "numpy bool", "0-d bool array")), message


def test_cost_rejects_shape_1_1_with_a_hint():
    message = str(failure(checks.compute_cost, lambda AL, Y: np.array([[dl_utils.compute_cost(AL, Y)]])))
    assert "cost is an array of shape (1, 1), expected a single number: use float(cost) or np.squeeze(cost)" in message


def test_float32_answers_within_float32_tolerance_pass():
    def linear_forward(A_prev, W, b):
        Z = (W.astype(np.float64) @ A_prev.astype(np.float64) + b).astype(A_prev.dtype)
        return Z, (A_prev, W, b)

    checks.linear_forward(linear_forward, hidden=True)


def test_he_initialization_fails_naming_the_scale():
    def initialize_parameters_deep(layers_dims, seed=0):
        rng = np.random.default_rng(seed)
        return {k: v for l in range(1, len(layers_dims)) for k, v in (
            (f"W{l}", rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * np.sqrt(2 / layers_dims[l - 1])),
            (f"b{l}", np.zeros((layers_dims[l], 1))))}

    message = str(failure(checks.initialize_parameters_deep, initialize_parameters_deep))
    assert "standard deviation 0.07" in message and "He initialization" in message


def test_initialize_rejects_float32():
    def initialize_parameters_deep(layers_dims, seed=0):
        return dl_utils.initialize_parameters_deep(layers_dims, seed=seed, dtype=np.float32)

    assert "has dtype float32, expected float64" in str(failure(checks.initialize_parameters_deep,
                                                                 initialize_parameters_deep))


def test_missing_transpose_hint_with_the_shapes():
    # The conventions' own example: the wrong shape and the likely cause, in one message.
    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        return W.T @ dZ, np.dot(dZ, A_prev) / dZ.shape[1], np.sum(dZ, axis=1, keepdims=True) / dZ.shape[1]

    message = str(failure(checks.linear_backward, linear_backward))
    assert "did you multiply by A_prev instead of A_prev.T?" in message


def test_no_likely_cause_is_invented_for_an_uncatalogued_mistake():
    def linear_forward(A_prev, W, b):
        return W @ A_prev + b + 0.1, (A_prev, W, b)

    message = str(failure(checks.linear_forward, linear_forward))
    assert "Z has wrong values: 4 of 4 entries differ" in message and "Likely cause" not in message


@pytest.mark.parametrize(("error", "passes"), [(1e-10, True), (1e-4, False)])
def test_float64_tolerance(error, passes, capsys):
    def sigmoid_backward(dA, cache):
        return dl_utils.sigmoid_backward(dA, cache) * (1 + error)

    if passes:  # (it calls the reference, so the check also prints its note that this scores 0 when graded)
        checks.sigmoid_backward(sigmoid_backward)
        assert capsys.readouterr().out.splitlines()[0] == "sigmoid_backward: all checks passed."
    else:
        assert "dZ has wrong values" in str(failure(checks.sigmoid_backward, sigmoid_backward))


def test_float32_tolerance_still_catches_a_real_error():
    def linear_forward(A_prev, W, b):
        Z = W @ A_prev + b
        return Z * (1 + 1e-3 * (Z.dtype == np.float32)), (A_prev, W, b)

    # A visible float32 case catches it before the hidden ones do (float32 in, float32 out, seen in the notebook).
    assert "random case (seed 30, float32)" in str(failure(checks.linear_forward, linear_forward))
    assert "random case (seed 10, float32)" in str(failure(checks.linear_forward, linear_forward, hidden=True))


def test_an_entry_of_a_list_argument_replaced_is_named():
    def L_model_backward(AL, Y, caches):
        grads = dl_utils.L_model_backward(AL, Y, caches)
        caches[0] = None
        return grads

    assert "caches[0] was replaced by NoneType" in str(failure(checks.L_model_backward, L_model_backward))


@pytest.mark.parametrize("name", EXERCISES)
def test_each_check_has_a_numpydoc_docstring(name):
    doc = getattr(checks, name).__doc__
    assert f"``{name}``" in doc and "Parameters\n    ----------" in doc and "Raises" in doc


ODD_RETURNS = [None, "x", 3, 2.5, [], (), {}, np.zeros(3), np.zeros((1, 1)), (None, None), (None, None, None), 1j,
               np.zeros((2, 3), dtype=complex), np.ones((2, 2), dtype=bool), (np.zeros((1, 1)) + 1j, ()),
               ((1, 2, 3), 4), {"W1": None}, np.array("a"), np.array([1, None], dtype=object), float("nan"),
               (np.zeros((2, 2)), [1, 2]), (np.zeros((2, 2)), ((1, 2, 3), None)), {"dA0": 1, "dW1": "a"}]


@pytest.mark.parametrize("name", EXERCISES)
def test_any_odd_return_gives_an_assertion_error_never_a_crash_nor_a_warning(name, capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for returned in ODD_RETURNS:
            with pytest.raises(AssertionError):
                getattr(checks, name)(lambda *args, returned=returned, **kwargs: returned)
    assert capsys.readouterr() == ("", "")
    assert [str(w.message) for w in caught] == []


def test_attribute_names_are_not_mistaken_for_globals():
    namespace = {"np": np, "shape": [1, 2], "T": {}}
    exec("def linear_forward(A_prev, W, b):\n    return W.T.shape, (A_prev, W, b)\n", namespace)
    assert "global" not in str(failure(checks.linear_forward, namespace["linear_forward"]))


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
def test_random_caches_come_from_a_forward_pass(hidden):
    which = "hidden" if hidden else "visible"
    for case in checks.exercise("L_model_backward").cases(which):  # the hand-computed case included
        tol, caches = case.tol, case.args["caches"]
        for l, ((A_prev, W, b), Z) in enumerate(caches):
            assert np.allclose(Z, W @ A_prev + b, rtol=tol.rtol, atol=tol.atol)
            if l > 0:  # each layer's input is the ReLU of the previous layer's Z
                assert np.array_equal(A_prev, np.maximum(caches[l - 1][1], 0))
        assert np.allclose(case.args["AL"], dl_utils.sigmoid(caches[-1][1])[0], rtol=tol.rtol, atol=tol.atol)
    for case in checks.exercise("linear_activation_backward").cases(which):
        (A_prev, W, b), Z = case.args["cache"]
        assert np.allclose(Z, W @ A_prev + b, rtol=case.tol.rtol, atol=case.tol.atol)


def test_a_check_judges_its_exercise_alone_not_the_helpers_it_calls():
    # A learner's L_model_forward calls their own linear_activation_forward. A mistake there is
    # reported by that exercise's check; it must not also fail (and, graded, cost the points of)
    # L_model_forward. The learner's function is put back afterwards.
    import numpy as np

    namespace = {"np": np}
    exec(  # a notebook's namespace: a wrong helper (ReLU on every layer) and a right caller
        "def linear_activation_forward(A_prev, W, b, activation):\n"
        "    Z = W @ A_prev + b\n"
        "    return np.maximum(Z, 0), ((A_prev, W, b), Z)\n"
        "def L_model_forward(X, parameters):\n"
        "    A, caches, L = X, [], len(parameters) // 2\n"
        "    for l in range(1, L + 1):\n"
        "        A, cache = linear_activation_forward(A, parameters[f'W{l}'], parameters[f'b{l}'],\n"
        "                                             'relu' if l < L else 'sigmoid')\n"
        "        caches.append(cache)\n"
        "    return A, caches\n",
        namespace,
    )
    wrong_helper = namespace["linear_activation_forward"]
    checks.L_model_forward(namespace["L_model_forward"])
    assert namespace["linear_activation_forward"] is wrong_helper
    with pytest.raises(AssertionError, match="linear_activation_forward: A has wrong values"):
        checks.linear_activation_forward(wrong_helper)


# -- Hints that name the real mistake (issue 14): each answer that once got another exercise's hint, or none --

RELU_HINT = "dA * (Z > 0)"


def _in_place_message(check, fn):
    message = str(failure(check, fn))
    assert "changed in place" in message and "an argument belongs to the caller" in message
    assert RELU_HINT not in message and "relu" not in message.lower()  # relu_backward's hint is relu_backward's
    return message


def test_in_place_edits_get_a_generic_message_not_relu_backwards_hint():
    def sigmoid_backward(dA, cache):
        s = 1 / (1 + np.exp(-cache))
        dA *= s * (1 - s)
        return dA

    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        dZ /= A_prev.shape[1]  # the 1/m folded into dZ, in place
        return W.T @ dZ * A_prev.shape[1], dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)

    def softmax(Z):
        Z -= np.max(Z, axis=0, keepdims=True)
        E = np.exp(Z)
        return E / np.sum(E, axis=0, keepdims=True), Z

    def centered_difference(J, theta, epsilon=1e-6):
        gradapprox = np.zeros(theta.shape)
        for i in range(theta.shape[0]):
            theta[i, 0] += epsilon  # never put back
            minus = theta - 2 * epsilon * (np.arange(len(theta)) == i)[:, None]
            gradapprox[i, 0] = (J(theta) - J(minus)) / (2 * epsilon)
        return gradapprox

    for check, fn in ((checks.sigmoid_backward, sigmoid_backward), (checks.linear_backward, linear_backward),
                      (checks.softmax, softmax), (checks.centered_difference, centered_difference)):
        _in_place_message(check, fn)


def test_relu_backward_in_place_gets_its_own_hint():
    def relu_backward(dA, cache):
        dZ = dA
        dZ[cache <= 0] = 0
        return dZ

    message = str(failure(checks.relu_backward, relu_backward))
    assert "dA was changed in place" in message and "dZ = dA gives the same array a second name" in message


def test_relu_backward_slope_at_zero_is_zero():
    message = str(failure(checks.relu_backward, lambda dA, cache: dA * (cache >= 0)))
    assert "the mask is Z > 0, not Z >= 0" in message and "the hand-computed case" in message


def test_update_parameters_in_place_on_the_dict_itself_is_not_told_about_copies():
    def update_parameters(parameters, grads, learning_rate):
        for key in parameters:
            parameters[key] -= learning_rate * grads["d" + key]
        return parameters

    message = str(failure(checks.update_parameters, update_parameters))
    assert "the dict returned is parameters itself" in message and "copies the dict" not in message
    assert "parameters[key] -= ... changes the caller's arrays" in message


def test_update_parameters_keeps_float32():
    def update_parameters(parameters, grads, learning_rate):
        return {k: np.array(v - learning_rate * grads["d" + k], dtype=float) for k, v in parameters.items()}

    message = str(failure(checks.update_parameters, update_parameters))
    assert "has dtype float64, expected float32" in message and "keep the parameters' dtype" in message


@pytest.mark.parametrize("body", ["{k[1:]: parameters[k[1:]] - learning_rate * g for k, g in grads.items()}",
                                  "{k[1:]: parameters.get(k[1:], 0) - learning_rate * g for k, g in grads.items()}"])
def test_update_parameters_looping_over_grads(body):
    namespace = {"np": np}
    exec(f"def update_parameters(parameters, grads, learning_rate):\n    return {body}\n", namespace)
    message = str(failure(checks.update_parameters, namespace["update_parameters"]))
    assert "grads also holds dA0 .. dA{L-1}, which are not parameters" in message


@pytest.mark.parametrize("wrap", ["", "float", "np.squeeze"])
def test_cost_of_the_notes_written_element_wise_is_not_told_to_squeeze(wrap):
    # Told "use float(cost)", the learner wrapped it in float() and got a TypeError, then the same hint: a loop.
    namespace = {"np": np}
    exec("def compute_cost(AL, Y):\n    m = Y.shape[1]\n"
         f"    return {wrap}(-1 / m * np.sum(Y * np.log(AL)) + (1 - Y) * np.log(1 - AL))\n", namespace)
    message = str(failure(checks.compute_cost, namespace["compute_cost"]))
    assert "use float(cost)" not in message
    assert "stayed outside np.sum" in message


def test_L_model_forward_X_to_every_layer():
    def L_model_forward(X, parameters):
        L, caches = len(parameters) // 2, []
        for l in range(1, L):
            A, cache = dl_utils.linear_activation_forward(X, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
            caches.append(cache)
        AL, cache = dl_utils.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
        return AL, caches + [cache]

    assert "not X in every layer" in str(failure(checks.L_model_forward, L_model_forward))


def test_L_model_forward_returning_the_last_cache_only():
    def L_model_forward(X, parameters):
        A, L = X, len(parameters) // 2
        for l in range(1, L + 1):
            A, cache = dl_utils.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                                          "relu" if l < L else "sigmoid")
        return A, cache

    message = str(failure(checks.L_model_forward, L_model_forward))
    assert "caches is one layer cache ((A_prev, W, b), Z), expected the list of all 2 layer caches" in message


def test_L_model_forward_pop_is_told_about_pop_not_copies():
    def L_model_forward(X, parameters):
        A, L, caches = X, len(parameters) // 2, []
        for l in range(1, L + 1):
            A, cache = dl_utils.linear_activation_forward(A, parameters.pop(f"W{l}"), parameters.pop(f"b{l}"),
                                                          "relu" if l < L else "sigmoid")
            caches.append(cache)
        return A, caches

    message = str(failure(checks.L_model_forward, L_model_forward))
    assert "removed from the dict passed in (pop or del)" in message and "parameters.pop(...) takes them out" in message
    assert "copies" not in message


def test_linear_forward_returning_cache_first():
    def linear_forward(A_prev, W, b):
        return (A_prev, W, b), W @ A_prev + b

    assert "return Z, cache in that order" in str(failure(checks.linear_forward, linear_forward))


@pytest.mark.parametrize("bias", ["b.T", "b.ravel()"])
def test_linear_forward_b_as_a_row(bias):
    namespace = {"np": np}
    exec(f"def linear_forward(A_prev, W, b):\n    return W @ A_prev + {bias}, (A_prev, W, b)\n", namespace)
    message = str(failure(checks.linear_forward, namespace["linear_forward"]))
    assert "b is a column of shape (n_l, 1)" in message


def test_linear_activation_backward_cache_unpacked_in_the_wrong_order():
    def linear_activation_backward(dA, cache, activation):
        activation_cache, linear_cache = cache
        backward = dl_utils.relu_backward if activation == "relu" else dl_utils.sigmoid_backward
        return dl_utils.linear_backward(backward(dA, activation_cache), linear_cache)

    assert "unpack it as linear_cache, activation_cache = cache" in str(
        failure(checks.linear_activation_backward, linear_activation_backward))


def test_sigmoid_backward_with_sigmoid_not_unpacked():
    def sigmoid_backward(dA, cache):
        s = dl_utils.sigmoid(cache)
        return dA * s * (1 - s)

    message = str(failure(checks.sigmoid_backward, sigmoid_backward))
    assert "TypeError" in message and "sigmoid(Z) returns the pair (A, cache): unpack it" in message


@pytest.mark.parametrize("where", ["both", "dW", "db"])
def test_linear_backward_integer_division(where):
    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        m = A_prev.shape[1]
        dW = (1 // m if where != "db" else 1 / m) * dZ @ A_prev.T
        db = (1 // m if where != "dW" else 1 / m) * np.sum(dZ, axis=1, keepdims=True)
        return W.T @ dZ, dW, db

    assert "1 // m is integer division" in str(failure(checks.linear_backward, linear_backward))


def test_L_model_backward_caches_l_for_caches_l_minus_1():
    def L_model_backward(AL, Y, caches):
        L = len(caches)
        grads = {}
        grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dl_utils.linear_activation_backward(
            -(Y / AL - (1 - Y) / (1 - AL)), caches[L - 1], "sigmoid")
        for l in reversed(range(1, L)):
            grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dl_utils.linear_activation_backward(
                grads[f"dA{l}"], caches[l], "relu")
        return grads

    assert "layer l's cache is caches[l - 1]" in str(failure(checks.L_model_backward, L_model_backward))


def test_L_model_backward_looping_forward():
    def L_model_backward(AL, Y, caches):
        L = len(caches)
        grads = {}
        grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dl_utils.linear_backward(AL - Y, caches[L - 1][0])
        for l in range(1, L):
            grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dl_utils.linear_activation_backward(
                grads[f"dA{l}"], caches[l - 1], "relu")
        return grads

    message = str(failure(checks.L_model_backward, L_model_backward))
    assert "KeyError: 'dA1'" in message and "the backward pass goes from the output down" in message


def test_a_ratio_that_prints_as_1_gives_no_ratio_hint():
    def sigmoid_backward(dA, cache):
        return dl_utils.sigmoid_backward(dA, cache) * (1 + 3e-5)

    message = str(failure(checks.sigmoid_backward, sigmoid_backward))
    assert "dZ has wrong values" in message and "times the expected value" not in message


# -- initialize_parameters_deep: the exercise prescribes the draw, and the check holds it to it ------------------

def _deep_draw(make_rng, per_layer=False, b_draw=False, draw=None, keep_dtype=True):
    def initialize_parameters_deep(layers_dims, seed=0, dtype=np.float64):
        rng, parameters = make_rng(seed), {}
        for l in range(1, len(layers_dims)):
            n, n_prev = layers_dims[l], layers_dims[l - 1]
            rng = make_rng(seed) if per_layer else rng
            W = draw(rng, n, n_prev) if draw else rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)
            b = rng.standard_normal((n, 1)) * 0 if b_draw else np.zeros((n, 1))
            parameters[f"W{l}"], parameters[f"b{l}"] = (W.astype(dtype), b.astype(dtype)) if keep_dtype else (W, b)
        return parameters

    return initialize_parameters_deep


def _global_seed(seed):
    np.random.seed(seed)  # noqa: NPY002 - the mistake under test
    return np.random


WRONG_DRAWS = {  # answer: the words the failure must contain
    "a new generator per layer": (_deep_draw(np.random.default_rng, per_layer=True),
                                  "repeats the random numbers of parameters['W1']"),
    "np.random.seed and randn": (_deep_draw(_global_seed, draw=lambda r, n, n_prev: r.randn(n, n_prev) / np.sqrt(
        n_prev)), "np.random.seed and np.random.randn"),
    "RandomState": (_deep_draw(np.random.RandomState, draw=lambda r, n, n_prev: r.randn(n, n_prev) / np.sqrt(
        n_prev)), "np.random.seed and np.random.randn (or RandomState)"),
    "b drawn times 0": (_deep_draw(np.random.default_rng, b_draw=True), "not by drawing and multiplying by 0"),
    "uniform of the right spread": (_deep_draw(np.random.default_rng, draw=lambda r, n, n_prev: r.uniform(
        -np.sqrt(3 / n_prev), np.sqrt(3 / n_prev), (n, n_prev))), "tails are those of a uniform draw"),
    "dtype ignored": (_deep_draw(np.random.default_rng, keep_dtype=False),
                      "has dtype float64, expected float32: convert with .astype(dtype)"),
}


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("answer", WRONG_DRAWS, ids=list(WRONG_DRAWS))
def test_initialize_draws_other_than_the_exercises_fail_naming_why(answer, hidden):
    fn, words = WRONG_DRAWS[answer]
    state = np.random.get_state()  # noqa: NPY002 - put back what the np.random.seed answer changes
    try:
        message = str(failure(checks.initialize_parameters_deep, fn, hidden=hidden))
    finally:
        np.random.set_state(state)  # noqa: NPY002
    assert words in message


def test_grads_with_a_key_that_is_not_a_string_are_told_so():
    message = str(failure(checks.L_model_backward, lambda AL, Y, caches: {0: 1}))
    assert "has a key that is not a string, 0" in message


def check_cells():
    """``{exercise: notebook}`` for every graded check cell of the course's notebooks (``checks.NAME(NAME)``)."""
    found = {}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade"):
                match = re.match(r"checks\.(\w+)\((\w+)\)", "".join(cell["source"]))
                assert match and match[1] == match[2], f"{path.name}: a graded cell that is not checks.NAME(NAME)"
                found[match[1]] = path.name
    return found


def test_every_check_cell_of_the_notebooks_has_a_record_and_every_record_a_check_cell():
    cells = check_cells()
    assert sorted(set(cells) - set(EXERCISES)) == [], "check cells in the notebooks without a record"
    assert sorted(set(EXERCISES) - set(cells)) == [], "records without a check cell in their notebook"
    assert {name: checks.exercise(name).notebook for name in EXERCISES} == cells


@pytest.mark.parametrize("name", EXERCISES)
def test_every_exercise_has_one_record_with_its_notebook_and_what_it_uses(name):
    # The grader builds each exercise's sandbox from .uses (deny by default): every name there is a function
    # of dl_utils, and the notebook's text or import cell hands it to the learner.
    record = checks.exercise(name)
    assert record.name == name and getattr(checks, name).__name__ == name
    cells = json.loads((NOTEBOOKS / record.notebook).read_text())["cells"]
    text = "".join("".join(cell["source"]) for cell in cells)
    for used in record.uses:
        assert used != name and used in dl_utils.__all__ and callable(getattr(dl_utils, used)), used
        assert f"`{used}" in text or f" {used}," in text, f"{record.notebook} never hands the learner {used}"


@pytest.mark.parametrize("name", EXERCISES)
def test_every_exercise_has_right_answers_catalogued_mistakes_and_a_hand_computed_case(name):
    # What makes a check trustworthy, asked of every exercise the checks know, the next one included.
    from dl_utils.checks.cases_01_initialize import SeededExercise

    record, missing = checks.exercise(name), []
    right = known_right_answers()[name]
    if len(right) < MIN_RIGHT:
        missing.append(f"{MIN_RIGHT} right answers written otherwise than the reference (it has {len(right)}): "
                       f"right=(...) in its record in cases_{record.notebook.removesuffix('.ipynb')}.py")
    catalogued = mistakes.for_exercise(name)
    if len(catalogued) < MIN_MISTAKES:
        missing.append(f"{MIN_MISTAKES} catalogued mistakes (it has {len(catalogued)}): "
                       f"@mistake({name!r}, hint) in mistakes_{record.notebook.removesuffix('.ipynb')}.py")
    if not record.hand and not isinstance(record, SeededExercise):  # a seeded draw has no value to compute by hand
        missing.append("a hand-computed case: hand=[by_hand(...)] in its record, the arithmetic in comments")
    assert not missing, f"{name} needs " + "; and ".join(missing)


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize(("name", "fn"), [(n, fn) for n in EXERCISES for fn in checks.exercise(n).right],
                         ids=lambda value: getattr(value, "__name__", value))
def test_the_right_answers_of_the_records_pass_with_one_line(name, fn, hidden, capsys):
    from answers import assert_passes_with_one_line

    assert_passes_with_one_line(name, fn, hidden, capsys)
