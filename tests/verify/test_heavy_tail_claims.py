"""The heavy-tail claims in quick mode."""

import pytest

from ratecheck.theory import heavy_tail as th

IDS = [
    "heavy-tail-noise",
    "lower-bound-dimension",
    "scion-heavy-tail-complexity",
    "lower-bound-eps",
    "transported-scion-complexity",
]


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def test_exponents_are_sympy_functions_of_p():
    assert th.exponent_at(th.batched_exponent, 1.5) == 5
    assert th.exponent_at(th.batched_exponent, 2) == 4
    assert th.exponent_at(th.transported_exponent, 1.5) == 4.5
    assert th.exponent_at(th.transported_exponent, 2) == 3.5
    assert th.dimension_exponent(False) == 1 and th.dimension_exponent(True) == 0


def test_transported_schedules_reproduce_the_known_cases():
    """p = 2: batched 1 − β = K^{−1/2}, η ∝ K^{−3/4} (NSGD-M); transported K^{−4/7}, K^{−5/7}
    (NIGT); rates −1/4 and −2/7."""
    import sympy as sp

    K = th.K_sym
    for transported, expected in (
        (False, (K ** sp.Rational(-1, 2), K ** sp.Rational(-3, 4))),
        (True, (K ** sp.Rational(-4, 7), K ** sp.Rational(-5, 7))),
    ):
        got = [sp.simplify(e.subs(th.p_sym, 2)) for e in th.schedule_in_K(transported)]
        assert all(sp.simplify(g - x) == 0 for g, x in zip(got, expected))
    assert th.rate_in_K(th.transported_exponent).subs(th.p_sym, 2) == sp.Rational(-2, 7)
