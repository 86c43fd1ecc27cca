"""Experiments for Hessian-corrected momentum: hcm-lmo-rate, hcm-unbiased, hcm-relaxed-smoothness.

Every rate experiment runs four methods per geometry on the same problem instances and the same
noise sequences (each run rebuilds the problem from fresh streams): Polyak momentum with its
schedule (α = K^{−1/2}, t = t₀K^{−3/4}, exactly as in lmo-momentum-rate), both HCM variants with
the [derived] schedule α = aK^{−2/3}, t = cK^{−2/3}, and, as the control, HCM with β = 0 on the
HCM schedule. The slope difference HCM − momentum gets a paired bootstrap CI over seeds. The
momentum slope itself is reported, not judged: lmo-momentum-rate judges it in the window where
K^{−1/4} is asymptotic (K ≥ 10^3.5); the quick window here starts at K = 1000.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray, like, to_host
from ratecheck.problems import noisy_matrix
from ratecheck.problems.l0l1 import cosh_problem
from ratecheck.seeding import SampleBuffer, Streams, draw
from ratecheck.solvers import uscg
from ratecheck.solvers.hcm import hcm
from ratecheck.theory import hcm as th
from ratecheck.theory.claim import Claim
from ratecheck.theory.lmo import polyak_exponent
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import K
from ratecheck.verify.estimators import loglog_slope, loglog_slope_difference
from ratecheck.verify.experiments.base import (
    Experiment,
    GridParam,
    Outcome,
    Settings,
    horizon_param,
    horizon_sweep,
    point_rows,
    register_experiment,
    status_of,
)
from ratecheck.verify.experiments.lmo import (
    GEOMETRIES,
    MATRIX,
    alpha_K,
    averaged_dual_gradient,
    grid_geometries,
    t0_of,
    t_K,
)
from ratecheck.verify.verdict import Judgement, Point

SIGMA_HESSIAN = 1.0
alpha_hcm = Schedule(th.alpha_hcm_K, (th.a_sym, K))
t_hcm = Schedule(th.t_hcm_K, (th.c_sym, K))
c_of = Schedule(th.c_balanced, (th.Delta, th.rho_bar, th.theta, th.sigma_n, th.L2sym, th.sigma_H))
a_of = Schedule(th.a_balanced, (th.c_sym, th.theta, th.sigma_n, th.L2sym, th.sigma_H))
VARIANTS = ("hcm-current", "hcm-interpolated")


def schedule_constants(problem: Any, theta: float, rho_bar: float, smoothness: float) -> dict:
    """Δ (largest over seeds, from the known f* or its lower bound), Euclidean σ, and the
    balanced a, c and the Polyak t₀ of reference §8 [derived]."""
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


def _method(name: str, norm: Any, k: int, const: dict, rngs: list) -> Any:
    if name == "momentum":
        return uscg(norm, t_K(t_0=const["t0"], K=k), alpha_K(K=k))
    t, alpha = t_hcm(c=const["c"], K=k), float(alpha_hcm(a=const["a"], K=k))
    if name == "uncorrected":
        return hcm(norm, t, alpha, "current", beta=0.0)
    return hcm(norm, t, alpha, name.removeprefix("hcm-"), rngs=rngs)


def hcm_rate_comparison(
    claim: Claim,
    settings: Settings,
    grid,
    build: Callable[[str, Streams], Any],
    smoothness_key: str,
    stream_id: str,
) -> Outcome:
    """Slopes of log mean_k ‖∇f(x_k)‖_* against log K for momentum, both HCM variants and the
    β = 0 control, per geometry; ``build(geometry, streams)`` makes the problem."""
    Ks = [round(k) for k in grid["K"]]
    window = f"K ∈ [{Ks[0]}, {Ks[-1]}]"
    tol = claim.tolerance
    points, control, rows, traces, notes, extra = [], [], [], [], [], {}
    for g, geometry in enumerate(grid_geometries(grid)):
        norm, theta, rho_bar = GEOMETRIES[geometry]
        probe = build(geometry, Streams(stream_id, g, settings.seeds))
        const = schedule_constants(probe, theta, rho_bar, probe.constants[smoothness_key])
        extra[geometry] = const

        def run_at(k: int, name: str, g=g, geometry=geometry, norm=norm, const=const):
            streams = Streams(stream_id, g, settings.seeds)  # same noise for every method
            method = _method(name, norm, k, const, streams.method)
            return averaged_dual_gradient(method, build(geometry, streams), k, norm)

        runs = {
            name: (
                "control" if name == "uncorrected" else "claim",
                lambda k, name=name, run_at=run_at: run_at(k, name),
            )
            for name in ("momentum", *VARIANTS, "uncorrected")
        }
        averages, new_rows, new_traces = horizon_sweep(claim.id, runs, Ks, geometry, "K")
        rows += new_rows
        traces += new_traces
        slope = {name: loglog_slope(Ks, v) for name, v in averages.items()}
        for name in VARIANTS:
            predicted = th.hcm_v1_exponent() if name == "hcm-current" else th.hcm_exponent()
            points.append(
                Point.of(
                    f"{geometry}/{name}: slope, {window}",
                    "exponent",
                    float(predicted),
                    slope[name],
                    tol,
                )
            )
            diff = loglog_slope_difference(Ks, averages[name], averages["momentum"])
            points.append(
                Point(
                    f"{geometry}/{name} − momentum: upper end of the 95% CI of the slope "
                    "difference",
                    "upper",
                    0.0,
                    diff.ci_high,
                    0.0,
                    diff.ci_low,
                    diff.ci_high,
                    note=f"difference {diff.value:.4f}; predicted {th.hcm_advantage()}",
                )
            )
        control.append(
            Point.of(
                f"{geometry}/uncorrected (β = 0, HCM schedule): slope, {window}",
                "exponent",
                float(th.hcm_exponent()),
                slope["uncorrected"],
                tol,
            )
        )
        m = slope["momentum"]
        notes.append(
            f"{geometry}: momentum slope {m.value:.3f} [{m.ci_low:.3f}, {m.ci_high:.3f}] "
            f"(predicted {polyak_exponent()}; judged by lmo-momentum-rate in its own window, "
            "not here: below K ≈ 3000 it is pre-asymptotic)"
        )
        notes.append(
            f"{geometry}: schedule [derived] a = {const['a']:.4g}, c = {const['c']:.4g} "
            f"(α = min(1, aK^-2/3), t = cK^-2/3), momentum t₀ = {const['t0']:.4g}; "
            f"uncorrected slope {slope['uncorrected'].value:.3f} (its bound predicts "
            f"{th.uncorrected_exponent()})"
        )
    status = status_of(traces)
    return Outcome(
        Judgement(points, status, notes),
        Judgement(control, status),
        rows,
        {"constants": extra, "reference_slopes": {"momentum": float(polyak_exponent())}},
    )


def _rate_grid() -> tuple[GridParam, ...]:
    return (
        horizon_param((1000, 3162, 10_000)),
        GridParam("geometry", (0, 1, 2), (0, 1, 2), 0, "0 = l2, 1 = linf, 2 = spectral"),
    )


def hcm_lmo_rate(claim: Claim, settings: Settings, grid) -> Outcome:
    """On the instances and gradient noise of lmo-momentum-rate (its stream id), plus HVP noise."""

    def build(geometry: str, streams: Streams):
        return noisy_matrix(
            *MATRIX, streams, settings.xp, noise="skewed", sigma_hessian=SIGMA_HESSIAN
        )

    return hcm_rate_comparison(claim, settings, grid, build, "L2", "lmo-momentum-rate")


def hcm_relaxed_smoothness(claim: Claim, settings: Settings, grid) -> Outcome:
    """On the cosh problems: entrywise for ℓ2/ℓ∞, the rank-r spectral function for spectral;
    L0 (ℓ2) takes the place of L₂ in the schedule constants [derived]."""

    def build(geometry: str, streams: Streams):
        structure = "spectral" if geometry == "spectral" else "entrywise"
        return cosh_problem(
            *MATRIX,
            streams,
            settings.xp,
            structure=structure,
            noise="skewed",
            sigma_hessian=SIGMA_HESSIAN,
        )

    outcome = hcm_rate_comparison(claim, settings, grid, build, "L0_l2", claim.id)
    probe = cosh_problem(*MATRIX, Streams(claim.id, 0, settings.seeds), settings.xp)
    curvature = float(np.max(to_host(probe.hvp(probe.x0, (probe.x0[0] + 1,))[0])))
    outcome.result.notes.append(
        f"largest Hessian entry at the start, max cosh(T) = {curvature:.4g}, against "
        f"L0 = {probe.constants['L0_l2']:.4g}: the runs start where ∇f is far from Lipschitz "
        "with constant L0"
    )
    return outcome


register_experiment(
    Experiment("hcm-lmo-rate", hcm_lmo_rate, _rate_grid(), seeds_quick=4, seeds_full=8)
)
register_experiment(
    Experiment(
        "hcm-relaxed-smoothness",
        hcm_relaxed_smoothness,
        _rate_grid(),
        seeds_quick=4,
        seeds_full=8,
    )
)


# --- hcm-unbiased ---------------------------------------------------------------------------
SIGMA_HESSIAN_MC = 0.5
GAUSS_LEGENDRE_NODES = 24
QUADRATURE_TOLERANCE = 1e-10  # round-off of the target difference, not of the identity


BIAS_PROBLEMS = {  # non-quadratic problems with exact and stochastic HVPs
    "cos matrix": noisy_matrix,
    "cosh": cosh_problem,
}


def _point_and_direction(streams: Streams, xp: Any) -> tuple[Any, Any]:
    """x_{k−1} with N(0, 1) entries and a direction u of unit Frobenius norm, per seed."""
    x = draw(streams.init, lambda r: r.standard_normal(MATRIX))
    u = draw(streams.init, lambda r: r.standard_normal(MATRIX))
    u /= np.sqrt(np.sum(u * u, axis=(1, 2), keepdims=True))
    return asarray(x, xp), asarray(u, xp)


def monte_carlo_z(
    problem: Any, x_prev: Any, delta: Any, variant: str, n_mc: int, q_rngs: list
) -> float:
    """The mean of the stochastic correction H(x̂; ζ)Δ over ``n_mc`` draws of (q, ζ), minus
    ∇f(x_k) − ∇f(x_{k−1}), in units of its standard error: the chi-square statistic over all
    entries and seeds, standardized, (Σ z² − n)/√(2n) (≈ N(0, 1) for an unbiased correction)."""
    xp = array_namespace(x_prev)
    x_k = x_prev + delta
    target = to_host(problem.grad((x_k,))[0] - problem.grad((x_prev,))[0])
    q_samples = SampleBuffer(q_rngs, lambda r, s: r.random(s), (1, 1))  # per seed, chunked
    total = xp.zeros_like(x_k)
    total_sq = xp.zeros_like(x_k)
    for _ in range(n_mc):
        if variant == "interpolated":
            q = like(q_samples.take(1, like=x_k)[:, 0, ...], x_k)
            point = q * x_k + (1 - q) * x_prev
        else:
            point = x_k
        sample = problem.stochastic_hvp((point,), (delta,))[0]
        total += sample
        total_sq += sample * sample
    total, total_sq = to_host(total), to_host(total_sq)
    mean = total / n_mc
    var = np.maximum(total_sq / n_mc - mean**2, 0.0) * n_mc / (n_mc - 1)
    z2 = (mean - target) ** 2 / (var / n_mc)
    n = z2.size
    return float((z2.sum() - n) / math.sqrt(2 * n))


def quadrature_error(problem: Any, x_prev: Any, delta: Any) -> float:
    """max relative error of Σ_i w_i ∇²f(x_{k−1} + s_i Δ)Δ (Gauss–Legendre on [0, 1]) against
    ∇f(x_k) − ∇f(x_{k−1}): the identity behind the interpolated variant, without sampling."""
    nodes, weights = np.polynomial.legendre.leggauss(GAUSS_LEGENDRE_NODES)
    s, w = (nodes + 1) / 2, weights / 2
    integral = sum(wi * problem.hvp((x_prev + si * delta,), (delta,))[0] for si, wi in zip(s, w))
    target = problem.grad((x_prev + delta,))[0] - problem.grad((x_prev,))[0]
    err = to_host(integral - target)
    scale = np.max(np.abs(to_host(target)), axis=(1, 2), keepdims=True)
    return float(np.max(np.abs(err) / scale))


def current_point_bias(problem: Any, x_prev: Any, delta: Any) -> np.ndarray:
    """‖∇²f(x_k)Δ − (∇f(x_k) − ∇f(x_{k−1}))‖_F per seed, with the exact Hessian."""
    x_k = x_prev + delta
    err = problem.hvp((x_k,), (delta,))[0] - (problem.grad((x_k,))[0] - problem.grad((x_prev,))[0])
    return np.sqrt(np.sum(to_host(err) ** 2, axis=(1, 2)))


def hcm_unbiased(claim: Claim, settings: Settings, grid) -> Outcome:
    xp = settings.xp
    n_mc = int(grid["samples"][0])
    mc_lengths = np.logspace(-3, 0, 4 if settings.quick else 7)
    slope_lengths = np.logspace(-4, -1, 7)
    zero_bias, v1_exponent = (float(v) for v in claim.predicted)
    points, control, rows, extra = [], [], [], {}
    for j, (label, build) in enumerate(BIAS_PROBLEMS.items()):
        streams = Streams(claim.id, j, settings.seeds)
        problem = build(
            *MATRIX, streams, xp, noise="none", sigma=0.0, sigma_hessian=SIGMA_HESSIAN_MC
        )
        x_prev, u = _point_and_direction(streams, xp)
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
        points += [
            Point(
                f"{label}: interpolated, Monte Carlo z-score (largest |z| over ‖Δ‖)",
                "identity",
                zero_bias,
                worst["interpolated"],
                claim.tolerance,
                note=f"{n_mc} draws of (q, Hessian noise) per ‖Δ‖ ∈ [1e-3, 1]",
            ),
            Point(
                f"{label}: interpolated, Gauss–Legendre quadrature of E_q, max rel. error",
                "identity",
                zero_bias,
                quad,
                QUADRATURE_TOLERANCE,
                note="the target ∇f(x_k) − ∇f(x_{k−1}) is a difference of values up to "
                "cosh(6) ≈ 200, so its own round-off is ~1e-12 relative at ‖Δ‖ = 1e-3",
            ),
            Point.of(
                f"{label}: current point, slope of log ‖bias‖ vs log ‖Δ‖, ‖Δ‖ ∈ [1e-4, 1e-1]",
                "exponent",
                v1_exponent,
                loglog_slope(slope_lengths, bias),
                0.05,
            ),
        ]
        control.append(
            Point(
                f"{label}: current point judged unbiased, Monte Carlo z-score",
                "identity",
                zero_bias,
                worst["current"],
                claim.tolerance,
            )
        )
        rows += point_rows(
            claim.id, "claim", f"{label}/current", "step length", slope_lengths, bias, "bias_norm"
        )
        for variant, zs in z.items():
            role = "claim" if variant == "interpolated" else "control"
            rows += point_rows(
                claim.id,
                role,
                f"{label}/{variant}",
                "step length",
                mc_lengths,
                np.array([zs]),
                "z_score",
            )
        extra[label] = {"z": z, "quadrature_error": quad}
    n_tests = 2 * len(mc_lengths)
    notes = [
        f"each z-score is ≈ N(0, 1) for an unbiased correction; with {n_tests} of them judged at "
        f"|z| ≤ {claim.tolerance:g}, an unbiased correction fails by chance with probability "
        f"≈ {n_tests * math.erfc(claim.tolerance / math.sqrt(2)):.1e}"
    ]
    return Outcome(Judgement(points, notes=notes), Judgement(control), rows, extra)


register_experiment(
    Experiment(
        "hcm-unbiased",
        hcm_unbiased,
        (GridParam("samples", (2000,), (20_000,), 10, "Monte Carlo draws per step length"),),
        seeds_quick=4,
        seeds_full=8,
    )
)
