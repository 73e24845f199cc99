"""Subject access and erasure: find everything held about a resident by any
identifier, export it as one bundle (JSON and a readable HTML page), erase what
the council is not obliged to keep. Every search, export and erasure is audited.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontdoor import audit
from frontdoor.audit import AuditAction
from frontdoor.clock import Clock, system_clock
from frontdoor.exceptions import FrontdoorError
from privacy.holds import refuse_if_held
from privacy.settings import PrivacySettings
from privacy.store import MONEY_MOVED, Identity, KeptPayment, SubjectStore

KEPT = {
    "audit_entries": "The audit log of staff access is kept for six years: the council must be "
    "able to show who saw your data (UK GDPR Article 5(2), accountability).",
    "cases_raised_in_chat": "Cases raised for you are the council's service records, kept under "
    "the service's own retention schedule in the case system, not by the chat.",
    "feedback": "Page feedback is anonymous: it is not linked to you, so it cannot be found "
    "or erased by your details.",
    "conversation_outcomes": "Anonymised outcomes of chats (no personal data) are kept for "
    "service statistics.",
    "payments": "Card payments that took money are the council's financial records: they are "
    "kept, without the payer's email address, until the purge deletes them (legal obligation, "
    "UK GDPR 6(1)(c)); payments that took no money are deleted; one still in progress is left "
    "until it finishes.",
    "refunds": "Refunds go with the card payment they repay: kept as long as it is.",
    "reported_problems": "The problems you reported are the council's service records, kept "
    "in its case system under that service's retention schedule (public task, UK GDPR "
    "6(1)(e)); the photos you sent with them are deleted.",
}
# Why a card payment that took money outlives an erasure, and when it goes
PAYMENT_BASIS = (
    "a financial record the council must keep for its accounts (legal obligation, UK GDPR "
    "6(1)(c) and Article 17(3)(b))"
)


class UnknownSubject(FrontdoorError):
    code = "unknown_subject"


@dataclass(frozen=True)
class Bundle:
    identifier: str
    identity: Identity
    data: dict[str, list[dict[str, Any]]]

    def as_json(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "matched": {
                "resident_ids": sorted(self.identity.resident_ids),
                "references": sorted(self.identity.references),
                "cases": sorted(self.identity.cases),
                "conversation_ids": sorted(self.identity.conversation_ids),
                "payments": sorted(self.identity.payment_references),
            },
            "data": self.data,
            "not_included": {"feedback": KEPT["feedback"]},
        }


def _record(
    engine: Engine,
    actor: str,
    action: AuditAction,
    identifier: str,
    detail: dict[str, Any],
    clock: Clock,
) -> None:
    with Session(engine) as db:
        audit.record(
            db,
            actor=actor,
            action=action,
            subject=f"subject:{identifier}"[:200],
            detail=detail,
            clock=clock,
        )
        db.commit()


def find(engine: Engine, identifier: str, *, actor: str, clock: Clock = system_clock) -> Bundle:
    """Everything held; UnknownSubject when the identifier matches nothing. Audited."""
    identifier = " ".join(identifier.split())
    if not identifier or len(identifier) > 200:
        raise UnknownSubject(
            "give a reference, postcode and surname, email, phone number or conversation id"
        )
    store = SubjectStore(engine)
    identity = store.resolve(identifier)
    found = not identity.empty
    _record(engine, actor, AuditAction.SUBJECT_SEARCH, identifier, {"found": found}, clock)
    if not found:
        raise UnknownSubject(f"nothing is held about {identifier!r}")
    return Bundle(identifier, identity, store.gather(identity))


def export_files(
    engine: Engine, identifier: str, *, actor: str, clock: Clock = system_clock
) -> dict[str, str | bytes]:
    """The bundle's files by name (subject-access.json and .html, and the photos
    of the problems they reported under ``photos/``), in memory: the staff pages
    zip them straight into the response, so no copy of a resident's data is left
    on the server's disk. Audited as an export (with how many of each)."""
    bundle = find(engine, identifier, actor=actor, clock=clock)
    files: dict[str, str | bytes] = {
        "subject-access.json": json.dumps(bundle.as_json(), indent=2, sort_keys=True, default=str),
        "subject-access.html": render_html(bundle),
    }
    files.update(SubjectStore(engine).photo_files(bundle.identity))
    counts = {name: len(rows) for name, rows in bundle.data.items()}
    _record(engine, actor, AuditAction.SUBJECT_EXPORT, bundle.identifier, counts, clock)
    return files


def export(
    engine: Engine, identifier: str, out_dir: Path, *, actor: str, clock: Clock = system_clock
) -> list[Path]:
    """Write subject-access.json and subject-access.html into ``out_dir`` (the
    command's ``--out``: the only place an export is written). Nothing is
    written for an unknown identifier."""
    files = export_files(engine, identifier, actor=actor, clock=clock)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        paths.append(path)
    return paths


def erase(
    engine: Engine,
    identifier: str,
    *,
    actor: str,
    clock: Clock = system_clock,
    settings: PrivacySettings | None = None,
) -> dict[str, Any]:
    """Remove what the council need not keep; refuse (with the hold's reason)
    under a legal hold; say what was kept and why. ``kept`` is a sentence per
    store; ``kept_payments`` says, per card payment left, its legal basis and
    the day after which the purge deletes it (``settings``: the retention
    schedule, read from the environment when not given)."""
    settings = settings or PrivacySettings.load()
    bundle = find(engine, identifier, actor=actor, clock=clock)
    identity = bundle.identity
    refuse_if_held(
        engine,
        sorted(
            identity.references
            | identity.resident_ids
            | identity.conversation_ids
            | identity.payment_references
            | {identifier}
        ),
    )
    store = SubjectStore(engine)
    removed = store.erase(identity)
    kept = {
        name: KEPT[name]
        for name in ("audit_entries", "cases_raised_in_chat", "feedback", "conversation_outcomes")
    }
    if bundle.data.get("reported_problems"):
        kept["reported_problems"] = KEPT["reported_problems"]
    payments = [
        _why_kept(p, timedelta(days=settings.retention_payments_days))
        for p in store.kept_payments(identity)
    ]
    if payments:
        kept["payments"] = " ".join(p["reason"] for p in payments)
    detail = {"removed": removed, "kept_payments": [p["reference"] for p in payments]}
    _record(engine, actor, AuditAction.ERASURE, bundle.identifier, detail, clock)
    return {"removed": removed, "kept": kept, "kept_payments": payments}


def _why_kept(payment: KeptPayment, retention: timedelta) -> dict[str, Any]:
    """Why one card payment stays, on what basis, and until when."""
    amount = f"\u00a3{payment.amount_pence / 100:,.2f}"
    if payment.status in MONEY_MOVED and payment.settled_at is not None:
        until = (payment.settled_at + retention).date()
        reason = (
            f"Card payment {payment.reference} ({amount}, {payment.status}) is kept: it is "
            f"{PAYMENT_BASIS}. It will be deleted after {until:%-d %B %Y}; the payer's email "
            "address has been removed from it."
        )
        return {
            "reference": payment.reference,
            "status": payment.status,
            "basis": PAYMENT_BASIS,
            "delete_after": until,
            "expires_at": payment.expires_at,
            "reason": reason,
        }
    reason = (
        f"Card payment {payment.reference} ({amount}) is still in progress: the card page may "
        f"yet take the money, so it is left alone. Erase again after "
        f"{payment.expires_at:%-d %B %Y %H:%M} UTC, when it will have finished."
    )
    return {
        "reference": payment.reference,
        "status": payment.status,
        "basis": "in progress",
        "delete_after": None,
        "expires_at": payment.expires_at,
        "reason": reason,
    }


_TITLES = {
    "conversations": "Chat conversations",
    "messages": "Messages",
    "transcripts": "Transcripts",
    "cases_raised_in_chat": "Cases raised in chat",
    "verification_attempts": "Attempts to verify your identity",
    "verification_grants": "Times you proved who you are in a chat, and what it let you see",
    "content_gaps": "Questions the assistant could not answer",
    "bot_answers": "Questions the assistant answered from a page, and whether it helped",
    "notifications": "Emails and text messages sent to you",
    "subscriptions": "Your subscriptions to reminders and updates",
    "payments": "Card payments you made",
    "refunds": "Refunds of your card payments",
    "reported_problems": "Problems you reported",
    "report_photos": "Photos you sent with your reports (in the photos folder)",
    "audit_entries": "Council staff who accessed your information",
}


def render_html(bundle: Bundle) -> str:
    esc = html.escape
    sections = []
    for name, rows in bundle.data.items():
        title = _TITLES.get(name, name)
        if not rows:
            sections.append(f"<h2>{esc(title)}</h2>\n<p>None held.</p>")
            continue
        columns = list(rows[0])
        head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
        body = "\n".join(
            "<tr>" + "".join(f"<td>{esc(_cell(row[c]))}</td>" for c in columns) + "</tr>"
            for row in rows
        )
        sections.append(
            f"<h2>{esc(title)} ({len(rows)})</h2>\n<table>\n<caption>{esc(title)}</caption>\n"
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
        )
    matched = bundle.as_json()["matched"]
    return (
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">\n'
        f"<title>Information held about {esc(bundle.identifier)}</title>\n"
        "<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:"
        "collapse;margin-bottom:2em}th,td{border:1px solid #505a5f;padding:.3em;text-align:left;"
        "vertical-align:top}caption{text-align:left;font-weight:bold}</style>\n</head>\n<body>\n"
        f"<main>\n<h1>Information held about {esc(bundle.identifier)}</h1>\n"
        f"<p>Matched: {esc(json.dumps(matched))}</p>\n"
        + "\n".join(sections)
        + f"\n<h2>Not included</h2>\n<p>{esc(KEPT['feedback'])}</p>\n</main>\n</body>\n</html>\n"
    )


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)
