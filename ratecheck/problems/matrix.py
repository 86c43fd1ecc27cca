"""A noisy smooth nonconvex matrix problem, usable in ℓ2 (Frobenius), ℓ∞ (sign) and spectral
geometry.

    f(X) = Σ_ij [ ½ (X_ij − T_ij)² + λ (1 − cos X_ij) ]           (λ > 1: nonconvex)
    ∇f(X) = X − T + λ sin X,      ∇²f(X)[V] = (1 + λ cos X) ⊙ V
    g(X; ξ) = ∇f(X) + σ ξ,        ξ_ij iid, zero mean, unit variance:
        "gaussian": N(0, 1);   "skewed": Exp(1) − 1 (centred exponential, skewness 2)

Constants (exact where stated; X ∈ R^{m×n}, r = min{m, n}, ℓ = 1 + λ):
    L₂ = ℓ (Euclidean); L = ℓ·mn for ℓ∞ → ℓ₁ and L = ℓ·r for S∞ → S₁ (upper bounds [derived]);
    Hessian-Lipschitz M = λ (Euclidean, [derived]); f* ≥ 0 (lower bound; f* itself unknown);
    σ² = E‖g − ∇f‖_F² / (mn) per entry, i.e. E‖g − ∇f‖_F² = σ²·mn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray
from ratecheck.errors import UsageError
from ratecheck.problems.base import Blocks
from ratecheck.seeding import SampleBuffer, Streams, draw

MATRIX_NOISE = ("none", "gaussian", "skewed")


def _noise_sample(kind: str, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    if kind == "gaussian":
        return rng.standard_normal(shape)
    return rng.exponential(1.0, shape) - 1.0


@dataclass
class NoisyMatrixProblem:
    target: Any  # (S, m, n)
    lam: float
    sigma: float
    noise: str
    x0: Blocks
    constants: dict[str, float]
    noise_samples: SampleBuffer | None
    x_star: Blocks | None = None
    f_star: Any | None = None
    name: str = "noisy-matrix"

    def value(self, x: Blocks) -> Any:
        xp = array_namespace(x[0])
        X = x[0]
        return xp.sum(0.5 * (X - self.target) ** 2 + self.lam * (1 - xp.cos(X)), axis=(-2, -1))

    def grad(self, x: Blocks) -> Blocks:
        xp = array_namespace(x[0])
        return (x[0] - self.target + self.lam * xp.sin(x[0]),)

    def hvp(self, x: Blocks, v: Blocks) -> Blocks:
        xp = array_namespace(x[0])
        return ((1 + self.lam * xp.cos(x[0])) * v[0],)

    def stochastic_grad(self, x: Blocks, batch: int = 1) -> Blocks:
        (g,) = self.grad(x)
        if self.noise == "none" or self.sigma == 0:
            return (g,)
        xi = self.noise_samples.take(batch).mean(axis=1)
        return (g + self.sigma * asarray(xi, array_namespace(g), g.dtype),)


def noisy_matrix(
    m: int,
    n: int,
    streams: Streams,
    xp: Any,
    *,
    lam: float = 2.0,
    sigma: float = 1.0,
    noise: str = "skewed",
    target_scale: float = 2.0,
    dtype: Any = None,
) -> NoisyMatrixProblem:
    """S instances (targets T ~ N(0, target_scale²) entrywise, from the ``problem`` stream),
    started at X₀ = 0, with gradient noise of level σ drawn from the ``oracle`` stream."""
    if noise not in MATRIX_NOISE:
        raise UsageError(f"unknown noise '{noise}'; valid: {', '.join(MATRIX_NOISE)}")
    if sigma < 0 or lam < 0 or m < 1 or n < 1:
        raise UsageError(f"need m, n ≥ 1 and σ, λ ≥ 0; got m={m}, n={n}, σ={sigma}, λ={lam}")
    S = streams.n_seeds
    target = draw(streams.problem, lambda r: target_scale * r.standard_normal((m, n)))
    ell = 1.0 + lam
    constants = {
        "L2": ell,
        "L_linf": ell * m * n,
        "L_spectral": ell * min(m, n),
        "M": lam,
        "sigma": sigma,
        "f_star_lower": 0.0,
    }
    return NoisyMatrixProblem(
        target=asarray(target, xp, dtype),
        lam=lam,
        sigma=sigma,
        noise=noise,
        x0=(asarray(np.zeros((S, m, n)), xp, dtype),),
        constants=constants,
        noise_samples=(
            SampleBuffer(streams.oracle, lambda r, s: _noise_sample(noise, r, s), (m, n))
            if noise != "none"
            else None
        ),
    )
