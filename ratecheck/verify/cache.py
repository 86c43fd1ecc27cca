"""A content-addressed cache of finished experiment outcomes.

Key: SHA-256 over everything that determines an outcome's numbers, as canonical JSON: the claim
id, the grid values *in the order given* (random streams follow a value's position on its axis,
so ``kappa=10,100`` and ``kappa=100,10`` are different computations), seeds, quick, backend,
dtype, package version, the versions of NumPy and SciPy, a fingerprint of the package's source
files, and — for a claim defined outside the package — a fingerprint of the claim's own code
(its module's source, its run and prediction functions, its record and grid).

An entry is one JSON file ``{"format", "key", "sha256", "body"}``: ``body`` is the outcome as a
JSON text and ``sha256`` its checksum. A hit must pass every check — the checksum, the key, the
schema of every judged point and row, and an exact re-encoding of the decoded outcome — or it is
a miss (discarded where possible, recomputed, never served). Outcomes whose measured values are
not all finite are not stored. Writes go through a uniquely named temporary file and an atomic
rename, so concurrent runs sharing a cache never see a half-written entry; a cache folder that
cannot be written is reported once and the run goes on uncached.

Pieces: a task can keep finished pieces of its work (one training run of a network claim) under
``pieces/``, keyed by :func:`piece_key` and checked the same way, so that an interrupted task
loses only its unfinished pieces (``Context.kept``).

Location: ``$RATECHECK_CACHE`` or ``~/.cache/ratecheck``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import tempfile
import types
from collections.abc import Callable
from dataclasses import fields
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import sympy as sp

import ratecheck
from ratecheck.verify.experiment import Experiment, Outcome
from ratecheck.verify.store import (
    NUM,
    POINT_SPEC,
    ROW_SPEC,
    STR,
    STR_OR_NULL,
    ListOf,
    MapOf,
    mismatch,
)
from ratecheck.verify.verdict import Judgement, Point

POINT_FIELDS = tuple(f.name for f in fields(Point))
FORMAT = 3
DURATIONS = "durations.json"  # wall seconds of earlier tasks, for longest-first scheduling
PIECES = "pieces"  # the folder of finished pieces of tasks (TaskCache.store_piece)

# The schema of a stored outcome, in the store's spec language (exact types: true is no number).
_POINT = {name.rstrip("?"): spec for name, spec in POINT_SPEC.items() if name != "outcome?"}
_POINT = {name: _POINT[name] for name in (f.name for f in fields(Point))}
_JUDGEMENT = {
    "points": ListOf(_POINT),
    "status": STR,
    "notes": ListOf(STR),
    "kind": STR_OR_NULL,
    "alpha": NUM,
}
_OUTCOME = {
    "result": _JUDGEMENT,
    "control": _JUDGEMENT,
    "rows": ListOf(ROW_SPEC),
    "extra": MapOf((str, int, float, bool, list, dict, type(None))),
}
assert tuple(_POINT) == POINT_FIELDS


class InvalidEntry(ValueError):
    """A cache entry that is damaged, of another format or of the wrong shape."""


def default_folder() -> Path:
    return Path(os.environ.get("RATECHECK_CACHE") or Path.home() / ".cache" / "ratecheck")


@cache
def code_fingerprint() -> str:
    """SHA-256 over the package's Python sources (path and bytes), in sorted order."""
    root = Path(ratecheck.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _update_with_code(digest: Any, code: types.CodeType) -> None:
    digest.update(code.co_code)
    digest.update(repr((code.co_names, code.co_varnames, code.co_freevars)).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _update_with_code(digest, const)
        elif isinstance(const, frozenset):  # string sets: iteration order follows the hash seed
            digest.update(repr(sorted(map(repr, const))).encode())
        else:
            digest.update(repr(const).encode())


_PLAIN_VALUES = (int, float, complex, str, bytes, tuple, frozenset, type(None))


def function_fingerprint(function: Callable) -> str:
    """SHA-256 of a function's code (bytecode, names, constants, nested functions), defaults,
    closed-over functions and plain values (numbers, text, tuples), and the source file of its
    module, where it has one."""
    digest = hashlib.sha256()
    target = getattr(function, "__func__", function)
    code = getattr(target, "__code__", None)
    if code is None:  # a callable object: its type's __call__
        target = type(function).__call__
        code = target.__code__
    _update_with_code(digest, code)
    digest.update(repr(getattr(target, "__defaults__", None)).encode())
    for cell in getattr(target, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            value = None
        if isinstance(value, types.FunctionType):
            digest.update(function_fingerprint(value).encode())
        elif isinstance(value, _PLAIN_VALUES):
            digest.update(repr(value).encode())
        else:  # mutable state (a counter, a list) is not part of what the code computes
            digest.update(type(value).__qualname__.encode())
    module = sys.modules.get(getattr(target, "__module__", "") or "")
    source = getattr(module, "__file__", None)
    if source and os.path.isfile(source):
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()


def is_builtin(module: str) -> bool:
    return module == "ratecheck" or module.startswith("ratecheck.")


def claim_fingerprint(claim: Any, experiment: Experiment) -> str | None:
    """None for a built-in claim (the package fingerprint covers it); for a user claim, the
    SHA-256 of its record, grid, run function, prediction function, named predictions and
    control prediction."""
    if is_builtin(experiment.run.__module__):
        return None
    digest = hashlib.sha256()
    digest.update(repr(claim).encode())  # every field but the prediction function
    digest.update(repr(experiment.grid).encode())
    digest.update(function_fingerprint(experiment.run).encode())
    digest.update(function_fingerprint(claim.prediction).encode())
    for name, further in claim.predictions:  # their expressions are left out of repr(claim)
        digest.update(f"{name}={sp.srepr(further.expr)}".encode())
    digest.update(sp.srepr(claim.control_prediction).encode())
    return digest.hexdigest()


def task_key(
    claim_id: str,
    grid: dict[str, tuple[float, ...]],
    seeds: int,
    quick: bool,
    backend: str,
    dtype: str = "float64",
    claim_code: str | None = None,
) -> str:
    """The cache key of one task. Grid axes are sorted by name; the values on an axis keep
    their order (it determines the random streams)."""
    payload = {
        "format": FORMAT,
        "claim": claim_id,
        "grid": {
            name: [v if isinstance(v, str) else float(v) for v in values]
            for name, values in sorted(grid.items())
        },
        "seeds": seeds,
        "quick": quick,
        "backend": backend,
        "dtype": dtype,
        **key_environment(),
        "claim_code": claim_code,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def piece_key(kind: str, inputs: dict[str, Any]) -> str:
    """The cache key of a piece of a task (say, one training run of a network claim): its kind,
    its inputs (everything its numbers depend on beyond the package's code and the installed
    versions, as JSON values) and the environment of :func:`task_key`."""
    payload = {"format": FORMAT, "piece": kind, "inputs": inputs, **key_environment()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def key_environment() -> dict[str, Any]:
    """What every key names beyond its own inputs: the package's version and source code, and
    the versions of the libraries whose numbers enter the results."""
    return {"version": ratecheck.__version__, **_versions(), "code": code_fingerprint()}


@cache
def _versions() -> dict[str, str | None]:
    """The installed versions of the libraries whose numbers enter the results, read once per
    process (a lookup parses the distribution's metadata: 9 ms per key, which a run that
    checks a few hundred kept pieces would pay again and again)."""
    return {
        "numpy": version("numpy"),
        "scipy": version("scipy"),
        "pepit": _installed("pepit"),  # the referee's certificates are part of an outcome
        "torch": _installed("torch"),  # the network claims train with it
        "scikit-learn": _installed("scikit-learn"),  # their digits data ship with it
    }


def _installed(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _judgement(j: Judgement) -> dict[str, Any]:
    return {
        "points": [{k: getattr(p, k) for k in POINT_FIELDS} for p in j.points],
        "status": j.status,
        "notes": list(j.notes),
        "kind": j.kind,
        "alpha": j.alpha,
    }


def _from_judgement(d: dict[str, Any]) -> Judgement:
    points = [Point(**{k: p[k] for k in POINT_FIELDS}) for p in d["points"]]
    return Judgement(points, d["status"], list(d["notes"]), d["kind"], d["alpha"])


def encode(outcome: Outcome) -> str:
    """The outcome as a JSON text (NaN kept), the body of a cache entry."""
    return json.dumps(
        {
            "result": _judgement(outcome.result),
            "control": _judgement(outcome.control),
            "rows": outcome.rows,
            "extra": outcome.extra,
        },
        allow_nan=True,
        default=_plain,
    )


def decode(text: str) -> Outcome:
    """The outcome of an entry body; InvalidEntry unless its schema is exactly right."""
    try:
        d = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidEntry(f"not JSON ({exc})") from None
    if problem := mismatch(d, _OUTCOME):
        raise InvalidEntry(f"the outcome {problem}")
    if not d["result"]["points"] or not d["control"]["points"]:
        raise InvalidEntry("a judgement has no points")
    return Outcome(
        _from_judgement(d["result"]), _from_judgement(d["control"]), d["rows"], d["extra"]
    )


def cacheable(outcome: Outcome) -> bool:
    """Only outcomes whose every measured value is finite are stored: a NaN is recomputed."""
    points = outcome.result.points + outcome.control.points
    return bool(points) and all(math.isfinite(p.measured) for p in points)


def entry_text(key: str, outcome: Outcome) -> str:
    return _wrapped(key, encode(outcome))


def _wrapped(key: str, body: str) -> str:
    checksum = hashlib.sha256(body.encode()).hexdigest()
    return json.dumps({"format": FORMAT, "key": key, "sha256": checksum, "body": body})


def _unwrapped(key: str, text: str) -> str:
    """The body of an entry's text, once its format, key and checksum are right."""
    try:
        wrapper = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidEntry(f"not JSON ({exc})") from None
    if not isinstance(wrapper, dict) or wrapper.get("format") != FORMAT:
        raise InvalidEntry("not an entry of this cache format")
    body = wrapper.get("body")
    if wrapper.get("key") != key or not isinstance(body, str):
        raise InvalidEntry("the entry belongs to another key")
    if hashlib.sha256(body.encode()).hexdigest() != wrapper.get("sha256"):
        raise InvalidEntry("checksum mismatch")
    return body


def read_piece(key: str, text: str) -> dict[str, Any]:
    """The piece stored in an entry's text (a JSON object); InvalidEntry on any doubt."""
    body = _unwrapped(key, text)
    try:
        piece = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise InvalidEntry(f"not JSON ({exc})") from None
    if not isinstance(piece, dict) or json.dumps(piece, allow_nan=True) != body:
        raise InvalidEntry("the piece does not re-encode to the stored text")
    return piece


def read_entry(key: str, text: str) -> Outcome:
    """The outcome stored in an entry's text; InvalidEntry on any doubt."""
    body = _unwrapped(key, text)
    outcome = decode(body)
    if encode(outcome) != body:
        raise InvalidEntry("the outcome does not re-encode to the stored text")
    return outcome


class TaskCache:
    """Finished outcomes on disk, one JSON file per key (see the module docstring)."""

    def __init__(
        self, folder: str | os.PathLike | None = None, warn: Callable[[str], None] | None = None
    ) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()
        self._warn = warn or (lambda text: print(f"ratecheck: warning: {text}", file=sys.stderr))
        self.writable = True

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _give_up_writing(self, reason: str) -> None:
        if self.writable:
            self.writable = False
            self._warn(f"cannot write the cache in '{self.folder}' ({reason}); running uncached")

    def check_writable(self) -> bool:
        """Create the folder and a probe file; on failure warn once and stop using the cache."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-"):
                pass
        except OSError as exc:
            self._give_up_writing(exc.strerror or type(exc).__name__)
        return self.writable

    def load(self, key: str) -> Outcome | None:
        return self._read(self._path(key), key, read_entry)

    def store(self, key: str, outcome: Outcome) -> None:
        if self.writable and cacheable(outcome):
            self._write(self._path(key), entry_text(key, outcome))

    def load_piece(self, key: str) -> dict[str, Any] | None:
        """A stored piece of a task (:func:`piece_key`), or None."""
        return self._read(self.folder / PIECES / key[:2] / f"{key}.json", key, read_piece)

    def has_piece(self, key: str) -> bool:
        """A piece is stored under ``key`` (not read: :meth:`load_piece` checks it)."""
        return self.writable and (self.folder / PIECES / key[:2] / f"{key}.json").is_file()

    def store_piece(self, key: str, piece: dict[str, Any]) -> None:
        """Keep a finished piece of a task (a JSON object, NaN allowed): a task that is
        interrupted, or run again, reads it back instead of recomputing it."""
        if self.writable:
            body = json.dumps(piece, allow_nan=True)
            self._write(self.folder / PIECES / key[:2] / f"{key}.json", _wrapped(key, body))

    def _read(self, path: Path, key: str, reader: Callable[[str, str], Any]) -> Any:
        if not self.writable:
            return None
        try:
            if not path.is_file():
                return None
            return reader(key, path.read_text())
        except (InvalidEntry, OSError, UnicodeDecodeError):
            try:
                path.unlink(missing_ok=True)  # doubtful: discard and recompute
            except OSError:
                pass  # a read-only cache: the entry stays a miss
            return None

    def durations(self) -> dict[str, float]:
        """Wall seconds of earlier tasks by label (a scheduling hint: unreadable means none)."""
        try:
            recorded = json.loads((self.folder / DURATIONS).read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(recorded, dict):
            return {}
        return {k: float(v) for k, v in recorded.items() if isinstance(v, (int, float))}

    def record_duration(self, label: str, seconds: float) -> None:
        """Record a task's wall seconds under ``label`` (the latest run's value wins; two runs
        writing at once may lose one of the two, which only affects scheduling)."""
        if self.writable:
            recorded = self.durations()
            recorded[label] = round(float(seconds), 3)
            self._write(self.folder / DURATIONS, json.dumps(recorded, sort_keys=True, indent=0))

    def _write(self, path: Path, text: str) -> None:
        """Write ``text`` to ``path`` atomically (a temporary file, then a rename)."""
        tmp: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:16]}.", suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                fh.write(text)
            os.replace(tmp, path)
            tmp = None
        except OSError as exc:
            self._give_up_writing(exc.strerror or type(exc).__name__)
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


__all__ = [
    "InvalidEntry",
    "TaskCache",
    "cacheable",
    "claim_fingerprint",
    "code_fingerprint",
    "decode",
    "encode",
    "entry_text",
    "read_entry",
    "task_key",
]
