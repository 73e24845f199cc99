"""A second, invented council (tests/profiles/harrowgate.toml) through the action
server's own composition root (``actions.server.build_services``) on the seeded
database: its name in the bot's replies in English and Welsh, its postcodes, its
fee table in the prices, the quote and the amount charged. Bramblefield's name
appears in none of them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from actions.answer_log import MemoryAnswerLog
from actions.knowledge_client import FakeKnowledgeClient
from actions.server import build_services
from actions.settings import BotSettings
from actions.verification import MemoryVerificationStore
from payments.journey import BulkyOrder
from tests.unit.bot.harness import ARTICLES, NOW, TEST_SETTINGS, TODAY, BotHarness

HARROWGATE = Path(__file__).resolve().parents[2] / "profiles" / "harrowgate.toml"
WELSH = {"language": "cy"}


@pytest.fixture
def vale(seeded_database) -> BotHarness:  # type: ignore[no-untyped-def]
    settings = BotSettings.load(
        {
            **TEST_SETTINGS,
            "FRONTDOOR_DATABASE_URL": seeded_database.url,
            "FRONTDOOR_PROFILE": str(HARROWGATE),
        }
    )
    store = MemoryVerificationStore()
    knowledge = FakeKnowledgeClient().add(ARTICLES)
    services = build_services(
        settings,
        engine=seeded_database.engine,
        knowledge=knowledge,
        verification_store=store,
        answers=MemoryAnswerLog(),
        clock=lambda: NOW,
    )
    return BotHarness(services, services.backoffice, knowledge, store)


def said(bot: BotHarness, action: str, **tracker: object) -> str:
    text = bot.run(action, bot.tracker(**tracker)).text  # type: ignore[arg-type]
    assert "Bramblefield" not in text, text
    return text


def test_the_bot_speaks_for_the_council_in_its_profile(vale: BotHarness) -> None:
    assert "Harrowgate Vale Borough Council assistant" in said(
        vale, "action_smalltalk", intent="greet"
    )
    assert "contacting Harrowgate Vale Borough Council" in said(
        vale, "action_smalltalk", intent="goodbye"
    )
    assert "only help with Harrowgate Vale Borough Council services" in said(
        vale, "action_answer_question", text="who won the football", intent="out_of_scope"
    )
    welsh = said(vale, "action_smalltalk", text="/greet", intent="greet", metadata=WELSH)
    assert "cynorthwyydd Cyngor Bwrdeistref Dyffryn Harrowgate" in welsh
    goodbye = said(vale, "action_smalltalk", text="/goodbye", intent="goodbye", metadata=WELSH)
    assert (
        goodbye == "Hwyl fawr, a diolch am gysylltu â thîm Cyngor Bwrdeistref Dyffryn Harrowgate."
    )


def test_its_postcodes_are_the_examples_and_the_areas_it_names(vale: BotHarness) -> None:
    assert said(vale, "action_ask_postcode") == "What is your postcode? For example HV2 4PL."
    unknown = vale.validate("bin_day_form", {"postcode": "HV9 9ZZ"}).text
    assert unknown == (
        "I can't find any Harrowgate Vale addresses with that postcode. Please check it: our "
        "postcodes start with HV, HG, for example HV2 4PL."
    )


def test_its_fee_table_prices_the_quote_and_the_payment(vale: BotHarness) -> None:
    prices = said(vale, "action_bulky_prices")
    assert "up to 6 large items" in prices and "£35.00 for up to 2 items" in prices
    assert "£10.00 for each extra item" in prices and "25% less" in prices
    bulky = vale.backoffice.bulky
    home = vale.backoffice.properties.find_by_postcode("BF3 2QX")[0]
    slot = bulky.available_slots(
        home.uprn, start=TODAY + timedelta(days=1), end=TODAY + timedelta(days=28)
    )[0]
    assert bulky.quote(uprn=home.uprn, items={"sofa": 1, "table": 2}).price_pence == 4500
    payments = vale.services.payments
    assert payments is not None
    started = payments.start_bulky(
        BulkyOrder(uprn=home.uprn, slot_id=slot.slot_id, items={"sofa": 1, "table": 2}),
        idempotency_key="vale-1",
    )
    assert started.amount_pence == 4500  # £35 for two, £10 for the third (the demo's: £28)
