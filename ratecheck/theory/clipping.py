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

from ratecheck.theory.claim import Claim, Provenance, register
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

register(
    Claim(
        id="ggnc-descent",
        kind="upper",
        family="clipping",
        source=SOURCE + ", Thm 4.3 (proof)",
        statement="with γ ≤ 1/(L0 + ρL1), every deterministic GGNC step satisfies "
        "f(x_{k+1}) ≤ f(x_k) − (γτ_k/2)‖∇f(x_k)‖_*², τ_k = min{1, ρ/‖∇f(x_k)‖_*}",
        prediction=lambda: sp.Integer(0),
        prediction_text="number of steps whose slack f(x_k) − (γτ_k/2)‖∇f‖_*² − f(x_{k+1}) is "
        "below −(round-off of the f difference) = 0",
        tolerance=0.0,
        experiment="the cosh problems (entrywise in ℓ2 and ℓ∞, rank-r in spectral geometry), "
        "8×8, started at 0 with ‖∇f(x_0)‖_* far above ρ; ρ ∈ {L0/L1, 10L0/L1}, "
        "γ = 1/(L0 + ρL1); every step of every run; both regimes (τ < 1 and τ = 1) visited",
        control="γ = 10/(L0 + ρL1): steps that violate the inequality",
        provenance=(
            Provenance("per-step descent inequality and the step condition", "paper", "Thm 4.3"),
            CONSTANTS,
        ),
    )
)

register(
    Claim(
        id="ggnc-deterministic-bound",
        kind="upper",
        family="clipping",
        source=SOURCE + ", Thm 4.3",
        statement="with γ ≤ 1/(L0 + ρL1), min_{k≤n}‖∇f(x_k)‖_* ≤ √(Δ/(γn)) + 2Δ/(γρn) for "
        "every n; the worked example ρ = L0/L1, γ = 1/L0 violates the step condition",
        prediction=lambda: sp.Integer(1),
        prediction_text="max over n ≤ N and seeds of min_{k≤n}‖∇f(x_k)‖_* / (√(Δ/(γn)) + "
        "2Δ/(γρn)) ≤ 1",
        tolerance=0.0,
        experiment="the ggnc-descent runs (Δ = f(x_0) − f* exact), every n ≤ N; at ρ = L0/L1 "
        "the admissible γ = 1/(2L0), whose bound √(2L0Δ/n) + 4L1Δ/n is the theorem's",
        control="the printed worked example: γ(L0 + ρL1) = 2 at γ = 1/L0, ρ = L0/L1 (the theorem "
        "needs ≤ 1), and its printed bound √(L0Δ/n) + 2L1Δ/n measured on a run with that γ",
        provenance=(
            Provenance("the bound", "paper", "Thm 4.3"),
            Provenance("the worked example's inconsistency", "derived", "§6.1"),
            CONSTANTS,
        ),
    )
)

register(
    Claim(
        id="ucg-plateau",
        kind="tight",
        family="clipping",
        source=SOURCE + ", Prop. 4.1, Thm 4.5",
        statement="uCG with a constant step γρ < 1/(2L1) stalls at a level Θ(L0γρ) (below the "
        "Thm 4.5 bound 2Δ/(γρn) + 2L0γρ), while GGNC with the same γ, ρ keeps decreasing",
        prediction=ucg_plateau_exponent,
        prediction_text="the plateau 2L0γρ = lim_n of the Thm 4.5 bound is linear in γρ: "
        "exponent 1",
        tolerance=0.1,
        experiment="cosh problems in ℓ2, ℓ∞, spectral; ρ = cL0/L1 with c ∈ {1/2, 1/8(, 1/32)}, "
        "γ = 1/(L0 + ρL1) (so γρ < 1/(2L1)); N steps; plateau = min_{k≤N}‖∇f‖_*; slope of log "
        "plateau vs log γρ; plateau ≤ Thm 4.5 bound; plateau stalls (min at N over min at N/2 "
        "≥ 1/2); GGNC's min at N below half the plateau",
        control="GGNC judged as stalling: its min at N over the uCG plateau ≥ 1/2 fails",
        provenance=(
            Provenance("uCG bound and its plateau", "paper", "Thm 4.5"),
            Provenance("Θ(L0γρ) as a slope in γρ; the stall criterion 1/2", "derived"),
            CONSTANTS,
        ),
    )
)

register(
    Claim(
        id="ggnc-euclidean-is-clipping",
        kind="identity",
        family="clipping",
        source=SOURCE + ", §3",
        statement="in ℓ2 GGNC is clipped gradient descent x − γ·min{1, ρ/‖g‖₂}·g; in ℓ∞ it is "
        "x − γ·min{ρ, ‖g‖₁}·sign(g); in spectral geometry x − γ·min{ρ, ‖g‖_S1}·UVᵀ",
        prediction=lambda: sp.Integer(0),
        prediction_text="max relative difference between the LMO-form iterate and the "
        "closed-form clipped step = 0",
        tolerance=1e-12,
        experiment="along GGNC runs on the cosh problems (both regimes), at every step, the "
        "closed-form step from the same x_k",
        control="the rule min{1, ρ/‖g‖₁} (wrong norm) in place of min{1, ρ/‖g‖₂}",
        provenance=(Provenance("the three closed forms", "paper", "§3"),),
    )
)

register(
    Claim(
        id="ggnc-stochastic-rate",
        kind="exponent",
        family="clipping",
        source=SOURCE + ", Thm 4.9",
        statement="stochastic GGNC with α = n^{−1/2}, γ = 1/(√n L0), ρ = L0/(2n^{1/4}L1): "
        "E‖∇f(x̄_n)‖_* = (1/n)Σ_k E‖∇f(x_k)‖_* = O(n^{−1/4})",
        prediction=ggnc_stochastic_exponent,
        prediction_text="lim d log B/d log n of the Thm 4.9 bound with Lemma B.2's error",
        tolerance=0.05,
        experiment="noisy cosh problems (skewed zero-mean noise, σ = 1 per entry), started at "
        "distance 1 from x* in the geometry's norm (arrival within the window: n ≳ (2L1)^4 "
        "[derived]); ℓ2, ℓ∞, spectral; slope of log (1/n)Σ‖∇f(x_k)‖_* vs log n",
        control="α = 1 (no averaging), same γ and ρ: the single-sample clipped step stalls",
        provenance=(
            Provenance("the rate and the schedule", "paper", "Thm 4.9"),
            Provenance("the start distance and window choice", "derived"),
            CONSTANTS,
        ),
    )
)

register(
    Claim(
        id="s3cg-gap",
        kind="upper",
        family="clipping",
        source=SOURCE + ", Thms 4.7, 4.11, B.5",
        statement="S3CG (both step variants) keeps every iterate in the β-ball; its Frank–Wolfe "
        "gap obeys min_k gap ≤ 2β√(Δ/(γn)) + 2Δ/(γρn) (deterministic, γ ≤ 1/L, ρ ≤ L) and "
        "decays as n^{−1/4} (stochastic, α = n^{−1/2}, γ = 1/(L√n), ρ = n^{−1/4})",
        prediction=lambda: sp.Matrix([1, s3cg_stochastic_exponent()]),
        prediction_text="max_k ‖x_k‖/β ≤ 1 and min-gap/bound ≤ 1; stochastic exponent of the "
        "Thm 4.11 bound with Lemma B.4's error",
        tolerance=0.05,
        experiment="ℓ∞ ball on the entrywise cosh problem (2×2) and spectral ball on the rank-r "
        "cosh problem (4×4), β = 1/2, x* at distance 1 outside the ball; L = Lipschitz constant "
        "of ∇f on the ball [derived]; Δ from the unconstrained f* (an upper bound on the "
        "constrained Δ)",
        control="the unconstrained update (v_k = −β·lmo(d_k)) leaves the ball",
        provenance=(
            Provenance("S3CG, its variants and bounds", "paper", "Alg. 2, Thms 4.7/4.11/B.5"),
            Provenance("L on the ball for the cosh problems", "derived"),
        ),
    )
)
