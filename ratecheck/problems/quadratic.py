"""Strongly convex quadratics with a prescribed spectrum.

    f(x) = ½ (x − x*)ᵀ A (x − x*) + f*,   A = Q diag(λ) Qᵀ,   ∇f(x) = A (x − x*),

with Q Haar-orthogonal (QR of a Gaussian, signs fixed by sign(diag R)) and λ ⊂ [μ, L] containing
both endpoints μ = L/κ and L; the interior eigenvalues are log-uniform. Exact constants: L, μ, κ,
x*, f*. Optional gradient noise: additive g + σξ or multiplicative g ⊙ (1 + σξ), ξ ~ N(0, I).
Reference: shared/reference/polyak-momentum.md §2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import asarray
from ratecheck.errors import UsageError
from ratecheck.problems.base import Blocks
from ratecheck.seeding import SampleBuffer, Streams, draw

NOISE_KINDS = ("none", "additive", "multiplicative")


def haar_orthogonal(rng: np.random.Generator, dim: int) -> np.ndarray:
    """A Haar-distributed orthogonal matrix: QR of a Gaussian with the signs of diag R fixed."""
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def spectrum(rng: np.random.Generator, dim: int, mu: float, L: float) -> np.ndarray:
    """Sorted eigenvalues: μ, L and dim − 2 log-uniform values between them."""
    inner = np.exp(rng.uniform(np.log(mu), np.log(L), size=dim - 2))
    return np.sort(np.concatenate([[mu], inner, [L]]))


@dataclass
class Quadratic:
    """A batch of S quadratics (one per seed), see the module docstring."""

    A: Any  # (S, d, d)
    eigvals: Any  # (S, d), ascending
    eigvecs: Any  # (S, d, d), columns are eigenvectors
    x_star: Blocks  # ((S, d),)
    f_star: Any  # (S,)
    x0: Blocks
    constants: dict[str, float]
    noise: str = "none"
    sigma: float = 0.0
    noise_samples: SampleBuffer | None = None
    name: str = "quadratic"

    @property
    def xp(self) -> Any:
        from ratecheck.backend import array_namespace

        return array_namespace(self.A)

    def value(self, x: Blocks) -> Any:
        xp = self.xp
        e = x[0] - self.x_star[0]
        return 0.5 * xp.sum(e * xp.squeeze(self.A @ e[..., None], axis=-1), axis=-1) + self.f_star

    def grad(self, x: Blocks) -> Blocks:
        xp = self.xp
        return (xp.squeeze(self.A @ (x[0] - self.x_star[0])[..., None], axis=-1),)

    def hvp(self, x: Blocks, v: Blocks) -> Blocks:
        return (self.xp.squeeze(self.A @ v[0][..., None], axis=-1),)

    def stochastic_grad(self, x: Blocks, batch: int = 1) -> Blocks:
        (g,) = self.grad(x)
        if self.noise == "none":
            return (g,)
        xi = self.noise_samples.mean(batch, like=g)
        return (g + self.sigma * xi,) if self.noise == "additive" else (g * (1 + self.sigma * xi),)


def quadratic(
    kappa: float,
    dim: int,
    streams: Streams,
    xp: Any,
    *,
    L: float = 1.0,
    centered: bool = False,
    eigenvalues: np.ndarray | None = None,
    start: np.ndarray | None = None,
    noise: str = "none",
    sigma: float = 0.0,
    dtype: Any = None,
) -> Quadratic:
    """S quadratics with condition number ``kappa`` in dimension ``dim``.

    ``centered=True`` puts x* = 0 and f* = 0, so the iterates approach 0 with relative precision
    and a linear rate can be followed over hundreds of decades instead of stopping at round-off.
    ``eigenvalues`` fixes the spectrum (must contain μ and L); ``start`` fixes e_0 = x_0 − x* in
    the eigenbasis (shape (d,)), otherwise x_0 − x* is Gaussian.
    """
    if not np.isfinite(kappa) or kappa < 1:
        raise UsageError(f"kappa must be a finite number ≥ 1, got {kappa}")
    if dim < 2:
        raise UsageError(f"dimension must be ≥ 2, got {dim}")
    if noise not in NOISE_KINDS:
        raise UsageError(f"unknown noise '{noise}'; valid: {', '.join(NOISE_KINDS)}")
    mu = L / kappa
    S = streams.n_seeds
    lam = (
        np.broadcast_to(np.asarray(eigenvalues, dtype=float), (S, dim))
        if eigenvalues is not None
        else draw(streams.problem, lambda r: spectrum(r, dim, mu, L))
    )
    Q = draw(streams.problem, lambda r: haar_orthogonal(r, dim))
    A = np.einsum("sij,sj,skj->sik", Q, lam, Q)
    A = 0.5 * (A + np.swapaxes(A, 1, 2))
    if centered:
        x_star, f_star = np.zeros((S, dim)), np.zeros(S)
    else:
        x_star = draw(streams.problem, lambda r: r.standard_normal(dim))
        f_star = draw(streams.problem, lambda r: r.standard_normal())
    if start is None:
        e0 = draw(streams.init, lambda r: r.standard_normal(dim))
    else:
        e0 = np.einsum("sij,j->si", Q, np.asarray(start, dtype=float))
    return Quadratic(
        A=asarray(A, xp, dtype),
        eigvals=asarray(lam, xp, dtype),
        eigvecs=asarray(Q, xp, dtype),
        x_star=(asarray(x_star, xp, dtype),),
        f_star=asarray(f_star, xp, dtype),
        x0=(asarray(x_star + e0, xp, dtype),),
        constants={"L": L, "mu": mu, "kappa": kappa},
        noise=noise,
        sigma=sigma,
        noise_samples=(
            SampleBuffer(streams.oracle, lambda r, s: r.standard_normal(s), (dim,))
            if noise != "none"
            else None
        ),
    )
