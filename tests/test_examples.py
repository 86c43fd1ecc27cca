"""The example user claim, written on the claim API (`ratecheck.claim`, `Context`), runs
through the public API, the pytest plugin and `ratecheck verify FILE`."""

import importlib.util
import sys
from pathlib import Path

import pytest

import ratecheck
from ratecheck.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "gd_linear_rate.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("gd_linear_rate", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_is_short_and_imports_four_names():
    lines = EXAMPLE.read_text().splitlines()
    names = [
        n
        for ln in lines
        if ln.startswith("from ratecheck")
        for n in ln.split(" import ")[1].split(",")
    ]
    assert len(lines) <= 25 and len(names) <= 4


def test_example_claim_through_the_plugin_fixture(example, ratecheck_check):
    verdict = ratecheck_check(example.gd_linear_rate, quick=True)
    points = verdict.result.points
    assert [p.where for p in points] == [{"kappa": 10}, {"kappa": 100}]
    assert {p.method for p in points + verdict.control.points} == {"gd"}
    assert [p.predicted for p in points] == [1 - 1 / 10, 1 - 1 / 100]  # from the SymPy text
    assert [p.predicted for p in verdict.control.points] == [1 - 2 / 10, 1 - 2 / 100]
    assert verdict.control.refuted
    assert verdict.record()["points"][0]["method"] == "gd"


def test_verify_a_claim_file_from_the_command_line(tmp_path, capsys):
    status = main(
        ["verify", str(EXAMPLE), "--quick", "--no-cache", "--quiet", "--out", str(tmp_path)]
    )
    assert status in (0, 1)  # the verdict is the measurement's; the file ran as a claim
    assert "example-gd-linear-rate" in capsys.readouterr().out
    assert (tmp_path / "verdicts.json").is_file()


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("x = 1\n", "defines no claim"),
        ("raise RuntimeError('broken')\n", "failed to import: RuntimeError: broken"),
        (
            EXAMPLE.read_text().replace("example-gd-linear-rate", "hb-acceleration"),
            "already taken",
        ),
    ],
)
def test_bad_claim_files_are_one_line_errors(tmp_path, capsys, text, fragment):
    path = tmp_path / "claims.py"
    path.write_text(text)
    assert (
        main(
            ["verify", str(path), "--quick", "--no-cache", "--quiet", "--out", str(tmp_path / "o")]
        )
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0]


def test_a_claim_whose_run_raises_is_exit_2_and_not_cached(tmp_path, capsys, monkeypatch):
    path = tmp_path / "raising.py"
    path.write_text(
        EXAMPLE.read_text()
        .replace("example-gd-linear-rate", "test-raising-claim")
        .replace("for where in ctx.points", "raise ValueError('oops')\n    for where in ctx.points")
    )
    monkeypatch.setenv("RATECHECK_CACHE", str(tmp_path / "cache"))
    assert main(["verify", str(path), "--quick", "--quiet", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "claim test-raising-claim raised ValueError: oops" in err[0]
    assert not list((tmp_path / "cache").glob("*/*.json"))
    assert "test-raising-claim" in {c.id for c in ratecheck.all_claims()}
    del sys.modules[next(m for m in sys.modules if m.startswith("ratecheck_claims_"))]
