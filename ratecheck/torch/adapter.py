"""Any ``torch.optim.Optimizer`` as a ratecheck method, to rate-check it on the testbed's problems.

    method = optimizer_method(lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9))
    trace = run(method, problem, steps)        # or ctx.run(method, problem, steps, where=...)

Each seed gets its own optimizer over its own parameters — the seed's slice of every block,
as float64 CPU tensors — so any optimizer (elementwise or matrix-wise, ours or not) sees the
problem exactly as a single training run would. A step asks the oracle for the gradient of
all seeds at x (one oracle call), writes each seed's slice into ``p.grad`` and calls
``optimizer.step()``. Torch optimizers are stateful; the method's state is an opaque holder of
the optimizers and their parameters, so the optax-style (init, step) pair is not pure here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ratecheck.backend import like, to_host
from ratecheck.problems.base import Blocks, Oracle
from ratecheck.solvers.base import Method


@dataclass
class TorchState:
    """The per-seed parameters and optimizers (opaque to the runner's per-seed state walk)."""

    params: list[list[torch.Tensor]]
    optimizers: list[torch.optim.Optimizer]


def optimizer_method(
    make_optimizer: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    name: str = "torch-optimizer",
) -> Method:
    """``make_optimizer(params) -> Optimizer`` as an (init, step) method (module docstring)."""

    def init(x: Blocks) -> TorchState:
        seeds = x[0].shape[0]
        params = [
            [torch.tensor(to_host(b[s]), dtype=torch.float64) for b in x] for s in range(seeds)
        ]
        return TorchState(params, [make_optimizer(p) for p in params])

    def step(x: Blocks, state: TorchState, oracle: Oracle) -> tuple[Blocks, TorchState]:
        grads = [to_host(g) for g in oracle.grad(x)]
        blocks = [to_host(b) for b in x]
        for s, (params, optimizer) in enumerate(zip(state.params, state.optimizers)):
            with torch.no_grad():
                for p, b, g in zip(params, blocks, grads):
                    p.copy_(torch.from_numpy(np.ascontiguousarray(b[s])))
                    p.grad = torch.from_numpy(np.array(g[s]))
            optimizer.step()
        stacked = [
            np.stack([params[i].detach().numpy() for params in state.params]) for i in range(len(x))
        ]
        return tuple(like(b, x[0]) for b in stacked), state

    return Method(name, init, step, {"optimizer": name})


__all__ = ["TorchState", "optimizer_method"]
