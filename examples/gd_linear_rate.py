"""A complete user-defined claim: gradient descent with η = 1/L on a strongly convex quadratic
contracts the distance to the optimum by exactly 1 − 1/κ per step (tight, worst case over the
spectrum: the slowest eigen-direction dominates the tail).

Run it like any built-in claim once this module is imported:

    import examples.gd_linear_rate as ex
    from ratecheck.testing import check
    assert check(ex.CLAIM, quick=True).expected
"""

from __future__ import annotations

import sympy as sp

from ratecheck import Claim, Provenance, define_claim
from ratecheck.problems import quadratic
from ratecheck.seeding import Streams
from ratecheck.solvers import gd
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import kappa
from ratecheck.verify.estimators import linear_rate
from ratecheck.verify.experiments.base import GridParam, Outcome, trace_rows
from ratecheck.verify.runner import run
from ratecheck.verify.verdict import Judgement, Point

RATE = 1 - 1 / kappa  # the claim, in SymPy
WRONG = 1 - 2 / kappa  # the control: a faster rate GD does not have
rate_of, wrong_of = Schedule(RATE, (kappa,)), Schedule(WRONG, (kappa,))


def gd_rate_experiment(claim: Claim, settings, grid) -> Outcome:
    points, control, rows = [], [], []
    for j, k in enumerate(grid["kappa"]):
        problem = quadratic(k, 16, Streams(claim.id, j, settings.seeds), settings.xp, centered=True)
        steps = int(20 * k)
        trace = run(gd(1.0), problem, steps, checkpoints="all")  # L = 1, so η = 1/L = 1
        est = linear_rate(trace.steps, trace.metrics["dist"], (steps // 2, steps))
        points.append(
            Point.of(f"κ = {k:g}", "linear-rate", float(rate_of(kappa=k)), est, claim.tolerance)
        )
        control.append(
            Point.of(
                f"κ = {k:g} against 1 − 2/κ",
                "linear-rate",
                float(wrong_of(kappa=k)),
                est,
                claim.tolerance,
            )
        )
        rows += trace_rows(
            claim.id, "claim", "gd", "kappa", k, trace.steps, trace.metrics["dist"], "dist"
        )
    return Outcome(Judgement(points), Judgement(control), rows)


CLAIM = define_claim(
    Claim(
        id="example-gd-linear-rate",
        kind="linear-rate",
        family="example",
        source="textbook (Nesterov, Introductory Lectures, Thm 2.1.15)",
        statement="GD with η = 1/L on a μ-strongly convex L-smooth quadratic contracts ‖x − x*‖ "
        "by 1 − 1/κ per step in the worst direction",
        prediction=lambda: sp.Matrix([RATE.subs(kappa, v) for v in (10, 100)]),
        prediction_text="1 − 1/κ",
        tolerance=1e-3,
        experiment="16-dimensional quadratics with prescribed spectrum [μ, L], κ ∈ {10, 100}; "
        "tail contraction of ‖x_t − x*‖ over the second half of 20κ steps",
        control="the same runs judged against 1 − 2/κ",
        provenance=(Provenance("the rate", "paper", "textbook"),),
    ),
    run=gd_rate_experiment,
    grid=(GridParam("kappa", (10.0, 100.0), (10.0, 100.0, 1000.0), 1.0, "condition number"),),
    seeds_quick=2,
    seeds_full=4,
)

__all__ = ["CLAIM", "gd_rate_experiment"]
