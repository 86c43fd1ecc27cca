"""Heavy-tailed noise and Scion (Seed 004, Zhang & Lin, arXiv 2605.18528): the exponents.

[paper] (abstract): lower bound Ω(min{m,n}·ε^{−(3p−2)/(p−1)}) for the spectral-norm class with
p-th-moment noise, p ∈ (1, 2]; batched Scion matches it; transported Scion reaches
O(min{m,n}·ε^{−(5p−3)/(2p−2)}) with a Lipschitz Hessian. The assumptions for p < 2, the
schedules and the noise generators are [derived] (reference/heavy-tail-scion.md §1, §5, §6).
"""

from __future__ import annotations

import sympy as sp

from ratecheck.theory.claim import Provenance

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


# --- the matrix channel instance (reference/lower-bounds.md §5, [derived]) --------------------
r_sym, eps_sym, L_sym, Delta_sym = sp.symbols("r epsilon L Delta", positive=True)
ELL1 = 152
channel_c = 92 * eps_sym / r_sym  # per-channel frontier gradient bound
channel_q = (
    2
    * r_sym
    * channel_c**p_sym
    / (sigma_sym**p_sym / 2 ** (p_sym - 1) - (r_sym * channel_c) ** p_sym)
) ** (1 / (p_sym - 1))
channel_T = Delta_sym * L_sym / (192 * ELL1 * eps_sym**2)
channel_calls = channel_T / channel_q  # Ω(T/q) oracle calls


def dimension_exponent(shared: bool = False) -> sp.Expr:
    """d log N/d log r of T/q: 1 with independent channels; 0 when q does not depend on r
    (one shared ξ, q of a single channel)."""
    calls = channel_calls.subs(r_sym, 1) if shared else channel_calls
    return sp.simplify(r_sym * sp.diff(sp.log(calls), r_sym))


def eps_for_chain(T: int, L: float = 1.0, delta: float = 1.0) -> float:
    """The ε whose chain has exactly T links, ΔL/(192ℓ₁ε²) = T (a hair above, against the floor),
    so that T ∝ ε^{−2} holds exactly on a grid of T values."""
    return (delta * L / (192 * ELL1 * T * (1 + 1e-9))) ** 0.5


SEED004 = "Seed 004 (arXiv 2605.18528) abstract"
CHAIN = Provenance("the matrix channel instance and its oracle", "derived", "lower-bounds §5")


# --- transported vs batched Scion as rates in the horizon K [derived] -------------------------
K_sym = sp.Symbol("K", positive=True)


def rate_in_K(complexity_exponent: sp.Expr) -> sp.Expr:
    """N ∝ ε^{−e} ⇔ after K calls the stationarity decays like K^{−1/e}."""
    return -1 / complexity_exponent


def schedule_in_K(transported: bool) -> tuple[sp.Expr, sp.Expr]:
    """(1 − β, η/η₀) as powers of K from §5: 1 − β ∝ ε^{p/(p−1)}; batched η ∝ ε(1 − β),
    transported η ∝ (1 − β)√ε; with ε ∝ K^{−1/e} for the method's own exponent e."""
    e = transported_exponent if transported else batched_exponent
    eps_K = K_sym ** (-1 / e)
    one_minus_beta = eps_K ** (p_sym / (p_sym - 1))
    eta = one_minus_beta * (sp.sqrt(eps_K) if transported else eps_K)
    return sp.simplify(one_minus_beta), sp.simplify(eta)
