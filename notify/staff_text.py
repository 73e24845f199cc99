# ruff: noqa: E501 - sentences read better unbroken
"""The staff pages' words for residents' subscriptions, in English and Welsh.

The language is the staff member's, as everywhere in the editor
(``frontdoor.language``: ``?lang=cy``, remembered, or the browser's).
"""

from __future__ import annotations

from collections.abc import Callable

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Subscriptions", "Tanysgrifiadau"),
    "lead": (
        "Residents' subscriptions to bin-day reminders, disruption news and case updates, newest first. Contacts are shown in part only. End one when a resident asks you to stop their messages: nothing more is sent, and it is recorded in the audit log.",
        "Tanysgrifiadau preswylwyr i nodiadau atgoffa diwrnod biniau, newyddion am darfu a diweddariadau achosion, y diweddaraf yn gyntaf. Dim ond rhan o'r manylion cyswllt sy'n cael ei dangos. Daliwch un i ben pan fydd preswylydd yn gofyn i chi atal eu negeseuon: does dim mwy yn cael ei anfon, a chaiff ei gofnodi yn y log archwilio.",
    ),
    "problem": ("There is a problem", "Mae problem wedi codi"),
    "bad_page": (
        "The page must be a whole number from 1",
        "Rhaid i'r dudalen fod yn rhif cyfan o 1 ymlaen",
    ),
    "bad_filter": (
        "Choose a status and a topic from the lists",
        "Dewiswch statws a phwnc o'r rhestrau",
    ),
    "status": ("Status", "Statws"),
    "topic": ("Topic", "Pwnc"),
    "any": ("Any", "Unrhyw"),
    "show": ("Show", "Dangos"),
    "none": ("No subscriptions match.", "Does dim tanysgrifiadau'n cyfateb."),
    "count": (
        "{total} subscription(s); page {page} of {pages}.",
        "{total} tanysgrifiad; tudalen {page} o {pages}.",
    ),
    "caption": ("Subscriptions, newest first", "Tanysgrifiadau, y diweddaraf yn gyntaf"),
    "col.requested": ("Asked for", "Gofynnwyd amdano"),
    "col.channel": ("By", "Drwy"),
    "col.contact": ("Contact", "Cyswllt"),
    "col.topics": ("About", "Am"),
    "col.where": ("Postcode or case", "Cod post neu achos"),
    "col.language": ("Language", "Iaith"),
    "col.status": ("Status", "Statws"),
    "col.action": ("Action", "Gweithred"),
    "channel.email": ("Email", "E-bost"),
    "channel.sms": ("Text", "Neges destun"),
    "language.en": ("English", "Saesneg"),
    "language.cy": ("Welsh", "Cymraeg"),
    "status.pending": ("Waiting for the resident to confirm", "Yn aros i'r preswylydd gadarnhau"),
    "status.active": ("Active", "Gweithredol"),
    "status.ended": ("Ended", "Wedi dod i ben"),
    "topic.bins": ("Bin-day reminders", "Nodiadau atgoffa diwrnod biniau"),
    "topic.disruptions": ("Disruptions", "Tarfu"),
    "topic.case": ("Case updates", "Diweddariadau achos"),
    "end": ("Unsubscribe", "Dad-danysgrifio"),
    "end_for": (" subscription {id} for them", " tanysgrifiad {id} ar eu rhan"),
    "ended": (
        "Subscription {id} is ended: nothing more will be sent.",
        "Mae tanysgrifiad {id} wedi dod i ben: ni fydd dim mwy yn cael ei anfon.",
    ),
    "not_found": ("There is no subscription {id}.", "Does dim tanysgrifiad {id}."),
    "newer": ("Newer subscriptions", "Tanysgrifiadau mwy newydd"),
    "older": ("Older subscriptions", "Tanysgrifiadau hŷn"),
    "pages": ("Subscription pages", "Tudalennau tanysgrifiadau"),
    "outbox": ("The messages sent (outbox)", "Y negeseuon a anfonwyd (blwch anfon)"),
}


def staff_text(language: str) -> Callable[..., str]:
    """``p(key, **values)``: the sentence in the staff member's language."""
    index = 1 if language == "cy" else 0

    def p(key: str, **values: object) -> str:
        text = TEXT[key][index]
        return text.format(**values) if values else text

    return p
