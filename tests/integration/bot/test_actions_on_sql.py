"""Actions on the demo SQL back office and the bot_ tables (SQLite, seeded)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from actions.verification import CheckOutcome, Purpose, SqlVerificationStore, Verifier
from backoffice import demo_backoffice
from backoffice.seed import DEMO_IDENTITIES
from tests.unit.bot.harness import NOW, SIGNING_KEY, BotHarness, harness_for

GENUINE = DEMO_IDENTITIES["genuine_missed_bin"]
ANN = DEMO_IDENTITIES["council_tax"]


def _bot(database) -> BotHarness:
    return harness_for(
        demo_backoffice(database.engine), verification=SqlVerificationStore(database.engine)
    )


def test_bin_day_from_the_database(seeded_database) -> None:
    bot = _bot(seeded_database)
    result = bot.run("action_bin_day", bot.tracker(slots={"uprn": ANN["uprn"]}))
    assert "14 Foxglove Lane, BF3 2QX" in result.text
    assert "Black rubbish bin: Tuesday 24 November" in result.text


def test_a_genuine_miss_is_raised_once(seeded_database) -> None:
    bot = _bot(seeded_database)
    slots = {"uprn": GENUINE["uprn"], "bin_type": "recycling", "missed_day": "2026-11-17"}
    first = bot.run("action_submit_missed_bin", bot.tracker(slots=slots))
    reference = first.text.split("reference is ")[1][:10]
    again = _bot(seeded_database).run("action_submit_missed_bin", bot.tracker(slots=slots))
    assert "already been reported" in again.text and reference in again.text
    cases = bot.backoffice.cases.list_cases(uprn=GENUINE["uprn"])
    assert sum(1 for c in cases if c.service_date == date(2026, 11, 17)) == 1


def test_concurrent_reports_of_the_same_miss_make_one_case(seeded_database) -> None:
    slots = {"uprn": GENUINE["uprn"], "bin_type": "recycling", "missed_day": "2026-11-17"}
    texts: list[str] = []

    def report(index: int) -> None:
        bot = _bot(seeded_database)
        texts.append(
            bot.run(
                "action_submit_missed_bin", bot.tracker(sender_id=f"r{index}", slots=slots)
            ).text
        )

    threads = [threading.Thread(target=report, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    references = {text.split("BDC-")[1][:6] for text in texts}
    assert len(references) == 1


def test_bulky_capacity_holds_on_the_database(seeded_database) -> None:
    bot = _bot(seeded_database)
    offered = bot.run("action_ask_bulky_slot", bot.tracker(slots={"uprn": ANN["uprn"]})).slot(
        "offered_slots"
    )
    slot = next(
        s
        for s in bot.backoffice.bulky.available_slots(
            ANN["uprn"], start=date(2026, 11, 19), end=date(2026, 12, 31)
        )
        if s.slot_id == offered[0]
    )
    homes = bot.backoffice.properties.find_by_postcode("BF3 2QX")[: slot.remaining + 2]
    held = refused = 0
    for index, home in enumerate(homes):
        result = bot.run(
            "action_book_bulky",
            bot.tracker(
                sender_id=f"b{index}",
                slots={
                    "uprn": home.uprn,
                    "bulky_items": {"sofa": 1},
                    "bulky_slot": slot.slot_id,
                    "payment_confirmed": True,
                },
            ),
        )
        held += "I'm holding" in result.text
        refused += "just been taken" in result.text
    # each payer holds a place while paying; past capacity the day is refused
    assert (held, refused) == (slot.remaining, 2)
    assert all(
        s.slot_id != slot.slot_id
        for s in bot.backoffice.bulky.available_slots(ANN["uprn"], start=slot.day, end=slot.day)
    )


def test_the_lock_out_survives_a_restart_of_the_action_server(seeded_database) -> None:
    def verifier(now=NOW) -> Verifier:
        return Verifier(
            SqlVerificationStore(seeded_database.engine),
            demo_backoffice(seeded_database.engine),
            signing_key=SIGNING_KEY.encode(),
            clock=lambda: now,
        )

    def attempt(v: Verifier, conversation: str, fact: str):
        return v.knowledge_check(
            conversation_id=conversation,
            reference=ANN["reference"],
            postcode="BF3 2QX",
            fact=fact,
            purpose=Purpose.BALANCE,
        )

    # one conversation: three failures and it may not check any more
    assert attempt(verifier(), "c1", "wrong").outcome is CheckOutcome.FAILED
    assert attempt(verifier(), "c1", "wrong").outcome is CheckOutcome.FAILED
    assert attempt(verifier(), "c1", "wrong").outcome is CheckOutcome.LOCKED
    assert attempt(verifier(), "c1", "Whitlock").outcome is CheckOutcome.LOCKED
    # strangers in other conversations: the account is delayed, never locked
    assert attempt(verifier(), "c2", "wrong").outcome is CheckOutcome.FAILED
    assert attempt(verifier(), "c3", "wrong").outcome is CheckOutcome.FAILED
    assert attempt(verifier(), "resident", "Whitlock").outcome is CheckOutcome.DELAYED
    later = verifier(NOW + timedelta(minutes=1))
    assert attempt(later, "resident", "Whitlock").outcome is CheckOutcome.VERIFIED


def test_a_verified_session_is_bound_to_its_conversation(seeded_database) -> None:
    store = SqlVerificationStore(seeded_database.engine)
    v = Verifier(
        store,
        demo_backoffice(seeded_database.engine),
        signing_key=SIGNING_KEY.encode(),
        clock=lambda: NOW,
    )
    result = v.knowledge_check(
        conversation_id="real",
        reference=ANN["reference"],
        postcode="BF3 2QX",
        fact="£168.75",
        purpose=Purpose.BALANCE,
    )
    fresh = Verifier(
        SqlVerificationStore(seeded_database.engine),
        demo_backoffice(seeded_database.engine),
        signing_key=SIGNING_KEY.encode(),
        clock=lambda: NOW,
    )
    assert fresh.grants("real", result.secret)
    assert fresh.grants("invented", result.secret) == []
    assert fresh.recorded_identity("real").references_for(Purpose.BALANCE) == [ANN["reference"]]
    with seeded_database.engine.connect() as connection:
        stored = connection.exec_driver_sql(
            "SELECT secret_hash, reference, purpose, facts FROM bot_verification_grants"
        ).all()
    assert stored and result.secret not in str(stored)


def test_balances_from_the_database_after_a_knowledge_check(seeded_database) -> None:
    bot = _bot(seeded_database)
    verified = bot.run(
        "action_verify",
        bot.tracker(
            slots={
                "verify_purpose": "balance",
                "account_kind": "council_tax",
                "verify_reference": ANN["reference"],
                "verify_postcode": "bf3 2qx",
                "verify_fact": "whitlock",
            }
        ),
    )
    shown = bot.run(
        "action_show_balance",
        bot.tracker(
            slots={
                "account_kind": "council_tax",
                "verify_reference": ANN["reference"],
                "verified_session": verified.slot("verified_session"),
            }
        ),
    )
    assert "Council tax account CT40012345" in shown.text and "£168.75" in shown.text
