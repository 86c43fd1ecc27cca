"""What the two HCM rate claims share: the [derived] HCM schedule with its balanced constants,
the four methods, and the rate comparison against Polyak momentum on the same instances.

Every rate experiment runs four methods per geometry on the same problem instances and the same
noise sequences (each run rebuilds the problem from fresh streams): Polyak momentum with its
schedule (α = K^{−1/2}, t = t₀K^{−3/4}, exactly as in lmo-momentum-rate), both HCM variants with
the [derived] schedule α = aK^{−2/3}, t = cK^{−2/3}, and, as the control, HCM with β = 0 on the
HCM schedule. The momentum slope itself is reported, not judged: lmo-momentum-rate judges it in
the window where K^{−1/4} is asymptotic (K ≥ 10^3.5); the quick window here starts at K = 1000.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

from ratecheck.backend import to_host
from ratecheck.claims._shared import (
    GEOMETRIES,
    alpha_K,
    averaged_dual_gradient,
    horizon_sweep,
    t0_of,
    t_K,
)
from ratecheck.seeding import Streams
from ratecheck.solvers import uscg
from ratecheck.solvers.hcm import hcm
from ratecheck.theory import hcm as th
from ratecheck.theory.claim import Prediction
from ratecheck.theory.lmo import polyak_exponent
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import K
from ratecheck.verify.context import Context
from ratecheck.verify.estimators import loglog_slope, loglog_slope_difference

SIGMA_HESSIAN = 1.0
alpha_hcm = Schedule(th.alpha_hcm_K, (th.a_sym, K))
t_hcm = Schedule(th.t_hcm_K, (th.c_sym, K))
c_of = Schedule(th.c_balanced, (th.Delta, th.rho_bar, th.theta, th.sigma_n, th.L2sym, th.sigma_H))
a_of = Schedule(th.a_balanced, (th.c_sym, th.theta, th.sigma_n, th.L2sym, th.sigma_H))
VARIANTS = ("hcm-current", "hcm-interpolated")

PREDICTIONS = {  # judged per geometry: each variant's slope, and its advantage over momentum
    "hcm-current": Prediction(
        th.hcm_v1_exponent,
        kind="exponent",
        text="lim d log B_V1/d log K of the §8 bound with the bias term ρ̄Mt²/(αθ²)",
    ),
    "hcm-interpolated": Prediction(
        th.hcm_exponent, kind="exponent", text="lim d log B_V2/d log K of the §8 bound"
    ),
    "advantage": Prediction(
        sp.Integer(0),
        kind="upper",
        tolerance=0.0,
        text="the upper end of the 95% CI of the slope difference HCM − momentum is below 0 "
        "(HCM strictly faster; predicted difference −1/12)",
    ),
}


def schedule_constants(problem: Any, theta: float, rho_bar: float, smoothness: float) -> dict:
    """Δ (the largest f(x₀) − f* over the problem's seeds, from the known f* or its lower
    bound), Euclidean σ, and the balanced a, c and the Polyak t₀ of reference §8 [derived].
    ``problem`` is drawn from ``ctx.probe_streams``, so the constants are the same at every
    look."""
    f_low = problem.f_star if problem.f_star is not None else 0.0
    delta = float(np.max(to_host(problem.value(problem.x0) - f_low)))
    sigma = problem.constants["sigma"] * math.sqrt(math.prod(problem.x0[0].shape[1:]))
    common = {"theta": theta, "sigma": sigma, "L_2": smoothness, "sigma_H": SIGMA_HESSIAN}
    c = float(c_of(Delta=delta, rho_bar=rho_bar, **common))
    return {
        "Delta": delta,
        "sigma_euclidean": sigma,
        "c": c,
        "a": float(a_of(c=c, **common)),
        "t0": float(t0_of(Delta=delta, theta=theta, rho_bar=rho_bar, L_2=smoothness)),
    }


def method_at(name: str, norm: Any, k: int, const: dict, rngs: list) -> Any:
    """The method ``name`` at horizon K: "momentum" (uSCG, α = K^{−1/2}, t = t₀K^{−3/4}), an
    HCM variant, or "uncorrected" (HCM with β = 0), the last three on the HCM schedule."""
    if name == "momentum":
        return uscg(norm, t_K(t_0=const["t0"], K=k), alpha_K(K=k))
    t, alpha = t_hcm(c=const["c"], K=k), float(alpha_hcm(a=const["a"], K=k))
    if name == "uncorrected":
        return hcm(norm, t, alpha, "current", beta=0.0)
    return hcm(norm, t, alpha, name.removeprefix("hcm-"), rngs=rngs)


def rate_comparison(
    ctx: Context,
    build: Callable[[str, Streams], Any],
    smoothness_key: str,
    streams_of: str | None = None,
) -> None:
    """Slopes of log mean_k ‖∇f(x_k)‖_* against log K for momentum, both HCM variants and the
    β = 0 control, per geometry; ``build(geometry, streams)`` makes the problem from the
    streams of the geometry's grid point (``streams_of``: the claim whose instances these are;
    this claim's own by default). Each variant's slope is judged against its named prediction
    (the variant's name), the upper end of the paired bootstrap CI of its slope difference to
    momentum against "advantage"; the control judges the β = 0 slope against the claim's
    exponent."""
    Ks = [round(k) for k in ctx.values("K")]
    window = f"K ∈ [{Ks[0]}, {Ks[-1]}]"
    constants = {}
    for where in ctx.points("geometry"):
        geometry = where["geometry"]
        norm, theta, rho_bar = GEOMETRIES[geometry]
        probe = build(geometry, ctx.probe_streams(where, claim=streams_of))
        const = schedule_constants(probe, theta, rho_bar, probe.constants[smoothness_key])
        constants[geometry] = const

        def run_at(k: int, name: str, where=where, geometry=geometry, norm=norm, const=const):
            streams = ctx.streams(where, claim=streams_of)  # same noise for every method
            method = method_at(name, norm, k, const, streams.method)
            return averaged_dual_gradient(method, build(geometry, streams), k, norm)

        runs = {
            name: (
                "control" if name == "uncorrected" else "claim",
                lambda k, name=name, run_at=run_at: run_at(k, name),
            )
            for name in ("momentum", *VARIANTS, "uncorrected")
        }
        averages = horizon_sweep(ctx, runs, Ks, geometry)
        slope = {name: loglog_slope(Ks, v) for name, v in averages.items()}
        for name in VARIANTS:
            method = f"{geometry}/{name}"
            ctx.judge(
                slope[name],
                method=method,
                where=where,
                prediction=name,
                label=f"{method}: slope, {window}",
            )
            diff = loglog_slope_difference(Ks, averages[name], averages["momentum"])
            ctx.judge(
                diff,
                method=method,
                where=where,
                prediction="advantage",
                label=f"{method} − momentum: slope difference (holds when its interval is below 0)",
                note=f"predicted {th.hcm_advantage()}",
            )
        ctx.judge(
            slope["uncorrected"],
            method=f"{geometry}/uncorrected",
            where=where,
            role="control",
            label=f"{geometry}/uncorrected (β = 0, HCM schedule): slope, {window}",
        )
        m = slope["momentum"]
        ctx.note(
            f"{geometry}: momentum slope {m.value:.3f} [{m.ci_low:.3f}, {m.ci_high:.3f}] "
            f"(predicted {polyak_exponent()}; judged by lmo-momentum-rate in its own window, "
            "not here: below K ≈ 3000 it is pre-asymptotic)"
        )
        ctx.note(
            f"{geometry}: schedule [derived] a = {const['a']:.4g}, c = {const['c']:.4g} "
            f"(α = min(1, aK^-2/3), t = cK^-2/3), momentum t₀ = {const['t0']:.4g}; "
            f"uncorrected slope {slope['uncorrected'].value:.3f} (its bound predicts "
            f"{th.uncorrected_exponent()})"
        )
    ctx.extra["constants"] = constants
    ctx.extra["reference_slopes"] = {"momentum": float(polyak_exponent())}
