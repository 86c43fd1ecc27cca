"""Seed 002 (Wang, Lin, Abernethy, ICML 2021): Polyak momentum on quadratics, wide ReLU
nets and deep linear nets."""
