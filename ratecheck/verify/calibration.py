"""The calibration study: how often does an estimator's 95% interval cover the truth?

Traces are simulated with a known exponent, linear rate or mean and the noise that real runs
show: a log-normal level per seed, a per-seed spread of the rate itself, heteroscedastic grid
points (noise growing along the grid) and occasional censored entries (a run that never
reached its target: NaN). Each replication runs the estimator that the claims use on S seeds
and checks whether its interval covers the truth. A replication whose estimate is NaN (a
censored entry) covers nothing and decides nothing: it is counted apart as ``undecided``.

``coverage(case, seeds, replications)`` returns a :class:`Coverage`; the interval passes when
the 95% Wilson interval of its coverage lies inside [0.93, 0.97]. ``method`` names the
interval: "t" (Student's t over per-seed statistics, what the estimators use), "bootstrap"
(the percentile bootstrap they used before) or "narrowed" (t made 20% narrower: the study must
reject it). ``decision_rates`` measures the verdict rule itself at the edge of a tolerance
band: how often a point whose truth lies just outside the band is said to hold, and how often
one whose truth lies just inside is said to be refuted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ratecheck.verify.estimators import (
    Estimate,
    bootstrap,
    fit_line,
    linear_rate,
    loglog_slope,
    paired_mean,
)
from ratecheck.verify.verdict import ALPHA, Point, decide

CASES = ("exponent", "linear-rate", "mean")
METHODS = ("t", "bootstrap", "narrowed")
STUDY_SEED = 20261206
TRUE_EXPONENT, TRUE_RATE, TRUE_MEAN = -0.25, 0.97, 0.3
CENSORING = 0.002  # chance that one (seed, grid point) entry is censored


@dataclass(frozen=True)
class Coverage:
    case: str
    method: str
    seeds: int
    covered: int
    decided: int  # replications with a finite interval
    undecided: int  # replications whose estimate was NaN (censored entries)

    @property
    def rate(self) -> float:
        return self.covered / self.decided if self.decided else math.nan

    def wilson(self, level: float = 0.95) -> tuple[float, float]:
        """The Wilson score interval of the coverage."""
        from scipy import stats

        n, p = self.decided, self.rate
        z = float(stats.norm.ppf((1 + level) / 2))
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return centre - half, centre + half

    @property
    def calibrated(self) -> bool:
        """The 95% Wilson interval of the coverage lies inside [0.93, 0.97]."""
        low, high = self.wilson()
        return 0.93 <= low and high <= 0.97


def simulate(case: str, seeds: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(x, data): one replication's grid (or steps) and (S, n) data with the known truth."""
    if case == "exponent":
        x = np.geomspace(1e3, 1e5, 5)
        level = rng.normal(0, 0.5, (seeds, 1))  # log-normal per-seed level
        slope = TRUE_EXPONENT + rng.normal(0, 0.02, (seeds, 1))  # per-seed spread of the rate
        sigma = 0.02 * (1 + np.arange(x.size))  # heteroscedastic: noisier along the grid
        logy = level + slope * np.log(x) + sigma * rng.normal(size=(seeds, x.size))
        return x, _censor(np.exp(logy), rng)
    if case == "linear-rate":
        t = np.arange(0, 200, 10, dtype=float)
        level = rng.normal(0, 0.5, (seeds, 1))
        log_rate = math.log(TRUE_RATE) + rng.normal(0, 0.002, (seeds, 1))
        sigma = 0.05 * (1 + t / t[-1])
        noise = sigma * rng.normal(size=(seeds, t.size))
        return t, _censor(np.exp(level + log_rate * t + noise), rng)
    if case == "mean":  # paired log-ratios of two log-normal losses
        a = np.exp(rng.normal(TRUE_MEAN, 0.4, seeds))
        b = np.exp(rng.normal(0.0, 0.4, seeds))
        return np.arange(seeds), np.log(a) - np.log(b)
    raise ValueError(f"unknown case '{case}'; valid: {', '.join(CASES)}")


def _censor(data: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.where(rng.random(data.shape) < CENSORING, np.nan, data)


def estimate(case: str, x: np.ndarray, data: np.ndarray) -> Estimate:
    """The claims' estimator for ``case``."""
    if case == "exponent":
        return loglog_slope(x, data)
    if case == "linear-rate":
        return linear_rate(x, data, (int(x[0]), int(x[-1])))
    return paired_mean(data)


def _bootstrap(case: str, x: np.ndarray, data: np.ndarray) -> tuple[float, float]:
    if case == "exponent":
        logx, logy = np.log(x), np.log(data)

        def stat(idx: np.ndarray) -> float:
            return fit_line(logx, logy[idx].mean(axis=0))[0]

    elif case == "linear-rate":
        logy = np.log(data)

        def stat(idx: np.ndarray) -> float:
            return math.exp(fit_line(x, logy[idx].mean(axis=0))[0])

    else:

        def stat(idx: np.ndarray) -> float:
            return float(np.mean(data[idx]))

    est = bootstrap(stat, data.shape[0])
    return est.ci_low, est.ci_high


def interval(case: str, method: str, x: np.ndarray, data: np.ndarray) -> tuple[float, float]:
    """The 95% interval of ``method`` on one replication."""
    est = estimate(case, x, data)
    if not math.isfinite(est.value):
        return math.nan, math.nan
    if method == "t":
        return est.ci_low, est.ci_high
    if method == "narrowed":
        return _narrow(est)
    if method == "bootstrap":
        return _bootstrap(case, x, data)
    raise ValueError(f"unknown interval method '{method}'; valid: {', '.join(METHODS)}")


def _narrow(est: Estimate) -> tuple[float, float]:
    """The t interval made 20% narrower about its centre."""
    centre = (est.ci_low + est.ci_high) / 2
    half = 0.8 * (est.ci_high - est.ci_low) / 2
    return centre - half, centre + half


def truth(case: str) -> float:
    return {"exponent": TRUE_EXPONENT, "linear-rate": TRUE_RATE, "mean": TRUE_MEAN}[case]


def coverage(
    case: str, seeds: int, replications: int, method: str = "t", seed: int = STUDY_SEED
) -> Coverage:
    """How often ``method``'s 95% interval covers the truth of ``case`` over ``replications``
    simulated experiments of ``seeds`` seeds each."""
    rng = np.random.default_rng([seed, CASES.index(case), seeds])
    covered = decided = undecided = 0
    for _ in range(replications):
        x, data = simulate(case, seeds, rng)
        low, high = interval(case, method, x, data)
        if not (math.isfinite(low) and math.isfinite(high)):
            undecided += 1
            continue
        decided += 1
        covered += int(low <= truth(case) <= high)
    return Coverage(case, method, seeds, covered, decided, undecided)


def decision_rates(
    seeds: int,
    replications: int,
    points: int,
    alpha: float = ALPHA,
    tolerance: float = 0.05,
    seed: int = STUDY_SEED,
    judge: Callable[[list[Point], float], str] = decide,
) -> dict[str, float]:
    """The verdict rule's error rates at the edges of a tolerance band, on ``points`` exponent
    points judged together (each from ``seeds`` simulated seeds):

    - "false_hold": how often a claim whose every point lies just outside its band (truth =
      predicted + 1.02·tol) is said to hold;
    - "false_refute": how often one whose every point lies just inside (truth = predicted +
      0.98·tol) is said to be refuted;
    - "power": how often one whose every point lies at the centre of its band holds.

    The first two must stay at or below ``alpha``. ``judge(points, alpha)`` is the rule."""
    rng = np.random.default_rng([seed, seeds, points])

    def outcome(runs: list[tuple[np.ndarray, np.ndarray]]) -> str:
        return judge([_slope_point(x, data, tolerance) for x, data in runs], alpha)

    return _edge_rates(rng, replications, points, seeds, tolerance, outcome)


def _slope_point(x: np.ndarray, data: np.ndarray, tolerance: float) -> Point:
    return Point.of("p", "exponent", TRUE_EXPONENT, loglog_slope(x, data), tolerance)


def _edge_rates(
    rng: np.random.Generator,
    replications: int,
    points: int,
    seeds: int,
    tolerance: float,
    outcome: Callable[[list[tuple[np.ndarray, np.ndarray]]], str],
) -> dict[str, float]:
    """The three scenarios of :func:`decision_rates`: each replication draws ``points``
    exponent runs of ``seeds`` seeds with the true slope shifted by offset·tol, and
    ``outcome(runs)`` decides them."""
    rates = {}
    for name, offset, wrong in (
        ("false_hold", 1.02, "holds"),
        ("false_refute", 0.98, "refuted"),
        ("power", 0.0, "holds"),
    ):
        count = 0
        for _ in range(replications):
            runs = []
            for _ in range(points):
                x, data = simulate("exponent", seeds, rng)
                runs.append((x, data * x ** (offset * tolerance)))  # shifts the true slope
            count += outcome(runs) == wrong
        rates[name] = count / replications
    return rates


def point_estimate_rule(points: list[Point], alpha: float) -> str:
    """The rule verdicts used before intervals decided them: a point holds when its estimate
    lies inside the band (kept as the study's example of a rule that fails it)."""
    del alpha
    return "holds" if all(p.holds_exactly for p in points) else "refuted"


def adaptive_rates(
    seeds: int,
    replications: int,
    points: int,
    looks: int,
    alpha: float = ALPHA,
    tolerance: float = 0.05,
    seed: int = STUDY_SEED,
) -> dict[str, float]:
    """The error rates of the whole adaptive procedure (:func:`ratecheck.verify.api.verify`):
    look k judges the first seeds·2^k seeds (prefix-stable, as the streams are) at α/looks and
    stops once the claim holds or is refuted. Same scenarios as :func:`decision_rates`."""
    rng = np.random.default_rng([seed, seeds, points, looks])

    def outcome(runs: list[tuple[np.ndarray, np.ndarray]]) -> str:
        for k in range(looks):
            used = seeds * 2**k
            decided = decide([_slope_point(x, d[:used], tolerance) for x, d in runs], alpha / looks)
            if decided != "inconclusive":
                break
        return decided

    return _edge_rates(rng, replications, points, seeds * 2 ** (looks - 1), tolerance, outcome)
