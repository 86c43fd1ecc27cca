"""The calibration study, short version (the long one is marked slow): the estimators' 95%
intervals cover the truth 93–97% of the time at the quick and full seed counts, and the verdict
rule keeps its false-hold and false-refute rates at or below α. The study must be able to fail:
it rejects an interval made 20% narrower and the old point-estimate rule."""

import pytest

from ratecheck.verify.calibration import (
    CASES,
    adaptive_rates,
    coverage,
    decision_rates,
    point_estimate_rule,
)
from ratecheck.verify.verdict import ALPHA

QUICK_AND_FULL_SEEDS = (4, 8)


def _at_most_alpha(rate: float, replications: int) -> bool:
    """A one-sided binomial check: the rate is not significantly above α (its 95% Wilson lower
    bound is at or below α)."""
    from ratecheck.verify.calibration import Coverage

    low, _ = Coverage("", "", 0, round(rate * replications), replications, 0).wilson()
    return low <= ALPHA


@pytest.mark.parametrize("seeds", QUICK_AND_FULL_SEEDS)
@pytest.mark.parametrize("case", CASES)
def test_the_intervals_are_calibrated(case, seeds):
    result = coverage(case, seeds, 4000)
    assert result.calibrated, (result.rate, result.wilson())


@pytest.mark.parametrize("case", CASES)
def test_the_study_rejects_a_narrowed_interval(case):
    result = coverage(case, 8, 4000, method="narrowed")
    assert not result.calibrated and result.wilson()[1] < 0.93, result.rate


def test_the_verdict_rule_keeps_its_error_rates_at_or_below_alpha():
    for points in (1, 3):
        rates = decision_rates(4, 600, points)
        assert _at_most_alpha(rates["false_hold"], 600), rates
        assert _at_most_alpha(rates["false_refute"], 600), rates
        assert rates["power"] > 0.2, rates  # the rule can hold at all


def test_the_adaptive_procedure_keeps_its_error_rates_and_gains_power():
    """Seeds doubled while undecided, every look at α/looks (quick mode: two looks)."""
    for points in (1, 3):
        rates = adaptive_rates(4, 400, points, looks=2)
        assert _at_most_alpha(rates["false_hold"], 400), rates
        assert _at_most_alpha(rates["false_refute"], 400), rates
    assert rates["power"] > decision_rates(4, 400, 3)["power"]  # more seeds decide more


def test_the_study_rejects_the_point_estimate_rule():
    rates = decision_rates(4, 300, 1, judge=point_estimate_rule)
    assert not _at_most_alpha(rates["false_hold"], 300), rates


@pytest.mark.slow
@pytest.mark.parametrize("seeds", (4, 8, 16, 32))
@pytest.mark.parametrize("case", CASES)
def test_the_intervals_are_calibrated_long(case, seeds):
    result = coverage(case, seeds, 20_000)
    assert result.calibrated, (result.rate, result.wilson())


@pytest.mark.slow
@pytest.mark.parametrize("points", (1, 3, 9, 27))
def test_the_verdict_rule_keeps_its_error_rates_long(points):
    rates = decision_rates(8, 3000, points)
    assert _at_most_alpha(rates["false_hold"], 3000), rates
    assert _at_most_alpha(rates["false_refute"], 3000), rates


@pytest.mark.slow
@pytest.mark.parametrize("points", (1, 3, 9))
def test_the_adaptive_procedure_keeps_its_error_rates_long(points):
    rates = adaptive_rates(4, 2000, points, looks=4)
    assert _at_most_alpha(rates["false_hold"], 2000), rates
    assert _at_most_alpha(rates["false_refute"], 2000), rates
