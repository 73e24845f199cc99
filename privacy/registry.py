"""Where every table of every component stands with a resident's personal data.

Subject access and erasure must reach every table that holds something about a
resident; card payments and report photos were once added without being
wired in, and nothing noticed. So each table is named here, once, with what
subject access does with it, and a test (``tests/integration/privacy/
test_registry.py``) fails when a component has a table this list does not
name, when a resident's table has no section in the bundle, or when erasure
neither removes it nor says why it is kept. A new table is a decision: put it
here, then wire it into :mod:`privacy.store` or say why not.

Kinds:

- ``resident``: about a resident; ``bundle`` is its section of the export
  (None: it goes with another's, e.g. a conversation's assignments) and
  ``erasure`` the key of the erasure's ``removed`` counts, or of ``kept``
  (:data:`privacy.subject.KEPT`) when the council must keep it;
- ``council``: the council's own systems (the demo back office stands in for
  them); the service that owns them answers for them, never Frontdoor's erasure;
- ``staff``: about staff, not residents (their accounts, sign-ins, teams);
- ``anonymous``: nothing that identifies anyone (aggregates, anonymised outcomes);
- ``none``: no personal data (content, configuration, counters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["resident", "council", "staff", "anonymous", "none"]


@dataclass(frozen=True)
class Entry:
    kind: Kind
    bundle: str | None = None  # the export's section (resident tables)
    erasure: str | None = None  # key in the erasure's removed counts, or in KEPT
    why: str = ""


def _resident(bundle: str | None, erasure: str, why: str = "") -> Entry:
    return Entry("resident", bundle, erasure, why)


_COUNCIL = Entry("council", why="the council's own system (the demo back office)")
_STAFF = Entry("staff", why="staff accounts and how they sign in")
_NONE = Entry("none")

_BACK_OFFICE = [
    "bo_bank_holidays",
    "bo_bin_services",
    "bo_bulky_booking_lines",
    "bo_bulky_bookings",
    "bo_bulky_holds",
    "bo_bulky_item_types",
    "bo_bulky_price_list",
    "bo_bulky_slots",
    "bo_case_events",
    "bo_council_tax_accounts",
    "bo_council_tax_holders",
    "bo_council_tax_payments",
    "bo_crew_logs",
    "bo_disruptions",
    "bo_planning_applications",
    "bo_properties",
    "bo_rent_accounts",
    "bo_rent_transactions",
    "bo_residents",
    "bo_round_runs",
    "bo_rounds",
    "bo_sequences",
    "bo_tenants",
]

TABLES: dict[str, Entry] = {
    # accounts
    "auth_login_attempts": _STAFF,
    "auth_pending_sign_ins": _STAFF,
    "auth_policies": _NONE,
    "auth_recovery_codes": _STAFF,
    "auth_sessions": _STAFF,
    "auth_sso_states": _NONE,
    "auth_teams": _NONE,
    "auth_totp_credentials": _STAFF,
    "auth_user_teams": _STAFF,
    "auth_users": _STAFF,
    # audit
    "audit_log": _resident("audit_entries", "audit_entries", "who saw their data: kept"),
    # the back office: the council's systems (cases the resident reported are shown)
    **dict.fromkeys(_BACK_OFFICE, _COUNCIL),
    "bo_cases": Entry(
        "council",
        "reported_problems",
        "reported_problems",
        "the case system's record: problems they reported are shown, and kept",
    ),
    # knowledge
    "kb_article_use": _NONE,
    "kb_articles": _NONE,
    "kb_bot_trainings": _NONE,
    "kb_content_gaps": _resident("content_gaps", "content_gaps"),
    "kb_content_state": _NONE,
    "kb_feedback": Entry("anonymous", None, "feedback", "page feedback is not linked to anyone"),
    "kb_review_reminders": _NONE,
    "kb_revisions": _NONE,
    "kb_training_examples": _NONE,
    "kb_workflow_events": _NONE,
    # handoff
    "ho_advisors": _STAFF,
    "ho_assignments": _resident(None, "assignments", "who handled their chat: goes with it"),
    "ho_conversations": _resident("conversations", "conversations"),
    "ho_events": _resident("messages", "messages"),
    "ho_router": _NONE,
    "ho_team_members": _STAFF,
    "ho_teams": _NONE,
    "ho_transcripts": _resident("transcripts", "transcripts"),
    # the bot
    "bot_answer_feedback": _resident("bot_answers", "bot_answers"),
    "bot_verification_attempts": _resident("verification_attempts", "verification_attempts"),
    "bot_verification_grants": _resident("verification_grants", "verification_grants"),
    # insight
    "conversation_intents": Entry("anonymous", why="what chats were about, no text"),
    "conversation_outcomes": Entry("anonymous", None, "conversation_outcomes"),
    "insight_daily": Entry("anonymous"),
    "insight_daily_intents": Entry("anonymous"),
    "insight_daily_peaks": Entry("anonymous"),
    "insight_daily_waits": Entry("anonymous"),
    # privacy
    "pv_legal_holds": Entry(
        "council", why="legal holds: the DPO's own record of a court's or regulator's need"
    ),
    # notify
    "nt_outbox": _resident("notifications", "notifications"),
    "nt_subscriptions": _resident("subscriptions", "subscriptions"),
    # payments
    "pay_payments": _resident("payments", "payments"),
    "pay_refunds": _resident("refunds", "refunds", "goes with its payment: kept as long"),
    "pay_demo_payments": Entry(
        "none", why="the demo card provider's side: amount and our reference, no payer"
    ),
    "pay_demo_refunds": Entry("none", why="the demo card provider's refunds: amounts only"),
    # reports
    "rp_photos": _resident("report_photos", "report_photos"),
}


def resident_tables() -> dict[str, Entry]:
    """The tables subject access must reach (a resident's, or a council record it shows)."""
    return {name: e for name, e in TABLES.items() if e.bundle or e.kind == "resident"}
