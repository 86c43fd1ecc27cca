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

from ratecheck.theory.claim import Claim, Provenance, register
from ratecheck.theory.exponents import loglog_exponent
from ratecheck.theory.lmo import polyak_exponent

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

register(
    Claim(
        id="schatten-oracles",
        kind="identity",
        family="schattor",
        source=SOURCE + " §1; F. L. Cesista, Steepest Descent Under Schatten-p Norms",
        statement="ball LMO −U diag(s^{q−1})Vᵀ/‖s‖_q^{q−1} has unit S_p norm and value −‖G‖_{S_q};"
        " the regularized oracle is its ‖G‖_{S_q}/λ multiple with value −‖G‖²_{S_q}/(2λ); p = 2 "
        "gives normalized SGD / SGD, p = ∞ gives −UVᵀ (Muon)",
        prediction=lambda: sp.Integer(0),
        prediction_text="largest relative violation of the identities = 0",
        tolerance=1e-10,
        experiment="random, rank-deficient and ill-conditioned 6×4 matrices (float64), p ∈ {2, 3,"
        " 4, 8, ∞}; 2·10⁴ random feasible directions never beat the LMO; random perturbations "
        "never beat the regularized oracle",
        control="a mutated exponent s^q instead of s^{q−1}; the Frobenius LMO used for p = 4",
        provenance=(Provenance("both oracles and their special cases", "derived", "§1"), UNKNOWN),
    )
)

register(
    Claim(
        id="schattor-rate",
        kind="exponent",
        family="schattor",
        source=SOURCE + " §2",
        statement="Schattor (ball version) with averaged momentum α = K^{−1/2} and η = η₀K^{−3/4} "
        "reaches stationarity in the dual S_q norm at K^{−1/4} [derived schedule]",
        prediction=polyak_exponent,
        prediction_text="the LMO-momentum §8 bound in the S_p geometry: −1/4",
        tolerance=0.05,
        experiment="the noisy nonconvex 8×8 matrix problem of lmo-momentum-rate (skewed noise), "
        "p ∈ {2, 4, ∞}; slope of log (1/K)Σ‖∇f(X_k)‖_{S_q} vs log K",
        control="α = 1 (no momentum), same η: the single-sample LMO is biased by the skew",
        provenance=(TEMPLATE, UNKNOWN),
    )
)

register(
    Claim(
        id="schattor-dimension-free",
        kind="exponent",
        family="schattor",
        source=SOURCE + " §4",
        statement="iterations to ‖∇f‖_{S_q} ≤ ε do not grow with r = min{m, n} when the noise is "
        "bounded in the method's geometry S_q and the constants L, σ_q do not depend on r "
        "[derived setting]",
        prediction=lambda: dimension_exponent(sp.Integer(0)),
        prediction_text="d log T/d log r of T ≈ 32ΔLσ_q²/ε⁴ with σ_q independent of r: 0",
        tolerance=0.1,
        experiment="rank-4 quadratic in r×r matrices (L = 4^{1/q}, dimension-free), the same τ at "
        "every r, rank-one ('spiky') noise with ‖ξ‖_{S_q} = 1, α = ε²/(4σ_q²), η = εα/(4L), "
        "p ∈ {2, 4}, r over more than a decade; σ_q measured by Monte Carlo",
        control="p = ∞ with Gaussian ('spread') noise of unit Frobenius norm, whose nuclear norm "
        "grows like √r: predicted slope 1, judged against 0",
        provenance=(
            Provenance("the dimension-free setting and its noise models", "derived", "§4"),
            TEMPLATE,
            UNKNOWN,
        ),
    )
)

register(
    Claim(
        id="schattor-multiblock",
        kind="exponent",
        family="schattor",
        source=SOURCE + " §3",
        statement="the multi-block rule that balances block-wise progress (ℓ2-type, regularized: "
        "block steps n_k/L_k) needs iterations that do not grow polynomially with the number of "
        "blocks or their scale disparity [derived setting]",
        prediction=lambda: sp.Integer(0),
        prediction_text="slope of log T in log(scale disparity) and in log(number of blocks): 0",
        tolerance=0.25,
        experiment="B ∈ {2, 4, 8} blocks of 8×8 rank-4 quadratics with scales 1 … D, D ∈ {1, 10, "
        "100}, Schatten-4 blocks, exact gradients; T = first t with Σ_k‖∇_k f‖_{S_q} ≤ ε; also "
        "reported: the ℓ1-type regularized (Gauss–Southwell–Lipschitz) rule",
        control="the max-type rule with fixed radii (Scion/Gluon) and one step η = ε/Σ_k L_k: "
        f"its T grows with D (bound exponent {max_rule_exponent()})",
        provenance=(
            Provenance("the balancing rules and their step lengths", "derived", "§3"),
            UNKNOWN,
        ),
    )
)
