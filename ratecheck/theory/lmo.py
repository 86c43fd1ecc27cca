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

from ratecheck.theory.claim import Claim, Provenance, register
from ratecheck.theory.exponents import loglog_exponent
from ratecheck.theory.newton_schulz import band
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

register(
    Claim(
        id="lmo-identities",
        kind="identity",
        family="lmo",
        source="Scion (arXiv 2502.07529) App. A.1, Tables 2–4; GGNC (arXiv 2506.01913) §2–3",
        statement="for every norm: ‖lmo(d)‖ = 1, ⟨d, lmo(d)⟩ = −‖d‖_*, lmo(a·d) = lmo(d) for a > 0,"
        " d^# = −‖d‖_*·lmo(d), ⟨d, d^#⟩ = ‖d^#‖² = ‖d‖_*²",
        prediction=lambda: sp.Integer(0),
        prediction_text="max relative violation of the five identities = 0",
        tolerance=1e-12,
        experiment="every norm of the library on random, rank-deficient, ill-conditioned and zero "
        "inputs (float64), batched over seeds, several scales a",
        control="mutated LMOs: spectral scale √(d_in/d_out) for √(d_out/d_in), Schatten exponent "
        "s^q for s^{q−1}, product dual with 1/r_l, Euclidean LMO under ℓ∞",
        provenance=(
            Provenance(
                "LMO, dual norm, sharp operator and their identities", "paper", "Scion, GGNC"
            ),
            Provenance("ℓ1, ℓp, nuclear, Schatten-p, column/row LMO formulas", "derived"),
            Provenance("Scion operator-norm scalings", "paper", "LIONS-EPFL/scion code"),
        ),
    )
)

register(
    Claim(
        id="newton-schulz-accuracy",
        kind="tight",
        family="lmo",
        source=NS_SOURCE + "; band analysis in reference/norms-and-lmos.md §7",
        statement="Newton–Schulz approximates the spectral LMO only up to the singular-value band "
        "of its coefficients: normalized singular values in [0.01, 1] map into the range of "
        "φ^{∘k}; more steps do not shrink it; the dual-norm estimate −⟨D, NS(D)⟩ is biased "
        "accordingly",
        prediction=lambda: sp.Matrix([band("ns5"), band("ns5", 9), band("dion")]),
        prediction_text="range of φ^{∘k} on [0.01, 1] (ns5: 5 and 9 steps; dion: 5 steps)",
        tolerance=1e-3,
        experiment="matrices with prescribed normalized singular values covering [0.01, 1]; "
        "output singular values of the batched NS; −⟨D, NS(D)⟩/‖D‖_S1 on Gaussian 64×32",
        control="the exact SVD LMO judged against the ns5 band (it is exact: band [1, 1])",
        provenance=(
            Provenance("ns5 and dion coefficients, the NS iteration", "paper", "public code"),
            Provenance("the bands and their step-count invariance", "derived"),
        ),
    )
)

register(
    Claim(
        id="lmo-momentum-rate",
        kind="exponent",
        family="lmo",
        source="Scion Thm 5.5 (arXiv 2502.07529); Seed 000 (arXiv 2512.13227) abstract: "
        "Polyak-momentum LMO methods at O(K^{-1/4})",
        statement="LMO method with averaged momentum α = K^{−1/2}, step t = t₀K^{−3/4}: the "
        "run-averaged E‖∇f‖_* decays as K^{−1/4} (ℓ2, ℓ∞ and spectral geometry)",
        prediction=polyak_exponent,
        prediction_text="lim d log B/d log K of the §8 bound B(K) at α = K^{-1/2}, t ∝ K^{-3/4}",
        tolerance=0.05,
        experiment="noisy nonconvex matrix problem with skewed zero-mean noise (centred "
        "exponential), K over 1.5 (quick) or 2 decades; slope of log mean_k ‖∇f(x_k)‖_* vs log K;"
        " also the noiseless deterministic schedule (α = 1, t ∝ K^{-1/2}) against −1/2",
        control="no momentum (α = 1, same t) with the same skewed noise: single-sample LMO is "
        "biased, the run stalls at a floor",
        provenance=(
            Provenance("K^{-1/4} for Polyak-momentum LMO methods", "paper", "Scion Thm 5.5"),
            Provenance("schedule constant t₀ = √(Δθ/(2ρ̄L₂)) and the §8 bound", "derived"),
            Provenance("skewed noise for the no-momentum control", "derived"),
        ),
    )
)
