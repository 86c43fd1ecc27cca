"""Generalized gradient norm clipping under non-Euclidean (L0, L1)-smoothness: the bounds.

Source: Pethick, Xie, Erdogan, Antonakopoulos, Silveti-Falls, Cevher, "Generalized Gradient Norm
Clipping & Non-Euclidean (L0,L1)-Smoothness", NeurIPS 2025, arXiv 2506.01913 (Seed 003), as
transcribed in reference/clipping-l0l1.md §5 [paper] unless marked.

    Thm 4.3 (deterministic GGNC, γ ≤ 1/(L0 + ρL1)):
        min_{k≤n} ‖∇f(x_k)‖_* ≤ √(Δ/(γn)) + 2Δ/(γρn);
        per step f(x_{k+1}) ≤ f(x_k) − (γτ_k/2)‖∇f(x_k)‖_*²,  τ_k = min{1, ρ/‖∇f(x_k)‖_*}
    Thm 4.5 (uCG, γρ < 1/(2L1)):  min_k ‖∇f(x_k)‖_* ≤ 2Δ/(γρn) + 2L0γρ
    Thm 4.9 (stochastic GGNC): α = n^{−1/2}, γ = 1/(√n L0), ρ = L0/(2n^{1/4}L1) ⇒ O(n^{−1/4})
    Thm 4.7 (deterministic S3CG, γ ≤ 1/L, ρ ≤ L):
        min_k ⟨∇f(x_k), x_k − u⟩ ≤ 2β√(Δ/(γn)) + 2Δ/(γρn)  for all u in the β-ball
    Thm 4.11 (stochastic S3CG): α = n^{−1/2}, γ = 1/(L√n), ρ = n^{−1/4} ⇒ O(n^{−1/4})

The stochastic exponents are computed from the theorems' bounds with the error terms of Lemmas
B.2 and B.4 substituted (ε_n of the proof of Thm 4.9 [paper, from the proof]).
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from ratecheck.theory.claim import Provenance
from ratecheck.theory.exponents import loglog_exponent

n_sym = sp.Symbol("n", positive=True)
Delta, gamma, rho_s, L0, L1, Lsym = sp.symbols("Delta gamma rho L_0 L_1 L", positive=True)
beta_r, sigma_s, zeta, zeta_star, step = sp.symbols("beta sigma zeta zeta_star s", positive=True)

thm43_bound = sp.sqrt(Delta / (gamma * n_sym)) + 2 * Delta / (gamma * rho_s * n_sym)
thm43_step_limit = 1 / (L0 + rho_s * L1)
thm45_bound = 2 * Delta / (step * n_sym) + 2 * L0 * step  # s = γρ
thm47_bound = 2 * beta_r * sp.sqrt(Delta / (gamma * n_sym)) + 2 * Delta / (gamma * rho_s * n_sym)

# the worked example printed after Thm 4.3, and what the theorem gives at the admissible step
example_rho, example_gamma = L0 / L1, 1 / L0
example_printed_bound = sp.sqrt(L0 * Delta / n_sym) + 2 * L1 * Delta / n_sym

thm49_alpha = n_sym ** sp.Rational(-1, 2)
thm49_gamma = 1 / (sp.sqrt(n_sym) * L0)
thm49_rho = L0 / (2 * n_sym ** sp.Rational(1, 4) * L1)
thm411_gamma = 1 / (Lsym * sp.sqrt(n_sym))
thm411_rho = n_sym ** sp.Rational(-1, 4)


def stochastic_bound(g: sp.Expr, r: sp.Expr, error_sq: sp.Expr) -> sp.Expr:
    """4√(Δ/(γn)) + 8Δ/(γρn) + 4√ε_n + 8ε_n/ρ with ε_n = (7/4)ρζ√E‖λ‖² + (1/4)ζE‖λ‖²."""
    eps_n = sp.Rational(7, 4) * r * zeta * sp.sqrt(error_sq) + zeta * error_sq / 4
    return (
        4 * sp.sqrt(Delta / (g * n_sym))
        + 8 * Delta / (g * r * n_sym)
        + 4 * sp.sqrt(eps_n)
        + 8 * eps_n / r
    )


ggnc_error_sq = 2 * (sigma_s**2 + zeta_star**2 * Lsym**2 / L1**2) / sp.sqrt(n_sym)  # Lemma B.2
s3cg_error_sq = (2 * sigma_s**2 + 16 * zeta_star**2 * beta_r**2) / sp.sqrt(n_sym)  # Lemma B.4
thm49_bound = stochastic_bound(thm49_gamma, thm49_rho, ggnc_error_sq)
thm411_bound = stochastic_bound(thm411_gamma, thm411_rho, s3cg_error_sq)


@cache
def ggnc_stochastic_exponent() -> sp.Expr:
    return loglog_exponent(thm49_bound, n_sym)


@cache
def s3cg_stochastic_exponent() -> sp.Expr:
    return loglog_exponent(thm411_bound, n_sym)


@cache
def ucg_plateau() -> sp.Expr:
    """lim_{n→∞} of the Thm 4.5 bound: 2L0γρ."""
    return sp.limit(thm45_bound, n_sym, sp.oo)


@cache
def ucg_plateau_exponent() -> sp.Expr:
    """d log(plateau)/d log(γρ): 1 (the plateau is Θ(L0γρ))."""
    return loglog_exponent(ucg_plateau(), step)


@cache
def example_step_ratio() -> sp.Expr:
    """γ(L0 + ρL1) at the worked example's γ = 1/L0, ρ = L0/L1: 2 (the theorem needs ≤ 1)."""
    return sp.simplify(example_gamma / thm43_step_limit.subs(rho_s, example_rho))


@cache
def example_admissible_bound() -> sp.Expr:
    """The Thm 4.3 bound at ρ = L0/L1 and the largest admissible γ = 1/(2L0)."""
    gamma_max = thm43_step_limit.subs(rho_s, example_rho)
    return sp.simplify(thm43_bound.subs({gamma: gamma_max, rho_s: example_rho}))


SOURCE = "Seed 003: Pethick et al., Generalized Gradient Norm Clipping (arXiv 2506.01913)"
CONSTANTS = Provenance("(L0, L1) constants of the cosh test problems", "derived", "§8")
