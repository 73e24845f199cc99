"""End-to-end conversations: real Rasa + real action server over the REST channel.

Each test is one resident (a fresh sender id). The flows: bin day, missed bin,
bulky waste, where is my request, balances with identity, planning, questions,
small talk and control, handover, and bad input.
"""

from __future__ import annotations

import pytest

from backoffice.seed import DEMO_IDENTITIES

pytestmark = [pytest.mark.rasa, pytest.mark.slow]

FOXGLOVE = "BF3 2QX"
ANN = DEMO_IDENTITIES["council_tax"]
GRACE = DEMO_IDENTITIES["tenancy"]
CASE = DEMO_IDENTITIES["case_in_progress"]
PLANNING = DEMO_IDENTITIES["planning"]
GENUINE = DEMO_IDENTITIES["genuine_missed_bin"]
NOT_PRESENTED = DEMO_IDENTITIES["bin_not_presented"]


def missed_day(bot_stack) -> str:
    day = bot_stack.world.waste.last_collection_day
    return f"{day.day}/{day.month}"


# --- small talk and control ------------------------------------------------


def test_greeting(chat) -> None:
    assert "Bramblefield District Council assistant" in chat.say("hiya").text


def test_are_you_a_bot(chat) -> None:
    assert "computer program" in chat.say("am i talking to a real person?").text


def test_what_can_you_do(chat) -> None:
    replies = chat.say("what can you help me with")
    assert "report a missed bin" in replies.text and "/ask_bin_day" in replies.payloads


def test_thanks_and_goodbye(chat) -> None:
    assert "You're welcome" in chat.say("thanks a lot").text
    assert "Goodbye" in chat.say("ok bye").text


# --- bin day ------------------------------------------------


def test_bin_day_with_the_postcode_in_the_message(chat) -> None:
    replies = chat.say("when is my bin day? BF3 2QX")
    assert "Which address" in replies.text and len(replies.buttons) == 12
    answer = chat.press(replies, "14 Foxglove Lane")
    assert "Next collections for 14 Foxglove Lane, BF3 2QX" in answer.text
    assert "Black rubbish bin" in answer.text


def test_bin_day_asks_for_the_postcode(chat) -> None:
    assert "postcode" in chat.say("bin day please").text
    replies = chat.say("bf3 2qx")
    assert "Which address" in replies.text
    answer = chat.say("14 foxglove lane")
    assert "Next collections for 14 Foxglove Lane" in answer.text


def test_a_bad_postcode_is_asked_again(chat) -> None:
    chat.say("when are my bins collected")
    assert "full postcode" in chat.say("BF3").text
    assert "start with BF" in chat.say("SW1A 1AA").text
    assert "Which address" in chat.say("BF3 2QX").text


# --- missed bin ------------------------------------------------


def test_a_genuine_missed_bin_gets_a_reference_and_a_repeat_gets_the_same(chat, bot_stack) -> None:
    chat.say("my recycling wasn't collected")
    replies = chat.say(FOXGLOVE)
    replies = chat.press(replies, "8 Foxglove Lane")
    assert "Which day" in replies.text
    answer = chat.say(missed_day(bot_stack))
    assert "Your reference is BDC-" in answer.text
    reference = answer.text.split("reference is ")[1][:10]
    again = bot_stack.chat()
    again.say("report a missed bin")
    which_bin = again.press(again.say("BF3 2QX"), "8 Foxglove Lane")
    assert "Which bin" in which_bin.text
    again.press(which_bin, "Blue recycling bin")
    repeat = again.say(missed_day(bot_stack))
    assert "already been reported" in repeat.text and reference in repeat.text


def test_a_bin_the_crew_logged_is_explained_and_can_be_disputed(chat, bot_stack) -> None:
    chat.say("report a missed bin")
    chat.press(chat.say(FOXGLOVE), "6 Foxglove Lane")
    chat.say("blue bin")
    explained = chat.say(missed_day(bot_stack))
    assert "not out when they passed" in explained.text
    assert "reference" not in explained.text
    ask = chat.press(explained, "report it")
    assert "what happened" in ask.text
    raised = chat.say("it was out on the pavement at 6am")
    assert "Your reference is BDC-" in raised.text


def test_stopping_a_missed_bin_report_creates_nothing(chat, bot_stack) -> None:
    cases = bot_stack.rows("bo_cases")
    chat.say("my bin was missed")
    chat.press(chat.say(FOXGLOVE), "2 Foxglove Lane")
    assert "nothing has been sent" in chat.say("cancel").text
    assert "BDC-" not in chat.say("thanks").text
    assert bot_stack.rows("bo_cases") == cases


def test_a_question_in_the_middle_of_a_form_then_back_to_it(chat) -> None:
    chat.say("my bin wasnt emptied")
    replies = chat.say("what goes in the blue recycling bin?")
    assert "plastic bottles" in replies.text
    assert "back to your missed bin report" in replies.text
    assert "postcode" in replies.text


def test_switching_to_bin_day_mid_report_and_coming_back(chat) -> None:
    chat.say("report a missed bin")
    chat.press(chat.say(FOXGLOVE), "14 Foxglove Lane")
    switched = chat.say("actually when is my bin day?")
    assert "come back to your missed bin report" in switched.text
    assert "Next collections for 14 Foxglove Lane" in switched.text
    assert "back to your missed bin report" in switched.text
    assert "Which bin" in switched.text


# --- bulky waste ------------------------------------------------


def test_bulky_prices_then_hold_pay_and_book(chat, bot_stack) -> None:
    prices = chat.say("how much is bulky waste collection?")
    assert "£28.00 for up to 3 items" in prices.text
    asked = chat.press(prices, "Yes")
    assert "postcode" in asked.text
    chat.press(chat.say(FOXGLOVE), "14 Foxglove Lane")
    days = chat.say("a sofa and two chairs")
    assert "£28.00" in days.text and "Which day" in days.text
    pay = chat.press(days, days.buttons[0]["title"])
    assert "pay £28.00 by card" in pay.text
    bookings = bot_stack.rows("bo_bulky_bookings")
    held = chat.press(pay, "Continue to payment")
    assert "I'm holding" in held.text and "Nothing is booked until" in held.text
    [link] = [item for custom in held.custom for item in custom.get("links", [])]
    assert link["title"] == "Pay £28.00 for your bulky waste collection"
    assert "/pay/demo/" in link["url"]
    assert bot_stack.rows("bo_bulky_bookings") == bookings  # nothing booked before paying
    outcome = bot_stack.pay_on_the_demo_page(link["url"], "pay")
    assert outcome is not None and outcome.state == "booked"
    assert (outcome.booking_reference or "").startswith("BW-")
    assert bot_stack.rows("bo_bulky_bookings") == bookings + 1


def test_bulky_items_in_the_first_message_and_concession(chat) -> None:
    chat.say("can you collect my old settee please")
    replies = chat.press(chat.say(FOXGLOVE), "Flat 2, 9 Foxglove Lane")
    # Not verified: full price, and the concession is offered, never revealed.
    assert "£28.00" in replies.text and "£14.00" not in replies.text
    assert "If you get council tax support" in replies.text
    pay = chat.press(replies, replies.buttons[0]["title"])
    assert "pay £28.00 by card" in pay.text
    assert "Continue to payment" in [b["title"] for b in pay.buttons]


def test_declining_payment_books_nothing(chat, bot_stack) -> None:
    bookings = bot_stack.rows("bo_bulky_bookings")
    chat.say("book a bulky collection")
    chat.press(chat.say(FOXGLOVE), "4 Foxglove Lane")
    days = chat.say("a mattress")
    pay = chat.press(days, days.buttons[0]["title"])
    assert "haven't booked" in chat.press(pay, "Cancel").text
    assert bot_stack.rows("bo_bulky_bookings") == bookings


# --- where is my request? ------------------------------------------------------------------------


def test_case_status_then_details_after_the_postcode_check(chat) -> None:
    status = chat.say("any update on bdc 104 233?")
    assert "Request BDC-104233 (fly tipping): in progress" in status.text
    assert "Target date" not in status.text
    asked = chat.press(status, "Yes")
    assert "postcode of the property" in asked.text
    details = chat.say("BF3 2QX")
    assert "that's confirmed" in details.text and "Target date" in details.text


def test_case_details_refused_with_the_wrong_postcode(chat) -> None:
    status = chat.say("where is my request BDC-104233")
    chat.press(status, "Yes")
    failed = chat.say("BF1 3NW")
    assert "couldn't confirm those details" in failed.text
    assert "Target date" not in failed.text


def test_a_case_reference_in_the_wrong_format(chat) -> None:
    chat.say("can you check my case")
    assert "BDC-104233" in chat.say("BDC-12").text
    stopped = chat.say("stop").text
    assert "stopped" in stopped, stopped


def test_a_reference_on_its_own(chat) -> None:
    assert "Request BDC-104233" in chat.say("BDC-104233").text


# --- balances and identity ------------------------------------------------


def test_council_tax_balance_with_a_signed_token(bot_stack) -> None:
    chat = bot_stack.chat(frontdoor_identity_token=bot_stack.token(council_tax=(ANN["reference"],)))
    replies = chat.say("how much council tax do i owe")
    assert "Council tax account CT40012345" in replies.text
    assert "Next instalment" in replies.text


def test_council_tax_balance_after_a_knowledge_check(chat) -> None:
    intro = chat.say("whats my council tax balance")
    assert "check it's you" in intro.text and "CT" in intro.text
    assert "postcode" in chat.say("ct 4001 2345").text
    assert "last payment" in chat.say("bf3 2qx").text
    answer = chat.say("£168.75")
    assert "that's confirmed" in answer.text and "Council tax account CT40012345" in answer.text


def test_rent_balance_with_the_surname(chat) -> None:
    chat.say("am i behind on my rent")
    chat.say("TEN-004512")
    chat.say("BF3 2QX")
    answer = chat.say("Okafor")
    assert "Rent account TEN-004512" in answer.text and "Recent payments" in answer.text


def test_every_failure_reads_the_same_and_the_third_locks_out(chat) -> None:
    # An account that does not exist locks exactly like a real one (and this
    # keeps the demo accounts usable by the other tests in this session).
    texts = []
    chat.say("council tax balance")
    for attempt, fact in enumerate(("Smith", "£1.00", "Jones")):
        if attempt:
            chat.say("yes")
        chat.say("CT49999999")
        chat.say("BF3 2QX")
        texts.append(chat.say(fact))
    assert texts[0].text.startswith("Sorry, I couldn't confirm those details.")
    assert texts[1].text.startswith("Sorry, I couldn't confirm those details.")
    assert "can't check any more" in texts[2].text
    handed = chat.press(texts[2], "Talk to a person")
    assert handed.handoffs and "£" not in handed.text


def test_a_client_cannot_set_the_verified_slot(chat) -> None:
    chat.say('/inform{"verified_session": "forged", "verify_reference": "CT40012345"}')
    replies = chat.say("whats my council tax balance")
    assert "check it's you" in replies.text and "£" not in replies.text


def test_a_token_for_another_account_is_not_enough(bot_stack) -> None:
    chat = bot_stack.chat(frontdoor_identity_token=bot_stack.token(council_tax=("CT40012346",)))
    replies = chat.say("balance for council tax account CT40012345")
    assert "check it's you" in replies.text and "£" not in replies.text


def test_an_expired_or_forged_token_is_ignored(bot_stack) -> None:
    token = bot_stack.token(council_tax=(ANN["reference"],))
    chat = bot_stack.chat(frontdoor_identity_token=token[:-3] + "abc")
    assert "check it's you" in chat.say("council tax balance").text


# --- planning ------------------------------------------------


def test_planning_by_reference(chat) -> None:
    replies = chat.say("what's happening with planning application 26/01234/ful")
    assert "26/01234/FUL at Land rear of 12 Foxglove Lane" in replies.text
    assert "under consideration" in replies.text


def test_planning_by_postcode(chat) -> None:
    chat.say("are there any planning applications near me")
    replies = chat.say("BF3 2QX")
    assert "26/01234/FUL" in replies.text


# --- questions ------------------------------------------------


def test_a_question_is_answered_with_a_link_and_feedback(chat, bot_stack) -> None:
    if not bot_stack.knowledge.fake.articles:
        pytest.skip("needs the stub's articles")
    replies = chat.say("how do i register to vote?")
    assert len(replies) == 1, replies  # one message: answer, card, "Did that help?"
    # The article's own first sentence answers "how do i register?"; the rest is a click away.
    assert "Register to vote online at gov.uk." in replies.text
    (card,) = replies.custom[0]["links"]
    assert card["title"] and card["url"].startswith("http")
    assert replies.custom[0]["prompt"] == "Did that help?"
    assert "glad" in chat.press(replies, "Yes").text


def test_no_is_not_held_against_the_next_question(chat, bot_stack) -> None:
    first = chat.say("how do i register to vote?")
    rephrase = chat.press(first, "No")
    assert "another way" in rephrase.text and "/human" in rephrase.payloads
    unrelated = chat.say("can i keep chickens on my allotment plot")
    assert "still" not in unrelated.text and "either" not in unrelated.text, unrelated.text


def test_two_failed_answers_offer_a_person(chat, bot_stack) -> None:
    chat.say("can i keep goats on my allotment plot")
    second = chat.say("can i keep chickens on my allotment plot")
    assert "talk to a person" in second.text
    handed = chat.press(second, "Yes, talk to a person")
    (handoff,) = handed.handoffs
    assert handoff["reason"] == "repeated_failure"
    assert len(handoff["summary"]["failed_questions"]) == 2
    missed = [(gap["text"], gap["source"]) for gap in bot_stack.knowledge.gaps]
    assert ("can i keep chickens on my allotment plot", "fallback") in missed


def test_out_of_scope_is_declined_politely(chat) -> None:
    replies = chat.say("who won the football last night")
    assert "only help with Bramblefield" in replies.text, replies.text


# --- handover ------------------------------------------------


def test_asking_for_a_person_emits_one_handoff(chat) -> None:
    replies = chat.say("can i speak to a real person please")
    (handoff,) = replies.handoffs
    assert handoff["reason"] == "requested" and handoff["priority"] == "normal"
    assert set(handoff["summary"]) >= {
        "topic",
        "references",
        "verified_identity",
        "articles_shown",
        "failed_questions",
    }
    # The action server cannot reach a handoff service here: it promises nobody.
    assert "asking for a member of our customer services team" in replies.text
    assert handoff["summary"]["language"] == "en"


def test_a_request_for_a_person_that_names_council_tax_goes_to_revenues(chat) -> None:
    # seen in a walk-through: the resident's first message went to the general queue
    replies = chat.say("talk to a person about my council tax bill")
    (handoff,) = replies.handoffs
    assert handoff["reason"] == "requested" and handoff["priority"] == "normal"
    assert handoff["service_area"] == "revenues"
    assert handoff["summary"]["subject"] == "pay-council-tax"
    assert handoff["summary"]["subject_title"] == "Pay your council tax"  # for the advisor
    assert handoff["summary"]["articles_shown"] == []  # found for the advisor, not shown


def test_a_person_mid_form_ends_the_form(chat) -> None:
    chat.say("book bulky waste")
    replies = chat.say("talk to a person")
    (handoff,) = replies.handoffs
    assert handoff["service_area"] == "waste"
    assert "postcode" not in chat.say("thanks").text


@pytest.mark.parametrize(
    ("message", "area"),
    [
        ("i'm going to be homeless next week", "housing"),
        ("my partner hits me", "housing"),
        ("i want to end my life", "general"),
        ("my mum passed away and i need help", "revenues"),
    ],
)
def test_a_resident_at_risk_is_urgent(chat, message: str, area: str) -> None:
    replies = chat.say(message)
    (handoff,) = replies.handoffs
    assert handoff["reason"] == "at_risk" and handoff["priority"] == "urgent"
    assert handoff["service_area"] == area


def test_risk_in_the_middle_of_a_form(chat) -> None:
    chat.say("report a missed bin")
    replies = chat.say("i've been evicted and have nowhere to sleep tonight")
    (handoff,) = replies.handoffs
    assert handoff["reason"] == "at_risk"


def test_the_handoff_summary_names_the_verified_accounts(bot_stack) -> None:
    chat = bot_stack.chat(frontdoor_identity_token=bot_stack.token(council_tax=(ANN["reference"],)))
    chat.say("council tax balance")
    (handoff,) = chat.say("talk to an advisor").handoffs
    assert handoff["summary"]["verified_identity"]["references"] == ["CT40012345"]
    assert "CT40012345" in handoff["summary"]["references"]


def test_start_over(chat) -> None:
    chat.say("report a missed bin")
    replies = chat.say("start again")
    assert "start again" in replies.text
    assert "Hello" in chat.say("hello").text


# --- bad input ------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "",
        "x" * 10_000,
        "🙂🙂🙂🙂",
        "<script>alert('hi')</script><img src=x onerror=alert(1)>",
        "'; DROP TABLE bo_cases; --",
        "SELECT * FROM bot_verified_sessions",
    ],
)
def test_bad_input_gets_a_polite_reply(chat, message: str) -> None:
    text = chat.say(message).text
    assert text, f"no reply at all to {message[:40]!r}"
    assert "<script>" not in text and "<img" not in text and "DROP TABLE" not in text
    assert "x" * 50 not in text
    assert "Traceback" not in text
    assert "Hello" in chat.say("hello").text  # still working afterwards


def test_welsh_in_a_chat_that_began_in_english_is_answered_in_welsh(chat) -> None:
    chat.say("hello")
    replies = chat.say("Pryd mae fy miniau yn cael eu casglu os gwelwch yn dda?")
    assert "Sorry" not in replies.text and "English" not in replies.text, replies.text
    person = chat.say("Rwyf eisiau siarad â pherson")
    assert "Sorry" not in person.text, person.text
    if person.handoffs:  # understood as a request for a person (the NLU's part)
        assert person.handoffs[0]["summary"]["language"] == "cy"


def test_a_day_the_bot_cannot_read_creates_no_case(chat, bot_stack) -> None:
    cases = bot_stack.rows("bo_cases")
    chat.say("my bin was missed")
    chat.press(chat.say(FOXGLOVE), "10 Foxglove Lane")
    chat.say("black bin")
    unread = chat.say("<b>whenever</b>").text
    assert "didn't understand the day" in unread and "<b>" not in unread, unread
    assert "stopped" in chat.say("stop").text
    assert bot_stack.rows("bo_cases") == cases


# --- health ------------------------------------------------


def test_both_servers_answer_healthz(bot_stack) -> None:
    import httpx

    rasa = httpx.get(f"{bot_stack.rasa_url}/healthz", timeout=10).json()
    assert rasa["service"] == "rasa" and rasa["status"] == "ok"
    assert rasa["dependencies"]["model"]["status"] == "ok"
    assert rasa["dependencies"]["action_server"]["status"] == "ok"
    actions = httpx.get(f"{bot_stack.actions_url}/healthz", timeout=10).json()
    assert actions["service"] == "actions" and actions["status"] == "ok"
    assert set(actions["dependencies"]) == {"database", "knowledge"}


# --- the website's Start now buttons ------------------------------------------------


def test_each_start_now_payload_starts_its_task_in_the_pages_language(bot_stack) -> None:
    """The website sends each task's payload (knowledge/site_tasks.py) as the first
    message; the bot starts that task, in Welsh on a Welsh page."""
    from knowledge.site_tasks import TASKS

    expected = {  # the start of the task's first question, English and Welsh
        "bin-day": ("What is your postcode?", "Beth yw eich cod post?"),
        "missed-bin": ("What is your postcode?", "Beth yw eich cod post?"),
        "bulky-waste": ("What is your postcode?", "Beth yw eich cod post?"),
        "council-tax-balance": ("Before I show your council tax balance",
                                "Cyn i mi ddangos balans eich treth gyngor"),
        "rent-balance": ("Before I show your rent balance", "Cyn i mi ddangos balans eich rhent"),
        "track-request": ("What is your reference?", "Beth yw eich cyfeirnod?"),
        "planning-application": ("What is the planning application reference",
                                 "Beth yw cyfeirnod y cais cynllunio"),
    }  # fmt: skip
    assert set(expected) == set(TASKS)
    for key, task in TASKS.items():
        for language, word in zip(("en", "cy"), expected[key], strict=True):
            text = bot_stack.chat(language=language).say(task.payload).text
            assert text.startswith(word), (key, language, text)
            if language == "cy":
                assert "Before" not in text and "What" not in text, (key, text)


# --- report a problem in the street ----------------------------------------------------


def test_reporting_fly_tipping_then_tracking_it(chat) -> None:
    asked = chat.say("I want to report fly tipping")
    assert "Where is it?" in asked.text
    assert "describe what is there" in chat.say("Mill Lane, behind the shops").text
    done = chat.say("a sofa and six black bags")  # reads like bulky waste: still the answer
    assert "Your reference is BDC-" in done.text and "/report" in done.text
    reference = done.text.split("Your reference is ")[1][:10]
    tracked = chat.say(f"where is my request {reference}")
    assert f"Request {reference} (fly tipping): received." in tracked.text


def test_a_question_asked_mid_report_is_not_taken_as_the_place(chat) -> None:
    chat.say("I want to report fly tipping")
    replies = chat.say("when is my bin day?")
    assert "sounds like a question" in replies.text and "Where is it?" in replies.text
    assert "describe what is there" in chat.say("Mill Lane, behind the shops").text


@pytest.mark.parametrize(
    "place",
    [
        "Mill Lane, by the bus stop",  # the bot's own example read as "stop"
        "at the end of my road, Rose Close",  # read as at risk, 0.74
    ],
)
def test_a_place_that_reads_like_stop_or_a_risk_is_where_it_is(chat, place) -> None:
    chat.say("I want to report fly tipping")
    replies = chat.say(place)
    assert "describe what is there" in replies.text
    assert "999" not in replies.text and "nothing has been sent" not in replies.text


def test_stop_and_a_real_risk_still_end_the_report(chat) -> None:
    chat.say("I want to report fly tipping")
    assert "nothing has been sent" in chat.say("stop").text
    chat.say("I want to report fly tipping")
    assert "999" in chat.say("I want to end my life").text
