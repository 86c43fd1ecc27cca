"""Deep linear network with orthogonal initialization (Hu, Xiao, Pennington 2020; Wang et al.).

    N(X) = c · W_ℓ ⋯ W_1 X,   c = 1/√(m^{ℓ−1} d_y),   ℓ(W) = ½‖N(X) − Y‖_F²
    ∂ℓ/∂W_i = c · (W_ℓ ⋯ W_{i+1})ᵀ R (W_{i−1} ⋯ W_1 X)ᵀ,   R = N(X) − Y

W_1 ∈ R^{m×d}, W_i ∈ R^{m×m}, W_ℓ ∈ R^{d_y×m}; orthogonal init W_1ᵀW_1 = m I_d, W_iᵀW_i = m I_m,
W_ℓ W_ℓᵀ = m I_{d_y} (√m times columns/rows of Haar matrices). At init the residual dynamics
matrix is P₀ = (ℓ/d_y) XᵀX ⊗ I [derived], so κ = σ_max²(X)/σ_min²(X), independent of ℓ and m
(reference/polyak-momentum.md §8). Data: X ∈ R^{d×n}, n ≤ d, with singular values from 1 down
to 1/√κ; Y = W* X realizable (zero optimal loss).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray, like
from ratecheck.errors import UsageError
from ratecheck.problems.base import Blocks
from ratecheck.problems.quadratic import haar_orthogonal
from ratecheck.seeding import Streams, draw


def data_with_condition(rng: np.random.Generator, d: int, n: int, kappa: float) -> np.ndarray:
    """X = U diag(s) Vᵀ ∈ R^{d×n} with s_1 = 1, s_n = 1/√κ and log-uniform s between."""
    inner = np.exp(rng.uniform(np.log(1 / math.sqrt(kappa)), 0.0, size=n - 2))
    s = np.sort(np.concatenate([[1.0], inner, [1 / math.sqrt(kappa)]]))[::-1]
    U = haar_orthogonal(rng, d)[:, :n]
    V = haar_orthogonal(rng, n)
    return (U * s) @ V.T


@dataclass
class DeepLinearNet:
    X: Any  # (S, d, n)
    Y: Any  # (S, d_y, n)
    x0: Blocks  # (W_1, ..., W_ℓ), each (S, ·, ·)
    c: float
    constants: dict[str, Any]
    x_star: Blocks | None = None
    f_star: Any = 0.0
    name: str = "deep-linear"

    def _prefix(self, W: Blocks) -> list[Any]:
        """[X, W_1 X, W_2 W_1 X, ...]: the inputs of each layer."""
        out = [self.X]
        for Wi in W:
            out.append(Wi @ out[-1])
        return out

    def residual(self, x: Blocks) -> Any:
        return self.c * self._prefix(x)[-1] - self.Y

    def value(self, x: Blocks) -> Any:
        R = self.residual(x)
        return 0.5 * array_namespace(R).sum(R * R, axis=(-2, -1))

    def grad(self, x: Blocks) -> Blocks:
        xp = array_namespace(x[0])
        inputs = self._prefix(x)
        back = self.c * (self.c * inputs[-1] - self.Y)  # c·R, (S, d_y, n)
        grads = [None] * len(x)
        for i in range(len(x) - 1, -1, -1):
            grads[i] = back @ xp.matrix_transpose(inputs[i])
            back = xp.matrix_transpose(x[i]) @ back
        return tuple(grads)


def deep_linear_net(
    kappa: float,
    depth: int,
    width: int,
    d: int,
    n: int,
    d_out: int,
    streams: Streams,
    xp: Any,
    dtype: Any = None,
) -> DeepLinearNet:
    """S networks sharing one dataset with condition number ``kappa``, each with its own
    orthogonal initialization."""
    if not (math.isfinite(kappa) and kappa >= 1):
        raise UsageError(f"kappa must be a finite number ≥ 1, got {kappa}")
    if not (n <= d and depth >= 2 and width >= max(d, d_out)):
        raise UsageError(
            f"need n ≤ d, depth ≥ 2, width ≥ max(d, d_out); got n={n}, d={d}, "
            f"depth={depth}, width={width}, d_out={d_out}"
        )
    S = streams.n_seeds  # one dataset (from seed 0's problem stream); seeds are initializations
    data_rng = streams.problem[0]
    X = np.broadcast_to(data_with_condition(data_rng, d, n, kappa), (S, d, n)).copy()
    Y = data_rng.standard_normal((d_out, d)) @ X
    root = math.sqrt(width)
    layers = [draw(streams.init, lambda r: root * haar_orthogonal(r, width)[:, :d])]
    layers += [
        draw(streams.init, lambda r: root * haar_orthogonal(r, width)) for _ in range(depth - 2)
    ]
    layers.append(draw(streams.init, lambda r: root * haar_orthogonal(r, width)[:d_out, :]))
    s = np.linalg.svd(X, compute_uv=False)
    return DeepLinearNet(
        X=asarray(X, xp, dtype),
        Y=asarray(Y, xp, dtype),
        x0=tuple(asarray(W, xp, dtype) for W in layers),
        c=1 / math.sqrt(width ** (depth - 1) * d_out),
        constants={
            "kappa": s[:, 0] ** 2 / s[:, -1] ** 2,
            "lambda_max": depth * s[:, 0] ** 2 / d_out,  # λ_max(P₀)
            "lambda_min": depth * s[:, -1] ** 2 / d_out,
            "depth": depth,
            "width": width,
        },
    )


def residual_dynamics(net: DeepLinearNet, W: Blocks) -> np.ndarray:
    """P(W) = Σ_i (A_iᵀA_i) ⊗ (B_i B_iᵀ), A_i = W_{i−1}⋯W_1 X, B_i = c·W_ℓ⋯W_{i+1}: the matrix
    with vec(R_{t+1}) ≈ vec(R_t) − η P(W_t) vec(R_t) (column-major vec).

    Returns a host array of shape (S, n·d_y, n·d_y)."""
    from ratecheck.backend import to_host

    layers = [to_host(Wi) for Wi in W]
    X = to_host(net.X)
    S, depth = X.shape[0], len(layers)
    P = 0.0
    for i in range(depth):
        A = X
        for Wj in layers[:i]:
            A = Wj @ A
        B = np.broadcast_to(np.eye(layers[i].shape[-2]), (S, *([layers[i].shape[-2]] * 2)))
        for Wj in layers[i + 1 :]:
            B = Wj @ B
        B = net.c * B
        gram_a = np.swapaxes(A, -1, -2) @ A
        gram_b = B @ np.swapaxes(B, -1, -2)
        P = P + np.einsum("sij,skl->sikjl", gram_a, gram_b).reshape(
            S, *(2 * [gram_a.shape[-1] * gram_b.shape[-1]])
        )
    return P


def dynamics_drift(net: DeepLinearNet, W: Blocks) -> np.ndarray:
    """‖P(W) − P(W_0)‖₂ / λ_min(P(W_0)) per seed."""
    P0, Pt = residual_dynamics(net, net.x0), residual_dynamics(net, W)
    return np.linalg.norm(Pt - P0, ord=2, axis=(-2, -1)) / np.linalg.eigvalsh(P0)[:, 0]


def equally_excited(net: DeepLinearNet) -> DeepLinearNet:
    """The same network with labels Y = N₀(X) − G Vᵀ, V the right singular vectors of X and
    G = 1/√(n·d_y): the initial residual has equal weight on every eigen-direction v_i ⊗ e_k of
    P₀ = (ℓ/d_y)XᵀX ⊗ I. Any Y is realizable (X has full column rank)."""
    from dataclasses import replace

    from ratecheck.backend import to_host

    X = to_host(net.X)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)  # (S, n, n)
    d_y, n = net.Y.shape[-2], X.shape[-1]
    R0 = np.full((X.shape[0], d_y, n), 1 / math.sqrt(n * d_y)) @ Vt
    Y = to_host(net.residual(net.x0) + net.Y) - R0
    return replace(net, Y=like(Y, net.X))
