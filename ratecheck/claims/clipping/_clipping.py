"""What the clipping family's claims share: the cosh problems of each geometry with their exact
(L0, L1) (entrywise in ℓ2 and ℓ∞, the rank-r function in spectral geometry; x_0 = 0 is far from
x*, so runs start in the clipped regime ‖∇f‖_* > ρ and end in the unclipped one), the gap Δ, the
admissible step, deterministic runs with f and ‖∇f‖_* at every iterate, and running minima."""

from __future__ import annotations

from typing import Any

import numpy as np

from ratecheck.backend import to_host
from ratecheck.claims._shared import geometry_axis
from ratecheck.problems.l0l1 import cosh_problem
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm
from ratecheck.verify.context import Axis, Context, Where
from ratecheck.verify.runner import Trace

GEOMETRIES = {  # name: (norm, cosh structure, suffix of the (L0, L1) constants / distance norm)
    "l2": (nm.Frobenius(), "entrywise", "l2"),
    "linf": (nm.Sign(normalized=False), "entrywise", "linf"),
    "spectral": (nm.Spectral(), "spectral", "spectral"),
}
SHAPE = (8, 8)


def deterministic_grid(quick_steps: int, full_steps: int) -> list[Axis]:
    """The grid of the deterministic GGNC claims: geometry, steps per run, ρ in units of L0/L1."""
    return [
        geometry_axis("the geometry (norm) of the clipped step"),
        Axis("steps", (quick_steps,), (full_steps,), 10, "iterations per run"),
        Axis("rho_factor", (1.0, 10.0), (1.0, 10.0), 1e-6, "ρ in units of L0/L1"),
    ]


def cosh(geometry: str, streams: Streams, xp: Any, **options: Any) -> Any:
    """The 8×8 cosh problem of ``geometry`` (S instances from ``streams``)."""
    return cosh_problem(*SHAPE, streams, xp, structure=GEOMETRIES[geometry][1], **options)


def l0_l1(problem: Any, geometry: str) -> tuple[float, float]:
    """The exact (L0, L1) of the problem in the geometry's norm [derived]."""
    key = GEOMETRIES[geometry][2]
    return problem.constants[f"L0_{key}"], problem.constants[f"L1_{key}"]


def clipping_step(L0: float, L1: float, rho_factor: float) -> tuple[float, float]:
    """(γ, ρ): ρ = c·L0/L1 and the largest step of Thm 4.3, γ = 1/(L0 + ρL1)."""
    rho = rho_factor * L0 / L1
    return 1 / (L0 + rho * L1), rho


def gap(problem: Any) -> float:
    """Δ = f(x_0) − f*, the largest over seeds (f* exact)."""
    return float(np.max(to_host(problem.value(problem.x0) - problem.f_star)))


def deterministic_run(
    ctx: Context,
    method: Any,
    problem: Any,
    norm: Any,
    steps: int,
    where: Where,
    role: str = "claim",
) -> Trace:
    """A run with f and ‖∇f‖_* at every iterate (its status counts; no rows stored)."""
    metrics = {"f": problem.value, "grad_dual": lambda x: norm.dual(problem.grad(x)[0])}
    return ctx.run(
        method,
        problem,
        steps,
        where=where,
        role=role,
        rows=False,
        metrics=metrics,
        checkpoints="all",
    )


def running_min(values: np.ndarray) -> np.ndarray:
    """min_{k<n} values_k for n = 1..N (column n−1), per seed."""
    return np.minimum.accumulate(values, axis=1)
