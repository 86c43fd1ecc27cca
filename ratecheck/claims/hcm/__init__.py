"""Seed 000 (Khirirat, Sadiev, Demidovich, Richtárik, arXiv 2512.13227): Hessian-corrected
momentum (HCM) inside LMO methods, K^{−1/3} against the K^{−1/4} of Polyak momentum."""
