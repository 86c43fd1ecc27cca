"""What the polyak family's network claims share (reference/polyak-momentum.md §7–§8): the
network sizes, the residual metric, the rate fit and the hitting time, heavy ball's parameters
on the ReLU net, and the judging of a heavy-ball rate beside GD's.

Each dataset is shared by the seeds of a grid point; seeds are network initializations. Rates
are fitted on the residual ‖u_t − y‖/‖u_0 − y‖ between 1e-2 and 1e-10, from labels that put
equal weight on every eigen-direction of the initial residual dynamics (with random labels the
λ_min mode carried 1–3% of the residual and the window saw the next mode instead); hitting
times use random realizable labels and the relative residual ε = 1e-4.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace
from ratecheck.problems.base import Oracle
from ratecheck.problems.deep_linear import DeepLinearNet, deep_linear_net
from ratecheck.theory import polyak as th
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import kappa
from ratecheck.verify.context import Context, Where
from ratecheck.verify.estimators import Estimate, decade_window, linear_rate
from ratecheck.verify.experiment import Value
from ratecheck.verify.runner import Trace, run

RELU_N, RELU_D = 12, 8  # inputs: n unit vectors in R^d
DEEP_D, DEEP_N, DEEP_OUT = 16, 8, 3  # deep linear net: input dimension, samples, outputs
EPSILON = 1e-4  # the relative residual of the hitting times
WINDOW = (1e-2, 1e-10)  # the relative residuals between which a rate is fitted

beta_of = Schedule(th.beta_hb, (kappa,))
rate_hb_of = Schedule(th.rate_hb, (kappa,))
rate_gd_of = Schedule(th.rate_gd, (kappa,))
relu_kappa_of = Schedule(th.relu_kappa, (th.kappa_prime,))


def residual_norm(net: Any) -> Callable:
    """x ↦ ‖u(x) − y‖ per seed."""

    def metric(x):
        r = net.residual(x)
        xp = array_namespace(r)
        return xp.sqrt(xp.sum(xp.reshape(r * r, (r.shape[0], -1)), axis=1))

    return metric


def rate_run(
    ctx: Context, method: Any, net: Any, predicted_rate: float
) -> tuple[Estimate, tuple[int, int], Trace]:
    """Run until the predicted factor has shrunk the residual by 1e12 and fit the per-step
    factor of the relative residual (metric "relative_residual") where it lies in ``WINDOW``.
    Returns the fitted rate, the window of steps and the trace (its status counted)."""
    norm = residual_norm(net)
    start = norm(net.x0)
    steps = math.ceil(12 * math.log(10) / (1 - predicted_rate)) + 10
    tr = run(
        method, net, steps, {"relative_residual": lambda x: norm(x) / start}, checkpoints="all"
    )
    ctx.track(tr)
    rel = tr.metrics["relative_residual"]
    window = decade_window(tr.steps, rel, *WINDOW)
    return linear_rate(tr.steps, rel, window), window, tr


def hitting_budget(rate: float) -> int:
    """Three times the steps a per-step factor ``rate`` needs to shrink the residual by 10³/ε
    (ε with a margin of 10³ for the transient), plus 50."""
    return math.ceil(3 * math.log(1e3 / EPSILON) / (1 - rate)) + 50


def hitting_time(ctx: Context, method: Any, net: Any, budget: int) -> np.ndarray:
    """Steps until ‖u_t − y‖ ≤ ε‖u_0 − y‖ per seed, NaN where the budget ran out (the run's
    status counted)."""
    norm = residual_norm(net)
    steps, _ = ctx.hitting_times(
        method,
        net,
        budget,
        metric=("res", norm),
        target=EPSILON * norm(net.x0),
        checkpoints=(0, budget),
    )
    return steps


def final_iterate(method: Any, net: Any, steps: int) -> Any:
    """The iterate after ``steps`` steps of ``method`` from the net's init (for the drift of
    the Gram matrix or of the residual dynamics)."""
    x, state, oracle = net.x0, method.init(net.x0), Oracle(net)
    for _ in range(steps):
        x, state = method.step(x, state, oracle)
    return x


def relu_parameters(net: Any) -> tuple[float, float, float, float]:
    """(η, β, κ, κ') from H̄ of the shared dataset, with the recalled eigenvalue margins:
    λ_max := λ_max(H̄) + λ_min(H̄)/4, η = 1/λ_max, κ = (4/3)(κ' + 1/4), β = (1 − 1/(2√κ))²."""
    lam_min = float(net.constants["lambda_min"][0])
    lam_max = float(net.constants["lambda_max"][0])
    kp = lam_max / lam_min
    k = float(relu_kappa_of(kappa_prime=kp))
    eta = 1.0 / (lam_max + lam_min / 4)
    return eta, float(beta_of(kappa=k)), k, kp


def deep_net(ctx: Context, where: Where, k: float, depth: int, width: int) -> DeepLinearNet:
    """The deep linear net of a grid point: one dataset with condition number ``k`` (d = 16,
    n = 8, d_y = 3) and one orthogonal initialization per seed."""
    return deep_linear_net(k, depth, width, DEEP_D, DEEP_N, DEEP_OUT, ctx.streams(where), ctx.xp)


def judge_rates(
    ctx: Context,
    where: Where,
    label: str,
    fits: dict[str, tuple[Estimate, tuple[int, int]]],
    methods: tuple[str, str],
    gd_label: str,
    **symbols: Any,
) -> None:
    """The claim: heavy ball's fitted rate against the claim's prediction (√β) and GD's against
    the prediction "gd"; the control: GD's rate against √β. ``fits``: {"heavy-ball": (rate,
    window), "gd": (rate, window)}; ``methods``: the two methods' row names; ``symbols``: the
    further symbols the predictions need."""
    (hb, hb_window), (gd_rate, gd_window) = fits["heavy-ball"], fits["gd"]
    hb_method, gd_method = methods
    ctx.judge(
        hb,
        method=hb_method,
        where=where,
        label=f"heavy ball, {label}",
        note=f"window t ∈ {hb_window}",
        **symbols,
    )
    ctx.judge(
        gd_rate,
        method=gd_method,
        where=where,
        prediction="gd",
        label=f"{gd_label}, {label}",
        note=f"window t ∈ {gd_window}",
        **symbols,
    )
    ctx.judge(
        gd_rate,
        method=gd_method,
        where=where,
        role="control",
        label=f"GD vs √β, {label}",
        **symbols,
    )


class MeasuredAxis:
    """A view of a run context whose ``values(axis)`` gives measured abscissae (κ' of each
    dataset) in place of a grid axis, for :func:`acceleration_slopes`, which reads its κ values
    from the grid; everything else is the context itself."""

    def __init__(self, ctx: Context, axis: str, values: list[float]) -> None:
        self._ctx, self._axis, self._values = ctx, axis, tuple(values)

    def values(self, axis: str) -> tuple[Value, ...]:
        return self._values if axis == self._axis else self._ctx.values(axis)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)
