"""A user's own torch.optim.Optimizer, rate-checked: plain gradient steps with lr = 1/L contract
‖x − x*‖ by 1 − 1/κ per step on a κ-conditioned quadratic."""

import torch

from ratecheck import claim
from ratecheck.problems import quadratic
from ratecheck.torch.adapter import optimizer_method
from ratecheck.verify.estimators import linear_rate


class PlainSGD(torch.optim.Optimizer):
    """p ← p − lr·∇f(p): any optimizer class can stand here (torch's own, ours, yours)."""

    def __init__(self, params, lr):
        super().__init__(params, {"lr": lr})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                p.add_(p.grad, alpha=-group["lr"])


GRID = {"kappa": ((10, 100), (10, 100, 1000))}  # quick and full values
CONTROL = dict(control="the same runs against a faster rate", control_prediction="1 - 2/kappa")


@claim(
    id="example-torch-optimizer-rate",
    kind="linear-rate",
    prediction="1 - 1/kappa",
    tolerance=1e-3,
    grid=GRID,
    seeds=(2, 4),
    source="textbook (Nesterov, Thm 2.1.15)",
    statement=__doc__,
    **CONTROL,
)
def torch_optimizer_rate(ctx):
    """PlainSGD with lr = 1/L = 1 through optimizer_method on 16-dimensional quadratics with
    spectrum [1/κ, 1], 20κ steps; estimator: the per-step contraction of ‖x_t − x*‖ over the
    second half of the run."""
    method = optimizer_method(lambda params: PlainSGD(params, lr=1.0), name="PlainSGD")
    for where in ctx.points("kappa"):
        problem = quadratic(where["kappa"], 16, ctx.streams(where), ctx.xp, centered=True)
        steps = int(20 * where["kappa"])
        trace = ctx.run(method, problem, steps, where=where, checkpoints="all")
        estimate = linear_rate(trace.steps, trace.metrics["dist"], (steps // 2, steps))
        ctx.judge(estimate, method="PlainSGD", where=where)
