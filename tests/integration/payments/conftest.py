"""The payments journey on a real database (SQLite and PostgreSQL) with the
scenario back office, and a local GOV.UK Pay server on a free port.

``Kit.clock`` is a clock the test moves (the hold's expiry is decided by it,
never by the wall clock)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import pytest

from backoffice.ports import BackOffice
from backoffice.sql import SqlLoader, demo_backoffice
from frontdoor.db import make_session_factory
from payments.govukpay import GovUkPay
from payments.journey import BulkyOrder, Payments
from payments.localpay import LocalPay, RunningServer
from tests.contract import backoffice_scenario as s

NOW = s.at(s.EASTER_WEDNESDAY, 10, 0)
RETURN = "https://council.test/pay/return"
ORDER = BulkyOrder(uprn=s.HOME, slot_id=s.SLOT_LAST_PLACE, items={"sofa": 1}, resident_id=s.ANN)


@dataclass
class MovingClock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Kit:
    payments: Payments
    backoffice: BackOffice
    pay: LocalPay
    clock: MovingClock
    engine: object
    browser: httpx.Client = field(default_factory=lambda: httpx.Client(follow_redirects=False))

    def places_booked(self, slot_id: str = s.SLOT_LAST_PLACE) -> int:
        day = datetime.strptime(slot_id[4:], "%Y%m%d").date()
        found = self.backoffice.bulky.available_slots(s.HOME, start=day, end=day)
        return found[0].booked if found else -1  # -1: full

    def resident_chooses(self, next_url: str, choice: str) -> httpx.Response:
        """What the resident does on the hosted page: open it, press a button."""
        assert self.browser.get(next_url).status_code == 200
        answer = self.browser.post(next_url, data={"choice": choice})
        assert answer.status_code == 303
        return answer


@pytest.fixture(scope="module")
def local_pay() -> Iterator[tuple[LocalPay, str]]:
    pay = LocalPay()
    with RunningServer(pay) as server:
        yield pay, server.url


@pytest.fixture
def kit(database, local_pay) -> Iterator[Kit]:  # type: ignore[no-untyped-def]
    pay, url = local_pay
    pay.faults.clear()
    sessions = make_session_factory(database.engine)
    with sessions.begin() as session:
        s.load_scenario(SqlLoader(session))
    backoffice = demo_backoffice(database.engine)
    clock = MovingClock()
    adapter = GovUkPay(pay.api_key, base_url=url, timeout=0.5)
    payments = Payments(
        database.engine, adapter, backoffice.bulky, clock=clock, return_url=RETURN, hold_minutes=30
    )
    kit = Kit(payments, backoffice, pay, clock, database.engine)
    yield kit
    kit.browser.close()
    adapter.close()
