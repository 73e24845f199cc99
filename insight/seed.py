"""Demo history for ``frontdoor seed``: about 90 days of conversations (issue #15).

Runs after the handoff seeder, in the same transaction (flush, never commit).
Bulk inserts (one ``executemany`` per table) keep ``make run`` quick. Every
conversation is marked as demo data (its page URL says so, its outcome row has
``demo``), messages left become real back-office cases, and each outcome is
derived from the events inserted beside it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from frontdoor.clock import london_today, system_clock
from handoff import models as ho
from insight import models as m
from insight.demo import DEMO_PAGE, generate
from insight.outcomes import EventFact, derive
from insight.store import outcome_row


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(m.conversation_outcomes))


def seed(session: Session, *, rng_seed: int, progress: Any = None) -> str:
    advisors = sorted(session.scalars(select(ho.advisors.c.user_id)).all())
    today = london_today(system_clock())
    conversations, events, assignments, transcripts, outcomes = [], [], [], [], []
    cases: list[tuple[Any, Any]] = []
    for conv in generate(today, rng_seed=rng_seed, advisors=advisors):
        if conv.case_reference is not None:
            conv.case_reference = _new_case(session, conv)
            for event in conv.events:
                if event["kind"] == "case_created":
                    event["data"] = {
                        "reference": conv.case_reference,
                        "text": "Thank you. Your message has been passed on with reference "
                        f"{conv.case_reference}.",
                    }
            transcripts.append(
                {
                    "conversation_id": conv.id,
                    "created_at": conv.events[-3]["at"],
                    "text": "(demo transcript)",
                    "case_reference": conv.case_reference,
                }
            )
            cases.append((conv.case_reference, conv.events[-3]["at"]))
        last = conv.events[-1]["at"]
        conversations.append(
            {
                "id": conv.id,
                "created_at": conv.created_at,
                "updated_at": last,
                "state": "closed",
                "last_seq": len(conv.events),
                "language": conv.language,
                "page_url": DEMO_PAGE,
                "verified_refs": "",
                "team": conv.team,
                "service_area": conv.area if conv.team else None,
                "priority": "normal",
                "queued_at": conv.queued_at,
                "requeued": False,
                "declined_by": "",
                "closed_at": conv.closed_at,
                "outcome": conv.close_outcome,
                "rating": conv.rating,
            }
        )
        events.extend(conv.events)
        if conv.assignment is not None and conv.advisor is not None:
            assignments.append(
                {
                    "conversation_id": conv.id,
                    "user_id": conv.advisor,
                    "team": conv.team,
                    "started_at": conv.assignment[0],
                    "ended_at": conv.assignment[1],
                    "end_reason": "closed",
                    "read_seq": len(conv.events),
                }
            )
        outcome = derive(EventFact(e["seq"], e["kind"], e["at"], e["data"]) for e in conv.events)
        outcomes.append(
            outcome_row(
                conv.id,
                outcome,
                started_at=conv.created_at,
                closed_at=conv.closed_at,
                language=conv.language,
                team=conv.team,
                demo=True,
            )
        )
    for table, rows in (
        (ho.conversations, conversations),
        (ho.events, events),
        (ho.assignments, assignments),
        (ho.transcripts, transcripts),
        (m.conversation_outcomes, outcomes),
    ):
        if rows:
            session.execute(insert(table), rows)
    _pick_up(session, cases)
    session.flush()
    return (
        f"insight: {len(conversations)} demo conversations over 90 days "
        f"({len(events)} events, {len(cases)} left messages)"
    )


def _new_case(session: Session, conv: Any) -> str:
    from backoffice.models import CaseEventRow, CaseRow
    from backoffice.sql.base import next_number

    at = conv.events[-1]["at"]
    reference = f"BDC-{next_number(session, 'case'):06d}"
    row = CaseRow(
        reference=reference,
        case_type="general_enquiry",
        status="received",
        summary="Message left in chat (demo)",
        description="(demo data)",
        owning_team="Customer Services",
        created_at=at,
        target_date=(at + timedelta(days=10)).date(),
        channel="bot",
    )
    session.add(row)
    session.flush()
    session.add(
        CaseEventRow(case_id=row.id, status="received", at=at, note="case opened", by="bot")
    )
    return reference


def _pick_up(session: Session, cases: list[tuple[str, Any]]) -> None:
    """Someone moves each demo case on within the next working day or so (the newest wait)."""
    from backoffice.models import CaseEventRow, CaseRow

    now = system_clock()
    for index, (reference, at) in enumerate(cases):
        picked = at + timedelta(hours=4 + (index * 7) % 40)
        if picked >= now:
            continue
        row = session.scalars(select(CaseRow).where(CaseRow.reference == reference)).one()
        row.status = "in_progress"
        session.add(
            CaseEventRow(
                case_id=row.id, status="in_progress", at=picked, note="picked up", by="demo"
            )
        )
