"""The audit log on real databases: the chain, tampering, the triggers, the CLI."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, text
from sqlalchemy.exc import DBAPIError
from starlette.responses import Response

from frontdoor import audit
from frontdoor.accounts import admin, service
from frontdoor.accounts.exceptions import InvalidCredentials
from frontdoor.accounts.roles import Role
from frontdoor.accounts.web import AccountsGate
from frontdoor.audit import AuditAction, AuditEntry
from frontdoor.clock import fixed_clock
from frontdoor.db import make_session_factory
from tests.integration.core.test_cli import frontdoor

MOMENT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


@pytest.fixture
def factory(database):
    return make_session_factory(database.engine)


def fill(factory, count: int = 5) -> None:
    with factory() as db:
        for i in range(count):
            audit.record(
                db,
                actor="sam@bramblefield.gov.uk",
                action=AuditAction.VIEW_BALANCE,
                subject=f"conversation:{i}",
                detail={"references": [f"CT4001234{i}"]},
                clock=fixed_clock(MOMENT + timedelta(seconds=i)),
            )
        db.commit()


def drop_trigger(database) -> None:
    with database.engine.begin() as connection:
        if database.backend == "postgresql":
            connection.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_append_only"))


def test_entries_chain_and_verify(factory):
    fill(factory)
    with factory() as db:
        entries = audit.list_entries(db, limit=10)
        assert [e.subject for e in entries] == [f"conversation:{i}" for i in range(4, -1, -1)]
        assert entries[0].detail == {"references": ["CT40012344"]}
        assert entries[0].at == MOMENT + timedelta(seconds=4)
        result = audit.verify(db)
    assert result.ok and result.checked == 5


def test_update_is_refused_by_the_database(database, factory):
    fill(factory, 2)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone-else'"))


def test_a_changed_entry_is_found(database, factory):
    fill(factory)
    drop_trigger(database)  # what an attacker with database access would do first
    with database.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_log SET detail = '{}' WHERE subject = 'conversation:2'")
        )
    with factory() as db:
        result = audit.verify(db)
        third = db.query(AuditEntry).filter_by(subject="conversation:2").one().id
    assert not result.ok
    assert result.broken_at == third and result.checked == 2
    assert "does not match its hash" in result.reason


def test_a_removed_entry_in_the_middle_is_found(database, factory):
    fill(factory)
    with factory() as db:
        third = db.query(AuditEntry).filter_by(subject="conversation:2").one().id
        db.execute(delete(AuditEntry).where(AuditEntry.id == third))
        db.commit()
        result = audit.verify(db)
    assert result.broken_at == third + 1
    assert "removed or changed" in result.reason


def test_the_oldest_entries_purged_by_retention_leave_a_valid_chain(factory):
    fill(factory)
    with factory() as db:
        oldest = min(e.id for e in audit.list_entries(db, limit=10))
        db.execute(delete(AuditEntry).where(AuditEntry.id <= oldest + 1))
        db.commit()
        result = audit.verify(db)
    assert result.ok and result.checked == 3


def test_concurrent_writers_never_fork_the_chain(factory):
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with factory() as db:
                    audit.record(
                        db, actor=f"w{n}@x.org", action=AuditAction.SIGN_IN, subject=f"{n}:{i}"
                    )
                    db.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as db:
        result = audit.verify(db)
    assert result.ok and result.checked == 40


def test_sign_ins_failures_and_role_changes_are_recorded(factory):
    with factory() as db:
        admin_user = service.create_user(
            db,
            email="ada@example.org",
            display_name="Ada Admin",
            password="correct horse battery",
            roles=[Role.ADMIN],
        )
        sam = service.create_user(
            db,
            email="sam@example.org",
            display_name="Sam",
            password="correct horse battery",
            roles=[Role.ADVISOR],
        )
        db.commit()
    gate = AccountsGate(factory, secure_cookies=False, clock=fixed_clock(MOMENT))
    with pytest.raises(InvalidCredentials):
        gate.login(
            Response(),
            email="Sam@example.org",
            password="wrong",
            client_ip="10.0.0.9",
            user_agent="",
        )
    gate.login(
        Response(),
        email="sam@example.org",
        password="correct horse battery",
        client_ip="10.0.0.9",
        user_agent="",
    )
    with factory() as db:
        admin.update_user(
            db,
            sam.id,
            roles=[Role.ADVISOR, Role.SUPERVISOR],
            teams=["Revenues"],
            acting_user_id=admin_user.id,
        )
        db.commit()
        entries = list(reversed(audit.list_entries(db, limit=10)))
    assert [(e.action, e.actor) for e in entries] == [
        ("sign_in_failed", "sam@example.org"),
        ("sign_in", "sam@example.org"),
        ("role_changed", "ada@example.org"),
        ("team_changed", "ada@example.org"),
    ]
    assert entries[0].client_ip == "10.0.0.9" and entries[0].at == MOMENT
    assert entries[0].detail == {"reason": "invalid_credentials"}
    assert entries[2].detail["roles_after"] == ["advisor", "supervisor"]
    assert entries[3].detail["teams_after"] == ["Revenues"]


def test_cli_lists_and_verifies_and_reports_tampering(database, factory, tmp_path):
    fill(factory, 3)
    env = {"FRONTDOOR_DATABASE_URL": database.url}
    listed = frontdoor("audit", "list", "--limit", "2", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 2 and "conversation:2" in lines[0] and "view_balance" in lines[0]
    ok = frontdoor("audit", "verify", env=env, cwd=tmp_path)
    assert ok.returncode == 0 and "3 entries checked" in ok.stdout
    drop_trigger(database)
    with database.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_log SET actor = 'x' WHERE subject = 'conversation:1'")
        )
    broken = frontdoor("audit", "verify", env=env, cwd=tmp_path)
    assert broken.returncode == 1
    assert "tampered with at entry" in broken.stderr and "Traceback" not in broken.stderr
