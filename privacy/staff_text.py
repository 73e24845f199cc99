# ruff: noqa: E501 - sentences read better unbroken
"""The subject access and erasure pages' words in English and Welsh (staff-facing).

The language is the staff member's, as everywhere in the editor
(``frontdoor.language``: ``?lang=cy``, remembered, or the browser's). What
:mod:`privacy.subject` returns (and the command line prints) stays in English:
it is also what the audit log records.
"""

from __future__ import annotations

from collections.abc import Callable

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Subject access", "Mynediad gwrthrych at ddata"),
    "problem": ("There is a problem", "Mae problem wedi codi"),
    "error_prefix": ("Error:", "Gwall:"),
    "lead": (
        "Find everything held about a resident in every store: chats and transcripts, cases raised in chat, identity checks, unanswered questions, emails and texts, subscriptions, card payments, problems they reported with their photos, and the staff who looked at their details. Every search, download and erasure is recorded in the audit log.",
        "Dewch o hyd i bopeth sy'n cael ei gadw am breswylydd ym mhob storfa: sgyrsiau a thrawsgrifiadau, achosion a godwyd yn y sgwrs, gwiriadau hunaniaeth, cwestiynau heb eu hateb, negeseuon e-bost a thestun, tanysgrifiadau, taliadau cerdyn, problemau a adroddwyd ganddyn nhw gyda'u lluniau, a'r staff a edrychodd ar eu manylion. Caiff pob chwiliad, lawrlwythiad a dilead eu cofnodi yn y log archwilio.",
    ),
    "reference": ("Reference", "Cyfeirnod"),
    "hint": (
        "A council tax, tenancy, case or card payment reference; a postcode and surname; an email address; a phone number; or a conversation id",
        "Cyfeirnod treth gyngor, tenantiaeth, achos neu daliad cerdyn; cod post a chyfenw; cyfeiriad e-bost; rhif ffôn; neu ddynodydd sgwrs",
    ),
    "search": ("Search", "Chwilio"),
    "missing": ("Enter a reference", "Rhowch gyfeirnod"),
    "unknown": (
        "Nothing is held about \u2018{reference}\u2019. Check the reference and try again.",
        "Does dim yn cael ei gadw am \u2018{reference}\u2019. Gwiriwch y cyfeirnod a rhowch gynnig arall arni.",
    ),
    "held_about": ("Held about {reference}", "Yn cael ei gadw am {reference}"),
    "matched": (
        "Matched residents {residents}; references {references}; card payments {payments}; {conversations} conversation(s).",
        "Preswylwyr a ganfuwyd {residents}; cyfeirnodau {references}; taliadau cerdyn {payments}; {conversations} sgwrs/sgyrsiau.",
    ),
    "none": ("none", "dim"),
    "per_store": ("What is held, per store", "Beth sy'n cael ei gadw, fesul storfa"),
    "col.store": ("Store", "Storfa"),
    "col.records": ("Records", "Cofnodion"),
    "download": ("Download bundle", "Lawrlwytho'r bwndel"),
    "download_for": (" for {reference}", " ar gyfer {reference}"),
    "erase": ("Erase", "Dileu"),
    "erase_for": (" personal data of {reference}", " data personol {reference}"),
    "bundle_hint": (
        "The bundle is a zip of a readable page (HTML), the same data as JSON, and the photos sent with reported problems (in photos/).",
        "Mae'r bwndel yn ffeil zip o dudalen ddarllenadwy (HTML), yr un data fel JSON, a'r lluniau a anfonwyd gyda phroblemau a adroddwyd (yn photos/).",
    ),
    "show_records": ("Show {count} record(s)", "Dangos {count} cofnod"),
    "first_200": (
        "The first 200 are shown; the bundle holds all {count}.",
        "Dangosir y 200 cyntaf; mae'r bwndel yn cynnwys y {count} i gyd.",
    ),
    # legal holds
    "holds": ("Legal holds", "Daliadau cyfreithiol"),
    "holds_lead": (
        "A legal hold stops the retention purge and any erasure of what it covers (a conversation, or every chat of a resident) until it is lifted. Placing and lifting a hold are recorded in the audit log.",
        "Mae daliad cyfreithiol yn atal y glanhau cadw ac unrhyw ddileu ar yr hyn y mae'n ei gwmpasu (sgwrs, neu bob sgwrs gan breswylydd) nes iddo gael ei godi. Caiff gosod a chodi daliad eu cofnodi yn y log archwilio.",
    ),
    "hold_problem": (
        "There is a problem with the legal hold",
        "Mae problem gyda'r daliad cyfreithiol",
    ),
    "in_force": ("In force ({count})", "Mewn grym ({count})"),
    "in_force_caption": ("Legal holds in force", "Daliadau cyfreithiol sydd mewn grym"),
    "no_hold": ("No legal hold is in force.", "Does dim daliad cyfreithiol mewn grym."),
    "col.hold": ("Hold", "Daliad"),
    "col.on": ("On", "Ar"),
    "col.why": ("Why", "Pam"),
    "col.placed_by": ("Placed by", "Wedi'i osod gan"),
    "col.when": ("When (UTC)", "Pryd (UTC)"),
    "col.action": ("Action", "Gweithred"),
    "col.placed": ("Placed", "Gosodwyd"),
    "col.lifted": ("Lifted", "Codwyd"),
    "lift": ("Lift", "Codi"),
    "lift_for": (" hold {id} on {kind} {reference}", " daliad {id} ar {kind} {reference}"),
    "recently_lifted": ("Recently lifted ({count})", "Wedi'u codi'n ddiweddar ({count})"),
    "lifted_caption": ("Recently lifted legal holds", "Daliadau cyfreithiol a godwyd yn ddiweddar"),
    "place": ("Place a legal hold", "Gosod daliad cyfreithiol"),
    "hold_on": ("What is the hold on?", "Ar beth mae'r daliad?"),
    "kind.resident": ("A resident (all their chats)", "Preswylydd (eu holl sgyrsiau)"),
    "kind.conversation": ("One conversation", "Un sgwrs"),
    "hold_reference": ("Reference or conversation id", "Cyfeirnod neu ddynodydd sgwrs"),
    "hold_reference_hint": (
        "A council tax, tenancy or resident reference, or a conversation's id",
        "Cyfeirnod treth gyngor, tenantiaeth neu breswylydd, neu ddynodydd sgwrs",
    ),
    "reason": ("Reason", "Rheswm"),
    "reason_hint": (
        "Shown to anyone whose purge or erasure the hold stops, for example a claim or tribunal number",
        "Caiff ei ddangos i unrhyw un y mae'r daliad yn atal ei lanhau neu ei ddileu, er enghraifft rhif hawliad neu dribiwnlys",
    ),
    "place_button": ("Place legal hold", "Gosod daliad cyfreithiol"),
    "placed": (
        "The legal hold is placed: nothing it covers is purged or erased until it is lifted.",
        "Mae'r daliad cyfreithiol wedi'i osod: does dim y mae'n ei gwmpasu yn cael ei lanhau na'i ddileu nes iddo gael ei godi.",
    ),
    "lifted": ("The legal hold is lifted.", "Mae'r daliad cyfreithiol wedi'i godi."),
    # erasure
    "erase_title": ("Erase personal data", "Dileu data personol"),
    "erase_heading": (
        "Erase personal data about {reference}",
        "Dileu data personol am {reference}",
    ),
    "back": ("Back to the search", "Yn ôl i'r chwiliad"),
    "will_remove": (
        "What will be removed or anonymised",
        "Beth fydd yn cael ei ddileu neu ei wneud yn ddienw",
    ),
    "will_remove_caption": (
        "Records that will be removed or anonymised",
        "Cofnodion a fydd yn cael eu dileu neu eu gwneud yn ddienw",
    ),
    "kept_heading": ("What is kept, and why", "Beth sy'n cael ei gadw, a pham"),
    "confirm": (
        "Yes, erase this personal data. This cannot be undone.",
        "Ydw, dilëwch y data personol hwn. Does dim modd dadwneud hyn.",
    ),
    "confirm_error": ("Select yes to confirm the erasure", "Dewiswch ydw i gadarnhau'r dilead"),
    "erase_button": ("Erase personal data", "Dileu data personol"),
    "refused_title": ("Erasure refused", "Gwrthodwyd y dilead"),
    "refused_heading": (
        "Erasure refused: under legal hold",
        "Gwrthodwyd y dilead: dan ddaliad cyfreithiol",
    ),
    "nothing_erased": ("Nothing was erased", "Chafodd dim ei ddileu"),
    "under_hold": (
        "The personal data about {reference} is under a legal hold. It cannot be erased until the hold is lifted.",
        "Mae'r data personol am {reference} dan ddaliad cyfreithiol. Does dim modd ei ddileu nes i'r daliad gael ei godi.",
    ),
    "hold_line": (
        "Hold {id} on {kind} {reference}, placed by {by}: {reason}",
        "Daliad {id} ar {kind} {reference}, wedi'i osod gan {by}: {reason}",
    ),
    "erased_title": ("Personal data erased", "Data personol wedi'i ddileu"),
    "erased_heading": (
        "Personal data about {reference} erased",
        "Data personol am {reference} wedi'i ddileu",
    ),
    "recorded": (
        "The erasure is recorded in the audit log.",
        "Mae'r dilead wedi'i gofnodi yn y log archwilio.",
    ),
    "removed": ("Removed or anonymised", "Wedi'u dileu neu eu gwneud yn ddienw"),
    "removed_caption": (
        "Records removed or anonymised",
        "Cofnodion a ddilëwyd neu a wnaed yn ddienw",
    ),
    "kept": ("Kept, and why", "Wedi'u cadw, a pham"),
    "kept_payments_caption": (
        "Card payments kept, and until when",
        "Taliadau cerdyn a gadwyd, a than pryd",
    ),
    "col.payment": ("Payment", "Taliad"),
    "col.amount": ("Amount", "Swm"),
    "col.status": ("Status", "Statws"),
    "col.basis": ("Why it is kept", "Pam mae'n cael ei gadw"),
    "col.until": ("Deleted after", "Caiff ei ddileu ar ôl"),
    "payment_basis": (
        "A financial record the council must keep for its accounts (legal obligation, UK GDPR 6(1)(c) and Article 17(3)(b)); the payer's email address was removed from it",
        "Cofnod ariannol y mae'n rhaid i'r cyngor ei gadw ar gyfer ei gyfrifon (rhwymedigaeth gyfreithiol, GDPR y DU 6(1)(c) ac Erthygl 17(3)(b)); tynnwyd cyfeiriad e-bost y talwr ohono",
    ),
    "payment_in_progress": (
        "Still in progress: the card page may yet take the money. Erase again once it has finished (after {moment}).",
        "Yn dal ar y gweill: gall y dudalen gerdyn gymryd yr arian o hyd. Dilëwch eto pan fydd wedi gorffen (ar ôl {moment}).",
    ),
    "until_finished": ("When it has finished", "Pan fydd wedi gorffen"),
    "new_search": ("Start a new search", "Dechrau chwiliad newydd"),
}

TITLES: dict[str, tuple[str, str]] = {
    "conversations": ("Chat conversations", "Sgyrsiau sgwrsio"),
    "messages": ("Messages", "Negeseuon"),
    "transcripts": ("Transcripts", "Trawsgrifiadau"),
    "cases_raised_in_chat": ("Cases raised in chat", "Achosion a godwyd yn y sgwrs"),
    "verification_attempts": ("Attempts to verify identity", "Ymdrechion i wirio hunaniaeth"),
    "verification_grants": ("Identity proved in a chat", "Hunaniaeth a brofwyd mewn sgwrs"),
    "content_gaps": (
        "Questions the assistant could not answer",
        "Cwestiynau na allai'r cynorthwyydd eu hateb",
    ),
    "bot_answers": (
        "Questions the assistant answered from a page",
        "Cwestiynau a atebodd y cynorthwyydd o dudalen",
    ),
    "notifications": (
        "Emails and text messages sent to them",
        "Negeseuon e-bost a thestun a anfonwyd atyn nhw",
    ),
    "subscriptions": (
        "Their subscriptions to reminders and updates",
        "Eu tanysgrifiadau i nodiadau atgoffa a diweddariadau",
    ),
    "payments": ("Card payments", "Taliadau cerdyn"),
    "payment_emails": (
        "Payers' email addresses taken out of kept card payments",
        "Cyfeiriadau e-bost talwyr a dynnwyd o daliadau cerdyn a gadwyd",
    ),
    "refunds": ("Refunds of card payments", "Ad-daliadau taliadau cerdyn"),
    "reported_problems": ("Problems they reported", "Problemau a adroddwyd ganddyn nhw"),
    "report_photos": ("Photos sent with their reports", "Lluniau a anfonwyd gyda'u hadroddiadau"),
    "audit_entries": (
        "Staff who accessed the information",
        "Staff a gafodd fynediad at yr wybodaeth",
    ),
    "assignments": ("Advisors assigned to their chats", "Cynghorwyr a neilltuwyd i'w sgyrsiau"),
    "feedback": ("Page feedback", "Adborth ar dudalennau"),
    "conversation_outcomes": ("Anonymised chat outcomes", "Canlyniadau sgyrsiau dienw"),
}

# Welsh for privacy.subject.KEPT (the English is KEPT's own)
KEPT_CY: dict[str, str] = {
    "audit_entries": "Caiff log archwilio mynediad staff ei gadw am chwe blynedd: rhaid i'r cyngor allu dangos pwy welodd eich data (GDPR y DU Erthygl 5(2), atebolrwydd).",
    "cases_raised_in_chat": "Mae achosion a godwyd ar eich cyfer yn gofnodion gwasanaeth y cyngor, sy'n cael eu cadw dan amserlen gadw'r gwasanaeth ei hun yn y system achosion, nid gan y sgwrs.",
    "feedback": "Mae adborth ar dudalennau yn ddienw: dydy e ddim yn gysylltiedig â chi, felly does dim modd dod o hyd iddo na'i ddileu drwy eich manylion.",
    "conversation_outcomes": "Caiff canlyniadau dienw sgyrsiau (dim data personol) eu cadw ar gyfer ystadegau gwasanaeth.",
    "payments": "Mae taliadau cerdyn a gymerodd arian yn gofnodion ariannol y cyngor: cânt eu cadw, heb gyfeiriad e-bost y talwr, nes i'r glanhau eu dileu (rhwymedigaeth gyfreithiol, GDPR y DU 6(1)(c)); caiff taliadau na chymerodd arian eu dileu; caiff un sy'n dal ar y gweill ei adael nes iddo orffen.",
    "refunds": "Mae ad-daliadau'n mynd gyda'r taliad cerdyn y maen nhw'n ei ad-dalu: cânt eu cadw cyhyd ag y caiff hwnnw ei gadw.",
    "reported_problems": "Mae'r problemau a adroddwyd gennych yn gofnodion gwasanaeth y cyngor, sy'n cael eu cadw yn ei system achosion dan amserlen gadw'r gwasanaeth hwnnw (tasg gyhoeddus, GDPR y DU 6(1)(e)); caiff y lluniau a anfonwyd gyda nhw eu dileu.",
}


def staff_text(language: str) -> Callable[..., str]:
    """``p(key, **values)``: the sentence in the staff member's language."""
    index = 1 if language == "cy" else 0

    def p(key: str, **values: object) -> str:
        text = TEXT[key][index]
        return text.format(**values) if values else text

    return p


def titles(language: str) -> dict[str, str]:
    index = 1 if language == "cy" else 0
    return {name: pair[index] for name, pair in TITLES.items()}


def kept_reasons(english: dict[str, str], language: str) -> dict[str, str]:
    """What is kept and why, in the staff member's language."""
    if language != "cy":
        return dict(english)
    return {name: KEPT_CY.get(name, why) for name, why in english.items()}
