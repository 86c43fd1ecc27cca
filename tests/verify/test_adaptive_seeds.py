"""Seeds added until decisive: an undecided claim is run again with twice the seeds (quick mode
up to 2×, full mode up to 8×), every look judged at α/looks; ``seeds`` fixes one look at α."""

import dataclasses
import math

import pytest

import ratecheck
from ratecheck.verify import registry
from ratecheck.verify.api import looks_allowed
from ratecheck.verify.experiment import Outcome
from ratecheck.verify.verdict import ALPHA, Judgement, Point

CLAIM = "hb-acceleration"


def _patch(monkeypatch, outcome_of_seeds):
    """Replace the claim's run by one whose outcome depends only on the seeds it is given."""
    original = registry.get_experiment(CLAIM)
    seen = []

    def run(claim, settings, grid):
        seen.append(settings.seeds)
        return outcome_of_seeds(settings.seeds)

    monkeypatch.setitem(registry._REGISTRY, CLAIM, dataclasses.replace(original, run=run))
    return seen


def _slope(measured, se, seeds, predicted=0.5):
    return Point("p", "exponent", predicted, measured, 0.05, se=se, df=seeds - 1)


def _outcome(claim_point, control_point):
    return Outcome(
        Judgement([claim_point], kind="exponent"), Judgement([control_point], kind="exponent"), []
    )


def _sharpening(seeds):
    """A slope whose standard error shrinks as 1/√seeds: undecided at 4 seeds, decided at 8."""
    se = 0.04 / math.sqrt(seeds)
    return _outcome(_slope(0.5, se, seeds), _slope(1.0, 0.001, seeds))


def test_an_undecided_claim_gets_a_second_look_with_twice_the_seeds(monkeypatch):
    seen = _patch(monkeypatch, _sharpening)
    (v,) = ratecheck.verify([CLAIM], quick=True)
    assert seen == [4, 8] and v.extra["seeds_per_look"] == [4, 8] and v.seeds == 8
    assert v.result.alpha == pytest.approx(ALPHA / looks_allowed(True)) == ALPHA / 2
    assert v.outcome == "checked"


def test_full_mode_stops_at_eight_times_the_seeds(monkeypatch):
    never = lambda s: _outcome(_slope(0.5, 1.0, s), _slope(1.0, 0.001, s))  # noqa: E731
    seen = _patch(monkeypatch, never)
    (v,) = ratecheck.verify([CLAIM], quick=False)
    base = registry.get_experiment(CLAIM).seeds_full
    assert seen == [base, 2 * base, 4 * base, 8 * base]
    assert v.outcome == "inconclusive" and v.result.alpha == ALPHA / 4


def test_a_decided_claim_takes_one_look_and_fixed_seeds_take_one_look_at_alpha(monkeypatch):
    refuted = lambda s: _outcome(_slope(0.9, 0.001, s), _slope(1.0, 0.001, s))  # noqa: E731
    seen = _patch(monkeypatch, refuted)
    (v,) = ratecheck.verify([CLAIM], quick=True)
    assert seen == [4] and v.outcome == "refuted"
    _patch(monkeypatch, _sharpening)
    (v,) = ratecheck.verify([CLAIM], quick=True, seeds=4)
    assert v.extra["seeds_per_look"] == [4] and v.result.alpha == ALPHA
    # one planned look spends all of α: the 90% interval (±0.047) fits the band, where the
    # adaptive procedure's first look, at α/2, was undecided and took a second one
    assert v.outcome == "checked"
