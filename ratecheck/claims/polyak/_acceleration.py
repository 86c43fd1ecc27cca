"""What the polyak family's claims share: the distance to the solution, and the acceleration
test (iterations to ε against κ, heavy ball against gradient descent)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace
from ratecheck.problems.base import sq_norm, sub
from ratecheck.verify.context import Context, Where
from ratecheck.verify.estimators import loglog_slope


def distance(problem: Any) -> Callable:
    """x ↦ ‖x − x*‖ per seed (the metric of the quadratic runs)."""

    def dist(x):
        xp = array_namespace(x[0])
        return xp.sqrt(sq_norm(sub(x, problem.x_star), xp))

    return dist


def acceleration_slopes(
    ctx: Context, times: Mapping[str, list[np.ndarray]], where: Where, axis: str = "kappa"
) -> None:
    """Judge heavy ball against GD on iterations-to-ε over the grid of condition numbers.

    ``times[method]`` holds one (S,) array of hitting times per value of ``axis`` (NaN where a
    run never hit). Heavy ball's slope of log T against log κ is judged against the claim's
    exponent, GD's against the prediction "gd"; the control judges GD's slope against the
    heavy-ball exponent. A run without a hit marks the outcome "censored".
    """
    xs = ctx.values(axis)
    T = {name: np.stack(v, axis=1) for name, v in times.items()}  # (S, n_grid)
    window = f"{axis} ∈ [{min(xs):.4g}, {max(xs):.4g}]"
    slopes = {name: loglog_slope(xs, T[name]) for name in ("heavy-ball", "gd")}
    ctx.judge(slopes["heavy-ball"], method="heavy-ball", where=where, label=f"heavy-ball, {window}")
    ctx.judge(slopes["gd"], method="gd", where=where, prediction="gd", label=f"gd, {window}")
    ctx.judge(
        slopes["gd"],
        method="gd",
        where=where,
        role="control",
        label=f"gd judged against heavy ball, {window}",
    )
    censored = {name: int(np.isnan(v).sum()) for name, v in T.items()}
    if any(censored.values()):
        diverged = sum(int((tr.status == "diverged").sum()) for tr in ctx.traces)
        ctx.censor(f"runs without a hit: {censored} (of which diverged: {diverged})")
    ctx.rows_at(axis, xs, T["heavy-ball"], method="heavy-ball", metric="hitting_time")
    ctx.rows_at(axis, xs, T["gd"], method="gd", metric="hitting_time", role="control")
    ctx.extra.update({axis: [float(x) for x in xs], **where})
