"""schattor-rate: Schattor with averaged momentum reaches stationarity in S_q at K^{−1/4}."""

from __future__ import annotations

import math

import numpy as np

from ratecheck.backend import to_host
from ratecheck.claims._shared import (
    MATRIX,
    alpha_K,
    averaged_dual_gradient,
    horizon_axis,
    momentum_ablation,
    t0_of,
    t_K,
)
from ratecheck.problems import noisy_matrix
from ratecheck.solvers import norms as nm
from ratecheck.solvers.schattor import schattor
from ratecheck.theory import schattor as th
from ratecheck.theory.lmo import polyak_exponent
from ratecheck.verify.context import Axis, Context, claim

# the instance this claim measures on: lmo-momentum-rate's noisy matrix problem in l2
INSTANCE = {"geometry": "l2"}


def schatten_constants(p: float, r: int) -> tuple[float, float]:
    """θ̲ = r^{1/p − 1/2} and ρ̄ = r^{1/2 − 1/p} of S_p against Frobenius (reference §2)."""
    e = 0.5 - (0.0 if p == math.inf else 1 / p)
    return r**-e, r**e


@claim(
    id="schattor-rate",
    kind="exponent",
    source=th.SOURCE + " §2",
    statement="Schattor (ball version) with averaged momentum α = K^{−1/2} and η = η₀K^{−3/4} "
    "reaches stationarity in the dual S_q norm at K^{−1/4} [derived schedule]",
    prediction=polyak_exponent,
    prediction_text="the LMO-momentum §8 bound in the S_p geometry: −1/4",
    tolerance=0.05,
    grid=[
        horizon_axis(),
        Axis(
            "p",
            (2.0, 4.0, math.inf),
            (2.0, 4.0, math.inf),
            2.0,
            "Schatten p ≥ 2",
            allow_infinity=True,
            independent=True,
        ),
    ],
    seeds=(4, 8),
    experiment="the noisy nonconvex 8×8 matrix problem of lmo-momentum-rate (skewed noise), "
    "p ∈ {2, 4, ∞}; slope of log (1/K)Σ‖∇f(X_k)‖_{S_q} vs log K",
    control="α = 1 (no momentum), same η: the single-sample LMO is biased by the skew",
    provenance=(th.TEMPLATE, th.UNKNOWN),
)
def schattor_rate(ctx: Context) -> None:
    """The run-averaged dual gradient norm of Schattor against the horizon K, per Schatten p.

    Setting: the noisy nonconvex 8×8 matrix problem with skewed zero-mean gradient noise,
    drawn from lmo-momentum-rate's l2 instance (the same problem and noise at every p and K).
    Algorithm: Schattor, ball version, M ← (1 − α)M + αg, X ← X + η·lmo_p(M), with
    α = K^{−1/2} and η = t₀K^{−3/4}, t₀ = √(Δθ/(2ρ̄L₂)) from Δ = max f(X₀) over the first
    look's seeds (the same Δ at every look), θ = r^{1/p−1/2},
    ρ̄ = r^{1/2−1/p} (r = 8) and L₂. Estimator: (1/K) Σ_{k<K} ‖∇f(X_k)‖_{S_q} per seed at
    every K, and the slope of its log against log K with a bootstrap CI over seeds, judged
    against −1/4 at each p. Control: the same runs with α = 1 (no momentum), judged against
    −1/4, which the skewed noise must refute.
    """
    horizons = [round(k) for k in ctx.values("K")]
    window = f"K ∈ [{horizons[0]}, {horizons[-1]}]"
    probe_streams = ctx.probe_streams(INSTANCE, claim="lmo-momentum-rate")
    probe = noisy_matrix(*MATRIX, probe_streams, ctx.xp, noise="skewed")
    delta = float(np.max(to_host(probe.value(probe.x0))))
    for where in ctx.points("p"):
        p = float(where["p"])
        norm = nm.Schatten(p)
        theta, rho_bar = schatten_constants(p, min(MATRIX))
        t0 = t0_of(Delta=delta, theta=theta, rho_bar=rho_bar, L_2=probe.constants["L2"])

        def run_at(k: int, momentum: bool, p=p, norm=norm, t0=t0):
            streams = ctx.streams(INSTANCE, claim="lmo-momentum-rate")
            problem = noisy_matrix(*MATRIX, streams, ctx.xp, noise="skewed")
            alpha = float(alpha_K(K=k)) if momentum else 1.0
            return averaged_dual_gradient(schattor(p, t_K(t_0=t0, K=k), alpha), problem, k, norm)

        labels = (
            f"p={p:g}/momentum: α = K^-1/2, η ∝ K^-3/4, {window}",
            f"p={p:g}/no-momentum: α = 1, {window}",
        )
        momentum_ablation(ctx, run_at, horizons, f"p={p:g}", where, labels)
