"""Argument checks name the argument and show the bad value."""

import numpy as np
import pytest

from dlopt import _checks


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_positive_rejects(bad):
    with pytest.raises(ValueError, match="lr"):
        _checks.positive("lr", bad)


def test_positive_rejects_non_numbers():
    with pytest.raises(TypeError, match=r"lr='0\.1'"):
        _checks.positive("lr", "0.1")
    with pytest.raises(TypeError, match="lr=True"):
        _checks.positive("lr", True)


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5])
def test_unit_interval_rejects(bad):
    with pytest.raises(ValueError, match=rf"rho must lie in \[0, 1\), got rho={bad}"):
        _checks.unit_interval("rho", bad)


def test_unit_interval_accepts_zero():
    assert _checks.unit_interval("alpha", 0) == 0.0


def test_finite_array_reports_shape_and_nan():
    with pytest.raises(ValueError, match=r"gradient must have shape \(3,\), got shape \(2,\)"):
        _checks.finite_array("gradient", np.zeros(2), (3,))
    with pytest.raises(FloatingPointError, match="gradient has 1 non-finite"):
        _checks.finite_array("gradient", np.array([1.0, np.nan]))


class _Hessian:
    def __init__(self, H):
        self.H = H

    def hessian(self, theta):
        return self.H


def test_checked_hessian_returns_a_float_matrix_and_rejects_bad_ones():
    H = _checks.checked_hessian(_Hessian([[2, 1], [1, 3]]), np.zeros(2))
    assert H.dtype == float and H.tolist() == [[2.0, 1.0], [1.0, 3.0]]
    with pytest.raises(ValueError, match="symmetric"):
        _checks.checked_hessian(_Hessian([[2.0, 1.0], [0.0, 3.0]]), np.zeros(2))
    with pytest.raises(ValueError, match=r"hessian must have shape \(3, 3\)"):
        _checks.checked_hessian(_Hessian(np.eye(2)), np.zeros(3))
    with pytest.raises(FloatingPointError, match="hessian has 1 non-finite"):
        _checks.checked_hessian(_Hessian([[np.inf, 0.0], [0.0, 1.0]]), np.zeros(2))
    with pytest.raises(TypeError, match="object has no hessian"):
        _checks.checked_hessian(object(), np.zeros(2))


def test_positive_int():
    assert _checks.positive_int("steps", 3) == 3
    for bad in (0, -2, 2.5, True):
        with pytest.raises(ValueError, match="steps"):
            _checks.positive_int("steps", bad)
