"""nn-transported-vs-batched-scion: transported Scion beats batched Scion on a transformer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ratecheck.claims.workloads._comparison import PREDICTION_TEXT, Method, comparison, grid
from ratecheck.theory import workloads as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Context, claim

STEP_TRANSPORT, ALPHA_TRANSPORT = 2.0**-6, 0.1


def _scion(transport: bool) -> Callable:
    def make(workload: Any, seed: int, width: int) -> Callable:
        from ratecheck.torch import TransportedScion

        return lambda ps: TransportedScion(
            ps, lr=STEP_TRANSPORT, momentum=ALPHA_TRANSPORT, transport=transport
        )

    return make


# transported Scion takes its gradient at another point, through the closure
TRANSPORTED = Method("transported", _scion(True), backward=False, closure=True)
BATCHED = Method("batched", _scion(False))


@claim(
    id="nn-transported-vs-batched-scion",
    kind="comparison",
    source="Seed 004: Scion under heavy-tailed noise, transported momentum (abstract)",
    statement="across model widths, transported Scion reaches a lower training loss and "
    "gradient norm than batched Scion at the same oracle budget",
    prediction=th.NO_DIFFERENCE,
    prediction_text=PREDICTION_TEXT,
    tolerance=0.0,
    grid=grid(budget=(100, 600), widths=((32, 64), (32, 64, 128))),
    seeds=(4, 8),
    experiment="decoder-only transformer on standard-library docstrings at 2 (quick) or 3 "
    "widths, α = 0.1, step 2⁻⁶, spectral LMO per matrix, bias RMS per vector; final "
    "full-batch loss and gradient norm, paired over seeds",
    control="batched Scion against itself with another minibatch order (A/A): no significant "
    "difference",
    provenance=(
        th.STAND_IN,
        Provenance(
            "transported better than batched",
            "paper",
            "complexity bounds (abstract); the paper's experiments are unknown",
        ),
    ),
    requires=th.REQUIRES,
)
def nn_transported_vs_batched_scion(ctx: Context) -> None:
    """Transported Scion against batched Scion on the transformer workload, at every width.

    Setting: the 2-block decoder-only transformer (width w, 2 heads) on standard-library
    docstrings, windows of 32 characters, minibatch 32; per width, one model initialization
    and minibatch order per seed, shared by both methods. Algorithms: Scion with momentum
    α = 0.1 and step 2⁻⁶, the spectral LMO per matrix and the bias RMS LMO per vector;
    batched Scion averages the minibatch gradient at the current point into its momentum,
    transported Scion the minibatch gradient at the extrapolated point
    x + ((1 − α)/α)(x − x_prev) (through the closure). Both take one gradient per step.
    Estimator: the final full-batch training loss and gradient norm (mean of the last two of
    16 checkpoints), the paired difference mean_s log(transported_s/batched_s) with Student's
    t CI over seeds, judged against the bound 0 (CI's upper end below it) at each width.
    Control: batched Scion against itself with another minibatch order (A/A), judged the same
    way; it must show no significant difference.
    """
    comparison(ctx, "transformer", TRANSPORTED, BATCHED)
