"""dlopt.data: frozen data sets, splits, the minibatch sampler, synthetic sets and the digits."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlopt.data import (
    Dataset,
    blobs,
    digits,
    linear_regression,
    memory_task,
    minibatches,
    spirals,
    two_moons,
)
from dlopt.optim import SGD
from dlopt.problems import Quadratic
from dlopt.train import fit


def numbered(n):
    """A data set whose row i is [i, −i], so every part of a split can be traced back."""
    i = np.arange(n)
    return Dataset(np.column_stack([i, -i]), i % 3)


def test_dataset_copies_and_freezes_its_arrays():
    X, y = np.zeros((4, 2)), np.array([0, 1, 2, 1])
    data = Dataset(X, y)
    X[0, 0] = 5.0
    assert data.X[0, 0] == 0.0 and len(data) == 4 and data.n_classes == 3
    with pytest.raises(ValueError, match="read-only"):
        data.X[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        data.y[0] = 1


def test_split_partitions_deterministically():
    data = numbered(10)
    train, val, test = data.split((0.6, 0.2, 0.2), seed=1)
    assert (len(train), len(val), len(test)) == (6, 2, 2)
    rows = np.concatenate([part.X[:, 0] for part in (train, val, test)])
    np.testing.assert_array_equal(np.sort(rows), np.arange(10))  # each example exactly once
    np.testing.assert_array_equal(train.y, train.X[:, 0].astype(int) % 3)  # rows kept whole
    again = data.split((0.6, 0.2, 0.2), seed=1)
    np.testing.assert_array_equal(again[0].X, train.X)
    assert not np.array_equal(data.split((0.6, 0.2, 0.2), seed=2)[0].X, train.X)
    head, rest = data.split((0.7,), seed=0)  # the remainder forms a last part
    assert (len(head), len(rest)) == (7, 3)


def test_split_rejects_bad_fractions():
    data = numbered(10)
    with pytest.raises(ValueError, match="sum to at most 1"):
        data.split((0.8, 0.3))
    with pytest.raises(ValueError, match=r"fractions\[1\]"):
        data.split((0.5, -0.1))
    with pytest.raises(ValueError, match="empty part"):
        data.split((0.99, 0.01))


def test_minibatches_without_replacement_cover_every_index_once():
    batches = list(minibatches(10, 4, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(10))
    ordered = list(minibatches(10, 4, 0, shuffle=False))
    np.testing.assert_array_equal(np.concatenate(ordered), np.arange(10))
    first = np.concatenate(list(minibatches(10, 4, 7)))
    np.testing.assert_array_equal(first, np.concatenate(list(minibatches(10, 4, 7))))
    rng = np.random.default_rng(7)
    epoch1, epoch2 = (np.concatenate(list(minibatches(10, 4, rng))) for _ in range(2))
    assert not np.array_equal(epoch1, epoch2)  # a fresh permutation each epoch


def test_fit_draws_a_fresh_permutation_of_all_indices_every_epoch():
    # Row i of X is [i], so the rows a minibatch objective receives are its indices.
    seen = []

    class Recorder:
        def init(self, rng):
            return np.zeros(1)

        def objective(self, X, y):
            seen.append(X[:, 0].astype(int))
            return Quadratic(np.eye(1))

        def loss(self, theta, X, y):
            return 0.0

    n, epochs = 10, 6
    data = Dataset(np.arange(n)[:, None], np.zeros(n))
    record = fit(Recorder(), SGD(lr=0.1), data, epochs=epochs, batch_size=4, seed=0)
    np.testing.assert_array_equal(record.extras["epoch_end"], 3 * np.arange(epochs + 1))
    orders = [np.concatenate(seen[3 * e : 3 * e + 3]) for e in range(epochs)]
    for order in orders:
        np.testing.assert_array_equal(np.sort(order), np.arange(n))  # each index once per epoch
    for previous, order in itertools.pairwise(orders):
        assert not np.array_equal(previous, order)  # consecutive epochs in different orders
    # Six independent draws from the 10! orders are almost surely all distinct.
    assert len({tuple(order) for order in orders}) == epochs


def test_minibatches_with_replacement_draw_independently():
    rng = np.random.default_rng(1)
    batches = list(minibatches(10, 4, rng, replace=True))
    assert [len(b) for b in batches] == [4, 4, 4]
    # n = 5, batch_size = 5: P(all five distinct) = 5!/5⁵ = 0.0384 for independent uniform draws
    epochs = 4000
    distinct = [
        len(set(b)) == 5 for _ in range(epochs) for b in minibatches(5, 5, rng, replace=True)
    ]
    assert np.mean(distinct) == pytest.approx(120 / 3125, abs=4 * np.sqrt(0.0384 / epochs))
    counts = np.bincount(np.concatenate(list(minibatches(5, 5, rng, replace=True))), minlength=5)
    assert counts.sum() == 5


def test_minibatches_validate_arguments():
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(10, 0, 0)
    with pytest.raises(ValueError, match="n must"):
        minibatches(0, 4, 0)
    with pytest.raises(TypeError, match="rng"):
        minibatches(10, 4, None)
    with pytest.raises(ValueError, match="replace=False"):
        minibatches(10, 4, 0, replace=True, shuffle=False)


def test_linear_regression_recovers_its_weights():
    exact = linear_regression(50, 3, noise=0.0, seed=0)
    w, *_ = np.linalg.lstsq(exact.X, exact.y, rcond=None)
    np.testing.assert_allclose(w, exact.info["w"], rtol=1e-12)
    noisy = linear_regression(20000, 3, noise=0.5, seed=0)
    residual = noisy.y - noisy.X @ noisy.info["w"]
    assert residual.std() == pytest.approx(0.5, rel=0.03)


def test_two_moons_lie_on_their_circles():
    data = two_moons(101, noise=0.0, seed=3)
    outer, inner = data.X[data.y == 0], data.X[data.y == 1]
    assert (len(outer), len(inner)) == (51, 50)
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0)  # unit circle about the origin
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1.0)  # about (1, ½)
    assert outer[:, 1].min() >= 0 and inner[:, 1].max() <= 0.5


def test_spirals_and_blobs_shapes_and_balance():
    data = spirals(300, classes=3, noise=0.0, seed=0)
    assert data.X.shape == (300, 2) and list(np.bincount(data.y)) == [100, 100, 100]
    assert np.hypot(*data.X.T).max() <= 1.0
    centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    data = blobs(4000, centers, std=0.5, seed=0)
    for c in range(2):  # sample means within 4 standard errors of the centers
        np.testing.assert_allclose(data.X[data.y == c].mean(axis=0), centers[c], atol=4 * 0.5 / 44)
    assert blobs(10, 4, seed=1).info["centers"].shape == (4, 2)
    np.testing.assert_array_equal(blobs(10, 4, seed=1).X, blobs(10, 4, seed=1).X)  # seeded


def test_memory_task_label_is_the_first_step():
    data = memory_task(50, length=30, seed=0)
    assert data.X.shape == (50, 30, 1)
    np.testing.assert_array_equal(data.X[:, 0, 0], 2 * data.y - 1)


def test_synthetic_sets_validate_arguments():
    with pytest.raises(ValueError, match="noise"):
        two_moons(10, noise=-1.0)
    with pytest.raises(ValueError, match="classes"):
        spirals(10, classes=0)
    with pytest.raises(ValueError, match="std"):
        blobs(10, std=0.0)
    with pytest.raises(ValueError, match="centers"):
        blobs(10, centers=np.zeros(3))


def test_digits_shape_range_and_class_counts():
    data = digits()
    assert data.X.shape == (1797, 64) and data.y.shape == (1797,)
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    np.testing.assert_array_equal(data.X * 16, np.round(data.X * 16))  # pixels are counts 0..16
    counts = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]  # the UCI test-set description
    assert sum(counts) == 1797
    np.testing.assert_array_equal(np.bincount(data.y), counts)
    assert data.n_classes == 10 and data.info["licence"] == "CC BY 4.0"
    assert digits() is digits()  # loaded once


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 60),
    batch_size=st.integers(1, 70),
    seed=st.integers(0, 2**32 - 1),
    shuffle=st.booleans(),
)
def test_every_epoch_without_replacement_is_a_permutation(n, batch_size, seed, shuffle):
    batches = list(minibatches(n, batch_size, seed, shuffle=shuffle))
    assert len(batches) == -(-n // batch_size)
    assert all(len(b) == batch_size for b in batches[:-1]) and 1 <= len(batches[-1]) <= batch_size
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(3, 80),
    fractions=st.lists(st.floats(0.1, 0.5), min_size=1, max_size=3).filter(lambda f: sum(f) <= 1),
    seed=st.integers(0, 100),
)
def test_split_is_a_partition(n, fractions, seed):
    try:
        parts = numbered(n).split(fractions, seed=seed)
    except ValueError as error:  # only a part that rounds to nothing is refused
        assert "empty part" in str(error)
        return
    rows = np.concatenate([p.X[:, 0] for p in parts])
    np.testing.assert_array_equal(np.sort(rows), np.arange(n))
    assert len(parts) == len(fractions) + (sum(fractions) < 1 - 1e-9)
