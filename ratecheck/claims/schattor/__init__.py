"""Seed 001 (Ma, Zhang, He, Schattor, arXiv 2606.15702): Schatten-p methods between SGD and
Muon; every setting beyond the exact oracles is a [derived] reconstruction
(reference/schattor.md)."""
