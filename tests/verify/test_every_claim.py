"""Every claim about a theorem, in quick mode with the default adaptive seeds: the claim is
checked (it holds and its control is refuted). The network claims (family workloads) are
empirical observations whose verdicts go either way; their plumbing is tested in
tests/test_comparisons.py and tests/claims/test_nn_lr_transfer.py."""

import pytest

import ratecheck

CLAIMS = [c.id for c in ratecheck.all_claims() if c.family != "workloads" and not c.missing]


# Findings in quick mode as run (never retuned), with the outcome that occurred. strict: the day
# one is checked, the test says so and the entry goes.
NOT_CHECKED = {
    "heavy-tail-noise": "refuted: Monte Carlo p-th moment error 0.635 at p = 2 against 0.25 "
    "(tail index 2.5: the estimate has infinite variance); full mode passed (0.051)",
    "ucg-plateau": "inconclusive: slope 0.683, 95% CI [0.007, 1.358] at 8 seeds, against "
    "1 ± 0.1 (passed on its point estimate before, with CI [0.48, 1.69])",
    "lower-bound-dimension": "inconclusive: slope 1.100, 95% CI [1.009, 1.192] at 6 seeds, "
    "against 1 ± 0.15 (passed on its point estimate before)",
    "scion-heavy-tail-complexity": "inconclusive: exponent 4.108, 95% CI [3.811, 4.405] at 32 "
    "seeds, against 4 ± 0.4 (passed on its point estimate before)",
    "relu-hb-acceleration": "inconclusive: GD's slope 1.100, 95% CI [1.049, 1.151] at 8 seeds, "
    "against 1 ± 0.1 (refuted on its point estimate before: 1.126 at 4 seeds)",
    "schattor-rate": "unchecked: the claim holds (-0.225, 95% CI [-0.230, -0.221]) but its "
    "control is inconclusive at 8 seeds (-0.183 against -0.25 ± 0.05)",
}


# Findings whose quick-mode outcome depends on the machine: the deciding number lies within
# round-off of its boundary, and OpenBLAS picks its kernels by CPU, so the outcome differs
# between machines with one code and one seed (not strict: either outcome is this finding).
MACHINE_DEPENDENT = {
    "ggnc-euclidean-is-clipping": "refuted on the machine of earlier sessions (max relative "
    "difference 1.8e-12 against the tolerance 1e-12; 1.52e-12 with multithreaded BLAS), "
    "checked on an AMD EPYC with OpenBLAS's Haswell kernels (8.8e-13): a one-ulp difference "
    "over a step of ~1e-4; the tolerance is below what the comparison resolves",
    "transported-scion-complexity": "checked on the machine of earlier sessions, unchecked on "
    "an AMD EPYC with OpenBLAS's Haswell kernels: the control's 95% CI ends at -0.275857 "
    "against the band edge -0.275714 (no-transport slope -0.2693 against -2/7 ± 0.01 at 8 "
    "seeds)",
}


def _marked(cid):
    marks = [pytest.mark.quick_claims(cid)]
    if cid in NOT_CHECKED:
        marks.append(pytest.mark.xfail(reason=NOT_CHECKED[cid], strict=True))
    if cid in MACHINE_DEPENDENT:
        marks.append(pytest.mark.xfail(reason=MACHINE_DEPENDENT[cid], strict=False))
    return pytest.param(cid, marks=marks)


@pytest.mark.parametrize("cid", [_marked(c) for c in CLAIMS])
def test_claim_is_checked(quick_verdicts, cid):
    v = quick_verdicts([cid])[cid]
    assert v.outcome == "checked", v.finding or f"control {v.control.outcome}"
    assert v.result.holds and v.control.refuted
    assert v.checked and v.record()["checked"] is True
