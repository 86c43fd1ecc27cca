"""Optimization methods as pure (init, step) pairs."""

from ratecheck.solvers.base import Method
from ratecheck.solvers.gd import gd
from ratecheck.solvers.heavy_ball import heavy_ball
from ratecheck.solvers.momentum import momentum_gd
from ratecheck.solvers.nesterov import nesterov

__all__ = ["Method", "gd", "heavy_ball", "momentum_gd", "nesterov"]
