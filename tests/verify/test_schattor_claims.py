"""The Schattor claims in quick mode, and the predictions they are judged against."""

import pytest
import sympy as sp

from ratecheck.theory import schattor as th

IDS = ["schatten-oracles", "schattor-rate", "schattor-dimension-free", "schattor-multiblock"]


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def test_every_mutation_is_caught(verdicts):
    assert all(p.measured > 1e-3 for p in verdicts["schatten-oracles"].control.points)


def test_dimension_free_notes_report_ci_containment(verdicts):
    notes = verdicts["schattor-dimension-free"].result.notes
    assert sum("CI contains 0" in n for n in notes) == 3


def test_predictions():
    assert th.dimension_exponent(sp.Integer(0)) == 0
    assert th.dimension_exponent(sp.Rational(1, 2)) == 1
    assert th.max_rule_exponent() == 2
