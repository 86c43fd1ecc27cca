"""What the workloads family's claims share: the paired comparison of two optimizers on one
neural-network workload at an equal budget of oracle calls, its A/A control, and the two
methods of seed 000 (HCM-LMO and Polyak-momentum LMO).

Each claim compares method A with method B, seed by seed (same initialization, same minibatch
order), at the same budget of oracle calls, on the final full-batch training loss and gradient
norm (the mean over the last two checkpoints): the statistic is mean_s log(A_s/B_s) with
Student's t interval over seeds (paired). The control runs B against B with another minibatch
order (A/A).

PyTorch (``ratecheck.workloads``, ``ratecheck.torch``) is imported only inside the functions
that train, so the claim modules import without the torch extra.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import torch_device
from ratecheck.theory import workloads as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Context, Where
from ratecheck.verify.estimators import paired_mean
from ratecheck.verify.experiment import Axis
from ratecheck.verify.runner import Trace

PREDICTION_TEXT = "E[log(loss_A/loss_B)] < 0 and E[log(‖∇f‖_A/‖∇f‖_B)] < 0 (CI below 0)"
ORDER, OTHER_ORDER = 17, 29  # the minibatch order of every run, and the A/A control's
METRICS = (("train_loss", "loss"), ("grad_norm", "grad_norm"))  # (row metric, Curves field)


@dataclass(frozen=True)
class Method:
    """An optimizer of a comparison: ``make(workload, seed, width)`` returns the optimizer's
    factory (parameters ↦ torch optimizer); ``calls_per_step`` oracle calls per step;
    ``backward``: the runner computes the minibatch gradient before each step; ``closure``: the
    step receives the minibatch loss."""

    name: str
    make: Callable[[Any, int, int], Callable]
    calls_per_step: int = 1
    backward: bool = True
    closure: bool = False


def grid(budget: tuple[int, int], widths: tuple[tuple[int, ...], tuple[int, ...]]) -> list[Axis]:
    """The comparison grid: the budget in oracle calls (quick, full) and the model widths."""
    return [
        Axis("budget", (budget[0],), (budget[1],), 2, "oracle calls per run"),
        Axis("width", widths[0], widths[1], 1, "model width"),
    ]


# --- seed 000's methods: HCM-LMO and Polyak-momentum LMO (HCM with β = 0) ----------------------
STEP_HCM, ALPHA_HCM = 2.0**-5, 0.1


def _hcm(beta: float | None) -> Callable:
    def make(workload: Any, seed: int, width: int) -> Callable:
        from ratecheck.torch import HCMLMO

        return lambda ps: HCMLMO(
            ps, lr=STEP_HCM, momentum=ALPHA_HCM, beta=beta, norm="euclidean", seed=seed
        )

    return make


HCM = Method("hcm", _hcm(None), calls_per_step=2, closure=True)  # a gradient and an HVP per step
MOMENTUM = Method("momentum", _hcm(0.0))  # β = 0: Polyak momentum LMO, one gradient per step


# --- the comparison -------------------------------------------------------------------------
def comparison(ctx: Context, workload_name: str, a: Method, b: Method) -> None:
    """Method A against B at every (budget, width); control: B against B with another
    minibatch order (A/A). The seeds of a width (model initialization and minibatch order) are
    drawn from the claim's streams at that width, shared by A, B and the control, and by every
    budget (the horizon)."""
    from ratecheck.workloads.train import WORKLOADS

    workload = WORKLOADS[workload_name]
    device = torch_device(ctx.settings.backend)
    diverged = 0
    for where in ctx.points("budget", "width"):
        budget, width = int(where["budget"]), int(where["width"])
        streams = ctx.streams({"width": where["width"]})
        seeds = [int(g.integers(2**31)) for g in streams.init]
        runs_a = _train(a, workload, budget, seeds, width, ORDER, device)
        runs_b = _train(b, workload, budget, seeds, width, ORDER, device)
        runs_b2 = _train(b, workload, budget, seeds, width, OTHER_ORDER, device)
        traces = [_as_trace(r, m) for r, m in ((runs_a, a), (runs_b, b), (runs_b2, b))]
        ctx.track(*traces)
        diverged += sum(r.diverged for r in runs_a + runs_b + runs_b2)
        label = f"{workload_name} width {width}, {budget} oracle calls"
        _judge(ctx, where, runs_a, runs_b, (a.name, b.name), a.name, label, "claim")
        other = (b.name, f"{b.name} (other order)")
        _judge(ctx, where, runs_b, runs_b2, other, b.name, f"{label}, A/A", "control")
        for text in _equal_steps(label, runs_a, runs_b, a, b):
            ctx.note(text)
        _rows(ctx, traces[0], where, a.name)
        _rows(ctx, traces[1], where, b.name)
    ctx.note(workload.description + "; x-axis of the figures: oracle calls")
    if diverged:
        ctx.note(f"{diverged} runs diverged (non-finite loss)")


def _train(method: Method, workload: Any, budget: int, seeds, width: int, order: int, device):
    """One training run per seed (``ratecheck.workloads.train``), minibatch order ``order``."""
    from ratecheck.workloads.train import train

    return [
        train(
            workload,
            method.make(workload, seed, width),
            budget,
            seed,
            calls_per_step=method.calls_per_step,
            backward=method.backward,
            closure=method.closure,
            width=width,
            stream=order,
            device=device,
        )
        for seed in seeds
    ]


def _final(curves: Any) -> dict[str, float]:
    """The final value of each metric: the mean over the last two checkpoints."""
    return {name: float(np.mean(getattr(curves, attr)[-2:])) for name, attr in METRICS}


def _judge(
    ctx: Context, where: Where, runs_a, runs_b, names, method: str, label: str, role: str
) -> None:
    """Judge mean_s log(A_s/B_s) of each final metric (Student's t CI over seeds) against the
    claim's prediction (``method``: the one measured against the other), reading the CI in
    words against the prediction and tolerance."""
    predicted = ctx.predicted(where)
    tolerance = ctx.claim.tolerance_of(ctx.quick)
    for metric, _ in METRICS:
        values_a = np.array([_final(r)[metric] for r in runs_a])
        values_b = np.array([_final(r)[metric] for r in runs_b])
        estimate = paired_mean(np.log(values_a) - np.log(values_b))
        if estimate.ci_high < predicted - tolerance:
            reading = f"{names[0]} significantly better"
        elif estimate.ci_low > predicted + tolerance:
            reading = f"{names[1]} significantly better"
        else:
            reading = "no significant difference"
        ctx.judge(
            estimate,
            method=method,
            where=where,
            role=role,
            label=f"{label}, {metric}",
            note=f"log({names[0]}/{names[1]}) of the final {metric}: {reading}",
        )


def _equal_steps(label: str, runs_a, runs_b, a: Method, b: Method) -> list[str]:
    """Where A takes fewer steps for the same budget (HCM: a gradient and an HVP per step), the
    same comparison at equal steps, read off B's checkpoint (reported, not judged)."""
    ratio = a.calls_per_step / b.calls_per_step
    if ratio == 1:
        return []
    target = runs_a[0].calls[-1] / ratio
    if target not in runs_b[0].calls:
        return []
    j = int(np.flatnonzero(runs_b[0].calls == target)[0])
    out = []
    for metric, attr in METRICS:
        d = [
            np.log(getattr(ra, attr)[-1]) - np.log(getattr(rb, attr)[j])
            for ra, rb in zip(runs_a, runs_b)
        ]
        est = paired_mean(np.array(d))
        out.append(
            f"{label}: at equal steps ({b.name} after {target:g} calls) "
            f"log({a.name}/{b.name}) of the final {metric} = {est.value:.3g} "
            f"[{est.ci_low:.3g}, {est.ci_high:.3g}]"
        )
    return out


def _as_trace(runs, method: Method) -> Trace:
    """The seeds' training curves as one Trace (checkpoints in oracle calls; each step one
    gradient and calls_per_step − 1 HVPs), so that their status counts towards the claim's."""
    calls = np.asarray(runs[0].calls, dtype=int)
    steps = calls // method.calls_per_step
    diverged = np.array([r.diverged for r in runs])
    return Trace(
        steps=calls,
        metrics={name: np.stack([getattr(r, attr) for r in runs]) for name, attr in METRICS},
        grad_calls=steps,
        hvp_calls=calls - steps,
        status=np.where(diverged, "diverged", "ok"),
        diverged_at=np.array([_diverged_at(r) for r in runs]),
    )


def _diverged_at(curves: Any) -> int:
    """The oracle calls at the first non-finite loss (−1: never)."""
    bad = np.flatnonzero(~np.isfinite(curves.loss))
    return int(curves.calls[bad[0]]) if bad.size else -1


def _rows(ctx: Context, trace: Trace, where: Where, method: str) -> None:
    """Every checkpoint of every seed as rows (t = oracle calls, x = the width).
    ``ctx.trace_rows`` would thin the 17 evenly spaced checkpoints to geometric ones."""
    for metric, _ in METRICS:
        ctx.rows += [
            {
                "claim": ctx.claim.id,
                "role": "claim",
                "method": method,
                "param": "width",
                "x": float(where["width"]),
                "seed": seed,
                "t": int(c),
                "metric": metric,
                "value": float(v),
            }
            for seed, values in enumerate(trace.metrics[metric])
            for c, v in zip(trace.steps, values)
        ]


__all__ = ["HCM", "MOMENTUM", "PREDICTION_TEXT", "Method", "comparison", "grid"]


HCM_AGAINST_MOMENTUM = {  # the record nn-hcm-vs-momentum-mlp and -lstm share
    "kind": "comparison",
    "source": th.HCM_SOURCE,
    "prediction": th.NO_DIFFERENCE,
    "prediction_text": PREDICTION_TEXT,
    "tolerance": 0.0,
    "experiment": "layer-wise Euclidean LMO (Frobenius per matrix, ℓ2 per vector), constant step "
    "2⁻⁵ and α = 0.1 for both, β = 1 − α for HCM and 0 for momentum; HCM takes half the steps "
    "(one gradient and one HVP each); final full-batch loss and gradient norm, paired over seeds",
    "control": "momentum against momentum with another minibatch order (A/A): no significant "
    "difference",
    "provenance": (
        th.STAND_IN,
        th.EQUAL_BUDGET,
        Provenance("geometries ℓ2 (the paper also ran ℓ∞)", "paper", "OpenReview reviews"),
    ),
    "requires": th.REQUIRES,
}
