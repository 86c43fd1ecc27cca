"""The result store: flat rows (one per claim, role, method, grid value, seed, checkpoint,
metric) and the verdict records, with provenance. Figures are drawn from these files only.

Layout of an output folder:

    rows/<claim>.parquet   the rows of one finished task (CSV where pyarrow is not installed)
    verdicts.json          {"provenance": {...}, "verdicts": [record, ...], "unfinished": [...]}
    figures/               PNG (and PDF) per claim and metric

Each task's rows are written atomically (temporary file, then rename) when the task finishes,
and ``verdicts.json`` is rewritten after it with the tasks not finished yet listed under
"unfinished", so an interrupted run keeps everything it finished and says what it did not.

Parquet (pyarrow, the ``parquet`` extra) is the format; like benchopt, the store falls back to
CSV with the same columns when pyarrow is absent, and reads either.
"""

from __future__ import annotations

import csv
import errno
import importlib.util
import json
import os
import platform
import subprocess
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from ratecheck.errors import UsageError

ROW_FIELDS = ("claim", "role", "method", "param", "x", "seed", "t", "metric", "value")
_FLOAT_FIELDS = ("x", "value")
_INT_FIELDS = ("seed", "t")
ROWS_DIR = "rows"
LOCK_FILE = ".lock"


def parquet_available() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def default_results_folder() -> Path:
    """``$RATECHECK_RESULTS`` (default ``./ratecheck-results``) / <local timestamp>."""
    root = Path(os.environ.get("RATECHECK_RESULTS") or "ratecheck-results")
    return root / time.strftime("%Y%m%d-%H%M%S")


def _git_revision() -> str:
    """The revision of the source the package runs from: read from git where the package is a
    checkout's (an editable install; "+dirty" when tracked files differ from it), else as
    recorded at build time by setup.py, else "unknown (installed package)"."""
    import ratecheck

    checkout = Path(ratecheck.__file__).resolve().parent.parent
    if (checkout / ".git").exists() and (checkout / "pyproject.toml").is_file():
        try:
            git = ["git", "-C", str(checkout)]
            rev = subprocess.run(
                [*git, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
            ).stdout.strip()
            dirty = subprocess.run(
                [*git, "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
            if rev:
                return rev + ("+dirty" if dirty else "")
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        from ratecheck._build import GIT_REVISION
    except ImportError:
        GIT_REVISION = None
    return GIT_REVISION or "unknown (installed package)"


def provenance(backend: str) -> dict[str, Any]:
    """Package and library versions, git revision, backend, device and host."""
    import matplotlib
    import numpy
    import scipy
    import sympy

    import ratecheck
    from ratecheck.backend import device_name, library_versions

    return {
        "ratecheck": ratecheck.__version__,
        "git_revision": _git_revision(),
        "backend": backend,
        "device": device_name(backend),
        "dtype": "float64",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "matplotlib": matplotlib.__version__,
        **library_versions(backend),
        "rows_format": "parquet" if parquet_available() else "csv",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


@contextmanager
def temporary_beside(path: Path) -> Iterator[Path]:
    """A uniquely named temporary file next to ``path`` (so concurrent writers never share
    one; created with the usual mode, 0666 less the umask), renamed onto ``path`` when the
    block succeeds and removed when it fails."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _atomic_write(path: Path, text: str) -> None:
    with temporary_beside(path) as tmp:
        tmp.write_text(text)


def write_rows(path_stem: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """Write rows as ``path_stem.parquet`` (or ``.csv``) atomically and remove the other
    format's file of the same stem; return the path."""
    if parquet_available():
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"x": pa.float64(), "value": pa.float64(), "seed": pa.int64(), "t": pa.int64()}
        schema = pa.schema([(f, types.get(f, pa.string())) for f in ROW_FIELDS])
        table = pa.table({f: [r[f] for r in rows] for f in ROW_FIELDS}, schema=schema)
        path, other = path_stem.with_suffix(".parquet"), path_stem.with_suffix(".csv")
        with temporary_beside(path) as tmp:
            pq.write_table(table, tmp)
    else:
        path, other = path_stem.with_suffix(".csv"), path_stem.with_suffix(".parquet")
        with temporary_beside(path) as tmp, tmp.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, ROW_FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    other.unlink(missing_ok=True)
    return path


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        if not parquet_available():
            raise UsageError(
                f"{path} is Parquet and pyarrow is not installed (pip install 'ratecheck[parquet]')"
            )
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        if tuple(table.column_names) != ROW_FIELDS:
            raise ValueError(f"unexpected columns in {path.name}")
        rows = table.to_pylist()
        _check_rows(rows, f"{ROWS_DIR}/{path.name}", lambda f: _arrow_types(table[f]))
        return rows
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != ROW_FIELDS:
            raise ValueError(f"unexpected columns in {path.name}")
        rows = []
        for r in reader:
            for f in _FLOAT_FIELDS:
                r[f] = _parsed(float, r[f])
            for f in _INT_FIELDS:
                r[f] = _parsed(int, r[f])
            rows.append(r)
    _check_rows(rows, f"{ROWS_DIR}/{path.name}")
    return rows


def _parsed(kind: type, text: Any) -> Any:
    """``kind(text)``, or ``text`` unchanged where it is no ``kind`` (the row check names it)."""
    try:
        return kind(text)
    except (TypeError, ValueError):
        return text


@contextmanager
def folder_lock(folder: Path, shared: bool = False) -> Iterator[None]:
    """An advisory lock on a results folder (``flock`` on ``folder/.lock``): exclusive for a
    writer's read-merge-write of verdicts.json and rows, shared for a reader. Where the lock
    file cannot be opened (a read-only folder) or ``fcntl`` does not exist, readers go on
    without it; writers fail on their own writes anyway."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no locking
        yield
        return
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        if not shared:
            raise
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


class ResultStore:
    """An output folder that grows task by task (a task is one claim with its grid).

    Several runs may write one folder at once, and one after another: each finished claim is
    merged into the folder under its lock (its rows file replaced, its record replacing an
    older record of the same claim, the other claims' records and rows kept), so every
    finished claim of every run stays. ``unfinished`` in verdicts.json lists the claims some
    run planned and no run has finished since.
    """

    def __init__(
        self, folder: str | os.PathLike, backend: str, planned: Sequence[str] = ()
    ) -> None:
        self.folder = Path(folder)
        try:
            (self.folder / ROWS_DIR).mkdir(parents=True, exist_ok=True)
            if not os.access(self.folder, os.W_OK) or not os.access(
                self.folder / ROWS_DIR, os.W_OK
            ):
                raise PermissionError(errno.EACCES, "permission denied")
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise UsageError(f"cannot write the results folder '{folder}': {reason}") from None
        self.provenance = provenance(backend)
        self.planned = list(dict.fromkeys(planned))
        self.records: dict[str, dict[str, Any]] = {}
        with folder_lock(self.folder):
            records, unfinished = self._on_disk()
            self._write(records, [*unfinished, *self.planned])

    def add(self, record: dict[str, Any], rows: Iterable[dict[str, Any]]) -> None:
        claim = record["claim"]
        with folder_lock(self.folder):
            write_rows(self.folder / ROWS_DIR / claim, list(rows))
            records, unfinished = self._on_disk()
            records[claim] = record
            self._write(records, [c for c in unfinished if c != claim])
        self.records[claim] = record

    @property
    def unfinished(self) -> list[str]:
        """The claims this run planned and has not finished."""
        return [c for c in self.planned if c not in self.records]

    def _on_disk(self) -> tuple[dict[str, dict[str, Any]], list[str]]:
        """The records (those whose rows are present) and unfinished list of verdicts.json,
        or nothing where it is missing or unreadable (it is then rewritten whole)."""
        try:
            doc = json.loads((self.folder / "verdicts.json").read_text())
            records = {r["claim"]: r for r in doc["verdicts"] if isinstance(r["claim"], str)}
            unfinished = [c for c in doc["unfinished"] if isinstance(c, str)]
        except (OSError, ValueError, KeyError, TypeError):
            return {}, []
        rows = self.folder / ROWS_DIR
        present = {p.stem for p in rows.iterdir() if p.suffix in (".parquet", ".csv")}
        return {c: r for c, r in records.items() if c in present}, unfinished

    def _write(self, records: dict[str, dict[str, Any]], unfinished: Sequence[str]) -> None:
        from ratecheck.verify.registry import all_claims

        known = {c.id: i for i, c in enumerate(all_claims())}
        mine = {c: i for i, c in enumerate(self.planned)}
        big = len(known) + len(mine)

        def rank(claim: str) -> tuple[int, int, str]:  # this run's order, then the registry's
            return mine.get(claim, big), known.get(claim, big), claim

        ordered = [records[c] for c in sorted(records, key=rank)]
        pending = sorted({c for c in unfinished if c not in self.records}, key=rank)
        write_verdicts(self.folder / "verdicts.json", ordered, self.provenance, pending)


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays as plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def write_verdicts(
    path: str | os.PathLike,
    records: list[dict[str, Any]],
    prov: dict[str, Any],
    unfinished: Sequence[str] = (),
) -> None:
    doc = {"provenance": prov, "verdicts": records, "unfinished": list(unfinished)}
    _atomic_write(Path(path), json.dumps(doc, indent=2, allow_nan=True, default=_plain) + "\n")


class ListOf(NamedTuple):
    item: Any  # the spec of every element


class MapOf(NamedTuple):
    value: Any  # an object with any field names, each value of this spec


# A spec is a tuple of accepted types (exact types: JSON true is no number), a ListOf, a
# MapOf, or a field table {name: spec} for an object ("name?": the field may be absent).
STR, BOOL, INT, NUM = (str,), (bool,), (int,), (float, int)  # NaN and ±inf are floats
NUM_OR_NULL, STR_OR_NULL = (float, int, type(None)), (str, type(None))
POINT_SPEC = {  # Point.record(): what report.py and plots.py read of a judged point
    "label": STR,
    "kind": STR,
    "predicted": NUM,
    "measured": NUM,
    "tolerance": NUM,
    "ci_low": NUM,
    "ci_high": NUM,
    "outcome?": STR,
    "note?": STR,
    "method?": STR,
    "where?": MapOf((float, int, str)),
    "prediction?": STR,
    "se?": NUM,
    "df?": INT,
    "log_scale?": BOOL,
    "range_low?": NUM,
    "range_high?": NUM,
    "local_slopes?": ListOf(NUM),
    "local_low?": ListOf(NUM),
    "local_high?": ListOf(NUM),
}
_RECORD = {  # Verdict.record(): what report.py and plots.py read of a verdict record
    "claim": STR,
    "kind": STR,
    "source": STR,
    "statement": STR,
    "prediction": STR,
    "provenance?": ListOf(STR),
    "derived?": BOOL,
    "predicted": NUM_OR_NULL,
    "measured": NUM_OR_NULL,
    "ci_low?": NUM_OR_NULL,
    "ci_high?": NUM_OR_NULL,
    "tolerance": NUM_OR_NULL,
    "alpha?": NUM,
    "verdict": STR,
    "control_verdict": STR,
    "control_measured": NUM_OR_NULL,
    "checked": BOOL,
    "outcome?": STR,
    "finding?": STR_OR_NULL,
    "referee_outcome?": STR_OR_NULL,
    "referee?": (dict,),
    "points": ListOf(POINT_SPEC),
    "control_points?": ListOf(POINT_SPEC),
    "notes?": ListOf(STR),
    "reference_slopes?": MapOf(NUM),
}
_DOCUMENT = {
    "provenance?": (dict,),
    "verdicts": ListOf((dict,)),  # each record is checked against _RECORD on its own
    "unfinished?": ListOf(STR),
}
ROW_SPEC = {  # the columns of ROW_FIELDS, as write_rows writes them
    "claim": STR,
    "role": STR,
    "method": STR,
    "param": STR,
    "x": NUM,
    "seed": INT,
    "t": INT,
    "metric": STR,
    "value": NUM,
}
_WORDS = {str: "a string", bool: "true or false", int: "an integer", float: "a number"}
_WORDS |= {type(None): "null", dict: "an object", list: "a list"}


def _describe(spec: Any) -> str:
    if isinstance(spec, ListOf):
        return "a list" + (" of strings" if spec.item == STR else "")
    if isinstance(spec, (MapOf, dict)):
        return "an object"
    words = [_WORDS[t] for t in spec if not (t is int and float in spec)]
    return " or ".join(words)


def _show(value: Any) -> str:
    text = json.dumps(value, allow_nan=True, default=repr)
    return text if len(text) <= 40 else text[:37] + "..."


def mismatch(value: Any, spec: Any, path: str = "") -> str | None:
    """How ``value`` differs from ``spec`` ("has no field 'points[0].label'", "field 'ci_low'
    is "abc", expected a number or null"); None where it matches."""
    if isinstance(spec, dict):  # a field table
        if type(value) is dict:
            for key, sub in spec.items():
                name = key.rstrip("?")
                where = f"{path}.{name}" if path else name
                if name not in value and not key.endswith("?"):
                    return f"has no field {where!r}"
                if name in value and (problem := mismatch(value[name], sub, where)):
                    return problem
            return None
    elif isinstance(spec, ListOf):
        if type(value) is list:
            problems = (mismatch(v, spec.item, f"{path}[{i}]") for i, v in enumerate(value))
            return next((p for p in problems if p), None)
    elif isinstance(spec, MapOf):
        if type(value) is dict:
            problems = (mismatch(v, spec.value, f"{path}.{k}") for k, v in value.items())
            return next((p for p in problems if p), None)
    elif type(value) in spec:
        return None
    field = f"field {path!r} " if path else ""
    return f"{field}is {_show(value)}, expected {_describe(spec)}"


def _check_document(doc: Any) -> None:
    """ValueError naming the first field of verdicts.json that the report or figures cannot
    read: missing, or of the wrong type."""
    if problem := mismatch(doc, _DOCUMENT):
        raise ValueError(f"verdicts.json {problem}")
    for i, record in enumerate(doc["verdicts"]):
        if problem := mismatch(record, _RECORD):
            claim = record.get("claim")
            where = f"verdicts[{i}]" + (f" (claim {claim})" if type(claim) is str else "")
            raise ValueError(f"{where} {problem}")


def _check_rows(rows: list[dict[str, Any]], name: str, held: Any = None) -> None:
    """ValueError naming the first row whose value is of the wrong type for its column.
    ``held(field)``: the types a column holds where the file says (Parquet's schema)."""
    for field, types in ROW_SPEC.items():
        column = held(field) if held else set(map(type, map(itemgetter(field), rows)))
        if column <= set(types):
            continue  # the whole column at once; the loop below only finds the culprit
        for i, row in enumerate(rows):
            if problem := mismatch(row[field], types):
                raise ValueError(f"{name} row {i} column {field!r} {problem}")


def _arrow_types(column: Any) -> set[type]:
    """The Python types of a Parquet column's values as ``to_pylist`` gives them ({object}:
    some other type, for the values to be checked one by one)."""
    import pyarrow as pa

    t = column.type
    kinds = {
        str: pa.types.is_string(t) or pa.types.is_large_string(t),
        float: pa.types.is_floating(t),
        int: pa.types.is_integer(t),
    }
    found = {k for k, ok in kinds.items() if ok} or {object}
    return (found | {type(None)}) if column.null_count else found


def read_results(folder: str | os.PathLike) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(rows, verdicts document) of a results folder; UsageError if missing or corrupt (a
    field or column that the report and figures read is missing or of the wrong type)."""
    folder = Path(folder)
    verdicts_path, rows_dir = folder / "verdicts.json", folder / ROWS_DIR
    for p in (verdicts_path, rows_dir):
        if not p.exists():
            raise UsageError(
                f"'{folder}' is not a results folder: {p.name} is missing "
                "(write one with: ratecheck verify ... --out DIR)"
            )
    try:
        with folder_lock(folder, shared=True):  # not while a writer merges its claim in
            doc = json.loads(verdicts_path.read_text())
            _check_document(doc)
            records = doc["verdicts"]
            rows = _rows_of(records, rows_dir)
    except UsageError:
        raise
    except (ValueError, KeyError, TypeError, OSError) as exc:  # pyarrow's ArrowInvalid too
        raise UsageError(
            f"results folder '{folder}' is corrupt ({exc}); rerun ratecheck verify "
            "--out to rewrite it"
        ) from None
    return rows, {
        "provenance": doc.get("provenance", {}),
        "verdicts": records,
        "unfinished": doc.get("unfinished", []),
    }


def _rows_of(records: list[dict[str, Any]], rows_dir: Path) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        parts = [rows_dir / f"{record['claim']}{ext}" for ext in (".parquet", ".csv")]
        found = [p for p in parts if p.is_file()]
        if not found:
            raise ValueError(f"rows of claim {record['claim']} are missing")
        rows += _read_rows(found[0])
    return rows
