"""hb-polyak-transient: with Polyak's (α*, β*) the worst direction's error is (1 + (1+ρ)t)ρ^t."""

from __future__ import annotations

import math

import numpy as np

from ratecheck.claims.polyak._quadratic import worst_step
from ratecheck.claims.polyak._referee import HORIZONS, referee, worst_case_instance
from ratecheck.problems import quadratic
from ratecheck.referee import pep
from ratecheck.solvers import heavy_ball
from ratecheck.theory import polyak as th
from ratecheck.theory.claim import Prediction, Provenance
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import L, kappa, mu
from ratecheck.verify.context import Axis, Context, claim

DIRECTIONS = 34  # eigenvalues μ, L and a grid between
alpha_polyak = Schedule(th.alpha_polyak, (L, mu))
beta_polyak = Schedule(th.beta_polyak, (kappa,))


@claim(
    id="hb-polyak-transient",
    kind="tight",
    source="Polyak 1964 parameters; exact transient in shared/reference/polyak-momentum.md §3",
    statement="with Polyak's optimal (α, β), the worst case over eigen-directions from "
    "x₋₁ = x₀ is exactly (1 + (1+ρ)t)ρ^t, ρ = (√κ−1)/(√κ+1)",
    prediction=th.transient_polyak,
    prediction_text="(1 + (1+ρ)t)ρ^t",
    predictions={
        "diagonalizable": Prediction(
            th.diagonalizable_bound,
            kind="tight",
            text="ρ^t: the diagonalizable bound without prefactor (the control's)",
        )
    },
    tolerance=1e-6,
    grid=[Axis("kappa", (100, 10_000), (100, 10_000), 1.0, "condition number L/μ")],
    seeds=(2, 4),
    experiment="eigenvalues at μ, L and a grid between; max over eigen-directions of "
    "|e_t|/|e_0|, t ≤ 10√κ, κ ∈ {10², 10⁴}",
    control="the diagonalizable bound ρ^t (no prefactor) judged as tight",
    provenance=(
        Provenance("α* = 4/(√L+√μ)², β* = ρ²", "paper", "Polyak 1964, via public notes"),
        Provenance("(1 + (1+ρ)t)ρ^t, attained at λ = L", "derived"),
    ),
)
def hb_polyak_transient(ctx: Context) -> None:
    """The worst eigen-direction's error of heavy ball with Polyak's parameters, step by step.

    Setting: per κ, a 34-dimensional quadratic centred at x* = 0 with eigenvalues
    linspace(μ, L) = linspace(1/κ, 1) (random rotation), started at e_0 = 1 in every
    eigen-direction with x_{−1} = x_0. Algorithm: heavy ball with Polyak's α* = 4/(√L + √μ)²
    and β* = ρ², ρ = (√κ − 1)/(√κ + 1), for t ≤ ⌈10√κ⌉. Estimator: at every step, the largest
    |e_t| over eigen-directions (e_0 = 1 there), divided by the prediction
    (1 + (1+ρ)t)ρ^t; the claim is judged at the seed and step where that ratio is farthest from
    1: |e_t| there (interval: the seeds' range at that step) against (1 + (1+ρ)t)ρ^t, relative
    tolerance 1e-6, so it holds at every step. Control: the same ratio to the
    diagonalizable bound ρ^t, judged as tight at its own farthest step.
    Referee (with the pepit extra): PEPit's worst case of ‖x_N − x*‖/‖x_0 − x*‖ over quadratics
    with spectrum in [μ, L] for the same (α, β), N ∈ {1, 2, 3, 5, 8}, against the measured worst
    direction (each eigen-direction started alone is an instance) and (1 + (1+ρ)N)ρ^N; and
    the testbed's heavy ball run on PEPit's worst-case quadratic at N = 8 must reach it.
    """
    for where in ctx.points("kappa"):
        k = where["kappa"]
        eigenvalues = np.linspace(1.0 / k, 1.0, DIRECTIONS)
        problem = quadratic(
            k,
            DIRECTIONS,
            ctx.streams(where),
            ctx.xp,
            centered=True,
            eigenvalues=eigenvalues,
            start=np.ones(DIRECTIONS),
        )

        def worst_direction(x, problem=problem, xp=ctx.xp):
            eigvecs_t = xp.matrix_transpose(problem.eigvecs)
            coords = (eigvecs_t @ x[0][..., None])[..., 0]  # e_t in the eigenbasis
            return xp.max(xp.abs(coords), axis=1)  # e_0 = 1 in every direction

        horizon = math.ceil(10 * math.sqrt(k))
        method = heavy_ball(alpha_polyak(L=1.0, mu=1.0 / k), beta_polyak(kappa=k))
        trace = ctx.run(
            method,
            problem,
            horizon,
            where=where,
            metrics={"worst_direction": worst_direction},
            checkpoints="all",
        )
        steps, worst = trace.steps, trace.metrics["worst_direction"]
        referee(
            ctx,
            where,
            method=method.name,
            certify=lambda N, k=k, p=method.params: pep.heavy_ball_quadratic(
                1 / k, 1.0, p["eta"], p["beta"], N
            ),
            measured=worst,
            bound=lambda N, where=where: ctx.predicted(where, t=N),
            metric="worst_direction",
        )
        worst_case_instance(ctx, where, method, k, HORIZONS[-1])
        for role, prediction, name in (
            ("claim", None, "(1+(1+rho)t)rho^t"),
            ("control", "diagonalizable", "rho^t"),
        ):
            bound = ctx.curve(
                where, steps, method=name, metric="worst_direction", prediction=prediction
            )
            ratio = worst / bound
            value, seeds_range, step = worst_step(steps, worst, np.abs(ratio - 1))
            ctx.judge(
                value,
                method=method.name,
                where=where,
                prediction=prediction,
                role=role,
                label=f"kappa={k:g}, t = {step} (of t ≤ {horizon})",
                note=f"worst |e_t|/|e_0| over eigen-directions divided by {name}: "
                f"{np.nanmin(ratio):.12g} to {np.nanmax(ratio):.12g} over t ≤ {horizon} "
                "and seeds; range: the seeds' range at the judged step",
                range=seeds_range,
                t=step,
            )
