"""Rows of every data class the purge and the subject access search read."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from actions import models as bot
from handoff import models as ho
from knowledge.models import ContentGap, Feedback
from notify import models as nt


def conversation(
    engine: Engine,
    *,
    closed_at: datetime | None,
    events: int = 3,
    resident: str | None = None,
    refs: str = "",
    text: str = "hello",
    opened_at: datetime | None = None,
) -> str:
    cid = uuid.uuid4().hex
    created = opened_at or closed_at
    assert created is not None, "an open conversation needs opened_at"
    with engine.begin() as conn:
        conn.execute(
            insert(ho.conversations).values(
                id=cid,
                created_at=created,
                updated_at=created,
                state="closed" if closed_at else "bot",
                last_seq=events,
                language="en",
                page_url="",
                verified_resident_id=resident,
                verified_refs=refs,
                closed_at=closed_at,
                requeued=False,
                priority="normal",
                declined_by="",
            )
        )
        if events:
            conn.execute(
                insert(ho.events),
                [
                    {
                        "conversation_id": cid,
                        "seq": n + 1,
                        "kind": "message",
                        "audience": "all",
                        "author": "resident",
                        "data": {"text": text},
                        "at": created,
                        "bot_pending": False,
                    }
                    for n in range(events)
                ],
            )
        conn.execute(
            insert(ho.transcripts).values(conversation_id=cid, created_at=created, text=text)
        )
        conn.execute(
            insert(bot.verification_attempts).values(
                conversation_id=cid, account_key="k", succeeded=True, attempted_at=created
            )
        )
        answer(conn, conversation_id=cid, at=created, question=text)
    return cid


def answer(conn, *, conversation_id: str, at: datetime, question: str = "when is my bin") -> None:
    """One row of the bot's answer log (it keeps the resident's question)."""
    conn.execute(
        insert(bot.answer_feedback).values(
            conversation_id=conversation_id, slug="bins", section_anchor=None, language="en",
            question=question, answered_at=at, helpful=None, rated_at=None,
        )
    )  # fmt: skip


def gap(
    engine: Engine, *, at: datetime, question: str = "where is my bin", group_key: str = ""
) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(ContentGap.__table__).values(
                question=question, source="bot", language="en", group_key=group_key or question,
                status="open", resolution="", resolved_by="", created_at=at,
            )
        )  # fmt: skip


def feedback(engine: Engine, *, at: datetime, comment: str = "useful") -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Feedback.__table__).values(
                slug="bins", language="en", helpful=True, comment=comment, created_at=at
            )
        )


def notification(
    engine: Engine,
    *,
    status: str,
    at: datetime,
    recipient: str = "alex.smith@example.org",
    channel: str = "email",
) -> None:
    """One outbox row; ``at`` is when it was sent (a sent row) or its last attempt."""
    with engine.begin() as conn:
        conn.execute(
            insert(nt.outbox).values(
                idempotency_key=uuid.uuid4().hex,
                channel=channel,
                template_id="case-confirmation",
                recipient=recipient,
                personalisation='{"reference": "WS-0001"}',
                status=status,
                attempts=1,
                next_attempt_at=at,
                lease_until=None,
                provider_id="p" if status == "sent" else None,
                error=None,
                created_at=at,
                sent_at=at if status == "sent" else None,
            )
        )


def resident(engine: Engine, *, phone: str | None = None) -> None:
    """Alex Smith of 14 Foxglove Lane, holder of council tax account CT40012345."""
    from datetime import date

    from backoffice import models as bo

    with Session(engine) as db:
        db.add(
            bo.PropertyRow(
                uprn="100000001",
                address_line_1="14 Foxglove Lane",
                address_line_2=None,
                address_line_3=None,
                town="Bramblefield",
                postcode="BF3 2QX",
                ward="Foxglove",
                sort_key="foxglove 14",
            )
        )
        db.add(
            bo.ResidentRow(
                resident_id="R0001",
                uprn="100000001",
                forename="Alex",
                surname="Smith",
                email="alex.smith@example.org",
                phone=phone,
            )
        )
        db.flush()
        db.add(
            bo.CouncilTaxAccountRow(
                reference="CT40012345",
                uprn="100000001",
                band="C",
                financial_year="2026-27",
                annual_charge_pence=180000,
                balance_pence=15000,
                payment_method="direct_debit",
                recovery_stage="none",
                next_instalment_on=date(2027, 1, 1),
                next_instalment_pence=15000,
                instalments_remaining=3,
                receives_support=False,
            )
        )
        db.flush()
        db.add(bo.CouncilTaxHolderRow(reference="CT40012345", resident_id="R0001", position=1))
        db.commit()


def subscription(
    engine: Engine,
    *,
    status: str,
    ended_at: datetime | None,
    contact: str = "alex.smith@example.org",
    channel: str = "email",
) -> None:
    """One of notify's subscriptions; ``ended_at``: unsubscribed then, or (pending) the
    deadline to confirm; None while in use."""
    with engine.begin() as conn:
        conn.execute(
            insert(nt.subscriptions).values(
                public_id=uuid.uuid4().hex,
                status=status,
                channel=channel,
                contact=contact,
                language="en",
                uprn="100000000001",
                case_reference=None,
                bins=True,
                disruptions=False,
                case_updates=False,
                requested_at=ended_at or datetime(2026, 1, 1, tzinfo=UTC),
                confirmed_at=None,
                ended_at=ended_at,
            )
        )


def payment(
    engine: Engine,
    *,
    reference: str,
    status: str,
    created_at: datetime,
    settled_at: datetime | None,
    order: dict[str, object],
    purpose: str = "fee",
    amount_pence: int = 4500,
    ascii_json: bool = True,
) -> None:
    """One card payment (``pay_payments``); ``order`` as the journey writes it: a fee's
    payer (fee, name, email, purpose) or a bulky booking's (uprn, resident_id, ...);
    ``ascii_json`` as payments wrote it before it kept UTF-8 as is ("\\u00e2")."""
    import json
    from datetime import timedelta

    from payments import models as pay

    with engine.begin() as conn:
        conn.execute(
            insert(pay.payments).values(
                reference=reference, idempotency_key=f"key-{reference}", purpose=purpose,
                provider="demo", provider_id=f"demo-{reference}", amount_pence=amount_pence,
                description="Pest control", language="en", status=status,
                next_url="https://pay.example/secret-page",
                order=json.dumps(order, sort_keys=True, ensure_ascii=ascii_json),
                created_at=created_at, expires_at=created_at + timedelta(minutes=90),
                settled_at=settled_at,
            )
        )  # fmt: skip


def refund(engine: Engine, *, reference: str, at: datetime, amount_pence: int = 4500) -> None:
    from payments import models as pay

    with engine.begin() as conn:
        conn.execute(
            insert(pay.refunds).values(
                reference=reference, amount_pence=amount_pence, status="success",
                provider_refund_id="r1", requested_by="sam@example.org", requested_at=at,
                updated_at=at,
            )
        )  # fmt: skip


def reported_problem(
    engine: Engine, *, reference: str, at: datetime, photo: bytes | None = None
) -> None:
    """A fly-tipping case reported on the website (no resident id: the reference
    the resident was given is how they are found), with its cleaned photo."""
    from datetime import timedelta

    from backoffice import models as bo
    from reports import models as rp

    with Session(engine) as db:
        db.add(
            bo.CaseRow(
                reference=reference, case_type="fly_tipping", status="open",
                summary="Fly-tipping at Foxglove Lane", description="A sofa, seen by my house",
                owning_team="Street scene", created_at=at,
                target_date=(at + timedelta(days=2)).date(),
                uprn=None, resident_id=None, idempotency_key=f"report:{reference}", channel="web",
                location="Foxglove Lane", latitude=51.5, longitude=-0.1,
            )
        )  # fmt: skip
        db.commit()
    if photo is not None:
        with engine.begin() as conn:
            conn.execute(
                insert(rp.photos).values(
                    photo_id=uuid.uuid4().hex, case_reference=reference,
                    idempotency_key=f"report:{reference}", content_type="image/png", width=4,
                    height=4, size_bytes=len(photo), data=photo, created_at=at,
                )
            )  # fmt: skip
