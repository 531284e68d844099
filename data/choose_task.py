"""Measure candidate binary tasks on the digits' validation split: how much do hidden layers help?

This is how the task of digits.h5 was chosen (results in data/README.md); the notebook's settings
are chosen by data/choose_settings.py. It trains on the train split and scores on the validation
split only; the test split is never touched here. Run: ``PYTHONPATH=. python data/choose_task.py``.
"""

import itertools
import sys

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from build_datasets import SEED, load_uci_digits, stratified_split  # noqa: E402

from dl_utils import L_model_backward, L_model_forward, initialize_parameters_deep, update_parameters  # noqa: E402

TASKS = {
    "even vs odd": (0, 2, 4, 6, 8),
    "0-4 vs 5-9": (0, 1, 2, 3, 4),
    "prime (2,3,5,7) vs rest": (2, 3, 5, 7),
    "3,5,8 vs rest": (3, 5, 8),
    "closed loop (0,6,8,9) vs rest": (0, 6, 8, 9),
}
MODELS = {
    "logistic regression": ([1], (0.1, 0.5, 1.0, 2.0)),
    "2-layer [64, 16, 1]": ([16, 1], (0.1, 0.3, 0.5)),
    "4-layer [64, 32, 16, 8, 1]": ([32, 16, 8, 1], (0.05, 0.1, 0.3)),
}
ITERATIONS = 2000
EVERY = 100


def train_and_track(X, Y, Xv, Yv, dims, learning_rate):
    """Full-batch gradient descent; return the validation accuracy every EVERY steps (a list)."""
    parameters = initialize_parameters_deep(dims, seed=0, dtype=X.dtype)
    accs = []
    for i in range(ITERATIONS + 1):
        if i % EVERY == 0:
            AL, _ = L_model_forward(Xv, parameters)
            accs.append(float(np.mean((AL > 0.5) == Yv)))
        AL, caches = L_model_forward(X, parameters)
        if not np.all(np.isfinite(AL)):
            return [float("nan")]
        parameters = update_parameters(parameters, L_model_backward(AL, Y, caches), learning_rate)
    return accs


def main():
    pixels, digits = load_uci_digits()
    train, val, _ = stratified_split(digits, SEED)
    X, Xv = (pixels[idx].T.astype(np.float64) / 16 for idx in (train, val))
    print(f"train {train.size}, validation {val.size}; {ITERATIONS} steps max; val accuracy: best (at step)")
    for (task, positive), (model, (hidden, rates)) in itertools.product(TASKS.items(), MODELS.items()):
        Y, Yv = (np.isin(digits[idx], positive).astype(np.int64).reshape(1, -1) for idx in (train, val))
        results = []
        for lr in rates:
            accs = train_and_track(X, Y, Xv, Yv, [64, *hidden], lr)
            best = int(np.nanargmax(accs)) if np.any(np.isfinite(accs)) else 0
            results.append(f"lr {lr}: {accs[best]:.3f} ({best * EVERY}), final {accs[-1]:.3f}")
        print(f"{task:30s} {model:28s} " + "; ".join(results), flush=True)


if __name__ == "__main__":
    main()
