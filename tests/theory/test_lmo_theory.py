import pytest

from ratecheck.theory import lmo as th
from ratecheck.theory.newton_schulz import band


def test_exponents_from_the_bound():
    assert th.polyak_exponent() == pytest.approx(-0.25)
    assert th.deterministic_exponent() == pytest.approx(-0.5)
    assert th.no_momentum_exponent() == 0  # α = 1: the σ term does not decay


def test_newton_schulz_bands_match_reference():
    """reference/norms-and-lmos.md §7: [0.682, 1.134] (ns5, also after 9 and 50 steps),
    [0.471, 1.202] on [1e-3, 1], dion [0.978, 1.032]."""
    for steps in (None, 9, 50):
        lo, hi = band("ns5", steps)
        assert lo == pytest.approx(0.682, abs=5e-4) and hi == pytest.approx(1.134, abs=5e-4)
    lo, hi = band("ns5", lo=1e-3)
    assert lo == pytest.approx(0.471, abs=5e-4) and hi == pytest.approx(1.202, abs=5e-4)
    lo, hi = band("dion")
    assert lo == pytest.approx(0.978, abs=5e-4) and hi == pytest.approx(1.032, abs=5e-4)
