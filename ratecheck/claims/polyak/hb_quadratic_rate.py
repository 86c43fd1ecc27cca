"""hb-quadratic-rate: heavy ball contracts ‖[e_t; e_{t−1}]‖ at √β, under the envelope C₀β^{t/2}."""

from __future__ import annotations

import math

import numpy as np

from ratecheck.claims.polyak._acceleration import distance
from ratecheck.claims.polyak._quadratic import worst_step
from ratecheck.claims.polyak._referee import referee
from ratecheck.problems import quadratic
from ratecheck.referee import pep
from ratecheck.solvers import gd, heavy_ball
from ratecheck.theory import polyak as th
from ratecheck.theory.claim import Prediction, Provenance
from ratecheck.theory.exponents import contraction_factor
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import L, kappa, t
from ratecheck.verify.context import Axis, Context, claim
from ratecheck.verify.estimators import linear_rate

DIM = 16
RATE_DECADES = 60  # each run follows ‖[e_t; e_{t−1}]‖ over this many decades (x* = 0: no floor)
eta_hb = Schedule(th.eta_hb, (L,))
beta_hb = Schedule(th.beta_hb, (kappa,))
eta_gd = Schedule(th.eta_gd, (L,))


@claim(
    id="hb-quadratic-rate",
    kind="linear-rate",
    source=th.SOURCE + ", non-asymptotic rate on quadratics (abstract; theorem text unavailable)",
    statement="heavy ball with η=1/L, β=(1−1/(2√κ))² contracts ‖[e_t; e_{t−1}]‖ at rate √β, "
    "under the envelope C₀·β^{t/2} with C₀ = 2(β+1)/√h_min",
    prediction=lambda: contraction_factor(th.envelope_hb, t),
    prediction_text="√β = 1 − 1/(2√κ); envelope ratio ≤ 1",
    predictions={
        "envelope": Prediction(
            th.envelope_hb,
            kind="upper",
            tolerance=0.0,
            text="‖[e_t; e_{t−1}]‖/‖[e_0; e_{−1}]‖ ≤ C₀·β^{t/2} at every t, C₀ = 2(β+1)/√h_min",
        ),
        "gd-worst-case": Prediction(
            th.worst_case_gd,
            kind="upper",
            tolerance=0.0,
            text="GD's tight worst case ‖x_t − x*‖/‖x_0 − x*‖ = (1 − 1/κ)^t (the referee's bound)",
        ),
    },
    tolerance=1e-3,
    grid=[Axis("kappa", (10, 100, 1000), (10, 100, 1000, 10_000), 1.0, "condition number L/μ")],
    seeds=(4, 16),
    experiment="quadratics with spectrum in [μ, L] (both ends present), "
    "κ ∈ {10, 10², 10³, 10⁴}; tail fit of log‖[e_t; e_{t−1}]‖ against t; "
    "envelope checked at every t",
    control="GD with η = 1/L (contracts at 1 − 1/κ) judged against √β and the envelope",
    provenance=(
        th.HB_PARAMS,
        Provenance("rate √β (every 2×2 block strictly complex)", "derived"),
        Provenance("C₀ = 2(β+1)/√h_min", "derived", "the recalled √(2(β+1))/√h_min is invalid"),
        Provenance("accelerated non-asymptotic linear rate", "paper", "abstract"),
    ),
)
def hb_quadratic_rate(ctx: Context) -> None:
    """The per-step contraction of ‖[e_t; e_{t−1}]‖ and its envelope, for heavy ball and GD.

    Setting: per κ, a 16-dimensional quadratic centred at x* = 0 (so the error follows a linear
    rate over 60 decades without a round-off floor), spectrum in [μ, L] = [1/κ, 1] with both
    ends present, random rotation and random start. Algorithms: heavy ball
    x_{t+1} = x_t − η∇f(x_t) + β(x_t − x_{t−1}), η = 1/L, β = (1 − 1/(2√κ))², from
    x_{−1} = x_0, run for T = ⌈60 ln 10/(1 − √β)⌉ steps; gradient descent with η = 1/L for the
    same T. Estimators: z_t = ‖[e_t; e_{t−1}]‖/‖[e_0; e_{−1}]‖ (e_{−1} = e_0) at every step;
    the rate is exp of the slope of the seed-mean log z_t against t over t ∈ [T/5, T] (bootstrap
    CI over seeds), judged against √β; the envelope is judged at the seed and step where
    z_t/(C₀β^{t/2}) is largest: z_t there (interval: the seeds' range at that step) must not
    exceed C₀β^{t/2} (tolerance 0), so the envelope holds at every step. Control: GD, whose rate
    is 1 − 1/κ, judged against √β and the same envelope.
    Referee (with the pepit extra): PEPit's worst case of ‖x_N − x*‖/‖x_0 − x*‖, N ∈ {1, 2, 3,
    5, 8}, over quadratics with spectrum in [μ, L] for heavy ball's (η, β), against the measured
    largest ‖e_N‖/‖e_0‖ and the envelope's bound on it √2·C₀β^{N/2} [derived: ‖e_N‖ ≤ √2·z_N·
    ‖e_0‖]; and over L-smooth μ-strongly convex functions for GD's η, against GD's ratio and
    its textbook tight rate max(|1 − ημ|, |1 − ηL|)^N.
    """
    for where in ctx.points("kappa"):
        k = where["kappa"]
        steps = math.ceil(RATE_DECADES * math.log(10) / (1 - ctx.predicted(where)))
        problem = quadratic(k, DIM, ctx.streams(where), ctx.xp, centered=True)
        window = (steps // 5, steps)
        errors, ratios, methods = {}, {}, {}
        for role, method in (
            ("claim", heavy_ball(eta_hb(L=1.0), beta_hb(kappa=k))),
            ("control", gd(eta_gd(L=1.0))),
        ):
            methods[role] = method
            trace = ctx.run(
                method,
                problem,
                steps,
                where=where,
                metrics={"dist": distance(problem)},
                rows=False,
                checkpoints="all",
            )
            dist = trace.metrics["dist"]
            previous = np.concatenate([dist[:, :1], dist[:, :-1]], axis=1)  # e_{−1} = e_0
            z = np.sqrt(dist**2 + previous**2)
            errors[role] = (method.name, trace.steps, z / z[:, :1])
            ratios[role] = dist / dist[:, :1]
            ctx.series(
                trace.steps,
                errors[role][2],
                method=method.name,
                metric="stacked_error",
                param="kappa",
                x=k,
                role=role,
            )
        bound = ctx.curve(
            where,
            np.arange(steps + 1),
            method="C0*beta^(t/2)",
            metric="stacked_error",
            prediction="envelope",
        )
        hb, gd_method = methods["claim"], methods["control"]
        referee(  # ‖e_N‖/‖e_0‖ ≤ √2·z_N ≤ √2·C₀β^{N/2} (z stacks e_N and e_{N−1}, e_{−1} = e_0)
            ctx,
            where,
            method=hb.name,
            certify=lambda N, k=k, p=hb.params: pep.heavy_ball_quadratic(
                1 / k, 1.0, p["eta"], p["beta"], N
            ),
            measured=ratios["claim"],
            bound=lambda N, bound=bound: math.sqrt(2) * bound[N],
            metric="distance_ratio",
            role="claim",
        )
        referee(
            ctx,
            where,
            method=gd_method.name,
            certify=lambda N, k=k, p=gd_method.params: pep.gradient_descent(
                1 / k, 1.0, p["eta"], N
            ),
            measured=ratios["control"],
            bound=lambda N, where=where: ctx.predicted(where, "gd-worst-case", t=N),
            metric="distance_ratio",
            role="control",
        )
        for role, (name, at, z) in errors.items():
            rate = linear_rate(at, z, window)
            ctx.judge(
                rate,
                method=name,
                where=where,
                role=role,
                label=f"{name}, kappa={k:g}",
                note=f"fit window t ∈ [{window[0]}, {window[1]}]",
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = z / bound[: z.shape[1]]
            value, seeds_range, step = worst_step(at, z, ratio)
            ctx.judge(
                value,
                method=name,
                where=where,
                prediction="envelope",
                role=role,
                label=f"envelope {name}, kappa={k:g}, t = {step}",
                note="at the step of max over t and seeds of ‖[e_t; e_{t−1}]‖ / "
                f"(C₀ β^{{t/2}} ‖[e_0; e_{{−1}}]‖) = {np.nanmax(ratio):.4g}; range: the "
                "seeds' range there",
                range=seeds_range,
                t=step,
            )
