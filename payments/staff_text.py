# ruff: noqa: E501 - sentences read better unbroken
"""The refunds page's words in English and Welsh (staff-facing).

The language is the staff member's, as everywhere in the editor
(``frontdoor.language``: ``?lang=cy``, remembered, or the browser's).
"""

from __future__ import annotations

from collections.abc import Callable

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Refunds due", "Ad-daliadau sy'n ddyledus"),
    "lead": (
        "Payments that went through after the resident's place had been given back and the day had filled. Each is refunded in full to the card that paid, through the payment provider.",
        "Taliadau a aeth drwodd ar ôl i le'r preswylydd gael ei ryddhau ac i'r diwrnod lenwi. Caiff pob un ei ad-dalu'n llawn i'r cerdyn a dalodd, drwy'r darparwr taliadau.",
    ),
    "none": (
        "No payments are waiting for a refund.",
        "Nid oes unrhyw daliadau'n aros am ad-daliad.",
    ),
    "caption": (
        "Payments to refund, newest first",
        "Taliadau i'w had-dalu, y diweddaraf yn gyntaf",
    ),
    "col.reference": ("Payment reference", "Cyfeirnod y taliad"),
    "col.amount": ("Amount", "Swm"),
    "col.paid": ("Paid", "Talwyd"),
    "col.day": ("Day asked for", "Diwrnod y gofynnwyd amdano"),
    "col.refund": ("Refund", "Ad-daliad"),
    "button.refund": ("Refund", "Ad-dalu"),
    "button.again": ("Try the refund again", "Rhoi cynnig arall ar yr ad-daliad"),
    "status.none": ("Not refunded yet", "Heb ei ad-dalu eto"),
    "status.requesting": ("Being sent now", "Wrthi'n cael ei anfon"),
    "status.submitted": ("Sent to the provider", "Wedi'i anfon at y darparwr"),
    "status.success": ("Refunded", "Wedi'i ad-dalu"),
    "status.error": ("The provider's refund failed", "Methodd ad-daliad y darparwr"),
    "status.refused": ("Refused by the provider", "Gwrthodwyd gan y darparwr"),
    "status.unavailable": (
        "The provider could not be reached: nothing was sent",
        "Nid oedd modd cyrraedd y darparwr: ni anfonwyd dim",
    ),
    "status.unknown": (
        "The provider did not answer: try again to check",
        "Ni atebodd y darparwr: rhowch gynnig arall i wirio",
    ),
    "by": ("by {who}", "gan {who}"),
    "code.P0603": ("the payment cannot be refunded now", "nid oes modd ad-dalu'r taliad nawr"),
    "code.P0604": (
        "the amount available to refund changed",
        "newidiodd y swm sydd ar gael i'w ad-dalu",
    ),
    "code.P0602": ("more than is available to refund", "mwy nag sydd ar gael i'w ad-dalu"),
    "code.other": ("code {code}", "cod {code}"),
    "confirm.title": ("Refund this payment?", "Ad-dalu'r taliad hwn?"),
    "confirm.body": (
        "{amount} will be refunded to the card that paid for payment {reference}. A refund cannot be undone.",
        "Bydd {amount} yn cael ei ad-dalu i'r cerdyn a dalodd am daliad {reference}. Nid oes modd dadwneud ad-daliad.",
    ),
    "confirm.yes": ("Yes, refund {amount}", "Ydw, ad-dalu {amount}"),
    "confirm.back": ("Back to refunds due", "Yn ôl i'r ad-daliadau sy'n ddyledus"),
    "done.success": (
        "Payment {reference} is refunded: {amount}.",
        "Mae taliad {reference} wedi'i ad-dalu: {amount}.",
    ),
    "done.submitted": (
        "The refund of payment {reference} ({amount}) is sent to the provider.",
        "Mae ad-daliad taliad {reference} ({amount}) wedi'i anfon at y darparwr.",
    ),
    "done.already": (
        "The refund of payment {reference} was already asked for: nothing more was sent.",
        "Gofynnwyd am ad-daliad taliad {reference} eisoes: ni anfonwyd dim arall.",
    ),
    "done.failed": (
        "Payment {reference} was not refunded: {reason}.",
        "Ni chafodd taliad {reference} ei ad-dalu: {reason}.",
    ),
    "missing": (
        "That payment is not waiting for a refund.",
        "Nid yw'r taliad hwnnw'n aros am ad-daliad.",
    ),
    "problem": ("There is a problem", "Mae problem wedi codi"),
}


def staff_text(language: str) -> Callable[..., str]:
    """``t(key, **values)`` in ``language`` (Welsh for "cy", else English)."""
    index = 1 if language == "cy" else 0

    def t(key: str, **values: object) -> str:
        return TEXT[key][index].format(**values)

    return t
