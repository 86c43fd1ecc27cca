"""Stochastic low-rank matrix problems whose constants are dimension-free in every Schatten
geometry, with noise bounded in a chosen geometry (reference/schattor.md §4 [derived]).

One or more blocks X_b ∈ R^{m×n}; block b has scale c_b, a fixed number k of rank-one terms,
U_b ∈ R^{m×k}, V_b ∈ R^{n×k} with orthonormal columns (Haar) and targets τ_b ∈ R^k:

    F(X) = Σ_b (c_b/2) Σ_{i≤k} (u_{b,i}ᵀ X_b v_{b,i} − τ_{b,i})²
    ∇_b F = c_b U_b diag(z_b − τ_b) V_bᵀ,   z_{b,i} = u_{b,i}ᵀ X_b v_{b,i};   F* = 0

For every p ∈ [1, ∞] (dual q): ‖∇_b F(X) − ∇_b F(Y)‖_{S_q} = c_b‖δz‖_q ≤ c_b k^{1/q}‖X_b − Y_b‖
in S_p (|δz_i| ≤ ‖X_b − Y_b‖_{S_∞} ≤ ‖X_b − Y_b‖_{S_p}), so L_b = c_b k^{1/q} does not depend on
r = min{m, n} [derived]. Start X = 0, Δ = F(0) = Σ_b (c_b/2)‖τ_b‖².

Noise g_b = ∇_b F + ξ_b, independent per block and step:
    "spiky":  ξ = σ·s·u vᵀ, s = ±1, u, v uniform unit vectors: ‖ξ‖_{S_q} = σ in every geometry
    "spread": ξ = σ·W/√(mn), W with N(0, 1) entries: E‖ξ‖_F² = σ², but ‖ξ‖_{S_1} ≈ (8/(3π))σ√r
              grows with r (square blocks) — bounded only in Frobenius norm
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray, to_host
from ratecheck.errors import UsageError
from ratecheck.problems.base import Blocks
from ratecheck.problems.quadratic import haar_orthogonal
from ratecheck.seeding import SampleBuffer, Streams

SCHATTEN_NOISE = ("none", "spiky", "spread")


def _spiky(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    *lead, m, n = shape
    u = r.standard_normal((*lead, m))
    v = r.standard_normal((*lead, n))
    u /= np.linalg.norm(u, axis=-1, keepdims=True)
    v /= np.linalg.norm(v, axis=-1, keepdims=True)
    sign = r.choice((-1.0, 1.0), size=tuple(lead))
    return sign[..., None, None] * u[..., :, None] * v[..., None, :]


def _spread(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    m, n = shape[-2:]
    return r.standard_normal(shape) / np.sqrt(m * n)


@dataclass
class LowRankProblem:
    U: list[Any]  # per block (S, m, k)
    V: list[Any]  # per block (S, n, k)
    tau: list[Any]  # per block (S, k)
    scales: tuple[float, ...]
    sigma: float
    noise: str
    x0: Blocks
    constants: dict[str, float]
    noise_samples: list[SampleBuffer] | None
    f_star: Any = None
    x_star: Blocks | None = None
    name: str = "low-rank"
    _stacked: tuple[Any, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def _residual(self, b: int, X: Any) -> Any:
        xp = array_namespace(X)
        return xp.sum(self.U[b] * (X @ self.V[b]), axis=-2) - self.tau[b]

    def value(self, x: Blocks) -> Any:
        xp = array_namespace(x[0])
        return sum(
            c / 2 * xp.sum(self._residual(b, X) ** 2, axis=-1)
            for b, (c, X) in enumerate(zip(self.scales, x))
        )

    def grad(self, x: Blocks) -> Blocks:
        xp = array_namespace(x[0])
        if len(x) > 1:
            G = self.stacked_grad(x)
            return tuple(G[b] for b in range(len(x)))
        return tuple(
            c * (self.U[b] * self._residual(b, X)[..., None, :]) @ xp.matrix_transpose(self.V[b])
            for b, (c, X) in enumerate(zip(self.scales, x))
        )

    def stacked_grad(self, x: Blocks) -> Any:
        """(B, S, m, n): ∇_b F for every block b at once, on the blocks stacked along a leading
        axis (every block is m × n): the numbers of the block-by-block formula, with one call
        per operation instead of one per block."""
        xp = array_namespace(x[0])
        if self._stacked is None:
            c = asarray(np.asarray(self.scales)[:, None, None, None], xp, self.U[0].dtype)
            self._stacked = (xp.stack(self.U), xp.stack(self.V), xp.stack(self.tau), c)
        U, V, tau, c = self._stacked
        X = xp.stack(list(x))
        z = xp.sum(U * (X @ V), axis=-2) - tau
        return c * (U * z[..., None, :]) @ xp.matrix_transpose(V)

    def stochastic_grad(self, x: Blocks, batch: int = 1) -> Blocks:
        g = self.grad(x)
        if self.noise_samples is None or self.sigma == 0:
            return g
        return tuple(
            gb + self.sigma * buf.mean(batch, like=gb) for gb, buf in zip(g, self.noise_samples)
        )


def low_rank_problem(
    m: int,
    n: int,
    streams: Streams,
    xp: Any,
    *,
    rank: int = 4,
    scales: tuple[float, ...] = (1.0,),
    noise: str = "spiky",
    sigma: float = 1.0,
    target_scale: float = 1.0,
    targets: np.ndarray | None = None,
    dtype: Any = None,
) -> LowRankProblem:
    """S instances with len(scales) blocks of shape m × n (see the module docstring).

    ``targets`` (S, rank) fixes τ for every block (e.g. the same τ at every size r, so that Δ
    does not change with r); otherwise τ ~ N(0, target_scale²) from the ``problem`` stream."""
    if noise not in SCHATTEN_NOISE:
        raise UsageError(f"unknown noise '{noise}'; valid: {', '.join(SCHATTEN_NOISE)}")
    if rank < 1 or rank > min(m, n) or sigma < 0 or not all(c > 0 for c in scales):
        raise UsageError(
            f"need 1 ≤ rank ≤ min(m, n), σ ≥ 0 and positive scales; got rank={rank}, "
            f"m={m}, n={n}, σ={sigma}, scales={scales}"
        )
    S = streams.n_seeds
    U, V, tau = [], [], []
    for _ in scales:
        frames = [
            (haar_orthogonal(g, m)[:, :rank], haar_orthogonal(g, n)[:, :rank])
            for g in streams.problem
        ]
        U.append(asarray(np.stack([f[0] for f in frames]), xp, dtype))
        V.append(asarray(np.stack([f[1] for f in frames]), xp, dtype))
        drawn = np.stack([target_scale * g.standard_normal(rank) for g in streams.problem])
        tau.append(asarray(drawn if targets is None else np.asarray(targets), xp, dtype))
    sample = {"spiky": _spiky, "spread": _spread}.get(noise)
    buffers = None
    if sample is not None:
        buffers = [SampleBuffer(streams.oracle, sample, (m, n), chunk=256) for _ in scales]
    return LowRankProblem(
        U=U,
        V=V,
        tau=tau,
        scales=tuple(float(c) for c in scales),
        sigma=sigma,
        noise=noise,
        x0=tuple(asarray(np.zeros((S, m, n)), xp, dtype) for _ in scales),
        constants={"rank": rank, "sigma": sigma, "r": min(m, n)},
        noise_samples=buffers,
        f_star=asarray(np.zeros(S), xp, dtype),
        name=f"low-rank-{noise}",
    )


def smoothness(problem: LowRankProblem, q: float) -> tuple[float, ...]:
    """L_b = c_b k^{1/q} per block, from (S_p) to (S_q), for any p [derived]."""
    k = problem.constants["rank"]
    return tuple(c * k ** (1 / q) for c in problem.scales)


def noise_level(problem: LowRankProblem, q: float, samples: int = 2000) -> float:
    """E‖ξ‖_{S_q} of one block's noise by Monte Carlo on fresh draws (a copy of the stream is
    not taken: this consumes samples, so call it on a separate instance)."""
    if problem.noise_samples is None:
        return 0.0
    xi = problem.noise_samples[0].take(samples).reshape(-1, *problem.x0[0].shape[1:])
    s = np.linalg.svd(to_host(xi), compute_uv=False)
    norms = np.max(s, axis=-1) if q == np.inf else np.sum(s**q, axis=-1) ** (1 / q)
    return float(problem.sigma * np.mean(norms))
