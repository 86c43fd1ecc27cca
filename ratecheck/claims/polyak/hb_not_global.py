"""hb-not-global: heavy ball with Polyak's parameters enters a 3-cycle on the LRP function."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ratecheck.claims.polyak._referee import referee
from ratecheck.problems import lrp_function, scalar_quadratic
from ratecheck.referee import pep
from ratecheck.solvers import heavy_ball
from ratecheck.theory import polyak as th
from ratecheck.theory.claim import Prediction, Provenance
from ratecheck.verify.context import Context, claim

LRP_STEPS = 2000
SHOWN = 300  # rows keep |x_t| at every step t ≤ SHOWN


@claim(
    id="hb-not-global",
    kind="counterexample",
    source="Lessard, Recht, Packard, SIAM J. Optim. 2016 (arXiv 1408.3595); reference §6",
    statement="heavy ball with Polyak's parameters (α=1/9, β=4/9; μ=1, L=25) does not converge "
    "on the LRP piecewise quadratic from x₀ = x₋₁ ∈ [3.07, 3.46]: it enters a 3-cycle",
    prediction=lambda: sp.Matrix(th.lrp_attracting_cycles()),
    prediction_text="distance of the late orbit to the attracting exact 3-cycle = 0",
    predictions={
        "cycle-distance": Prediction(
            0,
            text="max over the last 3 iterates of |x_t − cycle|, minimized over the cycle's "
            "phase = 0",
        )
    },
    tolerance=1e-4,
    grid=[],
    seeds=(4, 16),
    experiment="LRP function, starts uniform in [3.07, 3.46], 2000 iterations; distance of "
    "the last iterates to the SymPy-solved 3-cycle, and min |x| over the last 300",
    control="the same (α, β) on the quadratic f = 25x²/2 (same μ, L bounds): converges",
    provenance=(
        Provenance("non-convergent starts [3.07, 3.46]", "paper", "LRP 2016"),
        Provenance("the 3-cycles solved exactly; the attracting one by monodromy", "derived"),
    ),
)
def hb_not_global(ctx: Context) -> None:
    """Heavy ball with Polyak's parameters on the Lessard–Recht–Packard function, 2000 steps.

    Setting: the LRP piecewise quadratic (f' = 25x on x < 1, x + 24 on [1, 2), 25x − 24 on
    x ≥ 2; μ = 1, L = 25), each seed started at x_0 = x_{−1} uniform in [3.07, 3.46].
    Algorithm: heavy ball with α = 1/9, β = 4/9 (Polyak's parameters for μ = 1, L = 25),
    2000 steps. Estimator: per seed, the largest |x_t − c| over the last 3 iterates, minimized
    over the phase of the attracting 3-cycle c solved exactly in SymPy (the prediction); the
    largest over seeds is judged against 0 (absolute tolerance 1e-4), the smallest and largest
    over seeds form the interval. Control: the same heavy ball from the same starts on the
    quadratic f = 25x²/2 (within the same μ, L bounds), which converges to 0 and so does not
    reach the cycle.
    Referee (with the pepit extra): PEPit's worst case of |x_N − x*|/|x_0 − x*| over L-smooth
    μ-strongly convex functions for the same (α, β), N ∈ {1, 2, 3, 5, 8}, against the LRP runs'
    largest ratio; the certificate at N = 8 must be at least 1 (no contraction).
    """
    cycle = np.array(ctx.expression(), dtype=float).ravel()
    alpha, beta = float(th.LRP_ALPHA), float(th.LRP_BETA)
    (where,) = ctx.points()  # no grid axes: the one point {}
    for role, problem in (
        ("claim", lrp_function(ctx.streams(where), ctx.xp)),
        ("control", scalar_quadratic(th.LRP_L, ctx.streams(where), ctx.xp)),
    ):
        trace = ctx.run(
            heavy_ball(alpha, beta),
            problem,
            LRP_STEPS,
            where=where,
            metrics={"x": lambda x: x[0][:, 0]},
            rows=False,
            checkpoints="all",
        )
        x = trace.metrics["x"]
        if role == "claim":  # x* = 0: |x_t − x*|/|x_0 − x*| per seed and step
            referee(
                ctx,
                where,
                method=problem.name,
                certify=lambda N: pep.heavy_ball_smooth_strongly_convex(
                    float(th.LRP_MU), float(th.LRP_L), alpha, beta, N
                ),
                measured=np.abs(x) / np.abs(x[:, :1]),
                grows=True,
                metric="distance_ratio",
                role="claim",
                at=("start", 0.0),  # as the claim's own rows
            )
        late = x[:, -3:]
        dist = np.min(
            [np.max(np.abs(late - np.roll(cycle, s)), axis=1) for s in range(cycle.size)], axis=0
        )
        ctx.judge(
            float(np.max(dist)),
            method=problem.name,
            where=where,
            prediction="cycle-distance",
            role=role,
            label=f"{problem.name}, t = {LRP_STEPS}",
            note=f"min |x_t| over the last {SHOWN} steps: {np.min(np.abs(x[:, -SHOWN:])):.3g}",
            range=(float(np.min(dist)), float(np.max(dist))),
        )
        ctx.series(
            trace.steps[: SHOWN + 1],
            np.abs(x[:, : SHOWN + 1]),
            method=problem.name,
            metric="abs_x",
            param="start",
            x=0,
            role=role,
            max_points=SHOWN + 1,
        )
    ctx.extra["cycle"] = cycle.tolist()
