"""Symbolic statements of every claim (SymPy only; never imports an array library)."""

from ratecheck.theory import (  # noqa: F401  (registers the claims)
    clipping,
    hcm,
    heavy_tail,
    lmo,
    polyak,
    schattor,
    workloads,
)
from ratecheck.theory.claim import Claim, Provenance, all_claims, get_claim, register

__all__ = ["Claim", "Provenance", "all_claims", "get_claim", "register"]
