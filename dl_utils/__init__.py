"""dl_utils: the reference library of the course, and the checks of its exercises.

The course builds an L-layer network step by step; each step's reference functions
live in a module of their own, in course order::

    initialize   initialize_parameters_deep
    forward      linear_forward, linear_activation_forward, L_model_forward
    cost         compute_cost
    backward     linear_backward, linear_activation_backward, L_model_backward
    update       update_parameters
    model        L_layer_model, predict

Conventions: ``X`` is (n_x, m) and ``Y`` is (1, m), examples are columns; a layer
cache is ``((A_prev, W, b), Z)``; backward functions return ``(dA_prev, dW, db)``.
"""

from .activations import relu, relu_backward, sigmoid, sigmoid_backward
from .backward import L_model_backward, linear_activation_backward, linear_backward
from .cost import compute_cost
from .forward import L_model_forward, linear_activation_forward, linear_forward
from .initialize import initialize_parameters_deep
from .model import L_layer_model, predict
from .update import update_parameters

__all__ = [
    "L_layer_model",
    "L_model_backward",
    "L_model_forward",
    "compute_cost",
    "initialize_parameters_deep",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "predict",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "update_parameters",
]

from .data import load_dataset
from .plots import plot_costs, plot_decision_boundary, plot_examples

__all__ += ["load_dataset", "plot_costs", "plot_decision_boundary", "plot_examples"]

from .gradient_check import (  # noqa: E402 - notebook 07's functions, appended after the core's
    centered_difference,
    dictionary_to_vector,
    gradient_check,
    relative_error,
    vector_to_dictionary,
)

__all__ += ["centered_difference", "dictionary_to_vector", "gradient_check", "relative_error", "vector_to_dictionary"]

from .initialize import initialize_parameters_he, initialize_parameters_zeros  # noqa: E402 - notebook 08's

__all__ += ["initialize_parameters_he", "initialize_parameters_zeros"]

from .multiclass import (  # noqa: E402 - notebook 11's functions, appended after the core's
    L_model_backward_softmax,
    L_model_forward_softmax,
    compute_cost_softmax,
    confusion_matrix,
    log_softmax,
    one_hot,
    plot_confusion_matrix,
    predict_softmax,
    softmax,
    softmax_model,
)

__all__ += ["L_model_backward_softmax", "L_model_forward_softmax", "compute_cost_softmax", "confusion_matrix",
            "log_softmax", "one_hot", "plot_confusion_matrix", "predict_softmax", "softmax", "softmax_model"]

from .regularization import (  # noqa: E402 - notebook 09's functions
    backward_propagation_with_dropout,
    backward_propagation_with_regularization,
    compute_cost_with_regularization,
    forward_propagation_with_dropout,
)

__all__ += ["backward_propagation_with_dropout", "backward_propagation_with_regularization",
            "compute_cost_with_regularization", "forward_propagation_with_dropout"]

from .optimizers import (  # noqa: E402 - notebook 10's functions
    initialize_adam,
    initialize_velocity,
    random_mini_batches,
    schedule_lr_decay,
    update_parameters_with_adam,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)

__all__ += ["initialize_adam", "initialize_velocity", "random_mini_batches", "schedule_lr_decay",
            "update_parameters_with_adam", "update_parameters_with_momentum", "update_parameters_with_rmsprop"]
