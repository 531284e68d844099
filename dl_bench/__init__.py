"""dl_bench: the benchmark of the training path and the fast training step it times.

Not part of the course: a learner never needs it. ``python -m dl_bench`` runs the benchmark
(``--help`` for its options); PyTorch, if installed, is timed on the same network; ``--memory``
adds the roofline of :mod:`dl_bench.roofline` (the least bytes and FLOP of an iteration against the
machine's bandwidth and peak, measured in the same run). ``python -m dl_bench.products`` times the
image-size workload's two large products, numpy's against PyTorch's.
:func:`train` is :func:`dl_utils.L_layer_model` run on :class:`TrainingStep`, the same
numbers computed in preallocated memory (``tests/test_train_fast.py`` proves them equal).
"""

from .bench import flops_per_iteration, main
from .step import TrainingStep, available_cores, default_threads, train

__all__ = ["TrainingStep", "train", "available_cores", "default_threads", "flops_per_iteration", "main"]
