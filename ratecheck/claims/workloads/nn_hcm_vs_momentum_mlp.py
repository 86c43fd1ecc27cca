"""nn-hcm-vs-momentum-mlp: HCM-LMO beats Polyak-momentum LMO on a digits MLP, equal budget."""

from __future__ import annotations

from ratecheck.claims.workloads._comparison import (
    HCM,
    HCM_AGAINST_MOMENTUM,
    MOMENTUM,
    comparison,
    grid,
)
from ratecheck.verify.context import Context, claim


@claim(
    id="nn-hcm-vs-momentum-mlp",
    statement="on an MLP on 1,000 digits, HCM-LMO (interpolated) reaches a lower training loss "
    "and gradient norm than Polyak-momentum LMO at the same oracle budget",
    grid=grid(budget=(400, 2000), widths=((64,), (64,))),
    seeds=(8, 8),
    **HCM_AGAINST_MOMENTUM,
)
def nn_hcm_vs_momentum_mlp(ctx: Context) -> None:
    """HCM-LMO against Polyak-momentum LMO on the mlp workload, at an equal oracle budget.

    Setting: the MLP 64–w–w–10 (tanh) on 1,000 UCI digits, cross-entropy, minibatch 100;
    per width, one model initialization and minibatch order per seed, shared by both methods.
    Algorithms: the layer-wise Euclidean LMO (Frobenius per matrix, ℓ2 per vector) with
    constant step 2⁻⁵ and α = 0.1, x ← x + γ·lmo(d); HCM-LMO d ← (1 − α)d + β·HΔ + α·g with
    β = 1 − α, the Hessian-vector product at a uniform random point between the last two
    iterates, takes one minibatch gradient and one HVP per step (half the steps); momentum LMO
    (β = 0) one gradient per step. Estimator: the final full-batch
    training loss and gradient norm (mean of the last two of 16 checkpoints), the paired
    difference mean_s log(HCM_s/momentum_s) with Student's t CI over seeds, judged against
    the bound 0 (CI's upper end below it); the comparison at equal steps is noted, not
    judged. Control: momentum against momentum with another minibatch order (A/A), judged
    the same way; it must show no significant difference.
    """
    comparison(ctx, "mlp", HCM, MOMENTUM)
