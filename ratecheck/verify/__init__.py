"""Runner, estimators, experiments, verdicts and the result store."""

from ratecheck.verify.api import verify
from ratecheck.verify.verdict import Judgement, Point, Verdict

__all__ = ["Judgement", "Point", "Verdict", "verify"]
