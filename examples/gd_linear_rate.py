"""GD with η = 1/L on a κ-conditioned quadratic contracts ‖x − x*‖ by 1 − 1/κ per step."""

from ratecheck import claim
from ratecheck.problems import quadratic
from ratecheck.solvers import gd
from ratecheck.verify.estimators import linear_rate

RECORD = dict(kind="linear-rate", prediction="1 - 1/kappa", tolerance=1e-3, seeds=(2, 4))
CONTROL = dict(control="the same runs against a faster rate", control_prediction="1 - 2/kappa")
SOURCE = "textbook (Nesterov, Introductory Lectures, Thm 2.1.15)"
GRID = {"kappa": ((10, 100), (10, 100, 1000))}  # quick and full values


@claim(
    id="example-gd-linear-rate", **RECORD, **CONTROL, grid=GRID, source=SOURCE, statement=__doc__
)
def gd_linear_rate(ctx):
    """x ← x − ∇f(x)/L on 16-dimensional quadratics with spectrum [1/κ, 1], 20κ steps; the
    estimator is the per-step contraction of ‖x_t − x*‖ over the second half of the run."""
    for where in ctx.points("kappa"):
        problem = quadratic(where["kappa"], 16, ctx.streams(where), ctx.xp, centered=True)
        steps = int(20 * where["kappa"])
        trace = ctx.run(gd(1.0), problem, steps, where=where, checkpoints="all")
        estimate = linear_rate(trace.steps, trace.metrics["dist"], (steps // 2, steps))
        ctx.judge(estimate, method="gd", where=where)
