"""The clipping claims' predictions come from the theorems' SymPy expressions."""

import sympy as sp

from ratecheck.theory import clipping as th


def test_stochastic_exponents():
    assert th.ggnc_stochastic_exponent() == sp.Rational(-1, 4)
    assert th.s3cg_stochastic_exponent() == sp.Rational(-1, 4)


def test_thm49_schedule_gives_the_local_step_condition():
    """γρ = 1/(2n^{3/4}L1) ≤ 1/(2L1) (Thm 4.9's γρ ≤ 1/(2L1)) and γ = 1/(√n L0) ≤ 1/L0."""
    product = sp.simplify(th.thm49_gamma * th.thm49_rho)
    assert sp.simplify(product - 1 / (2 * th.n_sym ** sp.Rational(3, 4) * th.L1)) == 0


def test_ucg_plateau_and_its_exponent():
    assert th.ucg_plateau() == 2 * th.L0 * th.step
    assert th.ucg_plateau_exponent() == 1


def test_worked_example_inconsistency():
    """ρ = L0/L1, γ = 1/L0 gives γ(L0 + ρL1) = 2; the admissible γ = 1/(2L0) gives
    √(2L0Δ/n) + 4L1Δ/n, not the printed √(L0Δ/n) + 2L1Δ/n (reference §6.1)."""
    assert th.example_step_ratio() == 2
    expected = sp.sqrt(2 * th.L0 * th.Delta / th.n_sym) + 4 * th.L1 * th.Delta / th.n_sym
    assert sp.simplify(th.example_admissible_bound() - expected) == 0
    assert sp.simplify(th.example_admissible_bound() - th.example_printed_bound) != 0
