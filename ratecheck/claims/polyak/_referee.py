"""The polyak family's worst-case referee: PEPit certificates at a few horizons N beside a
claim's measured worst case and its theory bound (``ratecheck.referee``).

At each horizon N the certificate τ_N is the worst ‖x_N − x*‖/‖x_0 − x*‖ over the function
class for the method's own parameters; the claim's runs give a measured worst case over their
sampled instances (an eigen-direction started alone, or a start of the LRP function, is one
instance of the class), and the claim's theory a bound on the same quantity. The checks are
``ratecheck.referee.crosscheck.measured_and_bound``'s; the record keeps every certificate.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ratecheck.claims.polyak._acceleration import distance
from ratecheck.errors import UsageError
from ratecheck.problems import quadratic
from ratecheck.referee import pep
from ratecheck.referee.crosscheck import (
    REFEREE,
    check,
    measured_and_bound,
    pepit_available,
    unavailable,
)
from ratecheck.solvers.base import Method
from ratecheck.verify.context import Context, Where, abscissa
from ratecheck.verify.experiment import trace_rows

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
    metric: str | None = None,
    role: str | None = None,
    at: tuple[str, float] | None = None,
    horizons: tuple[int, ...] = HORIZONS,
) -> None:
    """Judge ``measured`` ((S, T + 1) ratios ‖x_t − x*‖/‖x_0 − x*‖ per seed; the worst seed
    counts) and ``bound(N)`` against ``certify(N)`` at each horizon N ≤ T; with ``grows``, also
    judge that the certified worst case at the largest horizon is at least 1 (the method does
    not contract over the class). ``metric``: the row metric the measured ratio is drawn as;
    the reliable certificates are stored beside it as "referee" rows (the PEP curve τ(N) of the
    figure); with ``role``, the measured ratios up to t = 2·max(horizons) are stored there too
    (for a claim whose own rows show another quantity); ``at``: the rows' (param, x), by default
    the grid point's first numeric axis. Without PEPit the record says so and nothing is
    judged."""
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
    reliable = [e for e in entries if e["reliable"]]
    if metric is not None and reliable:
        param, x = at or abscissa(where)
        steps = np.array([e["horizon"] for e in reliable])
        values = np.array([[e["pep_value"] for e in reliable]])
        name = f"PEP worst case ({method})"
        ctx.rows += trace_rows(ctx.claim.id, "referee", name, param, x, steps, values, metric)
        if role is not None:
            shown = measured[:, : 2 * max(horizons) + 1]
            at = np.arange(shown.shape[1])
            ctx.rows += trace_rows(ctx.claim.id, role, method, param, x, at, shown, metric)


def worst_case_instance(ctx: Context, where: Where, method: Method, kappa: float, N: int) -> None:
    """Run the testbed's heavy ball on PEPit's worst-case quadratic at horizon N (eigenvalues and
    start recovered from the certificate's low-rank Gram matrix, padded with μ and L at zero
    weight) and judge that its ‖x_N − x*‖/‖x_0 − x*‖ reaches the certificate (≥ τ(1 − tol)),
    in the referee entry of that horizon. Needs PEPit and that entry."""
    if not pepit_available():
        return
    entry = next(
        e
        for e in ctx.extra[REFEREE]["entries"]
        if e["where"] == dict(where) and e["horizon"] == N and e["method"] == method.name
    )
    name = "the testbed's method on PEP's worst-case instance reaches it"
    eta, beta = method.params["eta"], method.params["beta"]
    try:
        if not entry["reliable"]:
            raise UsageError("its certificate is not reliable")
        worst = pep.heavy_ball_quadratic_worst_case(1 / kappa, 1.0, eta, beta, N)
    except UsageError as exc:  # no instance: the check is inconclusive, never a pass
        entry["instance"] = {"error": str(exc)}
        entry["checks"].append(check(name, math.nan, entry["pep_value"], "lower", 0.0, False))
        return
    eigenvalues = np.array([1 / kappa, *worst.eigenvalues, 1.0])
    start = np.array([0.0, *worst.initial_error, 0.0])
    streams = ctx.streams({**where, "instance": "pep worst case"})
    dim = eigenvalues.size
    problem = quadratic(
        kappa, dim, streams, ctx.xp, centered=True, eigenvalues=eigenvalues, start=start
    )
    trace = ctx.run(
        method, problem, N, where=where, metrics={"dist": distance(problem)}, rows=False
    )
    dist = trace.metrics["dist"]
    reached = float(np.min(dist[:, -1] / dist[:, 0]))
    entry["instance"] = {
        "eigenvalues": list(worst.eigenvalues),
        "initial_error": list(worst.initial_error),
        "gram_rank": worst.gram_rank,
        "fit_residual": worst.fit_residual,
    }
    entry["checks"].append(
        check(name, reached, entry["pep_value"], "lower", TOLERANCE, entry["reliable"])
    )
