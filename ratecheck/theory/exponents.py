"""Exponent and rate extraction from symbolic bounds.

- ``loglog_exponent(T, x)``: lim_{x→∞} d log T / d log x, the power of x that a complexity
  or hitting time T(x) grows with (e.g. 1/2 for T ∝ √κ·log(1/ε)).
- ``contraction_factor(e, t)``: lim_{t→∞} e(t+1)/e(t), the per-step factor of a linear rate
  (e.g. ρ for (1 + (1+ρ)t)ρ^t).
"""

from __future__ import annotations

import sympy as sp


def loglog_exponent(expr: sp.Expr, var: sp.Symbol, at: sp.Expr = sp.oo) -> sp.Expr:
    """lim_{var→at} d log(expr)/d log(var) = lim var·(d expr/d var)/expr."""
    return sp.simplify(sp.limit(sp.diff(sp.log(expr), var) * var, var, at))


def contraction_factor(expr: sp.Expr, t: sp.Symbol) -> sp.Expr:
    """lim_{t→∞} expr(t+1)/expr(t): the asymptotic per-step factor of a linear rate."""
    return sp.limit(sp.simplify(expr.subs(t, t + 1) / expr), t, sp.oo)
