"""Mini-batches, momentum, RMSProp, Adam and learning-rate decay (notebook 10): a few steps computed by hand,
t counted from 1, purity, every example in exactly one mini-batch, the same batches for the same seed."""

import copy

import numpy as np
import pytest

from dl_utils.optimizers import (
    initialize_adam,
    initialize_velocity,
    random_mini_batches,
    schedule_lr_decay,
    train_with_optimizer,
    update_parameters_with_adam,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)


def _one(w, b=0.0):
    return {"W1": np.array([[w]]), "b1": np.array([[b]])}


def _grad(dw, db=0.0):
    return {"dW1": np.array([[dw]]), "db1": np.array([[db]])}


def test_three_adam_steps_by_hand():
    # W = 1, gradients 0.5, -0.25, 1.0 at t = 1, 2, 3; lr 0.1, beta1 0.9, beta2 0.999, eps 1e-8.
    # t = 1: v = 0.05, s = 0.00025; v_hat = 0.05 / 0.1 = 0.5, s_hat = 0.00025 / 0.001 = 0.25;
    #        W = 1 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.900000002 (the first step of Adam is about lr * sign(g))
    # t = 2: v = 0.9 * 0.05 - 0.1 * 0.25 = 0.02, s = 0.999 * 0.00025 + 0.001 * 0.0625 = 0.00031225;
    #        v_hat = 0.02 / 0.19 = 0.105263158, s_hat = 0.00031225 / 0.001999 = 0.156203102, sqrt = 0.395225381;
    #        W = 0.900000002 - 0.1 * 0.266337... = 0.873366...
    # t = 3: v = 0.018 + 0.1 = 0.118, s = 0.00031193775 + 0.001 = 0.00131193775;
    #        v_hat = 0.118 / 0.271 = 0.435424354, s_hat = 0.00131193775 / 0.002997001 = 0.437750...
    w1 = 1 - 0.1 * 0.5 / (0.5 + 1e-8)
    w2 = w1 - 0.1 * (0.02 / 0.19) / (np.sqrt(0.00031225 / 0.001999) + 1e-8)
    w3 = w2 - 0.1 * (0.118 / 0.271) / (np.sqrt(0.00131193775 / 0.002997001) + 1e-8)
    assert w1 == pytest.approx(0.900000002, abs=1e-12) and w2 == pytest.approx(0.873366, abs=1e-6)
    parameters, (v, s) = _one(1.0), initialize_adam(_one(1.0))
    expected = [(w1, 0.05, 0.00025), (w2, 0.02, 0.00031225), (w3, 0.118, 0.00131193775)]
    for t, (g, (w, v_t, s_t)) in enumerate(zip([0.5, -0.25, 1.0], expected, strict=True), start=1):
        parameters, v, s = update_parameters_with_adam(parameters, _grad(g), v, s, t, learning_rate=0.1)
        assert parameters["W1"][0, 0] == pytest.approx(w, rel=1e-12)
        assert v["dW1"][0, 0] == pytest.approx(v_t, rel=1e-12) and s["dW1"][0, 0] == pytest.approx(s_t, rel=1e-12)
    # b never had a gradient: v = s = 0 and the step is 0 / (0 + eps) = 0.
    assert parameters["b1"][0, 0] == 0 and v["db1"][0, 0] == 0 and s["db1"][0, 0] == 0


def test_adam_on_a_2x1_parameter_moves_each_entry_by_about_lr():
    # Whatever the size of a gradient entry, Adam's first step is lr * g / (|g| + eps) ~ lr * sign(g).
    parameters = {"W1": np.array([[1.0], [2.0]]), "b1": np.zeros((2, 1))}
    grads = {"dW1": np.array([[1e-3], [-50.0]]), "db1": np.zeros((2, 1))}
    v, s = initialize_adam(parameters)
    updated, _, _ = update_parameters_with_adam(parameters, grads, v, s, 1, learning_rate=0.01)
    np.testing.assert_allclose(updated["W1"], [[0.99], [2.01]], rtol=0, atol=1e-7)


def test_adam_t_counts_from_1():
    parameters = _one(1.0)
    v, s = initialize_adam(parameters)
    for t in (0, -1, 1.0, True):
        with pytest.raises(ValueError, match="t must be the step number"):
            update_parameters_with_adam(parameters, _grad(0.5), v, s, t)


def test_two_momentum_steps_by_hand():
    # beta 0.9, lr 0.1, W = 1, gradients 1 then 1: v = 0.1, W = 0.99; v = 0.09 + 0.1 = 0.19, W = 0.99 - 0.019 = 0.971
    parameters, v = _one(1.0), initialize_velocity(_one(1.0))
    parameters, v = update_parameters_with_momentum(parameters, _grad(1.0), v, 0.9, 0.1)
    assert parameters["W1"][0, 0] == pytest.approx(0.99) and v["dW1"][0, 0] == pytest.approx(0.1)
    parameters, v = update_parameters_with_momentum(parameters, _grad(1.0), v, 0.9, 0.1)
    assert parameters["W1"][0, 0] == pytest.approx(0.971) and v["dW1"][0, 0] == pytest.approx(0.19)


def test_momentum_with_beta_0_is_gradient_descent():
    parameters = _one(1.0, 2.0)
    updated, _ = update_parameters_with_momentum(parameters, _grad(3.0, -1.0), {"dW1": np.ones((1, 1)),
                                                                                 "db1": np.ones((1, 1))}, 0.0, 0.1)
    assert updated["W1"][0, 0] == pytest.approx(0.7) and updated["b1"][0, 0] == pytest.approx(2.1)


def test_rmsprop_step_by_hand():
    # beta2 0.9, lr 0.01, s = 0, g = 2: s = 0.1 * 4 = 0.4, W = 1 - 0.01 * 2 / (sqrt(0.4) + 1e-8) = 1 - 0.0316227766
    parameters, s = update_parameters_with_rmsprop(_one(1.0), _grad(2.0), initialize_velocity(_one(1.0)), 0.9, 0.01)
    assert s["dW1"][0, 0] == pytest.approx(0.4) and parameters["W1"][0, 0] == pytest.approx(1 - 0.0316227766, rel=1e-9)


def test_updates_are_pure():
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1))}
    grads = {"dW1": rng.standard_normal((3, 2)), "db1": rng.standard_normal((3, 1)), "dA0": np.ones((2, 4))}
    v, s = initialize_adam(parameters)
    v = {k: a + 0.5 for k, a in v.items()}
    saved = copy.deepcopy((parameters, grads, v, s))
    outputs = [update_parameters_with_momentum(parameters, grads, v, 0.9, 0.1),
               update_parameters_with_rmsprop(parameters, grads, s, 0.9, 0.1),
               update_parameters_with_adam(parameters, grads, v, s, 3)]
    for original, now in zip(saved, (parameters, grads, v, s), strict=True):
        assert original.keys() == now.keys() and all(np.array_equal(original[k], now[k]) for k in original)
    for output in outputs:
        for d in output:
            assert all(d[k] is not a for k in d for a in (*parameters.values(), *v.values(), *s.values()))


@pytest.mark.parametrize(("m", "size", "sizes"), [(10, 4, [4, 4, 2]), (8, 4, [4, 4]), (5, 64, [5]), (1, 3, [1])])
def test_mini_batches_cover_every_example_once(m, size, sizes):
    X = np.arange(2 * m, dtype=float).reshape(2, m)
    Y = np.arange(m, dtype=float).reshape(1, m)  # the label is the example's number
    batches = random_mini_batches(X, Y, size, seed=5)
    assert [b[0].shape[1] for b in batches] == sizes
    seen = np.concatenate([b[1][0] for b in batches])
    assert sorted(seen) == list(range(m))
    for mini_X, mini_Y in batches:  # X and Y shuffled together
        np.testing.assert_array_equal(mini_X, X[:, mini_Y[0].astype(int)])


def test_mini_batches_are_deterministic_per_seed_and_shuffled():
    X, Y = np.arange(200.0).reshape(2, 100), np.arange(100.0).reshape(1, 100)
    first, again, other = (random_mini_batches(X, Y, 32, seed=s) for s in (1, 1, 2))
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0][1], other[0][1])
    assert not np.array_equal(first[0][1], Y[:, :32])
    # default_rng(1).permutation(6) is [4, 0, 2, 1, 5, 3]
    np.testing.assert_array_equal(random_mini_batches(X[:, :6], Y[:, :6], 4, seed=1)[0][1], [[4, 0, 2, 1]])


def test_schedule_lr_decay():
    # 0.1 / (1 + 0.5 * floor(epoch / 10)): epochs 0-9: 0.1; 10-19: 0.1 / 1.5; 25: 0.1 / 2
    assert schedule_lr_decay(0.1, 0, 0.5, 10) == 0.1 and schedule_lr_decay(0.1, 9, 0.5, 10) == 0.1
    assert schedule_lr_decay(0.1, 10, 0.5, 10) == pytest.approx(0.1 / 1.5)
    assert schedule_lr_decay(0.1, 25, 0.5, 10) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="time_interval"):
        schedule_lr_decay(0.1, 3, 0.5, 0)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: update_parameters_with_momentum(_one(1), _grad(1), initialize_velocity(_one(1)), 1.0, 0.1), "beta"),
    (lambda: update_parameters_with_adam(_one(1), {"dW1": np.ones((1, 1))}, *initialize_adam(_one(1)), 1),
     "grads has no db1"),
    (lambda: update_parameters_with_adam(_one(1), _grad(1), *initialize_adam(_one(1)), 1, beta2=1.0), "beta2"),
    (lambda: random_mini_batches(np.ones((2, 3)), np.ones((1, 4))), "Y has 4 examples"),
    (lambda: random_mini_batches(np.ones((2, 3)), np.ones((1, 3)), 0), "mini_batch_size"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_optimizers_see_the_same_batches_and_adam_is_fastest_here():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 200))
    Y = (X[0] * X[1] > 0).astype(float).reshape(1, 200)
    costs = {opt: train_with_optimizer(X, Y, [2, 8, 1], opt, lr, num_epochs=15, mini_batch_size=32, seed=1)[1]
             for opt, lr in [("gd", 0.1), ("momentum", 0.1), ("adam", 0.01)]}
    assert costs["gd"][0] != costs["adam"][0]
    assert costs["adam"][-1] < costs["gd"][-1]
    again = train_with_optimizer(X, Y, [2, 8, 1], "gd", 0.1, num_epochs=15, mini_batch_size=32, seed=1)[1]
    assert again == costs["gd"]
