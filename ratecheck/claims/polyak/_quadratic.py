"""What the polyak family's per-step claims share: the estimate at the worst step of a bound
checked at every step (hb-quadratic-rate, hb-polyak-transient)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def worst_step(
    steps: Sequence[int], values: np.ndarray, badness: np.ndarray
) -> tuple[float, tuple[float, float], int]:
    """(value, range, t) at the seed and step where ``badness`` (S, n) is largest: that seed's
    value of ``values`` (S, n), the range over seeds at that step, and the step; NaN at the
    first step where ``badness`` is NaN throughout."""
    if np.isnan(badness).all():
        return np.nan, (np.nan, np.nan), int(steps[0])
    seed, i = np.unravel_index(np.nanargmax(badness), badness.shape)
    column = values[:, i]
    low, high = float(np.nanmin(column)), float(np.nanmax(column))
    return float(values[seed, i]), (low, high), int(steps[i])
