"""Claims of book/part1/minibatches: each number in the prose, checked independently.

Minibatch gradients are averaged from per-example gradients (not the network's batched
objective), training runs use a plain loop θ ← θ − εg instead of dlopt.fit and SGD, and
the σ/√n law is checked on fresh draws from another seed. The page's timing claim (the
time of a step is flat for small batches and grows like n for large ones) is a speed
measurement, so benchmarks/minibatch_cost.py measures it instead of a timed test. The
numbers the prose quotes (glued from the notebook) must equal the recomputed ones.
"""

import itertools

import numpy as np
import pytest

import dlopt
from dlopt.data import minibatches

CHAPTER = "part1/minibatches"


@pytest.fixture(scope="module")
def setting():
    digits = dlopt.data.digits()
    train, _ = digits.split((0.8,), seed=0)
    net = dlopt.nn.mlp([64, 32, 10], activation="tanh")
    theta = dlopt.fit(net, dlopt.optim.SGD(lr=0.1), train, epochs=1, batch_size=32, seed=0).theta
    G = np.array(
        [
            net.loss_and_grad(theta, train.X[i : i + 1], train.y[i : i + 1])[1]
            for i in range(len(train))
        ]
    )
    g = G.mean(axis=0)
    sigma = np.sqrt(np.mean(np.sum((G - g) ** 2, axis=1)))
    return dict(train=train, net=net, theta=theta, G=G, g=g, sigma=sigma, m=len(train))


def sgd(net, data, lr, epochs, batch_size, seed, *, shuffle=True):
    rng = np.random.default_rng(seed)
    theta = net.init(rng)
    for _ in range(epochs):
        for b in minibatches(len(data), batch_size, rng, shuffle=shuffle):
            theta = theta - lr * net.loss_and_grad(theta, data.X[b], data.y[b])[1]
    return theta


def test_sigma_is_many_times_the_gradient(setting, glued):
    ratio = setting["sigma"] / np.linalg.norm(setting["g"])
    assert glued(CHAPTER, "mb_sigma_ratio") == f"{ratio:.1f}"
    assert glued(CHAPTER, "mb_crossover") == f"{ratio**2:.0f}"  # σ/√n = ‖g‖ at n = (σ/‖g‖)²
    assert ratio > 5  # "mostly noise"
    assert setting["m"] == 1438 and setting["net"].size == 2410


def test_standard_error_falls_like_sigma_over_root_n(setting):
    G, g, sigma, m = setting["G"], setting["g"], setting["sigma"], setting["m"]
    rng = np.random.default_rng(12345)
    sizes = np.array([1, 4, 16, 64, 256])
    rms = []
    for n in sizes:
        errors = [np.sum((G[rng.integers(0, m, n)].mean(axis=0) - g) ** 2) for _ in range(400)]
        rms.append(np.sqrt(np.mean(errors)))
    np.testing.assert_allclose(rms, sigma / np.sqrt(sizes), rtol=0.1)
    slope = np.polyfit(np.log(sizes), np.log(rms), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.05)


def test_without_replacement_error_follows_finite_population_correction(setting):
    G, g, sigma, m = setting["G"], setting["g"], setting["sigma"], setting["m"]
    rng = np.random.default_rng(54321)
    for n in (256, 1024):
        errors = [np.sum((G[rng.permutation(m)[:n]].mean(axis=0) - g) ** 2) for _ in range(150)]
        predicted = sigma / np.sqrt(n) * np.sqrt((m - n) / (m - 1))
        assert np.sqrt(np.mean(errors)) == pytest.approx(predicted, rel=0.12)
    assert np.sqrt((m - 256) / (m - 1)) < 0.95  # "below the line above a few hundred examples"


def test_same_budget_small_batches_win_per_example(setting, glued):
    net, train, m = setting["net"], setting["train"], setting["m"]
    assert glued(CHAPTER, "mb_budget") == f"{5 * m:,}"
    assert [5 * int(np.ceil(m / b)) for b in (1, 10, 100, m)] == [5 * m, 720, 75, 5]
    losses = [
        net.loss(sgd(net, train, 0.1, 5, b, seed=2), train.X, train.y) for b in (1, 10, 100, m)
    ]
    assert glued(CHAPTER, "mb_loss_single") == f"{losses[0]:.2f}"
    assert losses[-1] > 2.2  # the full batch has barely started
    assert losses == sorted(losses)


def test_sorted_data_in_order_barely_learns_and_shuffled_does(setting, glued):
    net, train = setting["net"], setting["train"]
    by_label = train.subset(np.argsort(train.y, kind="stable"))
    start = net.loss(net.init(np.random.default_rng(3)), by_label.X, by_label.y)
    assert glued(CHAPTER, "mb_start_loss") == f"{start:.2f}"
    ordered = sgd(net, by_label, 0.1, 5, 32, seed=3, shuffle=False)
    loss = net.loss(ordered, by_label.X, by_label.y)
    assert glued(CHAPTER, "mb_in_order_loss") == f"{loss:.2f}"
    assert start - 0.1 < loss < start  # "barely below its starting value"
    accuracy = net.accuracy(ordered, by_label.X, by_label.y)
    assert glued(CHAPTER, "mb_in_order_accuracy") == f"{accuracy:.0%}"
    mixed = net.accuracy(sgd(net, by_label, 0.1, 5, 32, seed=3), by_label.X, by_label.y)
    assert glued(CHAPTER, "mb_shuffled_accuracy") == f"{mixed:.0%}"
    assert accuracy < 0.3 and mixed > 0.9


def test_first_epoch_unbiased_for_population_second_epoch_biased(setting, glued):
    net = setting["net"]
    population = dlopt.data.digits()
    size, batch = 200, 10
    gaps, components, unseen, seen = {1: [], 2: []}, {1: [], 2: []}, [], {1: [], 2: []}
    for r in range(10):
        rng = np.random.default_rng(500 + r)
        sample = population.subset(rng.integers(0, len(population), size=size))
        theta = net.init(rng)
        used = np.zeros(size, dtype=bool)
        order = itertools.chain.from_iterable(minibatches(size, batch, rng) for _ in range(2))
        for k, b in enumerate(order):
            epoch = 1 + k // (size // batch)
            j_star, g_star = net.loss_and_grad(theta, population.X, population.y)
            along = g_star / (g_star @ g_star)
            loss_b, g_b = net.loss_and_grad(theta, sample.X[b], sample.y[b])
            gaps[epoch].append(loss_b - j_star)
            components[epoch].append(g_b @ along - 1)
            if (~used).any():
                unseen.append(net.loss_and_grad(theta, sample.X[~used], sample.y[~used])[1] @ along)
            if used.any():
                seen[epoch].append(
                    net.loss_and_grad(theta, sample.X[used], sample.y[used])[1] @ along
                )
            used[b] = True
            theta = theta - 0.5 * g_b

    def z(values):
        values = np.array(values)
        return values.mean() / (values.std() / np.sqrt(values.size))

    assert abs(z(gaps[1])) < 2.5 and abs(z(components[1])) < 2.5
    assert z(gaps[2]) < -3
    assert int(glued(CHAPTER, "mb_epoch2_z")) >= 3  # "several standard errors" on the page too
    assert np.mean(unseen) == pytest.approx(1, abs=0.05)
    assert np.mean(seen[2]) < 0.95


def test_exercise_1_numbers(glued):
    sigma, norm_g, m, n = 2.7, 0.35, 1438, 1024  # the exercise's data
    n_equal = sigma**2 / norm_g**2
    assert glued(CHAPTER, "mb_ex1_n") == f"{n_equal:.1f}"
    assert glued(CHAPTER, "mb_ex1_n_whole") == f"{next(k for k in range(1, 200) if k >= n_equal)}"
    assert glued(CHAPTER, "mb_ex1_with") == f"{sigma / 32:.4f}"  # √1024 = 32
    correction = np.sqrt(1 - (n - 1) / (m - 1))  # (m − n)/(m − 1) = 1 − (n − 1)/(m − 1)
    assert glued(CHAPTER, "mb_ex1_correction") == f"{correction:.3f}"
    assert glued(CHAPTER, "mb_ex1_without") == f"{sigma / 32 * correction:.4f}"


def test_exercise_2_sigma_from_200_examples_within_a_few_percent(setting, glued):
    G, sigma = setting["G"], setting["sigma"]
    sample = G[np.random.default_rng(6).choice(setting["m"], size=200, replace=False)]
    estimate = np.sqrt(np.mean(np.sum((sample - sample.mean(axis=0)) ** 2, axis=1)))
    assert estimate == pytest.approx(sigma, rel=0.03)
    assert glued(CHAPTER, "mb_ex2_gap") == f"{abs(estimate / sigma - 1):.1%}"


def test_exercise_3_random_schemes_agree_and_beat_sorted_order(setting, glued):
    net, train, m = setting["net"], setting["train"], setting["m"]
    by_label = train.subset(np.argsort(train.y, kind="stable"))
    once = np.random.default_rng(7).permutation(m)
    rng = np.random.default_rng(3)
    theta_fixed = net.init(rng)
    theta_repl = theta_fixed.copy()
    for _ in range(5):
        for i in range(0, m, 32):
            b = once[i : i + 32]
            theta_fixed = (
                theta_fixed - 0.1 * net.loss_and_grad(theta_fixed, by_label.X[b], by_label.y[b])[1]
            )
        for b in minibatches(m, 32, rng, replace=True):
            theta_repl = (
                theta_repl - 0.1 * net.loss_and_grad(theta_repl, by_label.X[b], by_label.y[b])[1]
            )
    reshuffled = net.loss(sgd(net, by_label, 0.1, 5, 32, seed=3), by_label.X, by_label.y)
    losses = [reshuffled] + [net.loss(t, by_label.X, by_label.y) for t in (theta_fixed, theta_repl)]
    assert max(losses) - min(losses) < 0.03
    assert glued(CHAPTER, "mb_ex3_lowest") == f"{min(losses):.2f}"
    assert glued(CHAPTER, "mb_ex3_highest") == f"{max(losses):.2f}"
