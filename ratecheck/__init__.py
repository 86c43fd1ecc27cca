"""ratecheck: check theoretical convergence claims about optimizers by measurement."""

__version__ = "0.1.0"

from ratecheck.theory.claim import Claim, Prediction, Provenance
from ratecheck.user import define_claim
from ratecheck.verify import Verdict, verify
from ratecheck.verify.context import Axis, Context, claim
from ratecheck.verify.registry import all_claims, get_claim

__all__ = [
    "Axis",
    "Claim",
    "Context",
    "Prediction",
    "Provenance",
    "Verdict",
    "__version__",
    "all_claims",
    "claim",
    "define_claim",
    "get_claim",
    "verify",
]
