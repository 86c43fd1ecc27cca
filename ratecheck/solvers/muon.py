"""Muon: momentum, then an orthogonalized (spectral-LMO) step with Muon's shape scaling.

    m_k     = β m_{k−1} + (1 − β) g_k                 (m_{−1} = 0; α = 1 − β)
    u_k     = (1 − β) g_k + β m_k   if nesterov else m_k
    x_{k+1} = (1 − lr·wd) x_k + lr · s · lmo_S∞(u_k),   s = √max(1, d_out/d_in)

KellerJordan/Muon ``Muon(lr, weight_decay, momentum=β, nesterov)`` computes lmo_S∞(u) ≈
−NS₅(u) (Newton–Schulz, ``method="ns5"``); ``method="svd"`` gives the exact spectral LMO.
Matrix blocks only (the last two axes).
"""

from __future__ import annotations

import math

from ratecheck.solvers.base import Method
from ratecheck.solvers.norms import Spectral


def muon(
    lr: float,
    momentum: float = 0.95,
    nesterov: bool = True,
    weight_decay: float = 0.0,
    method: str = "ns5",
    stochastic: bool = True,
) -> Method:
    """Muon with the public implementation's parameters (β = momentum)."""
    beta = momentum
    lmo = Spectral(method=method).lmo

    def init(x):
        return tuple(0 * x_i for x_i in x)

    def step(x, m, oracle):
        g = oracle.stochastic_grad(x) if stochastic else oracle.grad(x)
        m = tuple(beta * m_i + (1 - beta) * g_i for m_i, g_i in zip(m, g))
        u = tuple((1 - beta) * g_i + beta * m_i for g_i, m_i in zip(g, m)) if nesterov else m
        x_next = tuple(
            (1 - lr * weight_decay) * x_i
            + lr * math.sqrt(max(1.0, x_i.shape[-2] / x_i.shape[-1])) * lmo(u_i)
            for x_i, u_i in zip(x, u)
        )
        return x_next, m

    return Method(
        "muon",
        init,
        step,
        {
            "lr": lr,
            "momentum": momentum,
            "nesterov": nesterov,
            "weight_decay": weight_decay,
            "method": method,
        },
    )
