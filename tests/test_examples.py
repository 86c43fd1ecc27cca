"""The user-defined example claim runs through the public API and the pytest plugin."""

import importlib.util
from pathlib import Path

import pytest

import ratecheck
from ratecheck.errors import UsageError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "gd_linear_rate.py"


def _load():
    spec = importlib.util.spec_from_file_location("gd_linear_rate", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example():
    return _load()


def test_example_claim_through_the_plugin_fixture(example, ratecheck_check):
    verdict = ratecheck_check(example.CLAIM, quick=True)
    assert verdict.expected, verdict.finding
    assert {p.label for p in verdict.result.points} == {"κ = 10", "κ = 100"}


def test_example_claim_is_listed_and_its_id_is_protected(example):
    assert "example-gd-linear-rate" in {c.id for c in ratecheck.all_claims()}
    again = ratecheck.define_claim(example.CLAIM, run=example.gd_rate_experiment)
    assert again is example.CLAIM  # re-defining the same object is harmless
    with pytest.raises(UsageError, match="already taken"):
        _load()  # a new Claim object under the same id
