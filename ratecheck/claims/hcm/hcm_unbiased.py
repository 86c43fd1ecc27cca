"""hcm-unbiased: the interpolated Hessian correction is unbiased, the current-point one is not."""

from __future__ import annotations

import math

import numpy as np

from ratecheck.claims._shared import MATRIX
from ratecheck.claims.hcm._corrections import (
    current_point_bias,
    monte_carlo_z,
    point_and_direction,
    quadrature_error,
)
from ratecheck.problems import noisy_matrix
from ratecheck.problems.l0l1 import cosh_problem
from ratecheck.theory import hcm as th
from ratecheck.theory.claim import Prediction, Provenance
from ratecheck.verify.context import Axis, Context, claim
from ratecheck.verify.estimators import loglog_slope

SIGMA_HESSIAN_MC = 0.5
BIAS_PROBLEMS = {  # non-quadratic problems with exact and stochastic HVPs
    "cos matrix": noisy_matrix,
    "cosh": cosh_problem,
}


@claim(
    id="hcm-unbiased",
    kind="identity",
    source=th.HCM_SOURCE,
    statement="the random-interpolation correction ∇²f(x̂)Δ, x̂ = qx_k + (1 − q)x_{k−1}, "
    "q ~ U[0, 1], is unbiased for ∇f(x_k) − ∇f(x_{k−1}); the current-point correction "
    "∇²f(x_k)Δ has a bias of order ‖Δ‖²",
    prediction=th.interpolated_bias,
    prediction_text="bias of the interpolated correction = 0 (symbolic integral); exponent "
    "of the current-point bias in ‖Δ‖ = 2 (series at Δ → 0)",
    predictions={
        "quadrature": Prediction(
            th.interpolated_bias,
            kind="identity",
            tolerance=1e-10,  # round-off of the target difference, not of the identity
            text="Gauss–Legendre quadrature of E_q[∇²f(x̂)Δ] equals ∇f(x_k) − ∇f(x_{k−1}) "
            "(max relative error 0, up to the round-off of the finite difference)",
        ),
        "current-bias-exponent": Prediction(
            th.current_bias_exponent,
            kind="exponent",
            tolerance=0.05,
            text="lim_{‖Δ‖→0} d log ‖bias_V1‖/d log ‖Δ‖ (series of the cosh coordinate)",
        ),
    },
    tolerance=4.0,
    grid=[Axis("samples", (2000,), (20_000,), 10, "Monte Carlo draws per step length")],
    seeds=(4, 8),
    experiment="non-quadratic problems (the cos matrix problem, entrywise cosh) with a "
    "stochastic HVP (σ_H = 0.5); Monte Carlo over q and the Hessian noise at step lengths "
    "‖Δ‖ over three decades; the mean error in units of its standard error (chi-square "
    "z-score, |z| ≤ 4); Gauss–Legendre quadrature of the q-integral (≤ 1e-10, the "
    "round-off of the finite difference); the slope of "
    "log ‖bias_V1‖ against log ‖Δ‖ (2 ± 0.05)",
    control="the current-point correction judged as unbiased by the same Monte Carlo z-test",
    provenance=(
        Provenance("the two correction variants", "paper", "Tran & Cutkosky; SHARP"),
        Provenance("unbiasedness identity and the O(‖Δ‖²) bias", "derived", "§6"),
    ),
)
def hcm_unbiased(ctx: Context) -> None:
    """The bias of the two Hessian corrections of HCM at one step, by Monte Carlo and quadrature.

    Setting: two non-quadratic 8×8 problems with exact and stochastic HVPs (σ_H = 0.5, no
    gradient noise), the cos matrix problem and entrywise cosh, each at a random x_{k−1}
    (N(0, 1) entries) with a random unit direction u; steps Δ = hu. Estimators: for each
    variant (Hessian at x̂ = qx_k + (1 − q)x_{k−1}, q ~ U[0, 1], or at x_k) the mean of
    ``samples`` draws of (q, Hessian noise) of the correction ∇²f(x̂; ζ)Δ minus
    ∇f(x_k) − ∇f(x_{k−1}), in units of its standard error, as the standardized chi-square
    z-score over all entries and seeds (≈ N(0, 1) when unbiased; the largest |z| over ‖Δ‖ ∈
    [1e-3, 1], 4 lengths in quick mode and 7 in full, is judged against 0); the max relative
    error of a 24-node Gauss–Legendre quadrature of the q-integral over the same lengths
    (against 0, "quadrature"); the slope of log ‖∇²f(x_k)Δ − (∇f(x_k) − ∇f(x_{k−1}))‖_F
    against log ‖Δ‖ over ‖Δ‖ ∈ [1e-4, 1e-1] with a bootstrap CI over seeds (against 2,
    "current-bias-exponent"). Control: the current-point correction judged unbiased by the
    same z-test.
    """
    n_mc = int(ctx.values("samples")[0])
    mc_lengths = np.logspace(-3, 0, 4 if ctx.quick else 7)
    slope_lengths = np.logspace(-4, -1, 7)
    for label, build in BIAS_PROBLEMS.items():
        streams = ctx.streams({"problem": label})
        problem = build(
            *MATRIX, streams, ctx.xp, noise="none", sigma=0.0, sigma_hessian=SIGMA_HESSIAN_MC
        )
        x_prev, u = point_and_direction(streams, ctx.xp)
        z = {
            variant: [
                monte_carlo_z(problem, x_prev, h * u, variant, n_mc, streams.method)
                for h in mc_lengths
            ]
            for variant in ("interpolated", "current")
        }
        worst = {v: max(zs, key=abs) for v, zs in z.items()}
        quad = max(quadrature_error(problem, x_prev, h * u) for h in mc_lengths)
        bias = np.stack([current_point_bias(problem, x_prev, h * u) for h in slope_lengths], 1)
        where = {"problem": label, "samples": n_mc}
        interpolated, current = f"{label}/interpolated", f"{label}/current"
        ctx.judge(
            worst["interpolated"],
            method=interpolated,
            where=where,
            label=f"{label}: interpolated, Monte Carlo z-score (largest |z| over ‖Δ‖)",
            note=f"{n_mc} draws of (q, Hessian noise) per ‖Δ‖ ∈ [1e-3, 1]",
        )
        ctx.judge(
            quad,
            method=interpolated,
            where=where,
            prediction="quadrature",
            label=f"{label}: interpolated, Gauss–Legendre quadrature of E_q, max rel. error",
            note="the target ∇f(x_k) − ∇f(x_{k−1}) is a difference of values up to "
            "cosh(6) ≈ 200, so its own round-off is ~1e-12 relative at ‖Δ‖ = 1e-3",
        )
        ctx.judge(
            loglog_slope(slope_lengths, bias),
            method=current,
            where=where,
            prediction="current-bias-exponent",
            label=f"{label}: current point, slope of log ‖bias‖ vs log ‖Δ‖, ‖Δ‖ ∈ [1e-4, 1e-1]",
        )
        ctx.judge(
            worst["current"],
            method=current,
            where=where,
            role="control",
            label=f"{label}: current point judged unbiased, Monte Carlo z-score",
        )
        ctx.rows_at("step length", slope_lengths, bias, method=current, metric="bias_norm")
        for variant, zs in z.items():
            ctx.rows_at(
                "step length",
                mc_lengths,
                np.array([zs]),
                method=f"{label}/{variant}",
                metric="z_score",
                role="claim" if variant == "interpolated" else "control",
            )
        ctx.extra[label] = {"z": z, "quadrature_error": quad}
    n_tests = 2 * len(mc_lengths)
    tolerance = ctx.claim.tolerance_of(ctx.quick)
    ctx.note(
        f"each z-score is ≈ N(0, 1) for an unbiased correction; with {n_tests} of them judged at "
        f"|z| ≤ {tolerance:g}, an unbiased correction fails by chance with probability "
        f"≈ {n_tests * math.erfc(tolerance / math.sqrt(2)):.1e}"
    )
