"""The estimators of hcm-unbiased: the bias of the two Hessian corrections at one step.

For a step Δ from x_{k−1} to x_k = x_{k−1} + Δ the interpolated correction ∇²f(x̂)Δ, x̂ at a
uniform random point of the segment, has mean ∫₀¹ ∇²f(x_{k−1} + sΔ)Δ ds = ∇f(x_k) − ∇f(x_{k−1});
the current-point correction ∇²f(x_k)Δ misses it by O(‖Δ‖²).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray, like, to_host
from ratecheck.claims._shared import MATRIX
from ratecheck.seeding import SampleBuffer, Streams, draw

GAUSS_LEGENDRE_NODES = 24


def point_and_direction(streams: Streams, xp: Any) -> tuple[Any, Any]:
    """x_{k−1} with N(0, 1) entries and a direction u of unit Frobenius norm, per seed."""
    x = draw(streams.init, lambda r: r.standard_normal(MATRIX))
    u = draw(streams.init, lambda r: r.standard_normal(MATRIX))
    u /= np.sqrt(np.sum(u * u, axis=(1, 2), keepdims=True))
    return asarray(x, xp), asarray(u, xp)


def monte_carlo_z(
    problem: Any, x_prev: Any, delta: Any, variant: str, n_mc: int, q_rngs: list
) -> float:
    """The mean of the stochastic correction H(x̂; ζ)Δ over ``n_mc`` draws of (q, ζ), minus
    ∇f(x_k) − ∇f(x_{k−1}), in units of its standard error: the chi-square statistic over all
    entries and seeds, standardized, (Σ z² − n)/√(2n) (≈ N(0, 1) for an unbiased correction)."""
    xp = array_namespace(x_prev)
    x_k = x_prev + delta
    target = to_host(problem.grad((x_k,))[0] - problem.grad((x_prev,))[0])
    q_samples = SampleBuffer(q_rngs, lambda r, s: r.random(s), (1, 1))  # per seed, chunked
    total = xp.zeros_like(x_k)
    total_sq = xp.zeros_like(x_k)
    for _ in range(n_mc):
        if variant == "interpolated":
            q = like(q_samples.take(1, like=x_k)[:, 0, ...], x_k)
            point = q * x_k + (1 - q) * x_prev
        else:
            point = x_k
        sample = problem.stochastic_hvp((point,), (delta,))[0]
        total += sample
        total_sq += sample * sample
    total, total_sq = to_host(total), to_host(total_sq)
    mean = total / n_mc
    var = np.maximum(total_sq / n_mc - mean**2, 0.0) * n_mc / (n_mc - 1)
    z2 = (mean - target) ** 2 / (var / n_mc)
    n = z2.size
    return float((z2.sum() - n) / math.sqrt(2 * n))


def quadrature_error(problem: Any, x_prev: Any, delta: Any) -> float:
    """max relative error of Σ_i w_i ∇²f(x_{k−1} + s_i Δ)Δ (Gauss–Legendre on [0, 1]) against
    ∇f(x_k) − ∇f(x_{k−1}): the identity behind the interpolated variant, without sampling."""
    nodes, weights = np.polynomial.legendre.leggauss(GAUSS_LEGENDRE_NODES)
    s, w = (nodes + 1) / 2, weights / 2
    integral = sum(wi * problem.hvp((x_prev + si * delta,), (delta,))[0] for si, wi in zip(s, w))
    target = problem.grad((x_prev + delta,))[0] - problem.grad((x_prev,))[0]
    err = to_host(integral - target)
    scale = np.max(np.abs(to_host(target)), axis=(1, 2), keepdims=True)
    return float(np.max(np.abs(err) / scale))


def current_point_bias(problem: Any, x_prev: Any, delta: Any) -> np.ndarray:
    """‖∇²f(x_k)Δ − (∇f(x_k) − ∇f(x_{k−1}))‖_F per seed, with the exact Hessian."""
    x_k = x_prev + delta
    err = problem.hvp((x_k,), (delta,))[0] - (problem.grad((x_k,))[0] - problem.grad((x_prev,))[0])
    return np.sqrt(np.sum(to_host(err) ** 2, axis=(1, 2)))
