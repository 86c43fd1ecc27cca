"""Assert claims in your own test suite (also loaded as a pytest plugin).

    from ratecheck.testing import assert_claim, check

    def test_heavy_ball_accelerates():
        assert_claim("hb-acceleration", quick=True)

    def test_my_claim():                       # a Claim object of your own (ratecheck.user)
        assert check(my_claim, quick=True).checked

or, with the fixtures this plugin provides::

    def test_rate(ratecheck_claim):
        ratecheck_claim("hb-quadratic-rate", grid={"kappa": (10, 100)})

    def test_mine(ratecheck_check):
        assert ratecheck_check(my_claim, quick=True).checked
"""

from __future__ import annotations

from typing import Any

import pytest


def assert_claim(claim_id: str, quick: bool = True, **options: Any):
    """Verify one claim; fail, saying which outcome occurred (refuted, inconclusive, or a
    control not refuted), unless the claim is checked: it holds and its control is refuted."""
    from ratecheck.verify.api import verify

    (verdict,) = verify([claim_id], quick=quick, **options)
    if verdict.result.outcome != "holds":
        raise AssertionError(verdict.finding)
    if verdict.control.outcome != "refuted":
        h = verdict.control.headline
        raise AssertionError(
            f"{claim_id}: unchecked: the claim holds but its control is "
            f"{verdict.control.outcome}, not refuted ({h.label}: measured {h.measured:.6g} "
            f"against {h.predicted:.6g}), so this check could not have failed"
        )
    return verdict


def check(claim: Any, quick: bool = True, **options: Any):
    """Verify one claim — an id or a registered ``Claim`` — and return its Verdict:
    ``.checked`` (the claim holds and its control is refuted), ``.outcome`` (checked, refuted,
    inconclusive or unchecked) and ``.finding`` (why, when the claim does not hold)."""
    from ratecheck.verify.api import verify

    claim_id = claim if isinstance(claim, str) else claim.id
    (verdict,) = verify([claim_id], quick=quick, **options)
    return verdict


@pytest.fixture
def ratecheck_check():
    """The :func:`check` function, as a fixture."""
    return check


@pytest.fixture
def ratecheck_claim():
    """The :func:`assert_claim` function, as a fixture."""
    return assert_claim
