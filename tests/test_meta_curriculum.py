"""Curricula: which examples each epoch sees, sampling probabilities, use with dlopt.fit."""

import math

import numpy as np
import pytest

from dlopt import fit
from dlopt.data import Dataset
from dlopt.meta import Curriculum
from dlopt.nn import mlp
from dlopt.optim import SGD

DIFFICULTY = np.random.default_rng(0).permutation(100).astype(float)  # example i has rank d_i


def test_competence_grows_linearly_to_one():
    c = Curriculum(DIFFICULTY, 10, start=0.25, epochs_to_full=3)
    assert [c.competence(e) for e in (1, 2, 3, 4, 9)] == [0.25, 0.5, 0.75, 1.0, 1.0]


def test_deterministic_epochs_see_exactly_the_easiest_examples_once():
    c = Curriculum(DIFFICULTY, 10, start=0.25, epochs_to_full=3)
    for epoch, size in [(1, 25), (2, 50), (4, 100)]:
        batches = c(epoch, np.random.default_rng(epoch))
        seen = np.concatenate(batches)
        assert sorted(seen) == sorted(np.flatnonzero(DIFFICULTY < size))  # the `size` easiest
        assert max(len(b) for b in batches) == 10
    np.testing.assert_array_equal(c.pool(1), np.argsort(DIFFICULTY)[:25])  # easiest first
    ordered = Curriculum(DIFFICULTY, 10, start=0.3, epochs_to_full=3, shuffle=False)
    batches = ordered(1, np.random.default_rng(0))
    np.testing.assert_array_equal(DIFFICULTY[np.concatenate(batches)], np.arange(30.0))


def test_stochastic_probabilities_mix_easy_and_hard_then_become_uniform():
    c = Curriculum(DIFFICULTY, 10, kind="stochastic", start=0.2, epochs_to_full=4, sharpness=5)
    p = c.probabilities(1)
    assert p.sum() == pytest.approx(1.0, rel=1e-14)
    easiest, hardest = np.argmin(DIFFICULTY), np.argmax(DIFFICULTY)
    assert p[easiest] / p[hardest] == pytest.approx(math.exp(5), rel=1e-12)  # e^{λ(1)}, λ(1) = 5
    assert np.all(p > 0)  # the hard ones are still in the mix
    assert p[easiest] / p[hardest] > c.probabilities(3)[easiest] / c.probabilities(3)[hardest]
    np.testing.assert_allclose(c.probabilities(5), np.full(100, 0.01), rtol=1e-14)


def test_stochastic_draws_follow_the_probabilities():
    c = Curriculum(DIFFICULTY, 50, kind="stochastic", start=0.2, epochs_to_full=4)
    rng = np.random.default_rng(0)
    draws = np.concatenate([np.concatenate(c(1, rng)) for _ in range(200)])  # 20 000 draws
    easy = DIFFICULTY < 50
    share, p = np.mean(easy[draws]), c.probabilities(1)[easy].sum()
    assert abs(share - p) < 5 * math.sqrt(p * (1 - p) / draws.size)


def test_a_curriculum_is_a_sampler_for_fit():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 2))
    y = (X[:, 0] > 0).astype(int)
    curriculum = Curriculum(-np.abs(X[:, 0]), 10, start=0.5, epochs_to_full=2)  # far = easy
    record = fit(
        mlp([2, 4, 2]),
        SGD(lr=0.5),
        Dataset(X, y),
        epochs=4,
        batch_size=10,
        seed=0,
        sampler=curriculum,
    )
    assert list(record.extras["epoch_end"]) == [0, 3, 8, 14, 20]  # 30, 45, 60, 60 examples
    assert record.extras["train_accuracy"][-1] > 0.9


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="kind must be one of"):
        Curriculum(DIFFICULTY, 10, kind="random")
    with pytest.raises(ValueError, match=r"start must lie in \(0, 1\]"):
        Curriculum(DIFFICULTY, 10, start=1.5)
    with pytest.raises(ValueError, match="start must be > 0"):
        Curriculum(DIFFICULTY, 10, start=0.0)
    with pytest.raises(ValueError, match="difficulty must be 1-D"):
        Curriculum(np.zeros((3, 2)), 10)
    with pytest.raises(FloatingPointError, match="difficulty has 1 non-finite"):
        Curriculum([0.0, np.nan], 10)
    with pytest.raises(ValueError, match="epoch must be an integer >= 1, got epoch=0"):
        Curriculum(DIFFICULTY, 10).competence(0)
