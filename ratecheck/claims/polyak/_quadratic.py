"""What the polyak family's per-step claims share: the estimate at the worst step of a bound
checked at every step (hb-quadratic-rate, hb-polyak-transient), and storing a per-step series
computed from a run, not one of the trace's metrics, as figure rows (hb-quadratic-rate,
hb-not-global)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ratecheck.verify.context import Context
from ratecheck.verify.estimators import Estimate
from ratecheck.verify.experiment import trace_rows


def series_rows(
    ctx: Context,
    steps: Sequence[int],
    values: np.ndarray,
    *,
    method: str,
    metric: str,
    param: str,
    x: float,
    role: str = "claim",
    max_points: int = 150,
) -> None:
    """Store a (S, len(steps)) series as rows of ``method`` at ``param`` = ``x``, thinned to
    about ``max_points`` geometric checkpoints.

    ``Context.trace_rows`` stores only a trace's own metrics, at all its steps, at the grid
    point's first axis; this stores a series derived from a run (the stacked error
    ‖[e_t; e_{t−1}]‖), over a window of steps at full density (|x_t| for t ≤ 300), or for a
    claim without grid axes (param "start").
    """
    ctx.rows += trace_rows(
        ctx.claim.id, role, method, param, x, np.asarray(steps), values, metric, max_points
    )


def worst_step(steps: Sequence[int], values: np.ndarray, badness: np.ndarray) -> tuple:
    """(estimate, t) at the seed and step where ``badness`` (S, n) is largest: the estimate is
    that seed's value of ``values`` (S, n), its interval the range over seeds at that step, and
    t the step; a NaN estimate at the first step where ``badness`` is NaN throughout."""
    if np.isnan(badness).all():
        return Estimate(np.nan, np.nan, np.nan), int(steps[0])
    seed, i = np.unravel_index(np.nanargmax(badness), badness.shape)
    column = values[:, i]
    low, high = float(np.nanmin(column)), float(np.nanmax(column))
    return Estimate(float(values[seed, i]), low, high), int(steps[i])
