"""What every experiment shares: its grid, its settings, its outcome, flat result rows.

An experiment measures one claim and its control. It declares its grid parameters (quick and
full values, with a validator), runs, and returns judged points plus flat rows (one per claim,
role, method, grid value, seed, checkpoint, metric) from which figures are drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ratecheck.theory.claim import Claim
from ratecheck.verify.estimators import loglog_slope
from ratecheck.verify.experiment import (  # noqa: F401  (re-exported for the legacy modules)
    Axis,
    Experiment,
    Outcome,
    Settings,
    point_rows,
    predicted_rows,
    status_of,
    trace_rows,
)
from ratecheck.verify.runner import Trace
from ratecheck.verify.verdict import Judgement, Point

GridParam = Axis


def horizon_param(
    quick: tuple[float, ...] = (3162, 10_000, 31_623), description: str = "horizon K (iterations)"
) -> GridParam:
    """The horizon grid of the rate-in-K experiments: full mode K ∈ [10^3.5, 10⁵] (7 points),
    where the K^{−1/4}-type rates of the LMO methods are asymptotic (lmo-momentum-rate)."""
    return GridParam("K", quick, tuple(np.round(np.logspace(3.5, 5, 7))), 10, description)


_EXPERIMENTS: dict[str, Experiment] = {}


def register_experiment(experiment: Experiment) -> Experiment:
    _EXPERIMENTS[experiment.claim_id] = experiment
    return experiment


def has_experiment(claim_id: str) -> bool:
    return claim_id in _EXPERIMENTS


def get_experiment(claim_id: str) -> Experiment:
    return _EXPERIMENTS[claim_id]


def horizon_sweep(
    claim_id: str,
    runs: dict[str, tuple[str, Callable[[int], tuple[np.ndarray, Trace]]]],
    horizons: Sequence[int],
    prefix: str,
    param: str,
    metric: str = "avg_dual_grad",
) -> tuple[dict[str, np.ndarray], list[dict[str, Any]], list[Trace]]:
    """Each method ``name: (role, run_at)`` at every horizon, methods in order and horizons
    inside (runs that share a problem draw its noise in this order); ``run_at(K)`` returns the
    (S,) statistic and its trace. Returns {name: (S, n_K)}, the flat rows and the traces."""
    averages, rows, traces = {}, [], []
    for name, (role, run_at) in runs.items():
        results = [run_at(k) for k in horizons]
        traces += [tr for _, tr in results]
        averages[name] = np.stack([avg for avg, _ in results], axis=1)
        rows += point_rows(
            claim_id, role, f"{prefix}/{name}", param, horizons, averages[name], metric
        )
    return averages, rows, traces


def slope_point(
    label: str, predicted: float, horizons: Sequence[float], values: np.ndarray, tol: float
) -> Point:
    """An exponent point: the log-log slope of ``values`` (S, n) against ``horizons``."""
    return Point.of(label, "exponent", predicted, loglog_slope(horizons, values), tol)


def momentum_ablation(
    claim: Claim,
    run_at: Callable[[int, bool], tuple[np.ndarray, Trace]],
    horizons: Sequence[int],
    prefix: str,
    param: str,
    labels: tuple[str, str],
) -> tuple[Point, Point, list[dict[str, Any]], list[Trace]]:
    """The claim's method (``run_at(K, True)``) and, as the control, the same method without
    momentum (``run_at(K, False)``) at every horizon: one exponent point each (``labels``), from
    the run-averaged statistic. Returns (point, control point, rows, traces)."""
    runs = {
        "momentum": ("claim", lambda k: run_at(k, True)),
        "no-momentum": ("control", lambda k: run_at(k, False)),
    }
    averages, rows, traces = horizon_sweep(claim.id, runs, horizons, prefix, param)
    predicted, tol = float(claim.predicted), claim.tolerance
    point = slope_point(labels[0], predicted, horizons, averages["momentum"], tol)
    control = slope_point(labels[1], predicted, horizons, averages["no-momentum"], tol)
    return point, control, rows, traces


def acceleration_outcome(
    claim: Claim,
    xs: Sequence[float],
    times: dict[str, list[np.ndarray]],
    traces: Sequence[Trace],
    param: str,
    predicted_gd: float,
    epsilon: float,
) -> Outcome:
    """Heavy ball against GD iterations-to-ε over a grid of condition numbers ``xs``.

    times[method] is a list (one per grid value) of (S,) hitting times, NaN when censored. The
    claim is judged at two points (heavy ball against the claim's exponent, GD against
    ``predicted_gd``); the control judges GD's slope against the heavy-ball exponent.
    """
    T = {name: np.stack(v, axis=1) for name, v in times.items()}  # (S, n_grid)
    censored = {name: int(np.isnan(v).sum()) for name, v in T.items()}
    window = f"{param} ∈ [{min(xs):.4g}, {max(xs):.4g}]"
    predicted = float(claim.predicted)
    slopes = {name: loglog_slope(xs, T[name]) for name in ("heavy-ball", "gd")}

    def point(label: str, target: float, method: str) -> Point:
        est = slopes[method]
        return Point(label, "exponent", target, est.value, claim.tolerance, est.ci_low, est.ci_high)

    points = [
        point(f"heavy-ball, {window}", predicted, "heavy-ball"),
        point(f"gd, {window}", predicted_gd, "gd"),
    ]
    control = [point(f"gd judged against heavy ball, {window}", predicted, "gd")]
    diverged = sum(int((tr.status == "diverged").sum()) for tr in traces)
    notes = []
    if any(censored.values()):
        notes.append(f"runs without a hit: {censored} (of which diverged: {diverged})")
    status = status_of(traces) if diverged else ("censored" if notes else "ok")
    rows = point_rows(claim.id, "claim", "heavy-ball", param, xs, T["heavy-ball"], "hitting_time")
    rows += point_rows(claim.id, "control", "gd", param, xs, T["gd"], "hitting_time")
    extra = {param: [float(x) for x in xs], "epsilon": epsilon}
    return Outcome(Judgement(points, status, notes), Judgement(control, status), rows, extra)
