"""Verdicts: a measured statistic with its interval, the SymPy prediction, the tolerance, and
one of three outcomes — holds, refuted, inconclusive — with a stated error rate.

The tolerance band of each kind (PEPit's test style; reference/conventions.md §10): the claim
holds at a point when the true value lies in

    identity, exponent, counterexample   [predicted − tol, predicted + tol]
    tight, linear-rate                   [predicted − tol·|predicted|, predicted + tol·|predicted|]
    upper                                (−∞, predicted·(1 + tol)]
    lower                                [predicted·(1 − tol), ∞)
    comparison                           (−∞, predicted − tol)   (a paired difference A − B,
                                         lower is better: A significantly better by more than
                                         tol)

A point measured with a sampling law (an Estimate with a standard error and Student-t degrees
of freedom) is decided by its interval, as in equivalence testing (TOST) and statistical model
checking:

- **holds**: the (1 − 2α) interval lies inside the band (each one-sided end is a level-α test;
  a claim holds only when all its points hold, an intersection-union test, so the claim-level
  false-hold rate is at most α with no correction for the number of points);
- **refuted**: the (1 − 2α/m) interval lies outside the band, m the number of such points of
  the claim (Bonferroni: the claim-level false-refute rate is at most α);
- **inconclusive**: anything else, and a measurement that is NaN (diverged, censored).

A deterministic measurement (no sampling law) keeps its exact test: it holds or is refuted.
A claim (or its control) holds when every point holds and its runs finished, is refuted when
any point is refuted, and is inconclusive otherwise. A claim is **checked** only when it holds
and its control is refuted. ``calibration.py`` measures the intervals' coverage and these error
rates.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ratecheck.theory.claim import Claim
from ratecheck.verify.estimators import t_interval

ABSOLUTE = ("identity", "exponent", "counterexample")
RELATIVE = ("tight", "linear-rate")
OUTCOMES = ("holds", "refuted", "inconclusive")
ALPHA = 0.05  # the claim-level error rate of a verdict, each way (false hold, false refute)


def band(kind: str, predicted: float, tol: float) -> tuple[float, float]:
    """The values for which a claim of ``kind`` holds: (low, high), either end infinite."""
    if kind in ABSOLUTE:
        return predicted - tol, predicted + tol
    if kind in RELATIVE:
        return predicted - tol * abs(predicted), predicted + tol * abs(predicted)
    if kind == "upper":
        return -math.inf, predicted * (1 + tol)
    if kind == "lower":
        return predicted * (1 - tol), math.inf
    if kind == "comparison":
        return -math.inf, predicted - tol
    raise ValueError(f"unknown verdict kind '{kind}'; valid: {', '.join(KINDS)}")


KINDS = (*ABSOLUTE, *RELATIVE, "upper", "lower", "comparison")


def holds(kind: str, measured: float, predicted: float, tol: float) -> bool:
    """The exact test of a deterministic measurement; NaN (diverged, censored) never holds."""
    if not (math.isfinite(measured) and math.isfinite(predicted)):
        return False
    low, high = band(kind, predicted, tol)
    if kind == "comparison":
        return bool(measured < high)
    return bool(low <= measured <= high)


def deviation(kind: str, measured: float, predicted: float, tol: float) -> float:
    """How far a point is from its limit, in units of the tolerance (> 1 fails)."""
    if not (math.isfinite(measured) and math.isfinite(predicted)):
        return math.inf
    if kind in ABSOLUTE:
        return _ratio(abs(measured - predicted), tol)
    if kind in RELATIVE:
        return _ratio(abs(measured - predicted), tol * abs(predicted))
    if kind == "upper":
        limit = predicted * (1 + tol)
        return measured / limit if limit > 0 else (0.0 if measured <= limit else math.inf)
    if kind == "comparison":
        return 1.0 + (measured - (predicted - tol))
    return predicted * (1 - tol) / measured if measured > 0 else math.inf


def _ratio(excess: float, allowed: float) -> float:
    """excess/allowed, where a zero allowance admits only a zero excess."""
    if allowed > 0:
        return excess / allowed
    return 0.0 if excess == 0 else math.inf


@dataclass
class Point:
    """One judged measurement: at a grid value, of a given kind.

    ``ci_low``/``ci_high``: the two-sided 95% interval (NaN for a deterministic measurement);
    ``se``/``df``/``log_scale``: its sampling law, from which the decision intervals are taken
    (df = 0: none, the exact test decides); ``range_low``/``range_high``: a range the
    measurement was taken from (say, over seeds or steps), reported, never an interval."""

    label: str
    kind: str
    predicted: float
    measured: float
    tolerance: float
    ci_low: float = math.nan
    ci_high: float = math.nan
    note: str = ""
    method: str = ""  # the method measured (figures read this, never the label)
    where: dict[str, Any] = field(default_factory=dict)  # the grid point {axis: value}
    prediction: str = ""  # which prediction: "" the claim's, a named one, or "control"
    se: float = math.nan
    df: int = 0
    log_scale: bool = False
    range_low: float = math.nan
    range_high: float = math.nan
    local_slopes: list[float] = field(default_factory=list)  # an exponent's observed order
    local_low: list[float] = field(default_factory=list)  # their 95% intervals
    local_high: list[float] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        label: str,
        kind: str,
        predicted: float,
        estimate: Any,
        tolerance: float,
        note: str = "",
    ) -> Point:
        """A point from an estimator's Estimate (value, interval, sampling law and local
        slopes)."""
        local = getattr(estimate, "local", ())
        return cls(
            label,
            kind,
            predicted,
            estimate.value,
            tolerance,
            estimate.ci_low,
            estimate.ci_high,
            note,
            se=getattr(estimate, "se", math.nan),
            df=getattr(estimate, "df", 0),
            log_scale=getattr(estimate, "log_scale", False),
            local_slopes=[e.value for e in local],
            local_low=[e.ci_low for e in local],
            local_high=[e.ci_high for e in local],
        )

    @property
    def drifting(self) -> bool:
        """The local slopes move away from the prediction as the parameter grows: their
        distance to it grows on every segment and the last one's 95% interval lies outside the
        band (a pre-asymptotic trend that a global fit hides)."""
        if len(self.local_slopes) < 2 or not math.isfinite(self.predicted):
            return False
        distance = [abs(v - self.predicted) for v in self.local_slopes]
        growing = all(b > a for a, b in itertools.pairwise(distance))
        low, high = band(self.kind, self.predicted, self.tolerance)
        outside = self.local_high[-1] < low or self.local_low[-1] > high
        return growing and outside

    @property
    def stochastic(self) -> bool:
        """Measured with a sampling law: decided by its interval, not by the exact test."""
        return self.df >= 1 and math.isfinite(self.se)

    def interval(self, level: float) -> tuple[float, float]:
        """The two-sided interval at ``level`` (NaN for a deterministic point)."""
        return t_interval(self.measured, self.se, self.df, level, self.log_scale)

    def outcome(self, alpha: float = ALPHA, points: int = 1) -> str:
        """holds, refuted or inconclusive (module docstring), judged as one of ``points``
        stochastic points of its claim at the claim-level error ``alpha``."""
        if not (math.isfinite(self.measured) and math.isfinite(self.predicted)):
            return "inconclusive"
        if not self.stochastic:
            return "holds" if self.holds_exactly else "refuted"
        low_band, high_band = band(self.kind, self.predicted, self.tolerance)
        low, high = self.interval(1 - 2 * alpha)
        inside_high = high < high_band if self.kind == "comparison" else high <= high_band
        if low_band <= low and inside_high:
            return "holds"
        low, high = self.interval(1 - 2 * alpha / max(points, 1))
        if high < low_band or low > high_band:
            return "refuted"
        return "inconclusive"

    @property
    def holds_exactly(self) -> bool:
        """The point estimate inside the band (the exact test of a deterministic point)."""
        return holds(self.kind, self.measured, self.predicted, self.tolerance)

    @property
    def deviation(self) -> float:
        return deviation(self.kind, self.measured, self.predicted, self.tolerance)

    def record(self, alpha: float = ALPHA, points: int = 1) -> dict[str, Any]:
        return {**asdict(self), "outcome": self.outcome(alpha, points)}


def decide(points: Sequence[Point], alpha: float = ALPHA, status: str = "ok") -> str:
    """The outcome of a claim (or a control) judged at ``points``: holds when every point holds
    and the runs finished, refuted when any point is refuted, inconclusive otherwise."""
    m = sum(p.stochastic for p in points)
    outcomes = [p.outcome(alpha, m) for p in points]
    if "refuted" in outcomes:
        return "refuted"
    if points and status == "ok" and all(o == "holds" for o in outcomes):
        return "holds"
    return "inconclusive"


@dataclass
class Judgement:
    """All points of one side (the claim or its control); ``headline`` is the deciding point."""

    points: list[Point]
    status: str = "ok"  # "ok" | "diverged" | "censored"
    notes: list[str] = field(default_factory=list)
    kind: str | None = None  # the claim's kind: the headline prefers points of this kind
    alpha: float = ALPHA

    @property
    def stochastic_points(self) -> int:
        return sum(p.stochastic for p in self.points)

    def point_outcome(self, point: Point) -> str:
        return point.outcome(self.alpha, self.stochastic_points)

    @property
    def outcome(self) -> str:
        return decide(self.points, self.alpha, self.status)

    @property
    def holds(self) -> bool:
        return self.outcome == "holds"

    @property
    def refuted(self) -> bool:
        return self.outcome == "refuted"

    @property
    def headline(self) -> Point:
        """The deciding point: a refuted one, else an inconclusive one, else any; the claim's
        own kind first, then the one farthest from its limit."""
        rank = {"refuted": 0, "inconclusive": 1, "holds": 2}
        best = min(rank[self.point_outcome(p)] for p in self.points)
        pool = [p for p in self.points if rank[self.point_outcome(p)] == best]
        own = [p for p in pool if p.kind == self.kind] or pool
        return max(own, key=lambda p: p.deviation)

    def records(self) -> list[dict[str, Any]]:
        m = self.stochastic_points
        return [p.record(self.alpha, m) for p in self.points]


@dataclass
class Verdict:
    """The outcome of verifying one claim, with its control."""

    claim: Claim
    result: Judgement
    control: Judgement
    backend: str
    seeds: int
    quick: bool
    wall_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def checked(self) -> bool:
        """The claim holds, its control is refuted and no worst-case referee refutes it: the only
        outcome that counts as checked."""
        return (
            self.result.outcome == "holds"
            and self.control.outcome == "refuted"
            and self.referee_outcome != "refuted"
        )

    @property
    def referee_outcome(self) -> str | None:
        """The worst-case referee's outcome (``ratecheck.referee``): holds, refuted,
        inconclusive, "unavailable" without PEPit, None for a claim without a referee."""
        from ratecheck.referee.crosscheck import REFEREE, outcome

        return outcome(self.extra.get(REFEREE))

    @property
    def outcome(self) -> str:
        """checked, or the claim's own outcome (refuted, inconclusive), or "unchecked" when the
        claim holds but its control was not refuted; "refuted" also when its worst-case referee
        is refuted (a measurement above a certified worst case, or a bound below one)."""
        if self.referee_outcome == "refuted":
            return "refuted"
        if self.checked:
            return "checked"
        if self.result.outcome == "holds":
            return "unchecked"
        return self.result.outcome

    @property
    def finding(self) -> str | None:
        """A one-paragraph finding when the claim was measured and did not hold."""
        if self.result.outcome == "holds":
            return None
        h = self.result.headline
        low, high = h.interval(1 - 2 * self.result.alpha)
        interval = (
            f"{100 * (1 - 2 * self.result.alpha):g}% CI {low:.6g}..{high:.6g}"
            if h.stochastic
            else "exact"
        )
        why = (
            "The claim does not hold in this experiment as run; it keeps its prediction and is "
            "reported as refuted."
            if self.result.outcome == "refuted"
            else "The evidence does not decide at this precision (more seeds may)."
        )
        return (
            f"{self.claim.id}: {self.result.outcome}: measured {h.measured:.6g} ({interval}) "
            f"against the predicted {h.predicted:.6g} ({h.kind}, tolerance {h.tolerance:g}) at "
            f"{h.label}; run status {self.result.status}. {why}"
        )

    def record(self) -> dict[str, Any]:
        """The JSON verdict record of DESIGN.md."""
        h = self.result.headline
        c = self.control.headline if self.control.points else None
        return {
            "claim": self.claim.id,
            "kind": self.claim.kind,
            "source": self.claim.source,
            "statement": self.claim.statement,
            "provenance": [str(p) for p in self.claim.provenance],
            "derived": self.claim.derived,
            "predicted": h.predicted,
            "prediction": self.claim.prediction_text,
            "measured": h.measured,
            "ci_low": h.ci_low,
            "ci_high": h.ci_high,
            "tolerance": h.tolerance,
            "alpha": self.result.alpha,
            "verdict": self.result.outcome,
            "status": self.result.status,
            "control_verdict": self.control.outcome,
            "control_measured": c.measured if c else None,
            "control_predicted": c.predicted if c else None,
            "checked": self.checked,
            "outcome": self.outcome,
            "referee_outcome": self.referee_outcome,
            "finding": self.finding,
            "points": self.result.records(),
            "control_points": self.control.records(),
            "notes": self.result.notes + [f"control: {n}" for n in self.control.notes],
            "backend": self.backend,
            "seeds": self.seeds,
            "quick": self.quick,
            "wall_s": self.wall_s,
            **self.extra,
        }


VERDICT_OUTCOMES = ("checked", "refuted", "inconclusive", "unchecked")


def tally(outcomes: Sequence[str]) -> str:
    """ "3 checked, 1 refuted, 2 inconclusive of 6 claims": the summary line of a run, from each
    verdict's outcome (unchecked, a claim that holds with a control not refuted, named when
    it occurs)."""
    counts = {o: sum(x == o for x in outcomes) for o in VERDICT_OUTCOMES}
    text = ", ".join(f"{counts[o]} {o}" for o in VERDICT_OUTCOMES[:3])
    if counts["unchecked"]:
        text += f", {counts['unchecked']} unchecked (the claim holds, its control not refuted)"
    return f"{text} of {len(outcomes)} claims"
