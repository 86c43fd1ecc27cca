"""Seeds 000 (Khirirat et al., arXiv 2512.13227), 003 (Pethick et al., arXiv 2506.01913) and 004
(Scion under heavy-tailed noise): comparisons of LMO optimizers on small neural networks."""
