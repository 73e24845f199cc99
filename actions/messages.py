"""Everything the bot says, in one place (plain English, plain text).

Written for residents on a phone: short sentences, the answer first, no
council jargon, and always a way to a person. The Welsh of each message is in
:mod:`actions.messages_cy` under the same name (``actions.localise``). Identity failures share ONE
wording whatever went wrong (``VERIFY_FAILED``). Nothing here interpolates
free text a resident typed.
"""

from __future__ import annotations

HUMAN_BUTTON = {"title": "Talk to a person", "payload": "/human"}
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
# The council's own words are filled in from its profile (actions.council):
# {council} its name, {place} its short name, {example} a postcode of its area,
# {areas} the postcode areas it serves.

GREETING = (
    "Hello, I'm the {council} assistant. I can check your bin day, "
    "report a missed bin, book a bulky waste collection, track a request, show your council "
    "tax or rent balance once I've checked who you are, look up planning applications and "
    "answer questions about council services. What can I help with?"
)
GOODBYE = "Goodbye, and thank you for contacting {council}."
THANKS = "You're welcome. Is there anything else I can help with?"
I_AM_A_BOT = (
    "I'm a computer program (a chatbot), not a person. You can ask to talk to a person "
    "at any time: just type 'talk to a person'."
)
CAPABILITIES = (
    "I can help you to:\n"
    "- find your bin collection day\n"
    "- report a missed bin\n"
    "- book a bulky waste collection\n"
    "- check the progress of a request (with its reference)\n"
    "- check your council tax or rent balance (after a security check)\n"
    "- find a planning application\n"
    "- answer questions about council services\n"
    "Or type 'talk to a person' to reach our customer services team."
)
CAPABILITY_BUTTONS = [
    {"title": "When is my bin day?", "payload": "/ask_bin_day"},
    {"title": "Report a missed bin", "payload": "/report_missed_bin"},
    {"title": "Book a bulky waste collection", "payload": "/book_bulky_waste"},
    {"title": "Where is my request?", "payload": "/ask_case_status"},
]
START_OVER = "OK, let's start again. What can I help with?"
STOPPED = "OK, I've stopped that and nothing has been sent. Is there anything else I can help with?"
NOTHING_TO_STOP = "OK. Is there anything else I can help with?"
ANYTHING_ELSE = "Is there anything else I can help with?"
NOT_FOLLOWED = (
    "Sorry, I didn't follow that. Could you put it another way? You can also type "
    "'talk to a person'."
)
EMPTY_MESSAGE = "Sorry, I didn't catch that. What would you like to ask?"
NO_WORDS = (
    "Sorry, I can only understand words. What would you like help with? For example "
    "'when is my bin day?'"
)
OK_WHAT_NEXT = "OK. What would you like to do?"
RESUME = "Now, back to {task}."
PAUSE = "Let's do that first. Afterwards we'll come back to {task}."
TASK_LABELS = {
    "bin_day": "checking your bin day",
    "missed_bin": "your missed bin report",
    "bulky": "your bulky waste booking",
    "case": "checking your request",
    "planning": "the planning application",
    "report": "your problem report",
    "verify": "the security check",
    "subscribe": "setting up your reminders",
}
SUBSCRIBE_ASK_CONTACT = (
    "I can send you a reminder the evening before your bin day, and tell you about "
    "disruptions to collections where you live. What email address or UK mobile number "
    "should I send them to?"
)
SUBSCRIBE_BAD_CONTACT = (
    "That doesn't look like an email address or a UK mobile number. Please type one, "
    "like name@example.com or 07700 900123."
)
SUBSCRIBE_CHECK_INBOX = (
    "Check your inbox: I've sent a message to {contact}. Follow the link in it to confirm. "
    "Nothing else is sent until you do, and every message has a link to stop them."
)
SUBSCRIBE_CHECK_PHONE = (
    "Check your phone: I've sent a text to {contact}. Follow the link in it to confirm. "
    "Nothing else is sent until you do, and every message has a link to stop them."
)
SUBSCRIBE_UNKNOWN_ADDRESS = (
    "Sorry, we don't collect bins from that address, so I can't set up reminders for it."
)
SUBSCRIBE_UNAVAILABLE = (
    "Sorry, I can't set up reminders here right now. You can subscribe on our website's "
    "reminders page."
)
SYSTEM_DOWN = (
    "Sorry, I can't reach the council's system right now, so I can't do that at the moment. "
    "Please try again later, or talk to a person."
)
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on our side. Please try again, or talk to a person."
)

# --- addresses ------------------------------------------------
ASK_POSTCODE = "What is your postcode? For example {example}."
BAD_POSTCODE = "That doesn't look like a full postcode. Please type it like this: {example}."
UNKNOWN_POSTCODE = (
    "I can't find any {place} addresses with that postcode. Please check it: our "
    "postcodes start with {areas}, for example {example}."
)
ASK_ADDRESS = "Which address is yours?"
ASK_ADDRESS_TYPED = (
    "There are {count} addresses at {postcode}. Please type your house number or name."
)
NO_ADDRESS_MATCH = (
    "Sorry, I couldn't match that to an address at {postcode}. Please choose one of the "
    "addresses, or type your house number."
)

# --- bin day ------------------------------------------------
BIN_DAY_HEADER = "Next collections for {address}:"
BIN_DAY_LINE = "- {label}: {day}"
BIN_DAY_MOVED = " (moved from {usual} because of {reason})"
BIN_DAY_NONE = (
    "I can't find any bin collections for {address}. Please talk to a person so we can check."
)
BIN_DAY_PUT_OUT = "Please put your bins out by 6am on collection day."
BANK_HOLIDAY_NOTE = "{name} is on {day}: collections that week move one day later."
DISRUPTION_NOTE = "Service update: {title}. {description}"
DISRUPTION_CATCH_UP = " We plan to catch up on {day}."

# --- missed bin ------------------------------------------------
ASK_BIN_TYPE = "Which bin was missed?"
BAD_BIN_TYPE = "Sorry, which bin do you mean? Please choose one."
ASK_MISSED_DAY = "Which day was it missed? For example 'today', 'yesterday' or 'Monday'."
BAD_MISSED_DAY = (
    "Sorry, I didn't understand the day. Please say 'today', 'yesterday' or a day like 'Monday'."
)
FUTURE_MISSED_DAY = "That day hasn't happened yet. Which day was your bin missed?"
OLD_MISSED_DAY = (
    "That's more than two weeks ago, which is too late to report. Please put your bin out "
    "again on your next collection day."
)
MISSED_REPORTED = (
    "Thank you. I've sent your report to the crew. Your reference is {reference}. "
    "We aim to collect it by {target}. Please leave your bin out."
)
MISSED_ALREADY = (
    "This missed bin has already been reported: the reference is {reference}. "
    "We aim to collect it by {target}. Please leave your bin out."
)
MISSED_CREW_LOGGED_OFFER = "If you think the crew's record is wrong, I can still report it."
DISPUTE_BUTTONS = [
    {"title": "My bin was out: report it", "payload": "/affirm"},
    {"title": "OK, thanks", "payload": "/deny"},
]
ASK_DISPUTE_REASON = "Please tell me briefly what happened, for example 'my bin was out by 6am'."
BAD_DISPUTE_REASON = "Please tell me in a few words what happened (up to 500 characters)."
DISPUTE_DECLINED = "OK. Please put your bin out by 6am on your next collection day."

# --- bulky waste ------------------------------------------------
BULKY_PRICES = (
    "We collect up to {max_items} large items in one visit. It costs {base} for up to "
    "{base_items} items, then {extra} for each extra item. Households that get council tax "
    "support pay {concession}% less.\n"
    "We collect: {items}."
)
BULKY_OFFER = "Would you like to book a collection?"
ASK_BULKY_ITEMS = "What would you like us to collect? For example 'a sofa and two chairs'."
BULKY_UNKNOWN_ITEMS = (
    "Sorry, I couldn't match everything to the items we collect. We collect: {items}. "
    "Please tell me again, for example 'a sofa and two chairs'."
)
BULKY_QUOTE = "That's {lines}: {price}."
BULKY_CONCESSION = " This includes the {reason} discount ({percent}% off {full})."
BULKY_CONCESSION_NEEDS_VERIFICATION = (
    " If you get council tax support you pay half price: check your council tax balance "
    "with me first (so I know it's you), or ask to talk to a person."
)
ASK_BULKY_SLOT = (
    "Which day would suit you? We collect from 7am, so put the items out the night before."
)
NO_BULKY_SLOTS = (
    "Sorry, there are no collection days left in the next four weeks for your area. "
    "Please try again next week, or talk to a person."
)
BAD_BULKY_SLOT = "Sorry, that day isn't available. Please choose one of the days shown."
ASK_PAYMENT = (
    "To book {day} you need to pay {price} by card. I'll hold the day for you while you pay."
)
PAY_BUTTON = "Continue to payment"
BULKY_PAY_LINK = (
    "I'm holding {day} for you until {until}. Pay {price} on the payment page below. "
    "Nothing is booked until your payment goes through: when it has, the page shows your "
    "booking reference."
)
PAY_LINK_TITLE = "Pay {price} for your bulky waste collection"
PAYMENT_UNAVAILABLE = (
    "Sorry, the payment service isn't answering just now, so I haven't booked anything and "
    "the day is free again. Please try again in a few minutes, or talk to a person."
)
ASK_CONFIRM_FREE = "Shall I book {day}? There is nothing to pay."
BULKY_NOT_BOOKED = "OK, I haven't booked anything."
SLOT_TAKEN = "Sorry, that day has just been taken by someone else. Please choose another day."
BULKY_BOOKED = (
    "Booked. Your reference is {reference}. We'll collect on {day}: please put the items "
    "outside your property by 7am (not blocking the pavement)."
)

# --- cases ------------------------------------------------
ASK_CASE_REFERENCE = "What is your reference? It starts with BDC, for example BDC-104233."
BAD_CASE_REFERENCE = (
    "That doesn't look like one of our references. Request references start with BDC and "
    "have 6 numbers, for example BDC-104233. Or type 'stop'."
)
CASE_NOT_FOUND = (
    "I can't find a request with that reference. Please check it and type it again, or type 'stop'."
)
CASE_STATUS = "Request {reference} ({kind}): {status}."
CASE_OFFER_DETAILS = (
    "To see its history, target date and what happens next, I need to check it's you. "
    "I'll ask for the postcode of the property. Shall we do that?"
)
CASE_DETAILS_HEADER = "Request {reference}: {summary}"
CASE_HISTORY_LINE = "- {day}: {status}"
CASE_TARGET = "Target date: {day}."
CASE_NEXT = {
    "received": "What happens next: the {team} team will look at it by the target date.",
    "in_progress": "What happens next: the {team} team is working on it.",
    "awaiting_resident": (
        "What happens next: we're waiting for information from you. Please check your "
        "email or talk to a person."
    ),
    "resolved": (
        "What happens next: it's been resolved. If it isn't sorted, please talk to a person."
    ),
    "closed": "It's closed. If you need more help, please talk to a person.",
    "cancelled": "It was cancelled. If you think that's wrong, please talk to a person.",
}
BOOKING_STATUS = "Bulky waste booking {reference}: {status}, collection day {day}."

# --- planning ------------------------------------------------
ASK_PLANNING_QUERY = (
    "What is the planning application reference (for example 26/01234/FUL), or the "
    "postcode or street of the site?"
)
BAD_PLANNING_QUERY = (
    "Please give a planning reference like 26/01234/FUL, a postcode like {example}, or a street "
    "name."
)
PLANNING_NOT_FOUND = "I can't find a planning application with that reference. Please check it."
PLANNING_NONE_FOUND = "I can't find any planning applications for that place."
PLANNING_DETAILS = "{reference} at {site}: {description}"
PLANNING_STATUS_LINE = "Status: {status}."
PLANNING_RECEIVED = "Received {received}."
PLANNING_TARGET = "Decision due by {target}."
PLANNING_DECIDED = "Decision: {decision} on {decided}."
PLANNING_OFFICER = "Case officer: {officer}."
PLANNING_LIST_HEADER = "I found {count} planning applications:"
PLANNING_LIST_LINE = "- {reference}, {site}: {status}"
PLANNING_LIST_MORE = "Choose one to see the details."
PLANNING_PUBLIC = "The planning register is public, so anyone can see these details."

# --- identity and balances ------------------------------------------------
VERIFY_INTRO = (
    "Before I show your {what}, I need to check it's you. I'll ask for your account "
    "reference, the postcode and one more detail. (If you're signed in to My Account, open "
    "this chat from there and I won't need to ask.)"
)
ASK_VERIFY_REFERENCE = {
    "council_tax": (
        "What is your council tax account reference? It starts with CT, for example CT40012345."
    ),
    "rent": "What is your tenancy reference? It starts with TEN, for example TEN-004512.",
    "case": "What is your case reference? It starts with BDC, for example BDC-104233.",
}
REFERENCE_KIND_NAMES = {
    "council_tax": "council tax account",
    "tenancy": "tenancy",
    "case": "case",
}
WRONG_KIND_FOR_CASE = (
    "That looks like a {kind} reference. To show the details of a request I need its case "
    "reference, which starts with BDC, for example BDC-104233. If you'd like a balance "
    "instead, just ask me for it."
)
WRONG_KIND_FOR_BALANCE = (
    "That looks like a case reference, for a request you made. To show a balance I need "
    "your council tax account reference (like CT40012345) or your tenancy reference (like "
    "TEN-004512); they are on your bill or rent statement. To check on a request, ask me "
    '"where is my request?".'
)
VERIFY_FACT_NOT_A_BUTTON = (
    "Please type your answer: the amount of your last payment (like £98.50), or the "
    "surname of a person named on the account."
)
VERIFY_DELAYED = (
    "For your security, details for that account can't be checked again just yet. Please "
    "try again in {wait}, or one of our advisors can help you now."
)
BAD_VERIFY_REFERENCE = (
    "That doesn't look like an account reference. Council tax references look like "
    "CT40012345 and tenancy references like TEN-004512."
)
ASK_VERIFY_POSTCODE = "What is the postcode of the property?"
ASK_VERIFY_FACT = (
    "And one more check: please tell me either the amount of your last payment, or the "
    "surname of a person named on the account."
)
BAD_VERIFY_FACT = "Please tell me the amount of your last payment (like £98.50) or a surname."
VERIFIED = "Thank you, that's confirmed."
VERIFY_FAILED = "Sorry, I couldn't confirm those details."
VERIFY_RETRY = "You can try again, or talk to a person."
VERIFY_RETRY_BUTTONS = [{"title": "Try again", "payload": "/affirm"}, HUMAN_BUTTON]
VERIFY_LOCKED = (
    "For your security I can't check any more details right now. One of our advisors can "
    "help you instead."
)
NOT_VERIFIED = "I need to check it's you first."
CT_BALANCE = "Council tax account {reference} ({year}, band {band}):"
CT_OWED = "- Balance to pay: {amount}"
CT_CREDIT = "- You are in credit by {amount}"
CT_CLEAR = "- Nothing to pay at the moment"
CT_NEXT = "- Next instalment: {amount} on {day} ({remaining} left this year)"
CT_NO_NEXT = "- No more instalments due this year"
CT_METHOD = "- Paying by: {method}"
CT_RECOVERY = {
    "none": None,
    "reminder": "- We have sent a reminder: please pay the missed instalment to stay on your plan.",
    "final_notice": (
        "- We have sent a final notice: the whole year's balance is now due. If you can't "
        "pay, talk to us about a payment plan."
    ),
    "summons": (
        "- A court summons has been issued. Please talk to a person today about how to pay "
        "and avoid further costs."
    ),
}
RENT_BALANCE = "Rent account {reference} (weekly rent {weekly}):"
RENT_ARREARS = "- Arrears: {amount}"
RENT_CREDIT = "- In credit: {amount}"
RENT_CLEAR = "- Your rent account is up to date"
RENT_PAYMENTS_HEADER = "Recent payments:"
RENT_PAYMENT_LINE = "- {day}: {amount} ({kind})"
RENT_NO_PAYMENTS = "No recent payments."
RENT_ARREARS_HELP = (
    "If you're struggling to pay, please talk to us: we can help with a plan and benefits."
)
PAYMENT_METHODS = {
    "direct_debit": "Direct Debit",
    "card": "card",
    "bank_transfer": "bank transfer",
    "standing_order": "standing order",
    "housing_benefit": "Housing Benefit",
    "cash": "cash",
}

# --- questions ------------------------------------------------
# One answer: a sentence or two of the article, a card linking to it (title and
# section; ``actions.questions``), then "Did that help?" with Yes / No.
DID_THAT_HELP = "Did that help?"
HELPFUL_BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
]
GLAD = "Good, I'm glad that helped. Is there anything else?"
NOT_HELPFUL = (
    "Sorry that didn't help. You can ask it another way, using different words, or talk "
    "to a person."
)
REPHRASE = (
    "Sorry, I couldn't find a good answer to that. Could you ask it another way, using "
    "different words?"
)
OFFER_HUMAN_AFTER_FAILURES = (
    "Sorry, I couldn't find an answer to that either. Would you like to talk to a person?"
)
OFFER_HUMAN_BUTTONS = [
    {"title": "Yes, talk to a person", "payload": "/affirm"},
    {"title": "No, thanks", "payload": "/deny"},
]
HUMAN_DECLINED = "OK. You can ask me something else, or type 'talk to a person' at any time."
KNOWLEDGE_DOWN = (
    "Sorry, I can't search our help pages right now. Please try again in a few minutes, or "
    "talk to a person."
)
OUT_OF_SCOPE = (
    "Sorry, I can only help with {council} services, like bins, council tax, housing and planning."
)
TOO_LONG = (
    "That's a long message, so I've only read the start of it. If I miss something, "
    "please ask again in a sentence or two."
)

# --- handover ------------------------------------------------
# The bot asks the handoff service who is available before it promises anyone
# (``frontdoor.contracts.availability``), and says what is true, once.
HANDOFF = (
    "I'm passing you to a member of our customer services team. They'll see what we've "
    "talked about, so you won't need to repeat it. Please keep this window open: you'll "
    "see your place in the queue here."
)
HANDOFF_CLOSED = (
    "Our advisors aren't available right now. Opening hours: {hours}. You can leave a "
    "message and we'll get back to you."
)
HANDOFF_NOBODY_FREE = (
    "Nobody is free to chat right now. You can leave a message and we'll get back to you."
)
HANDOFF_UNKNOWN = (
    "I'm asking for a member of our customer services team now. If nobody is free, you "
    "can leave a message and we'll get back to you."
)
HANDOFF_URGENT = (
    "I'm putting you through to a member of our team now, ahead of the queue. Please keep "
    "this window open."
)
HANDOFF_URGENT_CLOSED = (
    "Our advisors aren't available right now. I've sent our conversation to the team as "
    "urgent, so a person will see it first when they're back. Opening hours: {hours}."
)
HANDOFF_URGENT_NOBODY_FREE = (
    "Nobody is free to chat this minute. I've put our conversation first in the queue as "
    "urgent, so the next person free will see it first."
)
RISK_ADVICE = {
    "suicide": (
        "If you are in danger right now, please call 999. You can talk to Samaritans at any "
        "time, free, on 116 123."
    ),
    "domestic_abuse": (
        "If you are in danger right now, please call 999. The National Domestic Abuse "
        "Helpline is free and open 24 hours: 0808 2000 247."
    ),
    "safeguarding": "If someone is in immediate danger, please call 999.",
    "homelessness": (
        "If you have nowhere safe to stay tonight, tell the advisor straight away so they "
        "can help today."
    ),
    "bereavement": "I'm sorry for your loss.",
    "other": "If you or someone else is in danger right now, please call 999.",
}


# --- report a problem in the street (actions/reports.py) ------------------------------
PROBLEM_KINDS = {
    "fly_tipping": "Fly-tipping",
    "graffiti": "Graffiti",
    "dog_fouling": "Dog fouling",
    "abandoned_vehicle": "Abandoned vehicle",
    "street_lighting": "Street light not working",
}
ASK_PROBLEM_KIND = (
    "What would you like to report? I can't take photos in the chat: if you have one, "
    "I'll give you a link to our online form at the end."
)
BAD_PROBLEM_KIND = (
    "I can take reports of fly-tipping, graffiti, dog fouling, abandoned vehicles and street "
    "lights. Which is it? Or type 'stop'."
)
ASK_PROBLEM_LOCATION = (
    "Where is it? Give the street name and something nearby we can find, for example "
    "'Mill Lane, by the bus stop', or a postcode."
)
BAD_PROBLEM_LOCATION = (
    "I need a street name and a landmark, in 200 characters or fewer, so the team can find it. "
    "Or type 'stop'."
)
QUESTION_NOT_PROBLEM_DETAIL = (
    "That sounds like a question, so I haven't put it in your report. To ask it, type 'stop' "
    "to leave the report first. Or carry on: {prompt}"
)
ASK_PROBLEM_DESCRIPTION = (
    "Please describe what is there, for example 'six black bags and a mattress'. "
    "Don't include anyone's personal details."
)
BAD_PROBLEM_DESCRIPTION = "Please tell me a little more about the problem, or type 'stop'."
PROBLEM_REPORTED = (
    "Thank you. I've reported it: {kind} at {where}. Your reference is {reference}. "
    "We aim to deal with it by {day}. You can ask me 'where is my request?' at any time."
)
PROBLEM_PHOTO = "To add a photo, use our online form instead: {url}"
PROBLEM_REFUSED = (
    "Sorry, the council's system could not take this report. Please use our online form, "
    "or talk to a person."
)
