"""Seed 003 (Pethick, Xie, Erdogan, Antonakopoulos, Silveti-Falls, Cevher, NeurIPS 2025, arXiv
2506.01913): generalized gradient norm clipping (GGNC), uCG and S3CG under non-Euclidean
(L0, L1)-smoothness, on the cosh problems."""
