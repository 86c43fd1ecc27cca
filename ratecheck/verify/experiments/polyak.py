"""Experiments for seed 002 on quadratics: hb-quadratic-rate, hb-acceleration,
hb-polyak-transient, hb-not-global. Schedules and predictions come from ratecheck.theory.polyak.
"""

from __future__ import annotations

import math

import numpy as np

from ratecheck.backend import array_namespace
from ratecheck.errors import UsageError
from ratecheck.problems import lrp_function, quadratic, scalar_quadratic
from ratecheck.problems.base import sq_norm, sub
from ratecheck.seeding import Streams
from ratecheck.solvers import gd, heavy_ball
from ratecheck.theory import polyak as th
from ratecheck.theory.claim import Claim
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import L, eps, kappa, mu, t
from ratecheck.verify.estimators import (
    envelope_ratio,
    linear_rate,
)
from ratecheck.verify.experiments.base import (
    Experiment,
    GridParam,
    Outcome,
    Settings,
    acceleration_outcome,
    predicted_rows,
    register_experiment,
    status_of,
    trace_rows,
)
from ratecheck.verify.runner import run
from ratecheck.verify.verdict import Judgement, Point

KAPPA_RANGE = "condition number L/μ"
DIM = 16

eta_hb = Schedule(th.eta_hb, (L,))
beta_hb = Schedule(th.beta_hb, (kappa,))
eta_gd = Schedule(th.eta_gd, (L,))
envelope = Schedule(th.envelope_hb, (kappa, t))
iterations_hb = Schedule(th.iterations_hb, (kappa, eps))
iterations_gd = Schedule(th.iterations_gd, (kappa, eps))
alpha_polyak = Schedule(th.alpha_polyak, (L, mu))
beta_polyak = Schedule(th.beta_polyak, (kappa,))
diagonalizable = Schedule(th.diagonalizable_bound, (kappa, t))


def _dist(problem):
    def dist(x):
        return array_namespace(x[0]).sqrt(sq_norm(sub(x, problem.x_star), array_namespace(x[0])))

    return dist


# --- hb-quadratic-rate ---------------------------------------------------------------------
RATE_DECADES = 60  # each run follows ‖[e_t; e_{t−1}]‖ over this many decades (x* = 0: no floor)


def stacked_error(dist: np.ndarray) -> np.ndarray:
    """‖[e_t; e_{t−1}]‖/‖[e_0; e_{−1}]‖ from ‖e_t‖ at every step, with e_{−1} = e_0."""
    prev = np.concatenate([dist[:, :1], dist[:, :-1]], axis=1)
    z = np.sqrt(dist**2 + prev**2)
    return z / z[:, :1]


def quadratic_rate(claim: Claim, settings: Settings, grid) -> Outcome:
    rows, points, control, traces = [], [], [], []
    predicted_rate = Schedule(claim.predicted, (kappa,))
    for j, k in enumerate(grid["kappa"]):
        steps = math.ceil(RATE_DECADES * math.log(10) / (1 - predicted_rate(kappa=k)))
        problem = quadratic(
            k, DIM, Streams(claim.id, j, settings.seeds), settings.xp, centered=True
        )
        window = (steps // 5, steps)
        bound = envelope(kappa=k, t=np.arange(steps + 1))
        for role, method in (
            ("claim", heavy_ball(eta_hb(L=1.0), beta_hb(kappa=k))),
            ("control", gd(eta_gd(L=1.0))),
        ):
            tr = run(method, problem, steps, {"dist": _dist(problem)}, checkpoints="all")
            traces.append(tr)
            z = stacked_error(tr.metrics["dist"])
            rate = linear_rate(tr.steps, z, window)
            ratio = envelope_ratio(z, bound[: z.shape[1]])
            side = points if role == "claim" else control
            side.append(
                Point(
                    f"kappa={k:g}",
                    "linear-rate",
                    float(predicted_rate(kappa=k)),
                    rate.value,
                    claim.tolerance,
                    rate.ci_low,
                    rate.ci_high,
                    note=f"{method.name}; fit window t ∈ [{window[0]}, {window[1]}]",
                )
            )
            side.append(
                Point(
                    f"envelope kappa={k:g}",
                    "upper",
                    1.0,
                    ratio,
                    0.0,
                    note="max_t ‖[e_t; e_{t−1}]‖ / (C₀ β^{t/2} ‖[e_0; e_{−1}]‖)",
                )
            )
            rows += trace_rows(
                claim.id, role, method.name, "kappa", k, tr.steps, z, "stacked_error"
            )
        rows += predicted_rows(
            claim.id, "C0*beta^(t/2)", "kappa", k, np.arange(steps + 1), bound, "stacked_error"
        )
    status = status_of(traces)
    return Outcome(Judgement(points, status), Judgement(control, status), rows)


register_experiment(
    Experiment(
        "hb-quadratic-rate",
        quadratic_rate,
        (GridParam("kappa", (10, 100, 1000), (10, 100, 1000, 10_000), 1.0, KAPPA_RANGE),),
        seeds_quick=4,
        seeds_full=16,
    )
)


# --- hb-acceleration -----------------------------------------------------------------------
def acceleration(claim: Claim, settings: Settings, grid) -> Outcome:
    target = grid["epsilon"][0]
    kappas = grid["kappa"]
    if len(kappas) < 2:
        raise UsageError("hb-acceleration needs at least two kappa values to fit a slope")
    times = {"heavy-ball": [], "gd": []}
    traces = []
    for j, k in enumerate(kappas):
        problem = quadratic(k, DIM, Streams(claim.id, j, settings.seeds), settings.xp)
        dist = _dist(problem)
        start = dist(problem.x0)
        for name, method, budget in (
            ("heavy-ball", heavy_ball(eta_hb(L=1.0), beta_hb(kappa=k)), iterations_hb),
            ("gd", gd(eta_gd(L=1.0)), iterations_gd),
        ):
            steps = math.ceil(2 * budget(kappa=k, epsilon=target)) + 10
            tr = run(
                method,
                problem,
                steps,
                {"dist": dist},
                checkpoints=np.array([0, steps]),
                hit=("dist", target * start),
                stop_when_hit=True,
            )
            traces.append(tr)
            times[name].append(np.where(tr.hit_at >= 0, tr.hit_at, np.nan).astype(float))
    predicted_gd = float(th.gd_iteration_exponent())
    return acceleration_outcome(claim, kappas, times, traces, "kappa", predicted_gd, target)


register_experiment(
    Experiment(
        "hb-acceleration",
        acceleration,
        (
            GridParam(
                "kappa", (10, 100, 1000, 10_000), tuple(np.logspace(1, 4, 7)), 1.0, KAPPA_RANGE
            ),
            GridParam("epsilon", (1e-6,), (1e-6,), 1e-300, "relative error target, below 1"),
        ),
        seeds_quick=4,
        seeds_full=16,
    )
)


# --- hb-polyak-transient -------------------------------------------------------------------
def polyak_transient(claim: Claim, settings: Settings, grid) -> Outcome:
    rows, points, control, traces = [], [], [], []
    predicted = Schedule(claim.predicted, (kappa, t))
    for j, k in enumerate(grid["kappa"]):
        eigenvalues = np.linspace(1.0 / k, 1.0, 34)  # μ, L and a grid between
        problem = quadratic(
            k,
            eigenvalues.size,
            Streams(claim.id, j, settings.seeds),
            settings.xp,
            centered=True,
            eigenvalues=eigenvalues,
            start=np.ones(eigenvalues.size),
        )

        def worst_direction(x, problem=problem, xp=settings.xp):
            eigvecs_t = xp.matrix_transpose(problem.eigvecs)
            coords = (eigvecs_t @ x[0][..., None])[..., 0]  # e_t in the eigenbasis
            return xp.max(xp.abs(coords), axis=1)  # e_0 = 1 in every direction

        horizon = math.ceil(10 * math.sqrt(k))
        method = heavy_ball(alpha_polyak(L=1.0, mu=1.0 / k), beta_polyak(kappa=k))
        tr = run(method, problem, horizon, {"worst": worst_direction}, checkpoints="all")
        traces.append(tr)
        steps, worst = tr.steps, tr.metrics["worst"]
        for side, bound, name in (
            (points, predicted, "(1+(1+ρ)t)ρ^t"),
            (control, diagonalizable, "ρ^t"),
        ):
            ratio = worst / bound(kappa=k, t=steps)
            extreme = float(ratio.flat[np.nanargmax(np.abs(ratio - 1))])
            side.append(
                Point(
                    f"kappa={k:g}, t ≤ {horizon}",
                    "tight",
                    1.0,
                    extreme,
                    claim.tolerance,
                    float(np.nanmin(ratio)),
                    float(np.nanmax(ratio)),
                    note=f"worst |e_t|/|e_0| over eigen-directions divided by {name}",
                )
            )
        rows += trace_rows(
            claim.id, "claim", method.name, "kappa", k, steps, worst, "worst_direction"
        )
        rows += predicted_rows(
            claim.id,
            "(1+(1+rho)t)rho^t",
            "kappa",
            k,
            steps,
            predicted(kappa=k, t=steps),
            "worst_direction",
        )
        rows += predicted_rows(
            claim.id,
            "rho^t",
            "kappa",
            k,
            steps,
            diagonalizable(kappa=k, t=steps),
            "worst_direction",
        )
    status = status_of(traces)
    return Outcome(Judgement(points, status), Judgement(control, status), rows)


register_experiment(
    Experiment(
        "hb-polyak-transient",
        polyak_transient,
        (GridParam("kappa", (100, 10_000), (100, 10_000), 1.0, KAPPA_RANGE),),
        seeds_quick=2,
        seeds_full=4,
    )
)


# --- hb-not-global -------------------------------------------------------------------------
LRP_STEPS = 2000


def distance_to_cycle(late: np.ndarray, cycle: np.ndarray) -> np.ndarray:
    """Per seed: max over the last 3 iterates of |x − cycle|, minimized over the cycle's phase."""
    shifts = [np.roll(cycle, s) for s in range(cycle.size)]
    return np.min([np.max(np.abs(late - c), axis=1) for c in shifts], axis=0)


def not_global(claim: Claim, settings: Settings, grid) -> Outcome:
    cycle = np.array(claim.predicted, dtype=float).ravel()
    alpha, beta = float(th.LRP_ALPHA), float(th.LRP_BETA)
    streams = Streams(claim.id, 0, settings.seeds)
    rows, judged, traces = [], {}, []
    for role, problem in (
        ("claim", lrp_function(streams, settings.xp)),
        ("control", scalar_quadratic(th.LRP_L, streams, settings.xp)),
    ):
        tr = run(
            heavy_ball(alpha, beta),
            problem,
            LRP_STEPS,
            {"x": lambda x: x[0][:, 0]},
            checkpoints="all",
        )
        traces.append(tr)
        x = tr.metrics["x"]
        dist = distance_to_cycle(x[:, -3:], cycle)
        judged[role] = Point(
            f"{problem.name}, t = {LRP_STEPS}",
            "counterexample",
            0.0,
            float(np.max(dist)),
            claim.tolerance,
            float(np.min(dist)),
            float(np.max(dist)),
            note=f"min |x_t| over the last 300 steps: {np.min(np.abs(x[:, -300:])):.3g}",
        )
        rows += trace_rows(
            claim.id,
            role,
            problem.name,
            "start",
            0,
            tr.steps[:301],
            np.abs(x[:, :301]),
            "abs_x",
            max_points=301,
        )
    status = status_of(traces)
    return Outcome(
        Judgement([judged["claim"]], status),
        Judgement([judged["control"]], status),
        rows,
        {"cycle": cycle.tolist()},
    )


register_experiment(Experiment("hb-not-global", not_global, (), seeds_quick=4, seeds_full=16))
