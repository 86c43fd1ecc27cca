"""The polyak family's worst-case referee: PEPit certificates at a few horizons N beside a
claim's measured worst case and its theory bound (``ratecheck.referee``).

At each horizon N the certificate τ_N is the worst ‖x_N − x*‖/‖x_0 − x*‖ over the function
class for the method's own parameters; the claim's runs give a measured worst case over their
sampled instances (an eigen-direction started alone, or a start of the LRP function, is one
instance of the class), and the claim's theory a bound on the same quantity. The checks are
``ratecheck.referee.crosscheck.measured_and_bound``'s; the record keeps every certificate.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ratecheck.referee.crosscheck import (
    REFEREE,
    check,
    measured_and_bound,
    pepit_available,
    unavailable,
)
from ratecheck.verify.context import Context, Where

# Horizons where the certificates of heavy ball were reliable and exact (ratecheck.referee.pep,
# RELIABLE_HORIZONS: measured at κ = 10 and 100, N = 1 … 8).
HORIZONS = (1, 2, 3, 5, 8)
TOLERANCE = 1e-3  # relative, the two solvers' agreement (AGREEMENT_RTOL): no sharper check


def referee(
    ctx: Context,
    where: Where,
    *,
    method: str,
    certify: Callable[[int], object],
    measured: np.ndarray,
    bound: Callable[[int], float] | None = None,
    grows: bool = False,
    horizons: tuple[int, ...] = HORIZONS,
) -> None:
    """Judge ``measured`` ((S, T + 1) ratios ‖x_t − x*‖/‖x_0 − x*‖ per seed; the worst seed
    counts) and ``bound(N)`` against ``certify(N)`` at each horizon N ≤ T; with ``grows``, also
    judge that the certified worst case at the largest horizon is at least 1 (the method does
    not contract over the class). Without PEPit the record says so and nothing is judged."""
    if not pepit_available():
        ctx.extra[REFEREE] = unavailable()
        return
    record = ctx.extra.setdefault(REFEREE, {"available": True, "reason": "", "entries": []})
    entries = []
    for N in (n for n in horizons if n < measured.shape[1]):
        certificate = certify(N)
        entries.append(
            measured_and_bound(
                certificate,
                float(np.nanmax(measured[:, N])),
                None if bound is None else float(bound(N)),
                TOLERANCE,
                method=method,
                where=where,
            )
        )
    if grows and entries:
        last = entries[-1]
        name = "PEP worst case ≥ 1 (no contraction over the class)"
        last["checks"].append(check(name, last["pep_value"], 1.0, "lower", 0.0, last["reliable"]))
    record["entries"] += entries
