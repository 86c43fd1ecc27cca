"""Every claim about a theorem, in quick mode: the claim passes and its control fails (the
check can fail). The comparison claims on networks are empirical observations whose verdicts
go either way; their plumbing is tested in tests/workloads."""

import pytest

import ratecheck

CLAIMS = [c.id for c in ratecheck.all_claims() if c.kind != "comparison" and not c.missing]


@pytest.mark.parametrize("cid", CLAIMS)
def test_claim_passes_and_control_fails(quick_verdicts, cid):
    v = quick_verdicts([cid])[cid]
    assert v.result.passed, v.finding
    assert not v.control.passed
    assert v.expected and v.record()["expected"] is True
