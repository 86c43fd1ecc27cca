"""The layout rules of ratecheck/claims (see its __init__): run functions judge through the
Context, random streams are keyed by grid point, and a family imports no other family."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ratecheck.claims

ROOT = Path(ratecheck.claims.__file__).parent
MODULES = sorted(p for p in ROOT.rglob("*.py") if p.name != "__init__.py")
BY_HAND = {"Outcome", "Judgement", "Point"}  # what the Context assembles


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_outcome_by_hand_and_no_integer_stream_keys(path):
    tree = ast.parse(path.read_text())
    for call in _calls(tree):
        assert _name(call) not in BY_HAND, f"{path.name}:{call.lineno} builds {_name(call)}"
        if _name(call) == "Streams" and len(call.args) > 1:
            key = call.args[1]
            is_int = isinstance(key, ast.Constant) and isinstance(key.value, int)
            assert not is_int and not isinstance(key, ast.BinOp), (
                f"{path.name}:{call.lineno}: a stream key computed by hand; use ctx.streams(where)"
            )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_family_imports_no_other_family_and_no_legacy_experiment(path):
    family = path.parent.name if path.parent != ROOT else None
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            assert parts[:3] != ["ratecheck", "verify", "experiments"], path.name
            if parts[:2] == ["ratecheck", "claims"] and len(parts) > 2:
                assert parts[2] in ("_shared", family), f"{path.name} imports {node.module}"
