"""schattor-dimension-free: iterations to ε do not grow with r when the noise is bounded in S_q."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ratecheck.problems.schatten import low_rank_problem, noise_level, smoothness
from ratecheck.seeding import Streams, draw
from ratecheck.solvers import norms as nm
from ratecheck.solvers.schattor import schattor
from ratecheck.theory import schattor as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Axis, Context, claim
from ratecheck.verify.estimators import loglog_slope

EPSILON = 1.0
MAX_STEPS = 60_000
PROBE_SAMPLES = 1000
CASES = {  # method: (p, noise, role)
    "p=2, spiky noise": (2.0, "spiky", "claim"),
    "p=4, spiky noise": (4.0, "spiky", "claim"),
    "p=inf, spread noise": (math.inf, "spread", "control"),
}


def first_seed(streams: Streams) -> Streams:
    """The streams of the same point with only its first seed (a single-instance probe)."""
    return Streams(streams.claim, streams.grid_index, 1, streams.first_seed)


def hitting_times(ctx: Context, p: float, noise: str, rs: list[int]):
    """Iterations to ‖∇f‖_{S_q} ≤ ε at every r, with α = ε²/(4σ_q²), η = εα/(4L); σ_q measured
    by Monte Carlo on a separate one-seed instance; the same targets τ at every r. Returns
    (T of shape (S, len(rs)), σ_q per r)."""
    norm = nm.Schatten(p)
    case = {"p": p, "noise": noise}
    tau = draw(
        ctx.streams({**case, "draw": "targets"}).problem, lambda g: 2.0 * g.standard_normal(4)
    )
    times, sigmas = [], []
    for r in rs:
        probe_streams = first_seed(ctx.streams({"r": r, "noise": noise, "draw": "noise-probe"}))
        probe = low_rank_problem(r, r, probe_streams, ctx.xp, noise=noise)
        sigma_q = noise_level(probe, norm.q, PROBE_SAMPLES)
        problem = low_rank_problem(
            r, r, ctx.streams({**case, "r": r}), ctx.xp, noise=noise, targets=tau
        )
        L = smoothness(problem, norm.q)[0]
        alpha = min(1.0, EPSILON**2 / (4 * sigma_q**2))
        steps, _ = ctx.hitting_times(
            schattor(p, EPSILON * alpha / (4 * L), alpha),
            problem,
            MAX_STEPS,
            metric=("g", lambda x, pr=problem: norm.dual(pr.grad(x)[0])),
            target=EPSILON,
        )
        times.append(steps)
        sigmas.append(sigma_q)
    return np.stack(times, axis=1), sigmas


@claim(
    id="schattor-dimension-free",
    kind="exponent",
    source=th.SOURCE + " §4",
    statement="iterations to ‖∇f‖_{S_q} ≤ ε do not grow with r = min{m, n} when the noise is "
    "bounded in the method's geometry S_q and the constants L, σ_q do not depend on r "
    "[derived setting]",
    prediction=lambda: th.dimension_exponent(sp.Integer(0)),
    prediction_text="d log T/d log r of T ≈ 32ΔLσ_q²/ε⁴ with σ_q independent of r: 0",
    tolerance=0.1,
    grid=[Axis("r", (4, 12, 40), (4, 8, 16, 32, 64), 4, "matrix size r = m = n")],
    seeds=(4, 8),
    experiment="rank-4 quadratic in r×r matrices (L = 4^{1/q}, dimension-free), the same τ at "
    "every r, rank-one ('spiky') noise with ‖ξ‖_{S_q} = 1, α = ε²/(4σ_q²), η = εα/(4L), "
    "p ∈ {2, 4}, r over more than a decade; σ_q measured by Monte Carlo",
    control="p = ∞ with Gaussian ('spread') noise of unit Frobenius norm, whose nuclear norm "
    "grows like √r: predicted slope 1, judged against 0",
    provenance=(
        Provenance("the dimension-free setting and its noise models", "derived", "§4"),
        th.TEMPLATE,
        th.UNKNOWN,
    ),
)
def schattor_dimension_free(ctx: Context) -> None:
    """Iterations of Schattor to ‖∇f‖_{S_q} ≤ ε against the matrix size r, noise bounded in S_q.

    Setting: the rank-4 quadratic F(X) = ½ Σ_i (u_iᵀXv_i − τ_i)² in r×r matrices (Haar frames,
    L = 4^{1/q} at every r), started at X = 0, with the same targets τ ~ N(0, 4) at every r.
    Algorithm: Schattor (ball version, stochastic gradients), α = min(1, ε²/(4σ_q²)),
    η = εα/(4L), ε = 1, at most 6·10⁴ steps; σ_q = E‖ξ‖_{S_q} measured by Monte Carlo (10³
    draws) on a separate one-seed instance. Claim: p = 2 and p = 4 with rank-one ("spiky")
    noise, ‖ξ‖_{S_q} = 1. Estimator: the first t with ‖∇F(X_t)‖_{S_q} ≤ ε per seed, the slope of
    log T against log r with Student's t interval over seeds, judged against 0 ± 0.1 as an
    equivalence test (the verdict's rule: the 90% interval inside the band; whether the 95%
    interval contains 0 is noted: with nearly deterministic T a growth of one iteration in a
    hundred already excludes 0). Control:
    p = ∞ with Gaussian ("spread") noise of unit Frobenius norm, whose nuclear norm grows like
    √r (slope 1 predicted), judged the same way against 0.
    """
    rs = [int(r) for r in ctx.values("r")]
    for method, (p, noise, role) in CASES.items():
        where = {"p": p, "noise": noise}
        T, sigmas = hitting_times(ctx, p, noise, rs)
        est = loglog_slope(rs, T)
        ctx.judge(
            est, method=method, where=where, role=role, label=f"{method}: slope of log T vs log r"
        )
        ctx.rows_at("r", rs, T, method=method, metric="iterations_to_eps", role=role)
        contains = bool(est.ci_low <= 0 <= est.ci_high)
        ctx.note(
            f"{method}: σ_q = E‖ξ‖_S{nm.Schatten(p).q:g} measured {np.round(sigmas, 3)} "
            f"at r = {rs}; slope {est.value:.4f} [{est.ci_low:.4f}, {est.ci_high:.4f}], CI "
            f"contains 0: {contains}; median T {np.round(np.nanmedian(T, axis=0), 1)}"
        )
    ctx.note(f"control's predicted slope (σ_S1 ∝ √r): {th.dimension_exponent(sp.Rational(1, 2))}")
    ctx.note(
        "on this problem the first hitting of ε is transient-dominated: the noise level enters "
        "T through the parameter rule α = ε²/(4σ_q²), η = εα/(4L); the control's growth comes "
        "from σ_S1 ∝ √r in that rule (the dynamics at fixed α, η barely depend on r)"
    )
    censored = sum(int(np.sum(tr.hit_at < 0)) for tr in ctx.traces)
    if censored:  # their T is NaN, and so is the slope: noted, the verdict fails on the NaN
        ctx.note(f"{censored} runs did not reach ε within {MAX_STEPS} steps (censored)")
