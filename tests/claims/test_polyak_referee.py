"""The polyak claims' PEPit referee (with the pepit extra): reliable certificates that the
measurements and bounds respect, and a wrong momentum parameter caught."""

import importlib

import pytest

import ratecheck

pytest.importorskip("PEPit")

REFEREED = ["hb-quadratic-rate", "hb-polyak-transient", "hb-not-global"]


@pytest.fixture(scope="module")
def verdicts():
    return {v.claim.id: v for v in ratecheck.verify(REFEREED, quick=True)}


@pytest.mark.parametrize("claim_id", REFEREED)
def test_the_referee_holds_on_reliable_certificates(verdicts, claim_id):
    v = verdicts[claim_id]
    entries = v.extra["referee"]["entries"]
    assert entries and all(e["reliable"] for e in entries)
    assert v.referee_outcome == "holds" and v.record()["referee_outcome"] == "holds"


def test_the_testbed_method_reaches_the_worst_case_instance(verdicts):
    entries = verdicts["hb-polyak-transient"].extra["referee"]["entries"]
    checks = [c for e in entries if "instance" in e for c in e["checks"]]
    reached = [c for c in checks if "worst-case instance" in c["check"]]
    assert len(reached) == 2 and all(c["outcome"] == "holds" for c in reached)


def test_a_wrong_step_size_is_caught_by_the_referee(monkeypatch):
    """Heavy ball built with twice Polyak's step α* at κ = 100 (a wrong schedule): its certified
    worst case exceeds the claim's bound (1 + (1+ρ)N)ρ^N from N = 1 (5.61 against 2.31), so the
    referee refutes the claim. (The issue's example, β = 0.99 with α*, is not caught this way:
    its certified worst case stays below the bound for N ≤ 8, the reliable horizons.)"""
    module = importlib.import_module("ratecheck.claims.polyak.hb_polyak_transient")
    right = module.alpha_polyak
    monkeypatch.setattr(module, "alpha_polyak", lambda L, mu: 2 * right(L=L, mu=mu))
    (v,) = ratecheck.verify(["hb-polyak-transient"], quick=True, grid={"kappa": (100,)})
    refuted = [
        (e["horizon"], c["check"])
        for e in v.extra["referee"]["entries"]
        for c in e["checks"]
        if c["outcome"] == "refuted"
    ]
    assert v.referee_outcome == "refuted" and v.outcome == "refuted"
    assert (1, "theory bound ≥ PEP worst case") in refuted


def test_the_issues_wrong_momentum_is_below_the_bound_at_reliable_horizons():
    """β = 0.99 with Polyak's α at κ = 100: a measured fact behind the docstring above."""
    from ratecheck.referee import pep

    alpha, _ = pep.polyak_parameters(0.01, 1.0)
    for N in (2, 3, 5, 8):
        certificate = pep.heavy_ball_quadratic(0.01, 1.0, alpha, 0.99, N)
        assert certificate.reliable
        assert certificate.value < pep.polyak_transient(0.01, 1.0, N)
