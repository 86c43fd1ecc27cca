"""Hessian-corrected momentum (HCM) inside the LMO step, layer-wise over parameter blocks.

    Δ_k     = x_k − x_{k−1}
    d_k     = (1 − α_k) d_{k−1} + β_k H_k Δ_k + α_k g(x_k; ξ_k)       (d_0 = g(x_0; ξ_0))
    x_{k+1} = x_k + t_k ρ_l · lmo_l(d_k)                                block by block

with the Hessian-vector product H_k Δ_k taken

    variant "current"       (V1, Tran & Cutkosky / SGDHess type):  ∇²f(x_k; ξ'_k) Δ_k
    variant "interpolated"  (V2, SHARP type): ∇²f(x̂_k; ξ'_k) Δ_k,
                             x̂_k = q_k x_k + (1 − q_k) x_{k−1},  q_k ~ U[0, 1] per seed

β_k = 1 − α_k (the default, ``beta=None``) is HCM as analysed; β_k = 0 is Polyak momentum with
the same schedule (the control of hcm-lmo-rate); other β_k are the MARS-like "β-SOM" variants.
E_q[∇²f(x̂_k)Δ_k] = ∇f(x_k) − ∇f(x_{k−1}) exactly for V2 (fundamental theorem of calculus); V1
has a bias ≤ (M/2)‖Δ_k‖² for an M-Hessian-Lipschitz f.

Seed 000 (Khirirat et al., arXiv 2512.13227) Algorithm 1 as reconstructed in
reference/lmo-momentum-and-hcm.md §7.1 [derived]: the paper's own box, its initialization
(d_0 = g_0 here) and its sign convention are [unknown]. The LMO is the argmin over the unit ball
of each block's norm (a ``Product`` norm carries the layer radii ρ_l).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ratecheck.backend import like
from ratecheck.seeding import SampleBuffer
from ratecheck.solvers.base import Method
from ratecheck.solvers.norms import per_seed, product
from ratecheck.solvers.schedule import Scalar, at

HCM_VARIANTS = ("current", "interpolated")


def _uniform_q(rngs: list[np.random.Generator]) -> SampleBuffer:
    return SampleBuffer(rngs, lambda r, s: r.random(s), ())


def hcm(
    norm: Any,
    gamma: Scalar,
    alpha: Scalar,
    variant: str = "interpolated",
    beta: Scalar | None = None,
    rngs: list[np.random.Generator] | None = None,
    stochastic: bool = True,
) -> Method:
    """HCM-LMO with step t_k = ``gamma``, momentum α_k = ``alpha``, correction scale β_k = ``beta``
    (None: 1 − α_k), Hessian at the current point or at a uniform random point between the last
    two iterates (``rngs``: one generator per seed, needed for "interpolated").

    ``stochastic``: gradient and HVP from the oracle's noisy versions (independent samples);
    otherwise exact ones.
    """
    if variant not in HCM_VARIANTS:
        raise ValueError(f"unknown HCM variant '{variant}'; valid: {', '.join(HCM_VARIANTS)}")
    if variant == "interpolated" and rngs is None:
        raise ValueError("the interpolated variant draws q_k ~ U[0, 1]: pass rngs (per seed)")
    norm = product(norm)
    q_samples = _uniform_q(rngs) if variant == "interpolated" else None

    def init_state(x):
        return (0, None, None)  # k, d_{k−1}, x_{k−1}

    def correction(x, x_prev, oracle):
        delta = tuple(a - b for a, b in zip(x, x_prev))
        if q_samples is None:
            point = x
        else:
            q = like(q_samples.take(1, like=x[0])[:, 0], x[0])
            point = tuple(per_seed(q, a) * a + (1 - per_seed(q, a)) * b for a, b in zip(x, x_prev))
        return oracle.stochastic_hvp(point, delta) if stochastic else oracle.hvp(point, delta)

    def step(x, state, oracle):
        k, d, x_prev = state
        g = oracle.stochastic_grad(x) if stochastic else oracle.grad(x)
        if d is None:
            d = g
        else:
            a = at(alpha, k)
            b = (1 - a) if beta is None else at(beta, k)
            hv = correction(x, x_prev, oracle) if b != 0 else tuple(0 * g_i for g_i in g)
            d = tuple((1 - a) * d_i + b * h_i + a * g_i for d_i, h_i, g_i in zip(d, hv, g))
        t = at(gamma, k)
        x_next = tuple(x_i + t * v_i for x_i, v_i in zip(x, norm.lmo(d)))
        return x_next, (k + 1, d, x)

    return Method(
        f"hcm-{variant}",
        init_state,
        step,
        {"gamma": gamma, "alpha": alpha, "beta": beta, "variant": variant, "norm": norm.name},
    )
