"""The amount charged comes from the council profile's fee table (SQLite and
PostgreSQL): the back office prices holds by it, and a back office that prices
otherwise is never charged for, nor left holding the place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from backoffice.bulky_rules import price_list_from
from backoffice.sql import SqlLoader, demo_backoffice
from frontdoor.db import make_session_factory
from frontdoor.profile import load_profile
from payments import store
from payments.demo import DemoPay
from payments.journey import BulkyOrder, PaymentUnavailable
from payments.settings import PaymentsSettings, payments_from
from tests.contract import backoffice_scenario as s
from tests.integration.payments.conftest import MovingClock

HARROWGATE = Path(__file__).resolve().parents[2] / "profiles" / "harrowgate.toml"
# two sofas and a wardrobe (it counts as two): four items
ORDER = BulkyOrder(uprn=s.HOME, slot_id=s.SLOT_OPEN, items={"sofa": 2, "wardrobe": 1})


def loaded(database):  # type: ignore[no-untyped-def]
    with make_session_factory(database.engine).begin() as session:
        s.load_scenario(SqlLoader(session))


def test_the_council_profile_sets_the_price_charged(database) -> None:  # type: ignore[no-untyped-def]
    loaded(database)
    council = load_profile(HARROWGATE)
    backoffice = demo_backoffice(
        database.engine, bulky_prices=price_list_from(council.fees.bulky_waste)
    )
    settings = PaymentsSettings.load(
        {"FRONTDOOR_ENVIRONMENT": "test", "FRONTDOOR_PROFILE": str(HARROWGATE)}
    )
    payments = payments_from(database.engine, backoffice.bulky, MovingClock(), settings=settings)
    started = payments.start_bulky(ORDER, idempotency_key="fee-1")
    # £35 for two items, £10 for each of the other two; the scenario's own list: £35
    assert started.amount_pence == 5500
    assert s.PRICE_LIST.base_pence + s.PRICE_LIST.extra_item_pence == 3500
    record = store.by_key(database.engine, "fee-1")
    assert record is not None and record.amount_pence == 5500


def test_a_back_office_that_prices_otherwise_is_not_charged(database) -> None:  # type: ignore[no-untyped-def]
    loaded(database)
    backoffice = demo_backoffice(database.engine)  # its own list (£28 + £7), not the profile's
    settings = PaymentsSettings.load(
        {"FRONTDOOR_ENVIRONMENT": "test", "FRONTDOOR_PROFILE": str(HARROWGATE)}
    )
    payments = payments_from(database.engine, backoffice.bulky, MovingClock(), settings=settings)
    assert isinstance(payments.provider, DemoPay)
    day = date(2026, 4, 21)  # SLOT_OPEN's
    [before] = backoffice.bulky.available_slots(s.HOME, start=day, end=day)
    with pytest.raises(PaymentUnavailable):
        payments.start_bulky(ORDER, idempotency_key="fee-2")
    [after] = backoffice.bulky.available_slots(s.HOME, start=day, end=day)
    assert after.booked == before.booked  # the place was given back
    assert store.by_key(database.engine, "fee-2") is None  # nothing to pay, nothing recorded
