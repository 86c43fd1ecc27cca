"""Optimization methods as pure (init, step) pairs."""

from ratecheck.solvers.base import Method
from ratecheck.solvers.gd import gd
from ratecheck.solvers.gluon import gluon, gluon_stochastic
from ratecheck.solvers.heavy_ball import heavy_ball
from ratecheck.solvers.lmo_methods import normalized_sgd, scion, uscg
from ratecheck.solvers.momentum import momentum_gd
from ratecheck.solvers.muon import muon
from ratecheck.solvers.nesterov import nesterov

__all__ = [
    "Method",
    "gd",
    "gluon",
    "gluon_stochastic",
    "heavy_ball",
    "momentum_gd",
    "muon",
    "nesterov",
    "normalized_sgd",
    "scion",
    "uscg",
]
