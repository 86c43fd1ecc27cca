"""nn-clipped-scion-vs-scion: unconstrained ClippedScion beats unconstrained Scion on a CNN."""

from __future__ import annotations

from ratecheck.claims.workloads._comparison import PREDICTION_TEXT, PROTOCOL, TOLERANCE
from ratecheck.comparisons import comparison, comparison_grid
from ratecheck.theory import workloads as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Context, claim


@claim(
    id="nn-clipped-scion-vs-scion",
    kind="comparison",
    source="Seed 003: Pethick et al., generalized gradient norm clipping (arXiv 2506.01913), "
    "CIFAR-10 Table 2 and NanoGPT Fig. 2",
    statement="unconstrained ClippedScion reaches a lower training and validation loss than "
    "unconstrained Scion on an image classifier, each tuned",
    prediction=th.NO_DIFFERENCE,
    prediction_text=PREDICTION_TEXT,
    tolerance=TOLERANCE,
    grid=comparison_grid(budget=(300, 1500), widths=((16,), (16,))),
    seeds=(4, 8),
    experiment="small CNN on 8×8 digits, spectral LMO per weight, bias RMS per bias for both; "
    "clipping threshold ρ = the dual norm of the first minibatch gradient [derived]; "
    + PROTOCOL
    + "; final training and validation loss, paired over seeds",
    control="Scion against Scion with another minibatch order (A/A): refuted when no "
    "difference of 5% is found",
    provenance=(
        th.STAND_IN,
        th.TUNING,
        Provenance("clipping gives a substantial improvement", "paper", "Table 2"),
        Provenance("ρ = ‖∇f_ξ(x₀)‖_* (Table 2's value is illegible)", "derived"),
    ),
    requires=th.REQUIRES,
)
def nn_clipped_scion_vs_scion(ctx: Context) -> None:
    """Unconstrained ClippedScion against unconstrained Scion on the CNN workload, each tuned.

    Setting: the CNN conv3×3(w)–conv3×3(2w)–pool–linear (GELU) on 1,000 8×8 digit images
    (validation: the 797 after them), cross-entropy, minibatch 100. Algorithms: unconstrained
    Scion, d ← (1 − α)d + αg and x ← x + γ·lmo(d), the spectral LMO per weight and the bias
    RMS LMO per bias; unconstrained ClippedScion (generalized gradient norm clipping) with the
    same norms and threshold ρ = the dual norm of the seed's first minibatch gradient at
    initialization; baselines AdamW, SGD with momentum, Muon. Protocol: every method tuned over
    (γ, α) on its own log₂ grid with the same number of trials, on 1 (quick) or 3 tuning
    seeds, selected by the final validation loss; final runs on fresh paired seeds. Estimator:
    mean_s log(clipped_s/scion_s) of the final training and validation loss with Student's t
    CI over seeds, judged against −0.05. Control: Scion against Scion with another minibatch
    order (A/A), judged the same way: refuted when the test finds no spurious difference.
    """
    comparison(ctx, "cnn", "clipped-scion", "scion", tuning_seeds=(1, 3))
