"""ratecheck: check theoretical convergence claims about optimizers by measurement."""

__version__ = "0.1.0"

from ratecheck.theory import Claim, all_claims, get_claim  # noqa: E402
from ratecheck.verify import Verdict, verify  # noqa: E402

__all__ = ["Claim", "Verdict", "__version__", "all_claims", "get_claim", "verify"]
