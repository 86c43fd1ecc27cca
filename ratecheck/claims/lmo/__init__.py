"""Scion (Pethick et al., ICML 2025, arXiv 2502.07529): the LMO layer, its oracle identities,
Newton–Schulz in place of the spectral LMO, and LMO momentum at the K^{−1/4} of Seed 000
(Khirirat et al., arXiv 2512.13227)."""
