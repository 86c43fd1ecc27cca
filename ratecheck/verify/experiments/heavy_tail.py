"""Experiments for heavy-tailed noise (Seed 004)."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ratecheck.backend import to_host
from ratecheck.errors import UsageError
from ratecheck.problems import noisy_matrix
from ratecheck.problems.hard import ELL1, ChannelSpectral, channel_instance
from ratecheck.problems.noise import hill_tail_index, matrix_noise
from ratecheck.seeding import Streams
from ratecheck.solvers import momentum_gd, uscg
from ratecheck.solvers import norms as nm
from ratecheck.solvers.transported import scion_heavy_tail
from ratecheck.theory import heavy_tail as th
from ratecheck.theory.claim import Claim
from ratecheck.theory.schedules import Schedule
from ratecheck.verify.estimators import loglog_slope
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
    trace_rows,
)
from ratecheck.verify.experiments.lmo import MATRIX, averaged_dual_gradient, t0_of
from ratecheck.verify.runner import run
from ratecheck.verify.verdict import Judgement, Point

SHAPE = (8, 8)
MOMENT_TOLERANCE = 0.25  # |R|^p has infinite variance for a < 2p: slow Monte Carlo


def nuclear_norms(samples: np.ndarray) -> np.ndarray:
    return np.linalg.svd(samples, compute_uv=False).sum(axis=-1)


def heavy_tail_noise(claim: Claim, settings: Settings, grid) -> Outcome:
    n, k = int(grid["samples"][0]), int(grid["hill_k"][0])
    if not 4 * k < n:
        raise UsageError(f"hill_k={k} needs samples > 4·hill_k, got samples={n}")
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


def chain_progress_rows(claim_id: str, r: int, eps: float, p: float, settings: Settings):
    """Rows of the mean chain progress over time for one r (the figure of discovered links)."""
    instance = channel_instance(
        r, eps, Streams(claim_id, 5000 + r, settings.seeds), settings.xp, p=p
    )
    method = uscg(ChannelSpectral(), 0.3 * instance.lam, 0.1)
    steps = int(2 * instance.T / instance.q)
    tr = run(method, instance, steps, {"progress": instance.chain_progress}, checkpoints="all")
    return trace_rows(
        claim_id,
        "claim",
        f"chain progress, r = {r}",
        "r",
        r,
        tr.steps,
        tr.metrics["progress"],
        "links_discovered",
    )


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
    rows += chain_progress_rows(claim.id, rs[0], eps, p, settings)
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


# --- scion-heavy-tail-complexity, lower-bound-eps ---------------------------------------------
NOISE_LEVEL = {2.0: 10.0, 1.5: 2.0}  # σ per p: q ≪ 1 over the whole ε window


def _checked_p(grid) -> list[float]:
    """The p values of the grid; only those with a prediction and a noise level are valid."""
    ps = [float(v) for v in grid["p"]]
    bad = [p for p in ps if p not in NOISE_LEVEL]
    if bad:
        raise UsageError(f"p={bad[0]:g} has no prepared instance; valid: 1.5, 2")
    return ps


def eps_sweep(
    method_of,
    p: float,
    chains: list[int],
    streams_of,
    settings: Settings,
    batch: int = 1,
    q: float | None = None,
):
    """(calls (S, n), ε list, traces): oracle calls until ‖∇F‖_nuc ≤ ε on one channel."""
    calls, traces, eps_list = [], [], []
    for T in chains:
        eps = th.eps_for_chain(T)
        instance = channel_instance(
            1, eps, streams_of(T), settings.xp, p=p, sigma=NOISE_LEVEL[p], q=q
        )
        budget = int(20 * instance.T / instance.q / batch) + 10
        tr = run(
            method_of(instance),
            instance,
            budget,
            {"nuc": instance.nuclear_grad},
            checkpoints=np.array([0]),
            hit=("nuc", eps),
            stop_when_hit=True,
        )
        calls.append(np.where(tr.hit_at >= 0, tr.hit_at * batch, np.nan).astype(float))
        traces.append(tr)
        eps_list.append(eps)
    return np.stack(calls, axis=1), eps_list, traces


def _scion(batch: int):
    return lambda inst: scion_heavy_tail(ChannelSpectral(), 0.3 * inst.lam, 0.1, batch=batch)


def _momentum_sgd(inst):
    return momentum_gd(0.1 * ELL1 * inst.r / inst.constants["L"], 0.1, stochastic=True)


def _exponent_point(label, predicted, eps_list, calls, tol):
    inv = [1 / e for e in eps_list]
    return Point.of(label, "exponent", predicted, loglog_slope(inv, calls), tol * predicted)


def scion_heavy_tail_complexity(claim: Claim, settings: Settings, grid) -> Outcome:
    chains = [int(t) for t in grid["chain"]]
    predicted = dict(zip((1.5, 2.0), (float(v) for v in claim.predicted)))
    points, control, rows, traces = [], [], [], []
    for p in (2.0, 1.5):
        calls, eps_list, trs = eps_sweep(
            _scion(4),
            p,
            chains,
            lambda T, p=p: Streams(claim.id, int(10 * p) + T, settings.seeds),
            settings,
            batch=4,
        )
        traces += trs
        label = f"p = {p:g}/batched Scion B = 4"
        points.append(
            _exponent_point(
                f"{label}: slope of log N vs log(1/ε)",
                predicted[p],
                eps_list,
                calls,
                claim.tolerance,
            )
        )
        other = 1.5 if p == 2.0 else 2.0
        control.append(
            _exponent_point(
                f"{label} judged against p = {other:g}'s exponent",
                predicted[other],
                eps_list,
                calls,
                claim.tolerance,
            )
        )
        rows += point_rows(
            claim.id, "claim", label, "1/epsilon", [1 / e for e in eps_list], calls, "oracle_calls"
        )
    status = status_of(traces)
    return Outcome(
        Judgement(points, status), Judgement(control, status), rows, {"reference_slopes": {}}
    )


def lower_bound_eps(claim: Claim, settings: Settings, grid) -> Outcome:
    chains = [int(t) for t in grid["chain"]]
    predicted = dict(zip((1.5, 2.0), (float(v) for v in claim.predicted)))
    points, control, rows, traces = [], [], [], []
    for p in _checked_p(grid):
        for name, method_of in (("Scion", _scion(1)), ("momentum SGD", _momentum_sgd)):
            calls, eps_list, trs = eps_sweep(
                method_of,
                p,
                chains,
                lambda T, p=p: Streams(claim.id, int(10 * p) + T, settings.seeds),
                settings,
            )
            traces += trs
            label = f"p = {p:g}/{name}"
            points.append(
                _exponent_point(
                    f"{label}: slope of log N vs log(1/ε)",
                    predicted[p],
                    eps_list,
                    calls,
                    claim.tolerance,
                )
            )
            rows += point_rows(
                claim.id,
                "claim",
                label,
                "1/epsilon",
                [1 / e for e in eps_list],
                calls,
                "oracle_calls",
            )
    calls, eps_list, trs = eps_sweep(
        _scion(1),
        2.0,
        chains,
        lambda T: Streams(claim.id, 100 + T, settings.seeds),
        settings,
        q=1.0,
    )
    traces += trs
    control.append(
        _exponent_point(
            "noiseless chain (q = 1)/Scion judged against p = 2",
            predicted[2.0],
            eps_list,
            calls,
            claim.tolerance,
        )
    )
    rows += point_rows(
        claim.id,
        "control",
        "noiseless/Scion",
        "1/epsilon",
        [1 / e for e in eps_list],
        calls,
        "oracle_calls",
    )
    status = status_of(traces)
    return Outcome(Judgement(points, status), Judgement(control, status), rows)


def _chain_grid() -> tuple[GridParam, ...]:
    return (
        GridParam(
            "chain", (8, 32), (4, 8, 16, 32, 64), 2, "chain lengths T (ε = √(ΔL/(192·152·T)))"
        ),
    )


register_experiment(
    Experiment("scion-heavy-tail-complexity", scion_heavy_tail_complexity, _chain_grid(), 16, 24)
)
register_experiment(
    Experiment(
        "lower-bound-eps",
        lower_bound_eps,
        (
            *_chain_grid(),
            GridParam("p", (1.5,), (1.5, 2.0), 1.5, "moment order p ∈ {1.5, 2}"),
        ),
        16,
        24,
    )
)


# --- transported-scion-complexity -------------------------------------------------------------
def _rate_problem(p: float, streams: Streams, settings: Settings):
    return noisy_matrix(
        *MATRIX,
        streams,
        settings.xp,
        noise="gaussian",
        sigma=1.0,
        sampler=matrix_noise("spiky", 1.0, p, p + 0.5),
    )


def transported_scion_complexity(claim: Claim, settings: Settings, grid) -> Outcome:
    Ks = [round(k) for k in grid["K"]]
    window = f"K ∈ [{Ks[0]}, {Ks[-1]}]"
    predicted = dict(zip((1.5, 2.0), (float(v) for v in claim.predicted)))
    norm = nm.Spectral()
    points, control, rows, traces, notes = [], [], [], [], []
    for p in _checked_p(grid):
        probe = _rate_problem(p, Streams(claim.id, 0, 1), settings)
        delta = float(np.max(to_host(probe.value(probe.x0))))
        theta, rho_bar = 1 / math.sqrt(min(MATRIX)), math.sqrt(min(MATRIX))
        eta0 = float(t0_of(Delta=delta, theta=theta, rho_bar=rho_bar, L_2=probe.constants["L2"]))
        plans = {  # name: (transported schedule?, transport on?)
            "batched": (False, False),
            "transported": (True, True),
            "no-transport": (True, False),
        }

        def run_at(k: int, one_minus_beta, eta, transport: bool, p=p, norm=norm, eta0=eta0):
            method = scion_heavy_tail(
                norm,
                eta0 * float(eta(K=k)),
                min(1.0, float(one_minus_beta(K=k))),
                transport=transport,
            )
            problem = _rate_problem(p, Streams(claim.id, int(10 * p), settings.seeds), settings)
            return averaged_dual_gradient(method, problem, k, norm)

        runs = {}
        for name, (schedule, transport) in plans.items():
            one_minus_beta, eta = (
                Schedule(e.subs(th.p_sym, sp.nsimplify(p)), (th.K_sym,))
                for e in th.schedule_in_K(schedule)
            )
            runs[name] = (
                "control" if name == "no-transport" else "claim",
                lambda k, a=(one_minus_beta, eta, transport), run_at=run_at: run_at(k, *a),
            )
        averages, new_rows, new_traces = horizon_sweep(claim.id, runs, Ks, f"p={p:g}", "K")
        rows += new_rows
        traces += new_traces
        slope = {n: loglog_slope(Ks, a) for n, a in averages.items()}
        batched_rate = float(th.rate_in_K(th.batched_exponent).subs(th.p_sym, sp.nsimplify(p)))
        points += [
            Point.of(
                f"p={p:g}/transported: slope, {window}",
                "exponent",
                predicted[p],
                slope["transported"],
                claim.tolerance,
            ),
            Point.of(
                f"p={p:g}/batched: slope, {window}",
                "exponent",
                batched_rate,
                slope["batched"],
                claim.tolerance,
            ),
            Point(
                f"p={p:g}: transported CI upper end − batched CI lower end (< 0: the CIs do "
                "not overlap)",
                "upper",
                0.0,
                slope["transported"].ci_high - slope["batched"].ci_low,
                0.0,
            ),
        ]
        control.append(
            Point.of(
                f"p={p:g}/no-transport (transported schedule) judged against the transported rate",
                "exponent",
                predicted[p],
                slope["no-transport"],
                claim.tolerance,
            )
        )
        implied = {n: -1 / s.value for n, s in slope.items()}
        notes.append(
            f"p = {p:g}: implied complexity exponents N ∝ ε^−e: transported "
            f"{implied['transported']:.3f} (predicted "
            f"{th.exponent_at(th.transported_exponent, p):.3f}), batched "
            f"{implied['batched']:.3f} (predicted "
            f"{th.exponent_at(th.batched_exponent, p):.3f}); no-transport slope "
            f"{slope['no-transport'].value:.4f} (its drift bound alone predicts "
            f"{-(p - 1) / (5 * p - 3):.4f})"
        )
    status = status_of(traces)
    return Outcome(
        Judgement(points, status, notes), Judgement(control, status), rows, {"reference_slopes": {}}
    )


register_experiment(
    Experiment(
        "transported-scion-complexity",
        transported_scion_complexity,
        (
            horizon_param(description="horizon K (oracle calls, B = 1)"),
            GridParam("p", (2.0,), (1.5, 2.0), 1.5, "moment order p ∈ {1.5, 2}"),
        ),
        4,
        8,
    )
)
