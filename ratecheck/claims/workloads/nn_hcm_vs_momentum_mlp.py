"""nn-hcm-vs-momentum-mlp: HCM-LMO beats Polyak-momentum LMO on a digits MLP, both tuned."""

from __future__ import annotations

from ratecheck.claims.workloads._comparison import HCM_AGAINST_MOMENTUM
from ratecheck.comparisons import comparison, comparison_grid
from ratecheck.verify.context import Context, claim


@claim(
    id="nn-hcm-vs-momentum-mlp",
    statement="on an MLP on 1,000 digits, HCM-LMO (interpolated) reaches a lower training and "
    "validation loss than Polyak-momentum LMO at the same oracle budget, each tuned",
    grid=comparison_grid(budget=(400, 2000), widths=((64,), (64,))),
    seeds=(4, 8),
    **HCM_AGAINST_MOMENTUM,
)
def nn_hcm_vs_momentum_mlp(ctx: Context) -> None:
    """HCM-LMO against Polyak-momentum LMO on the mlp workload, each tuned, equal oracle budget.

    Setting: the MLP 64–w–w–10 (tanh) on 1,000 UCI digits (validation: the 797 after them),
    cross-entropy, minibatch 100. Algorithms: the layer-wise Euclidean LMO (Frobenius per
    matrix, ℓ2 per vector), x ← x + γ·lmo(d); HCM-LMO d ← (1 − α)d + β·HΔ + α·g with
    β = 1 − α, the Hessian-vector product at a uniform random point between the last two
    iterates, one minibatch gradient and one HVP per step (half the steps); momentum LMO
    (β = 0) one gradient per step; baselines AdamW, SGD with momentum, Muon. Protocol: every
    method tuned over (γ, α) on its own log₂ grid with the same number of trials, on 2 (quick)
    or 3 tuning seeds, selected by the final validation loss; final runs on fresh paired seeds.
    Estimator: mean_s log(HCM_s/momentum_s) of the final training and validation loss with
    Student's t CI over seeds, judged against −0.05 (A better by more than 5%). Control:
    momentum against momentum with another minibatch order (A/A), judged the same way: refuted
    when the test finds no spurious difference.
    """
    comparison(ctx, "mlp", "hcm", "momentum", tuning_seeds=(2, 3))
