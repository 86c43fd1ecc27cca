"""Gluon: layer-wise LMO steps with (L0, L1) step sizes (Riabinin et al., arXiv 2505.13416).

Deterministic (Alg. 2, Thm 1):
    t_i^k   = ‖∇_i f(X^k)‖_(i)* / (L_i^0 + L_i^1 ‖∇_i f(X^k)‖_(i)*)
    X_i^{k+1} = X_i^k + t_i^k · lmo_i(∇_i f(X^k))

Stochastic (Alg. 1, Thm 2; α_k = 1 − β^k):
    M_i^k   = (1 − α_k) M_i^{k−1} + α_k ∇_i f_ξ(X^k),  M^0 = ∇f_{ξ⁰}(X⁰),  α_k = (k+1)^{−1/2}
    X_i^{k+1} = X_i^k + t_i (k+1)^{−3/4} · lmo_i(M_i^k)

The dual norm is each block's own (nuclear for spectral blocks — not Frobenius, the trap of an
unofficial implementation). The constants t_i of Thm 2 are [unknown] and are parameters here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ratecheck.solvers.base import Method
from ratecheck.solvers.norms import Product, per_seed


def gluon(norms: Sequence[Any], L0: Sequence[float], L1: Sequence[float]) -> Method:
    """Deterministic Gluon with layer-wise smoothness constants (L_i^0, L_i^1)."""
    norm = Product(tuple(norms))

    def init(x):
        return ()

    def step(x, state, oracle):
        g = oracle.grad(x)
        x_next = []
        for x_i, g_i, n_i, l0, l1 in zip(x, g, norm.norms, L0, L1):
            dual = n_i.dual(g_i)
            t_i = dual / (l0 + l1 * dual)
            x_next.append(x_i + per_seed(t_i, x_i) * n_i.lmo(g_i))
        return tuple(x_next), state

    return Method("gluon", init, step, {"L0": tuple(L0), "L1": tuple(L1), "norm": norm.name})


def gluon_stochastic(norms: Sequence[Any], t: Sequence[float]) -> Method:
    """Stochastic Gluon, α_k = (k+1)^{−1/2}, t_i^k = t_i (k+1)^{−3/4}, M^0 = g_0."""
    norm = Product(tuple(norms))

    def init(x):
        return (0, None)

    def step(x, state, oracle):
        k, M = state
        g = oracle.stochastic_grad(x)
        a = (k + 1) ** -0.5
        M = g if M is None else tuple((1 - a) * M_i + a * g_i for M_i, g_i in zip(M, g))
        x_next = tuple(
            x_i + t_i * (k + 1) ** -0.75 * n_i.lmo(M_i)
            for x_i, M_i, n_i, t_i in zip(x, M, norm.norms, t)
        )
        return x_next, (k + 1, M)

    return Method("gluon-stochastic", init, step, {"t": tuple(t), "norm": norm.name})
