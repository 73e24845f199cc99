"""Paperwork generated from the configuration, so it can never drift from what
the purge does: the retention statements of the privacy article (in English
and in its Welsh twin), the record of processing activities and the data
protection impact assessment template. ``frontdoor privacy paperwork`` writes
them; a test fails when the files in the tree differ from what the settings
generate.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from privacy.purge import DataClass, schedule
from privacy.settings import PrivacySettings
from privacy.subject import PAYMENT_BASIS

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "knowledge/content/en/general/privacy-and-data-protection.md"
ARTICLE_CY = ROOT / "knowledge/content/cy/general/preifatrwydd-a-diogelu-data.md"
ROPA = ROOT / "docs/privacy/record-of-processing.md"
DPIA = ROOT / "docs/privacy/dpia-template.md"
SECTION = "## How long we keep your information"
SECTION_CY = "## Am ba hyd rydyn ni'n cadw eich gwybodaeth"

# Why each class is held, the lawful basis, and who may see it: the parts of the
# record that are facts about the product rather than settings.
PURPOSE = {
    "conversations": (
        "To answer the resident's enquiry and hand it to an advisor",
        "Public task (UK GDPR 6(1)(e))",
        "The assigned advisor, their team while queued, supervisors; the DPO for requests",
    ),
    "content_gaps": (
        "To find questions the website does not answer (redacted before storing)",
        "Public task (UK GDPR 6(1)(e))",
        "Editors and reviewers",
    ),
    "feedback": (
        "To improve pages residents find unhelpful (comments redacted before storing)",
        "Public task (UK GDPR 6(1)(e))",
        "Editors and reviewers",
    ),
    "verification_attempts": (
        "To stop guessing of account references (throttling)",
        "Public task; security of processing (UK GDPR 32)",
        "Nobody routinely; the DPO for requests",
    ),
    "notifications": (
        "To send the emails and text messages the service promises (confirmations, reminders)",
        "Public task (UK GDPR 6(1)(e))",
        "Admins (the outbox page); the DPO for requests",
    ),
    "subscriptions": (
        "To send the reminders and updates a resident asked for, and only after they "
        "confirmed (double opt-in); every message can stop them",
        "Consent (UK GDPR 6(1)(a))",
        "Nobody routinely (admins see the messages in the outbox); the DPO for requests",
    ),
    "audit_log": (
        "To show who accessed personal data (accountability, UK GDPR 5(2))",
        "Legal obligation (UK GDPR 6(1)(c))",
        "Admins and the DPO",
    ),
    "report_photos": (
        "To find and deal with the problem a resident reported (metadata removed on arrival)",
        "Public task (UK GDPR 6(1)(e))",
        "Advisors, editors, supervisors and admins, on the case's staff page; the DPO for requests",
    ),
    "payments": (
        "To take the fees and charges a resident chose to pay, give receipts and refunds, and "
        "keep the financial record",
        "Public task (UK GDPR 6(1)(e)); legal obligation for financial records (6(1)(c))",
        "Supervisors and admins (refunds); finance and the DPO for requests",
    ),
}


def humanise(period: timedelta) -> str:
    days = period.days
    if period < timedelta(days=2):
        hours = int(period.total_seconds() // 3600)
        return f"{hours} hours" if hours != 1 else "1 hour"
    if days % 365 == 0 or days in (2191, 2192):
        years = round(days / 365.25)
        return f"{years} years" if years != 1 else "12 months"
    months = round(days / 30.44)
    if months and abs(months * 30.44 - days) <= 3:
        return f"{months} months" if months != 1 else "1 month"
    return f"{days} days"


# Welsh numerals mutate what follows: dau → soft (2 flynedd, 2 fis, 2 ddiwrnod);
# pum, saith, wyth, naw, deg → nasal for blynedd (5 mlynedd); awr never changes
_CY_UNITS = {
    "hours": ("awr", {}),
    "days": ("diwrnod", {2: "ddiwrnod"}),
    "months": ("mis", {2: "fis"}),
    "years": ("blynedd", {2: "flynedd", 5: "mlynedd", 7: "mlynedd", 8: "mlynedd",
                          9: "mlynedd", 10: "mlynedd"}),
}  # fmt: skip


def humanise_cy(period: timedelta) -> str:
    """:func:`humanise` in Welsh: the same number, the unit as Welsh says it after it."""
    number, unit = humanise(period).split(" ", 1)
    count = int(number)
    kind = {"hour": "hours", "day": "days", "month": "months", "year": "years"}[
        unit.removesuffix("s")
    ]
    word, mutated = _CY_UNITS[kind]
    return f"{count} {mutated.get(count, word)}"


def _statement(data_class: DataClass, language: str = "en") -> str:
    if language == "cy":
        return (
            f"- {data_class.what_cy}: {humanise_cy(data_class.period)} ar \u00f4l "
            f"{data_class.starts_cy}"
        )
    return f"- {data_class.what}: {humanise(data_class.period)} after {data_class.starts}"


_WORDS = {
    "en": (
        SECTION,
        "We delete each kind of information automatically when its time is up:",
        "If the law requires us to keep something longer, for example for a court case, "
        "we keep only that until the need ends.",
        "## Your rights",
    ),
    "cy": (
        SECTION_CY,
        "Rydyn ni'n dileu pob math o wybodaeth yn awtomatig pan ddaw ei amser i ben:",
        "Os yw'r gyfraith yn gofyn i ni gadw rhywbeth yn hirach, er enghraifft ar gyfer "
        "achos llys, dim ond hynny rydyn ni'n ei gadw, nes nad oes ei angen mwyach.",
        "## Eich hawliau",
    ),
}


def retention_section(settings: PrivacySettings, language: str = "en") -> str:
    heading, opening, closing, _rights = _WORDS[language]
    lines = [heading, "", opening, ""]
    lines += [_statement(c, language) for c in schedule(settings)]
    lines += ["", closing]
    return "\n".join(lines) + "\n"


def article_with_schedule(text: str, settings: PrivacySettings, language: str = "en") -> str:
    """The article with its retention section replaced (or added before "Your rights")."""
    section = retention_section(settings, language)
    heading, _opening, _closing, rights = _WORDS[language]
    pattern = re.compile(re.escape(heading) + r"\n.*?(?=\n## |\Z)", re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _match: section.rstrip("\n") + "\n", text, count=1)
    return text.replace(rights, section + "\n" + rights, 1)


# bot/switch.py FORGET_IDLE_SECONDS (the Rasa environment; tests keep the two equal)
DIALOGUE_STATE_HOURS = 48


def record_of_processing(settings: PrivacySettings) -> str:
    rows = [
        "# Record of processing activities: Frontdoor",
        "",
        "Generated from the configuration by `frontdoor privacy paperwork`; do not edit by "
        "hand (a test checks it matches the settings).",
        "",
        "| Data | Purpose | Lawful basis | Kept for | Who can see it |",
        "|---|---|---|---|---|",
    ]
    for c in schedule(settings):
        purpose, basis, who = PURPOSE[c.name]
        rows.append(
            f"| {c.what} | {purpose} | {basis} | {humanise(c.period)} after {c.starts} | {who} |"
        )
    rows += [
        "",
        "Anonymised chat outcomes (no personal data) are kept for statistics and are not "
        "purged. A legal hold on a conversation or resident stops its purge and erasure "
        "until lifted.",
        "",
        "The assistant's working copy of a chat (its dialogue state in the tracker store: "
        "the same messages, and details it asked for such as a postcode) is deleted "
        f"{DIALOGUE_STATE_HOURS} hours after the chat goes quiet (`bot/switch.py`); subject "
        "access and erasure use the chat conversation above, which holds the same messages.",
        "",
        erasure_statement(settings),
        "",
    ]
    return "\n".join(rows)


def erasure_statement(settings: PrivacySettings) -> str:
    """What an erasure does with card payments and reported problems, in the words
    the erasure itself uses (:data:`privacy.subject.PAYMENT_BASIS`)."""
    period = humanise(timedelta(days=settings.retention_payments_days))
    return (
        "On erasure, a card payment that took money is kept, as "
        f"{PAYMENT_BASIS}, until the purge deletes it {period} after it finished; the "
        "payer's email address is removed from it, and the erasure's answer names the "
        "payment, the legal basis and that date. A payment that took no money (failed, "
        "cancelled, expired) is deleted; one still in progress is left until it finishes. "
        "The photos of problems a resident reported are deleted; the cases are the "
        "council's service records in its case system. Every table of every component is "
        "accounted for in `privacy/registry.py`; a test fails for any table subject access "
        "does not reach."
    )


def dpia_template(settings: PrivacySettings) -> str:
    classes = "\n".join(
        f"- **{c.name}**: {c.what}; kept {humanise(c.period)} after {c.starts}."
        for c in schedule(settings)
    )
    return f"""# Data protection impact assessment: Frontdoor (template)

Generated from the configuration by `frontdoor privacy paperwork`. Sections marked
*Council to complete* are for the council's DPO; everything else describes the
product as configured.

## 1. The processing

Residents ask questions of an online assistant and may talk to an advisor. They
may prove who they are to see balances and cases.

## 2. Data held and retention

{classes}

## 3. Safeguards built in

- Free text residents type is redacted (cards, bank details, NI numbers, phone
  numbers, emails, dates of birth) before it is stored where staff read it without need.
- Card numbers are masked in every transcript; the widget warns before one is sent.
- Every view of a resident's details, balances, cases or transcript is written to a
  tamper-evident audit log (`frontdoor audit verify`).
- A purge deletes each class when its time is up; legal holds stop it.
- Subject access and erasure: `frontdoor privacy export` and `frontdoor privacy erase`.
  The export holds card payments and refunds, the problems a resident reported and
  their photos as files. {erasure_statement(settings)}

## 4. Necessity and proportionality

*Council to complete.*

## 5. Risks and measures

*Council to complete.*

## 6. Sign-off

*Council to complete (DPO, SIRO).*
"""


def generated(settings: PrivacySettings) -> dict[Path, str]:
    return {
        ARTICLE: article_with_schedule(ARTICLE.read_text(), settings),
        ARTICLE_CY: article_with_schedule(ARTICLE_CY.read_text(), settings, "cy"),
        ROPA: record_of_processing(settings),
        DPIA: dpia_template(settings),
    }


def write(settings: PrivacySettings) -> list[Path]:
    changed = []
    for path, text in generated(settings).items():
        if not path.exists() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            changed.append(path)
    return changed
