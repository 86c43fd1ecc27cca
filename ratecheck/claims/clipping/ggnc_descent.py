"""ggnc-descent: each deterministic GGNC step, γ ≤ 1/(L0 + ρL1), obeys the descent inequality."""

from __future__ import annotations

import numpy as np

from ratecheck.claims.clipping._clipping import (
    GEOMETRIES,
    clipping_step,
    cosh,
    deterministic_grid,
    deterministic_run,
    l0_l1,
)
from ratecheck.solvers.clipping import ggnc
from ratecheck.theory import clipping as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Context, claim

EPS = np.finfo(float).eps
CONTROL_STEP = 10  # the control's step, in units of the admissible 1/(L0 + ρL1)


def descent_slack(f: np.ndarray, grad_dual: np.ndarray, gamma: float, rho: float):
    """(slack_k, round-off of f_k − f_{k+1}, clipped_k) for k < N: slack_k = f(x_k) −
    (γτ_k/2)‖∇f(x_k)‖_*² − f(x_{k+1}), τ_k = min{1, ρ/‖∇f(x_k)‖_*}."""
    g = grad_dual[:, :-1]
    with np.errstate(divide="ignore"):
        tau = np.minimum(1.0, rho / g)
    slack = f[:, :-1] - gamma * tau / 2 * g**2 - f[:, 1:]
    roundoff = 8 * EPS * (np.abs(f[:, :-1]) + np.abs(f[:, 1:]))
    return slack, roundoff, g > rho


@claim(
    id="ggnc-descent",
    kind="upper",
    source=th.SOURCE + ", Thm 4.3 (proof)",
    statement="with γ ≤ 1/(L0 + ρL1), every deterministic GGNC step satisfies "
    "f(x_{k+1}) ≤ f(x_k) − (γτ_k/2)‖∇f(x_k)‖_*², τ_k = min{1, ρ/‖∇f(x_k)‖_*}",
    prediction=0,
    prediction_text="number of steps whose slack f(x_k) − (γτ_k/2)‖∇f‖_*² − f(x_{k+1}) is "
    "below −(round-off of the f difference) = 0",
    tolerance=0.0,
    grid=deterministic_grid(600, 3000),
    seeds=(4, 8),
    experiment="the cosh problems (entrywise in ℓ2 and ℓ∞, rank-r in spectral geometry), "
    "8×8, started at 0 with ‖∇f(x_0)‖_* far above ρ; ρ ∈ {L0/L1, 10L0/L1}, "
    "γ = 1/(L0 + ρL1); every step of every run; both regimes (τ < 1 and τ = 1) visited",
    control="γ = 10/(L0 + ρL1): steps that violate the inequality",
    provenance=(
        Provenance("per-step descent inequality and the step condition", "paper", "Thm 4.3"),
        th.CONSTANTS,
    ),
)
def ggnc_descent(ctx: Context) -> None:
    """Steps of deterministic GGNC that violate the per-step descent inequality of Thm 4.3.

    Setting: per geometry (ℓ2, ℓ∞, spectral) and ρ = c·L0/L1, the noiseless 8×8 cosh problem
    with its exact (L0, L1), started at x_0 = 0 where ‖∇f‖_* ≫ ρ. Algorithm: GGNC
    x_{k+1} = x_k + γ·min{ρ, ‖∇f(x_k)‖_*}·lmo(∇f(x_k)), γ = 1/(L0 + ρL1), for N steps.
    Estimator: the number of steps (all seeds) whose slack f(x_k) − (γτ_k/2)‖∇f(x_k)‖_*² −
    f(x_{k+1}) is below minus the round-off 8ε(|f_k| + |f_{k+1}|), judged ≤ 0;
    the slack of the clipped and the unclipped steps is stored as rows. Control: the same
    problem with the step 10/(L0 + ρL1), outside the theorem's condition, judged against the
    same prediction.
    """
    steps = int(ctx.values("steps")[0])
    for where in ctx.points("geometry", "rho_factor"):
        geometry, c = where["geometry"], where["rho_factor"]
        norm = GEOMETRIES[geometry][0]
        problem = cosh(geometry, ctx.streams(where), ctx.xp, noise="none")
        L0, L1 = l0_l1(problem, geometry)
        gamma, rho = clipping_step(L0, L1, c)
        label = f"{geometry}, ρ = {c:g}·L0/L1"
        for role, step_size in (("claim", gamma), ("control", CONTROL_STEP * gamma)):
            method = ggnc(norm, step_size, rho)
            tr = deterministic_run(ctx, method, problem, norm, steps, where, role)
            f = tr.metrics["f"]
            slack, roundoff, clipped = descent_slack(f, tr.metrics["grad_dual"], step_size, rho)
            violations = int(np.sum(slack < -roundoff))
            ctx.judge(
                float(violations),
                method="ggnc",
                where=where,
                role=role,
                label=f"{label}, γ = {step_size * (L0 + rho * L1):g}/(L0 + ρL1): steps "
                "violating the descent inequality",
                note=f"{slack.size} steps; clipped fraction {clipped.mean():.3f}",
            )
            if role != "claim":
                continue
            ctx.note(
                f"{label}: {violations} violations in {slack.size} steps; regimes visited: "
                f"clipped {int(clipped.sum())}, unclipped {int((~clipped).sum())}; smallest "
                f"slack/|f| {np.min(slack / np.abs(f[:, :-1])):.3g}"
            )
            for regime, mask in (("clipped", clipped), ("unclipped", ~clipped)):
                ctx.series(
                    tr.steps[:-1],
                    np.where(mask, slack, np.nan),
                    where=where,
                    method=f"{geometry}, {regime} steps",
                    metric="descent_margin",
                )
