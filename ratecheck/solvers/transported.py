"""Batched and transported Scion (Seed 004, Zhang & Lin, arXiv 2605.18528) [derived form].

    Y_t     = θ_t + c (θ_t − θ_{t−1}),  c = β/(1 − β)       (transported; batched: Y_t = θ_t)
    ḡ_t     = (1/B) Σ_{i≤B} G(Y_t; ξ_t^i)                   (B oracle calls)
    m_{t+1} = β m_t + (1 − β) ḡ_t                           (α = 1 − β, m_0 = 0)
    θ_{t+1} = θ_t + η_t lmo(m_{t+1})

The transport is implicit gradient transport (Arnold et al. 2019; NIGT, Cutkosky & Mehta 2020)
with the LMO in place of ℓ2 normalization — reference/heavy-tail-scion.md §2, a third-party
reconstruction whose fidelity to the paper is [unknown]. Memory-free form: the evaluation point
obeys y_{t+1} = y_t + u_t + c(u_t − u_{t−1}) with u_t = η_t lmo(m_{t+1}) (checked in the tests).
Stationarity is measured at θ_t.
"""

from __future__ import annotations

from typing import Any

from ratecheck.solvers.base import Method
from ratecheck.solvers.norms import product
from ratecheck.solvers.schedule import Scalar, at


def scion_heavy_tail(
    norm: Any, eta: Scalar, alpha: Scalar, batch: int = 1, transport: bool = False
) -> Method:
    """Batched (``transport=False``) or transported Scion with momentum weight α = 1 − β."""
    if batch < 1:
        raise ValueError(f"batch must be ≥ 1, got {batch}")
    norm = product(norm)

    def init_state(x):
        return (0, None, x)  # k, m, θ_{k−1}

    def step(x, state, oracle):
        k, m, x_prev = state
        a = at(alpha, k)
        if transport and a < 1:
            c = (1 - a) / a  # β/(1 − β)
            y = tuple(x_i + c * (x_i - p_i) for x_i, p_i in zip(x, x_prev))
        else:
            y = x
        g = oracle.stochastic_grad(y, batch)
        m = (
            tuple(a * g_i for g_i in g)
            if m is None
            else tuple((1 - a) * m_i + a * g_i for m_i, g_i in zip(m, g))
        )
        t = at(eta, k)
        x_next = tuple(x_i + t * v_i for x_i, v_i in zip(x, norm.lmo(m)))
        return x_next, (k + 1, m, x)

    name = "transported-scion" if transport else "batched-scion"
    return Method(name, init_state, step, {"eta": eta, "alpha": alpha, "batch": batch})
