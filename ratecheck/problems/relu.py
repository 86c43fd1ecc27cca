"""One-hidden-layer ReLU network in the NTK regime (Du et al. 2019; Wang, Lin, Abernethy 2021).

    N_W(x) = (1/√m) Σ_r a_r relu(w_rᵀx),   a_r = ±1 fixed,  w_r(0) ~ N(0, I_d)
    ℓ(W)   = ½ Σ_i (N_W(x_i) − y_i)²
    ∂ℓ/∂w_r = (a_r/√m) Σ_i (N_W(x_i) − y_i) 1{w_rᵀx_i ≥ 0} x_i

Gram matrices (reference/polyak-momentum.md §7.2):
    infinite width  H̄_ij = x_iᵀx_j (π − arccos x_iᵀx_j)/(2π)               [closed form: derived]
    finite width    H(W)_ij = (1/m) Σ_r x_iᵀx_j 1{w_rᵀx_i ≥ 0} 1{w_rᵀx_j ≥ 0}
A gradient step with rate η moves the outputs by ≈ −η H(W)(u − y). κ' = λ_max(H̄)/λ_min(H̄).

Data: n unit vectors in R^d, one pair at angle θ (λ_min(H̄) ≈ θ/(2π), so κ' ∝ 1/θ), labels
y ~ N(0, 1). The parameter block is W with shape (S, m, d).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray, like, to_host
from ratecheck.errors import UsageError
from ratecheck.problems.base import Blocks
from ratecheck.seeding import Streams, draw


def gram_closed_form(X: np.ndarray) -> np.ndarray:
    """H̄ for unit-norm rows of X (..., n, d); the cosine is clipped to [−1, 1] before arccos."""
    c = np.clip(X @ np.swapaxes(X, -1, -2), -1.0, 1.0)
    return c * (np.pi - np.arccos(c)) / (2 * np.pi)


def unit_data_with_angle(rng: np.random.Generator, n: int, d: int, theta: float) -> np.ndarray:
    """n unit vectors in R^d: n − 1 random ones and a copy of the first rotated by angle θ."""
    X = rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    v = rng.standard_normal(d)
    v -= (v @ X[0]) * X[0]
    v /= np.linalg.norm(v)
    X[-1] = math.cos(theta) * X[0] + math.sin(theta) * v
    return X


@dataclass
class ReluNet:
    X: Any  # (S, n, d) inputs, unit rows
    y: Any  # (S, n) labels
    a: Any  # (S, m) output signs
    x0: Blocks  # ((S, m, d),)
    gram: np.ndarray  # (S, n, n) infinite-width Gram matrix (host)
    constants: dict[str, Any]
    x_star: Blocks | None = None
    f_star: Any = 0.0  # realizable: the loss reaches 0 in the over-parameterized regime
    name: str = "relu-net"

    def _pre(self, W: Any) -> Any:
        xp = array_namespace(W)
        return self.X @ xp.matrix_transpose(W)  # (S, n, m)

    def outputs(self, x: Blocks) -> Any:
        xp = array_namespace(x[0])
        m = x[0].shape[-2]
        Z = self._pre(x[0])
        return (xp.maximum(Z, 0.0) @ self.a[..., None])[..., 0] / math.sqrt(m)

    def residual(self, x: Blocks) -> Any:
        return self.outputs(x) - self.y

    def value(self, x: Blocks) -> Any:
        r = self.residual(x)
        return 0.5 * array_namespace(r).sum(r * r, axis=-1)

    def grad(self, x: Blocks) -> Blocks:
        xp = array_namespace(x[0])
        W = x[0]
        m = W.shape[-2]
        active = xp.astype(self._pre(W) >= 0, W.dtype)  # (S, n, m)
        r = self.residual(x)
        G = xp.matrix_transpose(active * r[..., None]) @ self.X  # (S, m, d)
        return (G * self.a[..., None] / math.sqrt(m),)

    def finite_gram(self, x: Blocks) -> Any:
        """H(W) = (1/m) (XXᵀ) ⊙ (A Aᵀ), A_ir = 1{w_rᵀx_i ≥ 0}."""
        xp = array_namespace(x[0])
        A = xp.astype(self._pre(x[0]) >= 0, x[0].dtype)
        return (
            (self.X @ xp.matrix_transpose(self.X)) * (A @ xp.matrix_transpose(A)) / x[0].shape[-2]
        )


def relu_net(
    n: int, d: int, width: int, theta: float, streams: Streams, xp: Any, dtype: Any = None
) -> ReluNet:
    """S networks sharing one dataset (smallest pair angle θ), each with its own a and W(0)."""
    if not 0 < theta < math.pi:
        raise UsageError(f"theta must be in (0, π), got {theta}")
    if min(n, d, width) < 2:
        raise UsageError(f"need n, d, width ≥ 2, got n={n}, d={d}, width={width}")
    S = streams.n_seeds  # one dataset (from seed 0's problem stream); seeds are initializations
    data_rng = streams.problem[0]
    X = np.broadcast_to(unit_data_with_angle(data_rng, n, d, theta), (S, n, d)).copy()
    y = np.broadcast_to(data_rng.standard_normal(n), (S, n)).copy()
    a = draw(streams.init, lambda r: r.choice([-1.0, 1.0], size=width))
    W0 = draw(streams.init, lambda r: r.standard_normal((width, d)))
    H = gram_closed_form(X)
    eig = np.linalg.eigvalsh(H)
    lam_min, lam_max = eig[:, 0], eig[:, -1]
    constants = {"lambda_min": lam_min, "lambda_max": lam_max, "kappa_prime": lam_max / lam_min}
    return ReluNet(
        X=asarray(X, xp, dtype),
        y=asarray(y, xp, dtype),
        a=asarray(a, xp, dtype),
        x0=(asarray(W0, xp, dtype),),
        gram=H,
        constants=constants,
    )


def gram_drift(net: ReluNet, W_t: Blocks) -> np.ndarray:
    """‖H(W_t) − H(W_0)‖₂ / λ_min(H(W_0)) per seed: the quantity the width requirement controls."""
    H0 = to_host(net.finite_gram(net.x0))
    Ht = to_host(net.finite_gram(W_t))
    return np.linalg.norm(Ht - H0, ord=2, axis=(-2, -1)) / np.linalg.eigvalsh(H0)[:, 0]


def equally_excited(net: ReluNet) -> ReluNet:
    """The same network with labels y = u₀ − V·1/√n, V the eigenvectors of H(W₀): the initial
    residual has equal weight on every eigen-direction of the initial dynamics, so the slowest
    mode (λ_min) is present and a fitted contraction factor is the asymptotic one."""
    from dataclasses import replace

    H0 = to_host(net.finite_gram(net.x0))
    _, V = np.linalg.eigh(H0)
    r0 = V.sum(axis=-1) / math.sqrt(H0.shape[-1])  # (S, n)
    y = to_host(net.outputs(net.x0)) - r0
    return replace(net, y=like(y, net.X))


def near_init_labels(net: ReluNet, scale: float) -> ReluNet:
    """The same network with labels y = u₀ + s·z: u₀ each seed's initial outputs (O(1), so the
    labels stay O(1) as the model assumes), z the dataset's N(0, 1) labels, s = ``scale``.

    The initial residual is −s·z, and the weights move by O(s‖z‖/(√m λ_min)) [derived], so the
    NTK drift of residual scale s at width m is that of residual scale 1 at width m/s²: a small
    s reaches the width the theorem requires (m = Ω(λ⁻⁴n⁴κ²…), astronomically large at
    κ' ~ 10³) at a width that runs on a laptop."""
    from dataclasses import replace

    if not scale > 0:
        raise UsageError(f"residual scale must be > 0, got {scale}")
    return replace(net, y=net.outputs(net.x0) + scale * net.y)
