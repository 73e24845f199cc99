"""What subscriptions say, in English and Welsh: the messages (confirmation, bin-day
reminder, disruption, case update) and the website's subscription pages.

Every message names the council from settings (never written here) and ends
with the links to stop the messages and to change preferences.
"""

from __future__ import annotations

from datetime import date

CY_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
             "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")  # fmt: skip
CY_DAYS = ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener",
           "Dydd Sadwrn", "Dydd Sul")  # fmt: skip
CY_BINS = {
    "refuse": "bin sbwriel du",
    "recycling": "bin ailgylchu glas",
    "garden": "bin gwastraff gardd",
    "food": "cadi gwastraff bwyd",
}
CY_STATUSES = {
    "received": "wedi dod i law",
    "in_progress": "ar y gweill",
    "awaiting_resident": "yn aros amdanoch chi",
    "resolved": "wedi'i ddatrys",
    "closed": "wedi'i gau",
    "cancelled": "wedi'i ganslo",
}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        # messages
        "confirm_subject": "{council}: confirm your updates",
        "confirm_body": "You asked {council} to send you {what}. To start them, follow this "
        "link within 7 days: {confirm_url}\n\nIf you did not ask, ignore this message: "
        "nothing will be sent.",
        "bin_subject": "{council}: bin day tomorrow",
        "bin_body": "Tomorrow, {day}, we collect your {bins} at {address}. Please put "
        "{them} out by 7am.",
        "disruption_subject": "{council}: {title}",
        "disruption_body": "{title}. {description}",
        "catch_up": " Catch-up day: {day}.",
        "case_subject": "{council}: update on {reference}",
        "case_body": "Your request {reference} is now {status}.",
        "footer": "\n\nStop these messages: {unsubscribe_url}\nChange what you get: "
        "{preferences_url}",
        "what_bins": "bin-day reminders",
        "what_disruptions": "service disruption alerts",
        "what_case": "updates on request {reference}",
        "and": "and",
        "it": "it",
        "them": "them",
        # pages
        "title": "Get reminders and updates",
        "lead": "We can remind you the evening before your bin day, tell you about "
        "disruptions to collections where you live, and tell you when a request you "
        "made changes. We send nothing until you confirm from the message we send you.",
        "postcode": "Postcode",
        "postcode_hint": "For example BF2 4AA",
        "find": "Find address",
        "address": "Address",
        "choose_address": "Choose your address",
        "what": "What would you like?",
        "topic_bins": "A reminder the evening before bin day",
        "topic_disruptions": "Disruptions to collections where you live",
        "topic_case": "Updates on a request I made",
        "case_reference": "Request reference (for updates on a request)",
        "case_hint": "For example BDC-104000",
        "how": "How should we send them?",
        "channel_email": "Email",
        "channel_sms": "Text message",
        "email": "Email address",
        "phone": "Mobile phone number",
        "phone_hint": "A UK mobile number, for example 07700 900123",
        "submit": "Subscribe",
        "check_title": "Check your {place}",
        "check_inbox": "inbox",
        "check_phone": "phone",
        "check_body": "We have sent a message to {contact}. Follow the link in it to "
        "confirm. We send nothing else until you do.",
        "confirmed_title": "You are subscribed",
        "confirmed_body": "We will send you {what}. Every message has a link to stop them.",
        "preferences": "Change what you get",
        "prefs_title": "Your reminders and updates",
        "prefs_save": "Save changes",
        "prefs_saved": "Your changes are saved.",
        "prefs_new_contact": "We have sent a message to {contact}. Follow the link in it to "
        "confirm; until you do, we send you nothing.",
        "prefs_status_pending": "Not confirmed yet: follow the link in the message we sent.",
        "unsubscribe": "Unsubscribe from everything",
        "unsubscribed_title": "You are unsubscribed",
        "unsubscribed_body": "We will not send you any more of these messages. You can "
        "subscribe again at any time.",
        "subscribe_again": "Subscribe again",
        "link_title": "This link does not work",
        "link_body": "The link is not valid or has expired. Check you copied all of it, or "
        "subscribe again.",
        # errors
        "err_postcode": "Enter a full postcode, like BF2 4AA",
        "err_unknown_postcode": "We cannot find any addresses at that postcode. Check it "
        "and try again",
        "err_unknown_address": "We do not collect bins from that address. Choose your "
        "address from the list",
        "err_address_needed": "Choose your address",
        "err_no_topic": "Choose at least one thing to be told about",
        "err_no_channel": "Choose email or text message",
        "err_bad_email": "Enter an email address in the right format, like name@example.com",
        "err_bad_phone": "Enter a UK mobile number, like 07700 900123",
        "err_unknown_case": "We cannot find a request with that reference. Check it, for "
        "example BDC-104000",
        "err_case_needed": "Enter the reference of your request",
    },
    "cy": {
        "confirm_subject": "{council}: cadarnhewch eich diweddariadau",
        "confirm_body": "Gwnaethoch ofyn i {council} anfon {what} atoch chi. I'w dechrau, "
        "dilynwch y ddolen hon o fewn 7 diwrnod: {confirm_url}\n\nOs na wnaethoch chi ofyn, "
        "anwybyddwch y neges hon: ni fydd dim yn cael ei anfon.",
        "bin_subject": "{council}: diwrnod biniau yfory",
        "bin_body": "Yfory, {day}, byddwn yn casglu eich {bins} yn {address}. Rhowch {them} "
        "allan erbyn 7am.",
        "disruption_subject": "{council}: {title}",
        "disruption_body": "{title}. {description}",
        "catch_up": " Diwrnod dal i fyny: {day}.",
        "case_subject": "{council}: diweddariad ar {reference}",
        "case_body": "Mae eich cais {reference} bellach {status}.",
        "footer": "\n\nAtal y negeseuon hyn: {unsubscribe_url}\nNewid beth rydych chi'n ei "
        "gael: {preferences_url}",
        "what_bins": "nodiadau atgoffa diwrnod biniau",
        "what_disruptions": "rhybuddion am darfu ar wasanaethau",
        "what_case": "diweddariadau ar gais {reference}",
        "and": "a",
        "it": "ef",
        "them": "nhw",
        "title": "Cael nodiadau atgoffa a diweddariadau",
        "lead": "Gallwn eich atgoffa y noson cyn eich diwrnod biniau, dweud wrthych am "
        "darfu ar gasgliadau lle rydych chi'n byw, a dweud wrthych pan fydd cais a "
        "wnaethoch yn newid. Nid ydym yn anfon dim nes i chi gadarnhau o'r neges a anfonwn.",
        "postcode": "Cod post",
        "postcode_hint": "Er enghraifft BF2 4AA",
        "find": "Dod o hyd i'r cyfeiriad",
        "address": "Cyfeiriad",
        "choose_address": "Dewiswch eich cyfeiriad",
        "what": "Beth hoffech chi?",
        "topic_bins": "Nodyn atgoffa'r noson cyn diwrnod biniau",
        "topic_disruptions": "Tarfu ar gasgliadau lle rydych chi'n byw",
        "topic_case": "Diweddariadau ar gais a wnes i",
        "case_reference": "Cyfeirnod y cais (ar gyfer diweddariadau ar gais)",
        "case_hint": "Er enghraifft BDC-104000",
        "how": "Sut dylen ni eu hanfon?",
        "channel_email": "E-bost",
        "channel_sms": "Neges destun",
        "email": "Cyfeiriad e-bost",
        "phone": "Rhif ffôn symudol",
        "phone_hint": "Rhif symudol yn y DU, er enghraifft 07700 900123",
        "submit": "Tanysgrifio",
        "check_title": "Gwiriwch eich {place}",
        "check_inbox": "mewnflwch",
        "check_phone": "ffôn",
        "check_body": "Rydyn ni wedi anfon neges at {contact}. Dilynwch y ddolen ynddi i "
        "gadarnhau. Nid ydym yn anfon dim arall nes i chi wneud hynny.",
        "confirmed_title": "Rydych chi wedi tanysgrifio",
        "confirmed_body": "Byddwn yn anfon {what} atoch chi. Mae gan bob neges ddolen i'w hatal.",
        "preferences": "Newid beth rydych chi'n ei gael",
        "prefs_title": "Eich nodiadau atgoffa a'ch diweddariadau",
        "prefs_save": "Cadw'r newidiadau",
        "prefs_saved": "Mae eich newidiadau wedi'u cadw.",
        "prefs_new_contact": "Rydyn ni wedi anfon neges at {contact}. Dilynwch y ddolen ynddi "
        "i gadarnhau; nes i chi wneud hynny, nid ydym yn anfon dim atoch chi.",
        "prefs_status_pending": "Heb ei gadarnhau eto: dilynwch y ddolen yn y neges a anfonwyd.",
        "unsubscribe": "Dad-danysgrifio o bopeth",
        "unsubscribed_title": "Rydych chi wedi dad-danysgrifio",
        "unsubscribed_body": "Ni fyddwn yn anfon rhagor o'r negeseuon hyn atoch chi. Gallwch "
        "danysgrifio eto unrhyw bryd.",
        "subscribe_again": "Tanysgrifio eto",
        "link_title": "Nid yw'r ddolen hon yn gweithio",
        "link_body": "Nid yw'r ddolen yn ddilys neu mae wedi dod i ben. Gwiriwch eich bod "
        "wedi'i chopïo i gyd, neu tanysgrifiwch eto.",
        "err_postcode": "Rhowch god post llawn, fel BF2 4AA",
        "err_unknown_postcode": "Ni allwn ddod o hyd i unrhyw gyfeiriadau yn y cod post "
        "hwnnw. Gwiriwch ef a rhowch gynnig arall arni",
        "err_unknown_address": "Nid ydym yn casglu biniau o'r cyfeiriad hwnnw. Dewiswch eich "
        "cyfeiriad o'r rhestr",
        "err_address_needed": "Dewiswch eich cyfeiriad",
        "err_no_topic": "Dewiswch o leiaf un peth i gael gwybod amdano",
        "err_no_channel": "Dewiswch e-bost neu neges destun",
        "err_bad_email": "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.com",
        "err_bad_phone": "Rhowch rif ffôn symudol yn y DU, fel 07700 900123",
        "err_unknown_case": "Ni allwn ddod o hyd i gais gyda'r cyfeirnod hwnnw. Gwiriwch ef, "
        "er enghraifft BDC-104000",
        "err_case_needed": "Rhowch gyfeirnod eich cais",
    },
}


def text_for(language: str) -> dict[str, str]:
    return TEXT["cy" if language == "cy" else "en"]


def long_day(value: date, language: str) -> str:
    if language == "cy":
        return f"{CY_DAYS[value.weekday()]} {value.day} {CY_MONTHS[value.month - 1]}"
    return value.strftime("%A ") + f"{value.day}" + value.strftime(" %B")


def bin_label(bin_type: str, english: str, language: str) -> str:
    return CY_BINS.get(bin_type, english) if language == "cy" else english


def status_label(status: str, language: str) -> str:
    if language == "cy":
        return CY_STATUSES.get(status, status)
    return status.replace("_", " ")


def joined(items: list[str], language: str) -> str:
    word = text_for(language)["and"]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"
