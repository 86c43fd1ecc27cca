"""The heavy-tail claims in quick mode."""

import pytest

import ratecheck
from ratecheck.theory import heavy_tail as th

IDS = [
    "heavy-tail-noise",
    "lower-bound-dimension",
    "scion-heavy-tail-complexity",
    "lower-bound-eps",
]


@pytest.fixture(scope="module")
def verdicts():
    return {v.claim.id: v for v in ratecheck.verify(IDS, quick=True)}


@pytest.mark.parametrize("cid", IDS)
def test_claim_passes_control_fails(verdicts, cid):
    v = verdicts[cid]
    assert v.result.passed, v.finding
    assert not v.control.passed and v.expected


def test_exponents_are_sympy_functions_of_p():
    assert th.exponent_at(th.batched_exponent, 1.5) == 5
    assert th.exponent_at(th.batched_exponent, 2) == 4
    assert th.exponent_at(th.transported_exponent, 1.5) == 4.5
    assert th.exponent_at(th.transported_exponent, 2) == 3.5
    assert th.dimension_exponent(False) == 1 and th.dimension_exponent(True) == 0
