"""ratecheck: check theoretical convergence claims about optimizers by measurement."""

__version__ = "0.1.0"

from ratecheck.theory import Claim, all_claims, get_claim
from ratecheck.verify import Verdict, verify

__all__ = ["Claim", "Verdict", "__version__", "all_claims", "get_claim", "verify"]
