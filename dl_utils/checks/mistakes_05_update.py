"""Mistakes in notebook 05's exercise, ``update_parameters``, in the common catalogue.

The two mutations are detected by comparing the arguments.
"""

import numpy as np

from .mistakes import CATALOGUE, EQUATIONS, READS_GLOBAL, Mistake, _from_source, hint, mistake

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


@mistake(UP, "L is the number of layers, len(parameters) // 2: len(parameters) counts both W and b, and "
         "len(grads) counts dA0..dA{L-1} as well")
def up_len_parameters(parameters, grads, learning_rate):
    L = len(parameters)
    return {f"{p}{l}": parameters[f"{p}{l}"] - learning_rate * grads[f"d{p}{l}"] for l in range(1, L + 1) for p in "Wb"}


@mistake(UP, hint("up_len_parameters"))
def up_len_grads(parameters, grads, learning_rate):
    L = len(grads) // 2  # right for one layer (dW1, db1, dA0), too many layers from two on
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


@mistake("update_parameters", "range(1, L) stops before layer L: the layers are 1..L, so loop over range(1, L + 1)")
def up_stops_early(parameters, grads, learning_rate):
    L = len(parameters) // 2
    return {f"{p}{l}": parameters[f"{p}{l}"] - learning_rate * grads[f"d{p}{l}"] for l in range(1, L) for p in "Wb"}


EQUATIONS["update_parameters"] = ("for l = 1, ..., L (L = len(parameters) // 2): new Wl = Wl - learning_rate * dWl "
                                  "and new bl = bl - learning_rate * dbl, in a new dict; e.g. W1 = [[1.0]], "
                                  "dW1 = [[0.5]], learning_rate 0.1 give [[0.95]]")
