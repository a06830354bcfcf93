"""The domain core does no I/O: it imports no adapter, database, web, clock or OS module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import intelcell.domain

DOMAIN = Path(intelcell.domain.__file__).parent
FORBIDDEN = {
    "sqlalchemy",
    "fastapi",
    "starlette",
    "httpx",
    "requests",
    "os",
    "socket",
    "time",
    "yaml",
    "click",
    "uvicorn",
    "alembic",
    "psycopg",
    "sqlite3",
    "pathlib",
}


@pytest.mark.parametrize("path", sorted(DOMAIN.rglob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_no_adapter(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            root = name.split(".")[0]
            assert root not in FORBIDDEN, f"{path.name} imports {name}"
            if root == "intelcell":
                assert name.startswith("intelcell.domain"), f"{path.name} imports adapter {name}"
        if isinstance(node, ast.Attribute) and node.attr in {"now", "utcnow", "today"}:
            raise AssertionError(f"{path.name} reads the clock ({node.attr}): take the time as an argument")
