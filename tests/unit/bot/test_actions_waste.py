"""Bin day, missed bins and bulky waste, run as actions against the seeded fake."""

from __future__ import annotations

from datetime import date

from backoffice.seed import DEMO_IDENTITIES
from tests.unit.bot.harness import BotHarness

FOXGLOVE = DEMO_IDENTITIES["postcode"]["postcode"]
NOT_PRESENTED = DEMO_IDENTITIES["bin_not_presented"]
GENUINE = DEMO_IDENTITIES["genuine_missed_bin"]
IN_PROGRESS = DEMO_IDENTITIES["round_in_progress"]
ANN = DEMO_IDENTITIES["council_tax"]


# --- addresses ------------------------------------------------


def test_a_postcode_is_normalised_and_checked(bot: BotHarness) -> None:
    result = bot.validate("bin_day_form", {"postcode": "bf32qx"})
    assert result.slot("postcode") == "BF3 2QX"
    assert result.slot("uprn", None) is None  # 12 addresses: the resident chooses


def test_a_postcode_typed_in_a_sentence_is_found(bot: BotHarness) -> None:
    result = bot.validate("bin_day_form", {"postcode": "my postcode is BF3 2QX thanks"})
    assert result.slot("postcode") == "BF3 2QX"


def test_a_malformed_or_unknown_postcode_is_asked_again(bot: BotHarness) -> None:
    bad = bot.validate("bin_day_form", {"postcode": "BF3"})
    assert bad.slot("postcode") is None and "full postcode" in bad.text
    unknown = bot.validate("bin_day_form", {"postcode": "SW1A 1AA"})
    assert unknown.slot("postcode") is None and "start with BF" in unknown.text


def test_the_addresses_are_offered_as_buttons(bot: BotHarness) -> None:
    result = bot.run("action_ask_uprn", bot.tracker(slots={"postcode": FOXGLOVE}))
    assert len(result.buttons) == DEMO_IDENTITIES["postcode"]["addresses"]
    assert result.buttons[0]["payload"].startswith('/inform{"uprn":"')
    assert "14 Foxglove Lane" in [b["title"] for b in result.buttons]


def test_an_address_is_chosen_by_button_or_by_typing(bot: BotHarness) -> None:
    by_button = bot.validate("bin_day_form", {"uprn": ANN["uprn"]}, slots={"postcode": FOXGLOVE})
    assert by_button.slot("uprn") == ANN["uprn"]
    typed = bot.validate("bin_day_form", {"uprn": "14 foxglove lane"}, slots={"postcode": FOXGLOVE})
    assert typed.slot("uprn") == ANN["uprn"]
    elsewhere = bot.validate("bin_day_form", {"uprn": "990000000005"}, slots={"postcode": FOXGLOVE})
    assert elsewhere.slot("uprn") is None  # a UPRN that is not at this postcode


# --- bin day ------------------------------------------------


def test_bin_day_lists_the_next_collection_of_each_bin(bot: BotHarness) -> None:
    result = bot.run(
        "action_bin_day", bot.tracker(slots={"postcode": FOXGLOVE, "uprn": ANN["uprn"]})
    )
    text = result.text
    assert "14 Foxglove Lane, BF3 2QX" in text
    assert "Black rubbish bin: Tuesday 24 November" in text
    assert "Blue recycling bin: Tuesday 1 December" in text
    assert "6am" in text
    assert result.slot("task") is None


def test_bin_day_mentions_bank_holiday_changes(world) -> None:
    from datetime import datetime

    from backoffice.ports import LONDON
    from tests.unit.bot.harness import make_harness

    bot = make_harness(world, now=datetime(2026, 12, 21, 9, 0, tzinfo=LONDON))
    result = bot.run(
        "action_bin_day", bot.tracker(slots={"postcode": FOXGLOVE, "uprn": ANN["uprn"]})
    )
    assert "Christmas Day" in result.text
    assert "moved from" in result.text


def test_bin_day_returns_to_a_paused_task(bot: BotHarness) -> None:
    result = bot.run(
        "action_bin_day",
        bot.tracker(slots={"uprn": ANN["uprn"], "task": "bin_day", "paused_task": "missed_bin"}),
    )
    assert result.followup == "missed_bin_form"
    assert "back to your missed bin report" in result.text


# --- missed bin ------------------------------------------------


def test_the_missed_day_is_read_and_checked(bot: BotHarness, today: date) -> None:
    ok = bot.validate("missed_bin_form", {"missed_day": "yesterday"})
    assert ok.slot("missed_day") == "2026-11-17"
    future = bot.validate("missed_bin_form", {"missed_day": "25/12/2026"})
    assert future.slot("missed_day") is None and "hasn't happened" in future.text
    nonsense = bot.validate("missed_bin_form", {"missed_day": "'; DROP TABLE bo_cases; --"})
    assert nonsense.slot("missed_day") is None


def test_the_bin_type_is_read_from_words(bot: BotHarness) -> None:
    assert (
        bot.validate("missed_bin_form", {"bin_type": "the blue one"}).slot("bin_type")
        == "recycling"
    )
    assert bot.validate("missed_bin_form", {"bin_type": "purple"}).slot("bin_type") is None


def test_only_the_bins_a_property_has_are_offered(bot: BotHarness) -> None:
    result = bot.run("action_ask_bin_type", bot.tracker(slots={"uprn": ANN["uprn"]}))
    payloads = [b["payload"] for b in result.buttons]
    has = [service.bin_type.value for service in bot.backoffice.waste.services(ANN["uprn"])]
    assert "refuse" in has and len(has) < 4  # the demo identity lacks some bin, so this bites
    assert payloads == [f'/inform{{"bin_type":"{kind}"}}' for kind in has]


def _missed(bot: BotHarness, who, *, bin_type: str | None = None, day: str = "2026-11-17", **slots):
    return bot.run(
        "action_submit_missed_bin",
        bot.tracker(
            slots={
                "uprn": who["uprn"],
                "bin_type": bin_type or who["bin_type"],
                "missed_day": day,
                "task": "missed_bin",
                **slots,
            }
        ),
    )


def test_a_genuine_miss_creates_a_case_with_reference_and_target(bot: BotHarness) -> None:
    result = _missed(bot, GENUINE)
    assert "Your reference is BDC-" in result.text
    assert "We aim to collect it by" in result.text
    reference = result.text.split("reference is ")[1][:10]
    case = bot.backoffice.cases.get_case(reference)
    assert case.uprn == GENUINE["uprn"] and case.channel == "bot"
    assert result.slot("references_seen") == [reference]


def test_a_duplicate_report_returns_the_existing_case(bot: BotHarness) -> None:
    first = _missed(bot, GENUINE)
    reference = first.text.split("reference is ")[1][:10]
    again = _missed(bot, GENUINE)
    assert "already been reported" in again.text and reference in again.text
    same_day = [
        case
        for case in bot.backoffice.cases.list_cases(uprn=GENUINE["uprn"])
        if case.case_type.value == "missed_bin" and case.service_date == date(2026, 11, 17)
    ]
    assert [case.reference for case in same_day] == [reference]


def test_a_bin_the_crew_logged_as_not_presented_is_explained_not_raised(bot: BotHarness) -> None:
    before = len(bot.backoffice.cases.list_cases(uprn=NOT_PRESENTED["uprn"]))
    result = _missed(bot, NOT_PRESENTED)
    assert "not out when they passed" in result.text
    assert "next collection day" in result.text
    assert result.slot("awaiting") == "dispute_offer"
    assert len(bot.backoffice.cases.list_cases(uprn=NOT_PRESENTED["uprn"])) == before


def test_a_disputed_crew_log_becomes_a_case(bot: BotHarness) -> None:
    result = bot.run(
        "action_submit_dispute",
        bot.tracker(
            slots={
                "uprn": NOT_PRESENTED["uprn"],
                "bin_type": "recycling",
                "missed_day": "2026-11-17",
                "dispute_reason": "It was out at 6am, <b>definitely</b>",
            }
        ),
    )
    assert "Your reference is BDC-" in result.text
    reference = result.text.split("reference is ")[1][:10]
    case = bot.backoffice.cases.get_case(reference)
    assert "<b>" not in case.description and "definitely" in case.description


def test_a_round_still_running_means_wait(bot: BotHarness) -> None:
    result = _missed(bot, IN_PROGRESS, day="2026-11-18")
    assert "still working on your round" in result.text  # the seeded round is in progress
    assert "8pm" in result.text
    assert "reference" not in result.text


def test_a_bin_not_due_that_day_is_explained(bot: BotHarness) -> None:
    result = _missed(bot, GENUINE, day="2026-11-16")
    assert "was not a collection day" in result.text


# --- bulky waste ------------------------------------------------


def test_prices_and_items_are_listed_with_an_offer_to_book(bot: BotHarness) -> None:
    result = bot.run("action_bulky_prices", bot.tracker(intent="ask_bulky_prices"))
    assert "£28.00 for up to 3 items" in result.text
    assert "£7.00 for each extra item" in result.text
    assert "sofa or settee" in result.text
    assert result.slot("awaiting") == "offer_bulky_booking"


def test_items_are_parsed_and_priced_without_revealing_a_concession(bot: BotHarness) -> None:
    grace = DEMO_IDENTITIES["bulky_concession"]
    result = bot.validate(
        "bulky_waste_form",
        {"bulky_items": "a sofa, two mattresses and a fridge freezer"},
        slots={"uprn": grace["uprn"], "postcode": FOXGLOVE},
    )
    assert result.slot("bulky_items") == {"sofa": 1, "mattress": 2, "fridge": 1}
    asked = bot.run(
        "action_ask_bulky_slot",
        bot.tracker(slots={"uprn": grace["uprn"], "bulky_items": result.slot("bulky_items")}),
    )
    # An address alone must not reveal that the household gets council tax support.
    assert "£35.00" in asked.text and "£17.50" not in asked.text
    assert "If you get council tax support you pay half price" in asked.text
    assert asked.texts[-1].startswith("Which day")


def test_a_verified_resident_gets_the_concession(bot: BotHarness) -> None:
    grace = DEMO_IDENTITIES["bulky_concession"]
    token = bot.token(council_tax=[grace["council_tax_reference"]])
    asked = bot.run(
        "action_ask_bulky_slot",
        bot.tracker(
            slots={"uprn": grace["uprn"], "bulky_items": {"sofa": 1, "mattress": 2, "fridge": 1}},
            metadata={"frontdoor_identity_token": token},
        ),
    )
    assert "£17.50" in asked.text  # (£28 + £7) half price
    assert "council tax support" in asked.text


def test_unknown_or_too_many_items_are_asked_again(bot: BotHarness) -> None:
    unknown = bot.validate(
        "bulky_waste_form", {"bulky_items": "a grand piano"}, slots={"uprn": ANN["uprn"]}
    )
    assert unknown.slot("bulky_items") is None and "We collect" in unknown.text
    assert "piano" not in unknown.text  # never echoed
    too_many = bot.validate(
        "bulky_waste_form", {"bulky_items": "9 mattresses"}, slots={"uprn": ANN["uprn"]}
    )
    assert too_many.slot("bulky_items") is None and "at most 8" in too_many.text


def _slots_offered(bot: BotHarness, uprn: str):
    result = bot.run("action_ask_bulky_slot", bot.tracker(slots={"uprn": uprn}))
    return result, result.slot("offered_slots")


def test_available_days_are_offered_and_chosen(bot: BotHarness) -> None:
    result, offered = _slots_offered(bot, ANN["uprn"])
    assert offered and len(result.buttons) == len(offered)
    chosen = bot.validate(
        "bulky_waste_form",
        {"bulky_slot": "the first one"},
        slots={"uprn": ANN["uprn"], "offered_slots": offered},
    )
    assert chosen.slot("bulky_slot") == offered[0]


def test_a_paid_booking_holds_the_slot_and_books_only_after_payment(bot: BotHarness) -> None:
    _, offered = _slots_offered(bot, ANN["uprn"])
    slots = {
        "uprn": ANN["uprn"],
        "bulky_items": {"sofa": 1},
        "bulky_slot": offered[0],
        "offered_slots": offered,
        "task": "bulky",
    }
    ask = bot.run("action_ask_payment_confirmed", bot.tracker(slots=slots))
    assert "pay £28.00 by card" in ask.text
    assert "Continue to payment" in [b["title"] for b in ask.buttons]

    def booked_places() -> int:
        window = {"start": date(2026, 11, 19), "end": date(2026, 12, 31)}
        found = bot.backoffice.bulky.available_slots(ANN["uprn"], **window)
        return next(s.booked for s in found if s.slot_id == offered[0])

    before = booked_places()
    bookings = bot.backoffice.bulky.bookings_for_property(ANN["uprn"])
    pay = bot.run("action_book_bulky", bot.tracker(slots={**slots, "payment_confirmed": True}))
    assert "I'm holding" in pay.text and "Nothing is booked until" in pay.text
    link = pay.messages[-1]["custom"]["links"][0]
    assert link["title"] == "Pay £28.00 for your bulky waste collection"
    assert link["url"].startswith("https://council.test/pay/demo/")
    assert booked_places() == before + 1  # held while paying
    assert bot.backoffice.bulky.bookings_for_property(ANN["uprn"]) == bookings  # none yet
    # pressing "pay" twice gives the same payment and holds one place
    again = bot.run("action_book_bulky", bot.tracker(slots={**slots, "payment_confirmed": True}))
    assert again.messages[-1]["custom"]["links"][0]["url"] == link["url"]
    assert booked_places() == before + 1
    payments = bot.services.payments
    assert payments is not None
    payment_id = link["url"].rsplit("/", 1)[1]
    payments.provider.choose(payment_id, "pay")  # type: ignore[attr-defined]
    reference = payments.provider.status(payment_id).reference
    outcome = payments.settle(reference)
    assert outcome is not None and outcome.state == "booked"
    booking = bot.backoffice.bulky.get_booking(outcome.booking_reference or "")
    assert (booking.price_pence, booking.slot_id) == (2800, offered[0])
    assert booking.payment_reference == f"demo:{payment_id}"
    assert booked_places() == before + 1  # the held place became the booking


def test_declining_payment_books_nothing(bot: BotHarness) -> None:
    _, offered = _slots_offered(bot, ANN["uprn"])
    result = bot.run(
        "action_book_bulky",
        bot.tracker(
            slots={
                "uprn": ANN["uprn"],
                "bulky_items": {"sofa": 1},
                "bulky_slot": offered[0],
                "payment_confirmed": False,
            }
        ),
    )
    assert "haven't booked" in result.text
    bookings = bot.backoffice.bulky.bookings_for_property(ANN["uprn"])
    assert not [b for b in bookings if b.idempotency_key.startswith("bot-")]


def test_a_full_day_is_never_overbooked_by_holds(bot: BotHarness) -> None:
    _, offered = _slots_offered(bot, ANN["uprn"])
    slot = next(
        s
        for s in bot.backoffice.bulky.available_slots(
            ANN["uprn"], start=date(2026, 11, 19), end=date(2026, 12, 31)
        )
        if s.slot_id == offered[0]
    )
    homes = [h for h in bot.backoffice.properties.find_by_postcode(FOXGLOVE)]
    outcomes = []
    for index, home in enumerate(homes[: slot.remaining + 1]):
        result = bot.run(
            "action_book_bulky",
            bot.tracker(
                sender_id=f"resident-{index}",
                slots={
                    "uprn": home.uprn,
                    "bulky_items": {"sofa": 1},
                    "bulky_slot": slot.slot_id,
                    "payment_confirmed": True,
                },
            ),
        )
        outcomes.append(result)
    # every place is held for a payer until the day is full: the next resident is refused
    assert sum("I'm holding" in r.text for r in outcomes) == slot.remaining
    assert "just been taken" in outcomes[-1].text
    assert outcomes[-1].followup == "bulky_waste_form"
