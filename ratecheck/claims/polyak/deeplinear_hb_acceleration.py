"""deeplinear-hb-acceleration: on a deep linear net heavy ball needs κ^{1/2} iterations, GD κ^1."""

from __future__ import annotations

import numpy as np

from ratecheck.claims.polyak._acceleration import acceleration_slopes
from ratecheck.claims.polyak._nets import (
    EPSILON,
    beta_of,
    deep_net,
    hitting_budget,
    hitting_time,
    rate_gd_of,
    rate_hb_of,
)
from ratecheck.errors import UsageError
from ratecheck.solvers import gd, heavy_ball
from ratecheck.theory import polyak as th
from ratecheck.theory.claim import Prediction
from ratecheck.verify.context import Axis, Context, claim


@claim(
    id="deeplinear-hb-acceleration",
    kind="exponent",
    source=th.NETS_SOURCE,
    statement="iterations to relative residual ε grow as κ^{1/2} (heavy ball) and κ^1 (GD)",
    prediction=th.hb_iteration_exponent,
    prediction_text="lim d log T / d log κ (heavy ball 1/2, GD 1)",
    predictions={"gd": Prediction(th.gd_iteration_exponent, text="lim d log T_GD / d log κ")},
    tolerance=0.1,
    grid=[
        Axis(
            "kappa",
            (10.0, 31.6, 100.0, 316.0),
            tuple(np.geomspace(10, 1000, 7)),
            1.0,
            "σ_max²(X)/σ_min²(X)",
        ),
        Axis("depth", (3,), (3,), 2, "number of layers ℓ"),
        Axis("width", (64,), (256,), 16, "hidden width m ≥ d (128 diverges at κ=1000)"),
    ],
    seeds=(4, 8),
    experiment="κ over 1.5 (quick) or 2 decades, depth 3; T to ε = 1e-4; slope of log T",
    control="GD's slope judged against the heavy-ball exponent",
    provenance=(th.DEEP_PARAMS,),
)
def deeplinear_hb_acceleration(ctx: Context) -> None:
    """Iterations to relative residual ε against κ, for heavy ball and GD on a deep linear net.

    Setting: per κ one dataset X ∈ R^{16×8} with σ_max²(X)/σ_min²(X) = κ and random linear
    targets Y ∈ R^{3×8}, and per seed an orthogonal initialization of the ℓ-layer linear net
    of width m. Algorithms: heavy ball with η = 1/λ_max(P₀), β = (1 − 1/(2√κ))², and GD with
    the same η, each run until ‖R_t‖ ≤ ε‖R_0‖, ε = 1e-4 (budget three times the steps the
    predicted factor needs from 10³ε). Estimator: the slope of log T against log κ, with a
    bootstrap CI over seeds; heavy ball is judged against 1/2 and GD against 1. Control: GD's
    slope judged against the heavy-ball exponent.
    """
    (depth,), (width,) = ctx.values("depth"), ctx.values("width")
    depth, width = int(depth), int(width)
    if len(ctx.values("kappa")) < 2:
        raise UsageError("deeplinear-hb-acceleration needs at least two kappa values")
    times = {"heavy-ball": [], "gd": []}
    for where in ctx.points("kappa", "depth", "width"):
        k = float(where["kappa"])
        net = deep_net(ctx, where, k, depth, width)
        eta = 1.0 / float(net.constants["lambda_max"][0])
        for name, method, rate in (
            ("heavy-ball", heavy_ball(eta, beta_of(kappa=k)), rate_hb_of(kappa=k)),
            ("gd", gd(eta), rate_gd_of(kappa=k)),
        ):
            times[name].append(hitting_time(ctx, method, net, hitting_budget(rate)))
    acceleration_slopes(ctx, times, {"depth": depth, "width": width})
    ctx.extra["epsilon"] = EPSILON
