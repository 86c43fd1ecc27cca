"""LMO methods with averaged momentum: uSCG / SCG (Scion), normalized SGD, sign descent.

    d_k     = (1 − α_k) d_{k−1} + α_k g_k                     (averaged momentum; α = 1: none)
    x_{k+1} = x_k + γ_k ρ_l · lmo_l(d_k)                      (uSCG / unconstrained Scion)
    x_{k+1} = (1 − γ_k) x_k + γ_k ρ_l · lmo_l(d_k)            (SCG / constrained Scion)

block by block, with lmo_l the LMO of block l's norm and ρ_l its radius (a ``Product`` norm).
Pethick et al., "Training Deep Learning Models with Norm-Constrained LMOs", ICML 2025,
Algorithms 1–3 (reference/lmo-momentum-and-hcm.md §2).

Parameter mapping to LIONS-EPFL/scion ``Scion(lr, momentum, norm, scale, unconstrained)``:
lr = γ, momentum = α (their default 1.0 means no averaging), scale = ρ_l, and their
``Norm.lmo`` returns −lmo (they subtract lr·scale·Norm.lmo(buf)). Normalized SGD is uSCG in ℓ2;
sign descent is uSCG in ℓ∞. g_k is the stochastic gradient when ``stochastic`` is true.
"""

from __future__ import annotations

from typing import Any

from ratecheck.solvers.base import Method
from ratecheck.solvers.norms import Product, product
from ratecheck.solvers.schedule import Scalar, at


def uscg(
    norm: Any,
    gamma: Scalar,
    alpha: Scalar = 1.0,
    constrained: bool = False,
    init: str = "zero",
    stochastic: bool = True,
) -> Method:
    """uSCG (``constrained=False``) or SCG (Frank–Wolfe) with LMO ``norm`` (Product: layers)."""
    norm = product(norm)

    def init_state(x):
        return (0, None)

    def step(x, state, oracle):
        k, d = state
        g = oracle.stochastic_grad(x) if stochastic else oracle.grad(x)
        a, y = at(alpha, k), at(gamma, k)
        if d is None:
            d = g if init == "first_grad" else tuple(0 * g_i for g_i in g)
        d = tuple((1 - a) * d_i + a * g_i for d_i, g_i in zip(d, g))
        direction = norm.lmo(d)  # ρ_l · lmo_l(d_l), block by block
        shrink = (1 - y) if constrained else 1.0
        x_next = tuple(shrink * x_i + y * v_i for x_i, v_i in zip(x, direction))
        return x_next, (k + 1, d)

    name = "scg" if constrained else "uscg"
    return Method(
        name,
        init_state,
        step,
        {
            "gamma": gamma,
            "alpha": alpha,
            "norm": norm.name,
            "constrained": constrained,
            "init": init,
        },
    )


def scion(
    norms: tuple[Any, ...],
    radii: tuple[float, ...],
    lr: float,
    momentum: float = 1.0,
    unconstrained: bool = False,
) -> Method:
    """Layer-wise Scion with the public implementation's parameters (lr, momentum, scale = radii).

    Equals :func:`uscg` with γ = lr, α = momentum, ρ_l = radii, zero-initialized buffer.
    """
    return uscg(
        Product(tuple(norms), tuple(radii)),
        gamma=lr,
        alpha=momentum,
        constrained=not unconstrained,
        init="zero",
    )


def normalized_sgd(gamma: Scalar, alpha: Scalar = 1.0, matrix: bool = True) -> Method:
    """x ← x − γ d/‖d‖₂ per block: uSCG in ℓ2 over the whole block (Frobenius for matrix blocks,
    ``matrix=False`` for vector blocks of shape (S, n))."""
    from ratecheck.solvers.norms import L2

    return uscg(L2(matrix=matrix), gamma, alpha)
