"""Judging by kind, as PEPit's tests do; three outcomes decided by intervals (holds, refuted,
inconclusive) with a claim-level error rate; the JSON record."""

import math

import pytest

from ratecheck import get_claim
from ratecheck.verify.estimators import Estimate, seed_t
from ratecheck.verify.verdict import ALPHA, Judgement, Point, Verdict, decide, holds, tally


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


def _stochastic(measured, se, predicted=0.5, tol=0.05, kind="exponent", df=3):
    lo, hi = Estimate(measured, 0, 0, se, df).interval(0.95)
    return Point("p", kind, predicted, measured, tol, lo, hi, se=se, df=df)


def test_a_point_holds_only_when_its_interval_lies_inside_the_band():
    """Weak evidence never holds: ucg-plateau's old quick pass (1.04, 95% CI [0.22, 2.07]
    against 1 ± 0.1) is inconclusive under the interval rule."""
    assert _stochastic(0.5, 0.001).outcome() == "holds"
    assert _stochastic(1.04, 0.3, predicted=1.0, tol=0.1).outcome() == "inconclusive"
    assert _stochastic(0.9, 0.001).outcome() == "refuted"
    assert _stochastic(0.54, 0.01).outcome() == "inconclusive"  # estimate inside, interval not


def test_a_deterministic_point_keeps_its_exact_test_and_nan_is_inconclusive():
    assert Point("a", "exponent", 0.5, 0.54, 0.05).outcome() == "holds"
    assert Point("a", "exponent", 0.5, 0.56, 0.05).outcome() == "refuted"
    assert Point("a", "exponent", 0.5, math.nan, 0.05).outcome() == "inconclusive"
    assert _stochastic(math.nan, 0.01).outcome() == "inconclusive"


def test_refuting_one_of_m_points_takes_a_wider_interval():
    """Bonferroni: refuted at m points needs the (1 − 2α/m) interval outside the band."""
    p = _stochastic(0.5 + 0.05 + 2.8 * 0.01, 0.01, df=30)  # ~2.8 se beyond the band's edge
    assert p.outcome(ALPHA, 1) == "refuted"
    assert p.outcome(ALPHA, 50) == "inconclusive"


def test_one_sided_kinds_read_only_their_own_end():
    upper = _stochastic(0.8, 0.01, predicted=1.0, tol=0.0, kind="upper")
    assert upper.outcome() == "holds"  # far below the bound, whatever the lower end
    lower = _stochastic(0.8, 0.01, predicted=1.0, tol=0.0, kind="lower")
    assert lower.outcome() == "refuted"


def test_a_claim_holds_when_every_point_holds_and_is_refuted_when_any_point_is():
    good, weak, bad = _stochastic(0.5, 0.001), _stochastic(0.54, 0.01), _stochastic(0.9, 0.001)
    assert decide([good, good]) == "holds"
    assert decide([good, weak]) == "inconclusive"
    assert decide([good, weak, bad]) == "refuted"
    assert decide([good], status="censored") == "inconclusive"
    assert decide([]) == "inconclusive"


def test_seed_t_interval_is_students_t_over_the_per_seed_statistics():
    from scipy import stats

    x = [1.0, 2.0, 4.0, 3.0]
    est = seed_t(2.5, x)
    half = stats.t.ppf(0.975, 3) * stats.tstd(x) / 2
    assert (est.df, est.ci_low, est.ci_high) == (
        3,
        pytest.approx(2.5 - half),
        pytest.approx(2.5 + half),
    )


def test_checked_needs_the_claim_to_hold_and_its_control_to_be_refuted():
    claim = get_claim("hb-acceleration")
    good = Judgement([Point("a", "exponent", 0.5, 0.51, 0.05)], kind="exponent")
    bad = Judgement([Point("b", "exponent", 0.5, 1.0, 0.05)], kind="exponent")
    weak = Judgement([_stochastic(0.5, 0.5)], kind="exponent")
    assert Verdict(claim, good, bad, "numpy", 4, True).outcome == "checked"
    assert Verdict(claim, good, good, "numpy", 4, True).outcome == "unchecked"
    assert Verdict(claim, good, weak, "numpy", 4, True).outcome == "unchecked"
    v = Verdict(claim, bad, bad, "numpy", 4, True)
    assert v.outcome == "refuted" and not v.checked and "refuted" in v.finding
    v = Verdict(claim, weak, bad, "numpy", 4, True)
    assert v.outcome == "inconclusive" and "inconclusive" in v.finding


def test_tally_counts_the_three_words():
    line = tally(["checked", "refuted", "inconclusive", "checked", "unchecked"])
    assert line.startswith("2 checked, 1 refuted, 1 inconclusive, 1 unchecked")
    assert line.endswith("of 5 claims")


def test_diverged_judgement_is_inconclusive_and_is_reported():
    claim = get_claim("hb-acceleration")
    j = Judgement([Point("a", "exponent", 0.5, 0.5, 0.05)], status="diverged", kind="exponent")
    record = Verdict(claim, j, j, "numpy", 4, True).record()
    assert record["verdict"] == "inconclusive" and record["status"] == "diverged"


def test_record_has_design_fields():
    claim = get_claim("hb-acceleration")
    j = Judgement([_stochastic(0.51, 0.001)], kind="exponent")
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
        "alpha",
        "verdict",
        "control_verdict",
        "checked",
        "outcome",
        "backend",
        "seeds",
        "wall_s",
    ):
        assert key in rec
    assert rec["checked"] is True and rec["control_verdict"] == "refuted"
    assert rec["points"][0]["outcome"] == "holds" and rec["points"][0]["df"] == 3
