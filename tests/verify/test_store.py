"""The result store: rows per finished task (Parquet, or CSV without pyarrow), provenance,
what is unfinished, and one-line errors for folders that are not results."""

import json

import pytest

from ratecheck.errors import UsageError
from ratecheck.verify import store
from ratecheck.verify.store import ResultStore, read_results

ROWS = [
    {
        "claim": "c1",
        "role": "claim",
        "method": "hb",
        "param": "kappa",
        "x": 10.0,
        "seed": s,
        "t": t,
        "metric": "dist",
        "value": 0.5**t + s,
    }
    for s in range(2)
    for t in (1, 2, 3)
]


def _record(cid):
    return {"claim": cid, "verdict": "pass"}


@pytest.mark.parametrize("parquet", [True, False])
def test_rows_round_trip_exactly(tmp_path, monkeypatch, parquet):
    if parquet:
        pytest.importorskip("pyarrow")
    monkeypatch.setattr(store, "parquet_available", lambda: parquet)
    s = ResultStore(tmp_path, "numpy", ["c1", "c2"])
    s.add(_record("c1"), ROWS)
    assert (tmp_path / "rows" / ("c1.parquet" if parquet else "c1.csv")).is_file()
    rows, doc = read_results(tmp_path)
    assert rows == ROWS
    assert doc["unfinished"] == ["c2"]
    assert doc["provenance"]["rows_format"] == ("parquet" if parquet else "csv")


def test_provenance_names_device_versions_and_backend(tmp_path):
    ResultStore(tmp_path, "numpy", ["c1"])
    prov = json.loads((tmp_path / "verdicts.json").read_text())["provenance"]
    for key in (
        "ratecheck",
        "git_revision",
        "backend",
        "device",
        "dtype",
        "numpy",
        "scipy",
        "sympy",
        "date",
    ):
        assert key in prov
    assert prov["backend"] == "numpy" and prov["device"]


def test_records_keep_the_planned_order(tmp_path):
    s = ResultStore(tmp_path, "numpy", ["a", "b", "c"])
    s.add(_record("c"), ROWS)
    s.add(_record("a"), ROWS)
    doc = json.loads((tmp_path / "verdicts.json").read_text())
    assert [r["claim"] for r in doc["verdicts"]] == ["a", "c"] and doc["unfinished"] == ["b"]


def test_rerun_into_the_same_folder_drops_old_rows(tmp_path):
    ResultStore(tmp_path, "numpy", ["old"]).add(_record("old"), ROWS)
    ResultStore(tmp_path, "numpy", ["new"])
    assert not list((tmp_path / "rows").iterdir())


@pytest.mark.parametrize(
    "damage,fragment",
    [
        (lambda p: (p / "verdicts.json").unlink(), "not a results folder"),
        (lambda p: (p / "verdicts.json").write_text("{"), "corrupt"),
        (lambda p: (p / "rows" / "c1.parquet").write_bytes(b"PAR1 garbage"), "corrupt"),
        (lambda p: (p / "rows" / "c1.parquet").unlink(), "rows of claim c1 are missing"),
    ],
)
def test_damaged_folders_are_one_line_errors(tmp_path, damage, fragment):
    pytest.importorskip("pyarrow")
    ResultStore(tmp_path, "numpy", ["c1"]).add(_record("c1"), ROWS)
    damage(tmp_path)
    with pytest.raises(UsageError, match=fragment) as info:
        read_results(tmp_path)
    assert "\n" not in str(info.value)
