"""(L0, L1)-smooth test problems with exact constants: gradients that are not globally Lipschitz.

Entrywise (ℓ2 and ℓ∞ geometry), X ∈ R^{m×n}, d = mn:

    f(X) = Σ_ij cosh(X_ij − T_ij),   ∇f = sinh(X − T),   ∇²f[V] = cosh(X − T) ⊙ V
    X* = T, f* = d;  ℓ2: L0 = e^{1/e}, L1 = e;  ℓ∞ (dual ℓ1): L0 = e^{1/e}·d, L1 = e

Spectral (dual nuclear), r = min{m, n}, U ∈ R^{m×r}, V ∈ R^{n×r} with orthonormal columns:

    F(X) = Σ_k cosh(z_k − τ_k),  z_k = u_kᵀ X v_k,   ∇F = U diag(sinh(z − τ)) Vᵀ,
    ∇²F[W] = U diag(cosh(z − τ) ⊙ diag(Uᵀ W V)) Vᵀ
    X* = U diag(τ) Vᵀ (one minimizer), F* = r;  L0 = e^{1/e}·r, L1 = e (also in ℓ2: e^{1/e}, e)

The (L0, L1) constants hold in the first-order form on radius 1/L1 (GGNC Assumption 4.2) and
are from reference/clipping-l0l1.md §8 [derived there, checked by sampling]. Hessian smoothness
in the symmetric form of reference/lmo-momentum-and-hcm.md §7.2 with (M0, M1) = (0, 1) in ℓ2:
|cosh a − cosh b| ≤ |a − b|·sup_θ |sinh a_θ| [derived]. Neither function is globally L-smooth:
‖∇²f‖ = max cosh ≤ 1 + ‖∇f‖_∞ grows with the gradient.

Noise (same model as problems/matrix.py): g = ∇f + σξ with ξ "gaussian" or "skewed"
(Exp(1) − 1) entries; H[V] = ∇²f[V] + σ_H ζ ⊙ V, ζ ~ N(0, 1) entries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray
from ratecheck.errors import UsageError
from ratecheck.problems.base import Blocks
from ratecheck.problems.matrix import NoisyOracles, noise_buffers
from ratecheck.problems.quadratic import haar_orthogonal
from ratecheck.seeding import SampleBuffer, Streams, draw

COSH_STRUCTURES = ("entrywise", "spectral")
E_1_E = math.exp(1 / math.e)


@dataclass
class CoshProblem(NoisyOracles):
    structure: str
    target: Any  # entrywise: T (S, m, n); spectral: τ (S, r)
    U: Any | None
    V: Any | None
    sigma: float
    x0: Blocks
    x_star: Blocks
    f_star: Any
    constants: dict[str, float]
    noise_samples: SampleBuffer | None
    sigma_hessian: float = 0.0
    hessian_samples: SampleBuffer | None = None
    scale: float = 1.0
    name: str = "cosh"

    def _z(self, X: Any) -> Any:
        """Entrywise: X − T; spectral: z − τ with z_k = u_kᵀ X v_k."""
        if self.structure == "entrywise":
            return X - self.target
        xp = array_namespace(X)
        return xp.sum(self.U * (X @ self.V), axis=-2) - self.target

    def _lift(self, w: Any) -> Any:
        """Entrywise: w; spectral: U diag(w) Vᵀ."""
        if self.structure == "entrywise":
            return w
        xp = array_namespace(w)
        return (self.U * w[..., None, :]) @ xp.matrix_transpose(self.V)

    def value(self, x: Blocks) -> Any:
        xp = array_namespace(x[0])
        c = self.scale * xp.cosh(self._z(x[0]))
        return xp.sum(c, axis=(-2, -1)) if self.structure == "entrywise" else xp.sum(c, axis=-1)

    def grad(self, x: Blocks) -> Blocks:
        xp = array_namespace(x[0])
        return (self._lift(self.scale * xp.sinh(self._z(x[0]))),)

    def hvp(self, x: Blocks, v: Blocks) -> Blocks:
        xp = array_namespace(x[0])
        curvature = self.scale * xp.cosh(self._z(x[0]))
        if self.structure == "entrywise":
            return (curvature * v[0],)
        w = xp.sum(self.U * (v[0] @ self.V), axis=-2)  # diag(Uᵀ W V)
        return (self._lift(curvature * w),)


def _entrywise_norms(T: np.ndarray, name: str) -> np.ndarray:
    if name == "l2":
        return np.sqrt(np.sum(T * T, axis=(1, 2)))
    if name == "linf":
        return np.max(np.abs(T), axis=(1, 2))
    raise UsageError(f"unknown distance norm '{name}'; valid: l2, linf")


def cosh_problem(
    m: int,
    n: int,
    streams: Streams,
    xp: Any,
    *,
    structure: str = "entrywise",
    sigma: float = 1.0,
    noise: str = "gaussian",
    target_scale: float = 2.0,
    start_distance: float | None = None,
    distance_norm: str = "l2",
    scale: float = 1.0,
    sigma_hessian: float = 0.0,
    dtype: Any = None,
) -> CoshProblem:
    """S instances of the cosh problem, started at X₀ = 0 (targets T or τ ~ N(0, target_scale²)
    and, for ``structure="spectral"``, Haar U, V from the ``problem`` stream).

    ``start_distance``: rescale each target so that ‖X₀ − X*‖ = start_distance exactly, in
    ``distance_norm`` ("l2": Frobenius, "linf": max-entry; the spectral structure always uses the
    spectral norm, ‖U diag(τ) Vᵀ‖₂ = max|τ_k|). ``scale`` multiplies f (and ∇f, ∇²f, f*, L0;
    L1 and (M0, M1) are unchanged: both sides of their inequalities scale alike)."""
    if structure not in COSH_STRUCTURES:
        raise UsageError(
            f"unknown cosh structure '{structure}'; valid: {', '.join(COSH_STRUCTURES)}"
        )
    if sigma < 0 or sigma_hessian < 0 or m < 1 or n < 1 or not scale > 0:
        raise UsageError(
            f"need m, n ≥ 1, σ, σ_H ≥ 0 and scale > 0; got m={m}, n={n}, σ={sigma}, "
            f"σ_H={sigma_hessian}, scale={scale}"
        )
    grad_noise, hess_noise = noise_buffers(streams, noise, sigma_hessian, (m, n))
    r, d = min(m, n), m * n
    constants = {
        "L0_l2": scale * E_1_E,
        "L1_l2": math.e,
        "M0_l2": 0.0,
        "M1_l2": 1.0,
        "sigma": sigma,
        "sigma_hessian": sigma_hessian,
    }
    U = V = None
    if structure == "entrywise":
        target = draw(streams.problem, lambda g: target_scale * g.standard_normal((m, n)))
        if start_distance is not None:
            size = _entrywise_norms(target, distance_norm)
            target = target * (start_distance / size)[:, None, None]
        x_star, f_star = target, float(d)
        constants |= {"L0_linf": scale * E_1_E * d, "L1_linf": math.e}
    else:

        def frame(g):
            return haar_orthogonal(g, m)[:, :r], haar_orthogonal(g, n)[:, :r]

        frames = [frame(g) for g in streams.problem]
        U = np.stack([f[0] for f in frames])
        V = np.stack([f[1] for f in frames])
        target = draw(streams.problem, lambda g: target_scale * g.standard_normal(r))
        if start_distance is not None:
            target = target * (start_distance / np.max(np.abs(target), axis=1))[:, None]
        x_star, f_star = (U * target[:, None, :]) @ np.swapaxes(V, 1, 2), float(r)
        constants |= {"L0_spectral": scale * E_1_E * r, "L1_spectral": math.e}
        U, V = asarray(U, xp, dtype), asarray(V, xp, dtype)
    S = streams.n_seeds
    return CoshProblem(
        structure=structure,
        target=asarray(target, xp, dtype),
        U=U,
        V=V,
        sigma=sigma,
        x0=(asarray(np.zeros((S, m, n)), xp, dtype),),
        x_star=(asarray(x_star, xp, dtype),),
        f_star=asarray(np.full(S, scale * f_star), xp, dtype),
        constants=constants,
        noise_samples=grad_noise,
        sigma_hessian=sigma_hessian,
        hessian_samples=hess_noise,
        scale=scale,
        name=f"cosh-{structure}",
    )


def ball_smoothness(problem: CoshProblem, radius: float) -> np.ndarray:
    """Per seed, the Lipschitz constant of ∇f on the ball {‖X‖ ≤ radius} [derived]:

        entrywise, ℓ∞ → ℓ1:  L = scale·Σ_ij cosh(radius + |T_ij|)
        spectral, S∞ → S1:   L = scale·Σ_k cosh(radius + |τ_k|)

    (|sinh a − sinh b| ≤ cosh(max{|a|, |b|})·|a − b| and |u_kᵀ(X − Y)v_k| ≤ ‖X − Y‖₂)."""
    from ratecheck.backend import to_host

    T = np.abs(to_host(problem.target))
    axes = (1, 2) if problem.structure == "entrywise" else 1
    return problem.scale * np.sum(np.cosh(radius + T), axis=axes)
