"""The HCM predictions come from the SymPy bounds of reference §8 and the cosh bias expressions."""

import sympy as sp

from ratecheck.theory import hcm as th
from ratecheck.theory.lmo import polyak_exponent
from ratecheck.theory.symbols import K


def test_exponents_of_the_bounds():
    assert th.hcm_exponent() == sp.Rational(-1, 3)
    assert th.hcm_v1_exponent() == sp.Rational(-1, 3)  # the Hessian-Lipschitz term is lower order
    assert th.uncorrected_exponent() == 0  # the drift term 2ρ̄L₂t/(θα) stays constant
    assert th.hcm_advantage() == th.hcm_exponent() - polyak_exponent() == sp.Rational(-1, 12)


def test_balanced_constants_equalize_the_two_middle_terms():
    """With c and a balanced, 2ρ̄σ√α = 2ρ̄Gt/(θ√α) at every K (the §8 choice)."""
    a = th.a_balanced.subs(th.c_sym, th.c_balanced)
    alpha, t = a * K ** sp.Rational(-2, 3), th.c_balanced * K ** sp.Rational(-2, 3)
    noise = th.sigma_n * sp.sqrt(alpha)
    drift = th.G_sym * t / (th.theta * sp.sqrt(alpha))
    assert sp.simplify(noise - drift) == 0


def test_bias_expressions():
    assert th.interpolated_bias() == 0
    assert th.current_bias_exponent() == 2
    series = sp.series(th.bias_current, th.h_sym, 0, 3).removeO()
    assert sp.simplify(series - th.h_sym**2 * sp.sinh(th.x_sym) / 2) == 0


def test_schedule_is_capped_at_one():
    alpha = sp.lambdify((th.a_sym, K), th.alpha_hcm_K)
    assert alpha(10.0, 8.0) == 1.0 and abs(alpha(2.0, 1000.0) - 0.02) < 1e-15
