"""What the heavy-tail family's chain claims share: the one-channel hard instance swept over
chain lengths (oracle calls until ‖∇F‖_nuc ≤ ε), the methods run on it, and the exponent
judged within a relative tolerance ("within 10%")."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.errors import UsageError
from ratecheck.problems.hard import ELL1, ChannelSpectral, channel_instance
from ratecheck.solvers import momentum_gd
from ratecheck.solvers.transported import scion_heavy_tail
from ratecheck.theory import heavy_tail as th
from ratecheck.verify.context import Axis, Context, Where
from ratecheck.verify.verdict import Point

NOISE_LEVEL = {2.0: 10.0, 1.5: 2.0}  # σ per p: q ≪ 1 over the whole ε window


def chain_axis() -> Axis:
    """The chain lengths T of the ε sweep (ε = ε(T), T ∝ ε^{−2} exactly)."""
    return Axis("chain", (8, 32), (4, 8, 16, 32, 64), 2, "chain lengths T (ε = √(ΔL/(192·152·T)))")


def moment_axis(
    quick: tuple[float, ...], full: tuple[float, ...], independent: bool = False
) -> Axis:
    """The moment order p of the noise: 3/2 or 2 (the orders with a prepared noise level);
    ``independent`` where the claim runs and judges each p on its own."""
    return Axis("p", quick, full, 1.5, "moment order p ∈ {1.5, 2}", independent=independent)


def checked_p(ps: tuple[Any, ...]) -> list[float]:
    """The p values of the grid; only those with a prepared noise level are valid."""
    ps = [float(v) for v in ps]
    bad = [p for p in ps if p not in NOISE_LEVEL]
    if bad:
        raise UsageError(f"p={bad[0]:g} has no prepared instance; valid: 1.5, 2")
    return ps


def scion(batch: int) -> Callable:
    """Scion on the channel instance: exact spectral LMO, α = 0.1, η = 0.3λ, mini-batch B."""
    return lambda inst: scion_heavy_tail(ChannelSpectral(), 0.3 * inst.lam, 0.1, batch=batch)


def momentum_sgd(inst: Any) -> Any:
    """Momentum SGD on the channel instance: α = 0.1, γ = 0.1ℓ₁r/L."""
    return momentum_gd(0.1 * ELL1 * inst.r / inst.constants["L"], 0.1, stochastic=True)


@dataclass(frozen=True)
class Sweep:
    """One ε sweep: ``method_of(instance)`` on the one-channel instance of moment order ``p``
    at the grid point ``where``, named ``method``, with mini-batch ``batch``; ``q`` overrides
    the oracle probability (q = 1: the noiseless chain)."""

    method_of: Callable
    p: float
    where: Where
    method: str
    batch: int = 1
    q: float | None = None

    def inputs(self, chain: int) -> dict[str, Any]:
        """What the numbers of chain length ``chain`` depend on (the seed block's key)."""
        point = {**self.where, "chain": chain}
        return {
            "method": self.method,
            "point": point,
            "p": self.p,
            "batch": self.batch,
            "q": self.q,
        }


def eps_sweeps(ctx: Context, sweeps: Sequence[Sweep]) -> list[tuple[np.ndarray, list[float]]]:
    """(calls (S, n_T), ε list) of each sweep: oracle calls (B × steps) until ‖∇F‖_nuc ≤ ε on
    one channel (r = 1, σ = NOISE_LEVEL[p]), for every chain length T of the grid; the
    instance of T is drawn from the streams of ``where`` with ``chain = T`` (NaN where a run
    never hit within 20T/(qB) + 10 steps). Every (sweep, T) is measured seedwise
    (``ctx.seedwise_each``: a later look runs only its new seeds; a parallel run computes each
    as a task of its own)."""
    chains = [int(t) for t in ctx.values("chain")]
    items, of_item = [], {}
    for sweep in sweeps:
        for T in chains:
            items.append(sweep.inputs(T))
            of_item[json.dumps(items[-1], sort_keys=True)] = sweep

    def hits(inputs: Mapping[str, Any]) -> dict[str, np.ndarray]:
        sweep = of_item[json.dumps(inputs, sort_keys=True)]
        eps = th.eps_for_chain(inputs["point"]["chain"])
        instance = channel_instance(
            1,
            eps,
            ctx.streams(inputs["point"]),
            ctx.xp,
            p=sweep.p,
            sigma=NOISE_LEVEL[sweep.p],
            q=sweep.q,
        )
        budget = int(20 * instance.T / instance.q / sweep.batch) + 10
        steps, _ = ctx.hitting_times(
            sweep.method_of(instance),
            instance,
            budget,
            metric=("nuc", instance.nuclear_grad),
            target=eps,
        )
        return {"calls": steps * sweep.batch}

    calls = [measured["calls"] for measured in ctx.seedwise_each("eps-sweep", items, hits)]
    n = len(chains)
    eps_list = [th.eps_for_chain(T) for T in chains]
    return [(np.stack(calls[k * n : (k + 1) * n], axis=1), eps_list) for k in range(len(sweeps))]


def judge_within(ctx: Context, estimate: Any, **judge: Any) -> Point:
    """``ctx.judge`` with the claim's tolerance read relative to the exponent it is judged
    against: |slope − e| ≤ tol·|e| ("within 10%"). The point keeps the kind "exponent" (the
    figures draw its predicted slope); its tolerance becomes tol·|e|."""
    point = ctx.judge(estimate, **judge)
    point.tolerance *= abs(point.predicted)
    return point
