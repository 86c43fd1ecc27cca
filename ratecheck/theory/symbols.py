"""Shared SymPy symbols. Names follow reference/README.md (κ = L/μ, t the iteration index)."""

import sympy as sp

kappa = sp.Symbol("kappa", positive=True)
L = sp.Symbol("L", positive=True)
mu = sp.Symbol("mu", positive=True)
eta = sp.Symbol("eta", positive=True)
beta = sp.Symbol("beta", positive=True)
rho = sp.Symbol("rho", positive=True)
eps = sp.Symbol("epsilon", positive=True)
lam = sp.Symbol("lambda", positive=True)
t = sp.Symbol("t", nonnegative=True)
K = sp.Symbol("K", positive=True)
