"""What the workloads family's claims share: the prediction's words and the record of the two
HCM-LMO comparisons. The protocol itself (tuning, baselines, paired final runs, the A/A
control) is :mod:`ratecheck.comparisons`, which user comparisons use too."""

from __future__ import annotations

from ratecheck.theory import workloads as th
from ratecheck.theory.claim import Provenance

PREDICTION_TEXT = (
    "E[log(A/B)] of the final training and validation loss below −0.05 (A better by more than "
    "5%), each method tuned on the validation split with the same number of trials"
)
TOLERANCE = 0.05  # the smallest difference in log loss that counts: 5%
PROTOCOL = (
    "each method tuned over its own log₂ learning-rate grid and momentum values (5 trials "
    "quick, 14 full, the same for every method; one extension at an edge), selected by the "
    "final validation loss on the tuning seeds; final runs on fresh seeds, paired; baselines "
    "AdamW, SGD with momentum and Muon tuned the same way"
)

HCM_AGAINST_MOMENTUM = {  # the record nn-hcm-vs-momentum-mlp and -lstm share
    "kind": "comparison",
    "source": th.HCM_SOURCE,
    "prediction": th.NO_DIFFERENCE,
    "prediction_text": PREDICTION_TEXT,
    "tolerance": TOLERANCE,
    "experiment": "layer-wise Euclidean LMO (Frobenius per matrix, ℓ2 per vector) for both, "
    "β = 1 − α for HCM and 0 for momentum; HCM takes half the steps (one gradient and one HVP "
    "each); " + PROTOCOL + "; final training and validation loss, paired over seeds",
    "control": "momentum against momentum with another minibatch order (A/A): refuted when no "
    "difference of 5% is found",
    "provenance": (
        th.STAND_IN,
        th.EQUAL_BUDGET,
        th.TUNING,
        Provenance("geometries ℓ2 (the paper also ran ℓ∞)", "paper", "OpenReview reviews"),
    ),
    "requires": th.REQUIRES,
}
