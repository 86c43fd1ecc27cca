"""The LMO layer: norm identities, Newton–Schulz accuracy, and LMO momentum at K^{−1/4}.

Sources: Scion (Pethick et al., ICML 2025, arXiv 2502.07529) Alg. 1 and Thm 5.5; Seed 000
(Khirirat et al., arXiv 2512.13227) for the K^{−1/4} Polyak-momentum baseline it improves on.
The bound used for the exponent is the one derived in reference/lmo-momentum-and-hcm.md §8:

    (1/K) Σ_k E‖∇f(x_k)‖_* ≤ Δ/(tK) + L t/2 + 2ρ̄ [ √α σ + L₂ t/(θ α) + σ₀/(α K) ]

with α = K^{−1/2}, t = t₀ K^{−3/4}, t₀ = √(Δθ/(2ρ̄L₂)) [derived schedule, same form as Scion
Thm 5.5 (α_k = 1/√k, γ ∝ n^{−3/4})]; the deterministic schedule α = 1, t = t₀K^{−1/2} on a
noiseless problem gives Δ/(tK) + Lt/2.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from ratecheck.theory.exponents import loglog_exponent
from ratecheck.theory.symbols import K

Delta, Lsym, L2sym, sigma_n, sigma0 = sp.symbols("Delta L L_2 sigma sigma_0", positive=True)
rho_bar, theta, t0 = sp.symbols("rho_bar theta t_0", positive=True)

alpha_polyak_K = K ** sp.Rational(-1, 2)
t0_polyak = sp.sqrt(Delta * theta / (2 * rho_bar * L2sym))
t_polyak_K = t0 * K ** sp.Rational(-3, 4)
t_deterministic_K = t0 * K ** sp.Rational(-1, 2)


def lmo_momentum_bound(alpha: sp.Expr, t: sp.Expr) -> sp.Expr:
    """The §8 bound on the run-averaged dual gradient norm for step t and momentum α."""
    return (
        Delta / (t * K)
        + Lsym * t / 2
        + 2
        * rho_bar
        * (sp.sqrt(alpha) * sigma_n + L2sym * t / (theta * alpha) + sigma0 / (alpha * K))
    )


bound_polyak = lmo_momentum_bound(alpha_polyak_K, t_polyak_K)
bound_deterministic = Delta / (t_deterministic_K * K) + Lsym * t_deterministic_K / 2
bound_no_momentum = lmo_momentum_bound(sp.Integer(1), t_polyak_K)  # α = 1: σ term constant


@cache
def polyak_exponent() -> sp.Expr:
    return loglog_exponent(bound_polyak, K)


@cache
def deterministic_exponent() -> sp.Expr:
    return loglog_exponent(bound_deterministic, K)


@cache
def no_momentum_exponent() -> sp.Expr:
    return loglog_exponent(bound_no_momentum, K)


NS_SOURCE = "Newton–Schulz: KellerJordan/Muon, LIONS-EPFL/scion (ns5), microsoft/dion (dion)"
