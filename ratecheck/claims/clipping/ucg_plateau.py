"""ucg-plateau: uCG with a constant step stalls at a level Θ(L0γρ) while GGNC keeps decreasing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

from ratecheck.claims._shared import geometry_axis
from ratecheck.claims.clipping._clipping import (
    GEOMETRIES,
    clipping_step,
    cosh,
    deterministic_run,
    gap,
    l0_l1,
    running_min,
)
from ratecheck.solvers.clipping import ggnc, ucg
from ratecheck.theory import clipping as th
from ratecheck.theory.claim import Prediction, Provenance
from ratecheck.theory.schedules import Schedule
from ratecheck.verify.context import Axis, Context, Where, claim
from ratecheck.verify.estimators import loglog_slope
from ratecheck.verify.runner import geometric_checkpoints

bound45 = Schedule(th.thm45_bound, (th.Delta, th.step, th.n_sym, th.L0))
HALF = sp.Rational(1, 2)  # the stall criterion [derived]


def series_steps(steps: int) -> np.ndarray:
    """The steps of a run of ``steps`` steps kept as rows (``ctx.series`` thins a series to
    about 150 geometric checkpoints)."""
    return geometric_checkpoints(steps, 150)


def _running_min(
    ctx: Context, method: Any, steps: int, where: Where, role: str
) -> dict[str, np.ndarray]:
    """min_{j≤k} ‖∇f(x_j)‖_* of ``method`` on the noiseless cosh problem of ``where`` (the
    seeds of ``ctx.streams``) in its geometry: at N, at N/2, and at the steps kept as rows."""
    geometry = str(where["geometry"])
    problem = cosh(geometry, ctx.streams(where), ctx.xp, noise="none")
    norm = GEOMETRIES[geometry][0]
    trace = deterministic_run(ctx, method, problem, norm, steps, where, role)
    best = running_min(trace.metrics["grad_dual"])
    return {
        "final": best[:, -1],
        "half": best[:, steps // 2],
        "series": best[:, series_steps(steps)],
    }


@claim(
    id="ucg-plateau",
    kind="tight",
    source=th.SOURCE + ", Prop. 4.1, Thm 4.5",
    statement="uCG with a constant step γρ < 1/(2L1) stalls at a level Θ(L0γρ) (below the "
    "Thm 4.5 bound 2Δ/(γρn) + 2L0γρ), while GGNC with the same γ, ρ keeps decreasing",
    prediction=th.ucg_plateau_exponent,
    prediction_text="the plateau 2L0γρ = lim_n of the Thm 4.5 bound is linear in γρ: exponent 1",
    predictions={
        "below-bound": Prediction(
            1,
            kind="upper",
            tolerance=0.0,
            text="uCG plateau min_{k≤N}‖∇f(x_k)‖_* / the Thm 4.5 bound 2Δ/(γρN) + 2L0γρ ≤ 1",
        ),
        "ucg-stalls": Prediction(
            HALF,
            kind="lower",
            tolerance=0.0,
            text="uCG stalls: its min_{k≤N}‖∇f‖_* / its min_{k≤N/2}‖∇f‖_* ≥ 1/2",
        ),
        "ggnc-decreases": Prediction(
            HALF,
            kind="upper",
            tolerance=0.0,
            text="GGNC keeps decreasing: its min_{k≤N}‖∇f‖_* / the uCG plateau ≤ 1/2",
        ),
        "ggnc-stalls": Prediction(
            HALF,
            kind="lower",
            tolerance=0.0,
            text="the control: GGNC judged as stalling, its min_{k≤N}‖∇f‖_* / the uCG "
            "plateau ≥ 1/2",
        ),
    },
    tolerance=0.1,
    grid=[
        geometry_axis("the geometry (norm) of the step", independent=True),
        Axis("steps", (4000,), (20_000,), 10, "iterations per run"),
        Axis(
            "rho_factor",
            (0.5, 0.125),
            (0.5, 0.125, 0.03125),
            1e-6,
            "ρ in units of L0/L1 (< 1 so that γρ < 1/(2L1))",
        ),
    ],
    seeds=(4, 8),
    experiment="cosh problems in ℓ2, ℓ∞, spectral; ρ = cL0/L1 with c ∈ {1/2, 1/8(, 1/32)}, "
    "γ = 1/(L0 + ρL1) (so γρ < 1/(2L1)); N steps; plateau = min_{k≤N}‖∇f‖_*; slope of log "
    "plateau vs log γρ; plateau ≤ Thm 4.5 bound; plateau stalls (min at N over min at N/2 "
    "≥ 1/2); GGNC's min at N below half the plateau",
    control="GGNC judged as stalling: its min at N over the uCG plateau ≥ 1/2 fails",
    provenance=(
        Provenance("uCG bound and its plateau", "paper", "Thm 4.5"),
        Provenance("Θ(L0γρ) as a slope in γρ; the stall criterion 1/2", "derived"),
        th.CONSTANTS,
    ),
)
def ucg_plateau(ctx: Context) -> None:
    """The plateau of uCG's best dual gradient norm against its step length γρ, beside GGNC.

    Setting: per geometry (ℓ2, ℓ∞, spectral) and ρ = c·L0/L1 (c < 1), the noiseless 8×8 cosh
    problem with its exact (L0, L1), started at x_0 = 0; γ = 1/(L0 + ρL1), so the step length
    s = γρ < 1/(2L1). Algorithms: uCG x_{k+1} = x_k + γρ·lmo(∇f(x_k)) and GGNC
    x_{k+1} = x_k + γ·min{ρ, ‖∇f(x_k)‖_*}·lmo(∇f(x_k)) with the same γ, ρ, N steps each.
    Estimators: the plateau min_{k≤N}‖∇f(x_k)‖_* of uCG; per point its ratio to the Thm 4.5
    bound 2Δ/(sN) + 2L0s (≤ 1), its ratio to uCG's min at N/2 (≥ 1/2: it stalls) and GGNC's
    min at N over the plateau (≤ 1/2: GGNC keeps decreasing); per geometry the slope of log
    plateau against log s with a bootstrap CI, judged against the exponent 1. Every (c,
    method) is measured seedwise (``ctx.seedwise_each``). Control: GGNC's min at N over the
    uCG plateau judged as stalling (≥ 1/2).
    """
    steps = int(ctx.values("steps")[0])
    factors = [float(c) for c in ctx.values("rho_factor")]
    for geometry in ctx.values("geometry"):
        norm = GEOMETRIES[geometry][0]
        setups, runs = {}, {}  # per c: (where, problem, L0, L1, s); per (c, name): the run
        for c in factors:
            where = {"geometry": geometry, "rho_factor": c}
            problem = cosh(geometry, ctx.streams(where), ctx.xp, noise="none")
            L0, L1 = l0_l1(problem, geometry)
            gamma, rho = clipping_step(L0, L1, c)
            setups[c] = (where, problem, L0, L1, gamma * rho)
            runs[c, "ucg"] = (ucg(norm, gamma, rho), "claim")
            runs[c, "ggnc"] = (ggnc(norm, gamma, rho), "control")
        items = [{"where": setups[c][0], "method": name, "steps": steps} for c, name in runs]

        def running_min(item: Mapping[str, Any], runs=runs) -> dict[str, np.ndarray]:
            method, role = runs[item["where"]["rho_factor"], item["method"]]
            return _running_min(ctx, method, steps, item["where"], role)

        measured = dict(zip(runs, ctx.seedwise_each("running-min", items, running_min)))
        plateaus, step_lengths = [], []
        for c in factors:
            where, problem, L0, L1, s = setups[c]
            best = {}
            for name in ("ucg", "ggnc"):
                best[name] = measured[c, name]
                ctx.series(
                    series_steps(steps),
                    best[name]["series"],
                    where=where,
                    method=f"{geometry}/{name}",
                    metric="min_grad_dual",
                    role=runs[c, name][1],
                )
            plateau, half = best["ucg"]["final"], best["ucg"]["half"]
            ggnc_ratio = float(np.max(best["ggnc"]["final"] / plateau))
            label = f"{geometry}, ρ = {c:g}·L0/L1 (γρ = {s * L1:.3g}/L1)"
            bound = bound45(Delta=gap(problem), s=s, n=steps, L_0=L0)
            ctx.judge(
                float(np.max(plateau / bound)),
                method=f"{geometry}/ucg",
                where=where,
                prediction="below-bound",
                label=f"{label}: uCG plateau / Thm 4.5 bound",
            )
            ctx.judge(
                float(np.min(plateau / half)),
                method=f"{geometry}/ucg",
                where=where,
                prediction="ucg-stalls",
                label=f"{label}: uCG stalls, min at N / min at N/2",
            )
            ctx.judge(
                ggnc_ratio,
                method=f"{geometry}/ggnc",
                where=where,
                prediction="ggnc-decreases",
                label=f"{label}: GGNC keeps decreasing, its min at N / uCG plateau",
            )
            ctx.judge(
                ggnc_ratio,
                method=f"{geometry}/ggnc",
                where=where,
                prediction="ggnc-stalls",
                role="control",
                label=f"{label}: GGNC judged as stalling (min at N / uCG plateau ≥ 1/2)",
            )
            plateaus.append(plateau)
            step_lengths.append(s)
            ctx.note(f"{label}: plateau/(L0γρ) = {np.mean(plateau) / (L0 * s):.3f}")
        if len(factors) >= 2:
            P = np.stack(plateaus, axis=1)
            ctx.judge(
                loglog_slope(step_lengths, P),
                method=f"{geometry}/ucg plateau",
                where={"geometry": geometry},
                label=f"{geometry}: slope of log plateau vs log γρ",
            )
            ctx.rows_at(
                "gamma*rho", step_lengths, P, method=f"{geometry}/ucg plateau", metric="plateau"
            )
