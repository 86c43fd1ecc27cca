"""nn-hcm-vs-momentum-lstm: HCM-LMO beats Polyak-momentum LMO on a character LSTM, equal budget."""

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
    id="nn-hcm-vs-momentum-lstm",
    statement="on a 2-layer character LSTM, HCM-LMO (interpolated) reaches a lower training loss "
    "and gradient norm than Polyak-momentum LMO at the same oracle budget",
    grid=grid(budget=(100, 600), widths=((64,), (64,))),
    seeds=(4, 8),
    **HCM_AGAINST_MOMENTUM,
)
def nn_hcm_vs_momentum_lstm(ctx: Context) -> None:
    """HCM-LMO against Polyak-momentum LMO on the lstm workload, at an equal oracle budget.

    Setting: the 2-layer character LSTM (hidden w) on standard-library docstrings, windows
    of 32 characters, minibatch 32; per width, one model initialization and minibatch order
    per seed, shared by both methods.
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
    comparison(ctx, "lstm", HCM, MOMENTUM)
