"""What the polyak family's per-step claims share: the estimate at the worst step of a bound
checked at every step (hb-quadratic-rate, hb-polyak-transient)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ratecheck.verify.estimators import Estimate


def worst_step(steps: Sequence[int], values: np.ndarray, badness: np.ndarray) -> tuple:
    """(estimate, t) at the seed and step where ``badness`` (S, n) is largest: the estimate is
    that seed's value of ``values`` (S, n), its interval the range over seeds at that step, and
    t the step; a NaN estimate at the first step where ``badness`` is NaN throughout."""
    if np.isnan(badness).all():
        return Estimate(np.nan, np.nan, np.nan), int(steps[0])
    seed, i = np.unravel_index(np.nanargmax(badness), badness.shape)
    column = values[:, i]
    low, high = float(np.nanmin(column)), float(np.nanmax(column))
    return Estimate(float(values[seed, i]), low, high), int(steps[i])
