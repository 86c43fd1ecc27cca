"""s3cg-gap: S3CG stays in the β-ball, meets the Thm 4.7 gap bound, its gap decays as n^{−1/4}."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ratecheck.claims._shared import horizon_axis
from ratecheck.claims.clipping._clipping import gap, running_min
from ratecheck.problems.l0l1 import ball_smoothness, cosh_problem
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm
from ratecheck.solvers.clipping import s3cg
from ratecheck.theory import clipping as th
from ratecheck.theory.claim import Prediction, Provenance, tolerance_in
from ratecheck.theory.schedules import Schedule
from ratecheck.verify.context import Axis, Context, claim
from ratecheck.verify.estimators import loglog_slope

bound47 = Schedule(th.thm47_bound, (th.beta_r, th.Delta, th.gamma, th.rho_s, th.n_sym))
alpha49 = Schedule(th.thm49_alpha, (th.n_sym,))
gamma411 = Schedule(th.thm411_gamma, (th.Lsym, th.n_sym))
rho411 = Schedule(th.thm411_rho, (th.n_sym,))

BALLS = {  # name: (norm, cosh structure, shape, distance norm)
    "linf": (nm.Sign(normalized=False), "entrywise", (2, 2), "linf"),
    "spectral": (nm.Spectral(), "spectral", (4, 4), "l2"),
}
BALL_RADIUS = 0.5
BALL_SCALE = 0.25  # f/4: L on the ball ≈ 2, so the stochastic runs arrive by n ≈ 10^3
VARIANTS = (1, 2)


def ball_problem(ball: str, streams: Streams, xp: Any, noise: str) -> Any:
    """The cosh problem of ``ball`` (x* at distance 1 from x_0 = 0, outside the β-ball)."""
    _, structure, shape, distance = BALLS[ball]
    return cosh_problem(
        *shape,
        streams,
        xp,
        structure=structure,
        noise=noise,
        start_distance=1.0,
        distance_norm=distance,
        scale=BALL_SCALE,
    )


def gap_metrics(problem: Any, norm: Any) -> dict:
    """FW gap max_{‖u‖≤β}⟨∇f(x), x − u⟩ = ⟨∇f(x), x⟩ + β‖∇f(x)‖_*, and ‖x‖."""

    def fw_gap(x):
        grad = problem.grad(x)[0]
        return nm.inner(grad, x[0], True) + BALL_RADIUS * norm.dual(grad)

    return {"gap": fw_gap, "norm": lambda x: norm.norm(x[0])}


def run_on_ball(
    ctx: Context, solver: Any, problem: Any, steps: int, where: dict, role: str = "claim"
) -> Any:
    """Run ``solver`` recording the FW gap and ‖x‖ at every step (no rows: the claim stores
    its own series)."""
    return ctx.run(
        solver,
        problem,
        steps,
        where=where,
        role=role,
        rows=False,
        metrics=gap_metrics(problem, BALLS[where["ball"]][0]),
        checkpoints="all",
    )


def local_slopes(xs, values: np.ndarray) -> np.ndarray:
    """Slopes of the seed-mean of log values between consecutive grid points."""
    return np.diff(np.mean(np.log(values), axis=0)) / np.diff(np.log(np.asarray(xs, float)))


@claim(
    id="s3cg-gap",
    kind="upper",
    source=th.SOURCE + ", Thms 4.7, 4.11, B.5",
    statement="S3CG (both step variants) keeps every iterate in the β-ball; its Frank–Wolfe "
    "gap obeys min_k gap ≤ 2β√(Δ/(γn)) + 2Δ/(γρn) (deterministic, γ ≤ 1/L, ρ ≤ L) and "
    "decays as n^{−1/4} (stochastic, α = n^{−1/2}, γ = 1/(L√n), ρ = n^{−1/4})",
    prediction=1,
    prediction_text="max_k ‖x_k‖/β ≤ 1 on every run (up to round-off); min-gap/bound ≤ 1 and "
    "the stochastic exponent of the Thm 4.11 bound with Lemma B.4's error are judged as "
    "further predictions",
    predictions={
        "gap-bound": Prediction(
            1,
            kind="upper",
            tolerance=0.0,
            text="max over n ≤ N and seeds of min_{k<n} FW gap / the Thm 4.7 bound "
            "2β√(Δ/(γn)) + 2Δ/(γρn) ≤ 1",
        ),
        "exponent": Prediction(
            th.s3cg_stochastic_exponent,
            kind="exponent",
            tolerance=(0.1, 0.05),
            text="lim d log B/d log n of the Thm 4.11 bound with Lemma B.4's error; quick "
            "mode's window n ≤ 10^4 can be pre-asymptotic, hence its wider tolerance",
        ),
    },
    tolerance=1e-12,
    grid=[
        Axis("steps", (1000,), (3000,), 10, "iterations of the deterministic runs"),
        horizon_axis(
            (1000, 3162, 10_000), "horizon n of the stochastic runs", name="n", decades=(4, 5.5, 4)
        ),
    ],
    seeds=(4, 8),
    experiment="ℓ∞ ball on the entrywise cosh problem (2×2) and spectral ball on the rank-r "
    "cosh problem (4×4), β = 1/2, x* at distance 1 outside the ball; L = Lipschitz constant "
    "of ∇f on the ball [derived]; Δ from the unconstrained f* (an upper bound on the "
    "constrained Δ)",
    control="the unconstrained update (v_k = −β·lmo(d_k)) leaves the ball",
    provenance=(
        Provenance("S3CG, its variants and bounds", "paper", "Alg. 2, Thms 4.7/4.11/B.5"),
        Provenance("L on the ball for the cosh problems", "derived"),
    ),
)
def s3cg_gap(ctx: Context) -> None:
    """S3CG's distance from the ball and its Frank–Wolfe gap, deterministic and stochastic.

    Setting: the ℓ∞ ball on the entrywise cosh problem (2×2) and the spectral ball on the
    rank-r cosh problem (4×4), f scaled by 1/4, β = 1/2, x_0 = 0 and x* at distance 1 outside
    the ball; L = the Lipschitz constant of ∇f on the ball (largest over seeds) [derived],
    Δ = f(x_0) − f* with the unconstrained f*. One instance per ball, shared by every run.
    Algorithms: S3CG v_k = x_k − β·lmo(d_k), x_{k+1} = x_k − γη_k v_k with η_k = min{ρ,
    ⟨d_k, v_k⟩/‖v_k‖²} (variant 1) or min{ρ, ⟨d_k, v_k⟩/(4β²)} (variant 2): deterministic
    (d_k = ∇f(x_k), γ = 1/L, ρ = L, N steps) and stochastic (skewed noise, averaged momentum
    α = n^{−1/2}, γ = 1/(L√n), ρ = n^{−1/4}, n steps for each horizon n). Estimators: on every
    run max_k ‖x_k‖/β, judged ≤ 1 up to round-off; deterministic: the largest over n ≤ N and
    seeds of min_{k<n} FW gap (⟨∇f(x), x⟩ + β‖∇f(x)‖_*) over the Thm 4.7 bound, judged ≤ 1;
    stochastic: the slope of log (1/n)Σ_{k<n} FW gap against log n with a bootstrap CI,
    judged against the Thm 4.11 exponent −1/4. Every stochastic run is measured on its own
    (``ctx.seedwise_each`` over all the run's seeds: L is a largest over seeds). Control: the
    unconstrained update v_k = −β·lmo(d_k) (deterministic, variant 1), whose max_k ‖x_k‖/β
    is judged ≤ 1.
    """
    steps = int(ctx.values("steps")[0])
    ns = [round(v) for v in ctx.values("n")]
    n_axis = np.arange(1, steps + 1)
    problems = {
        ball: ball_problem(ball, ctx.streams({"ball": ball}), ctx.xp, "none") for ball in BALLS
    }
    Ls = {ball: float(np.max(ball_smoothness(problems[ball], BALL_RADIUS))) for ball in BALLS}

    def stochastic_run(item: Mapping[str, Any]) -> dict[str, np.ndarray]:
        ball, variant, n = item["ball"], item["variant"], item["n"]
        noisy = ball_problem(ball, ctx.streams({"ball": ball}), ctx.xp, "skewed")
        solver = s3cg(
            BALLS[ball][0],
            float(gamma411(L=Ls[ball], n=n)),
            float(rho411(n=n)),
            BALL_RADIUS,
            variant,
            alpha=float(alpha49(n=n)),
            stochastic=True,
        )
        tr = run_on_ball(ctx, solver, noisy, n, dict(item))
        return {
            "average": np.mean(tr.metrics["gap"][:, :n], axis=1),
            "largest_norm": np.max(tr.metrics["norm"], axis=1),
        }

    items = [
        {"ball": ball, "variant": variant, "n": n}
        for ball in BALLS
        for variant in VARIANTS
        for n in ns
    ]
    stochastic = ctx.seedwise_each("stochastic-run", items, stochastic_run, by_look=False)
    stochastic_of = {tuple(item.values()): m for item, m in zip(items, stochastic)}
    for ball in BALLS:
        norm = BALLS[ball][0]
        instance = {"ball": ball}
        problem, L = problems[ball], Ls[ball]
        delta = gap(problem)
        for variant in VARIANTS:
            where = {"ball": ball, "variant": variant}
            method = f"{ball}/s3cg-v{variant}"
            tr = run_on_ball(ctx, s3cg(norm, 1 / L, L, BALL_RADIUS, variant), problem, steps, where)
            best = running_min(tr.metrics["gap"][:, :steps])
            bound = bound47(beta=BALL_RADIUS, Delta=delta, gamma=1 / L, rho=L, n=n_axis)
            bound = bound[..., : best.shape[-1]]  # a run that diverged everywhere ends early
            label = f"{ball} ball, S3CG variant {variant}"
            ctx.judge(
                float(np.max(tr.metrics["norm"]) / BALL_RADIUS),
                method=method,
                where=where,
                label=f"{label}: max_k ‖x_k‖/β (every step)",
            )
            ctx.judge(
                float(np.max(best / bound)),
                method=method,
                where=where,
                prediction="gap-bound",
                label=f"{label}: max over n of min_k≤n FW gap / Thm 4.7 bound",
            )
            ctx.series(  # one panel per ball, titled by its dimension m·n
                n_axis,
                best,
                where={"dimension": int(np.prod(BALLS[ball][2])), **where},
                method=method,
                metric="min_fw_gap",
            )
        unconstrained = s3cg(norm, 1 / L, L, BALL_RADIUS, 1, constrained=False)
        tr = run_on_ball(ctx, unconstrained, problem, steps, instance, role="control")
        ctx.judge(
            float(np.max(tr.metrics["norm"]) / BALL_RADIUS),
            method=f"{ball}/s3cg-v1-unconstrained",
            where=instance,
            role="control",
            label=f"{ball} ball, unconstrained update: max_k ‖x_k‖/β",
        )
        ctx.note(f"{ball} ball: L on the ball = {L:.4g} [derived], Δ = {delta:.4g}")
        for variant in VARIANTS:
            method = f"{ball}/s3cg-v{variant}"
            averages = []
            for n in ns:
                where = {"ball": ball, "variant": variant, "n": n}
                run = stochastic_of[ball, variant, n]
                averages.append(run["average"])
                ctx.judge(
                    float(np.max(run["largest_norm"]) / BALL_RADIUS),
                    method=method,
                    where=where,
                    label=f"{ball} ball, stochastic S3CG v{variant}, n = {n}: max ‖x‖/β",
                )
            A = np.stack(averages, axis=1)
            ctx.note(f"{method}: local slopes {np.round(local_slopes(ns, A), 3)}")
            ctx.judge(
                loglog_slope(ns, A),
                method=method,
                where={"ball": ball, "variant": variant},
                prediction="exponent",
                label=f"{method}: slope of the averaged FW gap, n ∈ [{ns[0]}, {ns[-1]}]",
            )
            ctx.rows_at("n", ns, A, method=method, metric="avg_fw_gap")
    if ctx.quick:
        quick, full = (
            tolerance_in(ctx.claim.prediction_named("exponent").tolerance, mode)
            for mode in (True, False)
        )
        ctx.note(
            f"quick mode: the stochastic window n ≤ {max(ns)} can be pre-asymptotic (the "
            "iterates approach the boundary like 1 − exp(−n^{1/4}/L)); its slope tolerance is "
            f"{quick:g}, full mode's {full:g}"
        )
