"""Seed 002 — Polyak's heavy-ball momentum on strongly convex quadratics.

J.-K. Wang, C.-H. Lin, J. Abernethy, "A Modular Analysis of Provable Acceleration via Polyak's
Momentum", ICML 2021, arXiv 2010.01618. The paper's body was not available to this project; the
parameters and constants below are labelled as in shared/reference/polyak-momentum.md.

Expressions (κ = L/μ, t the iteration):

- heavy ball (Wang et al.): η = 1/L, β = (1 − 1/(2√κ))², rate √β = 1 − 1/(2√κ)            §2.2
- its envelope: ‖[e_t; e_{t−1}]‖ ≤ C₀·β^{t/2}·‖[e_0; e_{−1}]‖, C₀ = 2(β+1)/√h_min,
  h(β, z) = 4β − (1 + β − z)², h_min = min{h(β, 1/κ), h(β, 1)}                              §2.1
- Polyak's optimal parameters: α* = 4/(√L + √μ)², β* = ρ², ρ = (√κ − 1)/(√κ + 1), and the exact
  worst case from x_{−1} = x₀: (1 + (1 + ρ)t)·ρ^t                                           §3
- gradient descent with η = 1/L: rate 1 − 1/κ                                               §4
- the Lessard–Recht–Packard function and the 3-cycle of heavy ball (1/9, 4/9) on it          §6
"""

from __future__ import annotations

import itertools
from functools import cache

import sympy as sp

from ratecheck.theory.claim import Provenance
from ratecheck.theory.exponents import loglog_exponent
from ratecheck.theory.symbols import L, eps, kappa, mu, t

SOURCE = "Seed 002: Wang, Lin, Abernethy, ICML 2021 (arXiv 2010.01618)"

# --- heavy ball with Wang et al.'s parameters (§2) -------------------------------------------
eta_hb = 1 / L
rate_hb = 1 - 1 / (2 * sp.sqrt(kappa))  # = √β for κ ≥ 1/4
beta_hb = rate_hb**2


def h_discriminant(beta: sp.Expr, z: sp.Expr) -> sp.Expr:
    """h(β, z) = 4β − (1 + β − z)²: minus the discriminant of the 2×2 block at ηλ = z."""
    return 4 * beta - (1 + beta - z) ** 2


h_min = sp.Min(h_discriminant(beta_hb, 1 / kappa), h_discriminant(beta_hb, 1))
C0_hb = 2 * (beta_hb + 1) / sp.sqrt(h_min)
envelope_hb = C0_hb * beta_hb ** (t / 2)

# --- gradient descent, η = 1/L (§4) ----------------------------------------------------------
eta_gd = 1 / L
rate_gd = 1 - 1 / kappa
# its tight worst case of ‖x_t − x*‖/‖x_0 − x*‖ over L-smooth (L/κ)-strongly convex functions,
# max(|1 − ημ|, |1 − ηL|)^t (attained on a quadratic), = (1 − 1/κ)^t at η = 1/L
worst_case_gd = sp.Max(sp.Abs(1 - eta_gd * L / kappa), sp.Abs(1 - eta_gd * L)) ** t

# --- iterations to relative error ε, from the rates and constants above ------------------------
# h_min is attained at z = 1/κ for κ ≥ 2 (h is concave in z; checked in tests), which keeps the
# limit below free of Min.
_C0_large_kappa = 2 * (beta_hb + 1) / sp.sqrt(h_discriminant(beta_hb, 1 / kappa))
iterations_hb = sp.log(_C0_large_kappa / eps) / (-sp.log(rate_hb))
iterations_gd = sp.log(1 / eps) / (-sp.log(rate_gd))


@cache
def hb_iteration_exponent() -> sp.Expr:
    """lim d log T_HB / d log κ (SymPy; about 4 s, hence cached)."""
    return loglog_exponent(iterations_hb, kappa)


@cache
def gd_iteration_exponent() -> sp.Expr:
    """lim d log T_GD / d log κ."""
    return loglog_exponent(iterations_gd, kappa)


# --- Polyak's optimal parameters (§3) --------------------------------------------------------
rho_polyak = (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)
alpha_polyak = 4 / (sp.sqrt(L) + sp.sqrt(mu)) ** 2
beta_polyak = rho_polyak**2
transient_polyak = (1 + (1 + rho_polyak) * t) * rho_polyak**t
diagonalizable_bound = rho_polyak**t  # the bound without prefactor: false non-asymptotically

# --- Lessard–Recht–Packard piecewise quadratic (§6) ------------------------------------------
_x = sp.Symbol("x", real=True)
LRP_PIECES = (  # (derivative, condition) on (-∞, 1), [1, 2), [2, ∞)
    (25 * _x, lambda v: v < 1),
    (_x + 24, lambda v: (v >= 1) & (v < 2)),
    (25 * _x - 24, lambda v: v >= 2),
)
lrp_value = sp.Piecewise(
    (sp.Rational(25, 2) * _x**2, _x < 1),
    (_x**2 / 2 + 24 * _x - 12, _x < 2),
    (sp.Rational(25, 2) * _x**2 - 24 * _x + 36, True),
)
LRP_MU, LRP_L = 1, 25
LRP_ALPHA = sp.Rational(1, 9)  # = 4/(√L + √μ)² at μ = 1, L = 25
LRP_BETA = sp.Rational(4, 9)  # = ((√L − √μ)/(√L + √μ))²


@cache
def lrp_three_cycles(alpha: sp.Expr = LRP_ALPHA, beta: sp.Expr = LRP_BETA) -> tuple[tuple, ...]:
    """Every period-3 orbit (a, b, c) of heavy ball on the LRP function, solved exactly.

    For each assignment of the three points to the three pieces, the orbit equations
    x_{n+1} = x_n − α f'(x_n) + β (x_n − x_{n−1}) are linear; a solution counts when each point
    lies in its assumed piece and the orbit is not the fixed point. Orbits are returned as
    exact rationals, each rotated to start at its smallest point.
    """
    a, b, c = sp.symbols("a b c", real=True)
    orbits = set()
    for pa, pb, pc in itertools.product(LRP_PIECES, repeat=3):
        f = [p[0] for p in (pa, pb, pc)]
        eqs = [
            sp.Eq(b, a - alpha * f[0].subs(_x, a) + beta * (a - c)),
            sp.Eq(c, b - alpha * f[1].subs(_x, b) + beta * (b - a)),
            sp.Eq(a, c - alpha * f[2].subs(_x, c) + beta * (c - b)),
        ]
        sol = sp.solve(eqs, (a, b, c), dict=True)
        for s in sol:
            pts = (s[a], s[b], s[c])
            inside = all(bool(p[1](v)) for p, v in zip((pa, pb, pc), pts))
            if inside and len(set(pts)) == 3:
                k = pts.index(min(pts))
                orbits.add(pts[k:] + pts[:k])
    return tuple(sorted(orbits))


def _curvature(v: sp.Expr) -> int:
    """f'' of the LRP function at v (25 on the outer pieces, 1 on [1, 2))."""
    return 1 if 1 <= v < 2 else 25


def monodromy_radius(orbit: tuple, alpha: sp.Expr = LRP_ALPHA, beta: sp.Expr = LRP_BETA) -> float:
    """Spectral radius of the 3-step heavy-ball map linearized along ``orbit``.

    Each step acts on (x_n, x_{n−1}) as [[1 + β − α f''(x_n), −β], [1, 0]]; the orbit attracts
    nearby starts iff the product over one period has spectral radius < 1.
    """
    M = sp.eye(2)
    for v in orbit:
        M = sp.Matrix([[1 + beta - alpha * _curvature(v), -beta], [1, 0]]) * M
    return max(abs(complex(e)) for e in M.eigenvals())


def lrp_attracting_cycles() -> tuple[tuple, ...]:
    """The 3-cycles of :func:`lrp_three_cycles` whose monodromy radius is below 1."""
    return tuple(o for o in lrp_three_cycles() if monodromy_radius(o) < 1)


# --- claims ----------------------------------------------------------------------------------
HB_PARAMS = Provenance(
    "η = 1/L, β = (1 − 1/(2√κ))²", "unknown", "recalled as Wang et al.'s; validated numerically"
)


__all__ = [
    "C0_hb",
    "alpha_polyak",
    "beta_hb",
    "beta_polyak",
    "diagonalizable_bound",
    "envelope_hb",
    "eta_gd",
    "eta_hb",
    "gd_iteration_exponent",
    "hb_iteration_exponent",
    "iterations_gd",
    "iterations_hb",
    "lrp_attracting_cycles",
    "lrp_three_cycles",
    "lrp_value",
    "monodromy_radius",
    "rate_gd",
    "rate_hb",
    "rho_polyak",
    "transient_polyak",
]


# --- wide ReLU network and deep linear network (§7, §8) ---------------------------------------
kappa_prime = sp.Symbol("kappa_prime", positive=True)
cosine = sp.Symbol("c", real=True)
relu_gram_entry = cosine * (sp.pi - sp.acos(cosine)) / (2 * sp.pi)  # H̄_ij at c = x_iᵀx_j
relu_gram_wrong = cosine / 2  # the kernel without the arccos term (control)
relu_kappa = sp.Rational(4, 3) * (kappa_prime + sp.Rational(1, 4))  # κ = λ_max/λ with margins
relu_lambda_max_margin = sp.Rational(1, 4)  # λ_max := λ_max(H̄) + λ_min(H̄)/4
relu_rate_hb = rate_hb.subs(kappa, relu_kappa)
relu_rate_gd = 1 - 1 / (kappa_prime + relu_lambda_max_margin)  # 1 − η λ_min at H₀ ≈ H̄


def relu_hb_iteration_exponent() -> sp.Expr:
    """lim d log T_HB / d log κ' with κ = (4/3)(κ' + 1/4), by the chain rule:
    (lim d log T/d log κ)·(lim d log κ/d log κ')."""
    return hb_iteration_exponent() * loglog_exponent(relu_kappa, kappa_prime)


@cache
def relu_gd_iteration_exponent() -> sp.Expr:
    """lim d log T_GD / d log κ' with GD's factor 1 − 1/(κ' + 1/4) (η = 1/λ_max, H₀ ≈ H̄)."""
    return loglog_exponent(sp.log(1 / eps) / (-sp.log(relu_rate_gd)), kappa_prime)


RELU_PARAMS = Provenance(
    "η = 1/λ_max, λ_max = λ_max(H̄) + λ_min(H̄)/4, κ = (4/3)(κ' + 1/4), β = (1 − 1/(2√κ))²",
    "unknown",
    "recalled; the rate (1 − Θ(1/√κ'))^t is the paper's (abstract)",
)
DEEP_PARAMS = Provenance(
    "η = 1/λ_max(P₀) = d_y/(ℓσ_max²(X)), β = (1 − 1/(2√κ))², κ = σ_max²/σ_min²",
    "unknown",
    "parameters recalled; η = 1/λ_max(P₀) and P₀ = (ℓ/d_y)XᵀX ⊗ I are derived",
)
NETS_SOURCE = SOURCE + ", wide ReLU net and deep linear net (abstract; theorem text unavailable)"
