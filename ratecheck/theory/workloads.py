"""Comparison claims on neural-network workloads (seeds 000, 003, 004; issues: NN workloads,
fair comparisons).

Each claim compares method A with method B at an equal budget of oracle calls, each method
tuned under the same protocol (``ratecheck.comparisons``), and predicts that A ends with the
lower training and validation loss: the paired difference log(A/B) over fresh seeds, predicted
below the bound 0 by more than the tolerance (kind ``comparison``: the interval's upper end
must lie below −tol; the report reads it as "A significantly better", "no significant
difference" or "B significantly better"). The control is an A/A test — method B against
itself with another minibatch order — judged the same way: a working test refutes it.

The transfer claim predicts that the optimal learning rate of a scale-invariant optimizer does
not move with the width: the slope of log₂ lr* against log₂ width is 0.

These are empirical observations of the papers' experiments, not theorems: the papers' models,
data and hyper-parameters are [unknown] here (reference/), the workloads are small stand-ins.
"""

from __future__ import annotations

import sympy as sp

from ratecheck.theory.claim import Provenance

NO_DIFFERENCE = sp.Integer(0)  # the bound on E[log(A/B)]: A better when its CI is below it
LR_SLOPE = sp.Integer(0)  # d log₂ lr* / d log₂ width of a width-invariant optimizer
REQUIRES = ("torch", "sklearn")
STAND_IN = Provenance(
    "workload, sizes and hyper-parameters",
    "derived",
    "small offline stand-ins chosen before any run; the papers' settings are unknown or too "
    "large for a CPU",
)
TUNING = Provenance(
    "the tuning protocol: equal trials, selection on validation, fresh paired seeds",
    "derived",
    "AlgoPerf's external-tuning ruleset and Schmidt et al. 2021; grids chosen before any run",
)
TRANSFER = Provenance(
    "Scion's optimal learning rate does not move with width",
    "derived",
    "μP-style reasoning: the spectral (RMS→RMS) LMO step has a width-independent operator "
    "norm, so feature updates keep their scale; seed 004's premise (the paper's transfer "
    "experiments are unknown here)",
)
EQUAL_BUDGET = Provenance(
    "equal budget in oracle calls, an HVP counted as one call",
    "derived",
    "the papers' accounting is unknown",
)


HCM_SOURCE = (
    "Seed 000: Khirirat et al. (arXiv 2512.13227), experiments on MLPs and LSTMs (abstract)"
)
