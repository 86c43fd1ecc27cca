"""What the polyak family's per-step claims (hb-quadratic-rate, hb-not-global) share: storing a
per-step series computed from a run (not one of the trace's metrics) as figure rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ratecheck.verify.context import Context
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
