"""Experiments for seed 002 on networks: relu-gram, relu-hb-rate, relu-hb-acceleration,
deeplinear-hb-rate, deeplinear-hb-acceleration (reference/polyak-momentum.md §7–§8).

Each dataset is shared by the seeds of a grid point; seeds are network initializations. Rates
are fitted on the residual ‖u_t − y‖/‖u_0 − y‖ between 1e-2 and 1e-10, from labels that put
equal weight on every eigen-direction of the initial residual dynamics (with random labels the
λ_min mode carried 1–3% of the residual and the window saw the next mode instead); hitting
times use random realizable labels and the relative residual ε = 1e-4. Every rate verdict
reports the drift of the Gram/NTK matrix.
"""

from __future__ import annotations

import math

import numpy as np

from ratecheck.backend import array_namespace, to_host
from ratecheck.problems import deep_linear as deep
from ratecheck.problems.deep_linear import deep_linear_net, dynamics_drift
from ratecheck.problems.relu import (
    equally_excited,
    gram_closed_form,
    gram_drift,
    near_init_labels,
    relu_net,
)
from ratecheck.seeding import Streams
from ratecheck.solvers import gd, heavy_ball
from ratecheck.theory import polyak as th
from ratecheck.theory.claim import Claim
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import kappa
from ratecheck.verify.estimators import decade_window, linear_rate
from ratecheck.verify.experiments.base import (
    Experiment,
    GridParam,
    Outcome,
    Settings,
    acceleration_outcome,
    point_rows,
    predicted_rows,
    register_experiment,
    status_of,
    trace_rows,
)
from ratecheck.verify.runner import run
from ratecheck.verify.verdict import Judgement, Point

RELU_N, RELU_D = 12, 8
DEEP_D, DEEP_N, DEEP_OUT = 16, 8, 3
EPSILON = 1e-4
WINDOW = (1e-2, 1e-10)

beta_of = Schedule(th.beta_hb, (kappa,))
rate_hb_of = Schedule(th.rate_hb, (kappa,))
relu_kappa_of = Schedule(th.relu_kappa, (th.kappa_prime,))


def _residual_norm(net):
    def metric(x):
        r = net.residual(x)
        xp = array_namespace(r)
        return xp.sqrt(xp.sum(xp.reshape(r * r, (r.shape[0], -1)), axis=1))

    return metric


def _rate_run(method, net, predicted_rate: float):
    """Run until the predicted factor has shrunk the residual by 1e12; fit the middle window."""
    steps = math.ceil(12 * math.log(10) / (1 - predicted_rate)) + 10
    tr = run(method, net, steps, {"res": _residual_norm(net)}, checkpoints="all")
    rel = tr.metrics["res"] / tr.metrics["res"][:, :1]
    window = decade_window(tr.steps, rel, *WINDOW)
    return linear_rate(tr.steps, rel, window), window, tr, rel


def _rate_points(label, gd_label, rate_hb, hb, window, rate_gd, gd_est, gd_window, tol):
    """Claim: heavy ball against √β and GD against its own rate; control: GD against √β."""
    claim_points = [
        Point.of(f"heavy ball, {label}", "linear-rate", rate_hb, hb, tol, f"window t ∈ {window}"),
        Point.of(
            f"{gd_label}, {label}", "linear-rate", rate_gd, gd_est, tol, f"window t ∈ {gd_window}"
        ),
    ]
    return claim_points, Point.of(f"GD vs √β, {label}", "linear-rate", rate_hb, gd_est, tol)


def _hitting_time(method, net, budget: int) -> tuple[np.ndarray, object]:
    metric = _residual_norm(net)
    start = metric(net.x0)
    tr = run(
        method,
        net,
        budget,
        {"res": metric},
        checkpoints=np.array([0, budget]),
        hit=("res", EPSILON * start),
        stop_when_hit=True,
    )
    return np.where(tr.hit_at >= 0, tr.hit_at, np.nan).astype(float), tr


# --- relu-gram -----------------------------------------------------------------------------
MC_SAMPLES = 200_000


def relu_gram(claim: Claim, settings: Settings, grid) -> Outcome:
    import sympy as sp

    closed = sp.lambdify(th.cosine, claim.predicted, modules="numpy")
    wrong = sp.lambdify(th.cosine, th.relu_gram_wrong, modules="numpy")
    streams = Streams(claim.id, 0, settings.seeds)
    net = relu_net(RELU_N, RELU_D, 2, 0.3, streams, settings.xp)
    X = to_host(net.X)[0]
    c = np.clip(X @ X.T, -1, 1)
    errors = {"claim": [], "control": []}
    for rng in streams.oracle:
        w = rng.standard_normal((MC_SAMPLES, RELU_D))
        A = (w @ X.T >= 0).astype(float)
        mc = c * (A.T @ A) / MC_SAMPLES
        errors["claim"].append(np.max(np.abs(closed(c) - mc)))
        errors["control"].append(np.max(np.abs(wrong(c) - mc)))
    np.testing.assert_allclose(closed(c), gram_closed_form(X), rtol=1e-12)  # same formula
    note = f"{settings.seeds} independent Monte Carlo estimates of N = {MC_SAMPLES}"
    side = {
        role: Point(
            f"max |H̄ − H̄_MC| ({role})",
            "identity",
            0.0,
            float(max(e)),
            claim.tolerance,
            float(min(e)),
            float(max(e)),
            note=note,
        )
        for role, e in errors.items()
    }
    return Outcome(Judgement([side["claim"]]), Judgement([side["control"]]), [])


register_experiment(Experiment("relu-gram", relu_gram, (), seeds_quick=2, seeds_full=8))


# --- relu-hb-rate --------------------------------------------------------------------------
def _relu_parameters(net) -> tuple[float, float, float, float]:
    """(η, β, κ, κ') from H̄ of the shared dataset, with the recalled eigenvalue margins."""
    lam_min = float(net.constants["lambda_min"][0])
    lam_max = float(net.constants["lambda_max"][0])
    kp = lam_max / lam_min
    k = float(relu_kappa_of(kappa_prime=kp))
    eta = 1.0 / (lam_max + lam_min / 4)
    return eta, float(beta_of(kappa=k)), k, kp


def relu_hb_rate(claim: Claim, settings: Settings, grid) -> Outcome:
    widths = [int(w) for w in grid["width"]]
    points, control, rows, traces, notes, sweep = [], [], [], [], [], []
    predicted_hb = Schedule(claim.predicted, (th.kappa_prime,))
    for width in widths:  # one dataset (grid index 0) for every width
        streams = Streams(claim.id, 0, settings.seeds)
        net = equally_excited(
            relu_net(RELU_N, RELU_D, width, float(grid["theta"][0]), streams, settings.xp)
        )
        eta, beta, k, kp = _relu_parameters(net)
        rate_hb = float(predicted_hb(kappa_prime=kp))
        hb, window, tr, rel = _rate_run(heavy_ball(eta, beta), net, rate_hb)
        traces.append(tr)
        sweep.append((width, hb.value))
        if width != widths[-1]:
            continue  # the widest net is judged; narrower ones form the width sweep
        H0_min = np.linalg.eigvalsh(to_host(net.finite_gram(net.x0)))[:, 0]
        rate_gd = float(np.exp(np.mean(np.log(1 - eta * H0_min))))
        gd_est, gd_window, gd_tr, gd_rel = _rate_run(gd(eta), net, rate_gd)
        traces.append(gd_tr)
        drift = float(np.max(gram_drift(net, _final_iterate(gd(eta), net, gd_window[1]))))
        label = f"width {width}, κ' = {kp:.4g}, κ = {k:.4g}"
        claim_points, control_point = _rate_points(
            label,
            "GD vs 1 − ηλ_min(H₀)",
            rate_hb,
            hb,
            window,
            rate_gd,
            gd_est,
            gd_window,
            claim.tolerance,
        )
        points += claim_points
        control.append(control_point)
        notes.append(f"NTK drift max_t ‖H(W_t) − H(W_0)‖₂/λ_min(H₀) over the GD run: {drift:.3g}")
        rows += trace_rows(
            claim.id, "claim", "heavy-ball", "width", width, tr.steps, rel, "relative_residual"
        )
        for name, rate, steps in (
            ("sqrt(beta)^t", rate_hb, tr.steps),
            ("(1-eta*lambda_min(H0))^t", rate_gd, gd_tr.steps),
        ):
            rows += predicted_rows(
                claim.id, name, "width", width, steps, rate**steps, "relative_residual"
            )
        rows += trace_rows(
            claim.id, "control", "gd", "width", width, gd_tr.steps, gd_rel, "relative_residual"
        )
    rel_err = np.array([[abs(r - rate_hb) / rate_hb for _, r in sweep]])
    rows += point_rows(
        claim.id,
        "claim",
        "heavy-ball |rate − √β|/√β",
        "width",
        [w for w, _ in sweep],
        rel_err,
        "rate_relative_error",
    )
    notes.append(
        "heavy-ball rate vs width: "
        + ", ".join(f"m={w}: {r:.5f}" for w, r in sweep)
        + f" (√β = {rate_hb:.5f})"
    )
    status = status_of(traces)
    return Outcome(
        Judgement(points, status, notes),
        Judgement(control, status),
        rows,
        {"width_sweep": [[w, r] for w, r in sweep], "predicted_sqrt_beta": rate_hb},
    )


def _final_iterate(method, net, steps: int):
    """The iterate after ``steps`` steps (for the drift of H(W_t))."""
    from ratecheck.problems.base import Oracle

    x, state, oracle = net.x0, method.init(net.x0), Oracle(net)
    for _ in range(steps):
        x, state = method.step(x, state, oracle)
    return x


register_experiment(
    Experiment(
        "relu-hb-rate",
        relu_hb_rate,
        (
            GridParam(
                "width",
                (25, 100, 500, 2000, 20_000),
                (25, 50, 100, 500, 2000, 8000, 20_000),
                2,
                "hidden widths m; the last one is judged, all form the width sweep",
            ),
            GridParam("theta", (1.0,), (1.0,), 1e-6, "angle of the closest input pair"),
        ),
        seeds_quick=2,
        seeds_full=8,
    )
)


# --- relu-hb-acceleration ------------------------------------------------------------------
def relu_hb_acceleration(claim: Claim, settings: Settings, grid) -> Outcome:
    """Hitting times of heavy ball and GD against κ' (one dataset per θ), with the NTK drift
    max_t ‖H(W_t) − H(W_0)‖₂/λ_min(H₀) of every run (at the last seed's hitting time)."""
    width, scale = int(grid["width"][0]), float(grid["residual"][0])
    times, traces, kappas, drifts = (
        {"heavy-ball": [], "gd": []},
        [],
        [],
        {"heavy-ball": [], "gd": []},
    )
    for j, theta in enumerate(sorted(grid["theta"], reverse=True)):
        streams = Streams(claim.id, j, settings.seeds)
        net = near_init_labels(relu_net(RELU_N, RELU_D, width, theta, streams, settings.xp), scale)
        eta, beta, k, kp = _relu_parameters(net)
        kappas.append(kp)
        for name, method, rate in (
            ("heavy-ball", heavy_ball(eta, beta), rate_hb_of(kappa=k)),
            ("gd", gd(eta), 1 - 1 / k),
        ):
            budget = math.ceil(3 * math.log(1e3 / EPSILON) / (1 - rate)) + 50
            T, tr = _hitting_time(method, net, budget)
            times[name].append(T)
            traces.append(tr)
            last = int(np.nanmax(T)) if np.isfinite(T).any() else budget
            drifts[name].append(gram_drift(net, _final_iterate(method, net, last)))
    outcome = acceleration_outcome(
        claim, kappas, times, traces, "kappa_prime", float(th.relu_gd_iteration_exponent()), EPSILON
    )
    for name, values in drifts.items():
        D = np.stack(values, axis=1)  # (S, n_grid)
        outcome.rows += point_rows(claim.id, "claim", name, "kappa_prime", kappas, D, "ntk_drift")
        outcome.result.notes.append(
            f"NTK drift (max over seeds) of {name} at κ' = "
            + ", ".join(f"{kp:.4g}: {d:.3g}" for kp, d in zip(kappas, D.max(axis=0)))
        )
    outcome.extra["ntk_drift_max"] = float(max(np.max(v) for v in drifts.values()))
    return outcome


register_experiment(
    Experiment(
        "relu-hb-acceleration",
        relu_hb_acceleration,
        (
            GridParam(
                "theta",
                (1.0, 0.2, 0.05, 0.02),
                tuple(np.geomspace(1.0, 0.02, 7)),
                1e-6,
                "angle of the closest input pair (κ' ∝ 1/θ)",
            ),
            GridParam("width", (2000,), (4000,), 2, "hidden width m"),
            GridParam(
                "residual", (1e-4,), (1e-4,), 1e-12, "label offset s: y = u₀ + s·z (drift ∝ s/√m)"
            ),
        ),
        seeds_quick=4,
        seeds_full=8,
    )
)


# --- acceleration (shared by the hitting-time claims) ---------------------------------------
# --- deep linear network -------------------------------------------------------------------
def _deep(claim_id, j, settings, k, depth, width):
    return deep_linear_net(
        k, depth, width, DEEP_D, DEEP_N, DEEP_OUT, Streams(claim_id, j, settings.seeds), settings.xp
    )


def deeplinear_hb_rate(claim: Claim, settings: Settings, grid) -> Outcome:
    k = float(grid["kappa"][0])
    width = int(grid["width"][0])
    points, control, rows, traces, notes = [], [], [], [], []
    for j, depth in enumerate(int(v) for v in grid["depth"]):
        net = deep.equally_excited(_deep(claim.id, j, settings, k, depth, width))
        eta = 1.0 / float(net.constants["lambda_max"][0])
        rate_hb, rate_gd = float(rate_hb_of(kappa=k)), 1 - 1 / k
        hb, window, tr, rel = _rate_run(heavy_ball(eta, beta_of(kappa=k)), net, rate_hb)
        gd_est, gd_window, gd_tr, gd_rel = _rate_run(gd(eta), net, rate_gd)
        traces += [tr, gd_tr]
        label = f"depth {depth}, width {width}, κ = {k:g}"
        claim_points, control_point = _rate_points(
            label, "GD vs 1 − 1/κ", rate_hb, hb, window, rate_gd, gd_est, gd_window, claim.tolerance
        )
        points += claim_points
        control.append(control_point)
        final = _final_iterate(gd(eta), net, gd_window[1])
        drift = float(np.max(dynamics_drift(net, final)))
        notes.append(
            f"depth {depth}: max drift ‖P(W_t) − P(W_0)‖₂/λ_min(P₀) over the GD run {drift:.3g}"
        )
        rows += trace_rows(
            claim.id,
            "claim",
            f"heavy-ball depth {depth}",
            "depth",
            depth,
            tr.steps,
            rel,
            "relative_residual",
        )
        rows += trace_rows(
            claim.id,
            "control",
            f"gd depth {depth}",
            "depth",
            depth,
            gd_tr.steps,
            gd_rel,
            "relative_residual",
        )
        for name, rate, steps in (
            ("sqrt(beta)^t", rate_hb, tr.steps),
            ("(1-1/kappa)^t", rate_gd, gd_tr.steps),
        ):
            rows += predicted_rows(
                claim.id, name, "depth", depth, steps, rate**steps, "relative_residual"
            )
    status = status_of(traces)
    return Outcome(Judgement(points, status, notes), Judgement(control, status), rows)


register_experiment(
    Experiment(
        "deeplinear-hb-rate",
        deeplinear_hb_rate,
        (
            GridParam("depth", (2, 4), (2, 3, 4, 5), 2, "number of layers ℓ"),
            GridParam("kappa", (50.0,), (50.0,), 1.0, "σ_max²(X)/σ_min²(X)"),
            GridParam("width", (128,), (256,), 16, "hidden width m ≥ d"),
        ),
        seeds_quick=4,
        seeds_full=8,
    )
)


def deeplinear_hb_acceleration(claim: Claim, settings: Settings, grid) -> Outcome:
    width, depth = int(grid["width"][0]), int(grid["depth"][0])
    kappas = list(grid["kappa"])
    times, traces = {"heavy-ball": [], "gd": []}, []
    for j, k in enumerate(kappas):
        net = _deep(claim.id, j, settings, k, depth, width)
        eta = 1.0 / float(net.constants["lambda_max"][0])
        for name, method, rate in (
            ("heavy-ball", heavy_ball(eta, beta_of(kappa=k)), rate_hb_of(kappa=k)),
            ("gd", gd(eta), 1 - 1 / k),
        ):
            budget = math.ceil(3 * math.log(1e3 / EPSILON) / (1 - rate)) + 50
            T, tr = _hitting_time(method, net, budget)
            times[name].append(T)
            traces.append(tr)
    predicted_gd = float(th.gd_iteration_exponent())
    return acceleration_outcome(claim, kappas, times, traces, "kappa", predicted_gd, EPSILON)


register_experiment(
    Experiment(
        "deeplinear-hb-acceleration",
        deeplinear_hb_acceleration,
        (
            GridParam(
                "kappa",
                (10.0, 31.6, 100.0, 316.0),
                tuple(np.geomspace(10, 1000, 7)),
                1.0,
                "σ_max²(X)/σ_min²(X)",
            ),
            GridParam("depth", (3,), (3,), 2, "number of layers ℓ"),
            GridParam("width", (64,), (256,), 16, "hidden width m ≥ d (128 diverges at κ=1000)"),
        ),
        seeds_quick=4,
        seeds_full=8,
    )
)
