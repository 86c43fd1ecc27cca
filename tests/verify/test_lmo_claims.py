"""The LMO-layer claims in quick mode: each passes and its control fails."""

import pytest


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(["lmo-identities", "newton-schulz-accuracy", "lmo-momentum-rate"])


def test_identities_at_machine_precision_and_every_mutation_caught(verdicts):
    v = verdicts["lmo-identities"]
    assert max(p.measured for p in v.result.points) <= 1e-12
    assert all(p.measured > 1e-3 for p in v.control.points)  # each mutation is detected


def test_newton_schulz_band_is_measured_not_assumed(verdicts):
    v = verdicts["newton-schulz-accuracy"]
    lows = [p for p in v.result.points if p.label.endswith("band low")]
    assert len(lows) == 3 and all(abs(p.measured / p.predicted - 1) < 1e-3 for p in lows)
    svd = v.control.points[0]
    assert abs(svd.measured - 1) < 1e-12  # the exact oracle is exact, hence rejected


def test_momentum_slope_and_no_momentum_floor(verdicts):
    v = verdicts["lmo-momentum-rate"]
    assert {p.label.split("/")[0] for p in v.result.points} == {"l2", "linf", "spectral"}
    for p in v.control.points:
        assert abs(p.measured - p.predicted) > p.tolerance


def test_records_are_json(verdicts, tmp_path):
    from ratecheck.verify.store import write_verdicts

    write_verdicts(tmp_path / "v.json", [v.record() for v in verdicts.values()], {})
    assert (tmp_path / "v.json").stat().st_size > 100
