"""A noisy smooth nonconvex matrix problem, usable in ℓ2 (Frobenius), ℓ∞ (sign) and spectral
geometry.

    f(X) = Σ_ij [ ½ (X_ij − T_ij)² + λ (1 − cos X_ij) ]           (λ > 1: nonconvex)
    ∇f(X) = X − T + λ sin X,      ∇²f(X)[V] = (1 + λ cos X) ⊙ V
    g(X; ξ) = ∇f(X) + σ ξ,        ξ_ij iid, zero mean, unit variance:
        "gaussian": N(0, 1);   "skewed": Exp(1) − 1 (centred exponential, skewness 2)
    H(X; ξ')[V] = ∇²f(X)[V] + σ_H ζ ⊙ V,   ζ_ij iid N(0, 1), independent of ξ:
        E H(X; ξ')[V] = ∇²f(X)[V] and E‖H(X; ξ')[V] − ∇²f(X)[V]‖_F² = σ_H²‖V‖_F²

Constants (exact where stated; X ∈ R^{m×n}, r = min{m, n}, ℓ = 1 + λ):
    L₂ = ℓ (Euclidean); L = ℓ·mn for ℓ∞ → ℓ₁ and L = ℓ·r for S∞ → S₁ (upper bounds [derived]);
    Hessian-Lipschitz M = λ (Euclidean, [derived]); f* ≥ 0 (lower bound; f* itself unknown);
    σ² = E‖g − ∇f‖_F² / (mn) per entry, i.e. E‖g − ∇f‖_F² = σ²·mn; σ_H as above.
(reference/lmo-momentum-and-hcm.md §6, "HVP oracles in the testbed" [derived])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray, like
from ratecheck.errors import UsageError
from ratecheck.problems.base import Blocks
from ratecheck.seeding import SampleBuffer, Streams, draw

MATRIX_NOISE = ("none", "gaussian", "skewed")


def _noise_sample(kind: str, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    if kind == "gaussian":
        return rng.standard_normal(shape)
    return rng.exponential(1.0, shape) - 1.0


class NoisyOracles:
    """Stochastic gradient and Hessian-vector oracles of a one-block problem from its exact
    ``grad``/``hvp`` plus noise buffers (``noise_samples``: gradient, ``hessian_samples``:
    Hessian), each drawn per seed from its own stream."""

    sigma: float
    sigma_hessian: float
    noise_samples: SampleBuffer | None
    hessian_samples: SampleBuffer | None

    def stochastic_grad(self, x: Blocks, batch: int = 1) -> Blocks:
        """∇f(X) + σ·mean of ``batch`` noise samples."""
        (g,) = self.grad(x)
        if self.noise_samples is None or self.sigma == 0:
            return (g,)
        return (g + self.sigma * self.noise_samples.mean(batch, like=g),)

    def stochastic_hvp(self, x: Blocks, v: Blocks) -> Blocks:
        """∇²f(X)[V] + σ_H ζ ⊙ V."""
        (h,) = self.hvp(x, v)
        if self.hessian_samples is None or self.sigma_hessian == 0:
            return (h,)
        zeta = like(self.hessian_samples.take(1, like=h)[:, 0, ...], h)
        return (h + self.sigma_hessian * zeta * v[0],)


def noise_buffers(
    streams: Streams, noise: str, sigma_hessian: float, shape: tuple[int, int]
) -> tuple[SampleBuffer | None, SampleBuffer | None]:
    """(gradient noise, Hessian noise) buffers from the ``oracle`` and ``hessian`` streams."""
    if noise not in MATRIX_NOISE:
        raise UsageError(f"unknown noise '{noise}'; valid: {', '.join(MATRIX_NOISE)}")
    grad_noise = (
        SampleBuffer(streams.oracle, lambda r, s: _noise_sample(noise, r, s), shape)
        if noise != "none"
        else None
    )
    hess_noise = (
        SampleBuffer(streams.hessian, lambda r, s: r.standard_normal(s), shape)
        if sigma_hessian > 0
        else None
    )
    return grad_noise, hess_noise


@dataclass
class NoisyMatrixProblem(NoisyOracles):
    target: Any  # (S, m, n)
    lam: float
    sigma: float
    noise: str
    x0: Blocks
    constants: dict[str, float]
    noise_samples: SampleBuffer | None
    sigma_hessian: float = 0.0
    hessian_samples: SampleBuffer | None = None
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
    sigma_hessian: float = 0.0,
    sampler: Any = None,
    dtype: Any = None,
) -> NoisyMatrixProblem:
    """S instances (targets T ~ N(0, target_scale²) entrywise, from the ``problem`` stream),
    started at X₀ = 0, with gradient noise of level σ drawn from the ``oracle`` stream and
    Hessian-vector noise of level σ_H from the ``hessian`` stream. ``sampler(rng, shape)``
    replaces the unit-scale noise kind (e.g. heavy-tailed noise from problems/noise.py; σ then
    multiplies its samples as usual)."""
    if sigma < 0 or lam < 0 or sigma_hessian < 0 or m < 1 or n < 1:
        raise UsageError(
            f"need m, n ≥ 1 and σ, σ_H, λ ≥ 0; got m={m}, n={n}, σ={sigma}, σ_H={sigma_hessian},"
            f" λ={lam}"
        )
    grad_noise, hess_noise = noise_buffers(streams, noise, sigma_hessian, (m, n))
    if sampler is not None:
        grad_noise = SampleBuffer(streams.oracle, sampler, (m, n))
    S = streams.n_seeds
    target = draw(streams.problem, lambda r: target_scale * r.standard_normal((m, n)))
    ell = 1.0 + lam
    constants = {
        "L2": ell,
        "L_linf": ell * m * n,
        "L_spectral": ell * min(m, n),
        "M": lam,
        "sigma": sigma,
        "sigma_hessian": sigma_hessian,
        "f_star_lower": 0.0,
    }
    return NoisyMatrixProblem(
        target=asarray(target, xp, dtype),
        lam=lam,
        sigma=sigma,
        noise=noise,
        x0=(asarray(np.zeros((S, m, n)), xp, dtype),),
        constants=constants,
        noise_samples=grad_noise,
        sigma_hessian=sigma_hessian,
        hessian_samples=hess_noise,
    )
