"""What the payment pages say, in English and Welsh."""

from __future__ import annotations

from datetime import date

CY_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
             "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")  # fmt: skip
CY_DAYS = ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener",
           "Dydd Sadwrn", "Dydd Sul")  # fmt: skip

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "demo_title": "Pay for your collection (demo)",
        "demo_banner": "This is a demo: no money is taken.",
        "demo_explain": "A council using Frontdoor takes this payment through GOV.UK Pay. "
        "Here you can try each outcome: pay, have the card declined, or cancel.",
        "demo_for": "You are paying for",
        "demo_amount": "Amount",
        "demo_choose": "Choose pay, decline or cancel.",
        "demo_pay": "Pay (demo)",
        "demo_decline": "Decline the card (demo)",
        "demo_cancel": "Cancel payment",
        "demo_done": "This payment has already finished.",
        "demo_back": "Back to the service",
        "title_booked": "Your collection is booked",
        "title_failed": "Your payment was not taken",
        "title_cancelled": "You cancelled the payment",
        "title_expired": "Your payment timed out",
        "title_error": "Something went wrong with the payment",
        "title_refund_due": "We could not keep your slot",
        "title_processing": "Your payment is being processed",
        "title_unavailable": "We cannot check your payment right now",
        "booked": "Your booking reference is {booking}. We will collect on {day}. "
        "You paid {amount} (payment reference {reference}).",
        "booked_next": "Put the items outside by 7am on the day. Quote your booking "
        "reference if you contact us.",
        "not_booked": "Nothing has been booked and no money was taken. The slot has been released.",
        "failed": "Your card was declined.",
        "cancelled": "You cancelled the payment.",
        "expired": "The payment was not finished in time.",
        "error": "The payment service had a problem.",
        "again": "You can book again in the chat or call us.",
        "refund_due": "Your payment of {amount} went through after your slot was released, "
        "and the slot has since been taken. Nothing is booked and your payment will be "
        "refunded within 5 working days (payment reference {reference}).",
        "processing": "Your payment has not finished yet. Refresh this page in a minute. "
        "Your slot is held for you until {until}.",
        "unavailable": "The payment service is not answering. Nothing has been booked twice "
        "or lost: refresh this page in a few minutes (payment reference {reference}).",
        "missing": "We cannot find that payment. Check the link, or start again in the chat.",
    },
    "cy": {
        "demo_title": "Talu am eich casgliad (demo)",
        "demo_banner": "Demo yw hwn: ni chymerir unrhyw arian.",
        "demo_explain": "Mae cyngor sy'n defnyddio Frontdoor yn cymryd y taliad hwn drwy "
        "GOV.UK Pay. Yma gallwch roi cynnig ar bob canlyniad: talu, gwrthod y cerdyn, "
        "neu ganslo.",
        "demo_for": "Rydych chi'n talu am",
        "demo_amount": "Swm",
        "demo_choose": "Dewiswch dalu, gwrthod neu ganslo.",
        "demo_pay": "Talu (demo)",
        "demo_decline": "Gwrthod y cerdyn (demo)",
        "demo_cancel": "Canslo'r taliad",
        "demo_done": "Mae'r taliad hwn eisoes wedi gorffen.",
        "demo_back": "Yn ôl i'r gwasanaeth",
        "title_booked": "Mae eich casgliad wedi'i drefnu",
        "title_failed": "Ni chymerwyd eich taliad",
        "title_cancelled": "Gwnaethoch ganslo'r taliad",
        "title_expired": "Daeth amser eich taliad i ben",
        "title_error": "Aeth rhywbeth o'i le gyda'r taliad",
        "title_refund_due": "Ni allem gadw eich slot",
        "title_processing": "Mae eich taliad yn cael ei brosesu",
        "title_unavailable": "Ni allwn wirio eich taliad ar hyn o bryd",
        "booked": "Cyfeirnod eich archeb yw {booking}. Byddwn yn casglu ar {day}. "
        "Gwnaethoch dalu {amount} (cyfeirnod talu {reference}).",
        "booked_next": "Rhowch yr eitemau y tu allan erbyn 7am ar y diwrnod. Dyfynnwch "
        "gyfeirnod eich archeb os byddwch yn cysylltu â ni.",
        "not_booked": "Nid oes dim wedi'i drefnu ac ni chymerwyd arian. Mae'r slot wedi'i ryddhau.",
        "failed": "Cafodd eich cerdyn ei wrthod.",
        "cancelled": "Gwnaethoch ganslo'r taliad.",
        "expired": "Ni orffennwyd y taliad mewn pryd.",
        "error": "Cafodd y gwasanaeth talu broblem.",
        "again": "Gallwch archebu eto yn y sgwrs neu ein ffonio.",
        "refund_due": "Aeth eich taliad o {amount} drwodd ar ôl i'ch slot gael ei ryddhau, "
        "ac mae'r slot wedi'i gymryd ers hynny. Nid oes dim wedi'i drefnu a bydd eich "
        "taliad yn cael ei ad-dalu o fewn 5 diwrnod gwaith (cyfeirnod talu {reference}).",
        "processing": "Nid yw eich taliad wedi gorffen eto. Adnewyddwch y dudalen hon mewn "
        "munud. Mae eich slot yn cael ei gadw i chi tan {until}.",
        "unavailable": "Nid yw'r gwasanaeth talu yn ateb. Nid oes dim wedi'i drefnu ddwywaith "
        "na'i golli: adnewyddwch y dudalen hon ymhen ychydig funudau (cyfeirnod talu "
        "{reference}).",
        "missing": "Ni allwn ddod o hyd i'r taliad hwnnw. Gwiriwch y ddolen, neu dechreuwch "
        "eto yn y sgwrs.",
    },
}


def text_for(language: str) -> dict[str, str]:
    return TEXT["cy" if language == "cy" else "en"]


def money(pence: int) -> str:
    return f"£{pence // 100}.{pence % 100:02d}"


def day(value: date | None, language: str) -> str:
    if value is None:
        return ""
    if language == "cy":
        return f"{CY_DAYS[value.weekday()]} {value.day} {CY_MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%A ") + f"{value.day}" + value.strftime(" %B %Y")
