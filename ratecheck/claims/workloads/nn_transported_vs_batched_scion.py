"""nn-transported-vs-batched-scion: transported Scion beats batched Scion on a transformer."""

from __future__ import annotations

from ratecheck.claims.workloads._comparison import PREDICTION_TEXT, PROTOCOL, TOLERANCE
from ratecheck.comparisons import comparison, comparison_grid
from ratecheck.theory import workloads as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Context, claim


@claim(
    id="nn-transported-vs-batched-scion",
    kind="comparison",
    source="Seed 004: Scion under heavy-tailed noise, transported momentum (abstract)",
    statement="across model widths, transported Scion reaches a lower training and held-out "
    "loss than batched Scion at the same oracle budget, each tuned",
    prediction=th.NO_DIFFERENCE,
    prediction_text=PREDICTION_TEXT,
    tolerance=TOLERANCE,
    grid=comparison_grid(budget=(100, 600), widths=((32,), (32, 64, 128))),
    seeds=(4, 8),
    experiment="decoder-only transformer on standard-library docstrings at 1 (quick) or 3 "
    "widths, spectral LMO per matrix, bias RMS per vector; "
    + PROTOCOL
    + "; final training and held-out loss, paired over seeds",
    control="batched Scion against itself with another minibatch order (A/A): refuted when "
    "no difference of 5% is found",
    provenance=(
        th.STAND_IN,
        th.TUNING,
        Provenance(
            "transported better than batched",
            "paper",
            "complexity bounds (abstract); the paper's experiments are unknown",
        ),
    ),
    requires=th.REQUIRES,
)
def nn_transported_vs_batched_scion(ctx: Context) -> None:
    """Transported Scion against batched Scion on the transformer workload, each tuned per width.

    Setting: the 2-block decoder-only transformer (width w, 2 heads) on standard-library
    docstrings, windows of 32 characters from the first nine tenths of the text (held out:
    the last tenth), minibatch 32. Algorithms: Scion with momentum α and step γ, the spectral
    LMO per matrix and the bias RMS LMO per vector; batched Scion averages the minibatch
    gradient at the current point into its momentum, transported Scion the minibatch gradient
    at the extrapolated point x + ((1 − α)/α)(x − x_prev) (through the closure); both one
    gradient per step; baselines AdamW, SGD with momentum, Muon. Protocol: every method tuned
    over (γ, α) at each width on its own log₂ grid with the same number of trials, on 1
    (quick) or 2 tuning seeds, selected by the final held-out loss; final runs on fresh paired
    seeds. Estimator: mean_s log(transported_s/batched_s) of the final training and held-out
    loss with Student's t CI over seeds, judged against −0.05 at each width. Control: batched
    Scion against itself with another minibatch order (A/A), judged the same way: refuted when
    the test finds no spurious difference.
    """
    comparison(ctx, "transformer", "transported", "batched", tuning_seeds=(1, 2))
