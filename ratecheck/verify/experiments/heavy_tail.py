"""Experiments for heavy-tailed noise (Seed 004)."""

from __future__ import annotations

import numpy as np

from ratecheck.problems.hard import ChannelSpectral, channel_instance
from ratecheck.problems.noise import hill_tail_index, matrix_noise
from ratecheck.seeding import Streams
from ratecheck.solvers import uscg
from ratecheck.theory import heavy_tail as th
from ratecheck.theory.claim import Claim
from ratecheck.verify.estimators import loglog_slope
from ratecheck.verify.experiments.base import (
    Experiment,
    GridParam,
    Outcome,
    Settings,
    point_rows,
    register_experiment,
    status_of,
)
from ratecheck.verify.runner import run
from ratecheck.verify.verdict import Judgement, Point

SHAPE = (8, 8)
MOMENT_TOLERANCE = 0.25  # |R|^p has infinite variance for a < 2p: slow Monte Carlo


def nuclear_norms(samples: np.ndarray) -> np.ndarray:
    return np.linalg.svd(samples, compute_uv=False).sum(axis=-1)


def heavy_tail_noise(claim: Claim, settings: Settings, grid) -> Outcome:
    n, k = int(grid["samples"][0]), int(grid["hill_k"][0])
    points, control, notes = [], [], []
    for j, p in enumerate(float(v) for v in grid["p"]):
        a, sigma = p + 0.5, 1.0
        rng = Streams(claim.id, j, 1).oracle[0]
        spiky = nuclear_norms(matrix_noise("spiky", sigma, p, a)(rng, (n, *SHAPE)))
        moment = float(np.mean(spiky**p) / sigma**p - 1)
        hill = hill_tail_index(spiky, k)
        points += [
            Point(
                f"p = {p:g}, a = {a:g}: E‖Z‖_nuc^p/σ^p − 1 (Monte Carlo, n = {n})",
                "identity",
                float(claim.predicted),
                moment,
                MOMENT_TOLERANCE,
            ),
            Point(
                f"p = {p:g}: Hill tail index − a (k = {k})",
                "identity",
                0.0,
                hill - a,
                claim.tolerance,
                note=f"Hill {hill:.3f}, standard error ≈ {a / np.sqrt(k):.3f}",
            ),
        ]
        gaussian = nuclear_norms(matrix_noise("gaussian", sigma, p, a)(rng, (n, *SHAPE)))
        g_hill = [hill_tail_index(gaussian, kk) for kk in (4 * k, k, k // 4)]
        control.append(
            Point(
                f"p = {p:g}: Gaussian judged heavy-tailed, Hill − a (k = {k})",
                "identity",
                0.0,
                g_hill[1] - a,
                claim.tolerance,
            )
        )
        spread = nuclear_norms(matrix_noise("spread", sigma, p, a)(rng, (n // 10, *SHAPE)))
        notes.append(
            f"p = {p:g}: Gaussian Hill estimates at k = {4 * k}, {k}, {k // 4}: "
            f"{np.round(g_hill, 2)} (no stable tail index); spread heavy-tailed noise "
            f"E‖Z‖_nuc^p = {np.mean(spread**p):.3g} for entrywise moment σ^p/(mn)"
        )
    return Outcome(Judgement(points, notes=notes), Judgement(control), [])


register_experiment(
    Experiment(
        "heavy-tail-noise",
        heavy_tail_noise,
        (
            GridParam("p", (1.25, 1.5, 1.75, 2.0), (1.25, 1.5, 1.75, 2.0), 1.01, "moment order p"),
            GridParam("samples", (100_000,), (400_000,), 1000, "Monte Carlo draws"),
            GridParam("hill_k", (2000,), (4000,), 10, "order statistics in the Hill estimate"),
        ),
        1,
        1,
    )
)


# --- lower-bound-dimension -------------------------------------------------------------------
def channel_hitting_calls(
    r: int,
    eps: float,
    p: float,
    streams: Streams,
    settings: Settings,
    shared_q: float | None = None,
):
    """Oracle calls until ‖∇F‖_nuc ≤ ε for Scion (α = 0.1, η = 0.3λ) on the r-channel instance."""
    instance = channel_instance(
        r, eps, streams, settings.xp, p=p, shared=shared_q is not None, q=shared_q
    )
    method = uscg(ChannelSpectral(), 0.3 * instance.lam, 0.1)
    budget = int(20 * instance.T / instance.q)
    tr = run(
        method,
        instance,
        budget,
        {"nuc": instance.nuclear_grad},
        checkpoints=np.array([0]),
        hit=("nuc", eps),
        stop_when_hit=True,
    )
    calls = np.where(tr.hit_at >= 0, tr.hit_at, np.nan).astype(float)  # one call per step (B = 1)
    return calls, instance, tr


def lower_bound_dimension(claim: Claim, settings: Settings, grid) -> Outcome:
    rs = [int(r) for r in grid["r"]]
    eps, p = float(grid["epsilon"][0]), 1.5
    single_q = channel_instance(1, eps, Streams(claim.id, 0, 1), settings.xp, p=p).q
    points, control, rows, traces, notes = [], [], [], [], []
    for role, shared in (("claim", None), ("control", single_q)):
        calls, rq = [], []
        for r in rs:
            n, instance, tr = channel_hitting_calls(
                r,
                eps,
                p,
                Streams(claim.id, r + (1000 if shared else 0), settings.seeds),
                settings,
                shared,
            )
            calls.append(n)
            rq.append(instance.r * instance.q)
            traces.append(tr)
        N = np.stack(calls, axis=1)
        est = loglog_slope(rs, N)
        label = "independent channels" if role == "claim" else "one shared ξ, q independent of r"
        point = Point.of(
            f"{label}: slope of log N vs log r, r ∈ {rs}",
            "exponent",
            float(claim.predicted),
            est,
            claim.tolerance,
        )
        (points if role == "claim" else control).append(point)
        rows += point_rows(claim.id, role, label, "r", rs, N, "oracle_calls")
        notes.append(
            f"{label}: median N {np.round(np.nanmedian(N, axis=0))}, rq = "
            f"{np.round(rq, 5)}, T = {instance.T}; slope {est.value:.3f} "
            f"[{est.ci_low:.3f}, {est.ci_high:.3f}]"
        )
    notes.append(
        f"control's predicted slope (q of one channel): {th.dimension_exponent(shared=True)}"
    )
    status = status_of(traces)
    return Outcome(Judgement(points, status, notes), Judgement(control, status), rows)


register_experiment(
    Experiment(
        "lower-bound-dimension",
        lower_bound_dimension,
        (
            GridParam("r", (1, 2, 4), (1, 2, 4, 8, 16), 1, "number of channels r = min{m, n}"),
            GridParam("epsilon", (1e-3,), (1e-3,), 1e-9, "target ‖∇F‖_nuc"),
        ),
        3,
        6,
    )
)
