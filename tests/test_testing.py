"""The pytest plugin: users assert claims in their own suites."""

import importlib

import pytest

from ratecheck.testing import assert_claim


def test_assert_claim_passes_for_a_held_claim(ratecheck_claim):
    verdict = ratecheck_claim("hb-not-global", seeds=2)
    assert verdict.checked


def test_assert_claim_raises_when_the_claim_fails(monkeypatch):
    api = importlib.import_module("ratecheck.verify.api")  # ratecheck.verify is the function
    from ratecheck import get_claim
    from ratecheck.verify.verdict import Judgement, Point, Verdict

    bad = Judgement([Point("a", "exponent", 0.5, 0.9, 0.05)], kind="exponent")
    monkeypatch.setattr(
        api,
        "verify",
        lambda ids, **kw: [Verdict(get_claim("hb-acceleration"), bad, bad, "numpy", 1, True)],
    )
    with pytest.raises(AssertionError, match="refuted"):
        assert_claim("hb-acceleration")
