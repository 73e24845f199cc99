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

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from frontdoor.clock import london_today, system_clock
from handoff import models as ho
from insight import models as m
from insight.demo import DEMO_PAGE, generate
from insight.outcomes import EventFact, derive
from insight.report import advisor_load
from insight.store import outcome_row


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(m.conversation_outcomes))


def seed(session: Session, *, rng_seed: int, progress: Any = None) -> str:
    advisors = sorted(session.scalars(select(ho.advisors.c.user_id)).all())
    today = london_today(system_clock())
    generated = list(generate(today, rng_seed=rng_seed, advisors=advisors))
    left = [conv for conv in generated if conv.case_reference is not None]
    for conv, reference in zip(left, _reserve_cases(session, len(left)), strict=True):
        conv.case_reference = reference
    conversations, events, assignments, transcripts, outcomes = [], [], [], [], []
    intents: list[dict[str, Any]] = []
    for conv in generated:
        if conv.case_reference is not None:
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
                    "created_at": _left_at(conv),
                    "text": "(demo transcript)",
                    "case_reference": conv.case_reference,
                }
            )
        conversations.append(
            {
                "id": conv.id,
                "created_at": conv.created_at,
                "updated_at": conv.events[-1]["at"],
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
        row = outcome_row(
            conv.id,
            outcome,
            started_at=conv.created_at,
            closed_at=conv.closed_at,
            language=conv.language,
            team=conv.team,
            demo=True,
        )
        intents += [
            {"conversation_id": conv.id, "intent": name, "messages": n, "confidence_milli": milli}
            for name, n, milli in row.pop("intents")
        ]
        outcomes.append(row)
    _advisor_loads(outcomes, assignments)
    for table, rows in (
        (ho.conversations, conversations),
        (ho.events, events),
        (ho.assignments, assignments),
        (ho.transcripts, transcripts),
        (m.conversation_outcomes, outcomes),
        (m.conversation_intents, intents),
    ):
        if rows:
            session.execute(insert(table), rows)
    _cases(session, left)
    session.flush()
    from insight.store import rebuild_rollup

    rebuild_rollup(session.connection())
    return (
        f"insight: {len(conversations)} demo conversations over 90 days "
        f"({len(events)} events, {len(left)} left messages)"
    )


def _advisor_loads(outcomes: list[dict[str, Any]], assignments: list[dict[str, Any]]) -> None:
    """Each outcome's advisor load, as :func:`insight.store.recompute` finds it."""
    by_advisor: dict[int, list[tuple[int, Any, Any]]] = {}
    own: dict[str, tuple[int, Any, Any]] = {}
    for a in assignments:
        span = (a["user_id"], a["started_at"], a["ended_at"])
        by_advisor.setdefault(a["user_id"], []).append(span)
        own[a["conversation_id"]] = span
    for row in outcomes:
        found = own.get(row["conversation_id"])
        if found is None:
            row.update(advisor_load([], []))
            continue
        user, start, end = found
        theirs = [other for other in by_advisor[user] if other[1] < end and other[2] > start]
        row.update(advisor_load([found], theirs))


def _left_at(conv: Any) -> Any:
    return next(e["at"] for e in conv.events if e["kind"] == "case_created")


def _reserve_cases(session: Session, n: int) -> list[str]:
    """``n`` case references from the back office's own counter (one UPDATE)."""
    from backoffice.models import SequenceRow

    if n == 0:
        return []
    last = session.execute(
        update(SequenceRow)
        .where(SequenceRow.name == "case")
        .values(value=SequenceRow.value + n)
        .returning(SequenceRow.value)
    ).scalar_one()
    return [f"BDC-{number:06d}" for number in range(last - n + 1, last + 1)]


def _cases(session: Session, left: list[Any]) -> None:
    """Each message left becomes a case; someone moves it on within a day or two
    (the newest still wait)."""
    from backoffice.models import CaseEventRow, CaseRow

    if not left:
        return
    now = system_clock()
    rows, pick_ups = [], []
    for index, conv in enumerate(left):
        at = _left_at(conv)
        picked = at + timedelta(hours=4 + (index * 7) % 40)
        pick_ups.append(picked)
        rows.append(
            {
                "reference": conv.case_reference,
                "case_type": "general_enquiry",
                "status": "in_progress" if picked < now else "received",
                "summary": "Message left in chat (demo)",
                "description": "(demo data)",
                "owning_team": "Customer Services",
                "created_at": at,
                "target_date": (at + timedelta(days=10)).date(),
                "channel": "bot",
            }
        )
    session.execute(insert(CaseRow), rows)
    ids = dict(
        session.execute(
            select(CaseRow.reference, CaseRow.id).where(
                CaseRow.reference.in_([conv.case_reference for conv in left])
            )
        ).all()
    )
    history = []
    for row, picked in zip(rows, pick_ups, strict=True):
        case_id = ids[row["reference"]]
        history.append(
            {"case_id": case_id, "status": "received", "at": row["created_at"],
             "note": "case opened", "by": "bot"}
        )  # fmt: skip
        if row["status"] == "in_progress":
            history.append(
                {"case_id": case_id, "status": "in_progress", "at": picked,
                 "note": "picked up", "by": "demo"}
            )  # fmt: skip
    session.execute(insert(CaseEventRow), history)
