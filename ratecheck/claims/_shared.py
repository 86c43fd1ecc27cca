"""The setting several families measure on, and the sweeps they share.

- The noisy nonconvex 8×8 matrix problem of the LMO papers (``ratecheck.problems.noisy_matrix``)
  in three geometries, each with its norm, θ (lower norm-equivalence constant) and ρ̄ (upper
  dual constant): ℓ2 (Frobenius), ℓ∞ (sign) and spectral.
- The Polyak-momentum LMO schedule α = K^{−1/2}, t = t₀K^{−3/4}, t₀ from reference
  lmo-momentum-and-hcm.md §5 [derived], and the noiseless one t = t₀K^{−1/2}.
- Test inputs of the oracle identities (random, rank-deficient, ill-conditioned) and the
  Schatten-p oracle with a mutated exponent that the identity checks must reject.
- The horizon axis K and the statistic every rate-in-K claim fits: the run-averaged dual
  gradient norm (1/K) Σ_{k<K} ‖∇f(x_k)‖_*, against log K.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray
from ratecheck.problems.quadratic import haar_orthogonal
from ratecheck.seeding import Streams, draw
from ratecheck.solvers import norms as nm
from ratecheck.theory import lmo as th
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import K
from ratecheck.verify.context import Context, Where
from ratecheck.verify.estimators import loglog_slope
from ratecheck.verify.experiment import Axis
from ratecheck.verify.runner import Trace, run

MATRIX = (8, 8)
GEOMETRIES = {
    # name: (norm, θ, ρ̄) for 8×8 blocks
    "l2": (nm.Frobenius(), 1.0, 1.0),
    "linf": (nm.Sign(normalized=False), 1 / 8.0, 8.0),
    "spectral": (nm.Spectral(), 1 / math.sqrt(8.0), math.sqrt(8.0)),
}

alpha_K = Schedule(th.alpha_polyak_K, (K,))
t_K = Schedule(th.t_polyak_K, (th.t0, K))
t_det_K = Schedule(th.t_deterministic_K, (th.t0, K))
t0_of = Schedule(th.t0_polyak, (th.Delta, th.theta, th.rho_bar, th.L2sym))


def geometry_axis(description: str = "the norm of the LMO step", independent: bool = False) -> Axis:
    """The categorical axis of the three geometries (all three in both modes); ``independent``
    where the claim runs and judges each geometry on its own (``Axis.independent``)."""
    names = tuple(GEOMETRIES)
    return Axis(
        "geometry", names, names, description=description, choices=names, independent=independent
    )


def horizon_axis(
    quick: tuple[float, ...] = (3162, 10_000, 31_623),
    description: str = "horizon K (iterations)",
    *,
    name: str = "K",
    decades: tuple[float, float, int] = (3.5, 5, 7),
) -> Axis:
    """A horizon grid of a rate-in-horizon experiment: ``quick`` values, and in full mode
    ``decades`` = (a, b, count) log-spaced integers in [10^a, 10^b]. The default, K ∈
    [10^3.5, 10⁵] (7 points), is where the K^{−1/4}-type rates of the LMO methods are
    asymptotic (lmo-momentum-rate)."""
    start, stop, count = decades
    full = tuple(np.round(np.logspace(start, stop, count)))
    return Axis(name, quick, full, 10, description)


def averaged_dual_gradient(method: Any, problem: Any, steps: int, norm: Any) -> tuple:
    """((1/K) Σ_{k<K} ‖∇f(x_k)‖_* per seed, the trace), from the exact gradient at every
    iterate."""
    tr = run(
        method,
        problem,
        steps,
        {"grad_dual": lambda x: norm.dual(problem.grad(x)[0])},
        checkpoints="all",
    )
    return np.mean(tr.metrics["grad_dual"][:, :steps], axis=1), tr


def horizon_sweep(
    ctx: Context,
    runs: Mapping[str, tuple[str, Callable[[int], tuple[np.ndarray, Trace]]]],
    horizons: Sequence[int],
    prefix: str,
    metric: str = "avg_dual_grad",
    seedwise: bool = True,
) -> dict[str, np.ndarray]:
    """Each method ``name: (role, run_at)`` at every horizon, methods in order and horizons
    inside; ``run_at(K)`` returns the (S,) statistic and its trace. ``seedwise``: every
    (method, K) is measured by ``ctx.seedwise_each`` (a later look computes only its new seeds;
    a parallel run computes each (method, K) as a task of its own), which needs ``run_at`` to
    draw its own problem from ``ctx.streams`` and each seed's numbers to depend on its own
    streams alone; without it, runs may share one problem (whose noise they draw in this
    order). Stores the rows (method "prefix/name") and the runs' status; returns
    {name: (S, n_K)}."""

    def measured(name: str, k: int) -> dict[str, Any]:
        statistic, trace = runs[name][1](k)
        ctx.track(trace)
        return {"statistic": statistic}

    items = [{"prefix": prefix, "method": name, "K": int(k)} for name in runs for k in horizons]
    if seedwise:
        each = ctx.seedwise_each("horizon", items, lambda x: measured(x["method"], x["K"]))
    else:
        each = [measured(x["method"], x["K"]) for x in items]
    averages = {}
    for i, (name, (role, _)) in enumerate(runs.items()):
        columns = [m["statistic"] for m in each[i * len(horizons) : (i + 1) * len(horizons)]]
        averages[name] = np.stack(columns, axis=1)
        ctx.rows_at(
            "K", horizons, averages[name], method=f"{prefix}/{name}", metric=metric, role=role
        )
    return averages


def momentum_ablation(
    ctx: Context,
    run_at: Callable[[int, bool], tuple[np.ndarray, Trace]],
    horizons: Sequence[int],
    prefix: str,
    where: Where,
    labels: tuple[str, str],
    seedwise: bool = True,
) -> None:
    """The claim's method (``run_at(K, True)``) and, as the control, the same method without
    momentum (``run_at(K, False)``) at every horizon: the slope of each run-averaged statistic
    against log K, both judged against the claim's exponent at ``where``. ``seedwise``: as in
    :func:`horizon_sweep`."""
    runs = {
        "momentum": ("claim", lambda k: run_at(k, True)),
        "no-momentum": ("control", lambda k: run_at(k, False)),
    }
    averages = horizon_sweep(ctx, runs, horizons, prefix, seedwise=seedwise)
    for (name, (role, _)), label in zip(runs.items(), labels):
        slope = loglog_slope(horizons, averages[name])
        ctx.judge(slope, method=f"{prefix}/{name}", where=where, role=role, label=label)


def oracle_inputs(streams: Streams, xp: Any, shape: tuple[int, ...]) -> list[Any]:
    """Random, rank-deficient (rank 2) and ill-conditioned (σ over 10 decades) inputs."""
    gens = streams.problem
    out = [draw(gens, lambda r: r.standard_normal(shape))]
    if len(shape) == 2:
        m, n = shape
        out.append(draw(gens, lambda r: r.standard_normal((m, 2)) @ r.standard_normal((2, n))))
        k = min(m, n)

        def ill(r):
            U, V = haar_orthogonal(r, m)[:, :k], haar_orthogonal(r, n)[:, :k]
            return (U * np.logspace(0, -10, k)) @ V.T

        out.append(draw(gens, ill))
    else:
        out.append(
            draw(gens, lambda r: np.where(r.random(shape) < 0.5, 0.0, r.standard_normal(shape)))
        )
        out.append(draw(gens, lambda r: r.standard_normal(shape) * np.logspace(0, -10, shape[0])))
    return [asarray(x, xp) for x in out]


def schatten_lmo_wrong_exponent(p: float) -> Callable:
    """The Schatten-p LMO with the mutation s^q in place of s^{q−1} (q = p/(p−1)): a wrong
    oracle the identity checks must catch."""

    def lmo(d):
        xp = array_namespace(d)
        U, s, Vt = xp.linalg.svd(d, full_matrices=False)
        q = p / (p - 1)
        w = s**q
        w = nm._safe_div(xp, w, nm.Lp._pnorm(w, p)[..., None])
        return -((U * w[..., None, :]) @ Vt)

    return lmo
