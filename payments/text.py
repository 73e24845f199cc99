"""What the payment pages say, in English and Welsh."""

from __future__ import annotations

from datetime import date

CY_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
             "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")  # fmt: skip
CY_DAYS = ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener",
           "Dydd Sadwrn", "Dydd Sul")  # fmt: skip

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "demo_title": "Make a payment (demo)",
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
        "fees_title": "Pay a fee",
        "fees_intro": "Choose what you want to pay for. You pay on a secure payment page and "
        "get a payment reference once the payment has gone through.",
        "fees_none": "There is nothing you can pay for online at the moment.",
        "fee_amount": "Amount",
        "fee_name": "Your full name",
        "fee_email": "Email address",
        "fee_email_hint": "The payment page sends your receipt here.",
        "fee_purpose": "What is this payment for?",
        "fee_purpose_hint": "For example your address, or the reference on a letter from us.",
        "fee_continue": "Continue to payment",
        "fee_all": "See all the fees you can pay online",
        "error_fee_name": "Enter your full name",
        "error_fee_name_long": "Your name must be 100 characters or fewer",
        "error_fee_email": "Enter an email address in the correct format, like name@example.com",
        "error_fee_purpose": "Enter what this payment is for",
        "error_fee_purpose_long": "What this payment is for must be 200 characters or fewer",
        "fee_start_failed": "The payment service is not answering. No money has been taken: "
        "try again in a few minutes.",
        "fee_missing_title": "Fee not found",
        "fee_missing": "We cannot find that fee. It may have changed: see the fees you can pay "
        "online.",
        "title_paid": "Payment received",
        "paid": "You paid {amount} for {fee}. Your payment reference is {reference}.",
        "paid_next": "Keep this reference and quote it if you contact us.",
        "fee_not_taken": "No money was taken.",
        "fee_again": "Try again",
        "fee_processing": "Your payment has not finished yet. Refresh this page in a minute.",
    },
    "cy": {
        "demo_title": "Gwneud taliad (demo)",
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
        "fees_title": "Talu ffi",
        "fees_intro": "Dewiswch beth rydych chi am dalu amdano. Rydych chi'n talu ar dudalen "
        "dalu ddiogel ac yn cael cyfeirnod talu unwaith y bydd y taliad wedi mynd drwodd.",
        "fees_none": "Does dim y gallwch dalu amdano ar-lein ar hyn o bryd.",
        "fee_amount": "Swm",
        "fee_name": "Eich enw llawn",
        "fee_email": "Cyfeiriad e-bost",
        "fee_email_hint": "Mae'r dudalen dalu yn anfon eich derbynneb yma.",
        "fee_purpose": "Am beth mae'r taliad hwn?",
        "fee_purpose_hint": "Er enghraifft eich cyfeiriad, neu'r cyfeirnod ar lythyr gennym ni.",
        "fee_continue": "Ymlaen i dalu",
        "fee_all": "Gweld yr holl ffioedd y gallwch eu talu ar-lein",
        "error_fee_name": "Rhowch eich enw llawn",
        "error_fee_name_long": "Rhaid i'ch enw fod yn 100 o nodau neu lai",
        "error_fee_email": "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com",
        "error_fee_purpose": "Rhowch am beth mae'r taliad hwn",
        "error_fee_purpose_long": "Rhaid i'r hyn mae'r taliad hwn amdano fod yn 200 o nodau "
        "neu lai",
        "fee_start_failed": "Nid yw'r gwasanaeth talu yn ateb. Ni chymerwyd unrhyw arian: "
        "rhowch gynnig arall arni ymhen ychydig funudau.",
        "fee_missing_title": "Heb ddod o hyd i'r ffi",
        "fee_missing": "Ni allwn ddod o hyd i'r ffi honno. Efallai ei bod wedi newid: gweler "
        "y ffioedd y gallwch eu talu ar-lein.",
        "title_paid": "Taliad wedi'i dderbyn",
        "paid": "Gwnaethoch dalu {amount} am {fee}. Eich cyfeirnod talu yw {reference}.",
        "paid_next": "Cadwch y cyfeirnod hwn a'i ddyfynnu os byddwch yn cysylltu â ni.",
        "fee_not_taken": "Ni chymerwyd unrhyw arian.",
        "fee_again": "Rhowch gynnig arall arni",
        "fee_processing": "Nid yw eich taliad wedi gorffen eto. Adnewyddwch y dudalen hon mewn "
        "munud.",
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
