"""The batched runner: S seeds in lockstep, a fixed budget, metrics at checkpoints.

A run executes exactly ``steps`` iterations (DESIGN.md, Fixed budgets). It ends early only when
every seed has diverged (a non-finite metric: status ``diverged``, recorded, never raised) or, for
a hitting-time run with ``stop_when_hit``, when every seed has reached its target. Seeds that
never hit are censored (``hit_at = -1``) and kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, to_host
from ratecheck.problems.base import Blocks, Oracle, Problem, sq_norm, sub
from ratecheck.solvers.base import Method

Metric = Callable[[Blocks], Any]  # blocks -> (S,) array


@dataclass
class Trace:
    """Recorded metrics of one run, on the host.

    steps: (n,) iteration index of each checkpoint; metrics[name]: (S, n); grad_calls/hvp_calls:
    (n,) oracle calls per seed up to each checkpoint; status: (S,) "ok" | "diverged";
    diverged_at: (S,) first checkpoint step with a non-finite metric (−1: none); hit_at: (S,)
    first step at which the hit metric reached its target (−1: censored), or None.
    """

    steps: np.ndarray
    metrics: dict[str, np.ndarray]
    grad_calls: np.ndarray
    hvp_calls: np.ndarray
    status: np.ndarray
    diverged_at: np.ndarray
    hit_at: np.ndarray | None = None

    @property
    def diverged(self) -> bool:
        return bool(np.any(self.status == "diverged"))


def geometric_checkpoints(steps: int, count: int = 100) -> np.ndarray:
    """About ``count`` integer checkpoints in [0, steps], geometrically spaced, both ends in."""
    grid = np.unique(np.round(np.geomspace(1, steps + 1, count) - 1).astype(int))
    return np.unique(np.concatenate([[0], grid, [steps]]))


def standard_metrics(problem: Problem) -> dict[str, Metric]:
    """f − f*, ‖x − x*‖ and ‖∇f(x)‖ (Euclidean), where the problem knows x* and f*."""
    metrics: dict[str, Metric] = {}
    if problem.f_star is not None:
        metrics["f_gap"] = lambda x: problem.value(x) - problem.f_star
    if problem.x_star is not None:

        def dist(x):
            xp = array_namespace(x[0])
            return xp.sqrt(sq_norm(sub(x, problem.x_star), xp))

        metrics["dist"] = dist

    def grad_norm(x):
        xp = array_namespace(x[0])
        return xp.sqrt(sq_norm(problem.grad(x), xp))

    metrics["grad_norm"] = grad_norm
    return metrics


def _evaluate(metrics: Mapping[str, Metric], x: Blocks) -> tuple[dict[str, np.ndarray], Any]:
    """Metric values per seed, and which seeds have finite iterates. A seed whose iterate is not
    finite is evaluated at 0 instead (metrics such as an SVD-based norm would raise on it) and
    is then recorded as diverged by the caller."""
    xp = array_namespace(x[0])
    finite = np.ones(x[0].shape[0], dtype=bool)
    for b in x:
        finite &= to_host(xp.all(xp.reshape(xp.isfinite(b), (b.shape[0], -1)), axis=1))
    if not finite.all():
        mask = xp.asarray(finite)
        x = tuple(xp.where(xp.reshape(mask, (-1,) + (1,) * (b.ndim - 1)), b, 0) for b in x)
    return {name: to_host(m(x)).astype(float) for name, m in metrics.items()}, finite


def run(
    method: Method,
    problem: Problem,
    steps: int,
    metrics: Mapping[str, Metric] | None = None,
    checkpoints: np.ndarray | str = "geometric",
    hit: tuple[str, Any] | None = None,
    stop_when_hit: bool = False,
) -> Trace:
    """Run ``method`` on ``problem`` for ``steps`` iterations from ``problem.x0``.

    ``checkpoints``: "all", "geometric", or an array of step indices. ``hit = (metric, target)``
    records, at every step, the first t with metric ≤ target (target: scalar or (S,) array).
    """
    metrics = dict(metrics if metrics is not None else standard_metrics(problem))
    if isinstance(checkpoints, str):
        ckpt = np.arange(steps + 1) if checkpoints == "all" else geometric_checkpoints(steps)
    else:
        ckpt = np.asarray(checkpoints)
    is_ckpt = np.zeros(steps + 1, dtype=bool)
    is_ckpt[ckpt[ckpt <= steps]] = True

    oracle = Oracle(problem)
    x = problem.x0
    S = x[0].shape[0]
    state = method.init(x)
    recorded: dict[str, list] = {name: [] for name in metrics}
    rec_steps, rec_grad, rec_hvp = [], [], []
    hit_at = None if hit is None else np.full(S, -1)
    alive = np.ones(S, dtype=bool)
    diverged_at = np.full(S, -1)

    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            if hit is not None:
                reached = to_host(metrics[hit[0]](x) <= hit[1]) & (hit_at < 0)
                hit_at[reached] = k
            done = stop_when_hit and hit_at is not None and bool((hit_at >= 0).all())
            if is_ckpt[k] or done:
                values, finite_x = _evaluate(metrics, x)
                bad = ~(np.all([np.isfinite(v) for v in values.values()], axis=0) & finite_x)
                bad &= alive
                diverged_at[bad] = k
                alive &= ~bad
                for name, v in values.items():
                    recorded[name].append(np.where(alive, v, np.nan))
                rec_steps.append(k)
                rec_grad.append(oracle.grad_calls)
                rec_hvp.append(oracle.hvp_calls)
            if done or not alive.any():
                break
            if k < steps:
                x, state = method.step(x, state, oracle)

    return Trace(
        steps=np.asarray(rec_steps),
        metrics={name: np.stack(v, axis=1) for name, v in recorded.items()},
        grad_calls=np.asarray(rec_grad),
        hvp_calls=np.asarray(rec_hvp),
        status=np.where(diverged_at >= 0, "diverged", "ok"),
        diverged_at=diverged_at,
        hit_at=hit_at,
    )
