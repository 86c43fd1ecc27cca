"""The batched-seeds benchmark: batched and sequential runs compute the same numbers, and the
speed-up is measured, never asserted."""

import numpy as np
import pytest

from ratecheck.backend import namespace
from ratecheck.bench import seeds
from ratecheck.seeding import Streams

XP = namespace("numpy")


def test_first_seed_selects_the_batched_streams():
    batched = Streams("x", 3, 4)
    single = Streams("x", 3, 1, first_seed=2)
    assert batched.oracle[2].random() == single.oracle[0].random()


@pytest.mark.parametrize("geometry", list(seeds.GEOMETRIES))
def test_batched_and_sequential_runs_agree(geometry):
    row = seeds.measure((4, 3), steps=5, xp=XP, seeds=3, geometry=geometry)
    assert row["max_rel_diff"] <= 1e-12
    assert row["speedup"] == row["sequential_s"] / row["batched_s"]


def test_targets_are_reported_not_asserted():
    rows = [
        {"geometry": "spectral", "d": 256, "seeds": 64, "speedup": 3.0},
        {"geometry": "spectral", "d": 65536, "seeds": 64, "speedup": 50.0},
    ]
    (t,) = seeds.targets(rows, "numpy")
    assert t["passed"] is False and np.isclose(t["measured"], 3.0)
    (g,) = seeds.targets(rows, "cupy")
    assert "30" in g["target"]
