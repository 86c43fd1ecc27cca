"""Heavy-tailed noise and Scion (Seed 004, Zhang & Lin, arXiv 2605.18528): the exponents.

[paper] (abstract): lower bound Ω(min{m,n}·ε^{−(3p−2)/(p−1)}) for the spectral-norm class with
p-th-moment noise, p ∈ (1, 2]; batched Scion matches it; transported Scion reaches
O(min{m,n}·ε^{−(5p−3)/(2p−2)}) with a Lipschitz Hessian. The assumptions for p < 2, the
schedules and the noise generators are [derived] (reference/heavy-tail-scion.md §1, §5, §6).
"""

from __future__ import annotations

import sympy as sp

from ratecheck.theory.claim import Claim, Provenance, register

p_sym, a_sym, sigma_sym, s0_sym = sp.symbols("p a sigma s_0", positive=True)

batched_exponent = (3 * p_sym - 2) / (p_sym - 1)
transported_exponent = (5 * p_sym - 3) / (2 * p_sym - 2)
pareto_p_moment = a_sym * s0_sym**p_sym / (a_sym - p_sym)  # E|R|^p, p < a
pareto_s0 = sigma_sym * ((a_sym - p_sym) / a_sym) ** (1 / p_sym)


def exponent_at(expr: sp.Expr, p: float) -> float:
    """A complexity exponent evaluated at one p (e.g. 5 for the batched one at p = 1.5)."""
    return float(expr.subs(p_sym, sp.nsimplify(p)))


def moment_error() -> sp.Expr:
    """E|R|^p/σ^p − 1 at the s₀ of the generator: 0."""
    ratio = pareto_p_moment.subs(s0_sym, pareto_s0) / sigma_sym**p_sym - 1
    return sp.simplify(sp.powdenest(sp.expand_power_base(ratio, force=True), force=True))


register(
    Claim(
        id="heavy-tail-noise",
        kind="identity",
        family="heavy-tail",
        source="Seed 004 (arXiv 2605.18528) noise assumption; generators: reference/"
        "heavy-tail-scion.md §6",
        statement="the spiky heavy-tailed generator has p-th moment σ^p in the nuclear norm and "
        "tail index a (moments of order ≥ a infinite), for p ∈ {1.25, 1.5, 1.75, 2}",
        prediction=moment_error,
        prediction_text="E‖Z‖_nuc^p/σ^p − 1 = a s₀^p/((a − p)σ^p) − 1 = 0 at "
        "s₀ = σ((a−p)/a)^{1/p}; Hill estimate − a = 0",
        tolerance=0.15,
        experiment="spiky noise R·uvᵀ on 8×8 matrices, a = p + 1/2, nuclear norms by SVD; the "
        "Monte Carlo p-th moment (|R|^p has infinite variance, so the tolerance is 0.25 "
        "relative) and the Hill estimate over the top k order statistics (tolerance 0.15, "
        "standard error ≈ a/√k)",
        control="Gaussian noise of the same σ judged as heavy-tailed with index a (its Hill "
        "estimate keeps growing as k shrinks)",
        provenance=(
            Provenance("p-th moment noise in the dual norm", "derived", "§1"),
            Provenance("Pareto moments, Hill estimator", "derived", "§6"),
        ),
    )
)
