"""Verdicts: a measured statistic, its CI, the SymPy prediction, the tolerance, pass/fail.

Assertions by kind (PEPit's test style; reference/conventions.md §10):

    identity, exponent, counterexample   |measured − predicted| ≤ tol
    tight, linear-rate                   |measured − predicted| ≤ tol·|predicted|
    upper                                measured ≤ predicted·(1 + tol)
    lower                                measured ≥ predicted·(1 − tol)
    comparison                           CI upper end < predicted − tol   (a paired difference
                                         A − B, lower is better: A is significantly better by
                                         more than tol; otherwise "no significant difference"
                                         or B better)

A claim is judged at one or more points (grid values); it holds when every point holds. Its
control is judged by the same assertions and must fail: ``expected`` is true only then.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from ratecheck.theory.claim import Claim

ABSOLUTE = ("identity", "exponent", "counterexample")
RELATIVE = ("tight", "linear-rate")


def holds(kind: str, measured: float, predicted: float, tol: float) -> bool:
    """The assertion of ``kind``; NaN (diverged, censored) never holds."""
    if not (math.isfinite(measured) and math.isfinite(predicted)):
        return False
    if kind in ABSOLUTE:
        return bool(abs(measured - predicted) <= tol)
    if kind in RELATIVE:
        return bool(abs(measured - predicted) <= tol * abs(predicted))
    if kind == "upper":
        return bool(measured <= predicted * (1 + tol))
    if kind == "lower":
        return bool(measured >= predicted * (1 - tol))
    raise ValueError(f"unknown verdict kind '{kind}'")


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
    return predicted * (1 - tol) / measured if measured > 0 else math.inf


def _ratio(excess: float, allowed: float) -> float:
    """excess/allowed, where a zero allowance admits only a zero excess."""
    if allowed > 0:
        return excess / allowed
    return 0.0 if excess == 0 else math.inf


@dataclass
class Point:
    """One judged measurement: at a grid value, of a given kind."""

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
        """A point from an estimator's Estimate (value and bootstrap CI)."""
        return cls(
            label,
            kind,
            predicted,
            estimate.value,
            tolerance,
            estimate.ci_low,
            estimate.ci_high,
            note,
        )

    @property
    def passed(self) -> bool:
        if self.kind == "comparison":
            return bool(
                math.isfinite(self.ci_high) and self.ci_high < self.predicted - self.tolerance
            )
        return holds(self.kind, self.measured, self.predicted, self.tolerance)

    @property
    def deviation(self) -> float:
        if self.kind == "comparison":  # > 1 fails: how far the CI's upper end is from the limit
            if not math.isfinite(self.ci_high):
                return math.inf
            return 1.0 + (self.ci_high - (self.predicted - self.tolerance))
        return deviation(self.kind, self.measured, self.predicted, self.tolerance)

    def record(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


@dataclass
class Judgement:
    """All points of one side (the claim or its control); ``headline`` is the deciding point."""

    points: list[Point]
    status: str = "ok"  # "ok" | "diverged" | "censored"
    notes: list[str] = field(default_factory=list)
    kind: str | None = None  # the claim's kind: the headline prefers points of this kind

    @property
    def passed(self) -> bool:
        return self.status == "ok" and bool(self.points) and all(p.passed for p in self.points)

    @property
    def headline(self) -> Point:
        """The worst point, taken among failing points first and the claim's own kind first."""
        failing = [p for p in self.points if not p.passed]
        pool = failing or self.points
        own = [p for p in pool if p.kind == self.kind] or pool
        return max(own, key=lambda p: p.deviation)

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"


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
    def expected(self) -> bool:
        return self.result.passed and not self.control.passed

    @property
    def finding(self) -> str | None:
        """A one-paragraph finding when the claim was measured and did not hold."""
        if self.result.passed:
            return None
        h = self.result.headline
        return (
            f"{self.claim.id}: measured {h.measured:.6g} (95% CI {h.ci_low:.6g}..{h.ci_high:.6g}) "
            f"against the predicted {h.predicted:.6g} ({h.kind}, tolerance {h.tolerance:g}) at "
            f"{h.label}; run status {self.result.status}. The claim does not hold in this "
            "experiment as run; it keeps its prediction and is reported as refuted."
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
            "verdict": self.result.verdict,
            "status": self.result.status,
            "control_verdict": self.control.verdict,
            "control_measured": c.measured if c else None,
            "control_predicted": c.predicted if c else None,
            "expected": self.expected,
            "finding": self.finding,
            "points": [p.record() for p in self.result.points],
            "control_points": [p.record() for p in self.control.points],
            "notes": self.result.notes + [f"control: {n}" for n in self.control.notes],
            "backend": self.backend,
            "seeds": self.seeds,
            "quick": self.quick,
            "wall_s": self.wall_s,
            **self.extra,
        }
