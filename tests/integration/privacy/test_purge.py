"""The retention purge on SQLite and PostgreSQL: what it deletes, what it keeps,
legal holds, resuming after an interruption, the dry run and the command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import models as bot
from frontdoor import audit
from frontdoor.audit import AuditAction
from frontdoor.clock import fixed_clock
from handoff import models as ho
from knowledge.models import ContentGap, Feedback
from notify import models as nt
from privacy.holds import lift_hold, place_hold
from privacy.purge import purge
from privacy.settings import PrivacySettings
from tests.integration.core.test_cli import frontdoor
from tests.integration.privacy import factories

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
# no rests between batches here: the pacing is unit-tested (tests/unit/privacy/test_pacer.py)
SETTINGS = PrivacySettings.load({"FRONTDOOR_PURGE_REST_RATIO": "0"})


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table)) or 0


@pytest.fixture
def world(database):
    engine = database.engine
    old = NOW - timedelta(days=400)
    recent = NOW - timedelta(days=364)  # one day inside the 12 months
    ids = {
        "old": factories.conversation(engine, closed_at=old, events=5),
        "old2": factories.conversation(engine, closed_at=old, events=4),
        "recent": factories.conversation(engine, closed_at=recent, events=2),
        "open": factories.conversation(
            engine, closed_at=None, events=1, opened_at=NOW - timedelta(days=2)
        ),
        "held": factories.conversation(engine, closed_at=old, events=2, refs="CT40012345"),
    }
    factories.gap(engine, at=NOW - timedelta(days=200))
    factories.gap(engine, at=NOW - timedelta(days=100))
    with engine.begin() as conn:  # answers whose conversation handoff no longer has
        factories.answer(conn, conversation_id="gone-old", at=NOW - timedelta(days=400))
        factories.answer(conn, conversation_id="gone-recent", at=NOW - timedelta(days=300))
    factories.feedback(engine, at=NOW - timedelta(days=366))
    # notify's outbox: 90 days after sending, or after the last attempt of a failure for
    # good; what is queued, being sent or awaiting a retry is never purged
    for status, days in (
        ("sent", 91), ("permanent-failure", 120), ("sent", 89),
        ("queued", 400), ("sending", 400), ("failed", 400),
    ):  # fmt: skip
        factories.notification(engine, status=status, at=NOW - timedelta(days=days))
    factories.feedback(engine, at=NOW - timedelta(days=10))
    with Session(engine) as db:
        for days in (2200, 10):
            audit.record(
                db,
                actor="x@example.org",
                action=AuditAction.VIEW_BALANCE,
                clock=fixed_clock(NOW - timedelta(days=days)),
            )
        db.commit()
    place_hold(
        engine, kind="resident", reference="CT40012345", reason="tribunal case 77",
        by="dpo@example.org", now=NOW,
    )  # fmt: skip
    return database, ids


def surviving_conversations(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(ho.conversations.c.id)))


def test_dry_run_counts_per_class_and_deletes_nothing(world):
    database, _ids = world
    results = {
        r.name: r for r in purge(database.engine, SETTINGS, dry_run=True, clock=fixed_clock(NOW))
    }
    # two expired conversations (one answer each) and the expired orphan answer
    assert results["conversations"].detail == (
        "2 conversations, 9 messages, 3 bot answers, 4 transcripts, assignments and identity checks"
    )
    assert results["conversations"].rows == 18  # what the purge then deletes (below)
    assert results["content_gaps"].rows == 1
    assert results["feedback"].rows == 1
    # every attempt is over 24 hours old here, the held conversation's too
    assert results["verification_attempts"].rows == 5
    assert results["notifications"].rows == 2
    assert results["audit_log"].rows == 1
    assert count(database.engine, ho.events) == 14


def test_purge_deletes_what_is_past_its_schedule_and_keeps_the_rest(world):
    database, ids = world
    engine = database.engine
    deleted = {r.name: r.rows for r in purge(engine, SETTINGS, clock=fixed_clock(NOW), batch=3)}
    assert deleted["conversations"] == 18  # as the dry run said
    assert surviving_conversations(engine) == {ids["recent"], ids["open"], ids["held"]}
    assert count(engine, ho.events) == 5
    assert count(engine, ho.transcripts) == 3
    assert count(engine, ContentGap.__table__) == 1
    assert count(engine, Feedback.__table__) == 1
    assert count(engine, bot.verification_attempts) == 0
    assert deleted["notifications"] == 2
    with engine.connect() as conn:
        statuses = sorted(conn.scalars(select(nt.outbox.c.status)))
    assert statuses == ["failed", "queued", "sending", "sent"]  # the sent one 89 days old
    with engine.connect() as conn:  # answers go with their conversation, orphans on schedule
        answers = set(conn.scalars(select(bot.answer_feedback.c.conversation_id)))
    assert answers == {ids["recent"], ids["open"], ids["held"], "gone-recent"}
    with Session(engine) as db:
        assert audit.verify(db).ok
        actions = [e.action for e in audit.list_entries(db, limit=10)]
    assert actions[0] == "purge"
    # a second run finds nothing more
    again = purge(engine, SETTINGS, clock=fixed_clock(NOW), dry_run=True)
    assert all(r.rows == 0 for r in again if r.name != "audit_log")


def test_an_interrupted_purge_resumes_and_never_touches_what_is_in_schedule(world):
    database, ids = world
    engine = database.engine
    purge(engine, SETTINGS, clock=fixed_clock(NOW), batch=2, max_batches=2)  # "killed"
    assert ids["recent"] in surviving_conversations(engine)
    assert count(engine, ho.events) > 5  # not finished
    purge(engine, SETTINGS, clock=fixed_clock(NOW), batch=2)
    assert surviving_conversations(engine) == {ids["recent"], ids["open"], ids["held"]}
    assert count(engine, ho.events) == 5


def test_a_lifted_hold_lets_the_purge_through(world):
    database, ids = world
    engine = database.engine
    from privacy.store import PrivacyStore

    (hold,) = PrivacyStore(engine).active_holds()
    assert lift_hold(engine, hold.id, by="dpo@example.org", now=NOW)
    assert not lift_hold(engine, hold.id, by="dpo@example.org", now=NOW)
    purge(engine, SETTINGS, clock=fixed_clock(NOW))
    assert ids["held"] not in surviving_conversations(engine)


def test_the_command_prints_each_class(world, tmp_path):
    database, _ids = world
    result = frontdoor(
        "privacy", "purge", "--dry-run", env={"FRONTDOOR_DATABASE_URL": database.url}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    names = [line.split(":")[0] for line in result.stdout.strip().splitlines()]
    assert names == [
        "conversations",
        "content_gaps",
        "feedback",
        "verification_attempts",
        "notifications",
        "audit_log",
        "report_photos",
        "subscriptions",
        "payments",
    ]
    assert "would delete" in result.stdout
    env = {"FRONTDOOR_DATABASE_URL": database.url}
    refused = frontdoor(
        "privacy", "hold", "--reference", "CT49999999", "--reason", "claim", env=env, cwd=tmp_path
    )
    assert refused.returncode == 2 and "Nothing is held about" in refused.stderr
    empty = {"FRONTDOOR_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    unmigrated = frontdoor("privacy", "purge", "--dry-run", env=empty, cwd=tmp_path)
    assert unmigrated.returncode == 1 and "migrations are pending" in unmigrated.stderr


def test_purged_gaps_leave_nothing_of_their_words_in_the_groups_they_started(database):
    engine = database.engine
    first = "card 4111 my bin was missed"  # the group's first question names its key
    factories.gap(engine, at=NOW - timedelta(days=200), question=first,
                  group_key="4111 bin card miss")  # fmt: skip
    for days, question in ((190, "bin missed again"), (20, "my bin was missed")):
        factories.gap(engine, at=NOW - timedelta(days=days), question=question,
                      group_key="4111 bin card miss")  # fmt: skip
    factories.gap(engine, at=NOW - timedelta(days=10), question="bulky waste price")
    purge(engine, SETTINGS, clock=fixed_clock(NOW), batch=1)
    with engine.connect() as conn:
        rows = conn.execute(
            select(ContentGap.question, ContentGap.group_key).order_by(ContentGap.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("my bin was missed", "bin missed"),  # the oldest survivor's own words
        ("bulky waste price", "bulky waste price"),  # another group: untouched
    ]
    again = purge(engine, SETTINGS, clock=fixed_clock(NOW))
    assert {r.name: r.rows for r in again}["content_gaps"] == 0


def test_report_photos_are_purged_on_their_own_schedule(database):
    from reports import models as rp

    engine = database.engine
    with engine.begin() as conn:
        for n, days in enumerate((184, 182)):  # six months (183 days) from sending
            conn.execute(
                rp.photos.insert().values(
                    photo_id=f"p{n}", case_reference="BDC-100001", idempotency_key=f"k{n}",
                    content_type="image/jpeg", width=1, height=1, size_bytes=3, data=b"abc",
                    created_at=NOW - timedelta(days=days),
                )
            )  # fmt: skip
    results = {r.name: r.rows for r in purge(engine, SETTINGS, clock=fixed_clock(NOW))}
    assert results["report_photos"] == 1
    with engine.connect() as conn:
        assert list(conn.scalars(select(rp.photos.c.photo_id))) == ["p1"]


def test_payments_are_kept_six_years_from_settling_and_never_while_in_progress(database):
    from payments import models as pay

    engine = database.engine
    with engine.begin() as conn:
        for reference, settled_days in (("old", 2193), ("recent", 2191), ("open", None)):
            created = NOW - timedelta(days=(settled_days or 3000) + 1)
            conn.execute(
                pay.payments.insert().values(
                    reference=reference, idempotency_key=f"k-{reference}", purpose="fee",
                    provider="demo", amount_pence=4500, description="Garden waste",
                    language="en", status="paid" if settled_days else "created",
                    order="{}", created_at=created, expires_at=created + timedelta(minutes=90),
                    settled_at=NOW - timedelta(days=settled_days) if settled_days else None,
                )
            )  # fmt: skip
        for reference in ("old", "recent"):  # a refund goes with its payment
            conn.execute(
                pay.refunds.insert().values(
                    reference=reference, amount_pence=4500, status="success",
                    requested_by="dana@example.gov.uk", requested_at=NOW - timedelta(days=2300),
                    updated_at=NOW - timedelta(days=2300),
                )
            )  # fmt: skip
    results = {r.name: r.rows for r in purge(engine, SETTINGS, clock=fixed_clock(NOW))}
    assert results["payments"] == 1
    with engine.connect() as conn:
        assert sorted(conn.scalars(select(pay.payments.c.reference))) == ["open", "recent"]
        assert list(conn.scalars(select(pay.refunds.c.reference))) == ["recent"]
