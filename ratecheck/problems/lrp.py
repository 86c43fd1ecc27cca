"""The Lessard–Recht–Packard piecewise quadratic (μ = 1, L = 25, x* = 0, f* = 0).

    f(x) = 25x²/2              x < 1        f'(x) = 25x
           x²/2 + 24x − 12     1 ≤ x < 2            x + 24
           25x²/2 − 24x + 36   x ≥ 2                25x − 24

C¹, 1-strongly convex, 25-smooth. Heavy ball with Polyak's parameters (1/9, 4/9) cycles on it from
x₀ = x₋₁ ∈ [3.07, 3.46] (LRP 2016, arXiv 1408.3595; shared/reference/polyak-momentum.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray
from ratecheck.problems.base import Blocks
from ratecheck.seeding import Streams, draw


@dataclass
class LRPFunction:
    x0: Blocks  # ((S, 1),)
    x_star: Blocks
    f_star: Any
    constants: dict[str, float]
    name: str = "lessard-recht-packard"

    def value(self, x: Blocks) -> Any:
        xp = array_namespace(x[0])
        v = x[0][:, 0]
        return xp.where(
            v < 1, 12.5 * v**2, xp.where(v < 2, 0.5 * v**2 + 24 * v - 12, 12.5 * v**2 - 24 * v + 36)
        )

    def grad(self, x: Blocks) -> Blocks:
        xp = array_namespace(x[0])
        v = x[0]
        return (xp.where(v < 1, 25 * v, xp.where(v < 2, v + 24, 25 * v - 24)),)


@dataclass
class ScalarQuadratic:
    """f(x) = c·x²/2 on a batch of scalars: the control instance for the LRP claim."""

    x0: Blocks
    x_star: Blocks
    f_star: Any
    constants: dict[str, float]
    curvature: float
    name: str = "scalar-quadratic"

    def value(self, x: Blocks) -> Any:
        return 0.5 * self.curvature * x[0][:, 0] ** 2

    def grad(self, x: Blocks) -> Blocks:
        return (self.curvature * x[0],)


def _starts(streams: Streams, low: float, high: float) -> np.ndarray:
    return draw(streams.init, lambda r: r.uniform(low, high, size=1))


def lrp_function(
    streams: Streams, xp: Any, start: tuple[float, float] = (3.07, 3.46)
) -> LRPFunction:
    """S copies of the LRP function, each seed starting uniformly in ``start``."""
    S = streams.n_seeds
    return LRPFunction(
        x0=(asarray(_starts(streams, *start), xp),),
        x_star=(asarray(np.zeros((S, 1)), xp),),
        f_star=asarray(np.zeros(S), xp),
        constants={"mu": 1.0, "L": 25.0, "kappa": 25.0},
    )


def scalar_quadratic(
    curvature: float, streams: Streams, xp: Any, start: tuple[float, float] = (3.07, 3.46)
) -> ScalarQuadratic:
    """S copies of c·x²/2 with the same starting distribution as :func:`lrp_function`."""
    S = streams.n_seeds
    return ScalarQuadratic(
        x0=(asarray(_starts(streams, *start), xp),),
        x_star=(asarray(np.zeros((S, 1)), xp),),
        f_star=asarray(np.zeros(S), xp),
        constants={"mu": curvature, "L": curvature, "kappa": 1.0},
        curvature=curvature,
    )
