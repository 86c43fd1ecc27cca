"""Schattor (Seed 001, Ma, Zhang, He, arXiv 2606.15702): Schatten-p methods between SGD and Muon.

Only the abstract is [paper]; the oracles are exact [derived], and the method template, the
schedules, the dimension-free setting and the multi-block rules are reconstructions
(reference/schattor.md §1–4, all [derived]). The predictions below are the derived ones:

    rate (ball version, α = K^{−1/2}, η ∝ K^{−3/4}): the §8 bound of the LMO-momentum analysis
        in the S_p geometry → exponent −1/4
    iterations to ε with α = ε²/(4σ_q²), η = εα/(4L):  T ≈ 32 Δ L σ_q² / ε⁴,
        σ_q = E‖ξ‖_{S_q} = σ₀ r^γ: exponent 2γ in r (γ = 0: noise bounded in S_q; γ = 1/2: spread
        noise measured in the nuclear norm, the control)
    multi-block, ℓ2-type regularized rule (block steps n_k/L_k): each block contracts at a rate
        independent of its scale c_k, so iterations to ε do not grow polynomially with the scale
        disparity D = max c_k/min c_k: exponent 0 (up to the log(D) of the starting gradient);
        the max-type rule with fixed radii and one step η = ε/Σ_k L_k: T ≈ 2ΔΣ_kL_k/ε², Δ and
        Σ_kL_k both ∝ D → bound exponent 2 (measured ≈ 1, see the claim notes)
"""

from __future__ import annotations

import sympy as sp

from ratecheck.theory.claim import Provenance
from ratecheck.theory.exponents import loglog_exponent

r_sym, D_sym = sp.symbols("r D", positive=True)
Delta, L_s, eps_s, sigma0, gamma_r = sp.symbols("Delta L epsilon sigma_0 gamma", nonnegative=True)

hitting_time = 32 * Delta * L_s * (sigma0 * r_sym**gamma_r) ** 2 / eps_s**4
max_rule_time = 2 * (Delta * D_sym) * (L_s * D_sym) / eps_s**2


def dimension_exponent(growth: sp.Expr) -> sp.Expr:
    """d log T / d log r when σ_q grows like r^growth."""
    return loglog_exponent(hitting_time.subs(gamma_r, growth), r_sym)


def max_rule_exponent() -> sp.Expr:
    return loglog_exponent(max_rule_time, D_sym)


SOURCE = "Seed 001: Ma, Zhang, He, Schattor (arXiv 2606.15702), abstract; reference/schattor.md"
TEMPLATE = Provenance("the Schattor template, its momentum and step rules", "derived", "§2")
UNKNOWN = Provenance("the paper's step rule, momentum, theorems and balancing rule", "unknown")
