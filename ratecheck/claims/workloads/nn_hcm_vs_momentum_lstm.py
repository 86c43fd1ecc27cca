"""nn-hcm-vs-momentum-lstm: HCM-LMO beats Polyak-momentum LMO on a character LSTM, both tuned."""

from __future__ import annotations

from ratecheck.claims.workloads._comparison import HCM_AGAINST_MOMENTUM
from ratecheck.comparisons import comparison, comparison_grid
from ratecheck.verify.context import Context, claim


@claim(
    id="nn-hcm-vs-momentum-lstm",
    statement="on a 2-layer character LSTM, HCM-LMO (interpolated) reaches a lower training and "
    "held-out loss than Polyak-momentum LMO at the same oracle budget, each tuned",
    grid=comparison_grid(budget=(100, 600), widths=((64,), (64,))),
    seeds=(4, 8),
    **HCM_AGAINST_MOMENTUM,
)
def nn_hcm_vs_momentum_lstm(ctx: Context) -> None:
    """HCM-LMO against Polyak-momentum LMO on the lstm workload, each tuned, equal oracle budget.

    Setting: the 2-layer character LSTM (hidden w) on standard-library docstrings, windows of
    32 characters from the first nine tenths of the text (held out: windows from the last
    tenth), minibatch 32. Algorithms: the layer-wise Euclidean LMO (Frobenius per matrix, ℓ2
    per vector), x ← x + γ·lmo(d); HCM-LMO d ← (1 − α)d + β·HΔ + α·g with β = 1 − α, the
    Hessian-vector product at a uniform random point between the last two iterates, one
    minibatch gradient and one HVP per step (half the steps); momentum LMO (β = 0) one
    gradient per step; baselines AdamW, SGD with momentum, Muon. Protocol: every method tuned
    over (γ, α) on its own log₂ grid with the same number of trials, on 1 (quick) or 2 tuning
    seeds, selected by the final held-out loss; final runs on fresh paired seeds. Estimator:
    mean_s log(HCM_s/momentum_s) of the final training and held-out loss with Student's t CI
    over seeds, judged against −0.05. Control: momentum against momentum with another
    minibatch order (A/A), judged the same way: refuted when the test finds no spurious
    difference.
    """
    comparison(ctx, "lstm", "hcm", "momentum", tuning_seeds=(1, 2))
