"""Estimators: traces in, a statistic with a bootstrap confidence interval over seeds out.

Every estimator works on host arrays shaped (S, n) (seeds × checkpoints or grid points). The
point estimate is computed on the seed-mean of the log-quantity; the CI resamples seeds with
replacement (percentile bootstrap, fixed generator, so results are reproducible bit for bit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BOOTSTRAP_SEED = 20210711


@dataclass(frozen=True)
class Estimate:
    value: float
    ci_low: float
    ci_high: float

    def __iter__(self):
        return iter((self.value, self.ci_low, self.ci_high))


def bootstrap(
    statistic: Callable[[np.ndarray], float],
    n_seeds: int,
    n_boot: int = 400,
    level: float = 0.95,
) -> Estimate:
    """statistic(seed indices) on all seeds, with a percentile CI over resampled seed sets."""
    value = float(statistic(np.arange(n_seeds)))
    if n_seeds < 2:
        return Estimate(value, value, value)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = np.array([statistic(rng.integers(0, n_seeds, n_seeds)) for _ in range(n_boot)])
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return Estimate(value, np.nan, np.nan)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return Estimate(value, float(lo), float(hi))


def paired_mean(differences: np.ndarray, level: float = 0.95) -> Estimate:
    """Mean of paired differences with Student's t interval (n − 1 degrees of freedom): the
    honest interval for the handful of seeds a network comparison affords, where a percentile
    bootstrap over 3–8 seeds is far too narrow."""
    from scipy import stats

    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return Estimate(float(np.mean(d)) if d.size else np.nan, np.nan, np.nan)
    half = stats.t.ppf((1 + level) / 2, d.size - 1) * np.std(d, ddof=1) / np.sqrt(d.size)
    return Estimate(float(np.mean(d)), float(np.mean(d) - half), float(np.mean(d) + half))


def fit_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares (slope, intercept) of y against x over the finite entries."""
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 2:
        return np.nan, np.nan
    slope, intercept = np.polyfit(x[ok], y[ok], 1)
    return float(slope), float(intercept)


def loglog_slope(x: np.ndarray, y: np.ndarray) -> Estimate:
    """Slope of log y against log x; y has shape (S, n) (a censored or diverged entry is NaN).

    The point estimate fits the seed-mean of log y; a grid point where any seed is NaN makes the
    estimate NaN (censored runs are never dropped silently).
    """
    logx, logy = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))

    def stat(idx: np.ndarray) -> float:
        mean = logy[idx].mean(axis=0)
        return fit_line(logx, mean)[0] if np.all(np.isfinite(mean)) else np.nan

    return bootstrap(stat, logy.shape[0])


def linear_rate(t: np.ndarray, err: np.ndarray, window: tuple[int, int]) -> Estimate:
    """Per-step contraction factor exp(slope of log err against t) over t ∈ [window].

    err has shape (S, n). Entries that are zero or non-finite (underflow, divergence) are left
    out of the fit; the window should sit after the transient.
    """
    t = np.asarray(t, float)
    inside = (t >= window[0]) & (t <= window[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        logerr = np.where(err > 0, np.log(err), np.nan)[:, inside]

    def stat(idx: np.ndarray) -> float:
        return float(np.exp(fit_line(t[inside], logerr[idx].mean(axis=0))[0]))

    return bootstrap(stat, logerr.shape[0])


def hitting_times(steps: np.ndarray, err: np.ndarray, target: float) -> np.ndarray:
    """First checkpoint step with err ≤ target, per seed; NaN where never reached (censored)."""
    below = err <= target
    first = np.argmax(below, axis=1)
    return np.where(below.any(axis=1), np.asarray(steps, float)[first], np.nan)


def envelope_ratio(measured: np.ndarray, bound: np.ndarray) -> float:
    """max over seeds and checkpoints of measured/bound (≤ 1 means the bound holds everywhere)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.asarray(measured, float) / np.asarray(bound, float)
    return float(np.nanmax(ratio))


def max_relative_error(measured: np.ndarray, predicted: np.ndarray) -> float:
    """max |measured − predicted| / |predicted| over all entries."""
    return float(np.nanmax(np.abs(measured - predicted) / np.abs(predicted)))


def decade_window(
    steps: np.ndarray, err: np.ndarray, upper: float, lower: float
) -> tuple[int, int]:
    """The t-range where the seed-mean relative error lies between ``upper`` and ``lower``:
    after the transient (first t with error ≤ upper), before round-off (first t ≤ lower, or the
    last step). err is (S, n) relative to its value at t = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.exp(np.nanmean(np.log(err), axis=0))
    below_upper = np.nonzero(mean <= upper)[0]
    below_lower = np.nonzero(mean <= lower)[0]
    start = int(steps[below_upper[0]]) if below_upper.size else int(steps[0])
    end = int(steps[below_lower[0]]) if below_lower.size else int(steps[-1])
    return start, end


def loglog_slope_difference(x: np.ndarray, y1: np.ndarray, y2: np.ndarray) -> Estimate:
    """slope(log y1) − slope(log y2) against log x, for y1, y2 of shape (S, n) measured on the
    same seeds: the bootstrap resamples seeds jointly (a paired comparison)."""
    logx = np.log(np.asarray(x, float))
    logy1, logy2 = np.log(np.asarray(y1, float)), np.log(np.asarray(y2, float))

    def stat(idx: np.ndarray) -> float:
        m1, m2 = logy1[idx].mean(axis=0), logy2[idx].mean(axis=0)
        if not (np.all(np.isfinite(m1)) and np.all(np.isfinite(m2))):
            return np.nan
        return fit_line(logx, m1)[0] - fit_line(logx, m2)[0]

    return bootstrap(stat, logy1.shape[0])
