"""One experiment per claim; importing this package registers them all."""

from ratecheck.verify.experiments import clipping, hcm, lmo, polyak, polyak_nets, schattor  # noqa: F401
from ratecheck.verify.experiments.base import Experiment, Settings, get_experiment

__all__ = ["Experiment", "Settings", "get_experiment"]
