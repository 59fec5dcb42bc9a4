"""Learning-rate schedules against their closed forms."""

import math

import pytest

from dlopt.schedules import Constant, Cosine, Exponential, LinearDecay, LinearWarmup, Step


def test_linear_decay_follows_the_notes_and_stays_at_lr_tau():
    s = LinearDecay(lr0=0.1, lr_tau=0.001, tau=100)
    assert s(0) == 0.1
    assert s(50) == pytest.approx(0.5 * 0.1 + 0.5 * 0.001, rel=1e-15)
    assert s(100) == 0.001
    assert all(s(k) == 0.001 for k in (101, 1000, 10**6))
    assert all(s(k + 1) < s(k) for k in range(100))


def test_step_exponential_cosine_closed_forms():
    assert [Step(1.0, step_size=3, gamma=0.5)(k) for k in range(7)] == [
        1,
        1,
        1,
        0.5,
        0.5,
        0.5,
        0.25,
    ]
    assert Exponential(2.0, gamma=0.9)(3) == pytest.approx(2.0 * 0.729, rel=1e-15)
    c = Cosine(1.0, tau=10, lr_min=0.1)
    assert c(0) == 1.0 and c(5) == pytest.approx(0.55) and c(10) == pytest.approx(0.1)
    assert c(11) == c(10)
    assert Constant(0.3)(7) == 0.3


def test_linear_warmup_ramps_then_hands_over():
    s = LinearWarmup(Exponential(1.0, gamma=0.5), warmup=4)
    assert [s(k) for k in range(6)] == [0.25, 0.5, 0.75, 1.0, 1.0, 0.5]
    assert LinearWarmup(0.2, warmup=2)(5) == 0.2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Constant(0.0), "lr=0.0"),
        (lambda: LinearDecay(0.1, -0.1, 10), "lr_tau=-0.1"),
        (lambda: LinearDecay(0.1, 0.01, 0), "tau=0"),
        (lambda: Step(0.1, 2, gamma=1.5), "gamma=1.5"),
        (lambda: Exponential(0.1, gamma=0.0), "gamma=0.0"),
        (lambda: Cosine(0.1, 10, lr_min=0.2), "lr_min=0.2"),
        (lambda: LinearWarmup(Constant(0.1), warmup=0), "warmup=0"),
        (lambda: LinearWarmup(-1.0, warmup=2), "schedule=-1.0"),
    ],
)
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_negative_step_is_refused():
    with pytest.raises(ValueError, match="k=-1"):
        Constant(0.1)(-1)


def test_schedules_compare_by_value_so_state_dicts_can_check_them():
    assert LinearDecay(0.1, 0.01, 5) == LinearDecay(0.1, 0.01, 5)
    assert math.isclose(LinearWarmup(Constant(0.1), 3)(2), 0.1)
