"""Estimators: traces in, a statistic with a confidence interval over seeds out.

Every estimator works on host arrays shaped (S, n) (seeds × checkpoints or grid points). The
point estimate is computed on the seed-mean of the log-quantity. The statistics here are linear
in the per-seed data (least-squares slopes, means), so the point estimate is also the mean of
one statistic per seed, and its interval is Student's t over those S per-seed statistics
(S − 1 degrees of freedom). The calibration study (:mod:`ratecheck.verify.calibration`,
docs in DEVELOPERS.md) measured this interval's coverage at the quick and full seed counts; the
percentile bootstrap it replaced covered far less than 95% at 4 seeds.

An :class:`Estimate` keeps its standard error and degrees of freedom, so a verdict can take the
interval at the level its decision needs (:meth:`Estimate.interval`); ``ci_low``/``ci_high``
are always the two-sided 95% interval.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BOOTSTRAP_SEED = 20210711
LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A statistic with its two-sided 95% interval; ``se`` and ``df``: its standard error and
    Student-t degrees of freedom (df = 0: no sampling law, e.g. a deterministic measurement);
    ``log_scale``: the interval is exp(log value ± t·se) (a rate from a log-slope)."""

    value: float
    ci_low: float
    ci_high: float
    se: float = math.nan
    df: int = 0
    log_scale: bool = False
    local: tuple[Estimate, ...] = ()  # an exponent's local slopes between grid neighbours

    def __iter__(self):
        return iter((self.value, self.ci_low, self.ci_high))

    def interval(self, level: float) -> tuple[float, float]:
        """The two-sided interval at ``level``: (NaN, NaN) without a sampling law."""
        return t_interval(self.value, self.se, self.df, level, self.log_scale)


def t_interval(
    value: float, se: float, df: int, level: float, log_scale: bool = False
) -> tuple[float, float]:
    """value ± t_{df, (1+level)/2}·se (on the log scale where ``log_scale``)."""
    from scipy import stats  # on first use: importing scipy.stats pulls in much of SciPy

    if df < 1 or not (math.isfinite(value) and math.isfinite(se)):
        return math.nan, math.nan
    if log_scale and value <= 0:
        return math.nan, math.nan
    center = math.log(value) if log_scale else value
    half = float(stats.t.ppf((1 + level) / 2, df)) * se
    low, high = center - half, center + half
    return (math.exp(low), math.exp(high)) if log_scale else (low, high)


def seed_t(value: float, per_seed: np.ndarray, log_scale: bool = False) -> Estimate:
    """``value`` with Student's t interval from its S per-seed statistics (their mean is the
    value, on the log scale where ``log_scale``); NaN interval where any is not finite or S < 2."""
    per_seed = np.asarray(per_seed, dtype=float)
    n = per_seed.size
    if n < 2 or not np.all(np.isfinite(per_seed)) or not math.isfinite(value):
        return Estimate(value, math.nan, math.nan)
    se = float(np.std(per_seed, ddof=1) / math.sqrt(n))
    low, high = t_interval(value, se, n - 1, LEVEL, log_scale)
    return Estimate(value, low, high, se, n - 1, log_scale)


def bootstrap(
    statistic: Callable[[np.ndarray], float],
    n_seeds: int,
    n_boot: int = 400,
    level: float = LEVEL,
) -> Estimate:
    """statistic(seed indices) on all seeds, with a percentile CI over resampled seed sets (the
    interval the estimators used before the calibration study; kept as its baseline)."""
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


def paired_mean(differences: np.ndarray) -> Estimate:
    """Mean of paired differences with Student's t interval (n − 1 degrees of freedom), over
    the finite differences."""
    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return Estimate(float(np.mean(d)) if d.size else np.nan, np.nan, np.nan)
    return seed_t(float(np.mean(d)), d)


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
    mean = logy.mean(axis=0)
    if not np.all(np.isfinite(mean)):
        return Estimate(np.nan, np.nan, np.nan)
    fit = seed_t(fit_line(logx, mean)[0], _slopes(logx, logy))
    return dataclasses.replace(fit, local=local_slopes(x, y) if logx.size > 2 else ())


def local_slopes(x: np.ndarray, y: np.ndarray) -> tuple[Estimate, ...]:
    """The observed order between consecutive grid points: the slope of log y against log x
    on each segment [x_j, x_{j+1}], with Student's t interval over the per-seed slopes (as the
    local slopes between successive refinements in a numerical PDE code's convergence table)."""
    logx, logy = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    per_seed = np.diff(logy, axis=1) / np.diff(logx)
    return tuple(seed_t(float(per_seed[:, j].mean()), per_seed[:, j]) for j in range(logx.size - 1))


def _slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row of y (S, n) against x (n,): the per-seed statistics
    whose mean is the slope of the seed-mean."""
    centred = x - x.mean()
    return (y - y.mean(axis=1, keepdims=True)) @ centred / (centred @ centred)


def linear_rate(t: np.ndarray, err: np.ndarray, window: tuple[int, int]) -> Estimate:
    """Per-step contraction factor exp(slope of log err against t) over t ∈ [window].

    err has shape (S, n). Entries that are zero or non-finite (underflow, divergence) are left
    out of the fit; the window should sit after the transient.
    """
    t = np.asarray(t, float)
    inside = (t >= window[0]) & (t <= window[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        logerr = np.where(err > 0, np.log(err), np.nan)[:, inside]

    mean = logerr.mean(axis=0)
    value = float(np.exp(fit_line(t[inside], mean)[0]))
    common = np.isfinite(mean)  # the steps every seed has: per-seed slopes on the same support
    if common.sum() < 2:
        return Estimate(value, np.nan, np.nan)
    return seed_t(value, _slopes(t[inside][common], logerr[:, common]), log_scale=True)


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
    same seeds: a paired comparison, its interval over the per-seed slope differences."""
    logx = np.log(np.asarray(x, float))
    logy1, logy2 = np.log(np.asarray(y1, float)), np.log(np.asarray(y2, float))
    m1, m2 = logy1.mean(axis=0), logy2.mean(axis=0)
    if not (np.all(np.isfinite(m1)) and np.all(np.isfinite(m2))):
        return Estimate(np.nan, np.nan, np.nan)
    value = fit_line(logx, m1)[0] - fit_line(logx, m2)[0]
    return seed_t(value, _slopes(logx, logy1) - _slopes(logx, logy2))
