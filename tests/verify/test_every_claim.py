"""Every claim about a theorem, in quick mode: the claim passes and its control fails (the
check can fail). The comparison claims on networks are empirical observations whose verdicts
go either way; their plumbing is tested in tests/workloads."""

import pytest

import ratecheck

CLAIMS = [c.id for c in ratecheck.all_claims() if c.kind != "comparison" and not c.missing]


# Findings: claims refuted in quick mode as run, kept refuted (never retuned). strict: the day
# one passes, the test says so and the entry goes.
REFUTED = {
    "ggnc-euclidean-is-clipping": "max relative difference 1.52e-12 against the tolerance 1e-12 "
    "on the instances keyed by grid point (spectral, seed 1, step 120: a one-ulp difference "
    "over a step of 1.46e-4); the integer-keyed instances gave 3.95e-13",
    "heavy-tail-noise": "Monte Carlo p-th moment error 0.635 at p = 2 against the tolerance "
    "0.25 on the instances keyed by grid point (tail index 2.5: the estimate has infinite "
    "variance; about 9% of draws fail somewhere in quick mode); 0.081 on the integer-keyed "
    "instances, and full mode passes (0.051)",
    "relu-hb-acceleration": "GD's slope 1.126 (CI 1.063-1.186) against 1 ± 0.1 on the datasets "
    "keyed by grid point (the last κ' segment's local slope 1.66, where GD's NTK drift reaches "
    "0.43); 1.031 on the integer-keyed datasets, 0.93-1.04 on six further datasets; full mode "
    "passes (1.031)",
}


def _marked(cid):
    if cid in REFUTED:
        return pytest.param(cid, marks=pytest.mark.xfail(reason=REFUTED[cid], strict=True))
    return cid


@pytest.mark.parametrize("cid", [_marked(c) for c in CLAIMS])
def test_claim_passes_and_control_fails(quick_verdicts, cid):
    v = quick_verdicts([cid])[cid]
    assert v.result.passed, v.finding
    assert not v.control.passed
    assert v.expected and v.record()["expected"] is True
