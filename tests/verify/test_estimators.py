"""Estimators recover known slopes and rates from synthetic traces."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratecheck.verify.estimators import (
    bootstrap,
    envelope_ratio,
    hitting_times,
    linear_rate,
    loglog_slope,
)


@settings(max_examples=25, deadline=None)
@given(st.floats(-2, 2), st.floats(0.01, 0.2), st.integers(2, 12))
def test_loglog_slope_recovers_power(slope, noise, n_seeds):
    rng = np.random.default_rng(1)
    x = np.logspace(1, 4, 7)
    y = 3.0 * x**slope * np.exp(noise * rng.standard_normal((n_seeds, x.size)))
    est = loglog_slope(x, y)
    assert est.value == pytest.approx(slope, abs=4 * noise)
    if n_seeds > 2:
        assert est.ci_low <= est.value <= est.ci_high


def test_loglog_slope_exact_and_censored():
    x = np.array([10.0, 100.0, 1000.0])
    y = np.tile(x**0.5, (4, 1))
    assert loglog_slope(x, y).value == pytest.approx(0.5, abs=1e-12)
    y[1, 2] = np.nan  # a censored run is not dropped: the estimate is NaN
    assert np.isnan(loglog_slope(x, y).value)


@given(st.floats(0.5, 0.999), st.floats(0, 6.28))
def test_linear_rate_recovers_factor_through_oscillation(rate, phase):
    t = np.arange(2000)
    osc = 1.5 + np.cos(0.3 * t + phase)  # bounded oscillation, as for complex eigenvalues
    err = np.stack([rate**t * osc, 2 * rate**t * osc])
    est = linear_rate(t, err, (0, 2000))
    assert est.value == pytest.approx(rate, rel=2e-3)


def test_linear_rate_ignores_underflow_and_window():
    t = np.arange(100)
    err = np.tile(np.where(t < 50, 0.9**t, 0.0), (3, 1))
    assert linear_rate(t, err, (0, 99)).value == pytest.approx(0.9, rel=1e-12)
    two_phase = np.tile(np.where(t < 30, 0.5**t, 0.5**30 * 0.8 ** (t - 30)), (2, 1))
    assert linear_rate(t, two_phase, (40, 99)).value == pytest.approx(0.8, rel=1e-12)


def test_hitting_times_first_crossing_and_censoring():
    steps = np.arange(6)
    err = np.array([[1, 0.5, 0.1, 0.01, 0.2, 0.001], [1, 1, 1, 1, 1, 1.0]])
    np.testing.assert_array_equal(hitting_times(steps, err, 0.1), [2, np.nan])


def test_envelope_ratio():
    assert envelope_ratio(np.array([[1.0, 0.5]]), np.array([2.0, 0.25])) == 2.0


def test_bootstrap_is_reproducible_and_degenerate_for_one_seed():
    data = np.random.default_rng(3).standard_normal(10)
    a = bootstrap(lambda idx: data[idx].mean(), 10)
    b = bootstrap(lambda idx: data[idx].mean(), 10)
    assert a == b
    one = bootstrap(lambda idx: data[idx].mean(), 1)
    assert one.ci_low == one.value == one.ci_high


def test_local_slopes_are_the_observed_order_between_grid_neighbours():
    """y = x^{-1/4} on [10, 100] then x^{-1/2} on [100, 1000] (a slope that drifts): each
    segment's local slope is its own exponent; the global fit hides the change."""
    from ratecheck.verify.estimators import local_slopes, loglog_slope

    x = np.array([10.0, 100.0, 1000.0])
    base = np.array([1.0, 10.0**-0.25, 10.0**-0.75])
    y = base * np.exp(np.random.default_rng(0).normal(0, 1e-3, (5, 3)))
    slopes = local_slopes(x, y)
    assert [round(s.value, 2) for s in slopes] == [-0.25, -0.5]
    assert all(s.df == 4 and s.ci_low < s.value < s.ci_high for s in slopes)
    assert loglog_slope(x, y).local == slopes


def test_a_point_whose_local_slopes_move_away_is_flagged_drifting():
    from ratecheck.verify.estimators import loglog_slope
    from ratecheck.verify.verdict import Point

    x = np.array([10.0, 100.0, 1000.0, 10_000.0])
    drifting = np.array([1.0, 10.0**-0.25, 10.0**-0.55, 10.0**-1.0])  # slopes -.25, -.3, -.45
    steady = x**-0.25
    noise = np.exp(np.random.default_rng(1).normal(0, 1e-3, (6, 4)))
    away = Point.of("p", "exponent", -0.25, loglog_slope(x, drifting * noise), 0.05)
    on = Point.of("p", "exponent", -0.25, loglog_slope(x, steady * noise), 0.05)
    assert away.drifting and not on.drifting
