"""nn-lr-transfer: Scion's optimal learning rate does not move with the width of an MLP."""

from __future__ import annotations

import numpy as np

from ratecheck.comparisons import Setup, method, seeds_of, sensitivity_rows, tune_all
from ratecheck.theory import workloads as th
from ratecheck.verify.context import Context, claim
from ratecheck.verify.estimators import BOOTSTRAP_SEED, LEVEL, Estimate, fit_line, t_interval
from ratecheck.verify.experiment import Axis
from ratecheck.verify.tuning import SearchSpace, on_edge, refined_argmin

LR_GRIDS = {  # log₂ learning rates (8 quick, 10 full: the same for every method), momentum
    "scion": ((-9.0, -2.0), (-10.0, -1.0), 0.5),
    "muon": ((-12.0, -5.0), (-13.0, -4.0), 0.95),
    "sgd": ((-7.0, 0.0), (-8.0, 1.0), 0.9),
}
JUDGED, CONTROL, REPORTED = "scion", "sgd", "muon"
N_BOOT = 400


def space(name: str, quick: bool) -> SearchSpace:
    """The method's transfer grid: log₂ lr from low to high in steps of 1, one momentum."""
    quick_range, full_range, momentum = LR_GRIDS[name]
    low, high = quick_range if quick else full_range
    return SearchSpace(tuple(np.arange(low, high + 1.0)), (momentum,))


@claim(
    id="nn-lr-transfer",
    kind="exponent",
    source="Seed 004: Scion across model sizes (abstract); Pethick et al. 2025, Scion's "
    "hyperparameter transfer",
    statement="the optimal learning rate of Scion does not move with the width of an MLP: "
    "d log₂ lr* / d log₂ width = 0",
    prediction=th.LR_SLOPE,
    prediction_text="slope of log₂ lr* against log₂ width = 0 (within 0.25)",
    tolerance=0.25,
    grid=[
        Axis("width", (16, 32, 128), (32, 64, 128, 256), 1, "MLP width (3 or more, 8× span)"),
        Axis("budget", (200,), (1000,), 1, "oracle calls per run"),
    ],
    seeds=(6, 6),
    experiment="MLP 64–w–w–10 on digits at each width; Scion, Muon and SGD with momentum "
    "each run over a log₂ learning-rate grid (8 values quick, 10 full, one extension at an "
    "edge); lr* per width = the argmin of the mean final validation loss refined by a parabola "
    "over its three best points; slope of log₂ lr* against log₂ width with a seed-bootstrap "
    "interval; Muon's slope reported",
    control="SGD with momentum in PyTorch's standard parametrization, judged against slope 0: "
    "its lr* moves with width (the check must refute it)",
    provenance=(th.STAND_IN, th.TRANSFER),
    requires=th.REQUIRES,
)
def nn_lr_transfer(ctx: Context) -> None:
    """The optimal learning rate of Scion, Muon and SGD against the MLP's width.

    Setting: the MLP 64–w–w–10 (tanh) on 1,000 UCI digits (validation: the 797 after them),
    cross-entropy, minibatch 100, for ``budget`` oracle calls at each width w (3 or more
    widths spanning 8× or more); seeds s (initialization and minibatch order) shared by the
    methods at a width. Algorithms: unconstrained Scion (spectral RMS→RMS LMO per matrix, bias
    RMS per vector, α = 0.5), Muon (torch.optim.Muon with AdamW-matched RMS on matrices, AdamW
    on biases, β = 0.95) and SGD with momentum 0.9 (PyTorch's default initialization: the
    standard parametrization), each over a log₂ grid of learning rates γ, extended once by two
    values where the best mean lies on an edge (the comparisons' protocol). Estimator:
    L_w(γ) = mean_s of the final validation loss; log₂ lr*(w) = the vertex of the parabola in
    log₂ γ through the three lowest points of L_w (its argmin where the parabola is not convex
    or the vertex lies
    outside them); the least-squares slope of log₂ lr* against log₂ w, with a standard error
    from 400 resamplings of the seeds at every width and Student's t(S − 1) interval, judged
    against the prediction 0 for Scion. Control: SGD's slope judged against the same
    prediction; standard parametrization moves its lr* with width, so it must be refuted.
    Muon's slope is reported (its AdamW-matched update is not width-invariant in μP terms).
    """
    from ratecheck.workloads.train import WORKLOADS

    widths = [int(w) for w in ctx.values("width")]
    names = (JUDGED, REPORTED, CONTROL)
    for where in ctx.points("budget"):
        budget = int(where["budget"])
        setups = {
            w: Setup(WORKLOADS["mlp"], budget, w, keep=ctx.kept, prepare=ctx.prepare)
            for w in widths
        }
        seeds = {w: seeds_of(ctx, {"width": w}, ctx.seeds) for w in widths}
        searches = [(name, w) for name in names for w in widths]
        results = tune_all(  # all tuning first: a parallel run's later rounds repeat no fit
            [(setups[w], method(n), seeds[w], space(n, ctx.quick)) for n, w in searches]
        )
        tuned = {key: (losses, _searched(losses)) for key, (_, losses) in zip(searches, results)}
        for name in names:
            role = "control" if name == CONTROL else "claim"
            curves, grids = {}, {}
            for w in widths:
                curves[w], grids[w] = tuned[(name, w)]
                sensitivity_rows(ctx, curves[w], w, name, role)
            estimate, stars, edges = _slope(curves, grids, widths, ctx.seeds)
            stars_text = ", ".join(f"w={w}: 2^{s:.2f}" for w, s in zip(widths, stars))
            note = f"{name}: log₂ lr* per width {stars_text}"
            if edges:
                note += f"; on the grid's edge after one extension at w = {edges}: inconclusive"
                estimate = Estimate(np.nan, np.nan, np.nan)
            _lr_star_rows(ctx, curves, grids, widths, name)
            if name == REPORTED:
                ctx.note(
                    f"{note}; slope {estimate.value:.3g} [{estimate.ci_low:.3g}, "
                    f"{estimate.ci_high:.3g}] (reported, not judged)"
                )
                continue
            ctx.judge(
                estimate,
                method=name,
                where=where,
                role=role,
                label=f"{name}: slope of log₂ lr* against log₂ width, {budget} calls",
                note=note,
            )
    ctx.note(
        f"{len(widths)} widths {widths}, {ctx.seeds} seeds per width"
        + (" (quick mode: small grids, few seeds)" if ctx.quick else "")
    )


def _searched(losses: dict) -> SearchSpace:
    """The grid searched by tuning (its learning rates after any extension) from its losses."""
    return SearchSpace(tuple(sorted({t[0] for t in losses})), tuple(sorted({t[1] for t in losses})))


def _curve(losses: dict, seeds: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(log₂ lr, mean final validation loss over the seeds chosen) in lr order; a diverged
    seed makes its lr's mean +∞."""
    trials = sorted(losses)
    values = np.stack([losses[t] for t in trials])  # (trials, S)
    if seeds is not None:
        values = values[:, seeds]
    # tuning.score over every trial at once (one reduction: the bootstrap's numbers as recorded)
    means = np.where(np.all(np.isfinite(values), axis=1), values.mean(axis=1), np.inf)
    return np.array([t[0] for t in trials]), means


def _slope(
    curves: dict, grids: dict, widths: list[int], n_seeds: int
) -> tuple[Estimate, list[float], list[int]]:
    """The slope of log₂ lr* against log₂ width (Estimator in the claim's docstring); the
    log₂ lr* per width; the widths whose lr* lies on the edge of its grid."""
    x = np.log2(widths)
    stars = [refined_argmin(*_curve(curves[w])) for w in widths]
    edges = [w for w, s in zip(widths, stars) if on_edge(s, grids[w].lr_log2)]
    value = fit_line(x, np.array(stars))[0]
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = []
    for _ in range(N_BOOT):
        resampled = [
            refined_argmin(*_curve(curves[w], rng.integers(0, n_seeds, n_seeds))) for w in widths
        ]
        draws.append(fit_line(x, np.array(resampled))[0])
    draws = np.array(draws)
    draws = draws[np.isfinite(draws)]
    if n_seeds < 2 or draws.size < 2 or not np.isfinite(value):
        return Estimate(value, np.nan, np.nan), stars, edges
    se = float(np.std(draws, ddof=1))
    low, high = t_interval(value, se, n_seeds - 1, LEVEL)
    return Estimate(value, low, high, se, n_seeds - 1), stars, edges


def _lr_star_rows(ctx: Context, curves: dict, grids: dict, widths: list[int], name: str) -> None:
    """Each seed's own lr* (the refined argmin of its curve) per width, for the lr*-against-
    width figure (the judged slope is that of the mean curves)."""
    for w in widths:
        for seed in range(ctx.seeds):
            star = refined_argmin(*_curve(curves[w], np.array([seed])))
            ctx.rows.append(
                {
                    "claim": ctx.claim.id,
                    "role": "control" if name == CONTROL else "claim",
                    "method": name,
                    "param": "width",
                    "x": float(w),
                    "seed": seed,
                    "t": -1,
                    "metric": "lr_star",
                    "value": float(2.0**star),
                }
            )
