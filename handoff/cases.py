"""The back office as the handoff service uses it (``backoffice`` ports).

A message left out of hours, or a case an advisor opens from a chat, becomes a
case in the CRM with the transcript; the console's resident panel shows cases
and balances only for a verified resident. Back-office errors become
``DependencyUnavailable("backoffice")`` or ``NotVerified`` here, at the edge of
this service's use of the port. Synchronous: called in worker threads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backoffice import references
from backoffice.exceptions import BackOfficeError, InvalidReference, NotFound
from backoffice.ports import BackOffice, CaseType, NewCase
from handoff.delivery import Event, iso, render_transcript
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


def resident_name(backoffice: BackOffice | None, resident_id: str | None) -> str | None:
    """The verified resident's name from the back office, if it knows them."""
    if backoffice is None or not resident_id:
        return None
    try:
        return backoffice.properties.get_resident(resident_id).full_name
    except BackOfficeError:
        return None


def _in_scope(references_: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Split verified references into council tax accounts and tenancies."""
    tax: list[str] = []
    tenancies: list[str] = []
    for value in references_:
        for normalise, bucket in (
            (references.council_tax_reference, tax),
            (references.tenancy_reference, tenancies),
        ):
            try:
                bucket.append(normalise(value))
                break
            except InvalidReference:
                continue
    return tax, tenancies


def resident_summary(backoffice: BackOffice | None, conversation: Conversation) -> dict[str, Any]:
    """Identity, cases and balances: only for a verified resident, and only within
    the accounts they proved they hold (the token's or the bot's check's references)."""
    if not conversation.verified:
        return {"verified": False}
    office = _require(backoffice)
    resident_id = conversation.verified_resident_id
    tax_refs, tenancy_refs = _in_scope(conversation.references)
    try:
        tax = [office.council_tax.get_account(ref) for ref in tax_refs]
        rents = [office.rents.get_account(ref) for ref in tenancy_refs]
        resident = None
        if resident_id:
            try:
                resident = office.properties.get_resident(resident_id)
            except NotFound:
                resident = None
        uprns = {a.uprn for a in tax} | {a.uprn for a in rents}
        if resident is not None:
            uprns.add(resident.uprn)
        address = office.properties.get_property(sorted(uprns)[0]).single_line if uprns else ""
        if resident_id:
            cases = office.cases.list_cases(resident_id=resident_id, limit=10)
        else:
            cases = [
                c for uprn in sorted(uprns) for c in office.cases.list_cases(uprn=uprn, limit=10)
            ]
    except NotFound:
        raise NotVerified("The verified accounts are not known to the back office.") from None
    except BackOfficeError as exc:
        raise DependencyUnavailable("backoffice", exc.message) from None
    holders = [h for a in tax for h in a.holders] + [t for a in rents for t in a.tenants]
    name = (
        resident.full_name
        if resident
        else conversation.verified_name
        or (f"{holders[0].forename} {holders[0].surname}" if holders else "")
    )
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
        "method": conversation.verified_method,
        "name": name,
        "account_ref": resident_id
        or (conversation.references[0] if conversation.references else ""),
        "references": list(conversation.references),
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
