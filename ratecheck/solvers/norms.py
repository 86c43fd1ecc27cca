"""Norms, dual norms, linear minimization oracles (LMOs) and sharp operators.

Every norm acts on the trailing axes of its input — the last axis for vector norms, the last two
for matrix norms (W ∈ R^{d_out×d_in}) — so a leading seed axis S (or any batch axes) is carried
through. Conventions (shared/reference/norms-and-lmos.md §1–2):

    lmo(d)   ∈ argmin_{‖x‖≤1} ⟨d, x⟩      so ⟨d, lmo(d)⟩ = −‖d‖_*, ‖lmo(d)‖ = 1 (d ≠ 0)
    dual(d)  = ‖d‖_* = sup_{‖x‖≤1} ⟨d, x⟩
    sharp(d) = d^# = −‖d‖_*·lmo(d)         so ⟨d, d^#⟩ = ‖d^#‖² = ‖d‖_*²
    lmo(0)   = 0                           (any point is a minimizer; zero keeps updates finite)

Matrix norms carry a scale factor c chosen by Scion's layer types (§5): the LMO is c times the
unscaled one, the dual norm c times the unscaled dual, the norm 1/c times the unscaled norm.
The spectral LMO is the exact SVD by default; Newton–Schulz (§7) is available as an inexact
oracle and is never substituted silently.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ratecheck.backend import array_namespace, device
from ratecheck.errors import UsageError

# --- helpers ---------------------------------------------------------------------------------


def _safe_div(xp: Any, num: Any, den: Any) -> Any:
    """num/den where den > 0, else 0 (den broadcasts against num)."""
    positive = den > 0
    return xp.where(positive, num / xp.where(positive, den, 1.0), 0.0)


def safe_div(num: Any, den: Any) -> Any:
    """num/den where den > 0, else 0 (arrays of one namespace, or a Python number den)."""
    if isinstance(den, (int, float)):
        return num / den if den > 0 else 0 * num
    return _safe_div(array_namespace(num), num, den)


def _sum_vec(xp: Any, x: Any) -> Any:
    return xp.sum(x, axis=-1)


def _sum_mat(xp: Any, x: Any) -> Any:
    return xp.sum(x, axis=(-2, -1))


def inner(d: Any, x: Any, matrix: bool) -> Any:
    """⟨d, x⟩ over the trailing axes (one for vectors, two for matrices)."""
    xp = array_namespace(d)
    return (_sum_mat if matrix else _sum_vec)(xp, d * x)


def inner_blocks(norm: Any, d: tuple[Any, ...], x: tuple[Any, ...]) -> Any:
    """Σ_l ⟨d_l, x_l⟩ over the blocks of a Product norm (per seed)."""
    return sum(inner(a, b, is_matrix_norm(n)) for n, a, b in zip(norm.norms, d, x))


# --- vector norms (last axis) ----------------------------------------------------------------


@dataclass(frozen=True)
class L2:
    """‖x‖₂; lmo(d) = −d/‖d‖₂; ‖d‖_* = ‖d‖₂."""

    matrix: bool = False
    name: str = "l2"

    def _n(self, x: Any) -> Any:
        xp = array_namespace(x)
        return xp.sqrt((_sum_mat if self.matrix else _sum_vec)(xp, x * x))

    def norm(self, x: Any) -> Any:
        return self._n(x)

    def dual(self, d: Any) -> Any:
        return self._n(d)

    def lmo(self, d: Any) -> Any:
        xp = array_namespace(d)
        n = self._n(d)
        return -_safe_div(xp, d, n[..., None, None] if self.matrix else n[..., None])


def Frobenius() -> L2:
    """‖X‖_F: ℓ2 on vec(X); lmo(D) = −D/‖D‖_F, ‖D‖_* = ‖D‖_F."""
    return L2(matrix=True, name="frobenius")


@dataclass(frozen=True)
class Linf:
    """‖x‖_∞ = max_i |x_i|; lmo(d) = −sign(d); ‖d‖_* = ‖d‖₁ (sign(0) = 0)."""

    name: str = "linf"

    def norm(self, x: Any) -> Any:
        return array_namespace(x).max(array_namespace(x).abs(x), axis=-1)

    def dual(self, d: Any) -> Any:
        xp = array_namespace(d)
        return xp.sum(xp.abs(d), axis=-1)

    def lmo(self, d: Any) -> Any:
        return -array_namespace(d).sign(d)


@dataclass(frozen=True)
class L1:
    """‖x‖₁; lmo(d) = −sign(d_{i*}) e_{i*}, i* = argmax |d_i| (lowest index); ‖d‖_* = ‖d‖_∞."""

    name: str = "l1"

    def norm(self, x: Any) -> Any:
        xp = array_namespace(x)
        return xp.sum(xp.abs(x), axis=-1)

    def dual(self, d: Any) -> Any:
        xp = array_namespace(d)
        return xp.max(xp.abs(d), axis=-1)

    def lmo(self, d: Any) -> Any:
        xp = array_namespace(d)
        top = xp.argmax(xp.abs(d), axis=-1)
        onehot = xp.astype(xp.arange(d.shape[-1], device=device(d)) == top[..., None], d.dtype)
        return -xp.sign(d) * onehot


@dataclass(frozen=True)
class Lp:
    """‖x‖_p, 1 < p < ∞, q = p/(p−1): lmo(d)_i = −sign(d_i)|d_i|^{q−1}/‖d‖_q^{q−1}; ‖d‖_* = ‖d‖_q.

    |d_i|/‖d‖_∞ is raised to the power first, so large q − 1 (p near 1) does not overflow.
    """

    p: float
    name: str = "lp"

    def __post_init__(self) -> None:
        if not 1 < self.p < math.inf:
            raise UsageError(f"Lp needs 1 < p < ∞, got p={self.p}; use L1, L2 or Linf instead")

    @property
    def q(self) -> float:
        return self.p / (self.p - 1)

    @staticmethod
    def _pnorm(x: Any, p: float) -> Any:
        xp = array_namespace(x)
        a = xp.abs(x)
        m = xp.max(a, axis=-1)
        r = _safe_div(xp, a, m[..., None])
        return m * xp.sum(r**p, axis=-1) ** (1 / p)

    def norm(self, x: Any) -> Any:
        return self._pnorm(x, self.p)

    def dual(self, d: Any) -> Any:
        return self._pnorm(d, self.q)

    def lmo(self, d: Any) -> Any:
        xp = array_namespace(d)
        a = xp.abs(d)
        r = _safe_div(xp, a, xp.max(a, axis=-1)[..., None]) ** (self.q - 1)
        return -xp.sign(d) * _safe_div(xp, r, self._pnorm(r, self.p)[..., None])


@dataclass(frozen=True)
class BiasRMS:
    """‖b‖_RMS = ‖b‖₂/√n; lmo(d) = −√n·d/‖d‖₂; ‖d‖_* = √n‖d‖₂ (Scion's bias norm)."""

    name: str = "bias_rms"

    def norm(self, x: Any) -> Any:
        return L2().norm(x) / math.sqrt(x.shape[-1])

    def dual(self, d: Any) -> Any:
        return L2().dual(d) * math.sqrt(d.shape[-1])

    def lmo(self, d: Any) -> Any:
        return L2().lmo(d) * math.sqrt(d.shape[-1])


# --- Newton–Schulz (inexact spectral LMO) ----------------------------------------------------

NS_COEFFICIENTS: dict[str, tuple[tuple[float, float, float], ...]] = {
    # KellerJordan/Muon, LIONS-EPFL/scion: one quintic, 5 steps
    "ns5": ((3.4445, -4.7750, 2.0315),) * 5,
    # microsoft/dion dion/muon.py: five per-step quintics
    "dion": (
        (4.0848, -6.8946, 2.9270),
        (3.9505, -6.3029, 2.6377),
        (3.7418, -5.5913, 2.3037),
        (2.8769, -3.1427, 1.2046),
        (2.8366, -3.0525, 1.2012),
    ),
}


NS_DTYPES = ("float16", "float32", "float64")


def newton_schulz(
    G: Any,
    coefficients: str | Sequence[tuple[float, float, float]] = "ns5",
    steps: int | None = None,
    compute_dtype: str | None = None,
) -> Any:
    """≈ U diag(φ^{∘k}(σ/‖G‖_F)) Vᵀ by the Newton–Schulz iteration (batched on leading axes).

        X ← G/(‖G‖_F + 1e-7)
        repeat: A = X Xᵀ,  B = b·A + c·A·A,  X = a·X + B·X      (wide or square X)
                A = Xᵀ X,  B = b·A + c·A·A,  X = a·X + X·B      (tall X)

    The tall form is NS(Gᵀ)ᵀ written without transposing the data: both apply the same odd
    polynomial to the singular values and work with the small (short-side) Gram matrix. A is
    exactly symmetric, so A·A is written A·Aᵀ: NumPy's matmul recognises a product of an array
    with its own transposed view (X Xᵀ, A Aᵀ) and calls BLAS syrk, with half the multiply-adds.

    ``coefficients``: a name from NS_COEFFICIENTS or a per-step list of (a, b, c); ``steps``
    repeats the last triple (or truncates) to that many steps. The normalization runs in the
    input's dtype; the iteration runs in ``compute_dtype`` ("float16", "float32", "float64";
    None: the input's) and the result is cast back. TF32 is not a dtype: on CuPy, float32 with
    the environment variable CUPY_TF32=1 runs the products on TF32 tensor cores.
    The spectral LMO is ≈ −newton_schulz(G) (reference/norms-and-lmos.md §7).
    """
    xp = array_namespace(G)
    coeffs = NS_COEFFICIENTS[coefficients] if isinstance(coefficients, str) else tuple(coefficients)
    if steps is not None:
        coeffs = tuple(coeffs[min(i, len(coeffs) - 1)] for i in range(steps))
    if compute_dtype is not None and compute_dtype not in NS_DTYPES:
        raise UsageError(
            f"unknown Newton–Schulz dtype '{compute_dtype}'; valid: {', '.join(NS_DTYPES)}"
        )
    X = G / (xp.sqrt(_sum_mat(xp, G * G))[..., None, None] + 1e-7)
    if compute_dtype is not None:
        X = xp.astype(X, getattr(xp, compute_dtype))
    return xp.astype(_ns_iterate(X, coeffs), G.dtype, copy=False)


def _ns_iterate(X: Any, coeffs: Sequence[tuple[float, float, float]]) -> Any:
    """The NS steps on a normalized X, in X's dtype (short-side Gram matrix)."""
    xp = array_namespace(X)
    if X.shape[-2] > X.shape[-1]:  # tall: the Gram matrix on the right, no data transpose
        for a, b, c in coeffs:
            A = xp.matrix_transpose(X) @ X
            X = a * X + X @ (b * A + c * (A @ xp.matrix_transpose(A)))
        return X
    for a, b, c in coeffs:
        A = X @ xp.matrix_transpose(X)
        X = a * X + (b * A + c * (A @ xp.matrix_transpose(A))) @ X
    return X


# --- Schatten norms --------------------------------------------------------------------------


def _svd(D: Any) -> tuple[Any, Any, Any]:
    """The thin SVD (U, s, Vᵀ) of every matrix of the batch D (see _finite_matrices)."""
    xp = array_namespace(D)
    finite, D = _finite_matrices(xp, D)
    U, s, Vt = xp.linalg.svd(D, full_matrices=False)
    return (
        xp.where(finite[..., None, None], U, xp.nan),
        xp.where(finite[..., None], s, xp.nan),
        xp.where(finite[..., None, None], Vt, xp.nan),
    )


def _svdvals(D: Any) -> Any:
    """The singular values of every matrix of the batch D (see _finite_matrices)."""
    xp = array_namespace(D)
    finite, D = _finite_matrices(xp, D)
    return xp.where(finite[..., None], xp.linalg.svdvals(D), xp.nan)


def _finite_matrices(xp: Any, D: Any) -> tuple[Any, Any]:
    """(mask, D'): which matrices of the batch D are finite, and D with the others set to 0.

    Every SVD here factorizes D', never D: LAPACK raises on a non-finite matrix ("SVD did not
    converge") or, for some inputs, never returns, which would end or stall the whole run
    instead of that seed's (DESIGN.md, Fixed budgets). The callers put NaN into every output
    of a non-finite matrix, so a non-finite input still gives a non-finite result. The mask is
    applied with ``where``, never read on the host (no device sync); finite matrices are
    factorized unchanged, bit for bit.
    """
    finite = xp.all(xp.isfinite(D), axis=(-2, -1))
    return finite, xp.where(finite[..., None, None], D, 0.0)


def _rank_mask(xp: Any, s: Any, shape: tuple[int, ...]) -> Any:
    """Singular values above round-off (max(m, n)·eps·σ_max), as a 0/1 array like s."""
    eps = 2.220446049250313e-16 if s.dtype == xp.float64 else 1.1920929e-07
    tol = max(shape[-2:]) * eps * s[..., :1]
    return xp.astype(s > tol, s.dtype)


@dataclass(frozen=True)
class Schatten:
    """Schatten-p norm ‖X‖_{S_p} = ‖σ(X)‖_p, p ∈ [1, ∞], times 1/scale.

    q = p/(p−1). lmo(D) = −scale·U diag(σ^{q−1}) Vᵀ/‖σ‖_q^{q−1} (1 < p < ∞); p = ∞ (spectral):
    −scale·U_r V_rᵀ over the numerical rank; p = 1 (nuclear): −scale·u₁v₁ᵀ. ‖D‖_* = scale·‖σ‖_q.
    p = ∞ accepts ``method`` "svd" (exact, default) or a Newton–Schulz coefficient set name;
    an NS method makes lmo inexact and ``dual`` then reports −⟨D, lmo(D)⟩, the biased estimate.
    """

    p: float
    scale: float = 1.0
    method: str = "svd"
    name: str = "schatten"
    ns_dtype: str | None = None  # Newton–Schulz compute dtype (None: the input's)

    def __post_init__(self) -> None:
        if not 1 <= self.p <= math.inf:
            raise UsageError(f"Schatten needs p in [1, ∞], got p={self.p}")
        if self.method != "svd" and (self.p != math.inf or self.method not in NS_COEFFICIENTS):
            valid = ", ".join(["svd", *NS_COEFFICIENTS])
            raise UsageError(
                f"unknown spectral method '{self.method}' for p={self.p}; valid: {valid}"
                " (Newton–Schulz only for p = ∞)"
            )

    @property
    def q(self) -> float:
        return math.inf if self.p == 1 else (1.0 if self.p == math.inf else self.p / (self.p - 1))

    def _svals(self, x: Any) -> Any:
        return _svdvals(x)

    @staticmethod
    def _vec_norm(xp: Any, s: Any, p: float) -> Any:
        if p == math.inf:
            return xp.max(s, axis=-1)
        return Lp._pnorm(s, p) if p != 1 else xp.sum(s, axis=-1)

    def norm(self, x: Any) -> Any:
        xp = array_namespace(x)
        if self.p == 2:  # ‖σ‖₂ = ‖X‖_F, no SVD needed
            return xp.sqrt(_sum_mat(xp, x * x)) / self.scale
        return self._vec_norm(xp, self._svals(x), self.p) / self.scale

    def dual(self, d: Any) -> Any:
        xp = array_namespace(d)
        if self.method != "svd":
            return -_sum_mat(xp, d * self.lmo(d))
        if self.p == 2:
            return self.scale * xp.sqrt(_sum_mat(xp, d * d))
        return self.scale * self._vec_norm(xp, self._svals(d), self.q)

    def lmo(self, d: Any) -> Any:
        xp = array_namespace(d)
        if self.method != "svd":
            return -self.scale * newton_schulz(d, self.method, compute_dtype=self.ns_dtype)
        if self.p == 2:  # −U diag(s) Vᵀ/‖s‖₂ = −D/‖D‖_F
            return -self.scale * _safe_div(xp, d, xp.sqrt(_sum_mat(xp, d * d))[..., None, None])
        U, s, Vt = _svd(d)
        if self.p == math.inf:
            w = _rank_mask(xp, s, d.shape)
        elif self.p == 1:
            first = xp.arange(s.shape[-1], device=device(s)) == 0
            w = xp.astype(first, s.dtype) * xp.astype(s[..., :1] > 0, s.dtype)
        else:  # singular values at round-off level are zeros of the exact input
            r = _safe_div(xp, s, s[..., :1]) ** (self.q - 1) * _rank_mask(xp, s, d.shape)
            w = _safe_div(xp, r, Lp._pnorm(r, self.p)[..., None])
        return -self.scale * ((U * w[..., None, :]) @ Vt)


SHAPE_MODES = ("none", "rms_rms", "rms_rms_max", "two_rms", "muon_shape", "match_rms_adamw")


def shape_factor(mode: str, d_out: int, d_in: int) -> float:
    """The factor s of a spectral shape mode (reference/conventions.md §5)."""
    factors = {
        "none": 1.0,
        "rms_rms": math.sqrt(d_out / d_in),
        "rms_rms_max": max(1.0, math.sqrt(d_out / d_in)),
        "two_rms": math.sqrt(d_out),
        "muon_shape": math.sqrt(max(1.0, d_out / d_in)),
        "match_rms_adamw": 0.2 * math.sqrt(max(d_out, d_in)),
    }
    if mode not in factors:
        raise UsageError(f"unknown shape mode '{mode}'; valid: {', '.join(SHAPE_MODES)}")
    return factors[mode]


def Spectral(
    shape: tuple[int, int] | None = None,
    mode: str = "none",
    method: str = "svd",
    ns_dtype: str | None = None,
) -> Schatten:
    """Spectral norm ‖W‖_{S∞}/s with the shape factor s of ``mode`` for W of ``shape``.

    mode "rms_rms" is Scion's Spectral() (‖W‖_{RMS→RMS}), "two_rms" its normalized=False,
    "rms_rms_max" its max=True; "muon_shape" is Muon's √max(1, d_out/d_in). ``ns_dtype``: the
    Newton–Schulz compute dtype when ``method`` is an NS coefficient set.
    """
    s = 1.0 if mode == "none" else shape_factor(mode, *shape)
    suffix = f",{ns_dtype}" if ns_dtype else ""
    return Schatten(
        math.inf, s, method, name=f"spectral[{mode},{method}{suffix}]", ns_dtype=ns_dtype
    )


def Nuclear(scale: float = 1.0) -> Schatten:
    """Nuclear norm S₁ (dual: spectral)."""
    return Schatten(1.0, scale, name="nuclear")


# --- Scion's column, row and sign norms -------------------------------------------------------


@dataclass(frozen=True)
class ColNorm:
    """max_j ‖W_{:,j}‖₂/c: column j of lmo(D) is −c·D_{:,j}/‖D_{:,j}‖₂; ‖D‖_* = c·Σ_j‖D_{:,j}‖₂.

    c = √d_out (Scion ColNorm(normalized=False), default) or √d_out/d_in (normalized=True);
    ``transpose`` applies the norm to Wᵀ (embeddings stored as (vocab, dim)).
    """

    normalized: bool = False
    transpose: bool = False
    name: str = "colnorm"

    def _c(self, shape: tuple[int, ...]) -> float:
        d_out, d_in = (shape[-1], shape[-2]) if self.transpose else (shape[-2], shape[-1])
        return math.sqrt(d_out) / (d_in if self.normalized else 1)

    def _cols(self, x: Any) -> Any:
        xp = array_namespace(x)
        return xp.sqrt(xp.sum(x * x, axis=-1 if self.transpose else -2))

    def norm(self, x: Any) -> Any:
        return array_namespace(x).max(self._cols(x), axis=-1) / self._c(x.shape)

    def dual(self, d: Any) -> Any:
        return self._c(d.shape) * array_namespace(d).sum(self._cols(d), axis=-1)

    def lmo(self, d: Any) -> Any:
        xp = array_namespace(d)
        n = self._cols(d)
        n = n[..., None] if self.transpose else n[..., None, :]
        return -self._c(d.shape) * _safe_div(xp, d, n)


@dataclass(frozen=True)
class RowNorm:
    """max_i ‖W_{i,:}‖₂/c: row i of lmo(D) is −c·D_{i,:}/‖D_{i,:}‖₂; ‖D‖_* = c·Σ_i‖D_{i,:}‖₂.

    c = 1/√d_in (Scion RowNorm(normalized=True), default) or 1 (normalized=False);
    ``transpose`` applies the norm to Wᵀ (rows of Wᵀ are columns of W, c = 1/√d_out).
    """

    normalized: bool = True
    transpose: bool = False
    name: str = "rownorm"

    @property
    def _axis(self) -> int:
        return -2 if self.transpose else -1

    def _c(self, shape: tuple[int, ...]) -> float:
        return 1 / math.sqrt(shape[self._axis]) if self.normalized else 1.0

    def _rows(self, x: Any) -> Any:
        xp = array_namespace(x)
        return xp.sqrt(xp.sum(x * x, axis=self._axis))

    def norm(self, x: Any) -> Any:
        return array_namespace(x).max(self._rows(x), axis=-1) / self._c(x.shape)

    def dual(self, d: Any) -> Any:
        return self._c(d.shape) * array_namespace(d).sum(self._rows(d), axis=-1)

    def lmo(self, d: Any) -> Any:
        xp = array_namespace(d)
        n = xp.expand_dims(self._rows(d), axis=self._axis)
        return -self._c(d.shape) * _safe_div(xp, d, n)


@dataclass(frozen=True)
class Sign:
    """max_ij |W_ij|/c: lmo(D) = −c·sign(D); ‖D‖_* = c·Σ_ij |D_ij|.

    c = 1/d_in (Scion Sign(normalized=True), the default) or 1 (normalized=False).
    """

    normalized: bool = True
    name: str = "sign"

    def _c(self, shape: tuple[int, ...]) -> float:
        return 1 / shape[-1] if self.normalized else 1.0

    def norm(self, x: Any) -> Any:
        xp = array_namespace(x)
        return xp.max(xp.abs(x), axis=(-2, -1)) / self._c(x.shape)

    def dual(self, d: Any) -> Any:
        xp = array_namespace(d)
        return self._c(d.shape) * xp.sum(xp.abs(d), axis=(-2, -1))

    def lmo(self, d: Any) -> Any:
        return -self._c(d.shape) * array_namespace(d).sign(d)


# --- product (layer-wise) norm ---------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    """Max-type product norm over parameter blocks: ‖x‖ = max_l ‖x_l‖_(l)/r_l.

    lmo(d) = (r_l·lmo_l(d_l))_l (block by block), ‖d‖_* = Σ_l r_l‖d_l‖_(l),* (a sum over blocks;
    reference/norms-and-lmos.md §6: r_l, not 1/r_l). Acts on tuples of blocks.
    """

    norms: tuple[Any, ...]
    radii: tuple[float, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.radii:
            object.__setattr__(self, "radii", (1.0,) * len(self.norms))
        if len(self.radii) != len(self.norms):
            raise UsageError(f"{len(self.norms)} block norms but {len(self.radii)} radii")

    @property
    def name(self) -> str:
        return "product(" + ", ".join(n.name for n in self.norms) + ")"

    def norm(self, x: tuple[Any, ...]) -> Any:
        xp = array_namespace(x[0])
        per_block = [n.norm(b) / r for n, b, r in zip(self.norms, x, self.radii)]
        return xp.max(xp.stack(per_block, axis=-1), axis=-1)

    def dual(self, d: tuple[Any, ...]) -> Any:
        return sum(r * n.dual(b) for n, b, r in zip(self.norms, d, self.radii))

    def lmo(self, d: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(r * n.lmo(b) for n, b, r in zip(self.norms, d, self.radii))

    def sharp(self, d: tuple[Any, ...]) -> tuple[Any, ...]:
        dual = self.dual(d)
        return tuple(-per_seed(dual, b) * v for b, v in zip(d, self.lmo(d)))


def per_seed(scalar_per_seed: Any, like: Any) -> Any:
    """Reshape a (S,) array to broadcast against a block of shape (S, ...)."""
    xp = array_namespace(like)
    return xp.reshape(
        scalar_per_seed, scalar_per_seed.shape + (1,) * (like.ndim - scalar_per_seed.ndim)
    )


def sharp(norm: Any, d: Any) -> Any:
    """d^# = −‖d‖_*·lmo(d) for a single-block norm."""
    return -per_seed(norm.dual(d), d) * norm.lmo(d)


def is_matrix_norm(norm: Any) -> bool:
    """True for norms acting on the last two axes."""
    return isinstance(norm, (Schatten, ColNorm, RowNorm, Sign)) or getattr(norm, "matrix", False)


def product(norm: Any, blocks: int = 1) -> Product:
    """``norm`` as a Product over ``blocks`` blocks (a Product is returned unchanged)."""
    return norm if isinstance(norm, Product) else Product((norm,) * blocks)


NORMS = {
    "l1": L1,
    "l2": L2,
    "linf": Linf,
    "frobenius": Frobenius,
    "spectral": Spectral,
    "nuclear": Nuclear,
    "colnorm": ColNorm,
    "rownorm": RowNorm,
    "sign": Sign,
    "bias_rms": BiasRMS,
}
