"""Each Polyak claim's quick verification, run once per module: the claim passes, its control
fails, and the measured values meet the foundation issue's acceptance figures."""

import numpy as np
import pytest

import ratecheck

IDS = ["hb-quadratic-rate", "hb-acceleration", "hb-polyak-transient", "hb-not-global"]


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def test_heavy_ball_rate_matches_sqrt_beta(verdicts):
    v = verdicts["hb-quadratic-rate"]
    rates = [p for p in v.result.points if p.kind == "linear-rate"]
    assert len(rates) == 3
    for p in rates:
        assert abs(p.measured - p.predicted) <= 1e-3 * p.predicted
    assert all(p.measured <= 1.0 for p in v.result.points if p.kind == "upper")
    # control: GD is judged against √β and must fail at every κ
    assert not any(p.passed for p in v.control.points if p.kind == "linear-rate")


def test_acceleration_slopes(verdicts):
    hb, gd = verdicts["hb-acceleration"].result.points
    assert abs(hb.measured - 0.5) <= 0.05 and hb.predicted == 0.5
    assert abs(gd.measured - 1.0) <= 0.05 and gd.predicted == 1.0
    assert hb.ci_low <= hb.measured <= hb.ci_high


def test_polyak_transient_exact(verdicts):
    for p in verdicts["hb-polyak-transient"].result.points:
        assert abs(p.measured - 1) <= 1e-6
        assert abs(p.ci_low - 1) <= 1e-6 and abs(p.ci_high - 1) <= 1e-6
    assert all(p.measured > 100 for p in verdicts["hb-polyak-transient"].control.points)


def test_lrp_cycle_reached(verdicts):
    v = verdicts["hb-not-global"]
    assert v.result.points[0].measured < 1e-4
    np.testing.assert_allclose(sorted(v.extra["cycle"]), [-1.8024, 0.6465, 2.1159], atol=1e-4)


def test_same_seed_same_numbers_bit_for_bit():
    a = ratecheck.verify(["hb-quadratic-rate"], quick=True, seeds=2, grid={"kappa": (10.0,)})
    b = ratecheck.verify(["hb-quadratic-rate"], quick=True, seeds=2, grid={"kappa": (10.0,)})
    ra, rb = a[0].record(), b[0].record()
    for key in ("points", "control_points"):
        assert ra[key] == rb[key]  # exact equality of every measured float


def test_more_seeds_keep_the_first_seeds(tmp_path):
    """Seed i sees the same problem whether 2 or 4 seeds run (streams spawned by index)."""
    from ratecheck.verify.store import read_results

    for n in (2, 4):
        ratecheck.verify(
            ["hb-polyak-transient"],
            quick=True,
            seeds=n,
            grid={"kappa": (100.0,)},
            out=tmp_path / str(n),
        )
    rows2 = [r for r in read_results(tmp_path / "2")[0] if r["role"] == "claim"]
    rows4 = [r for r in read_results(tmp_path / "4")[0] if r["role"] == "claim" and r["seed"] < 2]
    assert rows2 == rows4


def test_records_are_json(verdicts, tmp_path):
    from ratecheck.verify.store import write_verdicts

    write_verdicts(tmp_path / "v.json", [v.record() for v in verdicts.values()], {})
    assert (tmp_path / "v.json").stat().st_size > 100
