"""The Newton–Schulz singular-value map, symbolically (reference/norms-and-lmos.md §7).

Each NS step applies φ(σ) = aσ + bσ³ + cσ⁵ (a SymPy polynomial) to every normalized singular
value, so k steps map σ ↦ φ_k ∘ … ∘ φ_1(σ). The band of a coefficient set on [lo, 1] is the
range of that composition; it is computed here from the SymPy polynomial by a dense log grid
refined with golden-section search (pure Python: theory/ imports no array library).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import sympy as sp

sigma = sp.Symbol("sigma", positive=True)

NS_COEFFICIENT_SETS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ns5": (("3.4445", "-4.7750", "2.0315"),) * 5,
    "dion": (
        ("4.0848", "-6.8946", "2.9270"),
        ("3.9505", "-6.3029", "2.6377"),
        ("3.7418", "-5.5913", "2.3037"),
        ("2.8769", "-3.1427", "1.2046"),
        ("2.8366", "-3.0525", "1.2012"),
    ),
}


def step_polynomial(a: str, b: str, c: str) -> sp.Expr:
    """φ(σ) = aσ + bσ³ + cσ⁵ with the decimal coefficients as exact rationals."""
    a_, b_, c_ = (sp.Rational(v) for v in (a, b, c))
    return a_ * sigma + b_ * sigma**3 + c_ * sigma**5


def coefficient_steps(name: str, steps: int | None = None) -> tuple[tuple[str, str, str], ...]:
    """The per-step coefficients of a named set, the last one repeated to ``steps`` steps."""
    coeffs = NS_COEFFICIENT_SETS[name]
    n = len(coeffs) if steps is None else steps
    return tuple(coeffs[min(i, len(coeffs) - 1)] for i in range(n))


def composed_map(coefficients: Sequence[tuple[str, str, str]]):
    """σ ↦ φ_k(… φ_1(σ)) as a float function: each φ_j is lambdified from its SymPy polynomial
    and applied in turn (the nested expression would grow as 3^k)."""
    steps = [sp.lambdify(sigma, step_polynomial(*c), modules="math") for c in coefficients]

    def apply(x: float) -> float:
        for phi in steps:
            x = phi(x)
        return x

    return apply


def _golden(f, lo: float, hi: float, maximize: bool, iters: int = 80) -> float:
    sign = -1.0 if maximize else 1.0
    g = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    for _ in range(iters):
        c, d = b - g * (b - a), a + g * (b - a)
        if sign * f(c) < sign * f(d):
            b = d
        else:
            a = c
    x = (a + b) / 2
    return f(x)


@cache
def band(
    name: str, steps: int | None = None, lo: float = 0.01, grid: int = 20001
) -> tuple[float, float]:
    """(min, max) of the composed NS map over normalized singular values in [lo, 1]."""
    f = composed_map(coefficient_steps(name, steps))
    xs = [lo * (1 / lo) ** (i / (grid - 1)) for i in range(grid)]
    ys = [f(x) for x in xs]
    out = []
    for pick, maximize in ((min, False), (max, True)):
        i = ys.index(pick(ys))
        a, b = xs[max(i - 1, 0)], xs[min(i + 1, grid - 1)]
        out.append(pick(ys[i], _golden(f, a, b, maximize)))
    return out[0], out[1]
