"""Step-size and momentum schedules as callables of the iteration index k (0-based)."""

from __future__ import annotations

from collections.abc import Callable

Scalar = float | Callable[[int], float]


def at(schedule: Scalar, k: int) -> float:
    """The value of a constant or k-dependent schedule at iteration k."""
    return schedule(k) if callable(schedule) else schedule
