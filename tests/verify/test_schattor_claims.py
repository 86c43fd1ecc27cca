"""The Schattor claims in quick mode, and the predictions they are judged against."""

import math

import numpy as np
import pytest
import sympy as sp

from ratecheck.claims._shared import schatten_lmo_wrong_exponent
from ratecheck.claims.schattor.schatten_oracles import brute_force_gap, oracle_violation
from ratecheck.solvers import norms as nm
from ratecheck.theory import schattor as th

IDS = ["schatten-oracles", "schattor-rate", "schattor-dimension-free", "schattor-multiblock"]


pytestmark = pytest.mark.quick_claims(*IDS)


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def test_claims_hold_and_controls_are_refuted(verdicts):
    for claim_id, v in verdicts.items():
        assert v.result.holds, claim_id
        if claim_id != "schattor-rate":  # its control: inconclusive (tests/verify/test_every_claim)
            assert v.control.refuted, claim_id


def test_every_mutation_is_caught(verdicts):
    assert all(p.measured > 1e-3 for p in verdicts["schatten-oracles"].control.points)


def test_oracle_points_name_their_p(verdicts):
    points = verdicts["schatten-oracles"].result.points
    ps = [p.where["p"] for p in points if p.where]
    assert sorted(set(ps)) == [2.0, 3.0, 4.0, 8.0, math.inf]
    brute = [p for p in points if p.prediction == "brute-force"]
    assert len(brute) == 1 and brute[0].measured == 0.0


def test_oracle_violation_separates_exact_and_mutated_oracles():
    G = np.random.default_rng(0).standard_normal((3, 6, 4))
    for p in (2.0, 3.0, 4.0, 8.0, math.inf):
        assert oracle_violation(p, G) < 1e-12
    for p in (3.0, 4.0, 8.0):
        assert oracle_violation(p, G, schatten_lmo_wrong_exponent(p)(G)) > 1e-2


def test_brute_force_beats_only_a_wrong_oracle():
    rng = np.random.default_rng(1)
    G = rng.standard_normal((6, 4))
    norm = nm.Schatten(4.0)
    lmo = np.asarray(norm.lmo(G[None]))[0]
    assert brute_force_gap(4.0, G, lmo, rng) == 0.0
    frobenius = -G / np.linalg.norm(G)
    frobenius /= float(norm.norm(frobenius[None])[0])
    assert brute_force_gap(4.0, G, frobenius, rng) > 1e-3


def test_rate_judged_once_per_p(verdicts):
    v = verdicts["schattor-rate"]
    assert [p.method for p in v.result.points] == ["p=2/momentum", "p=4/momentum", "p=inf/momentum"]
    assert [p.method for p in v.control.points] == [
        "p=2/no-momentum",
        "p=4/no-momentum",
        "p=inf/no-momentum",
    ]


def test_dimension_free_notes_report_ci_containment(verdicts):
    notes = verdicts["schattor-dimension-free"].result.notes
    assert sum("CI contains 0" in n for n in notes) == 3


def test_dimension_free_slopes_are_judged_by_their_intervals(verdicts):
    """Flatness is an equivalence test: each slope carries its sampling law (Student's t over
    the seeds), so the verdict decides it by its interval, not by its point estimate."""
    v = verdicts["schattor-dimension-free"]
    for side in (v.result, v.control):
        assert side.points and all(p.stochastic and p.df == v.seeds - 1 for p in side.points)
    assert all(p.where["noise"] == "spread" for p in v.control.points)


def test_multiblock_judges_l2_and_max_only(verdicts):
    v = verdicts["schattor-multiblock"]
    assert all(p.method.endswith("/l2-regularized") for p in v.result.points)
    assert all(p.method.endswith("/max") for p in v.control.points)
    assert len(v.result.points) == 4 and len(v.control.points) == 3
    assert any("l1-regularized, disparity" in n for n in v.result.notes)


def test_predictions():
    assert th.dimension_exponent(sp.Integer(0)) == 0
    assert th.dimension_exponent(sp.Rational(1, 2)) == 1
    assert th.max_rule_exponent() == 2
