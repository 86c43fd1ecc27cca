"""Cross-checks of a claim's measurement and theory against a PEPit certificate.

A certificate τ (:class:`ratecheck.referee.pep.Certificate`; here ``value`` = the certified
worst case of ‖x_N − x*‖/‖x_0 − x*‖) is a proven bound over the whole function class, so at a
horizon N

- the testbed's measured worst case (over its sampled instances and seeds) must not exceed it:
  measured ≤ τ(1 + tol); more means the testbed's method or problem is not the one certified;
- a theory bound on the same quantity must not lie below it: bound ≥ τ(1 − tol); less means the
  bound is violated by a certified worst case.

Each is a judged check with its own outcome: holds, refuted (deterministic quantities: the
exact test), or inconclusive when the certificate is not reliable (a solver failed, the two
solvers disagree, a large gap) or a value is not finite, never a pass on an unreliable
certificate. A claim's referee is the list of these entries, kept in the verdict record under
:data:`REFEREE` (``Verdict.referee_outcome`` combines them: any refuted, refuted; else any
inconclusive, inconclusive; else holds). Without PEPit the entry says so and judges nothing.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ratecheck.referee.pep import PEPIT_MISSING, Certificate
from ratecheck.verify.verdict import holds

REFEREE = "referee"  # the verdict record's key for the referee entries


def pepit_available() -> bool:
    """PEPit (the ``pepit`` extra) can be imported here."""
    return importlib.util.find_spec("PEPit") is not None


def unavailable() -> dict[str, Any]:
    """The referee when PEPit is not installed: nothing is judged, and the record says why."""
    return {"available": False, "reason": PEPIT_MISSING, "entries": []}


def check(name: str, value: float, reference: float, kind: str, tol: float, reliable: bool) -> dict:
    """One judged check: ``value`` against ``reference`` in the band of ``kind`` ("upper":
    value ≤ reference(1 + tol), "lower": value ≥ reference(1 − tol))."""
    if not (reliable and math.isfinite(value) and math.isfinite(reference)):
        outcome = "inconclusive"
    else:
        outcome = "holds" if holds(kind, value, reference, tol) else "refuted"
    return {
        "check": name,
        "kind": kind,
        "value": value,
        "reference": reference,
        "tolerance": tol,
        "outcome": outcome,
    }


def entry(
    certificate: Certificate,
    checks: Sequence[dict[str, Any]],
    *,
    method: str,
    where: Mapping[str, Any],
) -> dict[str, Any]:
    """A referee entry: the certificate's fields (``pep_value`` = √τ, ``pep_tau`` = τ, per
    solver value and status, gap, reliability) beside its checks. Not its solve time: an
    outcome holds only what the same inputs reproduce."""
    return {
        "method": method,
        "where": dict(where),
        "horizon": certificate.horizon,
        "setting": certificate.setting,
        "pep_value": certificate.value,
        "pep_tau": certificate.value**2,
        "pep_by_solver": dict(certificate.by_solver),
        "pep_status": dict(certificate.status),
        "pep_gap": certificate.gap,
        "reliable": certificate.reliable,
        "reason": certificate.reason,
        "checks": list(checks),
    }


def measured_and_bound(
    certificate: Certificate,
    measured: float,
    bound: float | None,
    tolerance: float,
    *,
    method: str,
    where: Mapping[str, Any],
) -> dict[str, Any]:
    """The standard pair of checks at one horizon: measured ≤ τ(1 + tol), and (when the claim
    has a bound on this quantity) bound ≥ τ(1 − tol)."""
    tau, ok = certificate.value, certificate.reliable
    checks = [check("measured ≤ PEP worst case", measured, tau, "upper", tolerance, ok)]
    if bound is not None:
        checks.append(check("theory bound ≥ PEP worst case", bound, tau, "lower", tolerance, ok))
    return entry(certificate, checks, method=method, where=where)


def outcome(referee: Mapping[str, Any] | None) -> str | None:
    """The referee's outcome (holds, refuted, inconclusive), "unavailable" without PEPit, None
    for a claim without a referee."""
    if referee is None:
        return None
    if not referee["available"]:
        return "unavailable"
    outcomes = [c["outcome"] for e in referee["entries"] for c in e["checks"]]
    if not outcomes:
        return "inconclusive"
    for word in ("refuted", "inconclusive"):
        if word in outcomes:
            return word
    return "holds"


def summary(referee: Mapping[str, Any]) -> str:
    """One line for the verify table: the outcome, the horizons, the certified range and the
    largest gap; or why there is no referee."""
    if not referee["available"]:
        return referee["reason"]
    entries = referee["entries"]
    horizons = sorted({e["horizon"] for e in entries})
    values = [e["pep_value"] for e in entries if e["reliable"]]
    gaps = [e["pep_gap"] for e in entries if math.isfinite(e["pep_gap"])]
    span = f"worst case {min(values):.4g} … {max(values):.4g}, " if values else ""
    unreliable = sum(not e["reliable"] for e in entries)
    refuted = [
        f"{c['check']} at N = {e['horizon']} ({c['value']:.6g} vs {c['reference']:.6g})"
        for e in entries
        for c in e["checks"]
        if c["outcome"] == "refuted"
    ]
    text = (
        f"{outcome(referee)}: N ∈ {horizons}, {span}largest gap {max(gaps, default=math.nan):.2g}"
        f", {len(entries)} certificates"
    )
    if unreliable:
        text += f", {unreliable} unreliable"
    if refuted:
        text += "; refuted: " + "; ".join(refuted)
    return text


__all__ = [
    "REFEREE",
    "check",
    "entry",
    "measured_and_bound",
    "outcome",
    "pepit_available",
    "summary",
    "unavailable",
]
