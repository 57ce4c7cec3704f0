"""Handlers parse, decide access and render; storage reads and writes (issue 17).

import-linter keeps SQLAlchemy out of handlers/ (no ``select`` there), but an
ORM row can still leak in through ``storage.models`` and be loaded or edited
with the session a handler holds. These checks read the handlers' source: a
handler may pass its session on to a storage function, never call it itself,
and may import the enumerations of ``storage.models``, never a table.
"""

from __future__ import annotations

import ast
import importlib
from enum import Enum
from pathlib import Path

import pytest

from storage.models import Base

HANDLERS = sorted((Path(__file__).resolve().parent.parent / "handlers").glob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.name)
def test_handlers_do_not_use_the_session_themselves(path: Path) -> None:
    uses = [
        f"{path.name}:{node.lineno} session.{node.func.attr}()"
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "session"
    ]
    assert uses == [], "a storage function should do this: " + ", ".join(uses)


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.name)
def test_handlers_import_no_table(path: Path) -> None:
    models = importlib.import_module("storage.models")
    tables = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module == "storage.models":
            for alias in node.names:
                value = getattr(models, alias.name)
                if isinstance(value, type) and issubclass(value, Base):
                    tables.append(f"{path.name}:{node.lineno} {alias.name}")
                else:
                    assert isinstance(value, type) and issubclass(value, Enum), alias.name
        if isinstance(node, ast.Import):
            assert all(a.name != "storage.models" for a in node.names), path.name
    assert tables == [], "handlers get plain data from storage, not rows: " + ", ".join(tables)
