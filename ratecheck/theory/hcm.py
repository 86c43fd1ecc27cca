"""Hessian-corrected momentum (HCM) in LMO methods: K^{−1/3} against K^{−1/4}.

Source: Seed 000 (Khirirat, Sadiev, Demidovich, Richtárik, arXiv 2512.13227), abstract [paper];
its Algorithm 1, constants and schedules could not be read, so everything below except the
headline rates is [derived] in reference/lmo-momentum-and-hcm.md §7–8:

    bound_V2(K) = Δ/(tK) + Lt/2 + 2ρ̄ [ √α σ + G t/(θ√α) + σ₀/(αK) ],   G² = L₂² + σ_H²
    bound_V1(K) = bound_V2(K) + ρ̄ M t²/(α θ²)
    α = a K^{−2/3},  t = c K^{−2/3},
    c = (Δ/(2ρ̄))^{2/3} (θ/(σG))^{1/3},  a = G c/(θσ)   (balanced constants; α capped at 1)

With the correction switched off (β = 0) the same schedule has the Polyak bound with the drift
term 2ρ̄L₂t/(θα), which does not decay: exponent 0.

hcm-unbiased: for the random-interpolation point the correction's mean is
∫₀¹ ∇²f(x + sΔ)Δ ds = ∇f(x + Δ) − ∇f(x) (symbolically zero bias below, on the cosh coordinate
function); the current-point correction ∇²f(x + Δ)Δ − (∇f(x + Δ) − ∇f(x)) = (h²/2)sinh x + O(h³)
for Δ = h, so its bias grows like ‖Δ‖², the exponent computed below.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from ratecheck.theory.claim import Provenance
from ratecheck.theory.exponents import loglog_exponent
from ratecheck.theory.lmo import (
    Delta,
    L2sym,
    Lsym,
    lmo_momentum_bound,
    polyak_exponent,
    rho_bar,
    sigma0,
    sigma_n,
    theta,
)
from ratecheck.theory.symbols import K

a_sym, c_sym, sigma_H, M_sym = sp.symbols("a c sigma_H M", positive=True)
G_sym = sp.sqrt(L2sym**2 + sigma_H**2)

alpha_hcm_K = sp.Min(1, a_sym * K ** sp.Rational(-2, 3))
t_hcm_K = c_sym * K ** sp.Rational(-2, 3)
c_balanced = (Delta / (2 * rho_bar)) ** sp.Rational(2, 3) * (theta / (sigma_n * G_sym)) ** (
    sp.Rational(1, 3)
)
a_balanced = G_sym * c_sym / (theta * sigma_n)

_alpha_asymptotic = a_sym * K ** sp.Rational(-2, 3)  # α = aK^{−2/3} once K is large enough


def hcm_bound(alpha: sp.Expr, t: sp.Expr, hessian_lipschitz: bool = False) -> sp.Expr:
    """The §8 HCM bound on the run-averaged dual gradient norm (V2; V1 adds the bias term)."""
    bound = (
        Delta / (t * K)
        + Lsym * t / 2
        + 2
        * rho_bar
        * (sp.sqrt(alpha) * sigma_n + G_sym * t / (theta * sp.sqrt(alpha)) + sigma0 / (alpha * K))
    )
    if hessian_lipschitz:
        bound += rho_bar * M_sym * t**2 / (alpha * theta**2)
    return bound


bound_v2 = hcm_bound(_alpha_asymptotic, t_hcm_K)
bound_v1 = hcm_bound(_alpha_asymptotic, t_hcm_K, hessian_lipschitz=True)
bound_uncorrected = lmo_momentum_bound(_alpha_asymptotic, t_hcm_K)


@cache
def hcm_exponent() -> sp.Expr:
    """Exponent of the V2 bound (the V1 bound has the same one: asserted in the tests)."""
    return loglog_exponent(bound_v2, K)


@cache
def hcm_v1_exponent() -> sp.Expr:
    return loglog_exponent(bound_v1, K)


@cache
def uncorrected_exponent() -> sp.Expr:
    return loglog_exponent(bound_uncorrected, K)


@cache
def hcm_advantage() -> sp.Expr:
    """Predicted slope difference HCM − Polyak momentum: −1/3 − (−1/4) = −1/12."""
    return sp.nsimplify(hcm_exponent() - polyak_exponent())


# --- the bias of the two corrections, on one cosh coordinate --------------------------------
x_sym, h_sym, s_sym = sp.symbols("x h s", positive=True)
_difference = sp.sinh(x_sym + h_sym) - sp.sinh(x_sym)  # ∇f(x + h) − ∇f(x) for f = cosh
bias_interpolated = sp.integrate(h_sym * sp.cosh(x_sym + s_sym * h_sym), (s_sym, 0, 1)) - (
    _difference
)
bias_current = h_sym * sp.cosh(x_sym + h_sym) - _difference


@cache
def interpolated_bias() -> sp.Expr:
    """E_q[∇²f(x + qh)h] − (∇f(x + h) − ∇f(x)), simplified: 0."""
    return sp.simplify(bias_interpolated)


@cache
def current_bias_exponent() -> sp.Expr:
    """lim_{h→0} d log|bias_V1| / d log h: 2."""
    return loglog_exponent(bias_current, h_sym, 0)


HCM_SOURCE = (
    "Seed 000 (Khirirat et al., arXiv 2512.13227) abstract and public reviews; "
    "HCM: Tran & Cutkosky (arXiv 2103.03265); random interpolation: Salehkaleybar et al. 2022, "
    "Sadiev et al. (arXiv 2510.10690)"
)
SCHEDULE_PROVENANCE = Provenance(
    "α = aK^{−2/3}, t = cK^{−2/3} with balanced a, c, and the §8 bound", "derived"
)
