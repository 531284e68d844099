"""dl_utils: the course's reference library, one module per step, and the checks of its exercises.

Conventions: ``X`` is (n_x, m) and ``Y`` is (1, m), examples are columns; a layer cache is
``((A_prev, W, b), Z)``; backward functions return ``(dA_prev, dW, db)``. Every name below is
public; notebooks import them from here (``from dl_utils import L_model_forward``), and the
checks as ``from dl_utils import checks``.
"""

from .activations import relu, relu_backward, sigmoid, sigmoid_backward
from .backward import L_model_backward, linear_activation_backward, linear_backward
from .cost import compute_cost
from .data import load_dataset
from .forward import L_model_forward, linear_activation_forward, linear_forward
from .gradient_check import (
    centered_difference,
    dictionary_to_vector,
    entry_names,
    gradient_check,
    gradients_to_vector,
    relative_error,
    vector_to_dictionary,
)
from .initialize import initialize_parameters_deep, initialize_parameters_he, initialize_parameters_zeros
from .model import L_layer_model, predict
from .multiclass import (
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
from .optimizers import (
    initialize_adam,
    initialize_velocity,
    random_mini_batches,
    schedule_lr_decay,
    train_with_optimizer,
    update_parameters_with_adam,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)
from .plots import plot_costs, plot_decision_boundary, plot_examples, plot_network_flow
from .regularization import (
    backward_propagation_with_dropout,
    backward_propagation_with_regularization,
    compute_cost_with_regularization,
    forward_propagation_with_dropout,
    l2_penalty,
    make_moons,
    train_regularized,
)
from .selection import parameter_count, validation_curve
from .update import update_parameters

__all__ = [
    # 01-06
    "initialize_parameters_deep", "linear_forward", "linear_activation_forward", "L_model_forward",
    "compute_cost", "relu", "relu_backward", "sigmoid", "sigmoid_backward", "linear_backward",
    "linear_activation_backward", "L_model_backward", "update_parameters", "L_layer_model", "predict",
    # data and pictures
    "load_dataset", "plot_costs", "plot_decision_boundary", "plot_examples", "plot_network_flow",
    # choosing settings on the validation split (06)
    "parameter_count", "validation_curve",
    # 07
    "centered_difference", "relative_error", "gradient_check", "dictionary_to_vector", "vector_to_dictionary",
    "gradients_to_vector", "entry_names",
    # 08
    "initialize_parameters_zeros", "initialize_parameters_he",
    # 09
    "compute_cost_with_regularization", "backward_propagation_with_regularization",
    "forward_propagation_with_dropout", "backward_propagation_with_dropout", "l2_penalty", "make_moons",
    "train_regularized",
    # 10
    "random_mini_batches", "initialize_velocity", "update_parameters_with_momentum", "initialize_adam",
    "update_parameters_with_adam", "update_parameters_with_rmsprop", "schedule_lr_decay", "train_with_optimizer",
    # 11
    "softmax", "log_softmax", "compute_cost_softmax", "one_hot", "L_model_forward_softmax",
    "L_model_backward_softmax", "softmax_model", "predict_softmax", "confusion_matrix", "plot_confusion_matrix",
]
