"""The tuning protocol of method comparisons (AlgoPerf's external-tuning ruleset; Schmidt et al.,
"Descending through a crowded valley"), as plain functions of measured scores.

- Each method declares a :class:`SearchSpace`: learning rates 2^k on a log₂ grid and the
  values of its momentum parameter; every method of a comparison gets the same number of
  trials (:func:`check_spaces`).
- A trial's score is the validation metric at the end of the budget, averaged over the tuning
  seeds (a diverged trial scores +∞); :func:`select` takes the lowest.
- A selection on the edge of the learning-rate grid extends the grid once in that direction
  (:meth:`SearchSpace.extended`); still on the edge, the comparison is inconclusive.
- Final runs use fresh seeds, disjoint from the tuning seeds, paired across methods; their
  difference is read in three ways (:func:`reading`) and summarized by the probability of
  improvement (:func:`probability_of_improvement`).
- The optimal learning rate of a sensitivity curve is its argmin refined by a parabola in
  log₂ lr through the three best points (:func:`refined_argmin`).

Nothing here imports PyTorch: the protocol is a function of scores, whoever trains.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ratecheck.errors import UsageError
from ratecheck.verify.estimators import Estimate

EXTEND_BY = 2  # learning rates added beyond an edge selection (the one extension allowed)


@dataclass(frozen=True)
class SearchSpace:
    """Learning rates 2^k for k in ``lr_log2`` (evenly spaced, ascending) × ``momentum``
    values (the method's own momentum parameter: α of the LMO methods, β₁ of AdamW, …)."""

    lr_log2: tuple[float, ...]
    momentum: tuple[float, ...]

    @property
    def trials(self) -> list[tuple[float, float]]:
        """(log₂ lr, momentum) of every trial, momentum-major."""
        return [(k, m) for m in self.momentum for k in self.lr_log2]

    @property
    def spacing(self) -> float:
        """The step of the log₂ grid (1 for a grid of one value)."""
        return self.lr_log2[1] - self.lr_log2[0] if len(self.lr_log2) > 1 else 1.0

    def extended(self, side: int, by: int = EXTEND_BY) -> SearchSpace:
        """Only the new trials: ``by`` learning rates beyond the low (side −1) or high (+1) end."""
        end = self.lr_log2[0] if side < 0 else self.lr_log2[-1]
        new = tuple(end + side * self.spacing * i for i in range(1, by + 1))
        return SearchSpace(tuple(sorted(new)), self.momentum)


def check_spaces(spaces: Mapping[str, SearchSpace]) -> None:
    """A UsageError (one line) for an empty space or unequal trial counts across methods."""
    for name, space in spaces.items():
        if not space.lr_log2 or not space.momentum:
            raise UsageError(
                f"the search space of {name} is empty: give at least one learning rate and "
                "one momentum value"
            )
        steps = np.diff(space.lr_log2)
        if np.any(steps <= 0) or not np.allclose(steps, steps[0] if steps.size else 0):
            raise UsageError(
                f"the learning rates of {name} must be an ascending, evenly spaced log₂ grid; "
                f"got 2^{list(space.lr_log2)}"
            )
    counts = {name: len(space.trials) for name, space in spaces.items()}
    if len(set(counts.values())) > 1:
        shown = ", ".join(f"{n} {c}" for n, c in counts.items())
        raise UsageError(f"every method must get the same number of trials; got {shown}")


@dataclass(frozen=True)
class Selection:
    """The chosen trial: its log₂ lr, momentum, score, and the edge it lies on (−1 the lowest
    learning rate of the grid searched, +1 the highest, 0 inside)."""

    lr_log2: float
    momentum: float
    score: float
    edge: int
    trials: int

    @property
    def lr(self) -> float:
        return 2.0**self.lr_log2

    @property
    def trial(self) -> tuple[float, float]:
        """(log₂ lr, momentum), as in :attr:`SearchSpace.trials`."""
        return self.lr_log2, self.momentum


def score(per_seed: np.ndarray) -> float:
    """A trial's score: its final validation loss averaged over the seeds, +∞ where any seed
    diverged (a non-finite loss)."""
    per_seed = np.asarray(per_seed, dtype=float)
    return float(np.mean(per_seed)) if np.all(np.isfinite(per_seed)) else math.inf


def select(scores: Mapping[tuple[float, float], float]) -> Selection:
    """The trial of lowest score (ties: the first in the order given); its edge on the grid
    of the learning rates scored. Every score non-finite: the smallest lr, on the low edge."""
    trials = list(scores)
    values = np.array([scores[t] for t in trials], dtype=float)
    values = np.where(np.isfinite(values), values, np.inf)
    best = int(np.argmin(values))
    lr_log2, momentum = trials[best]
    lrs = sorted({t[0] for t in trials})
    edge = -1 if lr_log2 == lrs[0] else (1 if lr_log2 == lrs[-1] else 0)
    return Selection(lr_log2, momentum, float(values[best]), edge, len(trials))


def refined_argmin(lr_log2: Sequence[float], losses: Sequence[float]) -> float:
    """log₂ lr* of a sensitivity curve: the vertex of the parabola through its three lowest
    points when that parabola is convex and its vertex lies between them, else the argmin.
    Non-finite losses (diverged) never count among the best; none finite gives NaN."""
    x, y = np.asarray(lr_log2, dtype=float), np.asarray(losses, dtype=float)
    finite = np.isfinite(y)
    if not finite.any():
        return math.nan
    x, y = x[finite], y[finite]
    order = np.argsort(y, kind="stable")
    if x.size < 3:
        return float(x[order[0]])
    best = order[:3]
    a, b, _ = np.polyfit(x[best], y[best], 2)
    if a > 0:
        vertex = -b / (2 * a)
        if x[best].min() <= vertex <= x[best].max():
            return float(vertex)
    return float(x[order[0]])


def on_edge(lr_log2_star: float, lr_log2: Sequence[float]) -> bool:
    """The refined optimum at (or beyond) either end of the grid searched."""
    return not (min(lr_log2) < lr_log2_star < max(lr_log2))


def probability_of_improvement(a: np.ndarray, b: np.ndarray) -> Estimate:
    """P(A_s < B_s) over paired seeds (ties count ½), with the Wilson 95% interval."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    n = int(keep.sum())
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan)
    wins = float(np.sum(a[keep] < b[keep]) + 0.5 * np.sum(a[keep] == b[keep]))
    p, z = wins / n, NormalDist().inv_cdf(0.975)
    center = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, max(0.0, center - half), min(1.0, center + half))


def reading(estimate: Estimate, a: str, b: str) -> str:
    """The 95% interval of mean log(A/B) read against 0: "A significantly better", "no
    significant difference" or "B significantly better" (lower is better)."""
    if estimate.ci_high < 0:
        return f"{a} significantly better"
    if estimate.ci_low > 0:
        return f"{b} significantly better"
    return "no significant difference"


__all__ = [
    "EXTEND_BY",
    "SearchSpace",
    "Selection",
    "check_spaces",
    "on_edge",
    "probability_of_improvement",
    "reading",
    "refined_argmin",
    "score",
    "select",
]
