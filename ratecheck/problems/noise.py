"""Heavy-tailed gradient noise with a nominal p-th moment in the dual (nuclear) norm.

reference/heavy-tail-scion.md §6 [derived: standard distribution facts]:

    symmetric Pareto R = S·P, S = ±1, P(P > s) = (s₀/s)^a for s ≥ s₀ (tail index a > 1):
        E|R|^q = a s₀^q/(a − q) for q < a (infinite for q ≥ a);
        E|R|^p = σ^p  ⇔  s₀ = σ((a − p)/a)^{1/p}
    "spiky" matrix noise Z = R·u vᵀ, u, v uniform unit vectors: ‖Z‖_nuc = ‖Z‖_F = ‖Z‖_op = |R|,
        so E‖Z‖_nuc^p = σ^p exactly
    "spread" matrix noise: i.i.d. symmetric Pareto entries scaled so that E|entry|^p = σ^p/(mn);
        its nuclear-norm moment grows with r and is reported by Monte Carlo
    "gaussian": the light-tailed reference, N(0, σ²/(mn)) entries

All draws are host-side, per seed (``SampleBuffer``), so runs are reproducible bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from ratecheck.errors import UsageError

HEAVY_NOISE = ("spiky", "spread", "gaussian")


def pareto_scale(sigma: float, p: float, a: float) -> float:
    """s₀ such that the symmetric Pareto(a, s₀) has E|R|^p = σ^p (needs a > p)."""
    if not a > p > 1:
        raise UsageError(f"need tail index a > p > 1, got a={a}, p={p}")
    return sigma * ((a - p) / a) ** (1 / p)


def pareto_moment(q: float, a: float, s0: float) -> float:
    """E|R|^q = a s₀^q/(a − q) for q < a, ∞ otherwise."""
    return a * s0**q / (a - q) if q < a else math.inf


def symmetric_pareto(rng: np.random.Generator, shape: tuple[int, ...], a: float, s0: float):
    """S·P with P = s₀ U^{−1/a} (inverse-CDF sampling, U uniform on (0, 1])."""
    magnitude = s0 * (1.0 - rng.random(shape)) ** (-1.0 / a)
    return np.where(rng.random(shape) < 0.5, -magnitude, magnitude)


def matrix_noise(kind: str, sigma: float, p: float, a: float):
    """A sampler (rng, shape) -> array of shape (..., m, n) for ``SampleBuffer``."""
    if kind not in HEAVY_NOISE:
        raise UsageError(f"unknown noise '{kind}'; valid: {', '.join(HEAVY_NOISE)}")
    s0 = pareto_scale(sigma, p, a)

    def spiky(rng, shape):
        *lead, m, n = shape
        u = rng.standard_normal((*lead, m))
        v = rng.standard_normal((*lead, n))
        u /= np.linalg.norm(u, axis=-1, keepdims=True)
        v /= np.linalg.norm(v, axis=-1, keepdims=True)
        radius = symmetric_pareto(rng, tuple(lead), a, s0)
        return radius[..., None, None] * u[..., :, None] * v[..., None, :]

    def spread(rng, shape):
        m, n = shape[-2:]
        return symmetric_pareto(rng, shape, a, s0 * (m * n) ** (-1 / p))

    def gaussian(rng, shape):
        m, n = shape[-2:]
        return sigma * rng.standard_normal(shape) / math.sqrt(m * n)

    return {"spiky": spiky, "spread": spread, "gaussian": gaussian}[kind]


def hill_tail_index(samples: np.ndarray, k: int) -> float:
    """Hill estimator â = [(1/k) Σ_{i≤k} log(X_(i)/X_(k+1))]^{−1} from the k largest of |samples|
    (the MLE for an exact Pareto tail, standard error ≈ a/√k)."""
    x = np.sort(np.abs(np.ravel(samples)))[::-1]
    if not 0 < k < x.size:
        raise ValueError(f"k must be in (0, {x.size}), got {k}")
    return float(1.0 / np.mean(np.log(x[:k] / x[k])))
