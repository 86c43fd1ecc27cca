"""One experiment per claim; importing this package registers them all."""

from ratecheck.verify.experiments import (  # noqa: F401
    clipping,
    hcm,
    heavy_tail,
    lmo,
    polyak,
    polyak_nets,
    schattor,
    workloads,
)
from ratecheck.verify.experiments.base import Experiment, Outcome, Settings, get_experiment

__all__ = ["Experiment", "Outcome", "Settings", "get_experiment"]
