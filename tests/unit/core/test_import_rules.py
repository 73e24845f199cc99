"""The import rules of ARCHITECTURE.md, enforced: import-linter reads the
contracts from pyproject.toml, and a broken contract fails the run with the
offending import chain."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_import_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # our own tool, our own tree: no untrusted input
        [str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# Handoff speaks SQL only in its Store (ARCHITECTURE.md, rule 10): its tables
# (models.py) and the engine or session its composition roots hand over are
# the only other uses of SQLAlchemy.
HANDOFF_SQL_ALLOWED = {
    "handoff/models.py": {"*"},
    "handoff/app.py": {"Engine"},
    "handoff/seed.py": {"Session"},  # frontdoor seed's session, passed to the Store's seeding
    "handoff/devserver.py": {"Session"},
}


def _sql_in(source: str, relative: str) -> list[str]:
    import ast

    allowed = HANDOFF_SQL_ALLOWED.get(relative, set())
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.startswith("sqlalchemy")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            names = {a.name for a in node.names}
            if "*" not in allowed and names - allowed:
                found.append(f"from {node.module} import {', '.join(sorted(names - allowed))}")
        elif isinstance(node, ast.Attribute) and node.attr in {"execute", "conn", "writing"}:
            found.append(f".{node.attr} (line {node.lineno})")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in {"connect", "begin"}
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "engine"
        ):
            found.append(f".engine.{node.attr} (line {node.lineno})")
    return [f"{relative}: {what}" for what in found]


def test_handoff_speaks_sql_only_in_its_store():
    modules = sorted((ROOT / "handoff").rglob("*.py"))
    outside = [p for p in modules if (ROOT / "handoff" / "store") not in p.parents]
    assert len(outside) > 20  # the rule looks at the whole service
    hits = [
        hit
        for path in outside
        for hit in _sql_in(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert hits == []


def test_the_sql_check_sees_a_query_outside_the_store():
    stray = "from sqlalchemy import Engine, select\n\ndef f(store):\n    store.engine.connect()\n"
    assert _sql_in(stray, "handoff/app.py") == [
        "handoff/app.py: from sqlalchemy import select",
        "handoff/app.py: .engine.connect (line 4)",
    ]
    assert _sql_in("def f(tx):\n    tx.conn.execute(1)\n", "handoff/views.py") == [
        "handoff/views.py: .execute (line 2)",
        "handoff/views.py: .conn (line 2)",
    ]
