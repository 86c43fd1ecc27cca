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

from ratecheck.theory.claim import Claim, Provenance, register

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


def _comparison(cid: str, source: str, statement: str, experiment: str, control: str, prov):
    return register(
        Claim(
            id=cid,
            kind="comparison",
            family="workloads",
            source=source,
            statement=statement,
            prediction=lambda: NO_DIFFERENCE,
            prediction_text="E[log(loss_A/loss_B)] < 0 and E[log(‖∇f‖_A/‖∇f‖_B)] < 0 (CI below 0)",
            tolerance=0.0,
            experiment=experiment,
            control=control,
            provenance=prov,
            requires=REQUIRES,
        )
    )


HCM_SOURCE = (
    "Seed 000: Khirirat et al. (arXiv 2512.13227), experiments on MLPs and LSTMs (abstract)"
)
for name, what in (("mlp", "an MLP on 1,000 digits"), ("lstm", "a 2-layer character LSTM")):
    _comparison(
        f"nn-hcm-vs-momentum-{name}",
        HCM_SOURCE,
        f"on {what}, HCM-LMO (interpolated) reaches a lower training loss and gradient norm than "
        "Polyak-momentum LMO at the same oracle budget",
        "layer-wise Euclidean LMO (Frobenius per matrix, ℓ2 per vector), constant step 2⁻⁵ and "
        "α = 0.1 for both, β = 1 − α for HCM and 0 for momentum; HCM takes half the steps (one "
        "gradient and one HVP each); final full-batch loss and gradient norm, paired over seeds",
        "momentum against momentum with another minibatch order (A/A): no significant difference",
        (
            STAND_IN,
            EQUAL_BUDGET,
            Provenance("geometries ℓ2 (the paper also ran ℓ∞)", "paper", "OpenReview reviews"),
        ),
    )

_comparison(
    "nn-clipped-scion-vs-scion",
    "Seed 003: Pethick et al., generalized gradient norm clipping (arXiv 2506.01913), CIFAR-10 "
    "Table 2 and NanoGPT Fig. 2",
    "with a fixed step, unconstrained ClippedScion reaches a lower training loss and gradient "
    "norm than unconstrained Scion on an image classifier",
    "small CNN on 8×8 digits, α = 0.5 and step 2⁻⁵ (Table 2's unconstrained Scion value) for both, "
    "spectral LMO per weight, bias RMS per bias; clipping threshold ρ = the dual norm of the first "
    "minibatch gradient [derived]; final full-batch loss and gradient norm, paired over seeds",
    "Scion against Scion with another minibatch order (A/A): no significant difference",
    (
        STAND_IN,
        Provenance("fixed step: clipping gives a substantial improvement", "paper", "Table 2"),
        Provenance("ρ = ‖∇f_ξ(x₀)‖_* (Table 2's value is illegible)", "derived"),
    ),
)

_comparison(
    "nn-transported-vs-batched-scion",
    "Seed 004: Scion under heavy-tailed noise, transported momentum (abstract)",
    "across model widths, transported Scion reaches a lower training loss and gradient norm than "
    "batched Scion at the same oracle budget",
    "decoder-only transformer on standard-library docstrings at 2 (quick) or 3 widths, α = 0.1, "
    "step 2⁻⁶, spectral LMO per matrix, bias RMS per vector; final full-batch loss and gradient "
    "norm, paired over seeds",
    "batched Scion against itself with another minibatch order (A/A): no significant difference",
    (
        STAND_IN,
        Provenance(
            "transported better than batched",
            "paper",
            "complexity bounds (abstract); the paper's experiments are unknown",
        ),
    ),
)
