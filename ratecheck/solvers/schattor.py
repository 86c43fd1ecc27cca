"""Schattor-type Schatten-p methods, single- and multi-block [derived template].

Oracles (exact, reference/schattor.md §1), G = U diag(s) Vᵀ, 1/p + 1/q = 1:

    ball LMO          lmo_p(G) = −U diag(s^{q−1}) Vᵀ / ‖s‖_q^{q−1}        (‖lmo_p(G)‖_{S_p} = 1)
    regularized       D*(G) = argmin_D ⟨G, D⟩ + (λ/2)‖D‖²_{S_p} = (‖G‖_{S_q}/λ)·lmo_p(G)

p = 2: −G/‖G‖_F (normalized SGD) and −G/λ (SGD); p = ∞: −UVᵀ (Muon) and −(‖G‖_{S_1}/λ)UVᵀ.

Single block, averaged momentum (the template of §2, labelled [derived]: the paper's momentum,
step rule and "adaptive" mechanism are [unknown]):

    M_{t+1} = (1 − α) M_t + α g_t
    ball:         X_{t+1} = X_t + η_t·lmo_p(M_{t+1})
    regularized:  X_{t+1} = X_t + η_t‖M_{t+1}‖_{S_q}·lmo_p(M_{t+1})      (= D* with λ = 1/η_t)

Multi-block (blocks k with S_{p_k}, dual sizes n_k = ‖M_k‖_{S_{q_k}}, weights c_k; §3):

    "max"             X_k += η ρ_k lmo_k(M_k)                          (Scion/Gluon, unbalanced)
    "l2"              X_k += η (n_k/(c_k N)) lmo_k(M_k),  N = (Σ_j n_j²/c_j)^{1/2}
    "l2-regularized"  X_k += η (n_k/c_k) lmo_k(M_k)
    "l1"              only k* = argmax_k n_k/w_k moves: X_k* += (η/w_k*) lmo_k*(M_k*)
    "l1-regularized"  the same block, by the steepest-descent length: X_k* += η (n_k*/w_k*²) lmo_k*
                      (argmin ⟨G, D⟩ + (1/2η)(Σ_k w_k‖D_k‖)²; with w_k = √L_k the Gauss–Southwell–
                      Lipschitz block rule [derived])

Cost: one SVD per block per step (the exact oracle; blocks of one norm and shape in one batched
call); for p = ∞ a Newton–Schulz LMO is available
through ``Schatten(inf, method="ns5")`` as an inexact oracle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ratecheck.backend import array_namespace
from ratecheck.solvers.base import Method
from ratecheck.solvers.norms import Schatten, inner, per_seed
from ratecheck.solvers.schedule import Scalar, at

SCHATTOR_VERSIONS = ("ball", "regularized")
BLOCK_RULES = ("max", "l2", "l2-regularized", "l1", "l1-regularized")


def regularized_oracle(norm: Schatten, G: Any, lam: float) -> Any:
    """D*(G) = (‖G‖_{S_q}/λ)·lmo_p(G), the minimizer of ⟨G, D⟩ + (λ/2)‖D‖²_{S_p}."""
    return per_seed(norm.dual(G) / lam, G) * norm.lmo(G)


def _average(alpha: Scalar, stochastic: bool):
    def update(x, state, oracle):
        k, M = state
        g = oracle.stochastic_grad(x) if stochastic else oracle.grad(x)
        a = at(alpha, k)
        M = g if M is None else tuple((1 - a) * m_i + a * g_i for m_i, g_i in zip(M, g))
        return k, M

    return update


def schattor(
    p: float,
    eta: Scalar,
    alpha: Scalar = 1.0,
    version: str = "ball",
    stochastic: bool = True,
) -> Method:
    """The single-block template (also applied block by block to several blocks, same p)."""
    if version not in SCHATTOR_VERSIONS:
        raise ValueError(f"unknown version '{version}'; valid: {', '.join(SCHATTOR_VERSIONS)}")
    norm = Schatten(p)
    average = _average(alpha, stochastic)

    def step(x, state, oracle):
        k, M = average(x, state, oracle)
        t = at(eta, k)
        x_next = []
        for x_i, m_i in zip(x, M):
            direction = norm.lmo(m_i)
            if version == "regularized":  # ‖M‖_{S_q} = −⟨M, lmo(M)⟩, no second SVD
                size = -inner(m_i, direction, True)
                direction = per_seed(size, m_i) * direction
            x_next.append(x_i + t * direction)
        return tuple(x_next), (k + 1, M)

    params = {"p": p, "eta": eta, "alpha": alpha, "version": version}
    return Method(f"schattor-{version}", lambda x: (0, None), step, params)


def schattor_blocks(
    ps: Sequence[float],
    eta: Scalar,
    alpha: Scalar = 1.0,
    rule: str = "l2",
    weights: Sequence[float] | None = None,
    stochastic: bool = True,
) -> Method:
    """Multi-block Schattor with a balancing ``rule``; ``weights`` are ρ_k ("max"), c_k ("l2",
    "l2-regularized") or w_k ("l1", "l1-regularized"), all 1 by default."""
    if rule not in BLOCK_RULES:
        raise ValueError(f"unknown block rule '{rule}'; valid: {', '.join(BLOCK_RULES)}")
    norms = tuple(Schatten(p) for p in ps)
    w = tuple(weights) if weights is not None else (1.0,) * len(norms)
    average = _average(alpha, stochastic)

    def step(x, state, oracle):
        k, M = average(x, state, oracle)
        t = at(eta, k)
        directions, sizes = _block_oracles(norms, M)
        lengths = _lengths(rule, sizes, w)
        x_next = tuple(
            x_i + t * per_seed(length, x_i) * v_i
            for x_i, v_i, length in zip(x, directions, lengths)
        )
        return x_next, (k + 1, M)

    params = {"ps": tuple(ps), "eta": eta, "alpha": alpha, "rule": rule, "weights": w}
    return Method(f"schattor-{rule}", lambda x: (0, None), step, params)


def _block_oracles(norms: tuple[Schatten, ...], M: Sequence[Any]) -> tuple[list, list]:
    """lmo_k(M_k) and n_k = −⟨M_k, lmo_k(M_k)⟩ = ‖M_k‖_{S_q} for every block. Blocks of one
    norm and one shape go through one batched SVD: the same numbers as block by block (the SVD
    and the products run matrix by matrix), one call instead of one per block."""
    if len(set(norms)) == 1 and len({m.shape for m in M}) == 1:
        xp = array_namespace(M[0])
        stacked = xp.stack(list(M))
        lmo = norms[0].lmo(stacked)
        size = -inner(stacked, lmo, True)
        return [lmo[k] for k in range(len(M))], [size[k] for k in range(len(M))]
    directions = [n.lmo(m) for n, m in zip(norms, M)]
    return directions, [-inner(m, v, True) for m, v in zip(M, directions)]


def _lengths(rule: str, sizes: list[Any], w: tuple[float, ...]) -> list[Any]:
    """The per-block step multipliers (per seed) of each rule."""
    xp = array_namespace(sizes[0])
    if rule == "max":
        return [w_k + 0 * n_k for n_k, w_k in zip(sizes, w)]
    if rule == "l2-regularized":
        return [n_k / w_k for n_k, w_k in zip(sizes, w)]
    if rule == "l2":
        total = xp.sqrt(sum(n_k**2 / w_k for n_k, w_k in zip(sizes, w)))
        safe = xp.where(total > 0, total, 1.0)
        return [n_k / (w_k * safe) for n_k, w_k in zip(sizes, w)]
    ratios = xp.stack([n_k / w_k for n_k, w_k in zip(sizes, w)], axis=0)
    best = xp.argmax(ratios, axis=0)
    chosen = [xp.astype(best == k, ratios.dtype) for k in range(len(w))]
    if rule == "l1":
        return [c / w_k for c, w_k in zip(chosen, w)]
    return [c * n_k / w_k**2 for c, n_k, w_k in zip(chosen, sizes, w)]


__all__ = [
    "BLOCK_RULES",
    "SCHATTOR_VERSIONS",
    "regularized_oracle",
    "schattor",
    "schattor_blocks",
]
