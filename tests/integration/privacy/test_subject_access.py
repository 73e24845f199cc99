"""Subject access and erasure on SQLite and PostgreSQL: any identifier finds the
resident, the bundle holds every store, unknown references write nothing, a
legal hold refuses erasure with its reason, and all of it is audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import models as bot
from frontdoor import audit
from frontdoor.audit import AuditAction
from frontdoor.clock import fixed_clock
from handoff import models as ho
from notify import models as nt
from privacy.holds import UnderLegalHold, place_hold
from privacy.subject import UnknownSubject, erase, export, find
from tests.integration.core.test_cli import frontdoor
from tests.integration.privacy import factories

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)


@pytest.fixture
def alex(database):
    engine = database.engine
    factories.resident(engine, phone="07700 900123")
    factories.notification(engine, status="sent", at=NOW)
    factories.notification(
        engine, status="queued", at=NOW, channel="sms", recipient="+447700900123"
    )
    factories.notification(engine, status="sent", at=NOW, recipient="someone.else@example.org")
    chats = [
        factories.conversation(
            engine,
            closed_at=NOW - timedelta(days=d),
            refs="CT40012345",
            resident="R0001",
            text="my balance <b>please</b>",
        )
        for d in (1, 2)
    ]
    other = factories.conversation(engine, closed_at=NOW, refs="CT40099999")
    with Session(engine) as db:
        audit.record(
            db,
            actor="sam@example.org",
            action=AuditAction.VIEW_BALANCE,
            subject=f"conversation:{chats[0]}",
            detail={"references": ["CT40012345"]},
            clock=CLOCK,
        )
        db.commit()
    return database, chats, other


@pytest.mark.parametrize(
    "identifier",
    [
        "CT40012345",
        "ct40012345",
        "alex.smith@example.org",
        "BF3 2QX Smith",
        "R0001",
        "07700 900123",
        "+44 7700 900123",
    ],
)
def test_any_identifier_finds_the_resident(alex, identifier):
    database, chats, other = alex
    bundle = find(database.engine, identifier, actor="dpo@example.org", clock=CLOCK)
    assert bundle.identity.conversation_ids == set(chats)
    assert other not in bundle.identity.conversation_ids


def test_the_bundle_holds_every_store_and_who_viewed_the_balance(alex, tmp_path):
    database, chats, _other = alex
    paths = export(
        database.engine, "CT40012345", tmp_path / "out", actor="dpo@example.org", clock=CLOCK
    )
    data = json.loads(paths[0].read_text())
    assert sorted(c["id"] for c in data["data"]["conversations"]) == sorted(chats)
    assert len(data["data"]["messages"]) == 6
    assert len(data["data"]["verification_attempts"]) == 2
    # what notify sent or will send them, by their email and their phone, not others'
    sent = {(n["channel"], n["recipient"], n["status"]) for n in data["data"]["notifications"]}
    assert sent == {
        ("email", "alex.smith@example.org", "sent"),
        ("sms", "+447700900123", "queued"),
    }
    assert {a["conversation_id"] for a in data["data"]["bot_answers"]} == set(chats)
    viewed = [e for e in data["data"]["audit_entries"] if e["action"] == "view_balance"]
    assert [e["actor"] for e in viewed] == ["sam@example.org"]
    page = paths[1].read_text()
    assert "sam@example.org" in page and "&lt;b&gt;please&lt;/b&gt;" in page and "<b>" not in page
    with Session(database.engine) as db:
        actions = [e.action for e in audit.list_entries(db, limit=5)]
    assert actions[:2] == ["subject_export", "subject_search"]


def test_an_unknown_reference_says_so_and_writes_nothing(alex, tmp_path):
    database, _chats, _other = alex
    with pytest.raises(UnknownSubject, match="nothing is held"):
        export(database.engine, "CT49999999", tmp_path / "out", actor="dpo", clock=CLOCK)
    assert not (tmp_path / "out").exists()
    result = frontdoor(
        "privacy",
        "export",
        "--reference",
        "CT49999999",
        "--out",
        str(tmp_path / "cli"),
        env={"FRONTDOOR_DATABASE_URL": database.url},
        cwd=tmp_path,
    )
    assert result.returncode == 1 and "nothing is held" in result.stderr
    assert not (tmp_path / "cli").exists()


def test_erasure_refuses_under_hold_then_erases_and_says_what_it_kept(alex):
    database, _chats, other = alex
    engine = database.engine
    place_hold(
        engine,
        kind="resident",
        reference="CT40012345",
        reason="court order 12/2026",
        by="dpo@example.org",
        now=NOW,
    )
    with pytest.raises(UnderLegalHold, match="court order 12/2026"):
        erase(engine, "alex.smith@example.org", actor="dpo@example.org", clock=CLOCK)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ho.conversations)) == 3
    from privacy.holds import lift_hold
    from privacy.store import PrivacyStore

    (hold,) = PrivacyStore(engine).active_holds()
    lift_hold(engine, hold.id, by="dpo@example.org", now=NOW)
    report = erase(engine, "CT40012345", actor="dpo@example.org", clock=CLOCK)
    assert report["removed"]["conversations"] == 2 and report["removed"]["messages"] == 6
    assert report["removed"]["bot_answers"] == 2
    assert report["removed"]["notifications"] == 2
    assert "six years" in report["kept"]["audit_entries"]
    with engine.connect() as conn:
        assert set(conn.scalars(select(ho.conversations.c.id))) == {other}
        assert set(conn.scalars(select(bot.answer_feedback.c.conversation_id))) == {other}
        assert list(conn.scalars(select(nt.outbox.c.recipient))) == ["someone.else@example.org"]
    with Session(engine) as db:
        assert audit.list_entries(db, limit=1)[0].action == "erasure"
        assert audit.verify(db).ok


def test_an_address_only_notify_holds_is_found_and_erased(alex):
    """An email the back office does not know, but the outbox wrote to."""
    database, _chats, _other = alex
    bundle = find(database.engine, "Someone.Else@example.org", actor="dpo", clock=CLOCK)
    assert [n["recipient"] for n in bundle.data["notifications"]] == ["someone.else@example.org"]
    assert bundle.identity.conversation_ids == set()
    report = erase(database.engine, "someone.else@example.org", actor="dpo", clock=CLOCK)
    assert report["removed"]["notifications"] == 1
    with pytest.raises(UnknownSubject):
        find(database.engine, "someone.else@example.org", actor="dpo", clock=CLOCK)
