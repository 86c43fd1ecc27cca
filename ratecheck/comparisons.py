"""Method comparisons on the neural-network workloads, run under the tuning protocol of
``ratecheck.verify.tuning`` (extra ``torch``; PyTorch is imported only when something trains).

A comparison of method A with method B on a workload, at every (budget, width) of the claim's
grid:

1. **Tune** every method — A, B and the baselines (AdamW, SGD with momentum, Muon) — over its
   own search space with the same number of trials, each trial trained for the whole budget
   on the tuning seeds; select by the validation loss at the end of the budget; a selection on
   the edge of the learning-rate grid extends the grid once in that direction.
2. **Final runs**: each tuned method on fresh seeds (disjoint from the tuning seeds), paired
   across methods: seed s gives every method the same initialization and minibatch order;
   evaluated at 16 checkpoints (4 in quick mode: the evaluations cost as much as training).
3. **Judge** mean_s log(A_s/B_s) of the final training loss and of the final validation loss
   (Student's t interval over seeds, kind ``comparison``: A better by more than the claim's
   tolerance), with the A/A control: B against B with another minibatch order. A selection of
   A or B still on the edge after the extension leaves the comparison inconclusive.
4. **Report** the three-way reading, the probability of improvement, the tuned
   hyperparameters of every method, the baselines against A, and the view at equal steps
   (where A takes more oracle calls per step).

Budgets are in oracle calls: a minibatch gradient or a Hessian-vector product is one call.
Write a comparison of your own with the names of :data:`METHODS`::

    @claim(id="my-comparison", kind="comparison", prediction=0, tolerance=0.05, ...,
           grid=comparison_grid(budget=(300, 1500), widths=((16,), (16,))))
    def my_comparison(ctx):
        comparison(ctx, "cnn", "adamw", "sgd", baselines=())
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.errors import UsageError
from ratecheck.seeding import Streams
from ratecheck.verify.context import Context, Where
from ratecheck.verify.estimators import Estimate, paired_mean
from ratecheck.verify.experiment import Axis
from ratecheck.verify.runner import Trace
from ratecheck.verify.tuning import (
    SearchSpace,
    Selection,
    check_spaces,
    probability_of_improvement,
    reading,
    score,
    select,
)

ORDER, OTHER_ORDER = 17, 29  # the minibatch order of every run, and the A/A control's
TUNING_FIRST_SEED = 10_000  # tuning seeds are seed indices 10000, 10001, …: never final seeds
JUDGED = ("train_loss", "val_loss")  # the final metrics judged (A against B)
CURVES = {  # row metric: Curves field, for every checkpoint of the tuned runs
    "train_loss": "loss",
    "grad_norm": "grad_norm",
    "val_loss": "val_loss",
    "val_accuracy": "val_accuracy",
}
SENSITIVITY = "final_val_loss"  # rows of the tuning trials: final validation loss against lr


@dataclass(frozen=True)
class Method:
    """An optimizer of the comparisons: ``make(workload, seed, width, lr, momentum)`` returns
    the optimizer's factory (parameters ↦ torch optimizer); its search spaces in quick and full
    mode; ``calls_per_step`` oracle calls per step; ``backward``: the trainer computes the
    minibatch gradient before each step; ``closure``: the step receives the minibatch loss."""

    name: str
    make: Callable[[Any, int, int, float, float], Callable]
    quick: SearchSpace
    full: SearchSpace
    description: str
    calls_per_step: int = 1
    backward: bool = True
    closure: bool = False

    def space(self, quick: bool) -> SearchSpace:
        return self.quick if quick else self.full


# --- the methods ----------------------------------------------------------------------------
def _hcm(beta: float | None) -> Callable:
    def make(workload: Any, seed: int, width: int, lr: float, momentum: float) -> Callable:
        from ratecheck.torch import HCMLMO

        return lambda ps: HCMLMO(
            ps, lr=lr, momentum=momentum, beta=beta, norm="euclidean", seed=seed
        )

    return make


def _scion(workload: Any, seed: int, width: int, lr: float, momentum: float) -> Callable:
    from ratecheck.torch import Scion

    return lambda ps: Scion(ps, lr=lr, momentum=momentum, unconstrained=True)


def _clipped_scion(workload: Any, seed: int, width: int, lr: float, momentum: float) -> Callable:
    """ClippedScion with ρ = the dual norm (product of the per-parameter norms) of the seed's
    first minibatch gradient at initialization."""
    from ratecheck.solvers.norms import Product
    from ratecheck.torch import ClippedScion
    from ratecheck.torch.optimizers import block_of, norm_for
    from ratecheck.workloads.train import first_gradient, initial_model

    params = list(initial_model(workload, seed, width).parameters())
    grads = first_gradient(workload, seed, width)
    norm = Product(tuple(norm_for("auto", p) for p in params))
    rho = float(norm.dual(tuple(block_of(g) for g in grads))[0])
    return lambda ps: ClippedScion(ps, lr=lr, momentum=momentum, rho=rho)


def _transported(transport: bool) -> Callable:
    def make(workload: Any, seed: int, width: int, lr: float, momentum: float) -> Callable:
        from ratecheck.torch import TransportedScion

        return lambda ps: TransportedScion(ps, lr=lr, momentum=momentum, transport=transport)

    return make


def _adamw(workload: Any, seed: int, width: int, lr: float, momentum: float) -> Callable:
    import torch

    return lambda ps: torch.optim.AdamW(ps, lr=lr, betas=(momentum, 0.999))


def _sgd(workload: Any, seed: int, width: int, lr: float, momentum: float) -> Callable:
    import torch

    return lambda ps: torch.optim.SGD(ps, lr=lr, momentum=momentum)


class _Both:
    """Two torch optimizers stepped as one (Muon on the matrices, AdamW on the rest)."""

    def __init__(self, *optimizers: Any) -> None:
        self.optimizers = [o for o in optimizers if o is not None]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for o in self.optimizers:
            o.zero_grad(set_to_none=set_to_none)

    def step(self, closure: Any = None) -> None:
        for o in self.optimizers:
            o.step()


def _muon(workload: Any, seed: int, width: int, lr: float, momentum: float) -> Callable:
    """PyTorch's Muon (``torch.optim.Muon``, update RMS matched to AdamW's, no weight decay) on
    the matrix parameters and AdamW on the others, at one learning rate; ratecheck's Muon
    (scaled by √max(1, d_out/d_in)) where the installed PyTorch has none."""
    import torch

    def make_optimizer(ps: list) -> _Both:
        matrices = [p for p in ps if p.ndim == 2]
        others = [p for p in ps if p.ndim != 2]
        if hasattr(torch.optim, "Muon"):
            muon = torch.optim.Muon(
                matrices,
                lr=lr,
                momentum=momentum,
                weight_decay=0.0,
                adjust_lr_fn="match_rms_adamw",
            )
        else:  # pragma: no cover - PyTorch before 2.9
            from ratecheck.torch import Muon

            muon = Muon(matrices, lr=lr, momentum=momentum)
        adamw = torch.optim.AdamW(others, lr=lr, weight_decay=0.0) if others else None
        return _Both(muon if matrices else None, adamw)

    return make_optimizer


def _log2_grid(center: int, points: int) -> tuple[float, ...]:
    """``points`` consecutive powers of two around 2^center (log₂ step 1)."""
    first = center - (points - 1) // 2
    return tuple(float(first + i) for i in range(points))


def _spaces(center: int, quick_momentum: float, full_momenta: tuple[float, float]) -> dict:
    """Quick: 5 learning rates × 1 momentum; full: 7 learning rates × 2 momenta (every method
    gets the same number of trials)."""
    return {
        "quick": SearchSpace(_log2_grid(center, 5), (quick_momentum,)),
        "full": SearchSpace(_log2_grid(center, 7), full_momenta),
    }


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method(
            "hcm",
            _hcm(None),
            **_spaces(-5, 0.1, (0.1, 0.3)),
            description="HCM-LMO (layer-wise Euclidean LMO, β = 1 − α, HVP at a random point "
            "between the last two iterates); momentum = α",
            calls_per_step=2,  # a gradient and an HVP per step
            closure=True,
        ),
        Method(
            "momentum",
            _hcm(0.0),
            **_spaces(-5, 0.1, (0.1, 0.3)),
            description="Polyak-momentum LMO (HCM-LMO with β = 0, layer-wise Euclidean LMO); "
            "momentum = α",
        ),
        Method(
            "scion",
            _scion,
            **_spaces(-5, 0.5, (0.5, 0.1)),
            description="unconstrained Scion (spectral LMO per matrix, bias RMS per vector); "
            "momentum = α",
        ),
        Method(
            "clipped-scion",
            _clipped_scion,
            **_spaces(-5, 0.5, (0.5, 0.1)),
            description="unconstrained ClippedScion, ρ = the dual norm of the first minibatch "
            "gradient; momentum = α",
        ),
        Method(
            "transported",
            _transported(True),
            **_spaces(-6, 0.1, (0.1, 0.3)),
            description="transported Scion (gradient at x + ((1 − α)/α)(x − x_prev)); momentum = α",
            backward=False,  # its gradient is taken at another point, through the closure
            closure=True,
        ),
        Method(
            "batched",
            _transported(False),
            **_spaces(-6, 0.1, (0.1, 0.3)),
            description="batched Scion (spectral LMO per matrix, bias RMS per vector); "
            "momentum = α",
        ),
        Method(
            "adamw",
            _adamw,
            **_spaces(-8, 0.9, (0.9, 0.95)),
            description="torch.optim.AdamW (β₂ = 0.999, weight decay 0.01); momentum = β₁",
        ),
        Method(
            "sgd",
            _sgd,
            **_spaces(-3, 0.9, (0.9, 0.5)),
            description="torch.optim.SGD with heavy-ball momentum; momentum = its β",
        ),
        Method(
            "muon",
            _muon,
            **_spaces(-8, 0.95, (0.95, 0.9)),
            description="torch.optim.Muon (RMS matched to AdamW, no weight decay) on matrices, "
            "AdamW on the other parameters, one lr; momentum = Muon's β",
        ),
    )
}
BASELINES = ("adamw", "sgd", "muon")


def method(name: str | Method) -> Method:
    """A method of :data:`METHODS` by name (a Method passes through); a UsageError otherwise."""
    if isinstance(name, Method):
        return name
    if name not in METHODS:
        raise UsageError(f"unknown method '{name}'; valid: {', '.join(METHODS)}")
    return METHODS[name]


def comparison_grid(
    budget: tuple[int, int], widths: tuple[tuple[int, ...], tuple[int, ...]]
) -> list[Axis]:
    """A comparison's grid: the budget in oracle calls (quick, full) and the model widths.
    Both axes are independent: each (budget, width) is tuned, run and judged on its own (its
    seeds are drawn per width), so each runs as a task of its own (on ``--workers`` or Dask, in
    parallel)."""
    return [
        Axis("budget", (budget[0],), (budget[1],), 1, "oracle calls per run", independent=True),
        Axis("width", widths[0], widths[1], 1, "model width", independent=True),
    ]


# --- training under the protocol ------------------------------------------------------------
@dataclass(frozen=True)
class Setup:
    """What every run of a comparison point shares: the workload (``WORKLOADS[name]``), the
    budget in oracle calls, the model width and the torch device; ``keep``: where finished
    runs are kept (a claim's ``ctx.kept``: an interrupted claim keeps every finished training
    run of the methods of :data:`METHODS`), or None; ``prepare``: the claim's
    ``ctx.prepare``, which trains runs that do not depend on one another side by side on a
    parallel run (:func:`prepare_runs`), or None."""

    workload: Any
    budget: int
    width: int
    device: str = "cpu"
    keep: Callable[[str, dict, Callable[[], dict]], dict] | None = None
    prepare: Callable[[str, Sequence[dict], Callable[[Mapping], dict]], None] | None = None


# One training run to prepare: (setup, method, (log₂ lr, momentum), seeds, options of train_runs)
RunRequest = tuple[Setup, Method, tuple[float, float], Sequence[int], Mapping[str, Any]]
TUNING_RUN = {"final_only": True}  # the options of a tuning trial's runs (sensitivity)


def run_inputs(
    m: Method,
    setup: Setup,
    trial: tuple[float, float],
    seed: int,
    *,
    order: int = ORDER,
    checkpoints: int = 16,
    final_only: bool = False,
) -> dict[str, Any]:
    """Everything one training run's numbers depend on (beyond the code), as JSON values: the
    key of the kept run, and what :func:`train_piece` trains."""
    return {
        "workload": setup.workload.name,
        "budget": setup.budget,
        "width": setup.width,
        "device": setup.device,
        "method": m.name,
        "lr_log2": float(trial[0]),
        "momentum": float(trial[1]),
        "order": order,
        "checkpoints": checkpoints,
        "final_only": final_only,
        "seed": seed,
    }


def train_piece(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The training run that ``inputs`` (:func:`run_inputs`, a method of :data:`METHODS`)
    names, as the JSON object of its Curves."""
    from ratecheck.workloads.train import WORKLOADS

    setup = Setup(
        WORKLOADS[inputs["workload"]], inputs["budget"], inputs["width"], inputs["device"]
    )
    trial = (inputs["lr_log2"], inputs["momentum"])
    options = {k: inputs[k] for k in ("order", "checkpoints", "final_only")}
    return _train(METHODS[inputs["method"]], setup, trial, inputs["seed"], options).as_json()


def _train(
    m: Method, setup: Setup, trial: tuple[float, float], seed: int, options: Mapping[str, Any]
) -> Any:
    """One training run (Curves) of method ``m`` at (log₂ lr, momentum) = ``trial``;
    ``options``: the order, checkpoints and final_only of :func:`train_runs`."""
    from ratecheck.workloads.train import train

    lr_log2, momentum = trial
    return train(
        setup.workload,
        m.make(setup.workload, seed, setup.width, 2.0**lr_log2, momentum),
        setup.budget,
        seed,
        calls_per_step=m.calls_per_step,
        backward=m.backward,
        closure=m.closure,
        width=setup.width,
        checkpoints=options["checkpoints"],
        stream=options["order"],
        device=setup.device,
        final_only=options["final_only"],
    )


def _kept(m: Method, setup: Setup) -> bool:
    """The runs of ``m`` under ``setup`` are kept (a method of :data:`METHODS`, a keep)."""
    return setup.keep is not None and METHODS.get(m.name) is m


def train_runs(
    m: Method,
    setup: Setup,
    seeds: Sequence[int],
    trial: tuple[float, float],
    *,
    order: int = ORDER,
    checkpoints: int = 16,
    final_only: bool = False,
) -> list:
    """One training run per seed of method ``m`` at (log₂ lr, momentum) = ``trial``
    (``final_only``: the held-out metrics at the end of the budget only); each kept where the
    setup says so and ``m`` is the method of that name in :data:`METHODS`."""
    from ratecheck.workloads.train import Curves

    options = {"order": order, "checkpoints": checkpoints, "final_only": final_only}
    if not _kept(m, setup):
        return [_train(m, setup, trial, seed, options) for seed in seeds]
    runs = []
    for seed in seeds:
        inputs = run_inputs(m, setup, trial, seed, **options)
        runs.append(
            Curves.from_json(setup.keep("training run", inputs, lambda x=inputs: train_piece(x)))
        )
    return runs


def prepare_runs(requests: Sequence[RunRequest]) -> None:
    """Train (and keep) every run that ``requests`` name before any is read: runs that do not
    depend on one another, which a parallel run trains as tasks of their own
    (:meth:`ratecheck.verify.context.Context.prepare`). Runs that are not kept are left to
    :func:`train_runs`."""
    inputs = [
        run_inputs(m, setup, trial, seed, **options)
        for setup, m, trial, seeds, options in requests
        if _kept(m, setup) and setup.prepare is not None
        for seed in seeds
    ]
    if inputs:
        requests[0][0].prepare("training run", inputs, train_piece)


def final(runs: list, field: str = "val_loss") -> np.ndarray:
    """The value of a Curves field at the end of the budget, per seed (NaN if diverged)."""
    return np.array([getattr(r, field)[-1] for r in runs], dtype=float)


def sensitivity(
    m: Method, setup: Setup, seeds: Sequence[int], space: SearchSpace
) -> dict[tuple[float, float], np.ndarray]:
    """{trial: the final validation loss per seed} over a search space (evaluated only there:
    the tuning runs are judged by their end)."""
    prepare_runs([(setup, m, trial, seeds, TUNING_RUN) for trial in space.trials])
    return {
        trial: final(train_runs(m, setup, seeds, trial, **TUNING_RUN)) for trial in space.trials
    }


def extension(
    space: SearchSpace, losses: Mapping[tuple[float, float], np.ndarray]
) -> SearchSpace | None:
    """The trials that tuning adds to ``space`` after its ``losses``: the learning rates beyond
    the edge the selection lies on, or None when it lies inside."""
    chosen = select({t: score(v) for t, v in losses.items()})
    return space.extended(chosen.edge) if chosen.edge else None


def tune(
    m: Method,
    setup: Setup,
    seeds: Sequence[int],
    space: SearchSpace,
    measured: Mapping[tuple[float, float], np.ndarray] | None = None,
) -> tuple[Selection, dict[tuple[float, float], np.ndarray]]:
    """The selected trial (mean final validation loss over the tuning seeds, diverged = +∞),
    after one extension of the grid where the first selection lies on its edge; with every
    trial's per-seed losses. ``measured``: the sensitivity over ``space``, where already
    measured."""
    losses = dict(measured) if measured is not None else sensitivity(m, setup, seeds, space)
    more = extension(space, losses)
    if more is not None:
        losses |= sensitivity(m, setup, seeds, more)
    return select({t: score(v) for t, v in losses.items()}), losses


def tune_all(
    searches: Sequence[tuple[Setup, Method, Sequence[int], SearchSpace]],
) -> list[tuple[Selection, dict[tuple[float, float], np.ndarray]]]:
    """:func:`tune` for every (setup, method, tuning seeds, search space), with the runs of all
    of them prepared together (:func:`prepare_runs`): first every space's trials, then every
    extension beyond an edge (two rounds of tasks on a parallel run)."""
    prepare_runs(
        [
            (setup, m, t, seeds, TUNING_RUN)
            for setup, m, seeds, space in searches
            for t in space.trials
        ]
    )
    first = [sensitivity(m, setup, seeds, space) for setup, m, seeds, space in searches]
    prepare_runs(
        [
            (setup, m, t, seeds, TUNING_RUN)
            for (setup, m, seeds, space), losses in zip(searches, first)
            if (more := extension(space, losses)) is not None
            for t in more.trials
        ]
    )
    return [
        tune(m, setup, seeds, space, losses)
        for (setup, m, seeds, space), losses in zip(searches, first)
    ]


def seeds_of(ctx: Context, where: Where, count: int, first: int = 0) -> list[int]:
    """Training seeds (model initialization and minibatch order) at a grid point: seed indices
    first, …, first + count − 1 of the claim's streams there."""
    return [int(g.integers(2**31)) for g in Streams(ctx.claim.id, where, count, first).init]


def comparison(
    ctx: Context,
    workload_name: str,
    a: str | Method,
    b: str | Method,
    *,
    baselines: Sequence[str | Method] = BASELINES,
    tuning_seeds: tuple[int, int] = (2, 3),
) -> None:
    """Method A against method B on a workload under the tuning protocol (module docstring),
    at every (budget, width) of the grid; ``tuning_seeds``: (quick, full) seeds per trial.
    The final seeds are the claim's seeds per grid point."""
    from ratecheck.backend import torch_device
    from ratecheck.workloads.train import WORKLOADS

    if workload_name not in WORKLOADS:
        raise UsageError(f"unknown workload '{workload_name}'; valid: {', '.join(WORKLOADS)}")
    a, b = method(a), method(b)
    methods = {m.name: m for m in (a, b, *(method(x) for x in baselines))}
    spaces = {name: m.space(ctx.quick) for name, m in methods.items()}
    check_spaces(spaces)
    workload, device = WORKLOADS[workload_name], torch_device(ctx.settings.backend)
    n_tuning = tuning_seeds[0] if ctx.quick else tuning_seeds[1]
    trials = len(next(iter(spaces.values())).trials)
    mode = " (quick mode: small grids, few seeds)" if ctx.quick else ""
    ctx.note(
        f"{workload.description}; protocol: {trials} trials per method on {n_tuning} tuning "
        f"seed(s), selected by the final validation loss, {ctx.seeds} fresh paired seeds{mode}"
    )
    points = []  # (where, setup, final seeds, tuning seeds)
    for where in ctx.points("budget", "width"):
        budget, width = int(where["budget"]), int(where["width"])
        for m in methods.values():
            if budget < m.calls_per_step:
                raise UsageError(
                    f"budget={budget} is smaller than one step of {m.name} "
                    f"({m.calls_per_step} oracle calls per step)"
                )
        setup = Setup(workload, budget, width, device, keep=ctx.kept, prepare=ctx.prepare)
        key = {"width": where["width"]}
        final_seeds = seeds_of(ctx, key, ctx.seeds)
        tuning = seeds_of(ctx, key, n_tuning, TUNING_FIRST_SEED)
        points.append((where, setup, final_seeds, [s for s in tuning if s not in final_seeds]))
    tuned = iter(  # every method at every point, its runs prepared together
        tune_all(
            [
                (setup, m, tuning, spaces[name])
                for _, setup, _, tuning in points
                for name, m in methods.items()
            ]
        )
    )
    marks = {"checkpoints": 4 if ctx.quick else 16}
    for where, setup, final_seeds, _ in points:
        budget, width = setup.budget, setup.width
        label = f"{workload_name} width {width}, {budget} oracle calls"
        chosen = {}
        for name in methods:
            chosen[name], losses = next(tuned)
            sensitivity_rows(ctx, losses, width, name)
        prepare_runs(  # the final runs of every tuned method, and B's in the other order
            [(setup, m, chosen[name].trial, final_seeds, marks) for name, m in methods.items()]
            + [(setup, b, chosen[b.name].trial, final_seeds, {**marks, "order": OTHER_ORDER})]
        )
        runs = {
            name: train_runs(m, setup, final_seeds, chosen[name].trial, **marks)
            for name, m in methods.items()
        }
        other = train_runs(b, setup, final_seeds, chosen[b.name].trial, order=OTHER_ORDER, **marks)
        traces = {name: _as_trace(r, methods[name]) for name, r in runs.items()}
        ctx.track(*traces.values(), _as_trace(other, b))
        diverged = sum(r.diverged for rs in (*runs.values(), other) for r in rs)
        if diverged:
            ctx.note(f"{label}: {diverged} final runs diverged (non-finite loss)")
        edges = [n for n in (a.name, b.name) if chosen[n].edge]
        if edges:
            ctx.note(
                f"{label}: the selected learning rate of {' and '.join(edges)} lies on the edge "
                "of its grid after one extension: the comparison is inconclusive"
            )
        _judge(ctx, where, runs[a.name], runs[b.name], (a.name, b.name), label, "claim", edges)
        _judge(
            ctx,
            where,
            runs[b.name],
            other,
            (b.name, f"{b.name} (other order)"),
            f"{label}, A/A",
            "control",
            edges,
        )
        ctx.note(f"{label}: tuned " + "; ".join(_describe(n, chosen[n]) for n in methods))
        ctx.extra.setdefault("tuned", {})[f"width {width}, budget {budget}"] = {
            n: {"lr": s.lr, "momentum": s.momentum, "trials": s.trials, "edge": s.edge}
            for n, s in chosen.items()
        }
        for name in methods:
            if name != a.name:
                ctx.note(_against(label, runs[a.name], runs[name], a.name, name))
        for text in _equal_steps(label, runs[a.name], runs[b.name], a, b):
            ctx.note(text)
        for name, trace in traces.items():
            _curve_rows(ctx, trace, where, name)


def _describe(name: str, s: Selection) -> str:
    edge = {-1: ", on the low edge", 1: ", on the high edge", 0: ""}[s.edge]
    return f"{name} lr 2^{s.lr_log2:g} momentum {s.momentum:g} ({s.trials} trials{edge})"


def _paired(runs_a: list, runs_b: list, metric: str) -> tuple[np.ndarray, np.ndarray, Estimate]:
    field = CURVES[metric]
    values_a, values_b = final(runs_a, field), final(runs_b, field)
    return values_a, values_b, paired_mean(np.log(values_a) - np.log(values_b))


def _judge(
    ctx: Context,
    where: Where,
    runs_a: list,
    runs_b: list,
    names: tuple[str, str],
    label: str,
    role: str,
    edges: list[str],
) -> None:
    """Judge mean_s log(A_s/B_s) of each final metric of JUDGED against the claim's prediction;
    a NaN measurement (inconclusive) where A's or B's selection lies on its grid's edge."""
    for metric in JUDGED:
        values_a, values_b, estimate = _paired(runs_a, runs_b, metric)
        improvement = probability_of_improvement(values_a, values_b)
        note = (
            f"log({names[0]}/{names[1]}) of the final {metric}: {reading(estimate, *names)}; "
            f"P({names[0]} < {names[1]}) = {improvement.value:.2f} "
            f"[{improvement.ci_low:.2f}, {improvement.ci_high:.2f}]"
        )
        if edges:
            low, high = estimate.ci_low, estimate.ci_high
            note += f"; measured {estimate.value:.3g} [{low:.3g}, {high:.3g}]"
            estimate = Estimate(np.nan, np.nan, np.nan)
        ctx.judge(
            estimate,
            method=names[0],
            where=where,
            role=role,
            label=f"{label}, {metric}",
            note=note,
        )


def _against(label: str, runs_a: list, runs_x: list, a: str, x: str) -> str:
    """A tuned method against A on the final validation loss (reported, not judged)."""
    values_a, values_x, estimate = _paired(runs_a, runs_x, "val_loss")
    improvement = probability_of_improvement(values_a, values_x)
    return (
        f"{label}: log({a}/{x}) of the final val_loss = {estimate.value:.3g} "
        f"[{estimate.ci_low:.3g}, {estimate.ci_high:.3g}], {reading(estimate, a, x)}; "
        f"P({a} < {x}) = {improvement.value:.2f}"
    )


def _equal_steps(label: str, runs_a: list, runs_b: list, a: Method, b: Method) -> list[str]:
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
    for metric in JUDGED:
        field = CURVES[metric]
        d = [
            np.log(getattr(ra, field)[-1]) - np.log(getattr(rb, field)[j])
            for ra, rb in zip(runs_a, runs_b)
        ]
        est = paired_mean(np.array(d))
        out.append(
            f"{label}: at equal steps ({b.name} after {target:g} calls) "
            f"log({a.name}/{b.name}) of the final {metric} = {est.value:.3g} "
            f"[{est.ci_low:.3g}, {est.ci_high:.3g}]"
        )
    return out


def _as_trace(runs: list, m: Method) -> Trace:
    """The seeds' training curves as one Trace (checkpoints in oracle calls; each step one
    gradient and calls_per_step − 1 HVPs), so that their status counts towards the claim's."""
    calls = np.asarray(runs[0].calls, dtype=int)
    steps = calls // m.calls_per_step
    diverged = np.array([r.diverged for r in runs])
    return Trace(
        steps=calls,
        metrics={name: np.stack([getattr(r, f) for r in runs]) for name, f in CURVES.items()},
        grad_calls=steps,
        hvp_calls=calls - steps,
        status=np.where(diverged, "diverged", "ok"),
        diverged_at=np.array([_diverged_at(r) for r in runs]),
    )


def _diverged_at(curves: Any) -> int:
    """The oracle calls at the first non-finite loss (−1: never)."""
    bad = np.flatnonzero(~np.isfinite(curves.loss))
    return int(curves.calls[bad[0]]) if bad.size else -1


def _curve_rows(ctx: Context, trace: Trace, where: Where, name: str) -> None:
    """Every checkpoint of every final seed as rows (t = oracle calls, x = the width).
    ``ctx.trace_rows`` would thin the evenly spaced checkpoints to geometric ones."""
    for metric in CURVES:
        ctx.rows += [
            {
                "claim": ctx.claim.id,
                "role": "claim",
                "method": name,
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


def sensitivity_rows(
    ctx: Context,
    losses: dict[tuple[float, float], np.ndarray],
    width: int,
    name: str,
    role: str = "claim",
) -> None:
    """The tuning trials as rows: final validation loss against lr, per tuning seed; one
    figure panel per width ("width w/method"), one line per (method, momentum)."""
    momenta = {m for _, m in losses}
    for (lr_log2, momentum), values in sorted(losses.items()):
        label = name if len(momenta) == 1 else f"{name} momentum {momentum:g}"
        ctx.rows += [
            {
                "claim": ctx.claim.id,
                "role": role,
                "method": f"width {width}/{label}",
                "param": "lr",
                "x": 2.0**lr_log2,
                "seed": seed,
                "t": -1,
                "metric": SENSITIVITY,
                "value": float(v),
            }
            for seed, v in enumerate(values)
        ]


__all__ = [
    "BASELINES",
    "METHODS",
    "Method",
    "Setup",
    "comparison",
    "comparison_grid",
    "method",
    "seeds_of",
    "sensitivity",
    "sensitivity_rows",
    "train_runs",
    "tune",
]
