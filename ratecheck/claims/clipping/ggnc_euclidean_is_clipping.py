"""ggnc-euclidean-is-clipping: GGNC's LMO form is the classical clipped step of each geometry."""

from __future__ import annotations

from typing import Any

import numpy as np

from ratecheck.backend import to_host
from ratecheck.claims._shared import geometry_axis
from ratecheck.claims.clipping._clipping import GEOMETRIES, clipping_step, cosh, l0_l1
from ratecheck.errors import UsageError
from ratecheck.problems.base import Oracle
from ratecheck.solvers.clipping import ggnc
from ratecheck.theory import clipping as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Axis, Context, claim

RESOLVABLE = 1e-6  # shorter steps are below what two iterates in float64 can resolve to 1e-12


def closed_form_step(geometry: str, x: Any, g: Any, gamma: float, rho: float, wrong: bool) -> Any:
    """The classical clipped step of each geometry, written without any LMO:
    ℓ2: x − γ min{1, ρ/‖g‖₂} g (``wrong``: ρ/‖g‖₁); ℓ∞: x − γ min{ρ, ‖g‖₁} sign(g);
    spectral: x − γ min{ρ, ‖g‖_S1} U Vᵀ (numpy SVD)."""
    G = to_host(g)
    X = to_host(x)
    if geometry == "l2":
        size = np.sum(np.abs(G), axis=(1, 2)) if wrong else np.sqrt(np.sum(G * G, axis=(1, 2)))
        return X - gamma * np.minimum(1.0, rho / size)[:, None, None] * G
    if geometry == "linf":
        return X - gamma * np.minimum(rho, np.sum(np.abs(G), axis=(1, 2)))[:, None, None] * np.sign(
            G
        )
    U, s, Vt = np.linalg.svd(G)
    return X - gamma * np.minimum(rho, s.sum(axis=1))[:, None, None] * (U @ Vt)


@claim(
    id="ggnc-euclidean-is-clipping",
    kind="identity",
    source=th.SOURCE + ", §3",
    statement="in ℓ2 GGNC is clipped gradient descent x − γ·min{1, ρ/‖g‖₂}·g; in ℓ∞ it is "
    "x − γ·min{ρ, ‖g‖₁}·sign(g); in spectral geometry x − γ·min{ρ, ‖g‖_S1}·UVᵀ",
    prediction=0,
    prediction_text="max relative difference between the LMO-form iterate and the "
    "closed-form clipped step = 0",
    tolerance=1e-12,
    grid=[
        geometry_axis("the geometry (norm) of the clipped step; the control needs l2"),
        Axis("steps", (300,), (1000,), 1, "iterations per run"),
    ],
    seeds=(4, 8),
    experiment="along GGNC runs on the cosh problems (both regimes), at every step, the "
    "closed-form step from the same x_k",
    control="the rule min{1, ρ/‖g‖₁} (wrong norm) in place of min{1, ρ/‖g‖₂}",
    provenance=(Provenance("the three closed forms", "paper", "§3"),),
)
def ggnc_euclidean_is_clipping(ctx: Context) -> None:
    """GGNC's LMO-form iterate against the closed-form clipped step, at every step of a run.

    Setting: per geometry (ℓ2, ℓ∞, spectral), the noiseless 8×8 cosh problem with its exact
    (L0, L1), started at x_0 = 0, ρ = L0/L1, γ = 1/(L0 + ρL1); the run visits the clipped and
    the unclipped regime. Algorithm: GGNC x_{k+1} = x_k + γ·min{ρ, ‖∇f(x_k)‖_*}·lmo(∇f(x_k)),
    stepped by hand; at every x_k the closed form of the geometry (ℓ2: x − γ·min{1, ρ/‖g‖₂}·g;
    ℓ∞: x − γ·min{ρ, ‖g‖₁}·sign(g); spectral: x − γ·min{ρ, ‖g‖_S1}·UVᵀ, no LMO) is computed
    from the same x_k. Estimator: the largest over steps and seeds of ‖x_{k+1} − closed form‖_max
    over the closed-form move ‖closed form − x_k‖_max, on the steps whose move exceeds 10⁻⁶·(1 +
    ‖x_k‖_max) (shorter moves are below float64 resolution), judged = 0. Control: in ℓ2, the
    rule min{1, ρ/‖g‖₁} (the wrong norm) in place of min{1, ρ/‖g‖₂}, judged the same way.
    """
    if "l2" not in ctx.values("geometry"):
        raise UsageError("ggnc-euclidean-is-clipping: its control needs geometry l2")
    steps = int(ctx.values("steps")[0])
    for where in ctx.points("geometry"):
        geometry = where["geometry"]
        norm = GEOMETRIES[geometry][0]
        problem = cosh(geometry, ctx.streams(where), ctx.xp, noise="none")
        L0, L1 = l0_l1(problem, geometry)
        gamma, rho = clipping_step(L0, L1, 1.0)
        method, oracle = ggnc(norm, gamma, rho), Oracle(problem)
        x, state = problem.x0, method.init(problem.x0)
        worst = {False: 0.0, True: 0.0}
        clipped = compared = 0
        for _ in range(steps):
            grad = problem.grad(x)[0]
            clipped += int(np.sum(to_host(norm.dual(grad)) > rho))
            x_next, state = method.step(x, state, oracle)
            here, new = to_host(x[0]), to_host(x_next[0])
            for wrong in worst:
                ref = closed_form_step(geometry, x[0], grad, gamma, rho, wrong)
                move = np.max(np.abs(ref - here), axis=(1, 2))
                resolved = move > RESOLVABLE * (1 + np.max(np.abs(here), axis=(1, 2)))
                diff = np.max(np.abs(new - ref), axis=(1, 2))
                if resolved.any():
                    ratio = diff[resolved] / move[resolved]
                    worst[wrong] = max(worst[wrong], float(ratio.max()))
                compared += int(resolved.sum()) if not wrong else 0
            x = x_next
        ctx.judge(
            worst[False],
            method="ggnc",
            where=where,
            label=f"{geometry}: GGNC (LMO form) vs closed-form clipped step, max relative "
            "difference",
        )
        if geometry == "l2":
            ctx.judge(
                worst[True],
                method="ggnc",
                where=where,
                role="control",
                label="l2: GGNC vs clip rule min{1, ρ/‖g‖₁}",
            )
        ctx.note(
            f"{geometry}: {steps} steps × {ctx.seeds} seeds, {clipped} clipped; "
            f"{compared} steps long enough to compare (> {RESOLVABLE:g}·(1 + ‖x‖_max))"
        )
