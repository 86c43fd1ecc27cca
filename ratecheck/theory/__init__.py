"""Symbolic statements of every claim (SymPy only; never imports an array library)."""

from ratecheck.theory import clipping, hcm, heavy_tail, lmo, polyak, schattor  # noqa: F401  (registers the claims)
from ratecheck.theory.claim import Claim, Provenance, all_claims, get_claim, register

__all__ = ["Claim", "Provenance", "all_claims", "get_claim", "register"]
