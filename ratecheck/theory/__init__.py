"""Symbolic statements (SymPy only; never imports an array library): the Claim record, and the
derivations several claims share. The claims themselves live in ``ratecheck.claims``."""

from ratecheck.theory.claim import Claim, Prediction, Provenance

__all__ = ["Claim", "Prediction", "Provenance"]
