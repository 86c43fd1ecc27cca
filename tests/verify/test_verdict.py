"""Judging by kind, as PEPit's tests do, and the JSON record."""

import math

import pytest

from ratecheck import get_claim
from ratecheck.verify.verdict import Judgement, Point, Verdict, holds


@pytest.mark.parametrize(
    "kind,measured,predicted,tol,expected",
    [
        ("exponent", 0.54, 0.5, 0.05, True),
        ("exponent", 0.56, 0.5, 0.05, False),
        ("linear-rate", 0.9505, 0.95, 1e-3, True),
        ("linear-rate", 0.99, 0.95, 1e-3, False),
        ("tight", 1 + 5e-7, 1.0, 1e-6, True),
        ("tight", 1 - 2e-6, 1.0, 1e-6, False),
        ("upper", 1.0, 1.0, 0.0, True),
        ("upper", 1.01, 1.0, 0.0, False),
        ("lower", 0.99, 1.0, 0.02, True),
        ("lower", 0.97, 1.0, 0.02, False),
        ("identity", 1e-13, 0.0, 1e-12, True),
        ("counterexample", 1e-3, 0.0, 1e-4, False),
        ("exponent", math.nan, 0.5, 0.05, False),
    ],
)
def test_holds(kind, measured, predicted, tol, expected):
    assert holds(kind, measured, predicted, tol) is expected


def test_expected_needs_claim_pass_and_control_fail():
    claim = get_claim("hb-acceleration")
    good = Judgement([Point("a", "exponent", 0.5, 0.51, 0.05)], kind="exponent")
    bad = Judgement([Point("b", "exponent", 0.5, 1.0, 0.05)], kind="exponent")
    assert Verdict(claim, good, bad, "numpy", 4, True).expected
    assert not Verdict(claim, good, good, "numpy", 4, True).expected  # control passed: unchecked
    v = Verdict(claim, bad, bad, "numpy", 4, True)
    assert not v.expected and "refuted" in v.finding


def test_diverged_judgement_fails_and_is_reported():
    claim = get_claim("hb-acceleration")
    j = Judgement([Point("a", "exponent", 0.5, 0.5, 0.05)], status="diverged", kind="exponent")
    record = Verdict(claim, j, j, "numpy", 4, True).record()
    assert record["verdict"] == "fail" and record["status"] == "diverged"


def test_record_has_design_fields():
    claim = get_claim("hb-acceleration")
    j = Judgement([Point("a", "exponent", 0.5, 0.51, 0.05, 0.5, 0.52)], kind="exponent")
    c = Judgement([Point("b", "exponent", 0.5, 1.0, 0.05)], kind="exponent")
    rec = Verdict(claim, j, c, "numpy", 4, True, 1.5).record()
    for key in (
        "claim",
        "kind",
        "source",
        "predicted",
        "measured",
        "ci_low",
        "ci_high",
        "tolerance",
        "verdict",
        "control_verdict",
        "expected",
        "backend",
        "seeds",
        "wall_s",
    ):
        assert key in rec
    assert rec["expected"] is True and rec["control_verdict"] == "fail"
