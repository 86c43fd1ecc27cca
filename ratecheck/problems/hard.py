"""Lower-bound hard instances: the Carmon zero-chain, the Arjevani probability-q oracle and the
matrix channel embedding (reference/lower-bounds.md).

Zero-chain (Carmon, Duchi, Hinder, Sidford 2020, Lemma 1–3 [paper]; x_0 ≡ 1):

    Ψ(t) = 0 (t ≤ 1/2), exp(1 − 1/(2t − 1)²) (t > 1/2);   Φ(t) = √e ∫_{−∞}^t e^{−τ²/2} dτ
    F̄_T(x) = Σ_{i=1}^T [Ψ(−x_{i−1})Φ(−x_i) − Ψ(x_{i−1})Φ(x_i)]
    F̄_T(0) − inf F̄_T ≤ 12T,  ∇F̄_T 152-Lipschitz,  ‖∇F̄_T‖_∞ ≤ 23,
    prog_0(∇F̄_T(x)) ≤ prog_{1/2}(x) + 1,  |x_T| ≤ 1 ⇒ ‖∇F̄_T(x)‖₂ > 1

Matrix channel instance ([derived] for this project, §5): r channels, channel k a scaled chain
f_k(x) = (L/r)(λ²/ℓ₁)F̄_T(x/λ) in its own column and row block (disjoint), so the singular values
of a block-structured matrix are the channel norms and ‖∇F‖_nuc = Σ_k ‖∇f_k‖₂;
λ = 4ℓ₁ε/L, T = ⌊ΔL/(192ℓ₁ε²)⌋, ℓ₁ = 152. The channels are stored compactly as an (S, r, T)
array (the m×n matrix with m ≥ rT, n = r is never formed; ``embed`` builds it for checks).

Oracle (Arjevani et al. 2023 [paper], per channel, independent ξ_k ~ Bernoulli(q)):
[g_k]_i = ∇_i f_k·(1 + 1{i > prog_{1/4}(x_k/λ)}(ξ_k/q − 1)); q from the p-th moment budget σ^p
of §5: q = min{1, (2rc^p/(σ^p/2^{p−1} − (rc)^p))^{1/(p−1)}}, c = 92ε/r [derived].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray, device, erf
from ratecheck.errors import UsageError
from ratecheck.problems.base import Blocks
from ratecheck.seeding import SampleBuffer, Streams

ELL1 = 152.0  # Lipschitz constant of ∇F̄_T in ℓ2
GAP_PER_LINK = 12.0  # F̄_T(0) − inf F̄_T ≤ 12T
GRAD_INF = 23.0  # ‖∇F̄_T‖_∞ ≤ 23
SQRT_E = math.sqrt(math.e)


TINY = 1e-100  # Ψ's denominators are clamped here: below it Ψ(t) = exp(1 − 1/u²) is 0 anyway


def psi(t: Any) -> Any:
    xp = array_namespace(t)
    u = xp.maximum(2 * t - 1, TINY)
    return xp.where(t > 0.5, xp.exp(1 - 1 / u**2), 0.0)


def dpsi(t: Any) -> Any:
    xp = array_namespace(t)
    u = xp.maximum(2 * t - 1, TINY)
    return xp.where(t > 0.5, 4 * psi(t) / u**3, 0.0)


def phi(t: Any) -> Any:
    return SQRT_E * math.sqrt(math.pi / 2) * (1 + erf(t / math.sqrt(2)))


def dphi(t: Any) -> Any:
    xp = array_namespace(t)
    return SQRT_E * xp.exp(-(t**2) / 2)


def _shifted(x: Any, fill: Any, forward: bool) -> Any:
    """x moved one place along the last axis: x_{i+1} (``forward``) or x_{i−1}, ``fill`` at the
    vacated end (an array shaped like x[..., :1])."""
    xp = array_namespace(x)
    parts = [x[..., 1:], fill] if forward else [fill, x[..., :-1]]
    return xp.concat(parts, axis=-1)


def chain_value(x: Any) -> Any:
    """F̄_T(x) over the last axis (length T)."""
    xp = array_namespace(x)
    prev = _shifted(x, xp.ones_like(x[..., :1]), forward=False)  # x_0 ≡ 1
    return xp.sum(psi(-prev) * phi(-x) - psi(prev) * phi(x), axis=-1)


def _psi_and_dpsi(t: Any, xp: Any) -> tuple[Any, Any]:
    """(Ψ(t), Ψ'(t)) from one evaluation of Ψ: the same operations as :func:`psi` and
    :func:`dpsi`, so the same numbers bit for bit."""
    u = xp.maximum(2 * t - 1, TINY)
    value = xp.where(t > 0.5, xp.exp(1 - 1 / u**2), 0.0)
    return value, xp.where(t > 0.5, 4 * value / u**3, 0.0)


def chain_grad(x: Any) -> Any:
    """∇F̄_T(x) over the last axis:

        ∂_i F̄_T = −Ψ(−x_{i−1})Φ'(−x_i) − Ψ(x_{i−1})Φ'(x_i)
                  − Ψ'(−x_i)Φ(−x_{i+1}) − Ψ'(x_i)Φ(x_{i+1})   (the second line for i < T),

    x_0 ≡ 1. Ψ, Ψ' and Φ are evaluated once per entry of ±x and shifted (Φ' is even)."""
    xp = array_namespace(x)
    one = xp.ones_like(x[..., :1])
    psi_x, dpsi_x = _psi_and_dpsi(x, xp)
    psi_minus_x, dpsi_minus_x = _psi_and_dpsi(-x, xp)
    psi_prev = xp.concat([psi(one), psi_x[..., :-1]], axis=-1)  # Ψ(x_{i−1})
    psi_minus_prev = xp.concat([psi(-one), psi_minus_x[..., :-1]], axis=-1)  # Ψ(−x_{i−1})
    dphi_x = dphi(x)
    phi_x, phi_minus_x = phi(x), phi(-x)
    link = -psi_minus_prev * dphi_x - psi_prev * dphi_x
    forward = -dpsi_minus_x[..., :-1] * phi_minus_x[..., 1:] - dpsi_x[..., :-1] * phi_x[..., 1:]
    forward = xp.concat([forward, xp.zeros_like(one)], axis=-1)  # x_T has no successor
    return link + forward


def progress(x: Any, threshold: float) -> Any:
    """prog_a(x) = max{i : |x_i| > a} (1-based), 0 if none, over the last axis."""
    xp = array_namespace(x)
    index = xp.arange(1, x.shape[-1] + 1, device=device(x))
    return xp.max(xp.where(xp.abs(x) > threshold, index, 0), axis=-1)


def oracle_q(r: int, eps: float, sigma: float, p: float) -> float:
    """The smallest admissible q of §5 for r channels (min{1, ·}); UsageError if ε is not ≪ σ."""
    c = 92 * eps / r
    budget = sigma**p / 2 ** (p - 1) - (r * c) ** p
    if budget <= 0:
        raise UsageError(f"ε = {eps:g} is too large for σ = {sigma:g}: need (92ε)^p < σ^p/2^(p−1)")
    return min(1.0, (2 * r * c**p / budget) ** (1 / (p - 1)))


@dataclass
class ChannelInstance:
    r: int
    T: int
    lam: float
    scale: float  # (L/r)(λ/ℓ₁): ∇f_k(x) = scale·∇F̄_T(x/λ)
    q: float
    shared: bool
    x0: Blocks
    constants: dict[str, float]
    draws: SampleBuffer | None
    f_star: Any = None
    x_star: Blocks | None = None
    name: str = "channel-chain"
    _last: tuple[Any, Any] | None = None

    def value(self, x: Blocks) -> Any:
        xp = array_namespace(x[0])
        return self.scale * self.lam * xp.sum(chain_value(x[0] / self.lam), axis=-1)

    def _grad(self, X: Any) -> Any:
        """scale·∇F̄_T(X/λ), remembered for the last X (the runner's metric and the method's
        oracle call ask for the same iterate in turn)."""
        if self._last is None or self._last[0] is not X:
            self._last = (X, self.scale * chain_grad(X / self.lam))
        return self._last[1]

    def grad(self, x: Blocks) -> Blocks:
        xp = array_namespace(x[0])
        return (xp.asarray(self._grad(x[0]), copy=True),)

    def stochastic_grad(self, x: Blocks, batch: int = 1) -> Blocks:
        """Batch mean of the probability-q oracle (independent ξ per channel, or one shared ξ
        per seed for the control); one call per sample."""
        X = x[0]
        xp = array_namespace(X)
        g = self._grad(X)
        if self.draws is None:
            return (g,)
        u = self.draws.take(batch, like=X)  # (S, batch, r)
        xi = xp.mean(xp.astype(u < self.q, xp.float64), axis=1) / self.q  # mean of ξ/q
        links = xp.arange(1, self.T + 1, device=device(X))
        frontier = links > progress(X / self.lam, 0.25)[..., None]
        return (g * xp.where(frontier, xi[..., None], 1.0),)

    def chain_progress(self, x: Blocks) -> Any:
        """Mean over channels of prog_{1/4}(x_k/λ): how many links have been discovered."""
        xp = array_namespace(x[0])
        return xp.mean(xp.astype(progress(x[0] / self.lam, 0.25), xp.float64), axis=-1)

    def nuclear_grad(self, x: Blocks) -> Any:
        """‖∇F(X)‖_nuc = Σ_k ‖∇f_k(x_k)‖₂ (disjoint channel blocks)."""
        xp = array_namespace(x[0])
        g = self._grad(x[0])
        return xp.sum(xp.sqrt(xp.sum(g * g, axis=-1)), axis=-1)


def channel_instance(
    r: int,
    eps: float,
    streams: Streams,
    xp: Any,
    *,
    p: float = 1.5,
    L: float = 1.0,
    delta: float = 1.0,
    sigma: float = 1.0,
    shared: bool = False,
    q: float | None = None,
) -> ChannelInstance:
    """The r-channel instance for target ε; ``shared=True`` draws one ξ per seed for all channels
    (the control), ``q`` overrides the oracle probability."""
    if r < 1 or eps <= 0 or not 1 < p <= 2:
        raise UsageError(f"need r ≥ 1, ε > 0 and p in (1, 2]; got r={r}, ε={eps}, p={p}")
    lam = 4 * ELL1 * eps / L
    T = math.floor(delta * L / (192 * ELL1 * eps**2))
    if T < 2:
        largest = math.sqrt(delta * L / (384 * ELL1))
        raise UsageError(f"ε = {eps:g} gives a chain of length {T}: choose ε ≤ {largest:.3g}")
    q_used = oracle_q(r, eps, sigma, p) if q is None else q

    def uniforms(g: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        u = g.random((*shape[:-1], 1)) if shared else g.random(shape)
        return np.broadcast_to(u, shape).copy()

    draws = SampleBuffer(streams.oracle, uniforms, (r,))
    S = streams.n_seeds
    return ChannelInstance(
        r=r,
        T=T,
        lam=lam,
        scale=(L / r) * lam / ELL1,
        q=q_used,
        shared=shared,
        x0=(asarray(np.zeros((S, r, T)), xp),),
        constants={
            "L": L,
            "Delta": delta,
            "sigma": sigma,
            "p": p,
            "epsilon": eps,
            "T": T,
            "lambda": lam,
            "q": q_used,
            "rq": r * q_used,
        },
        draws=draws,
    )


def embed(x: np.ndarray, rows: int | None = None) -> np.ndarray:
    """The m×n matrix of a compact (S, r, T) channel array: channel k in column k, rows
    kT … (k+1)T − 1; ``rows`` pads m beyond rT."""
    S, r, T = x.shape
    m = rows or r * T
    out = np.zeros((S, m, r))
    for k in range(r):
        out[:, k * T : (k + 1) * T, k] = x[:, k, :]
    return out


@dataclass(frozen=True)
class ChannelSpectral:
    """The spectral norm on block-structured channel matrices, on the compact (S, r, T) form.

    The embedded matrix has columns with disjoint supports, so its singular values are the
    channel norms ‖x_k‖₂: ‖X‖_op = max_k ‖x_k‖₂, ‖D‖_nuc = Σ_k ‖d_k‖₂ and the exact spectral LMO
    −UVᵀ normalizes each channel: lmo(D)_k = −d_k/‖d_k‖₂ (0 for a zero channel). Checked against
    the SVD of the embedded matrix in the tests.
    """

    name: str = "channel-spectral"

    def norm(self, x: Any) -> Any:
        xp = array_namespace(x)
        return xp.max(xp.sqrt(xp.sum(x * x, axis=-1)), axis=-1)

    def dual(self, d: Any) -> Any:
        xp = array_namespace(d)
        return xp.sum(xp.sqrt(xp.sum(d * d, axis=-1)), axis=-1)

    def lmo(self, d: Any) -> Any:
        xp = array_namespace(d)
        size = xp.sqrt(xp.sum(d * d, axis=-1))[..., None]
        return -xp.where(size > 0, d / xp.where(size > 0, size, 1.0), 0.0)
