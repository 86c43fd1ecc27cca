"""The batched runner: S seeds in lockstep, a fixed budget, metrics at checkpoints.

A run executes exactly ``steps`` iterations (DESIGN.md, Fixed budgets). It stops stepping early
only at a checkpoint where every seed has diverged (status ``diverged``, recorded, never raised;
the trace still has every planned checkpoint, NaN from there on) or, for a hitting-time run with
``stop_when_hit``, when every seed has reached its target (the trace ends there). Seeds that
never hit are censored (``hit_at = -1``) and kept.

A seed diverges at the first step whose iterate has a non-finite entry, or at the first
checkpoint with a non-finite metric. From then on its iterate and its slices of the method's
state are zeros, so no later step or metric sees its non-finite values; its recorded metrics are
NaN, and the other seeds run on unchanged, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from array_api_compat import is_array_api_obj

from ratecheck.backend import array_namespace, device, to_host
from ratecheck.errors import UsageError
from ratecheck.problems.base import Blocks, Oracle, Problem, sq_norm, sub
from ratecheck.solvers.base import Method

Metric = Callable[[Blocks], Any]  # blocks -> (S,) array


@dataclass
class Trace:
    """Recorded metrics of one run, on the host.

    steps: (n,) iteration index of each checkpoint; metrics[name]: (S, n); grad_calls/hvp_calls:
    (n,) oracle calls per seed up to each checkpoint; status: (S,) "ok" | "diverged";
    diverged_at: (S,) the step at which the seed diverged (−1: never); hit_at: (S,)
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

    @property
    def hitting_steps(self) -> np.ndarray:
        """(S,) float: the first step at which the hit metric reached its target, NaN for a
        seed that never did (censored at the budget)."""
        if self.hit_at is None:
            raise ValueError("this run had no hit target (run(..., hit=(metric, target)))")
        return np.where(self.hit_at >= 0, self.hit_at, np.nan).astype(float)


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


def _evaluate(metrics: Mapping[str, Metric], x: Blocks) -> dict[str, np.ndarray]:
    """Metric values per seed, on the host."""
    return {name: to_host(m(x)).astype(float) for name, m in metrics.items()}


def _all_finite(x: Blocks, xp: Any) -> bool:
    """Whether every entry of every block is finite: one reduction per block, one transfer."""
    finite = xp.all(xp.isfinite(x[0]))
    for b in x[1:]:
        finite = finite & xp.all(xp.isfinite(b))
    return bool(to_host(finite))


def _finite_seeds(x: Blocks, xp: Any) -> np.ndarray:
    """(S,) host mask: the seeds whose blocks are finite in every entry."""
    finite = np.ones(x[0].shape[0], dtype=bool)
    for b in x:
        finite &= to_host(xp.all(xp.reshape(xp.isfinite(b), (b.shape[0], -1)), axis=1))
    return finite


def _zero_seeds(tree: Any, dead: np.ndarray) -> Any:
    """``tree`` with the slices of the ``dead`` seeds ((S,) host mask) set to zero in every array
    leaf whose leading axis has length S.

    Walks tuples (NamedTuples too), lists and dicts; other leaves (numbers, None, arrays of
    another leading length) are returned unchanged, and so are the other seeds' entries.
    """
    if isinstance(tree, tuple):
        items = [_zero_seeds(item, dead) for item in tree]
        return type(tree)(*items) if hasattr(tree, "_fields") else tuple(items)
    if isinstance(tree, list):
        return [_zero_seeds(item, dead) for item in tree]
    if isinstance(tree, dict):
        return {key: _zero_seeds(item, dead) for key, item in tree.items()}
    if not is_array_api_obj(tree) or tree.ndim == 0 or tree.shape[0] != dead.size:
        return tree
    xp = array_namespace(tree)
    keep = xp.reshape(xp.asarray(~dead, device=device(tree)), (-1,) + (1,) * (tree.ndim - 1))
    return xp.where(keep, tree, xp.zeros_like(tree))


def _step_error(method: Method, k: int, exc: Exception) -> RuntimeError:
    """A step that raised on finite iterates is a bug in the method: name it and the step."""
    return RuntimeError(f"method {method.name} raised {type(exc).__name__} at step {k}: {exc}")


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

    Divergence (a non-finite iterate, or a non-finite metric at a checkpoint) ends that seed's
    run with status "diverged" (module docstring); arrays in the method's state whose leading
    axis has length S are taken to be per seed. A method whose step raises is a bug in the
    method (its inputs are finite): a RuntimeError naming the method and the step, raised from
    the original exception. A UsageError passes through unchanged.
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
    xp = array_namespace(x[0])
    S = x[0].shape[0]
    state = method.init(x)
    recorded: dict[str, list] = {name: [] for name in metrics}
    rec_steps, rec_grad, rec_hvp = [], [], []
    hit_at = None if hit is None else np.full(S, -1)
    alive = np.ones(S, dtype=bool)
    diverged_at = np.full(S, -1)

    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            if not _all_finite(x, xp):
                bad = ~_finite_seeds(x, xp)
                diverged_at[bad & alive] = k
                alive &= ~bad
                x, state = _zero_seeds(x, ~alive), _zero_seeds(state, ~alive)
            if hit is not None:
                reached = to_host(metrics[hit[0]](x) <= hit[1]) & (hit_at < 0) & alive
                hit_at[reached] = k
            done = stop_when_hit and hit_at is not None and bool((hit_at >= 0).all())
            if is_ckpt[k] or done:
                values = _evaluate(metrics, x)
                bad = ~np.all([np.isfinite(v) for v in values.values()], axis=0) & alive
                if bad.any():
                    diverged_at[bad] = k
                    alive &= ~bad
                    x, state = _zero_seeds(x, ~alive), _zero_seeds(state, ~alive)
                for name, v in values.items():
                    recorded[name].append(np.where(alive, v, np.nan))
                rec_steps.append(k)
                rec_grad.append(oracle.grad_calls)
                rec_hvp.append(oracle.hvp_calls)
            if done:
                break
            if is_ckpt[k] and not alive.any():  # the rest of the budget is NaN: no need to step
                for later in np.flatnonzero(is_ckpt[k + 1 :]) + k + 1:
                    for name in metrics:
                        recorded[name].append(np.full(S, np.nan))
                    rec_steps.append(int(later))
                    rec_grad.append(oracle.grad_calls)
                    rec_hvp.append(oracle.hvp_calls)
                break
            if k < steps:
                try:
                    x, state = method.step(x, state, oracle)
                except UsageError:
                    raise
                except Exception as exc:
                    raise _step_error(method, k, exc) from exc

    return Trace(
        steps=np.asarray(rec_steps),
        metrics={name: np.stack(v, axis=1) for name, v in recorded.items()},
        grad_calls=np.asarray(rec_grad),
        hvp_calls=np.asarray(rec_hvp),
        status=np.where(diverged_at >= 0, "diverged", "ok"),
        diverged_at=diverged_at,
        hit_at=hit_at,
    )
