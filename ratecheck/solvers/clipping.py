"""Generalized gradient norm clipping (GGNC), uCG, S3CG and the ClippedScion implementations.

Averaged momentum d_k = α_k g_k + (1 − α_k) d_{k−1}, d_0 = 0 (α = 1 and exact gradients: the
deterministic methods). With a Product norm, lmo(d) = (r_l·lmo_l(d_l))_l and
‖d‖_* = Σ_l r_l‖d_l‖_(l),* (the layer-wise max norm: ClippedScion).

    GGNC (Alg. 1/3):  η_k = min{ρ, ‖d_k‖_*},           x_{k+1} = x_k + γ η_k lmo(d_k)
                      (sharp form: x_k − γ τ_k d_k^#, τ_k = min{1, ρ/‖d_k‖_*})
    uCG:              x_{k+1} = x_k + γ ρ lmo(d_k)      (uSCG with step γρ)
    S3CG (Alg. 2/4):  v_k = x_k − β lmo(d_k)
                      Variant 1: η_k = min{ρ, ⟨d_k, v_k⟩/‖v_k‖²}
                      Variant 2: η_k = min{ρ, ⟨d_k, v_k⟩/(4β²)}
                      x_{k+1} = x_k − γ η_k v_k = (1 − γη_k) x_k + γη_k β lmo(d_k)

Pethick, Xie, Erdogan, Antonakopoulos, Silveti-Falls, Cevher, "Generalized Gradient Norm Clipping
& Non-Euclidean (L0,L1)-Smoothness", NeurIPS 2025, arXiv 2506.01913, Algorithms 1–4
(reference/clipping-l0l1.md §2). For a Product norm, Variant 1's ‖v_k‖² is the product norm
max_l ‖v_l‖_(l)/r_l squared; how the paper puts the radii there is [unknown] (§6.3).

The public code (LIONS-EPFL/ClippedScion) is parametrized differently:
``unconstrained_clipped_scion`` and ``clipped_scion`` take its parameters (lr = γρ, rho = ρ
resp. 4ρ; §3).
"""

from __future__ import annotations

from typing import Any

from ratecheck.backend import array_namespace
from ratecheck.solvers.base import Method
from ratecheck.solvers.norms import Product, inner_blocks, per_seed, product, safe_div
from ratecheck.solvers.schedule import Scalar, at

S3CG_VARIANTS = (1, 2)


def _momentum(alpha: Scalar, stochastic: bool):
    """The shared step prologue: the new averaged estimate d_k from the oracle."""

    def update(x, state, oracle):
        k, d = state
        g = oracle.stochastic_grad(x) if stochastic else oracle.grad(x)
        if d is None:
            d = tuple(0 * g_i for g_i in g)
        a = at(alpha, k)
        return k, tuple(a * g_i + (1 - a) * d_i for g_i, d_i in zip(g, d))

    return update


def _init(x):
    return (0, None)


def ggnc(
    norm: Any, gamma: Scalar, rho: Scalar, alpha: Scalar = 1.0, stochastic: bool = False
) -> Method:
    """GGNC in its LMO form: x ← x + γ·min{ρ, ‖d‖_*}·lmo(d) (Product norm: Unconstrained
    ClippedScion, Alg. 3)."""
    norm = product(norm)
    momentum = _momentum(alpha, stochastic)

    def step(x, state, oracle):
        k, d = momentum(x, state, oracle)
        v = norm.lmo(d)
        dual = -inner_blocks(norm, d, v)  # ‖d‖_* = −⟨d, lmo(d)⟩: one LMO (one SVD) per step
        scale = at(gamma, k) * _minimum(dual, at(rho, k))
        x_next = tuple(x_i + per_seed(scale, x_i) * v_i for x_i, v_i in zip(x, v))
        return x_next, (k + 1, d)

    params = {"gamma": gamma, "rho": rho, "alpha": alpha, "norm": norm.name}
    return Method("ggnc", _init, step, params)


def ucg(
    norm: Any, gamma: Scalar, rho: Scalar, alpha: Scalar = 1.0, stochastic: bool = False
) -> Method:
    """Unconstrained conditional gradient: x ← x + γρ·lmo(d) (never a descent guarantee)."""
    norm = product(norm)
    momentum = _momentum(alpha, stochastic)

    def step(x, state, oracle):
        k, d = momentum(x, state, oracle)
        length = at(gamma, k) * at(rho, k)
        return tuple(x_i + length * v_i for x_i, v_i in zip(x, norm.lmo(d))), (k + 1, d)

    return Method("ucg", _init, step, {"gamma": gamma, "rho": rho, "alpha": alpha})


def s3cg(
    norm: Any,
    gamma: Scalar,
    rho: Scalar,
    radius: float,
    variant: int = 1,
    alpha: Scalar = 1.0,
    stochastic: bool = False,
    constrained: bool = True,
) -> Method:
    """S3CG on the ball {‖x‖ ≤ β}, β = ``radius`` (Product norm: ClippedScion, Alg. 4).

    ``constrained=False`` replaces v_k by −β·lmo(d_k) (the unconstrained update the paper
    relates to GGNC; it does not keep the iterates in the ball)."""
    if variant not in S3CG_VARIANTS:
        raise ValueError(f"unknown S3CG variant {variant}; valid: 1, 2")
    norm = product(norm)
    momentum = _momentum(alpha, stochastic)

    def step(x, state, oracle):
        k, d = momentum(x, state, oracle)
        v = tuple(
            (x_i if constrained else 0 * x_i) - radius * u_i for x_i, u_i in zip(x, norm.lmo(d))
        )
        gap = inner_blocks(norm, d, v)  # ⟨d, x − β lmo(d)⟩ = ⟨d, x⟩ + β‖d‖_*
        denominator = norm.norm(v) ** 2 if variant == 1 else 4 * radius**2
        # η ≥ 0 in exact arithmetic (gap ≥ 0 inside the ball); near a vertex gap and ‖v‖² both
        # vanish and round-off can make gap/‖v‖² a huge negative number, so it is clamped at 0
        ratio = safe_div(gap, denominator)
        xp = array_namespace(ratio)
        eta = _minimum(ratio * xp.astype(ratio > 0, ratio.dtype), at(rho, k))
        scale = at(gamma, k) * eta
        return tuple(x_i - per_seed(scale, x_i) * v_i for x_i, v_i in zip(x, v)), (k + 1, d)

    params = {"gamma": gamma, "rho": rho, "radius": radius, "variant": variant, "alpha": alpha}
    return Method(
        f"s3cg-v{variant}" + ("" if constrained else "-unconstrained"), _init, step, params
    )


def _minimum(values: Any, cap: float) -> Any:
    """min{values, cap} per seed."""
    return array_namespace(values).minimum(values, cap)


# --- the public implementation's parametrization -----------------------------------------------


def unconstrained_clipped_scion(
    norms: tuple[Any, ...], radii: tuple[float, ...], lr: float, momentum: float, rho: float
) -> Method:
    """``UnconstrainedClippedScion(lr, momentum, scale=radii, rho)`` as in clippedscion.py:

        buf ← (1 − momentum) buf + momentum g;   u = scale·(−lmo(buf))
        D = Σ⟨u, buf⟩ = Σ_l r_l‖buf_l‖_*;  eta = min(1, D/rho);  p ← p − lr·eta·u

    Equals ``ggnc(Product(norms, radii), γ = lr/rho, ρ = rho, α = momentum)``.
    """
    norm = Product(tuple(norms), tuple(radii))
    update = _momentum(momentum, True)

    def step(x, state, oracle):
        k, buf = update(x, state, oracle)
        u = tuple(-v for v in norm.lmo(buf))
        eta = _minimum(inner_blocks(norm, u, buf) / rho, 1.0)
        return tuple(p - lr * per_seed(eta, p) * u_i for p, u_i in zip(x, u)), (k + 1, buf)

    return Method("unconstrained-clipped-scion", _init, step, {"lr": lr, "rho": rho})


def clipped_scion(
    norms: tuple[Any, ...], radii: tuple[float, ...], lr: float, momentum: float, rho: float
) -> Method:
    """``ClippedScion(lr, momentum, scale=radii, rho)`` as in clippedscion.py:

        lmo_g = scale·lmo(buf);  U = Σ⟨x − lmo_g, buf⟩;  eta = min(1, U/rho);
        p ← p − lr·eta·(x − lmo_g)

    Equals S3CG Variant 2 on the unit ball (β = 1) of Product(norms, radii) with the paper's
    ρ = rho/4 and γ = lr/ρ: min{ρ, U/4} = ρ·min{1, U/(4ρ)}, so the code's lr is γρ and its rho
    is 4ρ (the 4 of Variant 2's denominator 4β² absorbed).
    """
    norm = Product(tuple(norms), tuple(radii))
    update = _momentum(momentum, True)

    def step(x, state, oracle):
        k, buf = update(x, state, oracle)
        v = tuple(p - g for p, g in zip(x, norm.lmo(buf)))
        eta = _minimum(inner_blocks(norm, v, buf) / rho, 1.0)
        return tuple(p - lr * per_seed(eta, p) * v_i for p, v_i in zip(x, v)), (k + 1, buf)

    return Method("clipped-scion", _init, step, {"lr": lr, "rho": rho})
