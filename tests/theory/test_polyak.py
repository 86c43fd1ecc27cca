"""The symbolic side of seed 002: every prediction is derived, not typed in."""

import numpy as np
import sympy as sp

from ratecheck.theory import polyak as th
from ratecheck.theory.exponents import contraction_factor, loglog_exponent
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import eps, kappa, t


def test_contraction_of_envelope_is_sqrt_beta():
    rate = contraction_factor(th.envelope_hb, t)
    for k in (4.0, 10.0, 1e4):
        assert float(rate.subs(kappa, k)) == sp.N(sp.sqrt(th.beta_hb.subs(kappa, k)))


def test_polyak_transient_contracts_at_rho():
    assert sp.simplify(contraction_factor(th.transient_polyak, t) - th.rho_polyak) == 0


def test_iteration_exponents():
    assert th.hb_iteration_exponent() == sp.Rational(1, 2)
    assert th.gd_iteration_exponent() == 1
    # a log(1/ε)·κ^(3/2) time must give 3/2: the extraction is not hard-wired
    assert loglog_exponent(kappa ** sp.Rational(3, 2) * sp.log(1 / eps), kappa) == sp.Rational(3, 2)


def test_h_min_attained_at_mu_for_kappa_at_least_2():
    """iterations_hb uses h(β, 1/κ) for h_min: true on κ ≥ 2 (h concave in z)."""
    at_mu = Schedule(th.h_discriminant(th.beta_hb, 1 / kappa), (kappa,))
    at_L = Schedule(th.h_discriminant(th.beta_hb, 1), (kappa,))
    grid = np.geomspace(2, 1e8, 400)
    assert np.all(at_mu(kappa=grid) <= at_L(kappa=grid))


def test_C0_size_matches_reference():
    """Reference §2.2: C₀ ≤ 2.59√κ on [1, 1e8], C₀/√κ → 4/√3."""
    c0 = Schedule(th.C0_hb, (kappa,))
    grid = np.geomspace(1.01, 1e8, 300)
    assert np.all(c0(kappa=grid) / np.sqrt(grid) <= 2.59)
    assert abs(c0(kappa=1e12) / 1e6 - 4 / np.sqrt(3)) < 1e-3


def test_lrp_cycle_values_and_stability():
    cycles = th.lrp_attracting_cycles()
    assert len(cycles) == 1
    np.testing.assert_allclose([float(v) for v in cycles[0]], [-1.8024, 2.1159, 0.6465], atol=1e-4)
    assert len(th.lrp_three_cycles()) == 2  # the other 3-cycle is repelling
    assert all(th.monodromy_radius(c) > 1 for c in th.lrp_three_cycles() if c not in cycles)


def test_lrp_function_is_C1():
    x = sp.Symbol("x", real=True)
    pieces = [p[0] for p in th.LRP_PIECES]
    for knot, (left, right) in ((1, pieces[:2]), (2, pieces[1:])):
        assert left.subs(x, knot) == right.subs(x, knot)
    assert sp.diff(th.lrp_value, sp.Symbol("x", real=True)).subs(sp.Symbol("x", real=True), 0) == 0
