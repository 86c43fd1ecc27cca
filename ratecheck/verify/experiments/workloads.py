"""Experiments for the comparison claims on neural-network workloads (theory/workloads.py).

Each compares method A with method B, seed by seed (same initialization, same minibatch order),
at the same budget of oracle calls, on the final full-batch training loss and gradient norm
(the mean over the last two checkpoints): the statistic is mean_s log(A_s/B_s) with Student's
t interval over seeds (paired). The control runs B against B with another minibatch order (A/A).

PyTorch is imported only when a workload claim runs (the claims require the torch extra).
"""

from __future__ import annotations

import numpy as np

from ratecheck.backend import torch_device
from ratecheck.theory.claim import Claim
from ratecheck.verify.estimators import paired_mean
from ratecheck.verify.experiments.base import (
    Experiment,
    GridParam,
    Outcome,
    Settings,
    register_experiment,
)
from ratecheck.verify.verdict import Judgement, Point

OTHER_STREAM = 29  # the A/A control's minibatch order
METRICS = (("train_loss", "loss"), ("grad_norm", "grad_norm"))


def _final(curves) -> dict[str, float]:
    return {name: float(np.mean(getattr(curves, attr)[-2:])) for name, attr in METRICS}


def _run(method: dict, workload, budget: int, settings, width: int, stream: int = 17):
    from ratecheck.workloads.train import train

    device = torch_device(settings.backend)

    runs = []
    for s in range(settings.seeds):
        runs.append(
            train(
                workload,
                method["make"](workload, s, width),
                budget,
                s,
                calls_per_step=method.get("calls_per_step", 1),
                backward=method.get("backward", True),
                closure=method.get("closure", False),
                width=width,
                stream=stream,
                device=device,
            )
        )
    return runs


def _points(label: str, runs_a, runs_b, predicted: float, tol: float, names) -> list[Point]:
    points = []
    for metric, _ in METRICS:
        a = np.array([_final(r)[metric] for r in runs_a])
        b = np.array([_final(r)[metric] for r in runs_b])
        est = paired_mean(np.log(a) - np.log(b))
        if est.ci_high < predicted - tol:
            reading = f"{names[0]} significantly better"
        elif est.ci_low > predicted + tol:
            reading = f"{names[1]} significantly better"
        else:
            reading = "no significant difference"
        note = f"log({names[0]}/{names[1]}) of the final {metric}: {reading}"
        points.append(Point.of(f"{label}, {metric}", "comparison", predicted, est, tol, note))
    return points


def _rows(claim_id: str, role: str, method: str, width: int, runs) -> list[dict]:
    rows = []
    for metric, attr in METRICS:
        for seed, r in enumerate(runs):
            rows += [
                {
                    "claim": claim_id,
                    "role": role,
                    "method": method,
                    "param": "width",
                    "x": float(width),
                    "seed": seed,
                    "t": int(c),
                    "metric": metric,
                    "value": float(v),
                }
                for c, v in zip(r.calls, getattr(r, attr))
            ]
    return rows


def comparison(claim: Claim, settings: Settings, grid, workload_name: str, methods) -> Outcome:
    """Method A against B per width; control: B against B with another minibatch order."""
    from ratecheck.workloads.train import WORKLOADS

    workload = WORKLOADS[workload_name]
    (name_a, a), (name_b, b) = methods
    budget = int(grid["budget"][0])
    points, control, rows, notes, diverged = [], [], [], [], 0
    for width in (int(w) for w in grid["width"]):
        runs_a = _run(a, workload, budget, settings, width)
        runs_b = _run(b, workload, budget, settings, width)
        runs_b2 = _run(b, workload, budget, settings, width, OTHER_STREAM)
        diverged += sum(r.diverged for r in runs_a + runs_b + runs_b2)
        label = f"{workload_name} width {width}, {budget} oracle calls"
        points += _points(
            label, runs_a, runs_b, float(claim.predicted), claim.tolerance, (name_a, name_b)
        )
        control += _points(
            f"{label}, A/A",
            runs_b,
            runs_b2,
            float(claim.predicted),
            claim.tolerance,
            (name_b, f"{name_b} (other order)"),
        )
        notes += _equal_steps(label, runs_a, runs_b, a, b, (name_a, name_b))
        rows += _rows(claim.id, "claim", name_a, width, runs_a)
        rows += _rows(claim.id, "claim", name_b, width, runs_b)
    notes.append(workload.description + "; x-axis of the figures: oracle calls")
    status = "diverged" if diverged else "ok"
    if diverged:
        notes.append(f"{diverged} runs diverged (non-finite loss)")
    return Outcome(Judgement(points, status, notes), Judgement(control, status), rows)


def _equal_steps(label, runs_a, runs_b, a, b, names) -> list[str]:
    """Where A takes fewer steps for the same budget (HCM: a gradient and an HVP per step), the
    same comparison at equal steps, read off B's checkpoint (reported, not judged)."""
    ratio = a.get("calls_per_step", 1) / b.get("calls_per_step", 1)
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
            f"{label}: at equal steps ({names[1]} after {target:g} calls) "
            f"log({names[0]}/{names[1]}) of the final {metric} = {est.value:.3g} "
            f"[{est.ci_low:.3g}, {est.ci_high:.3g}]"
        )
    return out


# --- the methods ------------------------------------------------------------------------------
STEP_HCM, ALPHA_HCM = 2.0**-5, 0.1


def _hcm(beta):
    def make(workload, seed, width):
        from ratecheck.torch import HCMLMO

        return lambda ps: HCMLMO(
            ps, lr=STEP_HCM, momentum=ALPHA_HCM, beta=beta, norm="euclidean", seed=seed
        )

    return make


HCM = {"make": _hcm(None), "calls_per_step": 2, "closure": True}
MOMENTUM = {"make": _hcm(0.0)}  # β = 0: Polyak momentum LMO, one gradient per step

STEP_CLIP, ALPHA_CLIP = 2.0**-5, 0.5


def _scion(workload, seed, width):
    from ratecheck.torch import Scion

    return lambda ps: Scion(ps, lr=STEP_CLIP, momentum=ALPHA_CLIP, unconstrained=True)


def _clipped(workload, seed, width):
    from ratecheck.solvers.norms import Product
    from ratecheck.torch import ClippedScion
    from ratecheck.torch.optimizers import block_of, norm_for
    from ratecheck.workloads.train import first_gradient, initial_model

    params = list(initial_model(workload, seed, width).parameters())
    grads = first_gradient(workload, seed, width)
    norm = Product(tuple(norm_for("auto", p) for p in params))
    rho = float(norm.dual(tuple(block_of(g) for g in grads))[0])
    return lambda ps: ClippedScion(ps, lr=STEP_CLIP, momentum=ALPHA_CLIP, rho=rho)


STEP_TRANSPORT, ALPHA_TRANSPORT = 2.0**-6, 0.1


def _heavy_tail_scion(transport: bool):
    def make(workload, seed, width):
        from ratecheck.torch import TransportedScion

        return lambda ps: TransportedScion(
            ps, lr=STEP_TRANSPORT, momentum=ALPHA_TRANSPORT, transport=transport
        )

    return make


def _register(
    cid, workload, methods, budget_quick, budget_full, widths_quick, widths_full, seeds_quick
):
    def run(claim, settings, grid):
        return comparison(claim, settings, grid, workload, methods)

    register_experiment(
        Experiment(
            cid,
            run,
            (
                GridParam("budget", (budget_quick,), (budget_full,), 2, "oracle calls per run"),
                GridParam("width", widths_quick, widths_full, 1, "model width"),
            ),
            seeds_quick=seeds_quick,
            seeds_full=8,
        )
    )


_register(
    "nn-hcm-vs-momentum-mlp",
    "mlp",
    (("hcm", HCM), ("momentum", MOMENTUM)),
    400,
    2000,
    (64,),
    (64,),
    8,
)
_register(
    "nn-hcm-vs-momentum-lstm",
    "lstm",
    (("hcm", HCM), ("momentum", MOMENTUM)),
    100,
    600,
    (64,),
    (64,),
    4,
)
_register(
    "nn-clipped-scion-vs-scion",
    "cnn",
    (("clipped-scion", {"make": _clipped}), ("scion", {"make": _scion})),
    300,
    1500,
    (16,),
    (16,),
    6,
)
_register(
    "nn-transported-vs-batched-scion",
    "transformer",
    (
        ("transported", {"make": _heavy_tail_scion(True), "backward": False, "closure": True}),
        ("batched", {"make": _heavy_tail_scion(False)}),
    ),
    100,
    600,
    (32, 64),
    (32, 64, 128),
    4,
)
