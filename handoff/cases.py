"""The back office as the handoff service uses it (``actions.backoffice`` ports).

A message left out of hours, or a case an advisor opens from a chat, becomes a
case in the CRM with the transcript; the console's resident panel shows cases
and balances only for a verified resident. Back-office errors become
``DependencyUnavailable("backoffice")`` or ``NotVerified`` here, at the edge of
this service's use of the port. Synchronous: called in worker threads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from actions.backoffice.exceptions import BackOfficeError, NotFound
from actions.backoffice.ports import BackOffice, CaseType, NewCase
from handoff.delivery import Event, iso
from handoff.exceptions import DependencyUnavailable, InvalidRequest, NotVerified
from handoff.store import Conversation

CASE_TYPES = tuple(t.value for t in CaseType)


def _require(backoffice: BackOffice | None) -> BackOffice:
    if backoffice is None:
        raise DependencyUnavailable("backoffice", "No back office is configured.")
    return backoffice


def _create(backoffice: BackOffice | None, new: NewCase, now: datetime) -> str:
    office = _require(backoffice)
    try:
        try:
            return office.cases.create_case(new, now=now).case.reference
        except NotFound:
            # The verified resident is not known to the CRM: still take the message.
            from dataclasses import replace

            return office.cases.create_case(replace(new, resident_id=None), now=now).case.reference
    except BackOfficeError as exc:
        raise DependencyUnavailable("backoffice", exc.message) from None


def open_case_for_message(
    backoffice: BackOffice | None,
    conversation: Conversation,
    events: list[Event],
    *,
    client_id: str,
    text: str,
    contact: str,
    now: datetime,
) -> str:
    from handoff.service import render_transcript

    description = "\n\n".join(
        part
        for part in (
            text,
            f"Contact: {contact}" if contact else "",
            f"Service area: {conversation.service_area or 'general'}",
            "Chat transcript:\n" + render_transcript(events),
        )
        if part
    )
    new = NewCase(
        case_type=CaseType.GENERAL_ENQUIRY,
        summary=f"Message left in chat: {text[:120]}",
        description=description,
        idempotency_key=f"handoff:{conversation.id}:{client_id}",
        resident_id=conversation.verified_resident_id,
        channel="bot",
    )
    return _create(backoffice, new, now)


def open_case_by_advisor(
    backoffice: BackOffice | None,
    conversation: Conversation,
    events: list[Event],
    *,
    case_type: str,
    summary: str,
    client_id: str,
    now: datetime,
) -> str:
    from handoff.service import render_transcript

    if case_type not in CASE_TYPES:
        raise InvalidRequest(f"case_type must be one of {', '.join(CASE_TYPES)}")
    new = NewCase(
        case_type=CaseType(case_type),
        summary=summary[:200],
        description=f"{summary}\n\nChat transcript:\n{render_transcript(events)}",
        idempotency_key=f"handoff:{conversation.id}:advisor:{client_id}",
        resident_id=conversation.verified_resident_id,
        channel="advisor",
    )
    return _create(backoffice, new, now)


def resident_summary(backoffice: BackOffice | None, conversation: Conversation) -> dict[str, Any]:
    """Identity, cases and balances: only for a verified resident."""
    if not conversation.verified:
        return {"verified": False}
    resident_id = conversation.verified_resident_id
    assert resident_id is not None
    office = _require(backoffice)
    try:
        try:
            resident = office.properties.get_resident(resident_id)
            name, account_ref = resident.full_name, resident.resident_id
            address = office.properties.get_property(resident.uprn).single_line
        except NotFound:
            name, account_ref, address = conversation.verified_name or "", resident_id, ""
        cases = office.cases.list_cases(resident_id=resident_id, limit=10)
        tax = office.council_tax.accounts_for_resident(resident_id)
        rents = office.rents.accounts_for_resident(resident_id)
    except NotFound:
        raise NotVerified("The verified resident is not known to the back office.") from None
    except BackOfficeError as exc:
        raise DependencyUnavailable("backoffice", exc.message) from None
    balances = [
        {
            "account": a.reference,
            "kind": "council_tax",
            "amount_pence": a.balance_pence,
            "as_of": None,
            "recovery_stage": a.recovery_stage.value,
        }
        for a in tax
    ] + [
        {
            "account": a.tenancy_reference,
            "kind": "rent",
            "amount_pence": a.balance_pence,
            "as_of": None,
            "in_arrears": a.in_arrears,
        }
        for a in rents
    ]
    return {
        "verified": True,
        "name": name,
        "account_ref": account_ref,
        "address": address,
        "cases": [
            {
                "reference": c.reference,
                "case_type": c.case_type.value,
                "status": c.status.value,
                "summary": c.summary,
                "updated_at": iso(c.history[-1].at if c.history else c.created_at),
            }
            for c in cases
        ],
        "balances": balances,
    }
