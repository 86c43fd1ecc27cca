"""relu-hb-rate: on a wide ReLU net heavy ball contracts the residual at √β, GD at 1 − ηλ_min."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ratecheck.backend import to_host
from ratecheck.claims.polyak._nets import (
    RELU_D,
    RELU_N,
    final_iterate,
    judge_rates,
    rate_run,
    relu_parameters,
)
from ratecheck.problems.relu import equally_excited, gram_drift, relu_net
from ratecheck.solvers import gd, heavy_ball
from ratecheck.theory import polyak as th
from ratecheck.theory import symbols as sy
from ratecheck.theory.claim import Prediction, Provenance
from ratecheck.verify.context import Axis, Context, claim

lambda_min_H0 = sp.Symbol("lambda_min_H0", positive=True)  # λ_min of the Gram matrix at init
gd_rate = 1 - sy.eta * lambda_min_H0


@claim(
    id="relu-hb-rate",
    kind="linear-rate",
    source=th.NETS_SOURCE,
    statement="wide ReLU net: GD contracts the residual at ≈ 1 − ηλ_min(H₀), heavy ball at "
    "≈ √β = 1 − 1/(2√κ), κ = (4/3)(κ' + 1/4), κ' = λ_max(H̄)/λ_min(H̄)",
    prediction=th.relu_rate_hb,
    symbols={
        "kappa_prime": "κ′ = λ_max(H̄)/λ_min(H̄) of the instance's Gram matrix, measured",
        "eta": "GD's step 1/λ_max of the instance",
        "lambda_min_H0": "λ_min of the instance's Gram matrix at initialization, measured",
    },
    prediction_text="√β = 1 − 1/(2√κ), κ = (4/3)(κ'+1/4); GD 1 − ηλ_min(H₀)",
    predictions={
        "gd": Prediction(gd_rate, text="GD: 1 − ηλ_min(H₀), H₀ the finite-width Gram at init"),
        "sqrt(beta)^t": Prediction(th.relu_rate_hb**sy.t, text="heavy ball's residual √β^t"),
        "(1-eta*lambda_min(H0))^t": Prediction(gd_rate**sy.t, text="GD's residual (1 − ηλ_min)^t"),
    },
    tolerance=5e-3,
    grid=[
        Axis(
            "width",
            (25, 100, 500, 2000, 20_000),
            (25, 50, 100, 500, 2000, 8000, 20_000),
            2,
            "hidden widths m; the last one is judged, all form the width sweep",
        ),
        Axis("theta", (1.0,), (1.0,), 1e-6, "angle of the closest input pair"),
    ],
    seeds=(2, 8),
    experiment="n = 12 unit inputs in R^8 (closest pair at angle 1), width 2·10⁴ (the "
    "reference's); per-step residual factor fitted from 1e-2 to 1e-10; NTK drift reported;"
    " heavy-ball rate against width",
    control="GD judged against the heavy-ball rate",
    provenance=(th.RELU_PARAMS, Provenance("tolerance 5e-3 for finite width", "derived")),
)
def relu_hb_rate(ctx: Context) -> None:
    """Per-step residual factors of heavy ball and GD on a wide two-layer ReLU net.

    Setting: n = 12 unit inputs in R^8, the closest pair at angle θ, one dataset for every
    width (its κ' = λ_max(H̄)/λ_min(H̄) from the infinite-width Gram H̄); a two-layer ReLU net
    u(W) = aᵀReLU(Wx)/√m with fixed output signs a, one initialization per seed, and labels
    y = u₀ − V1/√n (V the eigenvectors of H(W₀)), so the initial residual weighs every
    eigen-direction equally. Algorithms: heavy ball with η = 1/(λ_max(H̄) + λ_min(H̄)/4),
    β = (1 − 1/(2√κ))², κ = (4/3)(κ' + 1/4), at every width; at the last width also GD with
    the same η. Estimator: the per-step factor of ‖u_t − y‖/‖u_0 − y‖ fitted where it lies
    between 1e-2 and 1e-10 (bootstrap CI over seeds). At the last width heavy ball is judged
    against √β and GD against 1 − ηλ_min(H₀), λ_min(H₀) of the finite-width Gram at init
    averaged over seeds as the fit averages them (in the log of the factor); the NTK drift
    ‖H(W_t) − H(W₀)‖₂/λ_min(H₀) at the end of GD's fit window is reported, and heavy ball's
    rate at every width forms the width sweep. Control: GD's rate judged against √β.
    """
    (theta,) = ctx.values("theta")
    widths = [int(w) for w in ctx.values("width")]
    sweep = []
    for width in widths:
        where = {"width": width, "theta": theta}
        net = relu_net(
            RELU_N, RELU_D, width, float(theta), ctx.streams({"theta": theta}), ctx.xp
        )  # one dataset for every width
        net = equally_excited(net)
        eta, beta, k, kp = relu_parameters(net)
        rate_hb = ctx.predicted(where, kappa_prime=kp)
        hb, window, tr = rate_run(ctx, heavy_ball(eta, beta), net, rate_hb)
        sweep.append((width, hb.value))
        if width != widths[-1]:
            continue  # the widest net is judged; narrower ones form the width sweep
        H0_min = np.linalg.eigvalsh(to_host(net.finite_gram(net.x0)))[:, 0]
        factor = np.exp(np.mean(np.log(1 - eta * H0_min)))  # the seeds' factors, log-averaged
        symbols = {"kappa_prime": kp, "eta": eta, "lambda_min_H0": (1 - factor) / eta}
        gd_est, gd_window, gd_tr = rate_run(
            ctx, gd(eta), net, ctx.predicted(where, "gd", **symbols)
        )
        judge_rates(
            ctx,
            where,
            f"width {width}, κ' = {kp:.4g}, κ = {k:.4g}",
            {"heavy-ball": (hb, window), "gd": (gd_est, gd_window)},
            ("heavy-ball", "gd"),
            "GD vs 1 − ηλ_min(H₀)",
            **symbols,
        )
        end = gd_window[1]
        drift = float(np.max(gram_drift(net, final_iterate(gd(eta), net, end))))
        ctx.note(
            f"NTK drift ‖H(W_t) − H(W_0)‖₂/λ_min(H₀) of GD at t = {end}, the end of its fit "
            f"window (max over seeds): {drift:.3g}"
        )
        ctx.trace_rows(tr, where=where, method="heavy-ball")
        for name, steps in (("sqrt(beta)^t", tr.steps), ("(1-eta*lambda_min(H0))^t", gd_tr.steps)):
            ctx.curve(
                where, steps, method=name, metric="relative_residual", prediction=name, **symbols
            )
        ctx.trace_rows(gd_tr, where=where, method="gd", role="control")
    rel_err = np.array([[abs(r - rate_hb) / rate_hb for _, r in sweep]])
    ctx.rows_at(
        "width",
        [w for w, _ in sweep],
        rel_err,
        method="heavy-ball |rate − √β|/√β",
        metric="rate_relative_error",
    )
    ctx.note(
        "heavy-ball rate vs width: "
        + ", ".join(f"m={w}: {r:.5f}" for w, r in sweep)
        + f" (√β = {rate_hb:.5f})"
    )
    ctx.extra.update({"width_sweep": [[w, r] for w, r in sweep], "predicted_sqrt_beta": rate_hb})
