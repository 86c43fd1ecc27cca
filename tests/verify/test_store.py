"""The result store: rows per finished task (Parquet, or CSV without pyarrow), provenance,
what is unfinished, and one-line errors for folders that are not results."""

import csv
import json
import shutil
from pathlib import Path

import pytest

from ratecheck.cli import main
from ratecheck.errors import UsageError
from ratecheck.verify import store
from ratecheck.verify.store import ROW_FIELDS, ResultStore, read_results

FORMAT = "parquet" if store.parquet_available() else "csv"
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
    """A record with the fields that read_results checks (those the report and figures read)."""
    point = dict(label="kappa=10", kind="exponent", predicted=0.5, measured=0.5, tolerance=0.1)
    point |= dict(ci_low=0.4, ci_high=0.6, outcome="holds")
    record = dict(claim=cid, kind="exponent", source="s", statement="s", prediction="1/2")
    record |= dict(predicted=0.5, measured=0.5, ci_low=0.4, ci_high=0.6, tolerance=0.1)
    record |= dict(verdict="holds", control_verdict="refuted", control_measured=2.0, checked=True)
    return record | {"points": [point]}


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


def test_a_rerun_into_the_same_folder_keeps_the_other_claims(tmp_path):
    ResultStore(tmp_path, "numpy", ["old"]).add(_record("old"), ROWS)
    ResultStore(tmp_path, "numpy", ["new"]).add(_record("new"), ROWS)
    assert sorted(p.name for p in (tmp_path / "rows").iterdir()) == [
        f"new.{FORMAT}",
        f"old.{FORMAT}",
    ]


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


# Issue 21 item 5: folders with the right files but wrong contents. Each case damages a good
# folder the way the issue says and runs `ratecheck report` and `ratecheck plot` on it: one line
# naming the problem and where, exit status 2, no traceback.

CLAIM = "hb-polyak-transient"  # a cheap claim (seconds) with rows, points and a control
ROWS_FILE = f"rows/{CLAIM}.parquet"


@pytest.fixture(scope="module")
def good_folder(tmp_path_factory):
    pytest.importorskip("pyarrow")
    import ratecheck

    folder = tmp_path_factory.mktemp("good")
    ratecheck.verify([CLAIM], quick=True, out=folder)
    return folder


@pytest.fixture
def folder(good_folder, tmp_path):
    return Path(shutil.copytree(good_folder, tmp_path / "results"))


def _edit(change):
    """A damage that rewrites verdicts.json after ``change(doc)``."""

    def damage(folder):
        path = folder / "verdicts.json"
        doc = json.loads(path.read_text())
        change(doc)
        path.write_text(json.dumps(doc))

    return damage


def _drop(field):
    return _edit(lambda doc: doc["verdicts"][0].pop(field))


def _set(field, value, point=None):
    def change(doc):
        record = doc["verdicts"][0]
        (record if point is None else record["points"][point])[field] = value

    return _edit(change)


def _parquet_as_strings(folder):
    """The rows file with the right column names, every value written as a string."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / ROWS_FILE
    table = pq.read_table(path)
    pq.write_table(pa.table({c: [str(v) for v in table[c].to_pylist()] for c in ROW_FIELDS}), path)


def _csv_with(field, text, row):
    """The rows as CSV (the store's format without pyarrow) with one value replaced."""

    def damage(folder):
        import pyarrow.parquet as pq

        rows = pq.read_table(folder / ROWS_FILE).to_pylist()
        rows[row][field] = text
        (folder / ROWS_FILE).unlink()
        with (folder / "rows" / f"{CLAIM}.csv").open("w", newline="") as fh:
            writer = csv.DictWriter(fh, ROW_FIELDS)
            writer.writeheader()
            writer.writerows(rows)

    return damage


AT = f"verdicts[0] (claim {CLAIM})"
CORRUPT = [
    (_drop("checked"), f"{AT} has no field 'checked'"),
    (_drop("verdict"), f"{AT} has no field 'verdict'"),
    (_drop("kind"), f"{AT} has no field 'kind'"),
    (_drop("points"), f"{AT} has no field 'points'"),
    (_edit(lambda doc: doc["verdicts"][0]["points"][1].pop("label")), "no field 'points[1].label'"),
    (
        _edit(lambda doc: doc.update(provenance="numpy")),
        "field 'provenance' is \"numpy\", expected an object",
    ),
    (
        _edit(lambda doc: doc.update(unfinished=5)),
        "field 'unfinished' is 5, expected a list of strings",
    ),
    (
        _edit(lambda doc: doc.update(unfinished=[5])),
        "field 'unfinished[0]' is 5, expected a string",
    ),
    (_set("ci_low", "abc"), f"{AT} field 'ci_low' is \"abc\", expected a number or null"),
    (_set("checked", "yes"), f"{AT} field 'checked' is \"yes\", expected true or false"),
    (_set("measured", "abc", point=1), "field 'points[1].measured' is \"abc\", expected a number"),
    (_set("points", {}), f"{AT} field 'points' is {{}}, expected a list"),
    (_edit(lambda doc: doc["verdicts"].append(7)), "field 'verdicts[1]' is 7, expected an object"),
    (lambda f: (f / "verdicts.json").write_text("[]"), "verdicts.json is [], expected an object"),
    (_parquet_as_strings, f"{ROWS_FILE} row 0 column 'x' is \"100.0\", expected a number"),
    (
        _csv_with("value", "abc", 3),
        f"{CLAIM}.csv row 3 column 'value' is \"abc\", expected a number",
    ),
    (
        _csv_with("seed", "1.5", 4),
        f"{CLAIM}.csv row 4 column 'seed' is \"1.5\", expected an integer",
    ),
]


CORRUPT_IDS = [
    *("no-expected", "no-verdict", "no-kind", "no-points", "point-without-label"),
    *("provenance-string", "unfinished-5", "unfinished-ints", "ci_low-abc", "expected-string"),
    *("point-measured-abc", "points-object", "record-number", "document-list"),
    *("parquet-strings", "csv-value-abc", "csv-seed-float"),
]


@pytest.mark.parametrize("command", ["report", "plot"])
@pytest.mark.parametrize("damage,problem", CORRUPT, ids=CORRUPT_IDS)
def test_wrong_contents_are_one_line_errors(folder, damage, problem, command, capsys):
    damage(folder)
    capsys.readouterr()
    assert main([command, str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"ratecheck: error: results folder '{folder}' is corrupt (")
    assert problem in err and err.endswith("); rerun ratecheck verify --out to rewrite it\n")


@pytest.mark.parametrize(
    "damage",
    [
        _set("ci_low", float("nan")),  # an estimator without an interval
        _set("ci_high", None),
        _set("control_measured", None),  # a claim without control points
        _set("finding", "a finding"),
        _set("from_the_future", [1, "x"]),  # fields the report does not read are not checked
        _drop("control_points"),
    ],
    ids=["ci_low-nan", "ci_high-null", "control_measured-null", "finding", "unknown", "no-control"],
)
def test_what_the_writer_writes_is_accepted(folder, damage, capsys):
    """Values the writer writes (NaN, null where there is no interval or control) and fields
    that nothing reads pass the check."""
    damage(folder)
    assert main(["report", str(folder)]) == 0
    assert capsys.readouterr().err == ""
