"""Choose each model's learning rate and number of iterations on the validation split, the same way for all.

This is how the settings of notebooks/06_application.ipynb were chosen (results in data/README.md).
Every model, on the digits (even vs odd) and on the spiral, gets the same budget: the same grid of
learning rates and numbers of iterations, the same five seeds. Each setting is scored by its mean
validation accuracy over the seeds; the best one is chosen (a tie goes to the lower mean validation
cost). A setting at which any seed diverges is out, and so is one whose result depends on rounding:
each run is repeated on training inputs changed in their last bits (times 1 + 2**-40), and a setting
at which any seed's validation accuracy then differs is out. There gradient descent is chaotic (a
learning rate at the edge of stability, the cost jumping up and down), so the accuracy it prints is
not the model's but the machine's: another BLAS, or another number of threads, prints another one.
The test split is never read here.

Run from the project's root folder (a few minutes)::

    python data/choose_settings.py

It prints, per model, the grid of mean validation accuracies and the chosen setting with the mean
and standard deviation (over the seeds) of its validation accuracy. ``--long`` trains logistic regression on the digits
and the spiral's one-hidden-layer networks up to 10,000 iterations, to see how far they go given more time.
"""

import sys

import numpy as np

from dl_utils import load_dataset, parameter_count, validation_curve

LEARNING_RATES = (0.03, 0.1, 0.3, 1.0, 3.0)
ITERATIONS = (100, 300, 1000, 3000)
SEEDS = (0, 1, 2, 3, 4)
LONG_ITERATIONS = (3000, 10000)

MODELS = {
    "digits": {
        "logistic regression": [64, 1],
        "1 hidden layer": [64, 16, 1],
        "1 hidden layer, wide": [64, 42, 1],
        "3 hidden layers": [64, 32, 16, 8, 1],
    },
    "spiral": {
        "logistic regression": [2, 1],
        "1 hidden layer of 84": [2, 84, 1],
        "2 hidden layers of 16": [2, 16, 16, 1],
        "1 hidden layer of 152": [2, 152, 1],
        "3 hidden layers of 16": [2, 16, 16, 16, 1],
    },
}


def grid(data, layers_dims, learning_rates, iterations):
    """Mean and std over SEEDS of the validation accuracy, and mean validation cost: arrays (rates, iterations).

    A setting that diverged, or whose accuracy changed with the last bits of the inputs, has a nan mean accuracy.
    """
    acc = np.empty((len(learning_rates), len(iterations), len(SEEDS)))
    cost = np.empty_like(acc)
    for i, learning_rate in enumerate(learning_rates):
        for k, seed in enumerate(SEEDS):
            h, nudged = (validation_curve(X, data.train_y, data.val_x, data.val_y, layers_dims, learning_rate,
                                          iterations, seed=seed) for X in (data.train_x, data.train_x * (1 + 2**-40)))
            acc[i, :, k], cost[i, :, k] = h["val_accuracy"], h["val_cost"]
            acc[i, np.array(nudged["val_accuracy"]) != acc[i, :, k], k] = np.nan
    return acc.mean(axis=2), acc.std(axis=2, ddof=1), cost.mean(axis=2)


def choose(mean_acc, mean_cost):
    """Index (rate, iterations) of the best mean accuracy, ties to the lower mean cost; nan (out) is never chosen."""
    order = np.lexsort((np.nan_to_num(mean_cost, nan=np.inf).ravel(), -np.nan_to_num(mean_acc, nan=-1).ravel()))
    return np.unravel_index(order[0], mean_acc.shape)


def report(task, name, layers_dims, learning_rates, iterations):
    data = load_dataset(task)
    mean_acc, std_acc, mean_cost = grid(data, layers_dims, learning_rates, iterations)
    print(f"{task}, {name} {layers_dims}, {parameter_count(layers_dims)} parameters: mean validation accuracy")
    print("  learning rate | " + " | ".join(f"{n:>5d} it." for n in iterations))
    for i, learning_rate in enumerate(learning_rates):
        cells = [f"{'out':>8s}" if np.isnan(a) else f"{a:8.3f}" for a in mean_acc[i]]
        print(f"  {learning_rate:13g} | " + " | ".join(cells))
    i, j = choose(mean_acc, mean_cost)
    print(f"  chosen: learning rate {learning_rates[i]:g}, {iterations[j]} iterations: validation accuracy "
          f"{mean_acc[i, j]:.3f} ± {std_acc[i, j]:.3f} (mean ± std over seeds {SEEDS[0]}-{SEEDS[-1]}), "
          f"validation cost {mean_cost[i, j]:.4f}", flush=True)


def main():
    if sys.argv[1:] == ["--long"]:
        for task, name in (("digits", "logistic regression"), ("spiral", "1 hidden layer of 84"),
                           ("spiral", "1 hidden layer of 152")):
            report(task, name, MODELS[task][name], LEARNING_RATES, LONG_ITERATIONS)
        return
    print(f"learning rates {LEARNING_RATES}, iterations {ITERATIONS}, seeds {SEEDS}; train on train, score on "
          "validation")
    for task, models in MODELS.items():
        for name, layers_dims in models.items():
            report(task, name, layers_dims, LEARNING_RATES, ITERATIONS)


if __name__ == "__main__":
    main()
