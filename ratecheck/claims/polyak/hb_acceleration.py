"""hb-acceleration: heavy ball needs κ^{1/2} iterations where gradient descent needs κ^1."""

from __future__ import annotations

import math

import numpy as np

from ratecheck.claims.polyak._acceleration import acceleration_slopes, distance
from ratecheck.errors import UsageError
from ratecheck.problems import quadratic
from ratecheck.solvers import gd, heavy_ball
from ratecheck.theory import polyak as th
from ratecheck.theory.claim import Prediction, Provenance
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import L, eps, kappa
from ratecheck.verify.context import Axis, Context, claim

DIM = 16
eta_hb = Schedule(th.eta_hb, (L,))
beta_hb = Schedule(th.beta_hb, (kappa,))
eta_gd = Schedule(th.eta_gd, (L,))
iterations_hb = Schedule(th.iterations_hb, (kappa, eps))
iterations_gd = Schedule(th.iterations_gd, (kappa, eps))


@claim(
    id="hb-acceleration",
    kind="exponent",
    source=th.SOURCE + ", acceleration (1−1/κ)^t → (1−1/√κ)^t (abstract)",
    statement="iterations to reach relative error ε grow as κ^{1/2} for heavy ball, κ^1 for GD",
    prediction=th.hb_iteration_exponent,
    prediction_text="lim d log T_HB / d log κ, T_HB = log(C₀/ε)/(−log √β)",
    predictions={"gd": Prediction(th.gd_iteration_exponent, text="lim d log T_GD / d log κ")},
    tolerance=0.05,
    grid=[
        Axis("kappa", (10, 100, 1000, 10_000), tuple(np.logspace(1, 4, 7)), 1.0, "L/μ"),
        Axis("epsilon", (1e-6,), (1e-6,), 1e-300, "relative error target, below 1"),
    ],
    seeds=(4, 16),
    experiment="κ on a log grid over 3 decades; slope of log T against log κ; bootstrap CI",
    control="GD (η = 1/L) slope judged against the heavy-ball exponent",
    provenance=(
        th.HB_PARAMS,
        Provenance("T ∝ κ^{1/2} (heavy ball), κ^1 (GD)", "paper", "abstract, Θ-rates"),
        Provenance("exponent as the limit of d log T/d log κ", "derived"),
    ),
)
def hb_acceleration(ctx: Context) -> None:
    """Iterations to relative error ε, against κ, for heavy ball and gradient descent.

    Setting: a 16-dimensional quadratic with spectrum in [μ, L] = [1/κ, 1] (random rotation,
    random start) per κ. Algorithms: heavy ball x_{t+1} = x_t − η∇f(x_t) + β(x_t − x_{t−1}),
    η = 1/L, β = (1 − 1/(2√κ))², and gradient descent, η = 1/L, each run until
    ‖x_t − x*‖ ≤ ε‖x_0 − x*‖ (budget twice the predicted T). Estimator: the slope of log T
    against log κ, with a bootstrap CI over seeds; heavy ball is judged against its exponent
    1/2 and GD against 1. Control: the GD slope judged against the heavy-ball exponent.
    """
    (target,) = ctx.values("epsilon")
    if len(ctx.values("kappa")) < 2:
        raise UsageError("hb-acceleration needs at least two kappa values to fit a slope")
    times = {"heavy-ball": [], "gd": []}
    for where in ctx.points("kappa"):
        k = where["kappa"]
        problem = quadratic(k, DIM, ctx.streams(where), ctx.xp)
        dist = distance(problem)
        start = dist(problem.x0)
        for name, method, budget in (
            ("heavy-ball", heavy_ball(eta_hb(L=1.0), beta_hb(kappa=k)), iterations_hb),
            ("gd", gd(eta_gd(L=1.0)), iterations_gd),
        ):
            steps = math.ceil(2 * budget(kappa=k, epsilon=target)) + 10
            hit, _ = ctx.hitting_times(
                method,
                problem,
                steps,
                metric=("dist", dist),
                target=target * start,
                checkpoints=(0, steps),
            )
            times[name].append(hit)
    acceleration_slopes(ctx, times, {"epsilon": target})
