"""Seed 004 (Zhang & Lin, arXiv 2605.18528): Scion under heavy-tailed (p-th moment) noise,
the Ω(min{m,n}·ε^{−(3p−2)/(p−1)}) lower bound on the matrix channel instance, batched and
transported Scion."""
