"""ggnc-stochastic-rate: stochastic GGNC on the Thm 4.9 schedule, averaged ‖∇f‖_* = O(n^{−1/4})."""

from __future__ import annotations

from ratecheck.claims._shared import (
    averaged_dual_gradient,
    geometry_axis,
    horizon_axis,
    momentum_ablation,
)
from ratecheck.claims.clipping._clipping import GEOMETRIES, cosh, l0_l1
from ratecheck.solvers.clipping import ggnc
from ratecheck.theory import clipping as th
from ratecheck.theory.claim import Provenance
from ratecheck.theory.schedules import Schedule
from ratecheck.verify.context import Context, claim

alpha49 = Schedule(th.thm49_alpha, (th.n_sym,))
gamma49 = Schedule(th.thm49_gamma, (th.n_sym, th.L0))
rho49 = Schedule(th.thm49_rho, (th.L0, th.n_sym, th.L1))


@claim(
    id="ggnc-stochastic-rate",
    kind="exponent",
    source=th.SOURCE + ", Thm 4.9",
    statement="stochastic GGNC with α = n^{−1/2}, γ = 1/(√n L0), ρ = L0/(2n^{1/4}L1): "
    "E‖∇f(x̄_n)‖_* = (1/n)Σ_k E‖∇f(x_k)‖_* = O(n^{−1/4})",
    prediction=th.ggnc_stochastic_exponent,
    prediction_text="lim d log B/d log n of the Thm 4.9 bound with Lemma B.2's error",
    tolerance=0.05,
    grid=[
        geometry_axis("the geometry (norm) of the clipped step", independent=True),
        horizon_axis((1000, 3162, 10_000), "horizon n (iterations)", name="n", decades=(3, 5, 5)),
    ],
    seeds=(4, 8),
    experiment="noisy cosh problems (skewed zero-mean noise, σ = 1 per entry), started at "
    "distance 1 from x* in the geometry's norm (arrival within the window: n ≳ (2L1)^4 "
    "[derived]); ℓ2, ℓ∞, spectral; slope of log (1/n)Σ‖∇f(x_k)‖_* vs log n",
    control="α = 1 (no averaging), same γ and ρ: the single-sample clipped step stalls",
    provenance=(
        Provenance("the rate and the schedule", "paper", "Thm 4.9"),
        Provenance("the start distance and window choice", "derived"),
        th.CONSTANTS,
    ),
)
def ggnc_stochastic_rate(ctx: Context) -> None:
    """The run-averaged dual gradient norm of stochastic GGNC against the horizon n.

    Setting: per geometry (ℓ2, ℓ∞, spectral), the 8×8 cosh problem with its exact (L0, L1)
    and skewed zero-mean gradient noise (σ = 1 per entry), started at distance 1 from x* in
    the geometry's norm; one instance per geometry, the same problem and noise for every
    horizon and for the control. Algorithm: stochastic GGNC with averaged
    momentum d_k = α g_k + (1 − α) d_{k−1}, x_{k+1} = x_k + γ·min{ρ, ‖d_k‖_*}·lmo(d_k), on the
    Thm 4.9 schedule α = n^{−1/2}, γ = 1/(√n L0), ρ = L0/(2n^{1/4}L1) for n steps. Estimator:
    (1/n) Σ_{k<n} ‖∇f(x_k)‖_* (exact gradient) per seed; the slope of its log against log n
    with a bootstrap CI, judged against the Thm 4.9 exponent −1/4. Control: α = 1 (no
    averaging), same γ and ρ, judged against the same exponent.
    """
    ns = [round(v) for v in ctx.values("n")]
    window = f"n ∈ [{ns[0]}, {ns[-1]}]"
    for where in ctx.points("geometry"):
        geometry = where["geometry"]
        norm, _, key = GEOMETRIES[geometry]

        def run_at(n: int, momentum: bool, where=where, geometry=geometry, norm=norm, key=key):
            problem = cosh(
                geometry,
                ctx.streams(where),
                ctx.xp,
                noise="skewed",
                start_distance=1.0,
                distance_norm="l2" if key == "spectral" else key,
            )
            L0, L1 = l0_l1(problem, geometry)
            method = ggnc(
                norm,
                float(gamma49(n=n, L_0=L0)),
                float(rho49(L_0=L0, n=n, L_1=L1)),
                float(alpha49(n=n)) if momentum else 1.0,
                stochastic=True,
            )
            return averaged_dual_gradient(method, problem, n, norm)

        labels = (
            f"{geometry}/momentum: α = n^-1/2, {window}",
            f"{geometry}/no-momentum: α = 1, {window}",
        )
        momentum_ablation(ctx, run_at, ns, geometry, where, labels)
