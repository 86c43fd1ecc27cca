"""Comparison claims on neural-network workloads (seeds 000, 003, 004; issue: NN workloads).

Each claim compares method A with method B at an equal budget of oracle calls and predicts
that A ends with the lower full-batch training loss and gradient norm: the paired difference
log(A/B) over seeds, predicted < 0 (SymPy: the bound 0), judged by its bootstrap CI (kind
``comparison``: the CI's upper end must lie below 0; otherwise the verdict reports "no
significant difference" or "B better"). The control is an A/A test — method B against itself
with another minibatch order — which must not show a significant difference.

These are empirical observations of the papers' experiments, not theorems: the papers' models,
data and hyper-parameters are [unknown] here (reference/), the workloads are small stand-ins.
"""

from __future__ import annotations

import sympy as sp

from ratecheck.theory.claim import Provenance

NO_DIFFERENCE = sp.Integer(0)  # the bound on E[log(A/B)]: A better when its CI is below it
REQUIRES = ("torch", "sklearn")
STAND_IN = Provenance(
    "workload, sizes and hyper-parameters",
    "derived",
    "small offline stand-ins chosen before any run; the papers' settings are unknown or too "
    "large for a CPU",
)
EQUAL_BUDGET = Provenance(
    "equal budget in oracle calls, an HVP counted as one call",
    "derived",
    "the papers' accounting is unknown",
)


HCM_SOURCE = (
    "Seed 000: Khirirat et al. (arXiv 2512.13227), experiments on MLPs and LSTMs (abstract)"
)
